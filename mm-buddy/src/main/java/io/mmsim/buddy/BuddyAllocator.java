package io.mmsim.buddy;

import static io.mmsim.buddy.AllocFlags.ALLOC_HIGHATOMIC;
import static io.mmsim.buddy.AllocFlags.ALLOC_NOFRAGMENT;
import static io.mmsim.buddy.AllocFlags.ALLOC_NON_BLOCK;
import static io.mmsim.buddy.AllocFlags.ALLOC_NO_WATERMARKS;
import static io.mmsim.buddy.AllocFlags.ALLOC_WMARK_LOW;
import static io.mmsim.buddy.AllocFlags.ALLOC_WMARK_MASK;
import static io.mmsim.buddy.FreeArea.ALLOCATED;
import static io.mmsim.buddy.FreeArea.HEAD_MASK;
import static io.mmsim.buddy.FreeArea.MAX_ORDER;
import static io.mmsim.buddy.FreeArea.NR_ZONES;
import static io.mmsim.buddy.FreeArea.ZONE_DMA;
import static io.mmsim.buddy.FreeArea.ZONE_DMA32;
import static io.mmsim.buddy.FreeArea.ZONE_NORMAL;
import static io.mmsim.buddy.FreeArea.meta;
import static io.mmsim.buddy.Pageblocks.MIGRATE_HIGHATOMIC;
import static io.mmsim.buddy.Pageblocks.MIGRATE_ISOLATE;
import static io.mmsim.buddy.Pageblocks.MIGRATE_MOVABLE;
import static io.mmsim.buddy.Pageblocks.MIGRATE_PCPTYPES;
import static io.mmsim.buddy.Pageblocks.MIGRATE_RECLAIMABLE;
import static io.mmsim.buddy.Pageblocks.MIGRATE_UNMOVABLE;
import static io.mmsim.buddy.Pageblocks.MT_MASK;
import static io.mmsim.buddy.Pageblocks.PAGEBLOCK_ORDER;

import java.util.Arrays;
import java.util.Optional;

import io.mmsim.api.BadPageException;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Memmap;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.CompactControl;
import io.mmsim.api.page.CompactResult;
import io.mmsim.api.page.KswapdWakeup;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.PageMigrator;
import io.mmsim.api.page.PageTypeInfo;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.api.trace.Tracer;

