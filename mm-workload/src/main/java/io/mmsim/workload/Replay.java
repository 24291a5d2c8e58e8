package io.mmsim.workload;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.MmException;
import io.mmsim.api.Sizes;
import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.object.SlabBugException;
import io.mmsim.api.paging.Mmu;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.mm.Task;

/**
 * A replay session on one kernel: runs workloads in order against it (handles, the current CPU and
 * the traced process carry over from one workload to the next, as {@code mm run A B} does) and
 * gathers the {@link RunResult}.
 *
 * <pre>{@code
 * Replay r = new Replay(kernel, listener);
 * try {
 *   r.run(setup);
 *   r.run(trace);
 * } catch (WorkloadException e) {
 *   System.err.println(e.getMessage()); // FILE:LINE: reason
 * }
 * RunResult result = r.result(); // what ran, up to the failure
 * }</pre>
 *
 * <p>Operations check their line before changing anything, and the simulator's calls leave it
 * unchanged when they throw, so after a failure the kernel is exactly as it was before the line.
 * Not thread-safe: one session, one thread (the kernel is single-threaded too).
 */
public final class Replay {
  private final Kernel kernel;
  private final ReplayListener listener;
  private final Operations ops = Operations.standard();
  private final Map<String, Handle> handles = new HashMap<>();
  private final List<String> events = new ArrayList<>();
  private final List<String> summaries = new ArrayList<>();
  private final List<Task> tasks = new ArrayList<>();
  private final Map<String, Long> before;
  private final long oomBefore;
  private int cpu;
  private long operations;
  private long references;
  private long liveRequested;
  private long peakRequested;
  private long allocatorPagesAtPeak;
  private String file = "";
  private long lineNo;
  private java.nio.file.Path filesRoot;

  /** A session on {@code kernel} with no listener. */
  public Replay(Kernel kernel) {
    this(kernel, null);
  }

  /** A session on {@code kernel} that tells {@code listener} (or nobody, when null) each step. */
  public Replay(Kernel kernel, ReplayListener listener) {
    this.kernel = kernel;
    this.listener = listener;
    if (kernel.processes() != null) {
      kernel
          .processes()
          .setReporter(
              line -> {
                events.add(line);
                if (listener != null) {
                  listener.event(line);
                }
              });
    }
    this.before = counters();
    this.oomBefore = before.get("oom_kill");
  }

  /** The kernel. */
  public Kernel kernel() {
    return kernel;
  }

  /**
   * Replays {@code w} against this session's kernel.
   *
   * @throws WorkloadException for the first line that cannot be read or run
   */
  public void run(Workload w) {
    checkPolicy(kernel, w);
    filesRoot = w.filesRoot();
    w.replayOn(this);
  }

  /**
   * Refuses, before anything runs, a replay whose reclaim policy cannot work: a policy that must
   * know the future references (Belady's OPT) gets them only from a memory trace replayed with a
   * resident limit ({@code rss.limit}); anywhere else the kernel would have no policy to reclaim
   * with and would end in the OOM killer.
   *
   * @throws ConfigurationException naming {@code reclaim.policy}
   */
  public static void checkPolicy(Kernel kernel, Workload w) {
    if (!needsFuture(kernel)) {
      return;
    }
    String policy = kernel.configuration().get("reclaim.policy");
    if (!(w instanceof MemoryTrace)) {
      throw new ConfigurationException(
          "reclaim.policy",
          String.format(
              "reclaim.policy: %s must know every future reference, which only a memory trace"
                  + " (a lackey log or a reference string) tells; %s is a %s",
              policy,
              w.name(),
              w.format() == WorkloadFormat.MALLOC_TRACE ? "malloc trace" : "text workload"));
    }
    if (rssLimit(kernel) <= 0) {
      throw new ConfigurationException(
          "reclaim.policy",
          String.format(
              "reclaim.policy: %s knows the future of one traced process only, so it reclaims"
                  + " within that process's resident limit: set rss.limit",
              policy));
    }
  }

  /**
   * True when the kernel's reclaim policy could not be created without future references: its
   * provider refused to make the kernel-wide instance.
   */
  private static boolean needsFuture(Kernel kernel) {
    return kernel.processes() != null
        && kernel.swap() != null
        && kernel.processes().globalPolicy() == null;
  }

  private static long rssLimit(Kernel kernel) {
    try {
      return Sizes.parseNumber(kernel.configuration().get("rss.limit"));
    } catch (NumberFormatException | NullPointerException e) {
      return 0;
    }
  }

