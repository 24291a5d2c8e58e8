package io.mmsim.buddy;

import java.util.Arrays;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mmsim.api.BadPageException;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.api.util.Bits;
import io.mmsim.api.util.IntList;

/*
 * The binary buddy page allocator with zones, watermarks and per-CPU page lists.
 *
 * Notation: a block of order k is 2^k frames starting at a PFN that is a multiple of 2^k. The
 * buddy of the block at pfn is the block at pfn ^ (1 << k); the pair merges into the block of
 * order k + 1 at pfn & buddy.
 *
 * Algorithm (Linux mm/page_alloc.c; look up __rmqueue_smallest, expand, __free_one_page,
 * buddy_merge_likely, rmqueue_bulk, free_pcppages_bulk, __zone_watermark_ok,
 * get_page_from_freelist, __alloc_pages_slowpath, __setup_per_zone_wmarks,
 * calculate_min_free_kbytes, setup_per_zone_lowmem_reserve, zone_batchsize):
 *
 *   allocPages(cpu, gfp, order)
 *     1. The highest zone comes from the GFP flags (gfp_zone); the zonelist is that zone and every
 *        lower one, highest first (Normal -> DMA32 -> DMA); zones without managed pages are
 *        skipped.
 *     2. Fast pass: the first zone in the list that passes the LOW watermark check serves the
 *        request. Slow pass: the same walk with the MIN watermark, lowered by half for __GFP_HIGH
 *        and by a further quarter for __GFP_ATOMIC, or with no check at all for __GFP_MEMALLOC
 *        (unless __GFP_NOMEMALLOC). If that fails too and some per-CPU list holds pages, every
 *        per-CPU list is drained and the slow pass runs once more. Then NO_PAGE.
 *     3. Watermark check for zone z serving class zone c (the requested highest zone):
 *        free(z) - (2^order - 1) must exceed mark + lowmem_reserve[z][c], and for order > 0 some
 *        free list of z at an order >= the request must be non-empty. free(z) excludes per-CPU
 *        pages, like NR_FREE_PAGES.
 *     4. Order 0 comes from the CPU's per-CPU list of z (its head); an empty list is first refilled
 *        with `batch` pages taken one by one from the buddy lists and appended at its tail. The
 *        common case (a non-empty list in the first zone above its low mark) has its own small
 *        method, pcpFastPath, so that the JIT can inline it whole.
 *     5. Higher orders (and refills): scan orders upward from the request, take the HEAD block of
 *        the first non-empty list, and split it down, putting each upper half at the head of the
 *        list one order lower and keeping the lower half.
 *
 *   freePages(cpu, pfn, order)
 *     Every check runs before any write. Order 0 goes to the head of the CPU's per-CPU list of the
 *     frame's zone; when that list reaches `high` pages, `batch` pages from its TAIL go back to the
 *     buddy lists. Other orders go to the buddy lists directly: while the buddy is a free block
 *     of the same order (a per-CPU page is not), unlink it and merge, one order up, never past
 *     MAX_PAGE_ORDER. Buddies never cross zones because zone limits (16 MiB, 4 GiB) are multiples
 *     of the largest block (4 MiB). The merged block goes to the list head, except at its tail
 *     when the buddy of the next larger block is free (buddy_merge_likely, below order 9) or
 *     when the boot hand-off frees it (FPI_TO_TAIL).
 *
 *   Boot: freeBootPages(pfn, order) takes each block the boot allocator releases (the same merge
 *   as a free, inserted at the tail), counting it as managed. completeBoot() then sizes
 *   min_free_kbytes = int_sqrt(lowmem_kbytes * 16) clamped to [128, 262144], the per-zone
 *   watermarks (min = pages_min * managed / total managed; step = max(min / 4, managed *
 *   watermark_scale_factor / 10000); low = min + step; high = low + step), lowmem_reserve with
 *   the default ratios (DMA 256, DMA32 256, Normal 32) and the per-CPU list sizes (batch =
 *   rounddown_pow_of_two(1.5 * max(1, min(managed >> 10, 256) / 4)) - 1, high = 6 * batch,
 *   batch at least 1).
 *
 * Not modelled: migrate types (one free list per zone and order; no pageblock stealing, no
 * highatomic reserve), watermark boosting, compaction and reclaim (reclaim is the caller's
 * business: a failed allocation returns NO_PAGE), free-list shuffling, the 5.14+ per-CPU caching
 * of orders 1-3, NUMA (one node).
 *
 * Metadata layout: nothing is allocated per frame. Per frame f (PFN f < frames):
 *
 *   int  next[f], prev[f]  circular doubly linked list links; the list heads are sentinel nodes
 *                          at indices frames + listId, so links are PFNs or sentinels.
 *   byte meta[f]:
 *
 *        7   6   5   4   3   2   1   0
 *      +---+---+-------+---------------+
 *      | 0   0 | state |     order     |
 *      +---+---+-------+---------------+
 *
 *        state NONE      the frame is not a block head: inside a block, or reserved (never
 *                        handed over at boot); order bits are 0
 *              BUDDY     head of a free block of `order` on a zone free list (PageBuddy)
 *              PCP       an order-0 page on a per-CPU list (free, but not mergeable)
 *              ALLOCATED head of a block of `order` handed out by allocPages
 *
 *   long given[f / 64]     bit f set when the boot hand-off released frame f (so unset bits are
 *                          the reserved frames)
 *
 * 4 + 4 + 1 + 1/8 = 9.125 bytes per frame (reported as 10); the kernel's struct page is 64.
 *
 * List ids: free list (zone z, order k) = z * NR_PAGE_ORDERS + k; per-CPU list (cpu c, zone z)
 * = NR_ZONES * NR_PAGE_ORDERS + c * NR_ZONES + z.
 *
 * Invariants (checkInvariants recomputes them all):
 *   - meta state != NONE exactly at block heads; blocks are aligned, do not overlap, lie in memory
 *     and cover exactly the frames handed over at boot (managed = free + per-CPU + allocated);
 *   - every BUDDY head is on the free list of its zone and order, every PCP page on exactly one
 *     per-CPU list of its zone, and the block counts and page sums match nrFree, zoneFree and
 *     pcpCount;
 *   - no two BUDDY blocks of one order are buddies (they would have merged).
 *
 * Threads: one instance belongs to one simulated kernel and is not thread-safe; the kernel
 * serialises calls. Simulated CPUs are the `cpu` argument.
 */
