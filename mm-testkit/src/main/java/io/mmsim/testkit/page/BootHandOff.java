package io.mmsim.testkit.page;

import java.util.Arrays;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.page.BootFree;
import io.mmsim.api.page.PageAllocator;

/**
 * The boot allocator's hand-off for tests: releases frames to a page allocator the way memblock
 * does ({@code __free_pages_memory}): ascending, in maximal naturally aligned blocks of at most
 * {@code MAX_PAGE_ORDER} (through {@link BootFree}).
 */
public final class BootHandOff {
  private BootHandOff() {}

  /**
   * Releases the frames {@code [start, end)} with {@link PageAllocator#freeBootPages}.
   *
   * @return the number of frames released
   */
  public static long freeRange(PageAllocator allocator, long start, long end) {
    return BootFree.freePagesMemory(allocator, start, end);
  }

  /**
   * Releases every frame of {@code layout} except the reserved ranges, then calls {@link
   * PageAllocator#completeBoot}.
   *
   * @param reserved pairs {@code start, end} of PFN ranges to keep back (the kernel image, PFN 0,
   *     ...); they may be given in any order and may overlap
   * @return the number of frames released (the allocator's managed pages)
   */
  public static long boot(PageAllocator allocator, MemoryLayout layout, long... reserved) {
    if (reserved.length % 2 != 0) {
      throw new IllegalArgumentException(
          "reserved ranges come in pairs start, end: " + Arrays.toString(reserved));
    }
    int n = reserved.length / 2;
    long[][] ranges = new long[n][];
    for (int i = 0; i < n; i++) {
      long s = Math.max(0, reserved[2 * i]);
      long e = Math.min(layout.frames(), reserved[2 * i + 1]);
      ranges[i] = new long[] {s, Math.max(s, e)};
    }
    Arrays.sort(ranges, (a, b) -> Long.compare(a[0], b[0]));
    long released = 0;
    long pfn = 0;
    for (long[] r : ranges) {
      if (r[0] > pfn) {
        released += freeRange(allocator, pfn, r[0]);
      }
      pfn = Math.max(pfn, r[1]);
    }
    if (pfn < layout.frames()) {
      released += freeRange(allocator, pfn, layout.frames());
    }
    allocator.completeBoot();
    return released;
  }

  /** True when {@code pfn} lies in one of the reserved ranges (pairs {@code start, end}). */
  public static boolean isReserved(long pfn, long... reserved) {
    for (int i = 0; i + 1 < reserved.length; i += 2) {
      if (pfn >= reserved[i] && pfn < reserved[i + 1]) {
        return true;
      }
    }
    return false;
  }
}
