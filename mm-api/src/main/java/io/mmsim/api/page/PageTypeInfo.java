package io.mmsim.api.page;

import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;

/**
 * A snapshot of one zone's free lists by migrate type and of its pageblocks' types, enough to
 * render /proc/pagetypeinfo ({@code pagetypeinfo_showfree_print}, {@code
 * pagetypeinfo_showblockcount_print} in {@code mm/vmstat.c}).
 *
 * @param zone the zone
 * @param freeBlocks free blocks per migrate type and order: {@code freeBlocks[type][order]} with
 *     {@link MigrateType#count()} rows of {@link Page#NR_PAGE_ORDERS} entries, exact (the view caps
 *     the count it prints)
 * @param pageblocks pageblocks of each migrate type whose first frame lies in the zone, one entry
 *     per {@link MigrateType}
 */
public record PageTypeInfo(Zone zone, long[][] freeBlocks, long[] pageblocks) {

  /** Validates the shapes and copies the arrays. */
  public PageTypeInfo {
    int types = MigrateType.count();
    if (freeBlocks.length != types || pageblocks.length != types) {
      throw new IllegalArgumentException("pagetypeinfo needs one row per migrate type: " + types);
    }
    long[][] copy = new long[types][];
    for (int t = 0; t < types; t++) {
      if (freeBlocks[t].length != Page.NR_PAGE_ORDERS) {
        throw new IllegalArgumentException(
            "freeBlocks[" + t + "] needs " + Page.NR_PAGE_ORDERS + " orders");
      }
      copy[t] = freeBlocks[t].clone();
    }
    freeBlocks = copy;
    pageblocks = pageblocks.clone();
  }

  /** Free blocks per migrate type and order (a deep copy). */
  @Override
  public long[][] freeBlocks() {
    long[][] copy = new long[freeBlocks.length][];
    for (int t = 0; t < copy.length; t++) {
      copy[t] = freeBlocks[t].clone();
    }
    return copy;
  }

  /** Free blocks of one migrate type and order. */
  public long freeBlocks(MigrateType type, int order) {
    return freeBlocks[type.ordinal()][order];
  }

  /** Pageblocks per migrate type (a copy). */
  @Override
  public long[] pageblocks() {
    return pageblocks.clone();
  }

  /** Pageblocks of one migrate type. */
  public long pageblocks(MigrateType type) {
    return pageblocks[type.ordinal()];
  }

  /** Free pages on the lists of one migrate type (blocks times their size). */
  public long freePages(MigrateType type) {
    long pages = 0;
    long[] row = freeBlocks[type.ordinal()];
    for (int o = 0; o < row.length; o++) {
      pages += row[o] << o;
    }
    return pages;
  }
}