final class BuddyAllocator implements PageAllocator {

  static final int MAX_ORDER = Page.MAX_PAGE_ORDER;
  static final int NR_ORDERS = Page.NR_PAGE_ORDERS;
  static final int NR_ZONES = Zone.count();
  static final int ZONE_DMA = Zone.DMA.ordinal();
  static final int ZONE_DMA32 = Zone.DMA32.ordinal();
  static final int ZONE_NORMAL = Zone.NORMAL.ordinal();
  private static final int DMA_LIMIT = (int) Zone.DMA.limitPfn();
  private static final int DMA32_LIMIT = (int) Zone.DMA32.limitPfn();

  // ---------------------------------------------------------------- meta byte layout

  static final int ORDER_BITS = 4;
  static final int STATE_BITS = 2;
  static final int ORDER_MASK = (1 << ORDER_BITS) - 1;
  static final int STATE_SHIFT = ORDER_BITS;
  static final int STATE_MASK = (1 << STATE_BITS) - 1;

  static final int NONE = 0;
  static final int BUDDY = 1;
  static final int PCP = 2;
  static final int ALLOCATED = 3;

  static byte meta(int state, int order) {
    return (byte) (state << STATE_SHIFT | order);
  }

  static int stateOf(byte m) {
    return (m >>> STATE_SHIFT) & STATE_MASK;
  }

  static int orderOf(byte m) {
    return m & ORDER_MASK;
  }

  private static final byte META_PCP = meta(PCP, 0);
  private static final byte META_ALLOCATED_0 = meta(ALLOCATED, 0);

  // ---------------------------------------------------------------- allocation flags

  /** Index of the watermark to check ({@code ALLOC_WMARK_*}); MIN, LOW, HIGH = 0, 1, 2. */
  static final int ALLOC_WMARK_MASK = 0x3;

  /** {@code ALLOC_NO_WATERMARKS}: __GFP_MEMALLOC. */
  static final int ALLOC_NO_WATERMARKS = 0x4;

  /** {@code ALLOC_HIGH}: __GFP_HIGH, min lowered by half. */
  static final int ALLOC_HIGH = 0x8;

  /** {@code ALLOC_HARDER}: __GFP_ATOMIC, min lowered by a further quarter. */
  static final int ALLOC_HARDER = 0x10;

  /** {@code sysctl_lowmem_reserve_ratio} defaults, by zone index. */
  static final int[] LOWMEM_RESERVE_RATIO = {256, 256, 32};

  /** Bounds of the computed min_free_kbytes ({@code calculate_min_free_kbytes}). */
  static final long MIN_FREE_KBYTES_FLOOR = 128;

  static final long MIN_FREE_KBYTES_CEILING = 262144;

  private static final int NR_FREE_LISTS = NR_ZONES * NR_ORDERS;

  // ---------------------------------------------------------------- state

  private final Logger log;
  private final MemoryLayout layout;
  private final int nFrames;
  private final int cpus;
  private final long userMinFreeKbytes;
  private final int watermarkScaleFactor;
  private final boolean debugChecks;

  /** List links by PFN, then one sentinel per list. */
  private final int[] next;

  private final int[] prev;
  private final byte[] meta;
  private final long[] given;

  /** First sentinel index: free lists start here, per-CPU lists after them. */
  private final int sentinels;

  private final int pcpSentinels;

  /** Free blocks per zone and order ({@code nr_free}). */
  private final long[] nrFree = new long[NR_FREE_LISTS];

  /** Free pages per zone on the buddy lists ({@code NR_FREE_PAGES}). */
  private final long[] zoneFree = new long[NR_ZONES];

  private final long[] managed = new long[NR_ZONES];

  /** Pages on each per-CPU list, by cpu * NR_ZONES + zone. */
  private final int[] pcpCount;

  private final int[] pcpHigh = new int[NR_ZONES];
  private final int[] pcpBatch = new int[NR_ZONES];
  private long pcpPages;

  /** Watermarks by zone * 3 + Watermark ordinal. */
  private final long[] wmark = new long[NR_ZONES * 3];

  /** lowmem_reserve by zone * NR_ZONES + class zone. */
  private final long[] lowmemReserve = new long[NR_ZONES * NR_ZONES];