  /** What the session has done so far. */
  public RunResult result() {
    Map<String, Long> now = counters();
    Map<String, Long> delta = new LinkedHashMap<>();
    for (String name : RunResult.COUNTERS) {
      delta.put(name, now.get(name) - before.get(name));
    }
    long peakRss = 0;
    for (Task t : tasks) {
      peakRss = Math.max(peakRss, t.hiwaterRss());
    }
    return new RunResult(
        delta,
        events,
        now.get("oom_kill") - oomBefore,
        peakRss,
        peakRequested,
        allocatorPagesAtPeak,
        operations,
        summaries);
  }

  /** Operations run so far (text lines and malloc-trace calls). */
  public long operations() {
    return operations;
  }

  /** The counters of {@link RunResult#COUNTERS} as they stand (not differences). */
  private Map<String, Long> counters() {
    Map<String, Long> vm = new HashMap<>();
    String text = kernel.proc("vmstat");
    int pos = 0;
    while (pos < text.length()) {
      int nl = text.indexOf('\n', pos);
      if (nl < 0) {
        nl = text.length();
      }
      int sp = text.indexOf(' ', pos);
      if (sp > pos && sp < nl) {
        vm.put(text.substring(pos, sp), Long.parseLong(text.substring(sp + 1, nl)));
      }
      pos = nl + 1;
    }
    long hits = 0;
    long lookupMisses = 0;
    long walks = 0;
    if (kernel.pageTable() != null) {
      for (int c = 0; c < kernel.layout().cpus(); c++) {
        Mmu m = kernel.pageTable().mmu(c);
        hits += m.tlbHits();
        lookupMisses += m.tlbLookupMisses();
        walks += m.tlbMisses();
      }
    }
    Map<String, Long> out = new LinkedHashMap<>();
    for (String name : RunResult.COUNTERS) {
      out.put(name, vm.getOrDefault(name, 0L));
    }
    if (kernel.processes() != null) {
      io.mmsim.kernel.mm.NumaAccessCost cost = kernel.processes().accessCost();
      out.put("numa_local_accesses", cost.localAccesses());
      out.put("numa_remote_accesses", cost.remoteAccesses());
      out.put("numa_access_cost", cost.cost());
    }
    out.put("refs", references);
    out.put("tlb_hits", hits);
    out.put("tlb_misses", lookupMisses);
    out.put("page_walks", walks);
    return out;
  }

  // ------------------------------------------------------------------ for the readers and ops

  /** The listener, or null. */
  ReplayListener listenerOrNull() {
    return listener;
  }

  /** The simulated CPU running the current line. */
  int cpu() {
    return cpu;
  }

  void setCpu(int cpu) {
    this.cpu = cpu;
  }

  void spawned(Task t) {
    tasks.add(t);
  }

  void addReferences(long n) {
    references += n;
  }

  void addSummary(String s) {
    summaries.add(s);
  }

  /** A call of a malloc trace has run. */
  void operationDone(String source, long line, String op) {
    operations++;
    if (listener != null) {
      listener.operation(source, line, op);
    }
  }

  /** The workload now holds {@code bytes} more from the object allocator. */
  void allocated(long bytes) {
    liveRequested += bytes;
    if (liveRequested > peakRequested) {
      peakRequested = liveRequested;
      ObjectAllocator oa = kernel.objectAllocator();
      allocatorPagesAtPeak = oa == null ? 0 : oa.reclaimablePages() + oa.unreclaimablePages();
    }
  }

  /** The workload gave {@code bytes} back to the object allocator. */
  void released(long bytes) {
    liveRequested -= bytes;
  }

  /** True when the configured reclaim policy must know the future (OPT with a resident limit). */
  boolean policyNeedsFuture() {
    return needsFuture(kernel) && rssLimit(kernel) > 0;
  }

  /** Runs one line of a text workload. */
  void runLine(String fileName, long number, String raw) {
    String text = stripComment(raw).strip();
    if (text.isEmpty()) {
      return;
    }
    this.file = fileName;
    this.lineNo = number;
    try {
      Args a = Args.parse(text);
      Operation op = ops.find(a.op());
      if (op == null) {
        throw new BadLineException("unknown operation '" + a.op() + "'");
      }
      kernel.setCaller(fileName + ":" + number);
      op.run(this, a);
      kernel.tick();
      operations++;
      if (listener != null) {
        listener.operation(fileName, number, a.op());
      }
    } catch (SlabBugException e) {
      StringBuilder sb = new StringBuilder(e.getMessage());
      for (String l : e.report()) {
        sb.append(System.lineSeparator()).append(l);
      }
      throw new WorkloadException(fileName, number, sb.toString(), e);
    } catch (BadLineException
        | MmException
        | IllegalArgumentException
        | java.io.UncheckedIOException e) {
      throw new WorkloadException(fileName, number, e.getMessage(), e);
    }
  }

