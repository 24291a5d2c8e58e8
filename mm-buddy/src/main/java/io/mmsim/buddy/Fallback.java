package io.mmsim.buddy;

import static io.mmsim.buddy.AllocFlags.ALLOC_NOFRAGMENT;
import static io.mmsim.buddy.FreeArea.MAX_ORDER;
import static io.mmsim.buddy.Pageblocks.MIGRATE_MOVABLE;
import static io.mmsim.buddy.Pageblocks.MIGRATE_RECLAIMABLE;
import static io.mmsim.buddy.Pageblocks.MIGRATE_UNMOVABLE;
import static io.mmsim.buddy.Pageblocks.PAGEBLOCK_NR_PAGES;
import static io.mmsim.buddy.Pageblocks.PAGEBLOCK_ORDER;

import io.mmsim.api.trace.Tracer;

/*
 * Taking a block from the free lists of one zone, with the migrate-type fallbacks of Linux 6.15
 * (mm/page_alloc.c: __rmqueue, __rmqueue_claim, __rmqueue_steal, try_to_claim_block,
 * find_suitable_fallback, should_try_claim_block, the fallbacks[] table; the behaviour of commits
 * "mm: page_alloc: don't steal single pages from biggest buddy" and "mm: page_alloc: speed up
 * fallbacks in rmqueue_bulk()").
 *
 *   rmqueue(z, order, mt, flags, mode)          -- __rmqueue; mode carries over a bulk refill
 *     NORMAL  the smallest block of the request's own type (__rmqueue_smallest)
 *     CLAIM   scan orders from MAX_PAGE_ORDER down to the request's order (to pageblock_order
 *             under ALLOC_NOFRAGMENT) for a block of a fallback type, the first fallback with a
 *             non-empty list at that order, and try to claim its pageblock:
 *               - a block of order >= pageblock_order: every pageblock it covers takes the new
 *                 type, the block is split down on the new type's lists (always succeeds);
 *               - a smaller block: count the pageblock's free pages and the pages "alike" the
 *                 request (a MOVABLE request: the movable pages; UNMOVABLE or RECLAIMABLE taking
 *                 from a MOVABLE block: every used page that is not movable; otherwise none); when
 *                 free + alike >= pageblock_nr_pages / 2, move the pageblock's free blocks to the
 *                 new type, retype it, and take the smallest block of the new type; otherwise try
 *                 the next lower order. A pageblock not wholly in the zone is never claimed.
 *             Claiming is only tried at orders where should_try_claim_block allows it: >=
 *             pageblock_order / 2 (= 4), or any order for UNMOVABLE and RECLAIMABLE requests (so
 *             a MOVABLE request's scan stops at order 3). A success resets mode to NORMAL.
 *     STEAL   (not under ALLOC_NOFRAGMENT) the smallest block of a fallback type at order >= the
 *             request, split down on its own type's lists; its pageblock keeps its type. mode
 *             stays STEAL for the rest of a bulk refill.
 *
 *   fallbacks:  UNMOVABLE   -> RECLAIMABLE, MOVABLE
 *               MOVABLE     -> RECLAIMABLE, UNMOVABLE
 *               RECLAIMABLE -> UNMOVABLE, MOVABLE
 *   HIGHATOMIC and ISOLATE lists are never a fallback.
 *
 * Not modelled: the watermark boost that a claim below pageblock_order triggers (boost_watermark,
 * ZONE_BOOSTED_WATERMARK), CMA.
 */
final class Fallback {

  static final int RMQUEUE_NORMAL = 0;
  static final int RMQUEUE_CLAIM = 1;
  static final int RMQUEUE_STEAL = 2;

  /** {@code fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1]}. */
  static final int[][] FALLBACKS = {
    {MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE},
    {MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE},
    {MIGRATE_UNMOVABLE, MIGRATE_MOVABLE}
  };

  private final FreeArea area;
  private final Pageblocks blocks;

  /** The mode the last {@link #rmqueue} call ended in. */
  int mode;

  // counters: allocations served from another type's lists (trace event mm_page_alloc_extfrag)
  long extfrag;
  long claimedBlocks;
  long steals;

  Fallback(FreeArea area) {
    this.area = area;
    this.blocks = area.blocks;
  }

  /**
   * {@code __rmqueue}: a block of {@code order} for a request of migrate type {@code mt} (below
   * MIGRATE_PCPTYPES), starting in {@code startMode}; returns its PFN (meta cleared) or -1. The
   * mode to start the next call of a bulk refill in is left in {@link #mode}.
   */
  int rmqueue(int z, int order, int mt, int allocFlags, int startMode) {
    int pfn;
    if (startMode == RMQUEUE_NORMAL) {
      pfn = area.rmqueueSmallest(z, order, mt);
      if (pfn >= 0) {
        mode = RMQUEUE_NORMAL;
        return pfn;
      }
    }
    if (startMode <= RMQUEUE_CLAIM) {
      pfn = claim(z, order, mt, allocFlags);
      if (pfn >= 0) {
        // the request's own lists were replenished
        mode = RMQUEUE_NORMAL;
        return pfn;
      }
    }
    if ((allocFlags & ALLOC_NOFRAGMENT) == 0) {
      pfn = steal(z, order, mt);
      if (pfn >= 0) {
        mode = RMQUEUE_STEAL;
        return pfn;
      }
    }
    mode = startMode;
    return -1;
  }

