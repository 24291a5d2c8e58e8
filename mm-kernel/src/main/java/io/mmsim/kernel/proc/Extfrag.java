package io.mmsim.kernel.proc;

import java.util.function.BiFunction;

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

  /**
   * {@code fill_contig_page_info} for one order: {@code {free_pages, free_blocks_total,
   * free_blocks_suitable}}.
   */
  private static long[] contigPageInfo(long[] freeBlocks, int order) {
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
    return new long[] {freePages, total, suitable};
  }

  /** The part of free memory, in {@code scale}ths, in blocks smaller than {@code order}. */
  private static long unusable(long[] info, int order, long scale) {
    return (info[0] - (info[2] << order)) * scale / info[0];
  }

  /** {@code unusable_free_index} for {@code order}, in thousandths. */
  static int unusableFreeIndex(long[] freeBlocks, int order) {
    long[] info = contigPageInfo(freeBlocks, order);
    return info[0] == 0 ? 1000 : (int) unusable(info, order, 1000);
  }

  /**
   * {@code extfrag_for_order}: the percentage of free pages in blocks smaller than {@code order} (0
   * with no free page), compaction's fragmentation score at the huge-page order.
   *
   * @param freeBlocks free blocks per order (buddyinfo's columns)
   */
  public static int extfragForOrder(long[] freeBlocks, int order) {
    long[] info = contigPageInfo(freeBlocks, order);
    return info[0] == 0 ? 0 : (int) unusable(info, order, 100);
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
    long[] info = contigPageInfo(freeBlocks, order);
    if (info[1] == 0) {
      return 0;
    }
    if (info[2] != 0) {
      return -1000;
    }
    long requested = 1L << order;
    return (int) (1000 - (1000 + info[0] * 1000 / requested) / info[1]);
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
    return perZone(layout, pages, (blocks, o) -> unusable(unusableFreeIndex(blocks, o)));
  }

  /** The debugfs file {@code extfrag/extfrag_index}. */
  static String extfragIndexFile(MemoryLayout layout, PageAllocator pages) {
    return perZone(layout, pages, (blocks, o) -> extfrag(fragmentationIndex(blocks, o)));
  }

  /** One line per populated zone: its header, then one printed value per order. */
  private static String perZone(
      MemoryLayout layout, PageAllocator pages, BiFunction<long[], Integer, String> value) {
    StringBuilder sb = new StringBuilder();
    for (int nid = 0; nid < layout.nodes(); nid++) {
      for (Zone z : Zone.values()) {
        if (!layout.populated(nid, z)) {
          continue;
        }
        long[] blocks = pages.zoneStats(nid, z).freeBlocks();
        sb.append(String.format("Node %d, zone %8s ", nid, z.kernelName()));
        for (int o = 0; o < Page.NR_PAGE_ORDERS; o++) {
          sb.append(value.apply(blocks, o));
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }
}