/*
 * The binary buddy page allocator with zones, migrate types, watermarks and per-CPU page lists,
 * after Linux 6.15's mm/page_alloc.c (look up get_page_from_freelist, rmqueue, rmqueue_buddy,
 * __alloc_pages_slowpath, free_unref_page, __free_pages_ok, memblock_free_pages).
 *
 * Notation: a block of order k is 2^k frames starting at a PFN that is a multiple of 2^k. The
 * buddy of the block at pfn is the block at pfn ^ (1 << k); the pair merges into the block of
 * order k + 1 at pfn & buddy. Zones: DMA < 16 MiB <= DMA32 < 4 GiB <= Normal; their limits are
 * multiples of the largest block, so no block straddles two zones.
 *
 * The parts, one class each:
 *   FreeArea     free lists per zone, migrate type and order; split (expand), merge
 *                (__free_one_page), moving a pageblock's free blocks between types; frame state
 *   Pageblocks   the migrate type of every 2 MiB pageblock
 *   Fallback     __rmqueue: the request's own lists, then claiming or stealing from other types
 *   HighAtomic   the reserve of pageblocks for high-order atomic allocations
 *   PerCpuPages  order-0 per-CPU lists, one per migrate type
 *   Watermarks   min_free_kbytes, min/low/high, lowmem_reserve, the watermark check
 *   Compaction   compact_zone's migrate and free scanners (the kernel moves the pages)
 *   AllocFlags   GFP flags to ALLOC_* flags
 *   MmInit       the boot hand-off (memblock_free_pages) and the zone setup that ends boot
 *   BuddyInvariants  checkInvariants, which recomputes all derived state
 *   Vmstat       /proc/zoneinfo, /proc/pagetypeinfo and the counters (read-only views)
 *   BadPage      why a call was refused (bad_page's reasons), built only on the refusal path
 *
 * Algorithm:
 *
 *   allocPages(cpu, gfp, order)
 *     1. The highest zone comes from the GFP flags (gfp_zone), the migrate type from __GFP_MOVABLE
 *        and __GFP_RECLAIMABLE (gfp_migratetype; UNMOVABLE otherwise, and always when grouping by
 *        mobility is off). The zonelist is that zone and every lower one with managed pages,
 *        highest first.
 *     2. Fast pass: the first zone that passes the LOW watermark check serves the request, with
 *        ALLOC_NOFRAGMENT when the first zone is Normal (retried without it before giving up).
 *        Slow pass: kswapd is woken (__GFP_KSWAPD_RECLAIM: the kernel's KswapdWakeup), then the MIN
 *        watermark with the request's reserve rights (AllocFlags); then, for
 *        __GFP_MEMALLOC, no watermark at all; then, if that changes anything, one retry after
 *        giving back a HIGHATOMIC pageblock (a request that may reclaim directly) and draining
 *        every per-CPU list. Then NO_PAGE.
 *     3. In a zone (rmqueue): order 0 comes from the CPU's per-CPU list of the request's type
 *        (refilled by a batch when empty); higher orders from the HIGHATOMIC lists first for
 *        ALLOC_HIGHATOMIC, then __rmqueue (the own type's smallest block, then a claim, then a
 *        steal: Fallback), then the HIGHATOMIC lists for ALLOC_NON_BLOCK. After an
 *        ALLOC_HIGHATOMIC success the block's pageblock may join the HIGHATOMIC reserve.
 *     The common case (a non-empty per-CPU list in the first zone above its low mark) has its own
 *     small method, pcpFastPath, so that the JIT can inline it whole.
 *
 *   freePages(cpu, pfn, order)
 *     Every check runs before any write. Order 0 goes to the head of the CPU's per-CPU list of
 *     its pageblock's type (PerCpuPages); other orders go to the free lists of their pageblock's
 *     type, merging with free buddies (FreeArea). A merged block goes to the list head, at its
 *     tail when a merge one level up is likely (buddy_merge_likely) or when the boot hand-off
 *     frees it (FPI_TO_TAIL).
 *
 *   Boot: every pageblock starts MOVABLE (memmap_init_range); freeBootPages(pfn, order) frees
 *   each block the boot allocator releases to the tail of its list, counting it as managed.
 *   completeBoot() then sizes the watermarks and per-CPU lists.
 *
 * NUMA: one instance is one node's pglist_data, holding the node's frames only (indexed from the
 * node's first PFN, `base`; PFNs cross the class's boundary in machine terms). On a single-node
 * machine it is the whole allocator; on several nodes NumaBuddyAllocator holds one per node and
 * walks the zonelist across them through the package-private steps below (pcpFastPath,
 * zonesPass, ...), so that the one-node hot path is exactly the code above.
 *
 * Not modelled: watermark boosting, reclaim and deciding when to compact (the caller's business: a
 * failed allocation returns NO_PAGE), the forced unreserve of the HIGHATOMIC reserve before the
 * OOM killer, CMA, free-list shuffling, the 5.14+ per-CPU caching of orders 1-3.
 *
 * Metadata: nothing is allocated per frame: list links (2 ints), a state byte per frame (see
 * FreeArea), a bit of the boot bitmap, and a byte per pageblock. 4 + 4 + 1 + 1/8 + 1/512 = 9.13
 * bytes per frame (reported as 10); the kernel's struct page is 64.
 *
 * Threads: one instance belongs to one simulated kernel and is not thread-safe; the kernel
 * serialises calls. Simulated CPUs are the `cpu` argument.
 */
final class BuddyAllocator implements PageAllocator {

  static final int NR_ORDERS = FreeArea.NR_ORDERS;

  private final MemoryLayout layout;
  private final int nid;
  private final long base;
  private final int nFrames;
  private final int cpus;
  private final boolean debugChecks;
  private final Tracer trace;

  private final FreeArea area;
  private final Pageblocks blocks;
  private final Fallback fallback;
  private final HighAtomic highAtomic;
  private final PerCpuPages pcp;
  private final Watermarks wm;
  private final Compaction compaction;
  private final BadPage badPage;
  private final Vmstat vmstat;
  private final MmInit init;