  /** {@code __rmqueue_claim}: largest fallback block first, claiming its pageblock. */
  private int claim(int z, int order, int startMt, int allocFlags) {
    int minOrder = order;
    if (order < PAGEBLOCK_ORDER && (allocFlags & ALLOC_NOFRAGMENT) != 0) {
      minOrder = PAGEBLOCK_ORDER;
    }
    for (int o = MAX_ORDER; o >= minOrder; o--) {
      int fallbackMt = findSuitableFallback(z, o, startMt, true);
      if (fallbackMt == -1) {
        continue;
      }
      if (fallbackMt == -2) {
        break;
      }
      int page = area.head(z, fallbackMt, o);
      int pfn = tryToClaimBlock(z, page, o, order, startMt, fallbackMt);
      if (pfn >= 0) {
        extfrag++;
        if (area.trace.on()) {
          area.trace.mmPageAllocExtfrag(
              Tracer.CURRENT_CPU,
              area.base + pfn,
              order,
              o,
              startMt,
              fallbackMt,
              blocks.get(pfn) == startMt);
        }
        return pfn;
      }
    }
    return -1;
  }

  /** {@code __rmqueue_steal}: smallest fallback block, its pageblock left as it is. */
  private int steal(int z, int order, int startMt) {
    for (int o = order; o <= MAX_ORDER; o++) {
      int fallbackMt = findSuitableFallback(z, o, startMt, false);
      if (fallbackMt == -1) {
        continue;
      }
      int page = area.head(z, fallbackMt, o);
      area.del(z, fallbackMt, page, o);
      area.expand(z, page, order, o, fallbackMt);
      extfrag++;
      steals++;
      if (area.trace.on()) {
        area.trace.mmPageAllocExtfrag(
            Tracer.CURRENT_CPU,
            area.base + page,
            order,
            o,
            startMt,
            fallbackMt,
            blocks.get(page) == startMt);
      }
      return page;
    }
    return -1;
  }

  /**
   * {@code find_suitable_fallback}: the first fallback type with a free block at {@code order}, -1
   * when there is none, -2 when claiming is not worth trying at this order (and so at no lower
   * one).
   */
  int findSuitableFallback(int z, int order, int mt, boolean claimable) {
    if (claimable && !shouldTryClaimBlock(order, mt)) {
      return -2;
    }
    int[] fb = FALLBACKS[mt];
    for (int i = 0; i < fb.length; i++) {
      if (!area.empty(z, fb[i], order)) {
        return fb[i];
      }
    }
    return -1;
  }

  /** {@code should_try_claim_block}. */
  boolean shouldTryClaimBlock(int order, int startMt) {
    // a block of this size is likely in a mostly free pageblock
    if (order >= PAGEBLOCK_ORDER / 2) {
      return true;
    }
    // unmovable and reclaimable pages would pollute a movable block for good: claim it whole
    if (startMt == MIGRATE_RECLAIMABLE || startMt == MIGRATE_UNMOVABLE) {
      return true;
    }
    return blocks.mobilityDisabled;
  }

  /**
   * {@code try_to_claim_block}: the free block at {@code page} of order {@code current} on the
   * {@code blockMt} lists; returns the allocated PFN or -1 when the pageblock stays as it is.
   */
  int tryToClaimBlock(int z, int page, int current, int order, int startMt, int blockMt) {
    if (current >= PAGEBLOCK_ORDER) {
      area.del(z, blockMt, page, current);
      blocks.changeRange(page, current, startMt);
      area.expand(z, page, order, current, startMt);
      claimedBlocks += 1L << (current - PAGEBLOCK_ORDER);
      return page;
    }
    if (!area.blockInZone(z, page)) {
      return -1;
    }
    long counts = area.countFreeAndMovable(page);
    int free = FreeArea.freeCount(counts);
    int movable = FreeArea.movableCount(counts);
    int alike;
    if (startMt == MIGRATE_MOVABLE) {
      alike = movable;
    } else if (blockMt == MIGRATE_MOVABLE) {
      // an unmovable or reclaimable request: every used page that is not movable is alike
      alike = PAGEBLOCK_NR_PAGES - (free + movable);
    } else {
      // unmovable against reclaimable: the two cannot be told apart, so none counts
      alike = 0;
    }
    if (free + alike >= PAGEBLOCK_NR_PAGES / 2 || blocks.mobilityDisabled) {
      int start = Pageblocks.startPfn(page);
      area.moveFreepages(z, start, blockMt, startMt);
      blocks.set(start, startMt);
      claimedBlocks++;
      return area.rmqueueSmallest(z, order, startMt);
    }
    return -1;
  }
}
