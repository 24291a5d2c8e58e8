package io.mmsim.api;

/**
 * A page-allocator call on a frame that cannot be right: a double free, a free of a different order
 * than was allocated, a PFN never handed out or out of range, a misaligned block.
 *
 * <p>The message names the PFN and the order; the allocator is unchanged.
 */
public final class BadPageException extends MmException {
  private static final long serialVersionUID = 1L;

  private final long pfn;
  private final int order;

  /** A bad call on the block of {@code order} at {@code pfn}, for the given reason. */
  public BadPageException(long pfn, int order, String reason) {
    super(String.format("%s: pfn 0x%x order %d", reason, pfn, order));
    this.pfn = pfn;
    this.order = order;
  }

  /** The PFN the bad call named. */
  public long pfn() {
    return pfn;
  }

  /** The order the bad call named. */
  public int order() {
    return order;
  }
}