  // the fast paths' arrays, shared with the parts above
  private final int[] next;
  private final int[] prev;
  private final byte[] meta;
  private final byte[] pageblockFlags;
  private final long[] zoneFree;
  private final long[] zoneUsable;
  private final long[] freePages;
  private final long[] wmark;
  private final long[] lowmemReserve;
  private final int[] pcpCount;
  private final int[] pcpHigh;
  private final int pcpSentinels;

  /** {@code gfp_migratetype}'s mask: 3, or 0 when grouping by mobility is off. */
  private final int migratetypeMask;

  /** The machine's per-frame words, whose two words are this node's links; null on a NUMA node. */
  private final Memmap memmap;

  /** The index of this node's first frame in next and prev ({@code FreeArea.lb}). */
  private final int lb;

  private final long[] managed = new long[NR_ZONES];

  /** ALLOC_NOFRAGMENT or 0 for the fast pass, by the request's highest zone. */
  private final int[] nofragment = new int[NR_ZONES];

  private boolean booted;

  /** Told when an allocation falls below the low watermarks (wake_all_kswapds), or null. */
  private KswapdWakeup kswapdWakeup;

  // counters
  private final long[] pgalloc = new long[NR_ZONES];
  private long pgfree;
  private long allocFail;
  private long allocDrainRetry;

  /**
   * An empty allocator for {@code layout}.
   *
   * @param minFreeKbytes a fixed min_free_kbytes, or -1 to compute it at completeBoot
   * @param watermarkScaleFactor {@code vm.watermark_scale_factor}, 1..3000
   * @param debugChecks run {@link #checkInvariants()} after every operation
   */
  BuddyAllocator(
      MemoryLayout layout,
      long minFreeKbytes,
      int watermarkScaleFactor,
      boolean debugChecks,
      String loggerName) {
    this(layout, 0, minFreeKbytes, watermarkScaleFactor, debugChecks, loggerName, new Tracer());
  }

  /** An empty allocator of the whole machine that reports to {@code trace}. */
  BuddyAllocator(
      MemoryLayout layout,
      long minFreeKbytes,
      int watermarkScaleFactor,
      boolean debugChecks,
      String loggerName,
      Tracer trace) {
    this(layout, 0, minFreeKbytes, watermarkScaleFactor, debugChecks, loggerName, trace);
  }

  /**
   * The allocator of node {@code nid} of {@code layout} (the whole machine on one node), reporting
   * to {@code trace}, with per-frame words of its own.
   */
  BuddyAllocator(
      MemoryLayout layout,
      int nid,
      long minFreeKbytes,
      int watermarkScaleFactor,
      boolean debugChecks,
      String loggerName,
      Tracer trace) {
    this(layout, nid, minFreeKbytes, watermarkScaleFactor, debugChecks, loggerName, trace, null, 0);
  }

  /**
   * The allocator of node {@code nid} of {@code layout}, reporting to {@code trace}, its free lists
   * in the machine's words {@code shared} with its list heads from index {@code sentinelStart}; a
   * null {@code shared} makes words of its own for the machine and its own list heads.
   */
  BuddyAllocator(
      MemoryLayout layout,
      int nid,
      long minFreeKbytes,
      int watermarkScaleFactor,
      boolean debugChecks,
      String loggerName,
      Tracer trace,
      Memmap shared,
      int sentinelStart) {
    int lists = checkIndexable(layout);
    long frames = layout.numa().nodeFrames(nid);
    this.layout = layout;
    this.nid = nid;
    this.base = layout.numa().nodeStart(nid);
    this.nFrames = (int) frames;
    this.cpus = layout.cpus();
    this.debugChecks = debugChecks;
    this.trace = trace;
    // the links are the machine's per-frame words, lent to a block's owner
    this.memmap = shared != null ? shared : new Memmap(layout.frames(), lists);
    this.area =
        new FreeArea(
            nFrames,
            PerCpuPages.lists(cpus),
            base,
            layout.frames(),
            trace,
            memmap,
            shared != null ? sentinelStart : (int) layout.frames());
    this.lb = area.lb;
    this.blocks = area.blocks;
    this.fallback = new Fallback(area);
    this.highAtomic = new HighAtomic(area, managed);
    this.pcp = new PerCpuPages(area, fallback, cpus);
    this.wm = new Watermarks(area, minFreeKbytes, watermarkScaleFactor);
    this.compaction = new Compaction(area, fallback, pcp, wm, layout, managed);
    this.next = area.next;
    this.prev = area.prev;
    this.meta = area.meta;
    this.pageblockFlags = blocks.flags;
    this.zoneFree = area.zoneFree;
    this.zoneUsable = area.zoneUsable;
    this.freePages = area.freePages;
    this.wmark = wm.wmark;
    this.lowmemReserve = wm.lowmemReserve;
    this.pcpCount = pcp.count;
    this.pcpHigh = pcp.high;
    this.pcpSentinels = pcp.sentinels;
    this.migratetypeMask = blocks.mobilityDisabled ? 0 : MigrateType.PCPTYPES;
    this.init = new MmInit(area, pcp, wm, managed, nofragment, base, nFrames, loggerName);
    this.badPage = new BadPage(base, nFrames, cpus, meta, init.given, next, prev, lb);
    this.vmstat =
        new Vmstat(layout, nid, area, pcp, wm, highAtomic, fallback, compaction, managed, pgalloc);
  }

