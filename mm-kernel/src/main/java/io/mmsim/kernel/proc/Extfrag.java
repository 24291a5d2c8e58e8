package io.mmsim.kernel.proc;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;

/*
 * The fragmentation indices of mm/vmstat.c (fill_contig_page_info, unusable_free_index,
 * __fragmentation_index), computed from a zone's free blocks per order as the debugfs files
 * extfrag/unusable_index and extfrag/extfrag_index show them. Both are in thousandths.
 *
 *   For a request of order o: free_pages = sum of blocks[k] * 2^k, free_blocks_total = sum of
 *   blocks[k], free_blocks_suitable = sum over k >= o of blocks[k] * 2^(k - o).
 *
 *   unusable_free_index = 1000 when nothing is free, else
 *     (free_pages - (free_blocks_suitable << o)) * 1000 / free_pages
 *   -- the share of free memory in blocks too small for the request (Gorman and Whitcroft, "The
 *   What, The Why and The Where To of Anti-Fragmentation", OLS 2006).
 *
 *   fragmentation_index = 0 when nothing is free; -1000 when a suitable block exists (the request
 *   would not fail); else 1000 - (1000 + free_pages * 1000 / 2^o) / free_blocks_total
 *   -- towards 0 a failure is for lack of memory, towards 1000 for fragmentation. With a single
 *   free block smaller than half the request the formula goes below 0, and the kernel prints it as
 *   it is (" 0.-500").
 *
 * All divisions truncate, as the kernel's div_u64 and C's int division do.
 *
 * Files: one line per populated zone, "Node %d, zone %8s " then one value per order 0..10, each
 * followed by a space (unusable_show_print, extfrag_show_print).
 */
public final class Extfrag {
  private Extfrag() {}

  /** {@code unusable_free_index} for {@code order}, in thousandths. */
  static int unusableFreeIndex(long[] freeBlocks, int order) {
    long freePages = 0;
    long suitable = 0;
    for (int k = 0; k < freeBlocks.length; k++) {
      freePages += freeBlocks[k] << k;
      if (k >= order) {
        suitable += freeBlocks[k] << (k - order);
      }
    }
    if (freePages == 0) {
      return 1000;
    }
    return (int) ((freePages - (suitable << order)) * 1000 / freePages);
  }

  /**
   * {@code extfrag_for_order}: the percentage of free pages in blocks smaller than {@code order} (0
   * with no free page), compaction's fragmentation score at the huge-page order.
   *
   * @param freeBlocks free blocks per order (buddyinfo's columns)
   */
  public static int extfragForOrder(long[] freeBlocks, int order) {
    long freePages = 0;
    long suitable = 0;
    for (int k = 0; k < freeBlocks.length; k++) {
      freePages += freeBlocks[k] << k;
      if (k >= order) {
        suitable += freeBlocks[k] << (k - order);
      }
    }
    if (freePages == 0) {
      return 0;
    }
    return (int) ((freePages - (suitable << order)) * 100 / freePages);
  }

  /**
   * {@code __fragmentation_index} for {@code order}, in thousandths: -1000 when a block of the
   * order is free, towards 0 when an allocation would fail for lack of memory, towards 1000 when it
   * would fail for fragmentation.
   *
   * @param freeBlocks free blocks per order (buddyinfo's columns)
   */
  public static int fragmentationIndex(long[] freeBlocks, int order) {
    if (order > Page.MAX_PAGE_ORDER) {
      return 0;
    }
    long freePages = 0;
    long total = 0;
    long suitable = 0;
    for (int k = 0; k < freeBlocks.length; k++) {
      total += freeBlocks[k];
      freePages += freeBlocks[k] << k;
      if (k >= order) {
        suitable += freeBlocks[k] << (k - order);
      }
    }
    if (total == 0) {
      return 0;
    }
    if (suitable != 0) {
      return -1000;
    }
    long requested = 1L << order;
    return (int) (1000 - (1000 + freePages * 1000 / requested) / total);
  }

  /** One value as {@code unusable_show_print} prints it: {@code "%d.%03d "}. */
  static String unusable(int index) {
    return String.format("%d.%03d ", index / 1000, index % 1000);
  }

  /** One value as {@code extfrag_show_print} prints it: {@code "%2d.%03d "}. */
  static String extfrag(int index) {
    return String.format("%2d.%03d ", index / 1000, index % 1000);
  }

  /** The debugfs file {@code extfrag/unusable_index}. */
  static String unusableIndexFile(MemoryLayout layout, PageAllocator pages) {
    StringBuilder sb = new StringBuilder();
    for (int nid = 0; nid < layout.nodes(); nid++) {
      for (Zone z : Zone.values()) {
        if (!layout.populated(nid, z)) {
          continue;
        }
        long[] blocks = pages.zoneStats(nid, z).freeBlocks();
        sb.append(String.format("Node %d, zone %8s ", nid, z.kernelName()));
        for (int o = 0; o < Page.NR_PAGE_ORDERS; o++) {
          sb.append(unusable(unusableFreeIndex(blocks, o)));
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** The debugfs file {@code extfrag/extfrag_index}. */
  static String extfragIndexFile(MemoryLayout layout, PageAllocator pages) {
    StringBuilder sb = new StringBuilder();
    for (int nid = 0; nid < layout.nodes(); nid++) {
      for (Zone z : Zone.values()) {
        if (!layout.populated(nid, z)) {
          continue;
        }
        long[] blocks = pages.zoneStats(nid, z).freeBlocks();
        sb.append(String.format("Node %d, zone %8s ", nid, z.kernelName()));
        for (int o = 0; o < Page.NR_PAGE_ORDERS; o++) {
          sb.append(extfrag(fragmentationIndex(blocks, o)));
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }
}
