package io.mmsim.swap;

import java.util.Map;
import java.util.function.IntPredicate;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.reclaim.ShadowTable;
import io.mmsim.api.swap.ReclaimContext;
import io.mmsim.api.swap.ReclaimMode;
import io.mmsim.api.swap.SwapContext;
import io.mmsim.api.swap.SwapSystem;
import io.mmsim.api.trace.LruList;
import io.mmsim.api.trace.ReclaimWb;
import io.mmsim.api.trace.Tracer;

/*
 * Reclaim: swap-out of victims chosen by a replacement policy (mm/vmscan.c: shrink_folio_list,
 * balance_pgdat, try_to_free_pages; mm/swap_state.c: add_to_swap).
 *
 * For each victim key of the policy, in the scope a ReclaimContext describes:
 *   key -> frame (pfnOf); gone        -> skip
 *   unevictable                       -> give back to the policy (putBack)
 *   file page                         -> the kernel evicts it (evictFilePage) or it is given back
 *   anonymous page:
 *     not in the swap cache yet       -> allocate a slot (count 0 + SWAP_HAS_CACHE) and add the
 *                                        page to the cache, dirty (add_to_swap); no slot free ->
 *                                        give back (and stop trying other anonymous pages)
 *     unmap into swap PTEs            -> the kernel's try_to_unmap, with SWP_EXCLUSIVE in the
 *                                        entry when the page has one mapping and no swap PTE
 *                                        holds its slot yet; Dirty PTE bits mark the cache page
 *                                        dirty
 *     still mapped elsewhere          -> it left this scope (a process's limit); the frame stays
 *     unmapped                        -> slot needed by no PTE: drop page and slot;
 *                                        dirty: write the slot (pageout; pswpout), a failed
 *                                        write keeps the page cached, dirty, queued for later;
 *                                        clean or written: drop it from the cache and release the
 *                                        frame (__remove_mapping), pgsteal; the policy's
 *                                        workingset token, packed by the scope, stays in the slot
 *                                        as its shadow entry (workingset_eviction)
 * File pages leave their shadow in the page cache the same way (the kernel stores it). After a
 * kswapd or direct shrink, the shadow shrinker keeps the swap cache's shadow nodes to one per 8
 * pages the policy tracks (mm/workingset.c: count_shadow_nodes, scan_shadow_nodes).
 * Unmapped swap-cache pages outside any policy (a failed write, or a page whose last mapping the
 * kernel removed while swap PTEs still need its slot) wait in a FIFO queue; kswapd and direct
 * reclaim retry them first. Queue entries may be stale: each is re-checked when taken.
 *
 * kswapd, woken by the kernel (balancePgdat), reclaims in SWAP_CLUSTER_MAX batches until the
 * kernel's test says its node is balanced or a batch frees nothing. Called as kswapd(...), it
 * wakes itself when free pages (all zones summed) are below the summed low watermarks and stops
 * at the summed high watermarks. On a machine with several NUMA nodes, kswapd N watches node N's
 * zones alone and
 * takes its victims from the policy the kernel gives it, node N's lists (balance_pgdat on one
 * pglist_data); the counters stay machine-wide sums. Direct reclaim asks for max(SWAP_CLUSTER_MAX, 2^order) pages.
 * Each shrink looks at no more victims than the policy held when it began, so pages handed back
 * cannot make it spin.
 */
final class Reclaimer {
  private static final int STALE = 0;
  private static final int KEPT = 1;
  private static final int NO_SWAP = 2;
  private static final int LEFT_MAPPED = 3;
  private static final int LEFT_CACHED = 4;
  private static final int FREED = 5;

  private final SwapAreas areas;
  private final SwapCache cache;
  private final PageIo io;
  private final SwapContext ctx;
  private final Tracer trace;
  private final LongQueue orphans = new LongQueue();
  private long pgscanKswapd;
  private long pgscanDirect;
  private long pgstealKswapd;
  private long pgstealDirect;
  private long allocstall;
  private long pageoutrun;

  /** Of the current shrink, for mm_vmscan_lru_shrink_inactive: pages written, kept by kind. */
  private int shrinkDirty;

