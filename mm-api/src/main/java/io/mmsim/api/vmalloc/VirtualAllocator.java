package io.mmsim.api.vmalloc;

import java.util.List;

import io.mmsim.api.Allocator;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.Gfp;

/**
 * Virtually contiguous kernel memory from scattered order-0 pages: vmalloc, vzalloc, vmap.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>Each area lies in the kernel's vmalloc range, starts on a page boundary and is followed by
 *       one unmapped guard page, counted in its size as /proc/vmallocinfo shows it (a one-page
 *       vmalloc is 8192 bytes there).
 *   <li>Out of pages, page-table memory or address space is an outcome: the call returns 0 and the
 *       allocator's areas and accounting, the page tables and the page allocator's free pages are
 *       as before. (Linux keeps the kernel page tables a failed vmalloc created; mmsim frees them,
 *       so that a failed call changes nothing a /proc file shows.)
 *   <li>{@link #vfree}/{@link #vunmap} of 0 does nothing. Of an address that no live area starts at
 *       (never allocated, already freed, inside an area, or not page-aligned) they throw {@link
 *       io.mmsim.api.BadAddressException} in the kernel's words ({@code Trying to vfree()
 *       nonexistent vm area (0x...)}, {@code Trying to vunmap() nonexistent vm area (0x...)},
 *       {@code Trying to vfree() bad address (0x...)} for an unaligned one) and change nothing.
 *   <li>As in Linux, {@link #vfree} of a vmap area unmaps it without touching its frames, and
 *       {@link #vunmap} of a vmalloc area unmaps it but leaks its pages (they stay allocated and in
 *       {@link #usedPages()}).
 * </ul>
 *
 * <p>{@code cpu} selects the simulated CPU whose per-CPU page lists serve the page allocator; the
 * forms without it use CPU 0. Not thread-safe.
 */
public interface VirtualAllocator extends Allocator {

  /**
   * Allocates {@code size} bytes rounded up to whole pages ({@code vmalloc}; with {@link Gfp#ZERO}
   * the pages are cleared, {@code vzalloc}).
   *
   * @param cpu the simulated CPU that calls
   * @param size bytes; 0, negative or more than the machine's memory fails
   * @param gfp GFP flags for the pages ({@link Gfp#KERNEL} for plain vmalloc)
   * @return the area's start address, or 0 when pages, page tables or address space ran out
   * @since 1.0
   */
  long vmalloc(int cpu, long size, int gfp);

  /** {@link #vmalloc(int, long, int)} on CPU 0. */
  default long vmalloc(long size, int gfp) {
    return vmalloc(0, size, gfp);
  }

  /** Zeroed {@code vmalloc} with {@link Gfp#KERNEL} ({@code vzalloc}). */
  default long vzalloc(int cpu, long size) {
    return vmalloc(cpu, size, Gfp.KERNEL | Gfp.ZERO);
  }

  /**
   * Frees the area that starts at {@code addr} ({@code vfree}): unmaps it, gives its pages back to
   * the page allocator and its address range back to the free space (possibly lazily). 0 is
   * ignored.
   *
   * @throws io.mmsim.api.BadAddressException naming {@code addr} when no live area starts there;
   *     nothing changes
   * @since 1.0
   */
  void vfree(int cpu, long addr);

  /** {@link #vfree(int, long)} on CPU 0. */
  default void vfree(long addr) {
    vfree(0, addr);
  }

  /**
   * Maps the first {@code count} frames of {@code pfns}, in order, contiguously into a new area
   * ({@code vmap}); the frames stay owned by the caller.
   *
   * @return the area's start address, or 0 when {@code count} is 0 or address space or page tables
   *     ran out
   * @throws IllegalArgumentException when {@code count} is negative or beyond the array
   * @throws io.mmsim.api.BadPageException when a PFN is not a frame of the machine
   */
  long vmap(long[] pfns, int count);

  /**
   * Unmaps the area that starts at {@code addr} ({@code vunmap}); 0 is ignored.
   *
   * @throws io.mmsim.api.BadAddressException naming {@code addr} when no live area starts there;
   *     nothing changes
   */
  void vunmap(long addr);

  /**
   * The rows of /proc/vmallocinfo: live areas by address, then lazily freed ranges that are not
   * purged yet ({@link VmArea#UNPURGED}) by address.
   */
  List<VmArea> areas();

  /** Pages held by vmalloc areas (meminfo {@code VmallocUsed}, in pages; vmap is not counted). */
  long usedPages();

  /**
   * Size of the vmalloc address range in bytes as meminfo's {@code VmallocTotal} computes it
   * ({@code VMALLOC_END - VMALLOC_START}, end inclusive: {@code 34359738367 kB} with 4 levels).
   */
  long totalBytes();

  /**
   * Marks the pages of every live vmalloc area in {@code map} ({@link
   * io.mmsim.api.mem.FrameUse#VMALLOC}, owned by the area, such as {@code vmalloc
   * 0xffffc90000000000 40K}); vmap areas map frames they do not own and are not marked. Not for hot
   * paths.
   *
   * <p>The default marks nothing.
   *
   * @since 1.2
   */
  default void describeFrames(FrameMap map) {}
}
