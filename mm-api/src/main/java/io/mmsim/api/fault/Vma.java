package io.mmsim.api.fault;

/**
 * A virtual memory area of a process ({@code struct vm_area_struct}): a page-aligned range with
 * one protection, anonymous or backed by a file.
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

  /** True when no file backs the area. */
  boolean anonymous();

  /** The backing file, or {@code null} for anonymous memory. */
  FileBacking file();

  /** Offset in the file of {@link #start()}, in bytes (page-aligned). */
  long fileOffset();
}
