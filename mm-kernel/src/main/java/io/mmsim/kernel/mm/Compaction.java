package io.mmsim.kernel.mm;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.CompactControl;
import io.mmsim.api.page.CompactResult;
import io.mmsim.api.page.MigrateMode;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.PageMigrator;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.api.trace.CompactionEvents;
import io.mmsim.api.trace.Tracer;
import io.mmsim.kernel.proc.Extfrag;
import io.mmsim.kernel.stat.VmEvent;
import io.mmsim.kernel.stat.VmEvents;

/**
 * When memory is compacted: the kernel's half of {@code mm/compaction.c} and the allocation slow
 * path's use of it ({@code mm/page_alloc.c}); the page allocator runs the scanners ({@link
 * PageAllocator#compactZone}) and {@link Migrate} moves the pages.
 *
 * <h2>Direct compaction</h2>
 *
 * An allocation of order above 0 that fails wakes kswapd (with {@code __GFP_KSWAPD_RECLAIM}) and,
 * when it may reclaim directly ({@code __GFP_DIRECT_RECLAIM} and {@code __GFP_IO}, as {@code
 * gfp_compaction_allowed} asks) compacts the zones of its zonelist ({@code try_to_compact_pages})
 * at rising priority, async, then sync-light, then sync, retrying the allocation after each ({@code
 * __alloc_pages_direct_compact}, {@code should_compact_retry}). Each attempt that was not skipped
 * for want of free memory counts {@code compact_stall}, then {@code compact_success} or {@code
 * compact_fail}. A zone is skipped when its fragmentation index for a costly order is at or below
 * {@code vm.extfrag_threshold} (the failure is a lack of memory, not fragmentation: {@code
 * compaction_suitable}).
 *
 * <h2>Deferral</h2>
 *
 * Per zone, as {@code defer_compaction}, {@code compaction_deferred} and {@code
 * compaction_defer_reset}: a sync run that ends with the scanners met and no success doubles the
 * number of later requests of that order or above that skip the zone ({@code 1 <<
 * compact_defer_shift}, shift at most {@code COMPACT_MAX_DEFER_SHIFT} = 6) and lowers {@code
 * compact_order_failed}; a successful allocation after compaction resets both. The last (sync)
 * priority ignores deferral.
 *
 * <h2>kcompactd</h2>
 *
 * A failed allocation of order above 0 wakes kswapd with its order; kswapd going back to sleep
 * wakes kcompactd ({@code wakeup_kcompactd}) when some zone could be compacted for that order.
 * kcompactd runs at the end of the operation ({@link #kswapdSleep}), compacting each zone up to the
 * highest one asked for at sync-light priority, with the same deferral ({@code kcompactd_do_work}).
 * Its timer ({@code HPAGE_FRAG_CHECK_INTERVAL_MSEC}, 500 ms) runs proactive compaction: when the
 * node's fragmentation score (the zones' {@code extfrag_for_order} at order 9, weighted by present
 * pages) is above {@code 100 - vm.compaction_proactiveness + 10}, each zone is compacted until its
 * own score is at most {@code 100 - proactiveness} (at least 5). The simulator has no wall clock:
 * {@link #tick} stands for one millisecond, and a workload replay ticks once per operation.
 *
 * <p>Not thread-safe: the kernel facade serialises calls.
 */
public final class Compaction {
  /** {@code COMPACT_MAX_DEFER_SHIFT}. */
  static final int COMPACT_MAX_DEFER_SHIFT = 6;

  /** {@code HPAGE_FRAG_CHECK_INTERVAL_MSEC}: kcompactd's proactive check, in ticks. */
  static final int HPAGE_FRAG_CHECK_INTERVAL_MSEC = 500;

  /** {@code COMPACTION_HPAGE_ORDER}: the order proactive compaction measures (2 MiB). */
  static final int COMPACTION_HPAGE_ORDER = Page.PAGEBLOCK_ORDER;

  private static final MigrateMode[] PRIORITIES = {
    MigrateMode.ASYNC, MigrateMode.SYNC_LIGHT, MigrateMode.SYNC
  };

  private final PageAllocator pages;
  private final MemoryLayout layout;
  private final VmEvents events;
  private final int extfragThreshold;
  private final int proactiveness;
  private PageMigrator migrator;

  private final int[] considered = new int[Zone.count()];
  private final int[] deferShift = new int[Zone.count()];
  private final int[] orderFailed = new int[Zone.count()];

  private final Tracer trace;

