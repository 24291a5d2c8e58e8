package io.mmsim.api.page;

import io.mmsim.api.mem.Page;

/**
 * The boot hand-off of a free range to a page allocator, the way memblock releases memory at the
 * end of boot ({@code __free_pages_memory}): ascending, in the largest naturally aligned blocks
 * that fit, of at most {@link Page#MAX_PAGE_ORDER}. Zone limits (16 MiB, 4 GiB) are multiples of
 * the largest block, so no block straddles two zones.
 */
public final class BootFree {
  private BootFree() {}

  /**
   * Releases frames {@code [start, end)} with {@link PageAllocator#freeBootPages}.
   *
   * @return the number of frames released
   */
  public static long freePagesMemory(PageAllocator allocator, long start, long end) {
    long pfn = start;
    while (pfn < end) {
      // numberOfTrailingZeros(0) is 64: PFN 0 is aligned to every order
      int order = Math.min(Page.MAX_PAGE_ORDER, Long.numberOfTrailingZeros(pfn));
      while (pfn + (1L << order) > end) {
        order--;
      }
      allocator.freeBootPages(pfn, order);
      pfn += 1L << order;
    }
    return Math.max(0, end - start);
  }
}
