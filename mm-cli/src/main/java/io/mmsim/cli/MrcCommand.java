package io.mmsim.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import io.mmsim.experiment.chart.MissRatioChart;
import io.mmsim.experiment.mrc.MissRatioCurve;
import io.mmsim.experiment.mrc.MissRatioCurveCsv;
import io.mmsim.experiment.mrc.MissRatioCurves;
import io.mmsim.workload.MemoryTrace;
import io.mmsim.workload.Workload;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mm mrc}: the fault count of every memory size for a memory trace, in one pass.
 *
 * <p>{@code faults} at {@code frames} is what {@code mm run} reports as {@code pgfault} for the
 * same trace with {@code reclaim.policy} set to the policy, {@code vm.zero-page=false} and {@code
 * rss.limit} set to the frame count: the trace's process is the only one, each of its page touches
 * is one reference, and every first touch faults.
 */
@Command(
    name = "mrc",
    mixinStandardHelpOptions = true,
    description =
        "Miss-ratio curves of a lackey trace or reference string: faults at every memory size,"
            + " in one pass.")
final class MrcCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--policy",
      paramLabel = "P[,P...]",
      split = ",",
      description = "Replacement policies: lru, opt (default: lru).")
  List<String> policies = new ArrayList<>(List.of("lru"));

  @CommandLine.ArgGroup(exclusive = true, multiplicity = "0..1")
  Sampling sampling;

  static final class Sampling {
    @CommandLine.Option(
        names = "--sample",
        paramLabel = "RATE",
        description = "Estimate the LRU curve from this fraction of the pages (SHARDS).")
    Double rate;

    @CommandLine.Option(
        names = "--sample-size",
        paramLabel = "N",
        description = "Estimate the LRU curve from at most N sampled pages (SHARDS, fixed size).")
    Integer size;
  }

  @CommandLine.Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Writes DIR/mrc.csv and DIR/charts/miss-ratio.png and .svg instead of CSV on stdout.")
  Path out;

  @CommandLine.Parameters(
      paramLabel = "TRACE",
      description = "A valgrind lackey trace or a page-reference string.")
  Path trace;

  @Override
  public Integer call() {
    PrintStream err = System.err;
    Set<String> chosen = new LinkedHashSet<>();
    for (String p : policies) {
      String name = p.strip().toLowerCase(Locale.ROOT);
      if (!name.equals("lru") && !name.equals("opt")) {
        err.println("mm mrc: unknown policy '" + p + "': one-pass curves exist for lru and opt");
        return Main.EXIT_USAGE;
      }
      chosen.add(name);
    }
    if (sampling != null) {
      if (chosen.contains("opt")) {
        err.println("mm mrc: --sample and --sample-size estimate LRU curves only (SHARDS)");
        return Main.EXIT_USAGE;
      }
      if (sampling.rate != null && !(sampling.rate > 0 && sampling.rate <= 1)) {
        err.println("mm mrc: --sample " + sampling.rate + ": a rate is in (0, 1]");
        return Main.EXIT_USAGE;
      }
      if (sampling.size != null && sampling.size < 1) {
        err.println("mm mrc: --sample-size " + sampling.size + ": at least 1 page");
        return Main.EXIT_USAGE;
      }
    }
    if (!Files.isReadable(trace)) {
      err.println("mm mrc: cannot read trace " + trace);
      return Main.EXIT_USAGE;
    }
    MemoryTrace memoryTrace;
    try {
      Workload w = Workload.open(trace);
      if (!(w instanceof MemoryTrace m)) {
        err.println(
            trace
                + ":1: a "
                + w.format().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + " has no page references: give a valgrind lackey trace or a reference string");
        return Main.EXIT_WORKLOAD;
      }
      memoryTrace = m;
    } catch (IOException e) {
      err.println("mm mrc: cannot read " + trace + ": " + e.getMessage());
      return Main.EXIT_WORKLOAD;
    }
    if (memoryTrace.readError().isPresent()) {
      // a curve of half a trace would look like a whole one: refuse it
      err.println(memoryTrace.readError().get().getMessage());
      return Main.EXIT_WORKLOAD;
    }
    List<MissRatioCurve> curves = new ArrayList<>();
    if (sampling != null) {
      // from the trace as read: each distinct page is hashed once
      MissRatioCurves m = MissRatioCurves.of(memoryTrace);
      MissRatioCurve c =
          sampling.rate != null
              ? m.shardsFixedRate(sampling.rate)
              : m.shardsFixedSize(sampling.size);
      err.printf(
          Locale.ROOT,
          "mm mrc: SHARDS sampled pages at rate %.6g; counts scaled to %d references%n",
          c.samplingRate(),
          c.references());
      curves.add(c);
    } else {
      MissRatioCurves m = MissRatioCurves.of(memoryTrace);
      for (String p : chosen) {
        curves.add(p.equals("lru") ? m.lru() : m.opt());
      }
    }
    try {
      if (out == null) {
        Writer w =
            new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        MissRatioCurveCsv.write(curves, w);
        w.flush();
      } else {
        Files.createDirectories(out);
        try (Writer w = Files.newBufferedWriter(out.resolve("mrc.csv"), StandardCharsets.UTF_8)) {
          MissRatioCurveCsv.write(curves, w);
        }
        Path name = trace.getFileName();
        MissRatioChart.write(
            out.resolve("charts"), name == null ? trace.toString() : name.toString(), curves);
      }
    } catch (IOException e) {
      err.println("mm mrc: cannot write " + (out == null ? "stdout" : out) + ": " + e.getMessage());
      return Main.EXIT_WORKLOAD;
    }
    return 0;
  }
}