  /** {@code kcompactd_max_order}: the order kcompactd was woken for, -1 when asleep. */
  private int kcompactdMaxOrder = -1;

  private int kcompactdHighestZone;
  private int timer = HPAGE_FRAG_CHECK_INTERVAL_MSEC;

  /**
   * Compaction over {@code pages}.
   *
   * @param extfragThreshold {@code vm.extfrag_threshold}, 0..1000
   * @param proactiveness {@code vm.compaction_proactiveness}, 0..100
   * @param migrator who moves pages; null moves nothing (a kernel without processes has no movable
   *     pages)
   * @param trace the kernel's tracer (kcompactd's work runs as task {@code kcompactd0})
   */
  public Compaction(
      PageAllocator pages,
      MemoryLayout layout,
      VmEvents events,
      int extfragThreshold,
      int proactiveness,
      PageMigrator migrator,
      Tracer trace) {
    this.trace = trace;
    this.pages = pages;
    this.layout = layout;
    this.events = events;
    this.extfragThreshold = extfragThreshold;
    this.proactiveness = proactiveness;
    this.migrator = migrator == null ? NOTHING_MOVABLE : migrator;
  }

  /** A kernel without user memory: no page can move. */
  private static final PageMigrator NOTHING_MOVABLE =
      new PageMigrator() {
        @Override
        public boolean isolate(long pfn) {
          return false;
        }

        @Override
        public boolean migrate(long src, long dst) {
          return false;
        }
      };

  /** Sets who moves pages (the processes are created after the page allocator). */
  public void setMigrator(PageMigrator migrator) {
    this.migrator = migrator;
  }

  /** True when the page allocator can compact. */
  public boolean supported() {
    return pages.compactionSupported();
  }

  // ------------------------------------------------------------------ direct compaction

  /**
   * {@code __alloc_pages}: the allocation, and after a failure of order above 0 direct compaction
   * and a retry at each priority; {@link PageAllocator#NO_PAGE} when all of it fails.
   */
  public long allocPages(int cpu, int gfp, int order) {
    long pfn = pages.allocPages(cpu, gfp, order);
    if (pfn != PageAllocator.NO_PAGE || order == 0) {
      return pfn;
    }
    int classZone = Gfp.zone(gfp).ordinal();
    if ((gfp & Gfp.KSWAPD_RECLAIM) != 0) {
      wakeKswapd(order, classZone);
    }
    if ((gfp & (Gfp.DIRECT_RECLAIM | Gfp.IO)) != (Gfp.DIRECT_RECLAIM | Gfp.IO) || !supported()) {
      return PageAllocator.NO_PAGE;
    }
    MigrateType mt = MigrateType.ofGfp(gfp);
    for (MigrateMode prio : PRIORITIES) {
      CompactResult r = tryToCompactPages(order, classZone, mt, prio);
      if (r == CompactResult.SKIPPED) {
        // too little free memory for compaction to work with: reclaim's business
        return PageAllocator.NO_PAGE;
      }
      events.count(VmEvent.COMPACTSTALL);
      pfn = pages.allocPages(cpu, gfp, order);
      if (pfn != PageAllocator.NO_PAGE) {
        deferReset(Zone.of(pfn).ordinal(), order, true);
        events.count(VmEvent.COMPACTSUCCESS);
        return pfn;
      }
      events.count(VmEvent.COMPACTFAIL);
    }
    return PageAllocator.NO_PAGE;
  }

  /**
   * One {@code __alloc_pages_direct_compact} at {@code prio}: the zonelist compacted, then the
   * allocation retried; the block, or {@link PageAllocator#NO_PAGE} with the compaction's result in
   * {@code result[0]} ({@link CompactResult#SKIPPED} when compaction could not run: too little free
   * memory, or an allocator that cannot compact). A run that was not skipped counts {@code
   * compact_stall}, then {@code compact_success} or {@code compact_fail}.
   */
  long directCompact(int cpu, int gfp, int order, MigrateMode prio, CompactResult[] result) {
    if (!supported() || (gfp & Gfp.IO) == 0) {
      result[0] = CompactResult.SKIPPED;
      return PageAllocator.NO_PAGE;
    }
    CompactResult r =
        tryToCompactPages(order, Gfp.zone(gfp).ordinal(), MigrateType.ofGfp(gfp), prio);
    result[0] = r;
    if (r == CompactResult.SKIPPED) {
      return PageAllocator.NO_PAGE;
    }
    events.count(VmEvent.COMPACTSTALL);
    long pfn = pages.allocPages(cpu, gfp, order);
    if (pfn != PageAllocator.NO_PAGE) {
      deferReset(Zone.of(pfn).ordinal(), order, true);
      events.count(VmEvent.COMPACTSUCCESS);
      return pfn;
    }
    events.count(VmEvent.COMPACTFAIL);
    return PageAllocator.NO_PAGE;
  }

