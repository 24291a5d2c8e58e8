package io.mmsim.kernel.boot;

import java.util.ArrayList;
import java.util.List;

import io.mmsim.api.page.BootFree;
import io.mmsim.api.page.PageAllocator;

/**
 * The boot-time allocator: one bit per frame (set = reserved), as the classic bootmem allocator
 * kept it, handing every unreserved frame to the page allocator at the end of boot the way memblock
 * does.
 *
 * <h2>Hand-off</h2>
 *
 * Free runs are walked in ascending PFN order. Each run is cut into the largest naturally aligned
 * blocks that fit: order = min(MAX_PAGE_ORDER, lowest set bit of the start PFN), lowered until the
 * block ends inside the run. Zone limits (16 MiB, 4 GiB) are multiples of the largest block, so no
 * block straddles two zones. Source to look up: {@code mm/memblock.c} ({@code memblock_free_all},
 * {@code __free_pages_memory}).
 *
 * <p>Reserved frames never reach the page allocator: they are the present - managed gap of
 * /proc/zoneinfo.
 */
public final class Bootmem {
  private final long frames;
  private final long[] bitmap;
  private final List<Region> regions = new ArrayList<>();

  /** A reserved range of frames and why it is reserved. */
  public record Region(long startPfn, long pages, String what) {
    /** The PFN past the last frame. */
    public long endPfn() {
      return startPfn + pages;
    }
  }

  /** A boot allocator covering {@code frames} frames, none reserved yet. */
  public Bootmem(long frames) {
    this.frames = frames;
    this.bitmap = new long[Math.toIntExact((frames + 63) >>> 6)];
  }

  /** Number of frames covered. */
  public long frames() {
    return frames;
  }

  /** Bytes the bitmap itself takes. */
  public long bitmapBytes() {
    return (long) bitmap.length * Long.BYTES;
  }

  /**
   * Reserves {@code pages} frames from {@code startPfn}.
   *
   * @throws IllegalArgumentException when the range leaves memory or overlaps a reservation
   */
  public void reserve(long startPfn, long pages, String what) {
    if (pages <= 0 || startPfn < 0 || startPfn + pages > frames) {
      throw new IllegalArgumentException(
          String.format(
              "cannot reserve %s: pfn 0x%x + %d pages lies outside memory of %d frames",
              what, startPfn, pages, frames));
    }
    for (long p = startPfn; p < startPfn + pages; p++) {
      if (isReserved(p)) {
        throw new IllegalArgumentException(
            String.format("cannot reserve %s: pfn 0x%x is already reserved", what, p));
      }
    }
    for (long p = startPfn; p < startPfn + pages; p++) {
      bitmap[(int) (p >>> 6)] |= 1L << (p & 63);
    }
    regions.add(new Region(startPfn, pages, what));
  }

  /**
   * Reserves {@code pages} contiguous frames as high in memory as they fit (memblock allocates
   * top-down).
   *
   * @return the first PFN reserved
   * @throws IllegalStateException when no free run is long enough
   */
  public long allocTopDown(long pages, String what) {
    long run = 0;
    for (long p = frames - 1; p >= 1; p--) {
      if (isReserved(p)) {
        run = 0;
        continue;
      }
      run++;
      if (run == pages) {
        reserve(p, pages, what);
        return p;
      }
    }
    throw new IllegalStateException(
        String.format(
            "boot cannot place %s (%d pages): memory of %d frames is too small",
            what, pages, frames));
  }

  /** True when frame {@code pfn} is reserved. */
  public boolean isReserved(long pfn) {
    return (bitmap[(int) (pfn >>> 6)] & (1L << (pfn & 63))) != 0;
  }

  /** Reserved frames in all. */
  public long reservedPages() {
    long n = 0;
    for (long w : bitmap) {
      n += Long.bitCount(w);
    }
    return n;
  }

  /** Reserved frames in {@code [start, end)}. */
  public long reservedPages(long start, long end) {
    long n = 0;
    for (long p = start; p < end; p++) {
      if (isReserved(p)) {
        n++;
      }
    }
    return n;
  }

  /** The reservations in the order they were made. */
  public List<Region> regions() {
    return List.copyOf(regions);
  }

  /**
   * Releases every unreserved frame to {@code allocator} in maximal aligned blocks, ascending.
   *
   * @return the number of pages released
   */
  public long freeAll(PageAllocator allocator) {
    long released = 0;
    long pfn = 0;
    while (pfn < frames) {
      pfn = nextFree(pfn);
      if (pfn >= frames) {
        break;
      }
      long end = nextReserved(pfn);
      released += BootFree.freePagesMemory(allocator, pfn, end);
      pfn = end;
    }
    return released;
  }

  private long nextFree(long from) {
    long p = from;
    while (p < frames) {
      long w = ~bitmap[(int) (p >>> 6)] & (-1L << (p & 63));
      if (w != 0) {
        long found = (p & ~63L) + Long.numberOfTrailingZeros(w);
        return Math.min(found, frames);
      }
      p = (p & ~63L) + 64;
    }
    return frames;
  }

  private long nextReserved(long from) {
    long p = from;
    while (p < frames) {
      long w = bitmap[(int) (p >>> 6)] & (-1L << (p & 63));
      if (w != 0) {
        long found = (p & ~63L) + Long.numberOfTrailingZeros(w);
        return Math.min(found, frames);
      }
      p = (p & ~63L) + 64;
    }
    return frames;
  }
}