  /**
   * The number of list heads one node keeps after the machine's frames in the shared words, once
   * checked that every node's heads fit beside the frames in int-indexed arrays.
   *
   * @throws IllegalArgumentException naming the machine's frame count when they do not
   */
  static int checkIndexable(MemoryLayout layout) {
    int heads = FreeArea.sentinelCount(PerCpuPages.lists(layout.cpus()));
    if (layout.frames() > Integer.MAX_VALUE - 8L - (long) heads * layout.numa().nodes()) {
      throw new IllegalArgumentException(
          "the buddy allocator indexes frames with int: "
              + layout.frames()
              + " frames is too many");
    }
    return heads;
  }

  // ---------------------------------------------------------------- PageAllocator

  @Override
  public String name() {
    return BuddyProvider.NAME;
  }

  @Override
  public long allocPages(int cpu, int gfp, int order) {
    if (order < 0
        || order > MAX_ORDER
        || cpu < 0
        || cpu >= cpus
        || !booted
        || (gfp & MigrateType.GFP_MOVABLE_MASK) == MigrateType.GFP_MOVABLE_MASK) {
      throw badAlloc(cpu, gfp, order);
    }
    // gfp_zone: the highest zone the request may use
    int classZone =
        (gfp & Gfp.DMA) != 0 ? ZONE_DMA : (gfp & Gfp.DMA32) != 0 ? ZONE_DMA32 : ZONE_NORMAL;
    int mt = (gfp >>> MigrateType.GFP_MOVABLE_SHIFT) & migratetypeMask;
    int pfn = order == 0 ? pcpFastPath(cpu, classZone, mt) : -1;
    boolean fast = pfn >= 0;
    if (!fast) {
      pfn = allocGeneral(cpu, gfp, order, classZone, mt);
    }
    if (Tracer.anyOn() && trace.on()) {
      traceAlloc(cpu, gfp, order, mt, pfn, fast);
    }
    if (debugChecks) {
      checkInvariants();
    }
    return pfn < 0 ? NO_PAGE : base + pfn;
  }

  /**
   * The common case kept small for the JIT: an order-0 page from the head of a non-empty per-CPU
   * list of the first zone that passes the low watermark. Returns -1, having changed nothing,
   * whenever the general path must decide (that zone's list is empty, no zone passes).
   */
  int pcpFastPath(int cpu, int classZone, int mt) {
    for (int z = classZone; z >= 0; z--) {
      if (managed[z] == 0) {
        continue;
      }
      // zone_watermark_fast: the free HIGHATOMIC pages are not for this request
      if (zoneUsable[z] <= wmark[z * 3 + 1] + lowmemReserve[z * NR_ZONES + classZone]) {
        continue;
      }
      int slot = cpu * NR_ZONES + z;
      int s = pcpSentinels + slot * MIGRATE_PCPTYPES + mt;
      int pfn = next[lb + s];
      if (pfn == s) {
        return -1;
      }
      // list_del of the head: its prev is the sentinel, no need to read it; its words are left 0
      int n = next[lb + pfn];
      next[lb + s] = n;
      prev[lb + n] = s;
      next[lb + pfn] = 0;
      prev[lb + pfn] = 0;
      pcpCount[slot]--;
      meta[pfn] = FreeArea.allocated(0, mt);
      pgalloc[z]++;
      return pfn;
    }
    return -1;
  }