  /** {@code try_to_compact_pages}: the zonelist, highest zone first; the best result. */
  CompactResult tryToCompactPages(int order, int classZone, MigrateType mt, MigrateMode prio) {
    CompactResult rc = CompactResult.SKIPPED;
    for (int z = classZone; z >= 0; z--) {
      Zone zone = Zone.values()[z];
      if (!layout.populated(zone)) {
        continue;
      }
      if (prio != MigrateMode.SYNC && deferred(z, order)) {
        rc = max(rc, CompactResult.DEFERRED);
        continue;
      }
      CompactResult status = compactZoneOrder(new CompactControl(zone, order, mt, prio, true, -1));
      rc = max(rc, status);
      if (status == CompactResult.SUCCESS) {
        // the allocation should work now; only its success resets the deferral for good
        deferReset(z, order, false);
        break;
      }
      if (prio != MigrateMode.ASYNC
          && (status == CompactResult.COMPLETE || status == CompactResult.PARTIAL_SKIPPED)) {
        defer(z, order);
      }
    }
    return rc;
  }

  /** {@code compact_zone_order}: the fragmentation-index test, then the scanners. */
  private CompactResult compactZoneOrder(CompactControl cc) {
    if (cc.order() > Page.PAGE_ALLOC_COSTLY_ORDER) {
      int fragindex =
          Extfrag.fragmentationIndex(pages.zoneStats(cc.zone()).freeBlocks(), cc.order());
      if (fragindex >= 0 && fragindex <= extfragThreshold) {
        return CompactResult.NOT_SUITABLE_ZONE;
      }
    }
    return pages.compactZone(cc, migrator);
  }

