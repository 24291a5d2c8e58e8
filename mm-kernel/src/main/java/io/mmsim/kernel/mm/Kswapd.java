package io.mmsim.kernel.mm;

import java.util.Optional;
import java.util.function.IntPredicate;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.KswapdWakeup;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.PageTypeInfo;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.api.trace.Tracer;

/*
 * kswapd as the page allocator wakes it (mm/page_alloc.c: wake_all_kswapds; mm/vmscan.c:
 * wakeup_kswapd, kswapd, pgdat_balanced, balance_pgdat).
 *
 *   wake   an allocation with __GFP_KSWAPD_RECLAIM that found no zone of its zonelist above the
 *          low watermark (the allocator's slow path) wakes the kswapd of each node of the
 *          zonelist: the node's kswapd_order and kswapd_highest_zoneidx grow to the request's;
 *          a kswapd already awake is left alone; a balanced node is not woken; otherwise
 *          mm_vmscan_wakeup_kswapd is traced in the allocating task.
 *   run    kswapd runs beside the task, which the simulator has no threads for: a woken kswapd
 *          runs once the access or operation that woke it is done (run), as task kswapdN, and
 *          reclaims in SWAP_CLUSTER_MAX batches until its node is balanced or a batch frees
 *          nothing. After 2 << order pages reclaimed for a high-order wake it balances for order 0
 *          (balance_pgdat hands the high order to kcompactd instead).
 *   balanced  (pgdat_balanced) some managed zone up to the highest zone index has more free pages
 *          than its high watermark plus its lowmem reserve for that index, and for an order above
 *          0 a free block of at least that order (__zone_watermark_ok with no reserve rights: free
 *          HIGHATOMIC pages do not count).
 *
 * A node is not woken when nothing can be reclaimed (no free swap slot and no file page: the
 * kernel would not scan the anonymous lists and would give up on the node).
 *
 * Direct reclaim (below the min watermark, an allocation that failed) is the fault loop's and the
 * allocation paths' own (Vmscan.directReclaim).
 *
 * A page allocator that does not call KswapdWakeup gets the same test run after each access that
 * faulted (pollLowWatermarks): a node none of whose zones is above its low watermark plus reserve
 * is woken.
 *
 * Not thread-safe: the kernel facade serialises calls.
 */
final class Kswapd implements KswapdWakeup {
  private final PageAllocator pages;
  private final MemoryLayout layout;
  private final Vmscan vmscan;
  private final Tracer trace;
  private final boolean[] woken;
  private final int[] kswapdOrder;
  private final int[] kswapdHighestZone;
  private final IntPredicate[] balanced;
  private final int[] runOrder;
  private final int[] runZone;

  /** True when some node's kswapd was woken and has not run yet. */
  boolean pending;

  Kswapd(PageAllocator pages, MemoryLayout layout, Vmscan vmscan, Tracer trace) {
    this.pages = pages;
    this.layout = layout;
    this.vmscan = vmscan;
    this.trace = trace;
    int nodes = layout.nodes();
    this.woken = new boolean[nodes];
    this.kswapdOrder = new int[nodes];
    this.kswapdHighestZone = new int[nodes];
    this.runOrder = new int[nodes];
    this.runZone = new int[nodes];
    this.balanced = new IntPredicate[nodes];
    for (int nid = 0; nid < nodes; nid++) {
      int n = nid;
      // balance_pgdat: after compact_gap(order) pages reclaimed, order-0 balance is enough
      balanced[nid] =
          reclaimed -> {
            int order = runOrder[n] > 0 && reclaimed >= 2 << runOrder[n] ? 0 : runOrder[n];
            return pgdatBalanced(n, order, runZone[n]);
          };
    }
  }

  @Override
  public void wakeupKswapd(int nid, int gfp, int order, int highestZone) {
    if (!vmscan.reclaimOn() || nid < 0 || nid >= woken.length) {
      return;
    }
    int zid = highestManaged(nid, highestZone);
    if (zid < 0) {
      return; // no managed zone of the node is eligible
    }
    if (order > kswapdOrder[nid]) {
      kswapdOrder[nid] = order;
    }
    if (highestZone > kswapdHighestZone[nid]) {
      kswapdHighestZone[nid] = highestZone;
    }
    if (woken[nid] || pgdatBalanced(nid, order, highestZone) || !vmscan.anythingReclaimable()) {
      return; // awake already (no one waits on kswapd_wait), balanced, or nothing to reclaim
    }
    if (trace.on()) {
      for (int z = 0; z <= zid; z++) {
        if (managed(nid, z)) {
          ZoneStats s = pages.zoneStats(nid, Zone.ofIndex(z));
          trace.zoneWatermark(nid, z, s.free(), s.min(), s.low(), s.high());
        }
      }
      trace.mmVmscanWakeupKswapd(nid, zid, order, gfp);
    }
    woken[nid] = true;
    pending = true;
  }