  /** {@code trace_mm_page_alloc}, after the per-CPU hit of the fast path when it served. */
  private void traceAlloc(int cpu, int gfp, int order, int mt, int pfn, boolean fast) {
    if (fast) {
      int z = area.zoneOf(pfn);
      trace.pcpAlloc(cpu, base + pfn, z, mt, pcpCount[cpu * NR_ZONES + z]);
    }
    trace.mmPageAlloc(cpu, pfn < 0 ? -1 : base + pfn, order, mt, gfp);
  }

  private int allocGeneral(int cpu, int gfp, int order, int classZone, int mt) {
    int pfn =
        getPageFromFreelist(cpu, order, classZone, mt, ALLOC_WMARK_LOW | nofragment[classZone]);
    if (pfn < 0) {
      pfn = allocSlowpath(cpu, gfp, order, classZone, mt);
    }
    return pfn;
  }

  private int allocSlowpath(int cpu, int gfp, int order, int classZone, int mt) {
    int flags = AllocFlags.gfpToAllocFlags(gfp, order);
    if ((gfp & Gfp.KSWAPD_RECLAIM) != 0 && kswapdWakeup != null) {
      kswapdWakeup.wakeupKswapd(nid, gfp, order, classZone); // wake_all_kswapds
    }
    int pfn = getPageFromFreelist(cpu, order, classZone, mt, flags);
    if (pfn < 0 && AllocFlags.pfmemalloc(gfp)) {
      flags = ALLOC_NO_WATERMARKS;
      pfn = getPageFromFreelist(cpu, order, classZone, mt, flags);
    }
    if (pfn < 0) {
      // what __alloc_pages_direct_reclaim does before its one retry
      boolean retry = (gfp & Gfp.DIRECT_RECLAIM) != 0 && highAtomic.unreserve(classZone, mt, false);
      if (pcp.pages() > 0) {
        // pages sitting on per-CPU lists may be what is missing
        allocDrainRetry++;
        pcp.drainAll();
        retry = true;
      }
      if (retry) {
        pfn = getPageFromFreelist(cpu, order, classZone, mt, flags);
      }
    }
    if (pfn < 0) {
      allocFail++;
    }
    return pfn;
  }

  /** {@code get_page_from_freelist}: the zonelist walk, with the ALLOC_NOFRAGMENT retry. */
  private int getPageFromFreelist(int cpu, int order, int classZone, int mt, int allocFlags) {
    int flags = allocFlags;
    while (true) {
      int pfn = zonesPass(cpu, order, classZone, mt, flags);
      if (pfn >= 0 || (flags & ALLOC_NOFRAGMENT) == 0) {
        return pfn;
      }
      // every zone is fragmented: rather mix a pageblock than fail
      flags &= ~ALLOC_NOFRAGMENT;
    }
  }

  /**
   * One pass of {@code get_page_from_freelist} over this node's zones from classZone down: the
   * node-relative PFN of a block now allocated, or -1.
   */
  int zonesPass(int cpu, int order, int classZone, int mt, int flags) {
    for (int z = classZone; z >= 0; z--) {
      if (managed[z] == 0) {
        continue;
      }
      if ((flags & ALLOC_NO_WATERMARKS) == 0
          && !wm.ok(z, order, wm.get(z, flags & ALLOC_WMARK_MASK), classZone, flags)) {
        continue;
      }
      int pfn = rmqueue(cpu, z, order, mt, flags);
      if (pfn >= 0) {
        meta[pfn] = FreeArea.allocated(order, mt);
        pgalloc[z] += 1L << order;
        if ((flags & ALLOC_HIGHATOMIC) != 0) {
          highAtomic.reserve(z, pfn, order);
        }
        return pfn;
      }
    }
    return -1;
  }

  /** ALLOC_NOFRAGMENT or 0: the fast pass's flag for requests whose highest zone is classZone. */
  int nofragment(int classZone) {
    return nofragment[classZone];
  }

  /**
   * What the slow path does on this node before its one retry: gives back a HIGHATOMIC pageblock
   * (when the request may reclaim directly) and drains the per-CPU lists; true if either may have
   * freed something.
   */
  boolean reclaimReserves(int gfp, int classZone, int mt) {
    boolean retry = (gfp & Gfp.DIRECT_RECLAIM) != 0 && highAtomic.unreserve(classZone, mt, false);
    if (pcp.pages() > 0) {
      pcp.drainAll();
      retry = true;
    }
    return retry;
  }