  private int keptAnon;
  private int keptFile;
  private int shrinkNid;

  Reclaimer(SwapAreas areas, SwapCache cache, PageIo io, SwapContext ctx) {
    this.areas = areas;
    this.cache = cache;
    this.io = io;
    this.ctx = ctx;
    this.trace = ctx.tracer();
  }

  /** Queues an unmapped swap-cache page for a later reclaim. */
  void orphan(long pfn) {
    orphans.add(pfn);
  }

  /** True when {@code pfn} waits in the queue of unmapped swap-cache pages. */
  boolean queued(long pfn) {
    for (int i = 0; i < orphans.size(); i++) {
      if (orphans.get(i) == pfn) {
        return true;
      }
    }
    return false;
  }

  int queuedOrphans() {
    return orphans.size();
  }

  int shrink(ReplacementPolicy policy, ReclaimContext rc, int nrPages, ReclaimMode mode) {
    if (nrPages <= 0) {
      return 0;
    }
    boolean kswapd = mode == ReclaimMode.KSWAPD;
    if (trace.on()) {
      trace.shrinkBegin(
          mode.name().toLowerCase(java.util.Locale.ROOT),
          policy.name(),
          nrPages,
          policy.resident());
    }
    int freed = 0;
    int left = 0;
    shrinkDirty = 0;
    keptAnon = 0;
    keptFile = 0;
    shrinkNid = -1;
    if (mode != ReclaimMode.LIMIT) {
      freed += reclaimOrphans(nrPages, kswapd);
    }
    long scannedBefore = policy.scanned();
    long stolen = 0;
    long attempts = policy.resident();
    boolean noSwap = false;
    int taken = 0;
    int takenFile = 0;
    while ((mode == ReclaimMode.LIMIT ? left : freed) < nrPages && attempts-- > 0) {
      long key = policy.victim(rc);
      if (key == ReplacementPolicy.NO_VICTIM) {
        break;
      }
      taken++;
      if (trace.on() && traceVictim(policy, rc, key)) {
        takenFile++;
      }
      int r = pageout(policy, rc, key, noSwap);
      switch (r) {
        case NO_SWAP -> noSwap = true;
        case LEFT_MAPPED, LEFT_CACHED -> left++;
        case FREED -> {
          left++;
          freed++;
          stolen++;
        }
        default -> {
          // STALE or KEPT: nothing left the scope
        }
      }
    }
    if (mode != ReclaimMode.LIMIT) {
      cache.shadows().shrink(policy.resident());
    }
    long scanned = policy.scanned() - scannedBefore;
    if (trace.on()) {
      // one batch per shrink; the list is the file list only when every victim was a file page
      trace.mmVmscanLruIsolate(
          highestZone(),
          0,
          nrPages,
          scanned,
          0,
          taken,
          0,
          taken > 0 && takenFile == taken ? LruList.LRU_INACTIVE_FILE : LruList.LRU_INACTIVE_ANON);
      trace.mmVmscanLruShrinkInactive(
          Math.max(0, shrinkNid),
          scanned,
          stolen,
          shrinkDirty,
          keptAnon,
          keptFile,
          Tracer.DEF_PRIORITY,
          ReclaimWb.RECLAIM_WB_ASYNC
              | (taken > 0 && takenFile == taken
                  ? ReclaimWb.RECLAIM_WB_FILE
                  : ReclaimWb.RECLAIM_WB_ANON));
    }
    if (kswapd) {
      pgscanKswapd += scanned;
      pgstealKswapd += stolen;
    } else {
      pgscanDirect += scanned;
      pgstealDirect += stolen;
    }
    return mode == ReclaimMode.LIMIT ? left : freed;
  }

  /** {@code mmsim:reclaim_victim} for a victim still resident; true when it is a file page. */
  private boolean traceVictim(ReplacementPolicy policy, ReclaimContext rc, long key) {
    long pfn = rc.pfnOf(key);
    if (pfn == SwapSystem.NO_PAGE) {
      return false;
    }
    int kind = rc.kind(key, pfn);
    trace.reclaimVictim(policy.name(), key, pfn, kind, policy.victimReason(key));
    return kind == ReclaimContext.FILE;
  }

