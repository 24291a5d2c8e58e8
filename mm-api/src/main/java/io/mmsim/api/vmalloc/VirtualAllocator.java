package io.mmsim.api.vmalloc;

import io.mmsim.api.Allocator;
import java.util.List;

/**
 * Virtually contiguous kernel memory from scattered order-0 pages: vmalloc, vzalloc, vmap.
 *
 * <p>Each area lies in the kernel's vmalloc range, starts on a page boundary and is followed by an
 * unmapped guard page (counted in its size, as /proc/vmallocinfo shows it). Misuse (vfree of an
 * address no area starts at) throws {@link io.mmsim.api.BadAddressException} in the kernel's words
 * and changes nothing. Not thread-safe.
 */
public interface VirtualAllocator extends Allocator {

  /**
   * Allocates {@code size} bytes rounded up to pages ({@code vmalloc}; with {@code __GFP_ZERO},
   * {@code vzalloc}).
   *
   * @return the area's start address, or 0 when pages or address space ran out
   */
  long vmalloc(long size, int gfp);

  /** Frees an area made by {@link #vmalloc} ({@code vfree}); 0 is ignored. */
  void vfree(long addr);

  /**
   * Maps the given frames contiguously into a new area ({@code vmap}); the frames stay owned by
   * the caller.
   *
   * @return the area's start address, or 0 when address space or page tables ran out
   */
  long vmap(long[] pfns, int count);

  /** Unmaps an area made by {@link #vmap} ({@code vunmap}). */
  void vunmap(long addr);

  /** The areas for /proc/vmallocinfo, by address. */
  List<VmArea> areas();

  /** Pages held by vmalloc areas (meminfo {@code VmallocUsed}, in pages). */
  long usedPages();

  /** Size of the vmalloc address range in bytes (meminfo {@code VmallocTotal}). */
  long totalBytes();
}