  private static String stripComment(String line) {
    boolean inQuote = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"' && (i == 0 || line.charAt(i - 1) != '\\')) {
        inQuote = !inQuote;
      } else if (c == '#' && !inQuote) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  // ------------------------------------------------------------------ handles

  /** Checks a new handle's name: it must not name something still live. */
  String newHandleName(String name) {
    if (!isReferable(name)) {
      throw new BadLineException(
          "'"
              + name
              + "' cannot be a handle name: an address is HANDLE, HANDLE+OFFSET or"
              + " HANDLE-OFFSET, so a name must not start with a digit nor hold '+', '-', '\"',"
              + " '#' or a blank");
    }
    Handle h = handles.get(name);
    if (h != null && h.live) {
      throw new BadLineException(
          "handle '"
              + name
              + "' still names a live "
              + h.kind.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }
    return name;
  }

  /** True when {@link #address} can find a handle called {@code name}. */
  static boolean isReferable(String name) {
    if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '+' || c == '-' || Character.isWhitespace(c) || c == '"' || c == '#') {
        return false;
      }
    }
    return true;
  }

  void put(String name, Handle h) {
    handles.put(name, h);
  }

  /** The handle called {@code name} of the given kind. */
  Handle handle(String name, Handle.Kind kind) {
    Handle h = handles.get(name);
    if (h == null) {
      throw new BadLineException("unknown handle '" + name + "'");
    }
    if (h.kind != kind) {
      throw new BadLineException(
          "handle '"
              + name
              + "' names a "
              + h.kind.name().toLowerCase(Locale.ROOT).replace('_', ' ')
              + ", not a "
              + kind.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }
    return h;
  }

  /** An address: a number, or {@code HANDLE}, {@code HANDLE+OFFSET}, {@code HANDLE-OFFSET}. */
  long address(String text) {
    int plus = text.indexOf('+');
    int minus = text.indexOf('-');
    int at = plus >= 0 ? plus : minus;
    String base = at >= 0 ? text.substring(0, at) : text;
    if (!base.isEmpty() && Character.isDigit(base.charAt(0))) {
      if (at >= 0) {
        throw new BadLineException("'" + text + "' is not an address");
      }
      try {
        return Sizes.parseNumber(text);
      } catch (NumberFormatException e) {
        throw new BadLineException("'" + text + "' is not an address");
      }
    }
    Handle h = handles.get(base);
    if (h == null) {
      throw new BadLineException("unknown handle '" + base + "'");
    }
    long off = 0;
    if (at >= 0) {
      try {
        off = Sizes.parseSize(text.substring(at + 1));
      } catch (NumberFormatException e) {
        throw new BadLineException("'" + text + "': offset is not a number");
      }
      if (at == minus) {
        off = -off;
      }
    }
    return h.address() + off;
  }

  /**
   * After a successful free: the handle (if the text named one at its start) is no longer live.
   *
   * @return the handle, or null
   */
  Handle markFreed(String text, long addr) {
    int at = Math.max(text.indexOf('+'), text.indexOf('-'));
    String base = at >= 0 ? text.substring(0, at) : text;
    Handle h = handles.get(base);
    if (h != null && h.address() == addr && h.live) {
      h.live = false;
      return h;
    }
    return null;
  }

  // ------------------------------------------------------------------ output

  /** Prints {@code LINE: ADDR: HEX} for a read. */
  void printBytes(long addr, byte[] data) {
    StringBuilder sb = new StringBuilder(data.length * 2 + 32);
    sb.append(lineNo).append(": ").append(String.format("0x%x", addr)).append(": ");
    for (byte b : data) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    print(sb.toString());
  }

  /** Prints {@code LINE: text} for an operation that reports what it saw. */
  void printLine(String text) {
    print(lineNo + ": " + text);
  }

  private void print(String s) {
    if (listener != null) {
      listener.output(s);
    }
  }

  /**
   * A part of the kernel an operation needs, or a line error naming the configuration that left it
   * out ({@code what} completes "this kernel has no ...").
   */
  static <T> T require(T part, String op, String what) {
    if (part == null) {
      throw new BadLineException(op + ": this kernel has no " + what);
    }
    return part;
  }

  /** The folder the current workload's file paths resolve against. */
  java.nio.file.Path filesRoot() {
    return filesRoot;
  }

  /** The file of the line being run. */
  String file() {
    return file;
  }
}
