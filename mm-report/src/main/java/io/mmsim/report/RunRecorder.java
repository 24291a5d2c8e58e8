package io.mmsim.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.trace.TraceEvent;
import io.mmsim.api.trace.TraceListener;
import io.mmsim.api.trace.Tracepoint;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.mm.Task;
import io.mmsim.workload.ReplayListener;

/**
 * Watches a replay and keeps, after every workload line (and every 64 Ki references of a memory
 * trace), what the report draws: the frame-use map run-length encoded, each zone's free blocks per
 * order and watermarks, the vmstat counters, and each live process's resident, swapped and
 * page-table pages. Past {@link #MAX_STEPS} steps it keeps every other one, so a long run costs
 * bounded memory and the page stays small.
 *
 * <p>Each step fills the kernel's {@link FrameMap} (a pass over every part's structures) and reads
 * /proc/vmstat: meant for reports, not for timing runs.
 */
public final class RunRecorder implements ReplayListener, TraceListener {
  /** The most steps kept. */
  static final int MAX_STEPS = 240;

  /** Counters of /proc/vmstat the report plots. */
  static final List<String> COUNTERS =
      List.of(
          "pgfault",
          "pgmajfault",
          "pswpin",
          "pswpout",
          "oom_kill",
          "pageoutrun",
          "allocstall_normal");

  private final Kernel kernel;
  private final FrameMap map;
  private final int cellFrames;
  private final List<String> owners = new ArrayList<>();
  private final Map<String, Integer> ownerIds = new HashMap<>();
  private final List<Step> steps = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private final Map<Integer, ProcessTree> trees = new TreeMap<>();
  private final long[] tracepoints = new long[Tracepoint.values().length];
  private int stride = 1;
  private long seen;

  /** One recorded moment. */
  record Step(
      String label,
      int[] runs,
      Map<Zone, ZoneStats> zones,
      Map<String, Long> counters,
      Map<Integer, long[]> processes,
      long[] tracepoints) {}

  /** A process's page tables as last seen while it was small: level, index path, leaf count. */
  record ProcessTree(int pid, String comm, int levels, Map<String, Integer> leaves, long tables) {}

  /** Starts recording {@code kernel}, with the state after boot as the first step. */
  public RunRecorder(Kernel kernel) {
    this.kernel = kernel;
    this.map = new FrameMap(kernel.memory().frames());
    long frames = kernel.memory().frames();
    this.cellFrames = (int) Math.max(1, (frames + (1 << 17) - 1) >> 17);
    owners.add("");
    ownerIds.put("", 0);
    record("after boot");
    kernel.tracer().subscribe(java.util.EnumSet.allOf(Tracepoint.class), this);
  }

  /** Counts one tracepoint hit (every tracepoint is subscribed while recording). */
  @Override
  public void event(TraceEvent e) {
    tracepoints[e.tracepoint().ordinal()]++;
  }

  @Override
  public void operation(String source, long line, String operation) {
    if (seen++ % stride == 0) {
      record(source + ":" + line + " " + operation);
    }
  }

  @Override
  public void reference(String source, long index, long address, int access) {
    if ((index & 0xffff) == 0xffff) {
      operation(source, index + 1, (index + 1) + " references");
    }
  }

  @Override
  public void event(String text) {
    events.add(text);
  }

  /** Records the final state and stops listening to the kernel's tracepoints. */
  public void finish(String label) {
    kernel.tracer().unsubscribe(this);
    record(label);
  }

  /** Records one step now. */
  void record(String label) {
    kernel.describeFrames(map);
    int[] ids = new int[map.owners().size()];
    for (int i = 0; i < ids.length; i++) {
      String o = map.owners().get(i);
      ids[i] =
          o == null
              ? 0
              : ownerIds.computeIfAbsent(
                  o,
                  k -> {
                    owners.add(k);
                    return owners.size() - 1;
                  });
    }
    steps.add(new Step(label, runs(ids), zones(), counters(), processes(), tracepoints.clone()));
    if (steps.size() > MAX_STEPS) {
      // keep the first, every other one, and the newest
      List<Step> kept = new ArrayList<>();
      for (int i = 0; i < steps.size(); i++) {
        if (i % 2 == 0 || i == steps.size() - 1) {
          kept.add(steps.get(i));
        }
      }
      steps.clear();
      steps.addAll(kept);
      stride *= 2;
    }
  }