  /** First PFN of this node. */
  long base() {
    return base;
  }

  /** {@code gfp_migratetype}'s mask: 3, or 0 when grouping by mobility is off. */
  int migratetypeMask() {
    return migratetypeMask;
  }

  /** Pages on this node's per-CPU lists. */
  long pcpPages() {
    return pcp.pages();
  }

  /** Managed pages of zone z of this node. */
  long managed(int z) {
    return managed[z];
  }

  /** True after completeBoot. */
  boolean booted() {
    return booted;
  }

  /** The zone of a node-relative PFN. */
  int zoneOfLocal(int pfn) {
    return area.zoneOf(pfn);
  }

  /** {@code rmqueue} in zone z: a PFN with meta still to be set, or -1. */
  private int rmqueue(int cpu, int z, int order, int mt, int flags) {
    if (order == 0) {
      int pfn = pcp.alloc(cpu, z, mt, flags);
      // rmqueue_buddy would find nothing more but the HIGHATOMIC last resort
      if (pfn >= 0 || (flags & ALLOC_NON_BLOCK) == 0) {
        return pfn;
      }
      return area.rmqueueSmallest(z, 0, MIGRATE_HIGHATOMIC);
    }
    int pfn = -1;
    if ((flags & ALLOC_HIGHATOMIC) != 0) {
      pfn = area.rmqueueSmallest(z, order, MIGRATE_HIGHATOMIC);
    }
    if (pfn < 0) {
      pfn = fallback.rmqueue(z, order, mt, flags, Fallback.RMQUEUE_NORMAL);
      if (pfn < 0 && (flags & ALLOC_NON_BLOCK) != 0) {
        // failing now is worse than failing a high-order atomic allocation later
        pfn = area.rmqueueSmallest(z, order, MIGRATE_HIGHATOMIC);
      }
    }
    return pfn;
  }

  @Override
  public boolean setKswapdWakeup(KswapdWakeup wakeup) {
    this.kswapdWakeup = wakeup;
    return true;
  }

  @Override
  public void freePages(int cpu, long pfn, int order) {
    if (cpu < 0 || cpu >= cpus) {
      throw badCpu(cpu);
    }
    long local = pfn - base;
    if (order < 0
        || order > MAX_ORDER
        || local < 0
        || local >= nFrames
        || (meta[(int) local] & HEAD_MASK) != meta(ALLOCATED, order)
        || (next[lb + (int) local] | prev[lb + (int) local]) != 0) {
      throw badFree(local, order);
    }
    int p = (int) local;
    pgfree += 1L << order;
    int z = area.zoneOf(p);
    // one look at the tracer per free: the per-CPU step below reports through the same answer
    boolean tracing = Tracer.anyOn() && trace.on();
    if (tracing) {
      trace.mmPageFree(cpu, pfn, order);
    }
    if (order == 0) {
      freeUnrefPage(cpu, z, p, tracing);
    } else {
      meta[p] = 0;
      area.freeBlock(z, p, order, false);
    }
    if (debugChecks) {
      checkInvariants();
    }
  }

  /**
   * {@code free_unref_page}: to the head of the per-CPU list of the pageblock's type, spilling a
   * batch when the CPU's lists reach high. Written out here (not through PerCpuPages) so that the
   * common case stays one small method for the JIT.
   */
  private void freeUnrefPage(int cpu, int z, int p, boolean tracing) {
    int slot = cpu * NR_ZONES + z;
    int head = pcpSentinels + slot * MIGRATE_PCPTYPES;
    // The list is picked by branches on the pageblock's type, not by adding the type to head: a
    // predicted branch lets the list update start before the pageblock byte is read, where an
    // index computed from it would wait for that load (about a sixth of an order-0 pair).
    int mt = pageblockFlags[p >>> PAGEBLOCK_ORDER] & MT_MASK;
    if (mt == MIGRATE_UNMOVABLE) {
      area.insertHead(head + MIGRATE_UNMOVABLE, p);
    } else if (mt == MIGRATE_MOVABLE) {
      area.insertHead(head + MIGRATE_MOVABLE, p);
    } else if (mt == MIGRATE_RECLAIMABLE) {
      area.insertHead(head + MIGRATE_RECLAIMABLE, p);
    } else if (mt == MIGRATE_ISOLATE) {
      meta[p] = 0;
      area.freeOne(z, p, 0, mt, false);
      return;
    } else {
      // a HIGHATOMIC page waits on the MOVABLE list and returns to its own list when drained
      mt = MIGRATE_MOVABLE;
      area.insertHead(head + MIGRATE_MOVABLE, p);
    }
    meta[p] = FreeArea.META_PCP;
    int count = ++pcpCount[slot];
    if (tracing) {
      trace.pcpFree(cpu, base + p, z, mt, count, pcpHigh[z]);
    }
    if (count >= pcpHigh[z]) {
      pcp.spill(z, slot, count, mt);
    }
  }

