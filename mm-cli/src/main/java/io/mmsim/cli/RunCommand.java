package io.mmsim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.mem.Page;
import io.mmsim.api.trace.Explainer;
import io.mmsim.api.trace.TraceEvent;
import io.mmsim.api.trace.TraceListener;
import io.mmsim.api.trace.Tracepoint;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.mm.DiskFiles;
import io.mmsim.report.HtmlReport;
import io.mmsim.report.RunRecorder;
import io.mmsim.workload.Replay;
import io.mmsim.workload.ReplayListener;
import io.mmsim.workload.RunResult;
import io.mmsim.workload.Workload;
import io.mmsim.workload.WorkloadException;
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
      names = "--report",
      paramLabel = "FILE.html|DIR",
      description =
          "Writes a self-contained HTML page of pictures of the run (memory map, buddyinfo,"
              + " watermarks, faults and swapping over time, slab caches, processes); a folder"
              + " gets DIR/report.html.")
  Path report;

  @CommandLine.Option(
      names = "--files-root",
      paramLabel = "DIR",
      description =
          "The folder the files a workload maps must be in (default: the workload's folder;"
              + " key files.root).")
  Path filesRoot;

  @CommandLine.Option(
      names = "--write-files",
      description =
          "Lets shared file mappings write the host files (inside the files root; key"
              + " files.writeback=true). Without it, their writes stay in the simulation.")
  boolean writeFiles;

  @CommandLine.Option(
      names = "--trace",
      paramLabel = "SPEC",
      description =
          "Prints tracepoints in the layout of the kernel's trace_pipe between the workload's"
              + " output: all, a system (kmem:*) or a comma-separated list of system:event.")
  String traceSpec;

  @CommandLine.Option(
      names = "--explain",
      description =
          "After each workload line, says in plain sentences what the kernel did and why.")
  boolean explain;

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
    String usage = checkPaths();
    if (usage != null) {
      err.println("mm: " + usage);
      return Main.EXIT_USAGE;
    }
    Set<Tracepoint> traced = null;
    if (traceSpec != null) {
      try {
        traced = Tracepoint.select(traceSpec);
      } catch (IllegalArgumentException e) {
        err.println("mm: --trace: " + e.getMessage());
        return Main.EXIT_USAGE;
      }
    }
    Kernel.Builder b = Kernel.builder();
    Path root;
    try {
      b.plugins(PluginOption.of(spec));
      if (workloads.isEmpty()) {
        b.properties(demoConfiguration(), "the demo's configuration");
      }
      if (config != null) {
        b.properties(config);
      }
      for (String s : sets) {
        b.set(s);
      }
      if (filesRoot != null) {
        b.set("files.root", filesRoot.toString());
      }
      if (writeFiles) {
        b.set("files.writeback", "true");
      }
      root = filesRoot(b.configuration().get("files.root"));
    } catch (ConfigurationException e) {
      err.println("mm: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    List<Workload> loaded = new ArrayList<>();
    // memory traces are read on threads of their own, so reading overlaps with the boot and the
    // replay (which follows the reader); text workloads are read here
    for (Path w : workloads) {
      try {
        loaded.add(
            root == null ? Workload.openInBackground(w) : Workload.openInBackground(w, root));
      } catch (IOException e) {
        err.println("mm: cannot read workload " + w + ": " + reason(e));
        return Main.EXIT_USAGE;
      }
    }
    Kernel kernel;
    try {
      kernel = b.boot();
    } catch (ConfigurationException e) {
      err.println("mm: " + e.getMessage());
      return Main.EXIT_USAGE;
    } catch (io.mmsim.api.MmException e) {
      // a refused swap file and the like: the configuration names something unusable
      err.println("mm: cannot boot: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    if (workloads.isEmpty()) {
      loaded.add(demo());
    }
    try {
      for (Workload w : loaded) {
        Replay.checkPolicy(kernel, w);
      }
    } catch (ConfigurationException e) {
      err.println("mm: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    if (procDir != null) {
      try {
        Files.createDirectories(procDir);
      } catch (IOException e) {
        err.println("mm: cannot write /proc views to " + procDir + ": " + e);
        return Main.EXIT_USAGE;
      }
    }
    int nodes = kernel.layout().numa().nodes();
    out.printf(
        "mmsim booted %d MiB, %d CPUs%s: %s%n",
        kernel.memory().size() >>> 20,
        kernel.layout().cpus(),
        nodes > 1 ? ", " + nodes + " NUMA nodes" : "",
        String.join(" ", kernel.describe()));
    long freeBefore = kernel.pageAllocator().nrFreePages();
    Explainer explainer = null;
    if (explain) {
      // subscribed after boot: the explanations and the trace show the workload, not the boot
      explainer = new Explainer();
      kernel.tracer().subscribe(EnumSet.allOf(Tracepoint.class), explainer);
    }
    if (traced != null) {
      kernel.tracer().subscribe(traced, new TracePipe(out));
    }
    Printer printer = new Printer(out, System.console() != null ? err : null, explainer);
    RunRecorder recorder = report != null ? new RunRecorder(kernel) : null;
    Replay replay = new Replay(kernel, recorder == null ? printer : new Both(printer, recorder));
    long start = System.nanoTime();
    int status = 0;
    try {
      for (Workload w : loaded) {
        replay.run(w);
      }
    } catch (WorkloadException e) {
      err.println(e.getMessage());
      status = Main.EXIT_WORKLOAD;
    }
    long elapsed = System.nanoTime() - start;
    RunResult result = replay.result();
    long freeAfter = kernel.pageAllocator().nrFreePages();
    out.printf("operations run: %d%n", result.operations());
    for (String s : result.summaries()) {
      out.println(s);
    }
    if (!result.signals().isEmpty()) {
      out.printf("signals and OOM kills: %d%n", result.signals().size());
      for (String e : result.signals()) {
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
    if (kernel.processes() != null) {
      DiskFiles disk = kernel.processes().diskFiles();
      if (disk.pagesWritten() > 0) {
        out.println(
            disk.writeBack()
                ? String.format(
                    "files: %d page(s) of shared file mappings written back to %s",
                    disk.pagesWrittenToHost(), String.join(", ", disk.filesWritten().keySet()))
                : String.format(
                    "files: %d page(s) written through shared file mappings stayed in the"
                        + " simulated page cache and were never written back to the host files"
                        + " (--write-files writes them)",
                    disk.pagesWritten()));
      }
    }
    out.printf(
        "free memory: %d kB after boot, %d kB at the end%n",
        freeBefore << (Page.PAGE_SHIFT - 10), freeAfter << (Page.PAGE_SHIFT - 10));
    out.flush();
    err.printf("mm: %d operations in %.3f s%n", result.operations(), elapsed / 1e9);
    if (recorder != null) {
      recorder.finish(status == 0 ? "the end" : "the end (a line failed)");
      List<String> summary = new ArrayList<>();
      summary.add("operations run: " + result.operations());
      summary.addAll(result.summaries());
      summary.add(
          String.format(
              "free memory: %d kB after boot, %d kB at the end",
              freeBefore << (Page.PAGE_SHIFT - 10), freeAfter << (Page.PAGE_SHIFT - 10)));
      Path file = reportFile(report);
      try {
        HtmlReport.write(file, recorder, title(), summary);
        err.println("mm: report written to " + file);
      } catch (IOException e) {
        err.println("mm: cannot write the report " + file + ": " + reason(e));
        return status == 0 ? Main.EXIT_WORKLOAD : status;
      }
    }
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

  /** The report's file: {@code DIR/report.html} for a folder, the path itself otherwise. */
  static Path reportFile(Path report) {
    return Files.isDirectory(report) || report.toString().endsWith("/")
        ? report.resolve("report.html")
        : report;
  }

  private String title() {
    if (workloads.isEmpty()) {
      return "the built-in demo";
    }
    List<String> names = new ArrayList<>();
    for (Path w : workloads) {
      names.add(w.getFileName() == null ? w.toString() : w.getFileName().toString());
    }
    return String.join(" + ", names);
  }

  /** Tells two listeners each step: the printer, then the report's recorder. */
  private record Both(ReplayListener a, ReplayListener b) implements ReplayListener {
    @Override
    public void operation(String source, long line, String operation) {
      a.operation(source, line, operation);
      b.operation(source, line, operation);
    }

    @Override
    public void reference(String source, long index, long address, int access) {
      a.reference(source, index, address, access);
      b.reference(source, index, address, access);
    }

    @Override
    public void output(String text) {
      a.output(text);
      b.output(text);
    }

    @Override
    public void event(String text) {
      a.event(text);
      b.event(text);
    }

    @Override
    public void progress(String source, long references) {
      a.progress(source, references);
      b.progress(source, references);
    }
  }

  /** The files root a configuration names, or null for each workload's own folder. */
  private static Path filesRoot(String key) {
    if (key == null || key.isBlank()) {
      return null;
    }
    Path p;
    try {
      p = Path.of(key.trim());
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigurationException("files.root", "files.root: '" + key + "' is not a path");
    }
    if (!Files.isDirectory(p)) {
      throw new ConfigurationException(
          "files.root", "files.root: " + p + " is not a directory (--files-root DIR)");
    }
    return p.toAbsolutePath().normalize();
  }

  /** Refuses empty paths, which picocli turns into the current folder. */
  private String checkPaths() {
    if (filesRoot != null && filesRoot.toString().isEmpty()) {
      return "--files-root needs a directory, not an empty name";
    }
    if (procDir != null && procDir.toString().isEmpty()) {
      return "--proc needs a directory, not an empty name";
    }
    if (report != null && report.toString().isEmpty()) {
      return "--report needs a file or a directory, not an empty name";
    }
    if (report != null) {
      Path parent = reportFile(report).toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        return "--report: no such directory " + parent;
      }
    }
    if (config != null && config.toString().isEmpty()) {
      return "--config needs a file, not an empty name";
    }
    for (Path w : workloads) {
      if (w.toString().isEmpty()) {
        return "a workload needs a file name, not an empty one";
      }
    }
    return null;
  }

  /** What an I/O failure means, in a few words. */
  private static String reason(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage();
  }

  /**
   * Shows a replay as it goes: what operations print and the signals and OOM kills on stdout,
   * progress of long traces on a terminal.
   */
  private static final class Printer implements ReplayListener {
    private final PrintStream out;
    private final PrintStream progress;
    private final Explainer explainer;
    private boolean progressShown;

    Printer(PrintStream out, PrintStream progress, Explainer explainer) {
      this.out = out;
      this.progress = progress;
      this.explainer = explainer;
    }

    @Override
    public void operation(String source, long line, String operation) {
      if (explainer == null) {
        return;
      }
      endProgress();
      out.println(source + ":" + line + ": " + operation);
      List<String> lines = explainer.explain();
      if (lines.isEmpty()) {
        out.println("  (no memory-management event)");
      }
      for (String l : lines) {
        out.println(l);
      }
    }

    @Override
    public void output(String text) {
      endProgress();
      out.println(text);
    }

    @Override
    public void event(String text) {
      endProgress();
      out.println(text);
    }

    @Override
    public void progress(String source, long references) {
      if (progress != null) {
        progress.printf("\rmm: %s: %.1fM references", source, references / 1e6);
        progress.flush();
        progressShown = true;
      }
    }

    private void endProgress() {
      if (progressShown) {
        progress.println();
        progressShown = false;
      }
    }
  }

  /** {@code --trace}: each event as one line of {@code trace_pipe}. */
  private static final class TracePipe implements TraceListener {
    private final PrintStream out;
    private final StringBuilder line = new StringBuilder(160);

    TracePipe(PrintStream out) {
      this.out = out;
    }

    @Override
    public void event(TraceEvent event) {
      line.setLength(0);
      event.appendLine(line).append(System.lineSeparator());
      out.append(line);
    }
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

  /** The built-in demo workload. */
  private static Workload demo() {
    try (InputStream in = RunCommand.class.getResourceAsStream(DEMO)) {
      if (in == null) {
        throw new IllegalStateException("the built-in demo workload is missing from mm-cli");
      }
      return Workload.read("demo.trace", in, Path.of("").toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Views a kernel may write at the top of the folder (those of other kernels are removed). */
  private static final List<String> TOP_LEVEL_VIEWS =
      List.of(
          "buddyinfo",
          "zoneinfo",
          "meminfo",
          "vmstat",
          "pagetypeinfo",
          "slabinfo",
          "vmallocinfo",
          "swaps");

  /**
   * Writes every view of {@code kernel} into {@code dir}. A folder used before may hold views of
   * another run that this kernel does not have (the maps of a process that is gone, swaps of a
   * kernel that had swap): those are removed, so that the folder shows this kernel alone. Nothing
   * else in the folder is touched.
   */
  static void writeProc(Kernel kernel, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<String> names = kernel.procNames();
    removeStaleViews(dir, names);
    for (String name : names) {
      Path f = dir.resolve(name);
      Files.createDirectories(f.getParent());
      Files.writeString(f, kernel.proc(name), StandardCharsets.UTF_8);
    }
  }

  private static void removeStaleViews(Path dir, List<String> current) throws IOException {
    for (String view : TOP_LEVEL_VIEWS) {
      Path f = dir.resolve(view);
      if (!current.contains(view) && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(f);
      }
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path e : entries) {
        String pid = e.getFileName().toString();
        Path maps = e.resolve("maps");
        if (pid.chars().allMatch(Character::isDigit)
            && Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)
            && !current.contains(pid + "/maps")
            && Files.isRegularFile(maps, LinkOption.NOFOLLOW_LINKS)) {
          Files.delete(maps);
          try (DirectoryStream<Path> rest = Files.newDirectoryStream(e)) {
            if (!rest.iterator().hasNext()) {
              Files.delete(e);
            }
          }
        }
      }
    }
  }
}
