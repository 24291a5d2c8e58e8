package io.mmsim.kernel.mm;

import java.util.Arrays;

import io.mmsim.api.fault.FileBacking;
import io.mmsim.api.mem.Page;
import io.mmsim.api.util.LongLongHashMap;

/**
 * The shmem object behind a {@code MAP_SHARED|MAP_ANONYMOUS} mapping: a file with no disk behind
 * it. Its pages start as zeros and live in the page cache for as long as some area maps the object
 * (the kernel facade drops them when the last such area goes), or, once reclaim swapped them out,
 * as swap entries the object holds in place of the page ({@code Shmem}), as tmpfs keeps them in its
 * mapping. There is nothing to write back.
 */
final class ShmemFile implements FileBacking {
  private final long id;
  private final long size;

  /** Swapped-out pages: page index to swap entry (as a PTE holds it). */
  private final LongLongHashMap swapped = new LongLongHashMap(4, 0);

  ShmemFile(long id, long size) {
    this.id = id;
    this.size = size;
  }

  @Override
  public String path() {
    return "/dev/zero (deleted)";
  }

  @Override
  public long inode() {
    return id;
  }

  @Override
  public int device() {
    return 0x0001;
  }

  @Override
  public boolean shmem() {
    return true;
  }

  @Override
  public boolean readPage(long offset, byte[] dst) {
    if (offset >= size) {
      return false;
    }
    if (swapped.containsKey(offset >>> Page.PAGE_SHIFT)) {
      // the kernel swaps a page in before any handler looks for it
      throw new AssertionError(
          String.format("shmem object %d: page at offset 0x%x is swapped out", id, offset));
    }
    Arrays.fill(dst, 0, Page.PAGE_SIZE, (byte) 0);
    return true;
  }

  @Override
  public void writePage(long offset, byte[] src) {
    // no backing store: the page cache holds the only copy while the object is mapped
  }

  /** The swap entry standing for the page at {@code offset}, or 0 when it is not swapped out. */
  long swapEntry(long offset) {
    return swapped.get(offset >>> Page.PAGE_SHIFT);
  }

  void setSwapEntry(long offset, long entry) {
    swapped.put(offset >>> Page.PAGE_SHIFT, entry);
  }

  void clearSwapEntry(long offset) {
    swapped.remove(offset >>> Page.PAGE_SHIFT);
  }

  /** The number of swapped-out pages. */
  int swappedPages() {
    return swapped.size();
  }

  /** The swap entries the object holds. */
  long[] swapEntries() {
    long[] out = new long[swapped.size()];
    int[] n = {0};
    swapped.forEach((k, v) -> out[n[0]++] = v);
    Arrays.sort(out);
    return out;
  }
}