  // ---------------------------------------------------------------- diagnosis of bad calls

  // Kept as small private methods so that the hot methods only throw what they return.

  private RuntimeException badAlloc(int cpu, int gfp, int order) {
    return badPage.badAlloc(cpu, gfp, order);
  }

  private IllegalArgumentException badCpu(int cpu) {
    return badPage.badCpu(cpu);
  }

  private BadPageException badFree(long local, int order) {
    return badPage.badFree(local, order);
  }

  // ---------------------------------------------------------------- boot: MmInit

  @Override
  public void freeBootPages(long pfn, int order) {
    if (booted) {
      throw new IllegalStateException("freeBootPages after completeBoot");
    }
    pgfree += init.freeBootPages(pfn, order);
    if (debugChecks) {
      checkInvariants();
    }
  }

  @Override
  public void completeBoot() {
    completeBoot(managedPages());
  }

  /** Ends this node's boot; {@code machineManaged} is every node's managed pages. */
  void completeBoot(long machineManaged) {
    if (booted) {
      throw new IllegalStateException("completeBoot called twice");
    }
    init.completeBoot(machineManaged);
    booted = true;
    if (debugChecks) {
      checkInvariants();
    }
  }

  // ---------------------------------------------------------------- draining

  @Override
  public void drainPages(int cpu) {
    if (cpu < 0 || cpu >= cpus) {
      throw badCpu(cpu);
    }
    pcp.drainCpu(cpu);
    if (debugChecks) {
      checkInvariants();
    }
  }

  @Override
  public void drainAllPages() {
    pcp.drainAll();
    if (debugChecks) {
      checkInvariants();
    }
  }

  // ---------------------------------------------------------------- queries

  @Override
  public long nrFreePages() {
    long t = 0;
    for (long f : zoneFree) {
      t += f;
    }
    return t;
  }

  @Override
  public long nrFreePages(Zone zone) {
    return zoneFree[zone.ordinal()];
  }

  @Override
  public long managedPages() {
    long t = 0;
    for (long m : managed) {
      t += m;
    }
    return t;
  }

  @Override
  public long watermark(Zone zone, Watermark mark) {
    return wm.get(zone.ordinal(), mark.ordinal());
  }

  /** /proc/zoneinfo's numbers for one zone of this node: see {@link Vmstat}. */
  @Override
  public ZoneStats zoneStats(Zone zone) {
    return vmstat.zoneStats(zone);
  }

  /** /proc/pagetypeinfo's numbers for one zone of this node: see {@link Vmstat}. */
  @Override
  public Optional<PageTypeInfo> pageTypeInfo(Zone zone) {
    return vmstat.pageTypeInfo(zone);
  }

  @Override
  public void describeFrames(FrameMap map) {
    describeFrames(map, "");
  }

  /** Marks this node's frames, the free lists' names after {@code prefix}. */
  void describeFrames(FrameMap map, String prefix) {
    area.describeFrames(map, prefix);
    pcp.describeFrames(map);
  }

  @Override
  public boolean canSplitPages() {
    return true;
  }

  /** {@code split_page}: every frame of the block becomes an allocated order-0 page. */
  @Override
  public void splitPage(long pfn, int order) {
    long local = pfn - base;
    if (order < 0
        || order > MAX_ORDER
        || local < 0
        || local >= nFrames
        || (meta[(int) local] & HEAD_MASK) != meta(ALLOCATED, order)) {
      throw badFree(local, order);
    }
    int p = (int) local;
    byte page = FreeArea.allocated(0, FreeArea.allocMtOf(meta[p]));
    for (int f = p; f < p + (1 << order); f++) {
      meta[f] = page;
    }
    if (debugChecks) {
      checkInvariants();
    }
  }

