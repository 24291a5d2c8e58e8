package io.mmsim.buddy;

import static io.mmsim.buddy.AllocFlags.ALLOC_HIGHATOMIC;
import static io.mmsim.buddy.AllocFlags.ALLOC_MIN_RESERVE;
import static io.mmsim.buddy.AllocFlags.ALLOC_NON_BLOCK;
import static io.mmsim.buddy.AllocFlags.ALLOC_RESERVES;
import static io.mmsim.buddy.FreeArea.MAX_ORDER;
import static io.mmsim.buddy.FreeArea.NR_ZONES;
import static io.mmsim.buddy.Pageblocks.MIGRATE_HIGHATOMIC;
import static io.mmsim.buddy.Pageblocks.MIGRATE_PCPTYPES;

import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.util.Bits;

/*
 * Per-zone watermarks, lowmem reserves and the watermark check (mm/page_alloc.c:
 * calculate_min_free_kbytes, __setup_per_zone_wmarks, setup_per_zone_lowmem_reserve,
 * __zone_watermark_unusable_free, __zone_watermark_ok, zone_watermark_fast).
 *
 *   min_free_kbytes = int_sqrt(lowmem_kbytes * 16) clamped to [128, 262144] (lowmem is all managed
 *   memory at boot), unless the user fixed it. pages_min = min_free_kbytes / 4; per zone: min =
 *   pages_min * managed / total managed; step = max(min / 4, managed * watermark_scale_factor /
 *   10000); low = min + step; high = low + step (Linux 4.6+). lowmem_reserve[i][j] for a request
 *   whose highest zone is j > i: the managed pages of zones i+1..j divided by zone i's ratio (DMA
 *   256, DMA32 256, Normal 32); 0 when zone i manages nothing.
 *
 *   The check of zone z for a request of order o whose highest zone is c (Linux 6.15):
 *     free = NR_FREE_PAGES(z) - (2^o - 1), minus the free HIGHATOMIC pages unless the request has
 *            reserve rights (ALLOC_RESERVES);
 *     min  = the watermark, halved for ALLOC_MIN_RESERVE and then cut by a further quarter for
 *            ALLOC_NON_BLOCK;
 *     fail when free <= min + lowmem_reserve[z][c]; order 0 passes; a higher order also needs a
 *     free block of at least that order on an UNMOVABLE, MOVABLE or RECLAIMABLE list (or a
 *     HIGHATOMIC one for ALLOC_HIGHATOMIC). ISOLATE lists never count.
 */
final class Watermarks {

  /** {@code sysctl_lowmem_reserve_ratio} defaults, by zone index. */
  static final int[] LOWMEM_RESERVE_RATIO = {256, 256, 32};

  /** Bounds of the computed min_free_kbytes ({@code calculate_min_free_kbytes}). */
  static final long MIN_FREE_KBYTES_FLOOR = 128;

  static final long MIN_FREE_KBYTES_CEILING = 262144;

  private final FreeArea area;
  private final long userMinFreeKbytes;
  private final int watermarkScaleFactor;

  /** Watermarks by zone * 3 + Watermark ordinal. */
  final long[] wmark = new long[NR_ZONES * 3];

  /** lowmem_reserve by zone * NR_ZONES + class zone. */
  final long[] lowmemReserve = new long[NR_ZONES * NR_ZONES];

  long minFreeKbytes;

  /**
   * @param userMinFreeKbytes a fixed min_free_kbytes, or -1 to compute it at boot
   * @param watermarkScaleFactor {@code vm.watermark_scale_factor}, 1..3000
   */
  Watermarks(FreeArea area, long userMinFreeKbytes, int watermarkScaleFactor) {
    if (watermarkScaleFactor < 1 || watermarkScaleFactor > 3000) {
      throw new IllegalArgumentException(
          "watermark_scale_factor " + watermarkScaleFactor + " is out of range [1, 3000]");
    }
    this.area = area;
    this.userMinFreeKbytes = userMinFreeKbytes;
    this.watermarkScaleFactor = watermarkScaleFactor;
  }

  /**
   * Sizes one node's zones: {@code min_free_kbytes} comes from the managed pages of the whole
   * machine ({@code machineManaged}, every node's lowmem) and {@code __setup_per_zone_wmarks} gives
   * each zone its share of it by managed pages; the lowmem reserves stay within the node.
   */
  void setup(long[] managed, long total) {
    minFreeKbytes = userMinFreeKbytes >= 0 ? userMinFreeKbytes : calculateMinFreeKbytes(total);
    long pagesMin = minFreeKbytes >> (Page.PAGE_SHIFT - 10);
    for (int z = 0; z < NR_ZONES; z++) {
      long min = total == 0 ? 0 : pagesMin * managed[z] / total;
      long step = Math.max(min >> 2, managed[z] * watermarkScaleFactor / 10000);
      wmark[z * 3 + Watermark.MIN.ordinal()] = min;
      wmark[z * 3 + Watermark.LOW.ordinal()] = min + step;
      wmark[z * 3 + Watermark.HIGH.ordinal()] = min + 2 * step;
    }
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

  /** {@code calculate_min_free_kbytes} at boot: lowmem is all managed memory. */
  static long calculateMinFreeKbytes(long managedPages) {
    long lowmemKbytes = managedPages << (Page.PAGE_SHIFT - 10);
    long v = Bits.intSqrt(lowmemKbytes * 16);
    return Math.max(MIN_FREE_KBYTES_FLOOR, Math.min(MIN_FREE_KBYTES_CEILING, v));
  }

  long get(int z, int watermark) {
    return wmark[z * 3 + watermark];
  }

  long reserve(int z, int classZone) {
    return lowmemReserve[z * NR_ZONES + classZone];
  }

  /** {@code __zone_watermark_ok} of zone z for a request whose highest zone is classZone. */
  boolean ok(int z, int order, long mark, int classZone, int allocFlags) {
    // without reserve rights the free HIGHATOMIC pages do not count
    long free =
        ((allocFlags & ALLOC_RESERVES) == 0 ? area.zoneUsable[z] : area.zoneFree[z])
            - ((1L << order) - 1);
    long min = mark;
    if ((allocFlags & ALLOC_MIN_RESERVE) != 0) {
      min -= min / 2;
      if ((allocFlags & ALLOC_NON_BLOCK) != 0) {
        min -= min / 4;
      }
    }
    if (free <= min + lowmemReserve[z * NR_ZONES + classZone]) {
      return false;
    }
    if (order == 0) {
      return true;
    }
    for (int o = order; o <= MAX_ORDER; o++) {
      for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
        if (!area.empty(z, mt, o)) {
          return true;
        }
      }
      if ((allocFlags & ALLOC_HIGHATOMIC) != 0 && !area.empty(z, MIGRATE_HIGHATOMIC, o)) {
        return true;
      }
    }
    return false;
  }
}