  /**
   * For a page allocator without {@link KswapdWakeup}: wakes every node none of whose zones is
   * above its low watermark plus lowmem reserve, as that allocator's slow path would have.
   */
  void pollLowWatermarks(int gfp) {
    int top = Gfp.zone(gfp).ordinal();
    for (int nid = 0; nid < woken.length; nid++) {
      if (!woken[nid] && !anyZoneAboveLow(nid, top)) {
        wakeupKswapd(nid, gfp, 0, top);
      }
    }
  }

  /**
   * Runs each woken kswapd, node 0 first, and puts it back to sleep.
   *
   * @return true when a node's policy protected its working set (the caller runs the OOM killer)
   */
  boolean run() {
    pending = false;
    boolean protectedLru = false;
    for (int nid = 0; nid < woken.length; nid++) {
      if (!woken[nid]) {
        continue;
      }
      woken[nid] = false;
      runOrder[nid] = kswapdOrder[nid];
      runZone[nid] = kswapdHighestZone[nid];
      kswapdOrder[nid] = 0;
      kswapdHighestZone[nid] = 0;
      int zid = Math.max(0, highestManaged(nid, runZone[nid]));
      protectedLru |= vmscan.balancePgdat(nid, runOrder[nid], zid, balanced[nid]);
    }
    return protectedLru;
  }

  /** {@code pgdat_balanced}: some eligible zone of node {@code nid} is above high + reserve. */
  boolean pgdatBalanced(int nid, int order, int highestZone) {
    boolean any = false;
    for (int z = 0; z <= highestZone; z++) {
      if (!managed(nid, z)) {
        continue;
      }
      any = true;
      ZoneStats s = pages.zoneStats(nid, Zone.ofIndex(z));
      if (watermarkOk(nid, s, order, s.high(), highestZone)) {
        return true;
      }
    }
    return !any; // a node without an eligible zone needs no balancing
  }

  private boolean anyZoneAboveLow(int nid, int highestZone) {
    boolean any = false;
    for (int z = 0; z <= highestZone; z++) {
      if (!managed(nid, z)) {
        continue;
      }
      any = true;
      ZoneStats s = pages.zoneStats(nid, Zone.ofIndex(z));
      if (watermarkOk(nid, s, 0, s.low(), highestZone)) {
        return true;
      }
    }
    return !any;
  }

  /** {@code __zone_watermark_ok} without reserve rights, as {@code zone_watermark_ok_safe}. */
  private boolean watermarkOk(int nid, ZoneStats s, int order, long mark, int classZone) {
    Optional<PageTypeInfo> types = pages.pageTypeInfo(nid, s.zone());
    long free = s.free() - ((1L << order) - 1);
    if (types.isPresent()) {
      // the free HIGHATOMIC pages are kept for high-order atomic allocations
      for (int o = 0; o < Page.NR_PAGE_ORDERS; o++) {
        free -= types.get().freeBlocks(MigrateType.HIGHATOMIC, o) << o;
      }
    }
    if (free <= mark + s.protection()[classZone]) {
      return false;
    }
    if (order == 0) {
      return true;
    }
    for (int o = order; o < Page.NR_PAGE_ORDERS; o++) {
      if (types.isEmpty()) {
        if (s.freeBlocks()[o] > 0) {
          return true;
        }
        continue;
      }
      for (int t = 0; t < MigrateType.PCPTYPES; t++) {
        if (types.get().freeBlocks(MigrateType.ofIndex(t), o) > 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** The highest zone index up to {@code highestZone} with managed pages on node {@code nid}. */
  private int highestManaged(int nid, int highestZone) {
    for (int z = Math.min(highestZone, Zone.count() - 1); z >= 0; z--) {
      if (managed(nid, z)) {
        return z;
      }
    }
    return -1;
  }

  private boolean managed(int nid, int z) {
    return layout.populated(nid, Zone.ofIndex(z));
  }
}
