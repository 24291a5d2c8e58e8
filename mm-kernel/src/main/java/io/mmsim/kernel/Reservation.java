package io.mmsim.kernel;

/**
 * A range of frames the boot allocator kept for the kernel itself (never handed to the page
 * allocator): the first page, the kernel image, the frame-metadata array.
 *
 * @param startPfn first frame
 * @param pages number of frames
 * @param what why the range is reserved
 */
public record Reservation(long startPfn, long pages, String what) {

  /** The frame past the last one. */
  public long endPfn() {
    return startPfn + pages;
  }
}