  /** The index of the highest populated zone (the classzone of a user page's reclaim). */
  private int highestZone() {
    int top = 0;
    for (int z = 0; z < Zone.count(); z++) {
      if (ctx.layout().populated(Zone.ofIndex(z))) {
        top = z;
      }
    }
    return top;
  }

  private int pageout(ReplacementPolicy policy, ReclaimContext rc, long key, boolean noSwap) {
    long pfn = rc.pfnOf(key);
    if (pfn == SwapSystem.NO_PAGE) {
      return STALE;
    }
    if (shrinkNid < 0) {
      shrinkNid = ctx.layout().numa().nodeOf(pfn);
    }
    int kind = rc.kind(key, pfn);
    if (kind == ReclaimContext.UNEVICTABLE) {
      policy.putBack(key);
      return KEPT;
    }
    if (kind == ReclaimContext.FILE) {
      if (rc.evictFilePage(key, pfn, shadow(policy, rc, key))) {
        return FREED;
      }
      policy.putBack(key);
      keptFile++;
      return KEPT;
    }
    long entry = cache.entryOf(pfn);
    boolean fresh = false;
    if (entry == 0) {
      if (noSwap) {
        policy.putBack(key);
        keptAnon++;
        return KEPT;
      }
      entry = areas.allocEntry();
      if (entry == 0) {
        policy.putBack(key);
        keptAnon++;
        return NO_SWAP;
      }
      cache.add(entry, pfn, true);
      fresh = true;
      if (trace.on()) {
        trace.swapOut(pfn, Pte.swapType(entry), Pte.swapOffset(entry));
      }
    }
    // exclusively owned: one mapping and no swap PTE holding the slot yet (PageAnonExclusive)
    boolean exclusive = ctx.mapCount(pfn) == 1 && areas.swapCount(entry) == 0;
    boolean dirty = rc.unmapToSwap(key, pfn, exclusive ? entry | Pte.SWP_EXCLUSIVE : entry);
    if (dirty && !fresh) {
      cache.setDirty(pfn, true);
    }
    if (ctx.mapCount(pfn) > 0) {
      return LEFT_MAPPED;
    }
    return finishUnmapped(pfn, shadow(policy, rc, key)) ? FREED : LEFT_CACHED;
  }

  /** The shadow entry of a victim leaving memory now, or ShadowTable.NONE. */
  private static long shadow(ReplacementPolicy policy, ReclaimContext rc, long key) {
    long token = policy.workingsetEviction(key);
    if (token == ReplacementPolicy.NO_SHADOW) {
      return ShadowTable.NONE;
    }
    long s = rc.packShadow(token);
    if (s < 0) {
      throw new IllegalStateException("reclaim scope packed token " + token + " into " + s);
    }
    return s;
  }

  /**
   * Writes (when dirty) and frees an unmapped swap-cache page, leaving {@code shadow} in its slot;
   * false when the write failed.
   */
  private boolean finishUnmapped(long pfn, long shadow) {
    if (cache.slotCount(pfn) == 0) {
      cache.delete(pfn); // no swap PTE needs the copy: drop page and slot together
      return true;
    }
    if (cache.dirty(pfn)) {
      shrinkDirty++;
      long entry = cache.entryOf(pfn);
      if (trace.on()) {
        trace.mmVmscanWriteFolio(pfn, ReclaimWb.RECLAIM_WB_ANON | ReclaimWb.RECLAIM_WB_ASYNC);
      }
      if (!io.write(areas.areaOf(entry), (int) Pte.swapOffset(entry), pfn)) {
        orphans.add(pfn);
        return false;
      }
      cache.setDirty(pfn, false);
    }
    cache.delete(pfn, shadow);
    return true;
  }