  /** Cells of {@code cellFrames} frames, run-length encoded as (key, length) pairs. */
  private int[] runs(int[] ids) {
    long frames = map.frames();
    int[] out = new int[64];
    int n = 0;
    int prev = -1;
    int len = 0;
    int[] votes = new int[FrameUse.values().length];
    for (long start = 0; start < frames; start += cellFrames) {
      long end = Math.min(frames, start + cellFrames);
      long pick = start;
      if (cellFrames > 1) {
        java.util.Arrays.fill(votes, 0);
        int best = -1;
        for (long p = start; p < end; p++) {
          int u = map.use(p).ordinal();
          if (++votes[u] > best) {
            best = votes[u];
            pick = p;
          }
        }
      }
      int order = Math.max(0, map.order(pick));
      int key = (ids[map.ownerId(pick)] << 9) | (order << 5) | map.use(pick).ordinal();
      if (key == prev) {
        len++;
        continue;
      }
      if (len > 0) {
        if (n + 2 > out.length) {
          out = java.util.Arrays.copyOf(out, out.length * 2);
        }
        out[n++] = prev;
        out[n++] = len;
      }
      prev = key;
      len = 1;
    }
    if (n + 2 > out.length) {
      out = java.util.Arrays.copyOf(out, out.length + 2);
    }
    out[n++] = prev;
    out[n++] = len;
    return java.util.Arrays.copyOf(out, n);
  }

  private Map<Zone, ZoneStats> zones() {
    Map<Zone, ZoneStats> m = new LinkedHashMap<>();
    for (Zone z : Zone.values()) {
      if (kernel.layout().populated(z)) {
        m.put(z, kernel.pageAllocator().zoneStats(z));
      }
    }
    return m;
  }

  private Map<String, Long> counters() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String name : COUNTERS) {
      m.put(name, 0L);
    }
    for (String line : kernel.proc("vmstat").split("\n")) {
      int sp = line.indexOf(' ');
      if (sp > 0 && m.containsKey(line.substring(0, sp))) {
        m.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1).trim()));
      }
    }
    return m;
  }

  /** Per live process: resident, swapped and page-table pages; small ones' trees are kept. */
  private Map<Integer, long[]> processes() {
    Map<Integer, long[]> m = new TreeMap<>();
    if (kernel.processes() == null) {
      return m;
    }
    PageTable pt = kernel.pageTable();
    for (Task t : kernel.processes().live()) {
      long root = t.pgd();
      long[] swapped = new long[1];
      long tables = pt.tablePages(root);
      Map<String, Integer> leaves = tables <= 24 ? new TreeMap<>() : null;
      int levels = pt.levels();
      pt.walkRange(
          root,
          0,
          pt.taskSizeMax(),
          (linear, pte) -> {
            if (Pte.isSwap(pte)) {
              swapped[0]++;
            }
            if (leaves != null) {
              StringBuilder path = new StringBuilder();
              for (int l = levels; l >= 2; l--) {
                path.append(path.length() == 0 ? "" : "/")
                    .append((linear >>> (12 + 9 * (l - 1))) & 511);
              }
              leaves.merge(path.toString(), 1, Integer::sum);
            }
          });
      m.put(t.pid(), new long[] {t.rss(), swapped[0], tables});
      if (leaves != null) {
        trees.put(t.pid(), new ProcessTree(t.pid(), t.comm(), levels, leaves, tables));
      }
    }
    return m;
  }

  List<Step> steps() {
    return steps;
  }

  List<String> owners() {
    return owners;
  }

  List<String> events() {
    return events;
  }

  Map<Integer, ProcessTree> trees() {
    return trees;
  }

  int cellFrames() {
    return cellFrames;
  }

  Kernel kernel() {
    return kernel;
  }
}
