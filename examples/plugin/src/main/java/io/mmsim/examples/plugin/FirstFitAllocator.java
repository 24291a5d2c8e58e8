package io.mmsim.examples.plugin;

import java.util.Arrays;

import io.mmsim.api.BadPageException;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.ZoneStats;

/*
 * Address-ordered first fit over free extents: the oldest placement policy there is (Knuth, The
 * Art of Computer Programming vol. 1, 2.5, "Algorithm A"), kept to the page allocator's contract.
 *
 * Data layout:
 *
 *   free extents   extStart[i] .. extEnd[i] (end exclusive), i < extents, sorted by address,
 *                  disjoint and never adjacent (a free next to a free extent merges with it)
 *
 *   per frame      state[pfn] (one byte):  RESERVED (-2)   never handed over at boot
 *                                          NO_HEAD  (-1)   free, or inside an allocated block
 *                                          0..10           first frame of an allocated block of
 *                                                          that order
 *
 * allocPages(order): the zones a GFP mask allows are tried from the highest down, as the kernel's
 * zonelist does (Normal, then DMA32, then DMA), so that DMA memory is the last resort. A zone is
 * used only when its free pages stay above its min watermark after the allocation (__GFP_HIGH may
 * dip to half of it, an atomic request to three eighths, __GFP_MEMALLOC ignores it, as in
 * mm/page_alloc.c: __zone_watermark_ok). Inside a zone, the extents are scanned in address order
 * and the first one that holds a naturally aligned run of 2^order frames gives it: the lowest such
 * run of that extent. The extent is cut in two around the block (one of the two may be empty).
 *
 * freePages(pfn, order): every check first (PFN in range, order in range, not reserved, not free,
 * the first frame of a block of exactly this order); then the block becomes an extent again,
 * merged with a free neighbour on either side.
 *
 * Costs: allocation is a scan of the extents (first fit's classic O(extents)); a free is a binary
 * search plus, when it neither merges nor extends, an array shift. One byte of metadata per frame.
 * There are no per-CPU lists: a CPU argument is only checked. Watermarks follow the kernel's boot
 * computation (mm/page_alloc.c: calculate_min_free_kbytes, __setup_per_zone_wmarks with
 * watermark_scale_factor 10). There is no lowmem reserve and no migrate type.
 *
 * Invariants (checkInvariants): extents sorted, disjoint, non-adjacent, inside managed memory;
 * per-zone free counters equal the extents' frames; every head's block lies outside the extents
 * and does not overlap another; frames = reserved + free + allocated.
 */
final class FirstFitAllocator implements PageAllocator {
  private static final byte RESERVED = -2;
  private static final byte NO_HEAD = -1;
  private static final int NR_ZONES = Zone.count();

  /** vm.watermark_scale_factor's default: the gap between watermarks, in 1/10000 of a zone. */
  private static final int WATERMARK_SCALE_FACTOR = 10;

  private final MemoryLayout layout;
  private final byte[] state;
  private int[] extStart = new int[16];
  private int[] extEnd = new int[16];
  private int extents;

  private final long[] zoneFree = new long[NR_ZONES];
  private final long[] zoneManaged = new long[NR_ZONES];
  private final long[] wmark = new long[NR_ZONES * 3];
  private long allocated;
  private boolean booted;

  private long allocCalls;
  private long allocFailures;
  private long freeCalls;
  private long extentsScanned;

