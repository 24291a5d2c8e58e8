package io.mmsim.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.mmsim.experiment.sweep.Sweep;
import io.mmsim.experiment.sweep.SweepException;
import io.mmsim.experiment.sweep.SweepMerge;
import io.mmsim.experiment.sweep.Vary;
import io.mmsim.report.SweepReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mm sweep}: every combination of the varied keys against every workload, each run on its
 * own kernel, on several threads; results as CSV, JSON and charts.
 *
 * <p>Exit status: 0 every run ended ok or oom; 1 a run failed (its row says why); 2 a bad key,
 * value, workload or folder, before anything runs.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description =
        "Runs every combination of --vary values against every workload, each on its own kernel,"
            + " and writes DIR/results.csv, results.json, runs.jsonl and charts.",
    subcommands = {SweepCommand.Merge.class})
final class SweepCommand implements Callable<Integer> {
  @CommandLine.Option(
      names = "--config",
      paramLabel = "FILE",
      description = "A .properties file every run starts from.")
  Path config;

  @CommandLine.Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Sets one key in every run (repeatable).")
  List<String> sets = new ArrayList<>();

  @CommandLine.Option(
      names = "--vary",
      paramLabel = "KEY=VALUES",
      description =
          "A key and its values: a,b,c or LO..HI*F (geometric) or LO..HI+S (arithmetic);"
              + " repeatable, the first varies slowest.")
  List<String> varies = new ArrayList<>();

  @CommandLine.Option(
      names = "--jobs",
      paramLabel = "N",
      description = "Runs at once (default: the number of cores).")
  Integer jobs;

  @CommandLine.Option(
      names = "--shard",
      paramLabel = "I/N",
      description = "Runs only the I-th of N parts of the grid (merge them with mm sweep merge).")
  String shard;

  @CommandLine.Option(names = "--resume", description = "Skips the runs already in DIR/runs.jsonl.")
  boolean resume;

  @CommandLine.Option(
      names = "--report",
      description = "Also writes DIR/report.html: the charts and the result table on one page.")
  boolean report;

  @CommandLine.Option(
      names = "--out",
      paramLabel = "DIR",
      description = "The output folder (required).")
  Path out;

  // --out and the workloads are checked in call(), not by picocli: picocli would demand them of
  // `mm sweep merge` too
  @CommandLine.Parameters(paramLabel = "WORKLOAD", arity = "0..*", description = "Workload files.")
  List<Path> workloads = new ArrayList<>();

  @Override
  public Integer call() {
    PrintStream err = System.err;
    if (out == null || workloads.isEmpty()) {
      err.println(
          "mm sweep: give --out DIR and at least one workload (mm sweep --help shows the options)");
      return Main.EXIT_USAGE;
    }
    Sweep sweep;
    try {
      Sweep.Builder b = Sweep.builder().config(config).resume(resume).out(out);
      for (String s : sets) {
        b.set(s);
      }
      for (String v : varies) {
        b.vary(Vary.parse(v));
      }
      for (Path w : workloads) {
        b.workload(w);
      }
      if (jobs != null) {
        b.jobs(jobs);
      }
      if (shard != null) {
        int slash = shard.indexOf('/');
        try {
          b.shard(
              Integer.parseInt(shard.substring(0, Math.max(0, slash)).strip()),
              Integer.parseInt(shard.substring(slash + 1).strip()));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
          err.println("mm sweep: --shard " + shard + ": expected I/N, such as 1/4");
          return Main.EXIT_USAGE;
        }
      }
      sweep = b.build();
    } catch (SweepException e) {
      err.println("mm sweep: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    Sweep.Result result;
    try (SweepProgress progress = new SweepProgress(err, SweepProgress.stderrIsTerminal())) {
      result = sweep.run(progress);
    } catch (SweepException e) {
      err.println("mm sweep: " + e.getMessage());
      return Main.EXIT_USAGE;
    } catch (IOException e) {
      err.println("mm sweep: cannot write " + out + ": " + e.getMessage());
      return Main.EXIT_WORKLOAD;
    }
    err.printf(
        "mm sweep: %d runs in %s (%d run now, %d from the journal), %d failed%n",
        result.rows().size(), out, result.ran(), result.skipped(), result.failed());
    if (report) {
      try {
        List<String> names = new ArrayList<>();
        for (Path w : workloads) {
          names.add(w.getFileName() == null ? w.toString() : w.getFileName().toString());
        }
        Path page =
            SweepReport.write(
                out, String.join(" + ", names) + ", varying " + String.join(" ", varies));
        err.println("mm sweep: report written to " + page);
      } catch (IOException e) {
        err.println("mm sweep: cannot write the report in " + out + ": " + e.getMessage());
        return Main.EXIT_WORKLOAD;
      }
    }
    return result.failed() > 0 ? Main.EXIT_WORKLOAD : 0;
  }

  /** {@code mm sweep merge}: the shards of one grid, merged into the unsharded sweep's files. */
  @Command(
      name = "merge",
      mixinStandardHelpOptions = true,
      description = "Merges the folders of a sharded sweep into the files of the whole sweep.")
  static final class Merge implements Callable<Integer> {
    @CommandLine.Option(
        names = "--out",
        paramLabel = "DIR",
        required = true,
        description = "The merged output folder.")
    Path out;

    @CommandLine.Parameters(
        paramLabel = "SHARD_DIR",
        arity = "1..*",
        description = "The shards' output folders.")
    List<Path> shards = new ArrayList<>();

    @Override
    public Integer call() {
      try {
        var rows = SweepMerge.merge(out, shards);
        long failed = rows.stream().filter(r -> r.failed()).count();
        System.err.printf("mm sweep merge: %d runs into %s, %d failed%n", rows.size(), out, failed);
        return failed > 0 ? Main.EXIT_WORKLOAD : 0;
      } catch (SweepException e) {
        System.err.println("mm sweep merge: " + e.getMessage());
        return Main.EXIT_USAGE;
      } catch (IOException e) {
        System.err.println("mm sweep merge: " + e.getMessage());
        return Main.EXIT_WORKLOAD;
      }
    }
  }
}