  private long minFreeKbytes;
  private boolean booted;

  // counters
  private final long[] pgalloc = new long[NR_ZONES];
  private long pgfree;
  private long allocFail;
  private long allocDrainRetry;
  private long pcpRefill;
  private long pcpRefillPages;
  private long pcpSpill;
  private long pcpDrain;
  private long pcpToBuddyPages;

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
    int lists = NR_FREE_LISTS + NR_ZONES * layout.cpus();
    if (layout.frames() > Integer.MAX_VALUE - lists) {
      throw new IllegalArgumentException(
          "the buddy allocator indexes frames with int: "
              + layout.frames()
              + " frames is too many");
    }
    if (watermarkScaleFactor < 1 || watermarkScaleFactor > 3000) {
      throw new IllegalArgumentException(
          "watermark_scale_factor " + watermarkScaleFactor + " is out of range [1, 3000]");
    }
    this.log = LoggerFactory.getLogger(loggerName);
    this.layout = layout;
    this.nFrames = (int) layout.frames();
    this.cpus = layout.cpus();
    this.userMinFreeKbytes = minFreeKbytes;
    this.watermarkScaleFactor = watermarkScaleFactor;
    this.debugChecks = debugChecks;
    this.sentinels = nFrames;
    this.pcpSentinels = nFrames + NR_FREE_LISTS;
    this.next = new int[nFrames + lists];
    this.prev = new int[nFrames + lists];
    for (int s = nFrames; s < nFrames + lists; s++) {
      IntList.init(next, prev, s);
    }
    this.meta = new byte[nFrames];
    this.given = new long[(nFrames + 63) >>> 6];
    this.pcpCount = new int[NR_ZONES * cpus];
  }

  // ---------------------------------------------------------------- list primitives

  private int freeList(int zone, int order) {
    return sentinels + zone * NR_ORDERS + order;
  }

  private int pcpSlot(int cpu, int zone) {
    return cpu * NR_ZONES + zone;
  }

  static int zoneOf(int pfn) {
    return pfn < DMA_LIMIT ? ZONE_DMA : pfn < DMA32_LIMIT ? ZONE_DMA32 : ZONE_NORMAL;
  }

  // ---------------------------------------------------------------- PageAllocator

  @Override
  public String name() {
    return BuddyProvider.NAME;
  }

  @Override
  public long allocPages(int cpu, int gfp, int order) {
    if (order < 0 || order > MAX_ORDER || cpu < 0 || cpu >= cpus || !booted) {
      throw badAlloc(cpu, order);
    }
    // gfp_zone: the highest zone the request may use
    int classZone =
        (gfp & Gfp.DMA) != 0 ? ZONE_DMA : (gfp & Gfp.DMA32) != 0 ? ZONE_DMA32 : ZONE_NORMAL;
    int pfn = order == 0 ? pcpFastPath(cpu, classZone) : -1;
    if (pfn < 0) {
      pfn = allocGeneral(cpu, gfp, order, classZone);
    }
    if (debugChecks) {
      checkInvariants();
    }
    return pfn;
  }

  /**
   * The common case kept small for the JIT: an order-0 page from the head of a non-empty per-CPU
   * list of the first zone that passes the low watermark. Returns -1, having changed nothing,
   * whenever the general path must decide (that zone's list is empty, no zone passes).
   */
  private int pcpFastPath(int cpu, int classZone) {
    for (int z = classZone; z >= 0; z--) {
      if (managed[z] == 0) {
        continue;
      }
      if (zoneFree[z] <= wmark[z * 3 + 1] + lowmemReserve[z * NR_ZONES + classZone]) {
        continue;
      }
      int slot = cpu * NR_ZONES + z;
      int s = pcpSentinels + slot;
      int pfn = next[s];
      if (pfn == s) {
        return -1;
      }
      IntList.del(next, prev, pfn);
      pcpCount[slot]--;
      pcpPages--;
      meta[pfn] = META_ALLOCATED_0;
      pgalloc[z]++;
      return pfn;
    }
    return -1;
  }

  private int allocGeneral(int cpu, int gfp, int order, int classZone) {
    int pfn = getPageFromFreelist(cpu, order, classZone, Watermark.LOW.ordinal());
    if (pfn < 0) {
      pfn = allocSlowpath(cpu, gfp, order, classZone);
    }
    return pfn;
  }

  /** Translates GFP flags into the slow path's ALLOC_* flags ({@code gfp_to_alloc_flags}). */
  static int gfpToAllocFlags(int gfp) {
    int flags = Watermark.MIN.ordinal();
    if ((gfp & Gfp.HIGH) != 0) {
      flags |= ALLOC_HIGH;
    }
    if ((gfp & Gfp.ATOMIC) != 0 && (gfp & Gfp.NOMEMALLOC) == 0) {
      flags |= ALLOC_HARDER;
    }
    if ((gfp & Gfp.MEMALLOC) != 0 && (gfp & Gfp.NOMEMALLOC) == 0) {
      flags |= ALLOC_NO_WATERMARKS;
    }
    return flags;
  }

  private int allocSlowpath(int cpu, int gfp, int order, int classZone) {
    int flags = gfpToAllocFlags(gfp);
    int pfn = getPageFromFreelist(cpu, order, classZone, flags);
    if (pfn < 0 && pcpPages > 0) {
      // pages sitting on per-CPU lists may be what is missing: drain and retry once
      allocDrainRetry++;
      drainAllPagesInternal();
      pfn = getPageFromFreelist(cpu, order, classZone, flags);
    }
    if (pfn < 0) {
      allocFail++;
    }
    return pfn;
  }

  private int getPageFromFreelist(int cpu, int order, int classZone, int allocFlags) {
    for (int z = classZone; z >= 0; z--) {
      if (managed[z] == 0) {
        continue;
      }
      if ((allocFlags & ALLOC_NO_WATERMARKS) == 0
          && !zoneWatermarkOk(
              z, order, wmark[z * 3 + (allocFlags & ALLOC_WMARK_MASK)], classZone, allocFlags)) {
        continue;
      }
      int pfn = order == 0 ? rmqueuePcplist(cpu, z) : rmqueueSmallest(z, order);
      if (pfn >= 0) {
        meta[pfn] = meta(ALLOCATED, order);
        pgalloc[z] += 1L << order;
        return pfn;
      }
    }
    return -1;
  }

  /** The watermark check of zone {@code z} for a request whose highest zone is classZone. */
  boolean zoneWatermarkOk(int z, int order, long mark, int classZone, int allocFlags) {
    long free = zoneFree[z] - ((1L << order) - 1);
    long min = mark;
    if ((allocFlags & ALLOC_HIGH) != 0) {
      min -= min / 2;
    }
    if ((allocFlags & ALLOC_HARDER) != 0) {
      min -= min / 4;
    }
    if (free <= min + lowmemReserve[z * NR_ZONES + classZone]) {
      return false;
    }
    if (order == 0) {
      return true;
    }
    for (int o = order; o <= MAX_ORDER; o++) {
      if (nrFree[z * NR_ORDERS + o] != 0) {
        return true;
      }
    }
    return false;
  }

  private int rmqueuePcplist(int cpu, int z) {
    int slot = pcpSlot(cpu, z);
    int s = pcpSentinels + slot;
    int pfn = next[s];
    if (pfn == s) {
      if (rmqueueBulk(z, s, slot) == 0) {
        return -1;
      }
      pfn = next[s];
    }
    IntList.del(next, prev, pfn);
    pcpCount[slot]--;
    pcpPages--;
    return pfn;
  }

  /** Refills an empty per-CPU list with up to batch pages, appended in the order taken. */
  private int rmqueueBulk(int z, int sentinel, int slot) {
    int want = pcpBatch[z];
    int got = 0;
    while (got < want) {
      int p = rmqueueSmallest(z, 0);
      if (p < 0) {
        break;
      }
      meta[p] = META_PCP;
      IntList.addTail(next, prev, sentinel, p);
      got++;
    }
    if (got > 0) {
      pcpCount[slot] += got;
      pcpPages += got;
      pcpRefill++;
      pcpRefillPages += got;
    }
    return got;
  }

  /** Takes the head block of the smallest non-empty order >= order and splits it down. */
  private int rmqueueSmallest(int z, int order) {
    for (int o = order; o <= MAX_ORDER; o++) {
      int s = freeList(z, o);
      int pfn = next[s];
      if (pfn == s) {
        continue;
      }
      IntList.del(next, prev, pfn);
      nrFree[z * NR_ORDERS + o]--;
      zoneFree[z] -= 1L << o;
      // expand: the upper halves go back, one order lower each time, at the list head
      int size = 1 << o;
      while (o > order) {
        o--;
        size >>>= 1;
        int upper = pfn + size;
        IntList.addHead(next, prev, freeList(z, o), upper);
        meta[upper] = meta(BUDDY, o);
        nrFree[z * NR_ORDERS + o]++;
        zoneFree[z] += size;
      }
      meta[pfn] = 0;
      return pfn;
    }
    return -1;
  }

  @Override
  public void freePages(int cpu, long pfn, int order) {
    if (cpu < 0 || cpu >= cpus) {
      throw badCpu(cpu);
    }
    if (order < 0
        || order > MAX_ORDER
        || pfn < 0
        || pfn >= nFrames
        || meta[(int) pfn] != meta(ALLOCATED, order)) {
      throw badFree(pfn, order);
    }
    int p = (int) pfn;
    pgfree += 1L << order;
    if (order == 0) {
      freeToPcp(cpu, zoneOf(p), p);
    } else {
      meta[p] = 0;
      freeOneBlock(zoneOf(p), p, order, false);
    }
    if (debugChecks) {
      checkInvariants();
    }
  }

  private void freeToPcp(int cpu, int z, int p) {
    int slot = pcpSlot(cpu, z);
    IntList.addHead(next, prev, pcpSentinels + slot, p);
    meta[p] = META_PCP;
    int count = ++pcpCount[slot];
    pcpPages++;
    if (count >= pcpHigh[z]) {
      spill(z, slot, count);
    }
  }

  private void spill(int z, int slot, int count) {
    pcpSpill++;
    freePcppagesBulk(z, slot, Math.min(pcpBatch[z], count));
  }

  /** Returns {@code n} pages from the tail of a per-CPU list to the buddy lists. */
  private void freePcppagesBulk(int z, int slot, int n) {
    int s = pcpSentinels + slot;
    for (int i = 0; i < n; i++) {
      int x = prev[s];
      IntList.del(next, prev, x);
      meta[x] = 0;
      freeOneBlock(z, x, 0, false);
    }
    pcpCount[slot] -= n;
    pcpPages -= n;
    pcpToBuddyPages += n;
  }

  /**
   * Puts the block at {@code pfn} (whose meta is already cleared) on the free lists, merging with
   * free buddies ({@code __free_one_page}).
   */
  private void freeOneBlock(int z, int pfn, int order, boolean toTail) {
    while (order < MAX_ORDER) {
      int buddy = pfn ^ (1 << order);
      if (buddy >= nFrames || meta[buddy] != meta(BUDDY, order)) {
        break;
      }
      assert zoneOf(buddy) == z : "buddy " + buddy + " of " + pfn + " in another zone";
      IntList.del(next, prev, buddy);
      meta[buddy] = 0;
      nrFree[z * NR_ORDERS + order]--;
      zoneFree[z] -= 1L << order;
      pfn &= buddy;
      order++;
    }
    meta[pfn] = meta(BUDDY, order);
    int s = freeList(z, order);
    if (toTail || buddyMergeLikely(pfn, order)) {
      IntList.addTail(next, prev, s, pfn);
    } else {
      IntList.addHead(next, prev, s, pfn);
    }
    nrFree[z * NR_ORDERS + order]++;
    zoneFree[z] += 1L << order;
  }

  /**
   * True when the buddy of the block one order up is free, so that freeing this block's own buddy
   * would merge two levels: such a block goes to the list tail to stay free longer.
   */
  private boolean buddyMergeLikely(int pfn, int order) {
    if (order >= MAX_ORDER - 1) {
      return false;
    }
    int higher = pfn & ~(1 << order);
    int higherBuddy = higher ^ (1 << (order + 1));
    return higherBuddy < nFrames && meta[higherBuddy] == meta(BUDDY, order + 1);
  }

  // ---------------------------------------------------------------- diagnosis of bad calls

  /** The exception for a rejected allocPages call (kept out of the hot method). */
  private RuntimeException badAlloc(int cpu, int order) {
    if (order < 0 || order > MAX_ORDER) {
      return new IllegalArgumentException("order " + order + " is outside 0.." + MAX_ORDER);
    }
    if (cpu < 0 || cpu >= cpus) {
      return badCpu(cpu);
    }
    return new IllegalStateException("allocPages before completeBoot");
  }

  private IllegalArgumentException badCpu(int cpu) {
    return new IllegalArgumentException("cpu " + cpu + " is outside 0.." + (cpus - 1));
  }

  /** The exception for a free that cannot be right; reads state only. */
  private BadPageException badFree(long pfn, int order) {
    if (order < 0 || order > MAX_ORDER) {
      return new BadPageException(pfn, order, "order " + order + " is outside 0.." + MAX_ORDER);
    }
    if (pfn < 0 || pfn >= nFrames) {
      return new BadPageException(
          pfn, order, String.format("pfn outside memory (frames 0x0-0x%x)", nFrames - 1));
    }
    if ((pfn & ((1L << order) - 1)) != 0) {
      return new BadPageException(
          pfn, order, "misaligned block: the pfn is not a multiple of " + (1 << order) + " pages");
    }
    int p = (int) pfn;
    byte m = meta[p];
    switch (stateOf(m)) {
      case ALLOCATED:
        return new BadPageException(
            pfn, order, "wrong order: the block was allocated with order " + orderOf(m));
      case BUDDY:
        return new BadPageException(
            pfn, order, "double free of a free block (order " + orderOf(m) + " on the free list)");
      case PCP:
        return new BadPageException(pfn, order, "double free of a free page on a per-CPU list");
      default:
        break;
    }
    for (int o = 1; o <= MAX_ORDER; o++) {
      int head = p & -(1 << o);
      byte hm = meta[head];
      if (stateOf(hm) != NONE && head + (1 << orderOf(hm)) > p) {
        int ho = orderOf(hm);
        if (stateOf(hm) == ALLOCATED) {
          return new BadPageException(
              pfn,
              order,
              String.format(
                  "not a block head: the frame lies inside the order-%d block allocated at pfn 0x%x",
                  ho, head));
        }
        return new BadPageException(
            pfn,
            order,
            String.format(
                "double free: the frame lies inside a free block of order %d at pfn 0x%x",
                ho, head));
      }
    }
    if (!isGiven(p)) {
      return new BadPageException(pfn, order, "reserved frame: never handed to the page allocator");
    }
    throw new AssertionError(
        "frame 0x" + Integer.toHexString(p) + " was handed over at boot but no block covers it");
  }

  // ---------------------------------------------------------------- boot

  @Override
  public void freeBootPages(long pfn, int order) {
    if (booted) {
      throw new IllegalStateException("freeBootPages after completeBoot");
    }
    if (order < 0 || order > MAX_ORDER) {
      throw new BadPageException(pfn, order, "order " + order + " is outside 0.." + MAX_ORDER);
    }
    if (pfn < 0 || pfn >= nFrames) {
      throw new BadPageException(
          pfn, order, String.format("pfn outside memory (frames 0x0-0x%x)", nFrames - 1));
    }
    if ((pfn & ((1L << order) - 1)) != 0) {
      throw new BadPageException(
          pfn, order, "misaligned block: the pfn is not a multiple of " + (1 << order) + " pages");
    }
    int n = 1 << order;
    if (pfn + n > nFrames) {
      throw new BadPageException(pfn, order, "block runs past the end of memory");
    }
    int p = (int) pfn;
    if (anyGiven(p, n)) {
      throw new BadPageException(
          pfn, order, "boot hand-off of a block with frames already handed over");
    }
    for (int f = p; f < p + n; f++) {
      given[f >>> 6] |= 1L << f;
    }
    int z = zoneOf(p);
    managed[z] += n;
    pgfree += n;
    freeOneBlock(z, p, order, true);
    if (debugChecks) {
      checkInvariants();
    }
  }

  private boolean isGiven(int f) {
    return (given[f >>> 6] & (1L << f)) != 0;
  }

  private boolean anyGiven(int from, int n) {
    for (int f = from; f < from + n; f++) {
      if (isGiven(f)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void completeBoot() {
    if (booted) {
      throw new IllegalStateException("completeBoot called twice");
    }
    long total = 0;
    for (long m : managed) {
      total += m;
    }
    minFreeKbytes = userMinFreeKbytes >= 0 ? userMinFreeKbytes : calculateMinFreeKbytes(total);
    setupPerZoneWmarks(total);
    setupPerZoneLowmemReserve();
    for (int z = 0; z < NR_ZONES; z++) {
      int batch = zoneBatchsize(managed[z]);
      pcpHigh[z] = 6 * batch;
      pcpBatch[z] = Math.max(1, batch);
    }
    booted = true;
    if (log.isDebugEnabled()) {
      log.debug(
          "buddy: {} pages managed, min_free_kbytes {}, watermarks (min/low/high by zone) {},"
              + " lowmem_reserve {}, pcp high {} batch {}",
          total,
          minFreeKbytes,
          Arrays.toString(wmark),
          Arrays.toString(lowmemReserve),
          Arrays.toString(pcpHigh),
          Arrays.toString(pcpBatch));
    }
    if (debugChecks) {
      checkInvariants();
    }
  }

  /** {@code calculate_min_free_kbytes} at boot: lowmem is all managed memory. */
  static long calculateMinFreeKbytes(long managedPages) {
    long lowmemKbytes = managedPages << (Page.PAGE_SHIFT - 10);
    long v = Bits.intSqrt(lowmemKbytes * 16);
    return Math.max(MIN_FREE_KBYTES_FLOOR, Math.min(MIN_FREE_KBYTES_CEILING, v));
  }

  private void setupPerZoneWmarks(long lowmemPages) {
    long pagesMin = minFreeKbytes >> (Page.PAGE_SHIFT - 10);
    for (int z = 0; z < NR_ZONES; z++) {
      long min = lowmemPages == 0 ? 0 : pagesMin * managed[z] / lowmemPages;
      long step = Math.max(min >> 2, managed[z] * watermarkScaleFactor / 10000);
      wmark[z * 3 + Watermark.MIN.ordinal()] = min;
      wmark[z * 3 + Watermark.LOW.ordinal()] = min + step;
      wmark[z * 3 + Watermark.HIGH.ordinal()] = min + 2 * step;
    }
  }

  private void setupPerZoneLowmemReserve() {
    for (int i = 0; i < NR_ZONES; i++) {
      int ratio = LOWMEM_RESERVE_RATIO[i];
      boolean clear = ratio == 0 || managed[i] == 0;
      long upper = 0;
      lowmemReserve[i * NR_ZONES + i] = 0;
      for (int j = i + 1; j < NR_ZONES; j++) {
        upper += managed[j];
        lowmemReserve[i * NR_ZONES + j] = clear ? 0 : upper / ratio;
      }
    }
  }

  /** {@code zone_batchsize}: may be 0 for a small zone (then high is 0 and batch 1). */
  static int zoneBatchsize(long managedPages) {
    long batch = Math.min(managedPages >> 10, (1L << 20) / Page.PAGE_SIZE);
    batch /= 4;
    if (batch < 1) {
      batch = 1;
    }
    return (int) (Long.highestOneBit(batch + batch / 2) - 1);
  }

  // ---------------------------------------------------------------- draining

  @Override
  public void drainPages(int cpu) {
    if (cpu < 0 || cpu >= cpus) {
      throw badCpu(cpu);
    }
    drainCpu(cpu);
    if (debugChecks) {
      checkInvariants();
    }
  }

  @Override
  public void drainAllPages() {
    drainAllPagesInternal();
    if (debugChecks) {
      checkInvariants();
    }
  }

  private void drainAllPagesInternal() {
    for (int c = 0; c < cpus; c++) {
      drainCpu(c);
    }
  }

  private void drainCpu(int cpu) {
    for (int z = 0; z < NR_ZONES; z++) {
      int slot = pcpSlot(cpu, z);
      int n = pcpCount[slot];
      if (n > 0) {
        pcpDrain++;
        freePcppagesBulk(z, slot, n);
      }
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
    return wmark[zone.ordinal() * 3 + mark.ordinal()];
  }

  @Override
  public ZoneStats zoneStats(Zone zone) {
    int z = zone.ordinal();
    long[] blocks = Arrays.copyOfRange(nrFree, z * NR_ORDERS, (z + 1) * NR_ORDERS);
    int[] pcp = new int[cpus];
    for (int c = 0; c < cpus; c++) {
      pcp[c] = pcpCount[pcpSlot(c, z)];
    }
    long spanned = layout.zoneSpanned(zone);
    return new ZoneStats(
        zone,
        layout.zoneStart(zone),
        spanned,
        spanned,
        managed[z],
        zoneFree[z],
        wmark[z * 3],
        wmark[z * 3 + 1],
        wmark[z * 3 + 2],
        blocks,
        pcp,
        pcpHigh[z],
        pcpBatch[z],
        Arrays.copyOfRange(lowmemReserve, z * NR_ZONES, (z + 1) * NR_ZONES));
  }

  @Override
  public int metadataBytesPerFrame() {
    // next + prev links (4 + 4), the meta byte, one bit of the boot bitmap: 9.125, rounded up
    return 10;
  }

  /**
   * Counters, vmstat-style where the kernel has one: nr_free_pages (buddy lists only),
   * nr_pcp_pages, pgalloc_dma/dma32/normal (pages, 2^order per allocation, by the zone that served
   * it), pgfree (pages, boot hand-off included as in the kernel), pgalloc_fail (allocations that
   * returned NO_PAGE), alloc_drain_retry (failures retried after draining every per-CPU list),
   * pcp_refill / pcp_refill_pages (refills of an empty per-CPU list and the pages they took),
   * pcp_spill (lists that reached high), pcp_drain (non-empty lists drained) and pcp_to_buddy_pages
   * (pages spilled or drained back to the buddy lists).
   */
  @Override
  public Statistics statistics() {
    return Statistics.builder()
        .put("nr_free_pages", nrFreePages())
        .put("nr_pcp_pages", pcpPages)
        .put("pgalloc_dma", pgalloc[ZONE_DMA])
        .put("pgalloc_dma32", pgalloc[ZONE_DMA32])
        .put("pgalloc_normal", pgalloc[ZONE_NORMAL])
        .put("pgfree", pgfree)
        .put("pgalloc_fail", allocFail)
        .put("alloc_drain_retry", allocDrainRetry)
        .put("pcp_refill", pcpRefill)
        .put("pcp_refill_pages", pcpRefillPages)
        .put("pcp_spill", pcpSpill)
        .put("pcp_drain", pcpDrain)
        .put("pcp_to_buddy_pages", pcpToBuddyPages)
        .build();
  }

  // ---------------------------------------------------------------- white-box views for tests

  /** True when every operation re-checks the invariants (setting check-invariants). */
  boolean debugChecks() {
    return debugChecks;
  }

  /** min_free_kbytes in effect (0 before completeBoot). */
  long minFreeKbytes() {
    return minFreeKbytes;
  }

  /** lowmem_reserve[classZone] of {@code zone}: the zoneinfo "protection" entry. */
  long lowmemReserve(Zone zone, Zone classZone) {
    return lowmemReserve[zone.ordinal() * NR_ZONES + classZone.ordinal()];
  }

  /** The PFNs on a free list, head first. */
  long[] freeList(Zone zone, int order) {
    return listContents(freeList(zone.ordinal(), order));
  }

  /** The PFNs on a per-CPU list, head first. */
  long[] pcpList(int cpu, Zone zone) {
    return listContents(pcpSentinels + pcpSlot(cpu, zone.ordinal()));
  }

  private long[] listContents(int sentinel) {
    long[] out = new long[16];
    int n = 0;
    for (int x = next[sentinel]; x != sentinel; x = next[x]) {
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = x;
      if (n > nFrames) {
        throw new AssertionError("list " + (sentinel - sentinels) + " has a cycle");
      }
    }
    return Arrays.copyOf(out, n);
  }

  // ---------------------------------------------------------------- invariants

  @Override
  public void checkInvariants() {
    long[] countBlocks = new long[NR_FREE_LISTS];
    long[] countPages = new long[NR_ZONES];
    // free lists
    for (int z = 0; z < NR_ZONES; z++) {
      for (int o = 0; o <= MAX_ORDER; o++) {
        int s = freeList(z, o);
        int steps = 0;
        for (int x = next[s]; x != s; x = next[x]) {
          if (x < 0 || x >= nFrames) {
            fail("free list " + Zone.ofIndex(z).kernelName() + " order " + o + " links to " + x);
          }
          if (prev[next[x]] != x) {
            fail("broken back link after pfn " + x);
          }
          if (meta[x] != meta(BUDDY, o)) {
            fail(
                "pfn "
                    + x
                    + " on free list "
                    + Zone.ofIndex(z).kernelName()
                    + " order "
                    + o
                    + " has meta state "
                    + stateOf(meta[x])
                    + " order "
                    + orderOf(meta[x]));
          }
          if (zoneOf(x) != z) {
            fail("pfn " + x + " on a free list of zone " + z + " belongs to " + zoneOf(x));
          }
          if ((x & ((1 << o) - 1)) != 0 || x + (1L << o) > nFrames) {
            fail("free block pfn " + x + " order " + o + " misaligned or past memory");
          }
          if (++steps > nFrames) {
            fail("free list " + z + "/" + o + " has a cycle");
          }
          countBlocks[z * NR_ORDERS + o]++;
          countPages[z] += 1L << o;
        }
        if (countBlocks[z * NR_ORDERS + o] != nrFree[z * NR_ORDERS + o]) {
          fail(
              "zone "
                  + Zone.ofIndex(z).kernelName()
                  + " order "
                  + o
                  + ": nr_free "
                  + nrFree[z * NR_ORDERS + o]
                  + " but the list holds "
                  + countBlocks[z * NR_ORDERS + o]);
        }
      }
      if (countPages[z] != zoneFree[z]) {
        fail(
            "zone "
                + Zone.ofIndex(z).kernelName()
                + ": NR_FREE_PAGES "
                + zoneFree[z]
                + " but the lists hold "
                + countPages[z]);
      }
    }
    // per-CPU lists
    long pcpSum = 0;
    for (int c = 0; c < cpus; c++) {
      for (int z = 0; z < NR_ZONES; z++) {
        int slot = pcpSlot(c, z);
        int s = pcpSentinels + slot;
        int n = 0;
        for (int x = next[s]; x != s; x = next[x]) {
          if (x < 0
              || x >= nFrames
              || meta[x] != META_PCP
              || zoneOf(x) != z
              || prev[next[x]] != x) {
            fail("bad entry " + x + " on the per-CPU list of cpu " + c + " zone " + z);
          }
          if (++n > nFrames) {
            fail("per-CPU list of cpu " + c + " zone " + z + " has a cycle");
          }
        }
        if (n != pcpCount[slot]) {
          fail(
              "per-CPU list of cpu "
                  + c
                  + " zone "
                  + z
                  + ": count "
                  + pcpCount[slot]
                  + " but the list holds "
                  + n);
        }
        if (booted && pcpHigh[z] > 0 && n >= pcpHigh[z]) {
          fail(
              "per-CPU list of cpu " + c + " zone " + z + " holds " + n + " >= high " + pcpHigh[z]);
        }
        pcpSum += n;
      }
    }
    if (pcpSum != pcpPages) {
      fail("per-CPU pages " + pcpPages + " but the lists hold " + pcpSum);
    }
    // every frame: heads, coverage, reserved frames, unmerged buddies
    long[] covered = new long[NR_ZONES];
    long[] givenCount = new long[NR_ZONES];
    long buddyHeads = 0;
    long pcpHeads = 0;
    int coveredEnd = 0;
    for (int p = 0; p < nFrames; p++) {
      if (isGiven(p)) {
        givenCount[zoneOf(p)]++;
      }
      byte m = meta[p];
      int state = stateOf(m);
      if (state == NONE) {
        if (m != 0) {
          fail("pfn " + p + " is no block head but has order bits " + orderOf(m));
        }
        if (p >= coveredEnd && isGiven(p)) {
          fail("pfn " + p + " was handed over at boot but no block covers it");
        }
        continue;
      }
      int o = orderOf(m);
      if (p < coveredEnd) {
        fail("block head pfn " + p + " lies inside the block ending at " + coveredEnd);
      }
      if (o > MAX_ORDER || (p & ((1 << o) - 1)) != 0 || p + (1L << o) > nFrames) {
        fail("block pfn " + p + " order " + o + " misaligned or past memory");
      }
      if (state == PCP && o != 0) {
        fail("per-CPU page " + p + " has order " + o);
      }
      for (int f = p; f < p + (1 << o); f++) {
        if (!isGiven(f)) {
          fail("block pfn " + p + " order " + o + " covers reserved frame " + f);
        }
      }
      coveredEnd = p + (1 << o);
      covered[zoneOf(p)] += 1L << o;
      if (state == BUDDY) {
        buddyHeads++;
        if (o < MAX_ORDER) {
          int b = p ^ (1 << o);
          if (b < nFrames && meta[b] == meta(BUDDY, o)) {
            fail(
                "free buddies pfn "
                    + Math.min(p, b)
                    + " and "
                    + Math.max(p, b)
                    + " of order "
                    + o
                    + " were not merged");
          }
        }
      } else if (state == PCP) {
        pcpHeads++;
      }
    }
    long listed = 0;
    for (long b : countBlocks) {
      listed += b;
    }
    if (buddyHeads != listed) {
      fail(buddyHeads + " free block heads but " + listed + " blocks on the free lists");
    }
    if (pcpHeads != pcpPages) {
      fail(pcpHeads + " per-CPU pages marked but " + pcpPages + " on the lists");
    }
    for (int z = 0; z < NR_ZONES; z++) {
      if (covered[z] != managed[z] || givenCount[z] != managed[z]) {
        fail(
            "zone "
                + Zone.ofIndex(z).kernelName()
                + ": managed "
                + managed[z]
                + ", frames handed over "
                + givenCount[z]
                + ", covered by blocks "
                + covered[z]);
      }
      long min = wmark[z * 3];
      long low = wmark[z * 3 + 1];
      long high = wmark[z * 3 + 2];
      if (min < 0 || low < min || high < low) {
        fail(
            "zone "
                + Zone.ofIndex(z).kernelName()
                + " watermarks min "
                + min
                + " low "
                + low
                + " high "
                + high);
      }
    }
  }

  private void fail(String what) {
    throw new AssertionError(
        "buddy allocator invariant broken: "
            + what
            + " [free by zone "
            + Arrays.toString(zoneFree)
            + ", managed "
            + Arrays.toString(managed)
            + ", pcp pages "
            + pcpPages
            + ", pcp counts "
            + Arrays.toString(pcpCount)
            + "]");
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
        + pcpPages
        + " on per-CPU lists";
  }
}
