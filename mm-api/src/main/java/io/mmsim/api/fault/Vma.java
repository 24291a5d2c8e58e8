package io.mmsim.api.fault;

/**
 * A virtual memory area of a process ({@code struct vm_area_struct}): a page-aligned range with one
 * protection, anonymous or backed by a file.
 */
public interface Vma {

  /** First address, page-aligned. */
  long start();

  /** Address past the end, page-aligned. */
  long end();

  /** {@link Prot} bits. */
  int prot();

  /** True for MAP_SHARED, false for MAP_PRIVATE. */
  boolean shared();

  /** True for anonymous memory (private anonymous, or shared anonymous backed by shmem). */
  boolean anonymous();

  /**
   * The backing file, or {@code null} for private anonymous memory. A shared anonymous area ({@code
   * MAP_SHARED|MAP_ANONYMOUS}) is backed by a shmem object, as in Linux, where /proc/PID/maps shows
   * it as {@code /dev/zero (deleted)}: its file is non-null and {@link FileBacking#shmem()} is
   * true, so that processes sharing it after fork find the same pages in the page cache.
   */
  FileBacking file();

  /** Offset in the file of {@link #start()}, in bytes (page-aligned). */
  long fileOffset();
}