  private int reclaimOrphans(int nrPages, boolean kswapd) {
    int freed = 0;
    int n = orphans.size();
    for (int i = 0; i < n && freed < nrPages; i++) {
      long pfn = orphans.poll();
      if (!cache.contains(pfn) || ctx.mapCount(pfn) > 0) {
        continue; // stale: freed or mapped again since it was queued
      }
      if (kswapd) {
        pgscanKswapd++;
      } else {
        pgscanDirect++;
      }
      if (finishUnmapped(pfn, ShadowTable.NONE)) {
        freed++;
        if (kswapd) {
          pgstealKswapd++;
        } else {
          pgstealDirect++;
        }
      }
    }
    return freed;
  }

  /** kswapd with its own wake test, the summed watermarks of the machine's populated zones. */
  int kswapd(ReplacementPolicy policy, ReclaimContext rc) {
    PageAllocator pa = ctx.pageAllocator();
    if (!below(pa, Watermark.LOW)) {
      return 0;
    }
    int zid = highestZone();
    if (trace.on()) {
      // the allocating task wakes kswapd (wakeup_kswapd), which then runs as its own task
      traceWatermarks(pa);
      trace.mmVmscanWakeupKswapd(0, zid, 0, Gfp.HIGHUSER_MOVABLE);
    }
    return balancePgdat(policy, rc, 0, 0, zid, reclaimed -> !below(pa, Watermark.HIGH));
  }

  /**
   * kswapd of node {@code nid} (balance_pgdat), woken by the kernel: runs as task kswapdN, and
   * unless {@code balanced} holds at once, reclaims in SWAP_CLUSTER_MAX batches until it holds or a
   * batch frees nothing.
   */
  int balancePgdat(
      ReplacementPolicy policy,
      ReclaimContext rc,
      int nid,
      int order,
      int zid,
      IntPredicate balanced) {
    checkNode(nid);
    PageAllocator pa = ctx.pageAllocator();
    trace.enterTask(Tracer.kswapdComm(nid), Tracer.KTHREAD_PID);
    try {
      if (trace.on()) {
        trace.mmVmscanKswapdWake(nid, zid, order);
      }
      if (balanced.test(0)) {
        return 0;
      }
      if (!policy.reclaimable()) {
        return SwapSystem.WORKINGSET_PROTECTED; // lru_gen_age_node: min_ttl_ms protects the LRU
      }
      pageoutrun++;
      int total = 0;
      do {
        int n = shrink(policy, rc, SwapSystem.SWAP_CLUSTER_MAX, ReclaimMode.KSWAPD);
        total += n;
        if (n == 0) {
          break;
        }
      } while (!balanced.test(total));
      if (trace.on()) {
        traceZoneWatermarks(pa, nid, zid);
      }
      return total;
    } finally {
      if (trace.on()) {
        trace.mmVmscanKswapdSleep(nid);
      }
      trace.leaveTask();
    }
  }

  /** {@code mmsim:zone_watermark} of each populated zone of node {@code nid} up to {@code zid}. */
  private void traceZoneWatermarks(PageAllocator pa, int nid, int zid) {
    for (int z = 0; z <= zid; z++) {
      Zone zone = Zone.ofIndex(z);
      if (ctx.layout().populated(nid, zone)) {
        ZoneStats s = pa.zoneStats(nid, zone);
        trace.zoneWatermark(nid, z, s.free(), s.min(), s.low(), s.high());
      }
    }
  }

  private void checkNode(int nid) {
    if (nid < 0 || nid >= ctx.layout().nodes()) {
      throw new IllegalArgumentException(
          "kswapd" + nid + ": the machine has " + ctx.layout().nodes() + " nodes");
    }
  }

  /** {@code mmsim:zone_watermark} of the populated zones summed, as kswapd compares them. */
  private void traceWatermarks(PageAllocator pa) {
    long free = 0;
    long[] marks = new long[3];
    for (int z = 0; z < Zone.count(); z++) {
      Zone zone = Zone.ofIndex(z);
      if (ctx.layout().populated(zone)) {
        free += pa.nrFreePages(zone);
        marks[0] += pa.watermark(zone, Watermark.MIN);
        marks[1] += pa.watermark(zone, Watermark.LOW);
        marks[2] += pa.watermark(zone, Watermark.HIGH);
      }
    }
    trace.zoneWatermark(0, -1, free, marks[0], marks[1], marks[2]);
  }

