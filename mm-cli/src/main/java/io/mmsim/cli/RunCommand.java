package io.mmsim.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.mem.Page;
import io.mmsim.cli.workload.Replayer;
import io.mmsim.cli.workload.WorkloadException;
import io.mmsim.kernel.Kernel;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mm run}: boots a kernel, replays workloads in order, prints a summary and optionally
 * writes the /proc views.
 *
 * <p>The summary on stdout is deterministic (same configuration and workload, same bytes); the time
 * taken goes to stderr.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Boots a kernel and replays workloads (the built-in demo when none is given).")
final class RunCommand implements Callable<Integer> {
  static final String DEMO = "/io/mmsim/cli/demo.trace";
  static final String DEMO_CONFIG = "/io/mmsim/cli/demo.properties";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--config",
      paramLabel = "FILE",
      description = "A .properties file of configuration keys.")
  Path config;

  @CommandLine.Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Sets one configuration key (repeatable; wins over --config).")
  List<String> sets = new ArrayList<>();

  @CommandLine.Option(
      names = "--proc",
      paramLabel = "DIR",
      description = "Writes the /proc views (buddyinfo, meminfo, ...) into DIR.")
  Path procDir;

  @CommandLine.Option(
      names = {"-v", "--verbose"},
      description = "Log at DEBUG level.")
  boolean verbose;

  @CommandLine.Parameters(
      paramLabel = "WORKLOAD",
      arity = "0..*",
      description = "Workload files, replayed in order.")
  List<Path> workloads = new ArrayList<>();

  @Override
  public Integer call() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    Kernel kernel;
    try {
      Kernel.Builder b = Kernel.builder();
      if (workloads.isEmpty()) {
        b.properties(demoConfiguration(), "the demo's configuration");
      }
      if (config != null) {
        b.properties(config);
      }
      for (String s : sets) {
        b.set(s);
      }
      kernel = b.boot();
    } catch (ConfigurationException e) {
      err.println("mm: " + e.getMessage());
      return Main.EXIT_USAGE;
    } catch (io.mmsim.api.MmException e) {
      // a refused swap file and the like: the configuration names something unusable
      err.println("mm: cannot boot: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    for (Path w : workloads) {
      if (!Files.isReadable(w)) {
        err.println("mm: cannot read workload " + w);
        return Main.EXIT_USAGE;
      }
    }
    out.printf(
        "mmsim booted %d MiB, %d CPUs: %s%n",
        kernel.memory().size() >>> 20, kernel.layout().cpus(), String.join(" ", kernel.describe()));
    long freeBefore = kernel.pageAllocator().nrFreePages();
    Replayer replayer = new Replayer(kernel, out);
    long start = System.nanoTime();
    int status = 0;
    List<String> summaries = new ArrayList<>();
    try {
      if (workloads.isEmpty()) {
        runDemo(replayer);
      } else {
        PrintStream progress = System.console() != null ? err : null;
        for (Path w : workloads) {
          summaries.addAll(replayer.runFile(w, progress));
        }
      }
    } catch (WorkloadException e) {
      err.println(e.getMessage());
      status = Main.EXIT_WORKLOAD;
    } catch (IOException e) {
      err.println("mm: " + e.getMessage());
      status = Main.EXIT_WORKLOAD;
    }
    long elapsed = System.nanoTime() - start;
    long freeAfter = kernel.pageAllocator().nrFreePages();
    out.printf("operations run: %d%n", replayer.operations());
    for (String s : summaries) {
      out.println(s);
    }
    if (!replayer.events().isEmpty()) {
      out.printf("signals and OOM kills: %d%n", replayer.events().size());
      for (String e : replayer.events()) {
        out.println("  " + e);
      }
    }
    if (kernel.processes() != null) {
      var vm = kernel.events();
      out.printf(
          "page faults: %d (%d major)%n",
          vm.get(io.mmsim.kernel.stat.VmEvent.PGFAULT),
          vm.get(io.mmsim.kernel.stat.VmEvent.PGMAJFAULT));
    }
    if (kernel.swap() != null && kernel.swap().totalSwapPages() > 0) {
      var st = kernel.swap().statistics();
      out.printf(
          "swap: %d pages out, %d in; %d of %d slots in use%n",
          st.get("pswpout"),
          st.get("pswpin"),
          kernel.swap().totalSwapPages() - kernel.swap().freeSwapPages(),
          kernel.swap().totalSwapPages());
    }
    out.printf(
        "free memory: %d kB after boot, %d kB at the end%n",
        freeBefore << (Page.PAGE_SHIFT - 10), freeAfter << (Page.PAGE_SHIFT - 10));
    out.flush();
    err.printf("mm: %d operations in %.3f s%n", replayer.operations(), elapsed / 1e9);
    if (procDir != null) {
      try {
        writeProc(kernel, procDir);
      } catch (UncheckedIOException | IOException e) {
        err.println("mm: cannot write /proc views to " + procDir + ": " + e.getMessage());
        return status == 0 ? Main.EXIT_WORKLOAD : status;
      }
    }
    return status;
  }

  /** The demo's machine: the headline mix, small enough that swap is exercised. */
  private static java.util.Properties demoConfiguration() {
    java.util.Properties p = new java.util.Properties();
    try (InputStream in = RunCommand.class.getResourceAsStream(DEMO_CONFIG)) {
      if (in == null) {
        throw new IllegalStateException("the demo's configuration is missing from mm-cli");
      }
      p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  private static void runDemo(Replayer replayer) throws IOException {
    try (InputStream in = RunCommand.class.getResourceAsStream(DEMO)) {
      if (in == null) {
        throw new IOException("the built-in demo workload is missing from mm-cli");
      }
      replayer.runText(
          "demo.trace", new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    }
  }

  static void writeProc(Kernel kernel, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String name : kernel.procNames()) {
      Path f = dir.resolve(name);
      Files.createDirectories(f.getParent());
      Files.writeString(f, kernel.proc(name), StandardCharsets.UTF_8);
    }
  }
}
