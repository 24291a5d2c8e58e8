package io.mmsim.api.mem;

/**
 * What a page frame is used for, as a {@link FrameMap} records it: the classes the kernel's {@code
 * /proc/kpageflags} tells apart ({@code KPF_BUDDY}, {@code KPF_SLAB}, {@code KPF_PGTABLE}, {@code
 * KPF_ANON}, {@code KPF_SWAPCACHE}, {@code KPF_RESERVED}, ...; see {@code
 * include/uapi/linux/kernel-page-flags.h} and {@code tools/mm/page-types.c}), one per frame.
 *
 * @since 1.2
 */
public enum FrameUse {
  /** Part of a free block on a buddy free list ({@code PageBuddy}); the map keeps its order. */
  FREE("free"),
  /** A free order-0 page on a per-CPU list (free, but not mergeable until drained). */
  PCP("free (per-CPU list)"),
  /** Allocated by the page allocator for a use no part claims (a plain {@code alloc_pages}). */
  ALLOCATED("allocated"),
  /** Reserved at boot and never given to the page allocator ({@code PageReserved}). */
  RESERVED("reserved"),
  /** The kernel image (text, data, bss), reserved at boot. */
  KERNEL_IMAGE("kernel image"),
  /** The shared zero page ({@code empty_zero_page}, in the kernel image's bss). */
  ZERO_PAGE("zero page"),
  /** A page-table frame, of the kernel or of a process ({@code PageTable}). */
  PAGE_TABLE("page table"),
  /** A slab of an object-allocator cache ({@code PageSlab}). */
  SLAB("slab"),
  /** Pages of a large kmalloc, straight from the page allocator ({@code kmalloc_large}). */
  KMALLOC_LARGE("kmalloc (large)"),
  /** A page backing a vmalloc area. */
  VMALLOC("vmalloc"),
  /** An anonymous user page ({@code PageAnon}). */
  ANON("user anonymous"),
  /** A page of the page cache: a file's page, mapped or not. */
  PAGE_CACHE("page cache"),
  /** A page of the swap cache ({@code PageSwapCache}), mapped or not. */
  SWAP_CACHE("swap cache");

  private static final FrameUse[] VALUES = values();

  private final String label;

  FrameUse(String label) {
    this.label = label;
  }

  /** A short name for legends and tooltips, such as {@code user anonymous}. */
  public String label() {
    return label;
  }

  /** True for the two free states. */
  public boolean isFree() {
    return this == FREE || this == PCP;
  }

  /** The use with ordinal {@code ordinal}. */
  public static FrameUse of(int ordinal) {
    return VALUES[ordinal];
  }
}
