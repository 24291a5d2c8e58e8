package io.mmsim.kernel.mm;

import java.util.Arrays;

import io.mmsim.api.fault.FileBacking;

/**
 * The shmem object behind a {@code MAP_SHARED|MAP_ANONYMOUS} mapping: a file with no disk behind
 * it. Its pages start as zeros and live in the page cache for as long as some area maps the object
 * (the kernel facade drops them when the last such area goes); there is nothing to write back.
 */
final class ShmemFile implements FileBacking {
  private final long id;
  private final long size;

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
    Arrays.fill(dst, 0, io.mmsim.api.mem.Page.PAGE_SIZE, (byte) 0);
    return true;
  }

  @Override
  public void writePage(long offset, byte[] src) {
    // no backing store: the page cache holds the only copy while the object is mapped
  }
}