  FirstFitAllocator(MemoryLayout layout) {
    if (layout.frames() >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "firstfit handles fewer than 2^31 - 1 frames, not " + layout.frames());
    }
    this.layout = layout;
    this.state = new byte[(int) layout.frames()];
    Arrays.fill(state, RESERVED);
  }

  @Override
  public String name() {
    return FirstFitProvider.NAME;
  }

  // ------------------------------------------------------------------ boot

  @Override
  public void freeBootPages(long pfn, int order) {
    if (booted) {
      throw new IllegalStateException("firstfit: freeBootPages after completeBoot");
    }
    checkOrder(pfn, order);
    long size = 1L << order;
    if (pfn < 0 || pfn + size > layout.frames() || (pfn & (size - 1)) != 0) {
      throw new BadPageException(
          pfn, order, "boot hand-off of a block outside memory or misaligned");
    }
    int p = (int) pfn;
    for (int f = p; f < p + size; f++) {
      if (state[f] != RESERVED) {
        throw new BadPageException(f, 0, "boot hand-off of a frame already handed over");
      }
    }
    Arrays.fill(state, p, p + (int) size, NO_HEAD);
    addExtent(p, p + (int) size);
    for (int f = p; f < p + size; f++) {
      zoneManaged[Zone.of(f).ordinal()]++;
      zoneFree[Zone.of(f).ordinal()]++;
    }
  }

  @Override
  public void completeBoot() {
    if (booted) {
      throw new IllegalStateException("firstfit: completeBoot called twice");
    }
    long total = 0;
    for (long m : zoneManaged) {
      total += m;
    }
    // calculate_min_free_kbytes: int_sqrt(lowmem_kbytes * 16), clamped to [128, 262144]
    long kbytes = total << (Page.PAGE_SHIFT - 10);
    long minFreeKbytes = Math.max(128, Math.min(262144, intSqrt(kbytes * 16)));
    long pagesMin = minFreeKbytes >> (Page.PAGE_SHIFT - 10);
    for (int z = 0; z < NR_ZONES; z++) {
      long min = total == 0 ? 0 : pagesMin * zoneManaged[z] / total;
      long step = Math.max(min / 4, zoneManaged[z] * WATERMARK_SCALE_FACTOR / 10000);
      wmark[z * 3 + Watermark.MIN.ordinal()] = min;
      wmark[z * 3 + Watermark.LOW.ordinal()] = min + step;
      wmark[z * 3 + Watermark.HIGH.ordinal()] = min + 2 * step;
    }
    booted = true;
  }

  private static long intSqrt(long x) {
    long r = (long) Math.sqrt((double) x);
    while (r * r > x) {
      r--;
    }
    while ((r + 1) * (r + 1) <= x) {
      r++;
    }
    return r;
  }

  // ------------------------------------------------------------------ allocation

  @Override
  public long allocPages(int cpu, int gfp, int order) {
    checkCpu(cpu);
    if (order < 0 || order > Page.MAX_PAGE_ORDER) {
      throw new IllegalArgumentException(
          "firstfit: order " + order + " is outside [0, " + Page.MAX_PAGE_ORDER + "]");
    }
    if (!booted) {
      throw new IllegalStateException("firstfit: allocPages before completeBoot");
    }
    allocCalls++;
    int size = 1 << order;
    for (int z = Gfp.zone(gfp).ordinal(); z >= 0; z--) {
      if (!watermarkOk(z, size, gfp)) {
        continue;
      }
      long pfn = firstFit(z, size);
      if (pfn != NO_PAGE) {
        state[(int) pfn] = (byte) order;
        zoneFree[z] -= size;
        allocated += size;
        return pfn;
      }
    }
    allocFailures++;
    return NO_PAGE;
  }

  /** __zone_watermark_ok without the lowmem reserve: free pages stay above min afterwards. */
  private boolean watermarkOk(int z, int size, int gfp) {
    if ((gfp & Gfp.MEMALLOC) != 0) {
      return zoneFree[z] >= size;
    }
    long min = wmark[z * 3 + Watermark.MIN.ordinal()];
    if ((gfp & Gfp.HIGH) != 0) {
      min -= min / 2;
      if ((gfp & Gfp.DIRECT_RECLAIM) == 0) {
        min -= min / 4;
      }
    }
    return zoneFree[z] - (size - 1) > min;
  }

  /** Takes the lowest aligned run of {@code size} free frames in zone {@code z}, or NO_PAGE. */
  private long firstFit(int z, int size) {
    Zone zone = Zone.ofIndex(z);
    int lo = (int) layout.zoneStart(zone);
    int hi = (int) layout.zoneEnd(zone);
    for (int i = firstExtentEndingAfter(lo); i < extents && extStart[i] < hi; i++) {
      extentsScanned++;
      int from = Math.max(extStart[i], lo);
      int start = (from + size - 1) & -size;
      if (start + size <= Math.min(extEnd[i], hi)) {
        cut(i, start, start + size);
        return start;
      }
    }
    return NO_PAGE;
  }

  // ------------------------------------------------------------------ freeing

  @Override
  public void freePages(int cpu, long pfn, int order) {
    checkCpu(cpu);
    if (pfn < 0 || pfn >= layout.frames()) {
      throw new BadPageException(pfn, order, "free of a PFN beyond the end of memory");
    }
    checkOrder(pfn, order);
    int p = (int) pfn;
    byte s = state[p];
    if (s == RESERVED) {
      throw new BadPageException(pfn, order, "free of a frame that was never handed over");
    }
    if (s == NO_HEAD) {
      if (isFree(p)) {
        throw new BadPageException(pfn, order, "double free: the frame is already free");
      }
      throw new BadPageException(pfn, order, "free of a frame inside an allocated block");
    }
    if (s != order) {
      throw new BadPageException(
          pfn, order, "free with the wrong order (allocated with " + s + ")");
    }
    freeCalls++;
    int size = 1 << order;
    state[p] = NO_HEAD;
    addExtent(p, p + size);
    // a block never straddles a zone: zones start at aligned PFNs (16 MiB, 4 GiB)
    zoneFree[Zone.of(p).ordinal()] += size;
    allocated -= size;
  }

  private static void checkOrder(long pfn, int order) {
    if (order < 0 || order > Page.MAX_PAGE_ORDER) {
      throw new BadPageException(pfn, order, "order outside [0, " + Page.MAX_PAGE_ORDER + "]");
    }
  }

  private void checkCpu(int cpu) {
    if (cpu < 0 || cpu >= layout.cpus()) {
      throw new IllegalArgumentException(
          "firstfit: cpu " + cpu + " is outside [0, " + layout.cpus() + ")");
    }
  }

  /** There are no per-CPU lists: only the CPU number is checked. */
  @Override
  public void drainPages(int cpu) {
    checkCpu(cpu);
  }

  /** There are no per-CPU lists. */
  @Override
  public void drainAllPages() {
    // nothing is cached per CPU
  }

  // ------------------------------------------------------------------ extents

  /** Index of the first extent whose end is above {@code pfn} ({@code extents} if none). */
  private int firstExtentEndingAfter(int pfn) {
    int lo = 0;
    int hi = extents;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (extEnd[mid] <= pfn) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private boolean isFree(int pfn) {
    int i = firstExtentEndingAfter(pfn);
    return i < extents && extStart[i] <= pfn;
  }

  /** Makes [start, end) free: merges with the extents that touch it, or inserts a new one. */
  private void addExtent(int start, int end) {
    int i = firstExtentEndingAfter(start - 1); // the first extent that ends at or after start
    boolean joinsLeft = i < extents && extEnd[i] == start;
    int right = joinsLeft ? i + 1 : i;
    boolean joinsRight = right < extents && extStart[right] == end;
    if (joinsLeft && joinsRight) {
      extEnd[i] = extEnd[right];
      remove(right);
    } else if (joinsLeft) {
      extEnd[i] = end;
    } else if (joinsRight) {
      extStart[right] = start;
    } else {
      insert(i, start, end);
    }
  }

  /** Takes [start, end) out of extent {@code i}, which holds it. */
  private void cut(int i, int start, int end) {
    boolean left = extStart[i] < start;
    boolean right = end < extEnd[i];
    if (left && right) {
      insert(i + 1, end, extEnd[i]);
      extEnd[i] = start;
    } else if (left) {
      extEnd[i] = start;
    } else if (right) {
      extStart[i] = end;
    } else {
      remove(i);
    }
  }

  private void insert(int i, int start, int end) {
    if (extents == extStart.length) {
      extStart = Arrays.copyOf(extStart, extents * 2);
      extEnd = Arrays.copyOf(extEnd, extents * 2);
    }
    System.arraycopy(extStart, i, extStart, i + 1, extents - i);
    System.arraycopy(extEnd, i, extEnd, i + 1, extents - i);
    extStart[i] = start;
    extEnd[i] = end;
    extents++;
  }

  private void remove(int i) {
    System.arraycopy(extStart, i + 1, extStart, i, extents - i - 1);
    System.arraycopy(extEnd, i + 1, extEnd, i, extents - i - 1);
    extents--;
  }

  // ------------------------------------------------------------------ counters and views

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
    for (long m : zoneManaged) {
      t += m;
    }
    return t;
  }

  @Override
  public long watermark(Zone zone, Watermark mark) {
    return wmark[zone.ordinal() * 3 + mark.ordinal()];
  }

  /**
   * The zone as /proc/buddyinfo would show it: each free extent split into maximal naturally
   * aligned blocks, the blocks a buddy allocator holding the same free frames would list.
   */
  @Override
  public ZoneStats zoneStats(Zone zone) {
    int z = zone.ordinal();
    int lo = (int) layout.zoneStart(zone);
    int hi = (int) layout.zoneEnd(zone);
    long[] blocks = new long[Page.NR_PAGE_ORDERS];
    for (int i = firstExtentEndingAfter(lo); i < extents && extStart[i] < hi; i++) {
      int p = Math.max(extStart[i], lo);
      int end = Math.min(extEnd[i], hi);
      while (p < end) {
        int order = Math.min(Page.MAX_PAGE_ORDER, Integer.numberOfTrailingZeros(p | (1 << 30)));
        while (p + (1 << order) > end) {
          order--;
        }
        blocks[order]++;
        p += 1 << order;
      }
    }
    return new ZoneStats(
        zone,
        lo,
        hi - lo,
        hi - lo,
        zoneManaged[z],
        zoneFree[z],
        wmark[z * 3],
        wmark[z * 3 + 1],
        wmark[z * 3 + 2],
        blocks,
        new int[layout.cpus()],
        0,
        0);
  }

  /** One state byte per frame. */
  @Override
  public int metadataBytesPerFrame() {
    return 1;
  }

  @Override
  public Statistics statistics() {
    return Statistics.builder()
        .put("nr_free_pages", nrFreePages())
        .put("managed_pages", managedPages())
        .put("free_extents", extents)
        .put("alloc_calls", allocCalls)
        .put("alloc_failures", allocFailures)
        .put("free_calls", freeCalls)
        .put("extents_scanned", extentsScanned)
        .build();
  }

  @Override
  public void checkInvariants() {
    int n = state.length;
    long[] free = new long[NR_ZONES];
    int prevEnd = -2;
    for (int i = 0; i < extents; i++) {
      int s = extStart[i];
      int e = extEnd[i];
      if (s >= e || s <= prevEnd || e > n) {
        throw new AssertionError(
            String.format(
                "firstfit: extent %d [%d, %d) is empty, out of order, touches the one before"
                    + " (ending %d) or passes the end of memory (%d frames); %d extents",
                i, s, e, prevEnd, n, extents));
      }
      for (int f = s; f < e; f++) {
        if (state[f] != NO_HEAD) {
          throw new AssertionError(
              "firstfit: free frame "
                  + f
                  + " of extent ["
                  + s
                  + ", "
                  + e
                  + ") has state "
                  + state[f]);
        }
        free[Zone.of(f).ordinal()]++;
      }
      prevEnd = e;
    }
    long inBlocks = 0;
    long reserved = 0;
    int coveredTo = 0;
    for (int f = 0; f < n; f++) {
      byte s = state[f];
      if (s == RESERVED) {
        reserved++;
      } else if (s >= 0) {
        int end = f + (1 << s);
        if ((f & ((1 << s) - 1)) != 0 || end > n || f < coveredTo) {
          throw new AssertionError(
              "firstfit: block at " + f + " order " + s + " is misaligned or overlaps another");
        }
        for (int g = f; g < end; g++) {
          if ((g > f && state[g] != NO_HEAD) || isFree(g)) {
            throw new AssertionError(
                "firstfit: frame "
                    + g
                    + " of the block at "
                    + f
                    + " order "
                    + s
                    + " is free or the head of another block");
          }
        }
        coveredTo = end;
        inBlocks += 1L << s;
      }
    }
    for (int z = 0; z < NR_ZONES; z++) {
      if (free[z] != zoneFree[z]) {
        throw new AssertionError(
            "firstfit: zone "
                + Zone.ofIndex(z)
                + " counts "
                + zoneFree[z]
                + " free pages, its extents hold "
                + free[z]);
      }
    }
    long totalFree = nrFreePages();
    if (inBlocks != allocated || reserved + totalFree + inBlocks != n) {
      throw new AssertionError(
          String.format(
              "firstfit: %d frames != reserved %d + free %d + allocated %d (counter %d)",
              n, reserved, totalFree, inBlocks, allocated));
    }
    if (managedPages() != n - reserved) {
      throw new AssertionError(
          "firstfit: managed " + managedPages() + " but " + (n - reserved) + " frames handed over");
    }
  }
}
