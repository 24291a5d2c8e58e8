package io.mmsim.api.page;

import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;

/**
 * A snapshot of one zone as the page allocator sees it, enough to render /proc/buddyinfo and the
 * zone part of /proc/zoneinfo.
 *
 * @param zone the zone
 * @param startPfn first PFN the zone spans
 * @param spanned frames between the first and last PFN ({@code spanned_pages})
 * @param present frames that exist ({@code present_pages})
 * @param managed frames handed to the page allocator ({@code managed_pages})
 * @param free free pages on the zone's free lists ({@code NR_FREE_PAGES})
 * @param min the min watermark in pages
 * @param low the low watermark in pages
 * @param high the high watermark in pages
 * @param freeBlocks free blocks per order, {@link Page#NR_PAGE_ORDERS} entries (buddyinfo)
 * @param pcpCount pages on each CPU's per-CPU lists, one entry per CPU
 * @param pcpHigh the per-CPU list high mark
 * @param pcpBatch the per-CPU list batch size
 * @param protection this zone's {@code lowmem_reserve}: entry {@code i} is the number of pages the
 *     zone keeps back from an allocation whose highest allowed zone has index {@code i}
 *     (/proc/zoneinfo {@code protection:}); one entry per {@link Zone}
 */
public record ZoneStats(
    Zone zone,
    long startPfn,
    long spanned,
    long present,
    long managed,
    long free,
    long min,
    long low,
    long high,
    long[] freeBlocks,
    int[] pcpCount,
    int pcpHigh,
    int pcpBatch,
    long[] protection) {

  /** Validates and copies the arrays. */
  public ZoneStats {
    if (freeBlocks.length != Page.NR_PAGE_ORDERS) {
      throw new IllegalArgumentException("freeBlocks needs " + Page.NR_PAGE_ORDERS + " orders");
    }
    if (protection.length != Zone.count()) {
      throw new IllegalArgumentException("protection needs " + Zone.count() + " zones");
    }
    freeBlocks = freeBlocks.clone();
    pcpCount = pcpCount.clone();
    protection = protection.clone();
  }

  /** A snapshot of an allocator that keeps no lowmem reserve (every protection entry 0). */
  public ZoneStats(
      Zone zone,
      long startPfn,
      long spanned,
      long present,
      long managed,
      long free,
      long min,
      long low,
      long high,
      long[] freeBlocks,
      int[] pcpCount,
      int pcpHigh,
      int pcpBatch) {
    this(
        zone,
        startPfn,
        spanned,
        present,
        managed,
        free,
        min,
        low,
        high,
        freeBlocks,
        pcpCount,
        pcpHigh,
        pcpBatch,
        new long[Zone.count()]);
  }

  /** The lowmem reserve per highest allowed zone (a copy). */
  @Override
  public long[] protection() {
    return protection.clone();
  }

  /** The largest lowmem reserve of this zone (what {@code totalreserve_pages} adds). */
  public long maxProtection() {
    long m = 0;
    for (long p : protection) {
      m = Math.max(m, p);
    }
    return m;
  }

  /** Free blocks per order (a copy). */
  @Override
  public long[] freeBlocks() {
    return freeBlocks.clone();
  }

  /** Pages on each CPU's per-CPU lists (a copy). */
  @Override
  public int[] pcpCount() {
    return pcpCount.clone();
  }

  /** Pages on all per-CPU lists of this zone. */
  public long pcpTotal() {
    long t = 0;
    for (int c : pcpCount) {
      t += c;
    }
    return t;
  }
}
