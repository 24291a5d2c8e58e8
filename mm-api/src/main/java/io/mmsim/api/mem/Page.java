package io.mmsim.api.mem;

/**
 * Page geometry of the simulated x86-64 machine: 4 KiB base pages and buddy orders 0..10.
 *
 * <p>Constants carry the kernel's names so that a reader can search for them; the helpers convert
 * between page frame numbers (PFNs), physical addresses and orders.
 */
public final class Page {
  private Page() {}

  /** log2 of the base page size ({@code PAGE_SHIFT}). */
  public static final int PAGE_SHIFT = 12;

  /** Base page size in bytes ({@code PAGE_SIZE}). */
  public static final int PAGE_SIZE = 1 << PAGE_SHIFT;

  /** Mask of the offset bits within a page. */
  public static final long PAGE_OFFSET_MASK = PAGE_SIZE - 1;

  /** The largest buddy order, inclusive ({@code MAX_PAGE_ORDER}, Linux 6.8+ naming). */
  public static final int MAX_PAGE_ORDER = 10;

  /** Number of buddy orders ({@code NR_PAGE_ORDERS}). */
  public static final int NR_PAGE_ORDERS = MAX_PAGE_ORDER + 1;

  /** Orders above this are "costly" to the kernel ({@code PAGE_ALLOC_COSTLY_ORDER}). */
  public static final int PAGE_ALLOC_COSTLY_ORDER = 3;

  /** Order of a pageblock, the unit of migrate-type bookkeeping ({@code pageblock_order}). */
  public static final int PAGEBLOCK_ORDER = 9;

  /** Physical address of the first byte of frame {@code pfn}. */
  public static long pfnToPhys(long pfn) {
    return pfn << PAGE_SHIFT;
  }

  /** Frame number that holds physical address {@code phys}. */
  public static long physToPfn(long phys) {
    return phys >>> PAGE_SHIFT;
  }

  /** Number of pages in a block of {@code order}. */
  public static long pagesOf(int order) {
    return 1L << order;
  }

  /**
   * The smallest order whose block holds {@code size} bytes ({@code get_order}); 0 for sizes up to
   * one page.
   */
  public static int getOrder(long size) {
    if (size <= PAGE_SIZE) {
      return 0;
    }
    return 64 - Long.numberOfLeadingZeros((size - 1) >>> PAGE_SHIFT);
  }

  /** Number of whole pages needed for {@code bytes} bytes. */
  public static long pagesFor(long bytes) {
    return (bytes + PAGE_SIZE - 1) >>> PAGE_SHIFT;
  }
}
