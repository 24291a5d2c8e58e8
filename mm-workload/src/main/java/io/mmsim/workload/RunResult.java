package io.mmsim.workload;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a replay did: event counters, the signals and OOM kills it caused, the peak resident set,
 * and the object allocator's overhead.
 *
 * <h2>Counters</h2>
 *
 * {@link #counters()} maps every name of {@link #COUNTERS}, in that order, to its increase during
 * the replay (0 for a counter the kernel's configuration does not have, such as {@code pswpout}
 * without swap). The names are those of {@code /proc/vmstat} ({@code
 * include/linux/vm_event_item.h}) and the values are read from the kernel's vmstat view, so they
 * agree with {@code mm run --proc} (the {@code numa_*} event counts are 0 on a one-node machine,
 * whose vmstat has none); the simulator adds seven of its own:
 *
 * <ul>
 *   <li>{@code numa_local_accesses}: user memory accesses (each page of a read, write or fetch,
 *       each trace record) to a frame on the accessing CPU's node;
 *   <li>{@code numa_remote_accesses}: those to a frame on another node;
 *   <li>{@code numa_access_cost}: their summed node distance ({@code numa.distance}: 10 for a local
 *       access, the distance for a remote one), the simulated memory latency a sweep compares
 *       between memory policies;
 *   <li>{@code refs}: records of memory traces replayed (lackey lines, reference-string entries);
 *   <li>{@code tlb_hits}: translations served by a TLB, summed over the CPUs;
 *   <li>{@code tlb_misses}: TLB lookups that found no entry;
 *   <li>{@code page_walks}: page-table walks (a TLB miss, a write that must set the Dirty bit of a
 *       cached clean entry, an access the cached entry does not allow).
 * </ul>
 */
public final class RunResult {
  /** The counters' names in their documented, stable order. */
  public static final List<String> COUNTERS =
      List.of(
          "pgfault",
          "pgmajfault",
          "pswpin",
          "pswpout",
          "oom_kill",
          "pgscan_kswapd",
          "pgscan_direct",
          "pgsteal_kswapd",
          "pgsteal_direct",
          "allocstall_normal",
          "pageoutrun",
          "pgactivate",
          "pgdeactivate",
          "pgalloc_dma",
          "pgalloc_dma32",
          "pgalloc_normal",
          "pgfree",
          "numa_hit",
          "numa_miss",
          "numa_foreign",
          "numa_interleave",
          "numa_local",
          "numa_other",
          "numa_local_accesses",
          "numa_remote_accesses",
          "numa_access_cost",
          "refs",
          "tlb_hits",
          "tlb_misses",
          "page_walks");

  private final Map<String, Long> counters;
  private final List<String> events;
  private final long oomKills;
  private final long peakRssPages;
  private final long peakRequestedBytes;
  private final long allocatorPagesAtPeak;
  private final long operations;
  private final List<String> summaries;

  RunResult(
      Map<String, Long> counters,
      List<String> events,
      long oomKills,
      long peakRssPages,
      long peakRequestedBytes,
      long allocatorPagesAtPeak,
      long operations,
      List<String> summaries) {
    this.counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    this.events = List.copyOf(events);
    this.oomKills = oomKills;
    this.peakRssPages = peakRssPages;
    this.peakRequestedBytes = peakRequestedBytes;
    this.allocatorPagesAtPeak = allocatorPagesAtPeak;
    this.operations = operations;
    this.summaries = List.copyOf(summaries);
  }

  /** Every counter of {@link #COUNTERS}, in that order. */
  public Map<String, Long> counters() {
    return counters;
  }

  /**
   * One counter.
   *
   * @throws IllegalArgumentException for a name not in {@link #COUNTERS}
   */
  public long counter(String name) {
    Long v = counters.get(name);
    if (v == null) {
      throw new IllegalArgumentException(
          "no counter '" + name + "'; the counters are " + String.join(", ", COUNTERS));
    }
    return v;
  }

  /**
   * Signals delivered and OOM kills, in order, in the kernel's words ({@code pid 2: SIGSEGV at 0x0
   * SEGV_MAPERR err_code=0x6}, {@code Out of memory: Killed process 1 (proc1) ...}).
   */
  public List<String> signals() {
    return events;
  }

  /** Processes the OOM killer killed during the replay. */
  public long oomKills() {
    return oomKills;
  }

  /**
   * The largest resident set any process of the replay reached, in pages: the highest of their
   * {@code VmHWM} ({@code hiwater_rss}).
   */
  public long peakRssPages() {
    return peakRssPages;
  }

  /** The most bytes the workload had allocated from the object allocator at once. */
  public long peakRequestedBytes() {
    return peakRequestedBytes;
  }

  /** Pages the object allocator held (slab and large kmalloc) when the requested bytes peaked. */
  public long allocatorPagesAtPeak() {
    return allocatorPagesAtPeak;
  }

  /**
   * The object allocator's overhead at the peak: {@link #allocatorPagesAtPeak()} in bytes divided
   * by {@link #peakRequestedBytes()}; NaN when the workload allocated nothing.
   */
  public double allocatorOverhead() {
    return peakRequestedBytes == 0
        ? Double.NaN
        : (double) (allocatorPagesAtPeak << 12) / peakRequestedBytes;
  }

  /** Workload operations run: text lines and malloc-trace calls (not trace references). */
  public long operations() {
    return operations;
  }

  /** The summary lines of the traces replayed, one entry per trace, as {@code mm run} prints. */
  public List<String> summaries() {
    return summaries;
  }

  @Override
  public String toString() {
    return "RunResult" + counters;
  }
}