  private static CompactResult max(CompactResult a, CompactResult b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  // ------------------------------------------------------------------ deferral

  /** {@code defer_compaction}. */
  void defer(int z, int order) {
    considered[z] = 0;
    if (++deferShift[z] > COMPACT_MAX_DEFER_SHIFT) {
      deferShift[z] = COMPACT_MAX_DEFER_SHIFT;
    }
    if (order < orderFailed[z]) {
      orderFailed[z] = order;
    }
  }

  /** {@code compaction_deferred}: true when this request skips the zone. */
  boolean deferred(int z, int order) {
    int limit = 1 << deferShift[z];
    if (order < orderFailed[z]) {
      return false;
    }
    if (++considered[z] >= limit) {
      considered[z] = limit;
      return false;
    }
    return true;
  }

  /** {@code compaction_defer_reset}. */
  void deferReset(int z, int order, boolean allocSuccess) {
    if (allocSuccess) {
      considered[z] = 0;
      deferShift[z] = 0;
    }
    if (order >= orderFailed[z]) {
      orderFailed[z] = order + 1;
    }
  }

  /** {@code compact_defer_shift} of a zone. */
  public int deferShift(Zone zone) {
    return deferShift[zone.ordinal()];
  }

  /** {@code compact_order_failed} of a zone. */
  public int orderFailed(Zone zone) {
    return orderFailed[zone.ordinal()];
  }

  // ------------------------------------------------------------------ compact_memory

  /**
   * Writing 1 to {@code /proc/sys/vm/compact_memory} ({@code compact_nodes}): every populated zone
   * compacted whole at sync priority, whatever the deferral; no stall is counted.
   */
  public void compactMemory() {
    if (!supported()) {
      return;
    }
    for (Zone zone : Zone.values()) {
      if (layout.populated(zone)) {
        pages.compactZone(CompactControl.wholeZone(zone), migrator);
      }
    }
  }

  // ------------------------------------------------------------------ kcompactd

  /**
   * {@code wakeup_kswapd} for an order above 0: kswapd will hand the order to kcompactd when it
   * goes back to sleep ({@code kswapd_try_to_sleep} -> {@code wakeup_kcompactd}).
   */
  public void wakeKswapd(int order, int classZone) {
    if (order <= 0 || !supported()) {
      return;
    }
    if (order > kcompactdMaxOrder) {
      kcompactdMaxOrder = order;
    }
    if (classZone > kcompactdHighestZone) {
      kcompactdHighestZone = classZone;
    }
  }

  /**
   * kswapd is done: kcompactd runs if it was woken ({@code kcompactd_do_work}). Called at the end
   * of each kernel operation that may have woken it.
   */
  public void kswapdSleep() {
    if (kcompactdMaxOrder < 0) {
      return;
    }
    int order = kcompactdMaxOrder;
    int highest = kcompactdHighestZone;
    kcompactdMaxOrder = -1;
    kcompactdHighestZone = 0;
    boolean suitable = false;
    for (int z = 0; z <= highest; z++) {
      if (layout.populated(Zone.values()[z]) && suitableForKcompactd(z, order)) {
        suitable = true;
      }
    }
    if (!suitable) {
      // kcompactd_node_suitable: nothing to gain, kcompactd is not woken
      return;
    }
    events.count(VmEvent.COMPACTDAEMON_WAKE);
    trace.enterTask(Tracer.kcompactdComm(0), Tracer.KTHREAD_PID);
    try {
      if (trace.on()) {
        CompactionEvents.mmCompactionKcompactdWake(trace, 0, order, highest);
      }
      kcompactdDoWork(order, highest);
      if (trace.on()) {
        CompactionEvents.mmCompactionKcompactdSleep(trace, 0);
      }
    } finally {
      trace.leaveTask();
    }
  }

  /** {@code kcompactd_do_work}: each zone up to {@code highest} that may gain, not deferred. */
  private void kcompactdDoWork(int order, int highest) {
    for (int z = 0; z <= highest; z++) {
      Zone zone = Zone.values()[z];
      if (!layout.populated(zone) || deferred(z, order) || !suitableForKcompactd(z, order)) {
        continue;
      }
      CompactResult status =
          compactZoneOrder(
              new CompactControl(
                  zone, order, MigrateType.UNMOVABLE, MigrateMode.SYNC_LIGHT, false, -1));
      if (status == CompactResult.SUCCESS) {
        deferReset(z, order, false);
      } else if (status == CompactResult.COMPLETE) {
        defer(z, order);
      }
    }
  }

  /**
   * {@code compaction_suit_allocation_order} == COMPACT_CONTINUE, from the zone's view: no free
   * block of the order yet, and enough free pages above the low watermark to compact with.
   */
  private boolean suitableForKcompactd(int z, int order) {
    ZoneStats s = pages.zoneStats(Zone.values()[z]);
    long[] blocks = s.freeBlocks();
    for (int o = order; o < blocks.length; o++) {
      if (blocks[o] > 0 && s.free() - ((1L << order) - 1) > s.low()) {
        return false;
      }
    }
    return s.free() > s.low() + (2L << order);
  }

  /**
   * One millisecond of kcompactd's timer: every {@code HPAGE_FRAG_CHECK_INTERVAL_MSEC} ticks the
   * proactive check runs ({@code kcompactd}'s timeout path).
   */
  public void tick() {
    if (--timer > 0) {
      return;
    }
    timer = HPAGE_FRAG_CHECK_INTERVAL_MSEC;
    if (proactiveness > 0 && supported() && fragmentationScoreNode() > scoreWmark(false)) {
      proactiveCompactNode();
    }
  }

  /** {@code fragmentation_score_wmark}: the low (goal) or high (trigger) mark, 0..100. */
  int scoreWmark(boolean low) {
    int wmarkLow = Math.max(100 - proactiveness, 5);
    return low ? wmarkLow : Math.min(wmarkLow + 10, 100);
  }

  /** {@code fragmentation_score_node}: the zones' scores weighted by their present pages. */
  int fragmentationScoreNode() {
    long present = 0;
    for (Zone zone : Zone.values()) {
      if (layout.populated(zone)) {
        present += pages.zoneStats(zone).present();
      }
    }
    long score = 0;
    for (Zone zone : Zone.values()) {
      if (layout.populated(zone)) {
        ZoneStats s = pages.zoneStats(zone);
        score +=
            Extfrag.extfragForOrder(s.freeBlocks(), COMPACTION_HPAGE_ORDER)
                * s.present()
                / (present + 1);
      }
    }
    return (int) score;
  }

  /** {@code proactive_compact_node}: each zone until its own score reaches the low mark. */
  void proactiveCompactNode() {
    events.count(VmEvent.COMPACTDAEMON_WAKE);
    int goal = scoreWmark(true);
    for (Zone zone : Zone.values()) {
      if (layout.populated(zone)) {
        pages.compactZone(
            new CompactControl(zone, -1, MigrateType.MOVABLE, MigrateMode.SYNC_LIGHT, false, goal),
            migrator);
      }
    }
  }
}