  @Override
  public boolean compactionSupported() {
    return true;
  }

  @Override
  public CompactResult compactZone(CompactControl cc, PageMigrator migrator) {
    if (!booted) {
      throw new IllegalStateException("compactZone before completeBoot");
    }
    CompactResult r = compaction.compactZone(cc, migrator);
    if (debugChecks) {
      checkInvariants();
    }
    return r;
  }

  /** The machine's per-frame words, the free lists' links. */
  @Override
  public Memmap memmap() {
    return memmap;
  }

  @Override
  public int metadataBytesPerFrame() {
    // next + prev links (4 + 4), the meta byte, a bit of the boot bitmap, a byte per pageblock
    return 10;
  }

  /** The allocator's counters, vmstat-style: see {@link Vmstat#statistics}. */
  @Override
  public Statistics statistics() {
    return vmstat.statistics(nrFreePages(), pgfree, allocFail, allocDrainRetry);
  }

  // ---------------------------------------------------------------- white-box views for tests

  /** True when every operation re-checks the invariants (setting check-invariants). */
  boolean debugChecks() {
    return debugChecks;
  }

  /** min_free_kbytes in effect (0 before completeBoot). */
  long minFreeKbytes() {
    return wm.minFreeKbytes;
  }

  /** lowmem_reserve[classZone] of {@code zone}: the zoneinfo "protection" entry. */
  long lowmemReserve(Zone zone, Zone classZone) {
    return wm.reserve(zone.ordinal(), classZone.ordinal());
  }

  /** True when the machine is too small to group pages by mobility. */
  boolean mobilityDisabled() {
    return blocks.mobilityDisabled;
  }

  /** The migrate type of the pageblock holding {@code pfn}. */
  MigrateType pageblockType(long pfn) {
    return MigrateType.ofIndex(blocks.get((int) (pfn - base)));
  }

  /** {@code nr_reserved_highatomic} of a zone, pages. */
  long reservedHighatomic(Zone zone) {
    return highAtomic.nrReserved[zone.ordinal()];
  }

  /** The free lists and frame states, for tests that break them on purpose. */
  FreeArea freeArea() {
    return area;
  }

  /** Whether frame {@code f} was handed over at boot; for tests of the invariant checker. */
  boolean isGiven(int f) {
    return init.isGiven(f);
  }

  /** The per-CPU lists, for tests that break them on purpose. */
  PerCpuPages perCpuPages() {
    return pcp;
  }

  /** The HIGHATOMIC reserve, for tests that break it on purpose. */
  HighAtomic highAtomic() {
    return highAtomic;
  }

  /** The watermarks, for tests that break them on purpose. */
  Watermarks watermarks() {
    return wm;
  }

  /** The PFNs on a free list, head first. */
  long[] freeList(Zone zone, MigrateType type, int order) {
    return area.listContents(
        area.sentinels + FreeArea.listId(zone.ordinal(), type.ordinal(), order));
  }

  /** The PFNs on one per-CPU list, head first. */
  long[] pcpList(int cpu, Zone zone, MigrateType type) {
    return area.listContents(pcp.sentinel(PerCpuPages.slot(cpu, zone.ordinal()), type.ordinal()));
  }

  /** The PFNs on a CPU's per-CPU lists of a zone: UNMOVABLE, MOVABLE, RECLAIMABLE, head first. */
  long[] pcpList(int cpu, Zone zone) {
    long[] all = new long[0];
    for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
      long[] one = pcpList(cpu, zone, MigrateType.ofIndex(mt));
      long[] joined = Arrays.copyOf(all, all.length + one.length);
      System.arraycopy(one, 0, joined, all.length, one.length);
      all = joined;
    }
    return all;
  }

  // ---------------------------------------------------------------- invariants

  @Override
  public void checkInvariants() {
    new BuddyInvariants(area, pcp, highAtomic, wm, managed, init::isGiven).check();
  }

  @Override
  public String toString() {
    return "buddy allocator: "
        + nFrames
        + " frames, "
        + cpus
        + " cpus, "
        + nrFreePages()
        + " free, "
        + pcp.pages()
        + " on per-CPU lists";
  }
}