  /**
   * kswapd of node {@code nid} with its own wake test, the summed watermarks of the node's zones.
   */
  int kswapd(ReplacementPolicy policy, ReclaimContext rc, int nid) {
    checkNode(nid);
    PageAllocator pa = ctx.pageAllocator();
    if (ctx.layout().nodes() == 1) {
      return kswapd(policy, rc);
    }
    if (!belowNode(pa, nid, Watermark.LOW)) {
      return 0;
    }
    int zid = highestZone(nid);
    if (trace.on()) {
      traceNodeWatermarks(pa, nid);
      trace.mmVmscanWakeupKswapd(nid, zid, 0, Gfp.HIGHUSER_MOVABLE);
    }
    return balancePgdat(policy, rc, nid, 0, zid, reclaimed -> !belowNode(pa, nid, Watermark.HIGH));
  }

  /** {@code mmsim:zone_watermark} of node {@code nid}'s populated zones summed. */
  private void traceNodeWatermarks(PageAllocator pa, int nid) {
    long free = 0;
    long min = 0;
    long low = 0;
    long high = 0;
    for (int z = 0; z < Zone.count(); z++) {
      Zone zone = Zone.ofIndex(z);
      if (ctx.layout().populated(nid, zone)) {
        ZoneStats s = pa.zoneStats(nid, zone);
        free += s.free();
        min += s.min();
        low += s.low();
        high += s.high();
      }
    }
    trace.zoneWatermark(nid, -1, free, min, low, high);
  }

  /** The index of node {@code nid}'s highest populated zone. */
  private int highestZone(int nid) {
    int top = 0;
    for (int z = 0; z < Zone.count(); z++) {
      if (ctx.layout().populated(nid, Zone.ofIndex(z))) {
        top = z;
      }
    }
    return top;
  }

  /** Node {@code nid}'s free pages below its zones' {@code mark} watermarks, summed. */
  private boolean belowNode(PageAllocator pa, int nid, Watermark mark) {
    long free = 0;
    long wmark = 0;
    for (int z = 0; z < Zone.count(); z++) {
      Zone zone = Zone.ofIndex(z);
      if (!ctx.layout().populated(nid, zone)) {
        continue;
      }
      ZoneStats s = pa.zoneStats(nid, zone);
      free += s.free();
      wmark +=
          switch (mark) {
            case MIN -> s.min();
            case LOW -> s.low();
            case HIGH -> s.high();
          };
    }
    return free < wmark;
  }

  private boolean below(PageAllocator pa, Watermark mark) {
    long free = 0;
    long wmark = 0;
    for (int z = 0; z < Zone.count(); z++) {
      Zone zone = Zone.ofIndex(z);
      if (!ctx.layout().populated(zone)) {
        continue;
      }
      free += pa.nrFreePages(zone);
      wmark += pa.watermark(zone, mark);
    }
    return free < wmark;
  }

  int tryToFreePages(ReplacementPolicy policy, ReclaimContext rc, int order) {
    if (order < 0 || order > 30) {
      throw new IllegalArgumentException("direct reclaim for order " + order);
    }
    allocstall++;
    int target = Math.max(SwapSystem.SWAP_CLUSTER_MAX, 1 << order);
    return shrink(policy, rc, target, ReclaimMode.DIRECT);
  }

  void addCounters(Map<String, Long> m) {
    m.put("allocstall", allocstall);
    m.put("pgscan_kswapd", pgscanKswapd);
    m.put("pgscan_direct", pgscanDirect);
    m.put("pgsteal_kswapd", pgstealKswapd);
    m.put("pgsteal_direct", pgstealDirect);
    m.put("pageoutrun", pageoutrun);
  }

  void checkInvariants() {
    for (int i = 0; i < orphans.size(); i++) {
      if (orphans.get(i) < 0) {
        throw new AssertionError("negative frame " + orphans.get(i) + " queued for reclaim");
      }
    }
  }
}
