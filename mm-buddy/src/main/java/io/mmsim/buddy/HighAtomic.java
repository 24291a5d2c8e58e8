package io.mmsim.buddy;

import static io.mmsim.buddy.FreeArea.MAX_ORDER;
import static io.mmsim.buddy.FreeArea.NR_ZONES;
import static io.mmsim.buddy.Pageblocks.MIGRATE_HIGHATOMIC;
import static io.mmsim.buddy.Pageblocks.PAGEBLOCK_NR_PAGES;
import static io.mmsim.buddy.Pageblocks.PAGEBLOCK_ORDER;

/*
 * The reserve of pageblocks for high-order atomic allocations (mm/page_alloc.c:
 * reserve_highatomic_pageblock, unreserve_highatomic_pageblock; zone->nr_reserved_highatomic).
 *
 *   reserve(z, pfn, order)  after a request with ALLOC_HIGHATOMIC (high order, __GFP_HIGH, cannot
 *     reclaim directly) succeeded at pfn: unless 1 % of the zone's managed pages is less than a
 *     pageblock, or the zone already reserves that 1 % rounded up to whole pageblocks, the
 *     pageblock(s) of the allocation become HIGHATOMIC, their free blocks moving along. Only
 *     pageblocks of a mergeable type (UNMOVABLE, MOVABLE, RECLAIMABLE) wholly inside the zone are
 *     taken.
 *   unreserve(classZone, mt, force)  on pressure, before the drain-and-retry of a request that may
 *     reclaim directly: in zonelist order, the first zone that reserves more than one pageblock
 *     (any reserve when forced) gives back the pageblock of its lowest-order free HIGHATOMIC block,
 *     retyped to the requester's migrate type.
 *
 * Requests without the reserve rights see the free HIGHATOMIC pages as unusable in the watermark
 * check (nr_free_highatomic); ALLOC_HIGHATOMIC requests take from the HIGHATOMIC lists first, and
 * ALLOC_NON_BLOCK requests take from them when everything else failed.
 *
 * Invariant: nrReserved[z] is pageblock_nr_pages times the zone's HIGHATOMIC pageblocks.
 */
final class HighAtomic {

  private final FreeArea area;
  private final Pageblocks blocks;
  private final long[] managed;

  /** {@code zone->nr_reserved_highatomic}, pages. */
  final long[] nrReserved = new long[NR_ZONES];

  long reserved;
  long unreserved;

  HighAtomic(FreeArea area, long[] managed) {
    this.area = area;
    this.blocks = area.blocks;
    this.managed = managed;
  }

  /** {@code reserve_highatomic_pageblock} for the block of {@code order} just allocated at pfn. */
  void reserve(int z, int pfn, int order) {
    long onePercent = managed[z] / 100;
    if (onePercent < PAGEBLOCK_NR_PAGES) {
      return;
    }
    long max = (onePercent + PAGEBLOCK_NR_PAGES - 1) & -PAGEBLOCK_NR_PAGES;
    if (nrReserved[z] >= max) {
      return;
    }
    int mt = blocks.get(pfn);
    if (!FreeArea.mergeable(mt)) {
      return;
    }
    if (order < PAGEBLOCK_ORDER) {
      if (area.moveFreepagesBlock(z, pfn, mt, MIGRATE_HIGHATOMIC) < 0) {
        return;
      }
      nrReserved[z] += PAGEBLOCK_NR_PAGES;
    } else {
      blocks.changeRange(pfn, order, MIGRATE_HIGHATOMIC);
      nrReserved[z] += 1L << order;
    }
    reserved++;
  }

  /**
   * {@code unreserve_highatomic_pageblock} for a request of migrate type {@code mt} whose highest
   * zone is {@code classZone}; true when a pageblock was given back.
   */
  boolean unreserve(int classZone, int mt, boolean force) {
    for (int z = classZone; z >= 0; z--) {
      if (managed[z] == 0) {
        continue;
      }
      // keep at least one pageblock unless pressure is really high
      if (!force && nrReserved[z] <= PAGEBLOCK_NR_PAGES) {
        continue;
      }
      for (int o = 0; o <= MAX_ORDER; o++) {
        int page = area.head(z, MIGRATE_HIGHATOMIC, o);
        if (page < 0) {
          continue;
        }
        long size = Math.min(Math.max(PAGEBLOCK_NR_PAGES, 1L << o), nrReserved[z]);
        nrReserved[z] -= size;
        int moved;
        if (o < PAGEBLOCK_ORDER) {
          moved = area.moveFreepagesBlock(z, page, MIGRATE_HIGHATOMIC, mt);
        } else {
          area.move(z, page, o, MIGRATE_HIGHATOMIC, mt);
          blocks.changeRange(page, o, mt);
          moved = 1;
        }
        assert moved != -1 : "a reserved pageblock at " + page + " left its zone";
        if (moved > 0) {
          unreserved++;
          return true;
        }
      }
    }
    return false;
  }
}
