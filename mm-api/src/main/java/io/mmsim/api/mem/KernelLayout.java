package io.mmsim.api.mem;

/**
 * The x86-64 Linux virtual address map (no KASLR), for 4-level and 5-level paging.
 *
 * <p>Kernel objects from kmalloc live in the direct map (physical address + {@code PAGE_OFFSET}),
 * vmalloc areas in the vmalloc range, user space in the lower canonical half. Source: {@code
 * Documentation/arch/x86/x86_64/mm.rst}.
 */
public final class KernelLayout {
  private KernelLayout() {}

  /** Base of the direct map of all physical memory, 4-level ({@code page_offset_base}). */
  public static final long PAGE_OFFSET = 0xffff888000000000L;

  /** Base of the direct map with 5-level paging. */
  public static final long PAGE_OFFSET_L5 = 0xff11000000000000L;

  /** First address of the vmalloc range, 4-level ({@code VMALLOC_START}). */
  public static final long VMALLOC_START = 0xffffc90000000000L;

  /** Last address of the vmalloc range, 4-level, inclusive ({@code VMALLOC_END}). */
  public static final long VMALLOC_END = 0xffffe8ffffffffffL;

  /** First address of the vmalloc range with 5-level paging. */
  public static final long VMALLOC_START_L5 = 0xffa0000000000000L;

  /** Last address of the vmalloc range with 5-level paging, inclusive. */
  public static final long VMALLOC_END_L5 = 0xffd1ffffffffffffL;

  /**
   * Base of the {@code struct page} array, 4-level ({@code VMEMMAP_START}, {@code vmemmap_base}):
   * the page of frame {@code pfn} is at {@code VMEMMAP_START + pfn * 64}.
   */
  public static final long VMEMMAP_START = 0xffffea0000000000L;

  /** Base of the kernel text mapping ({@code __START_KERNEL_map}, physical 0). */
  public static final long START_KERNEL_MAP = 0xffffffff80000000L;

  /** Physical address where the kernel image is loaded ({@code CONFIG_PHYSICAL_START}). */
  public static final long PHYSICAL_START = 0x1000000L;

  /** End of user space, exclusive, 4-level ({@code TASK_SIZE_MAX} = 2^47 - 4096). */
  public static final long TASK_SIZE_MAX = (1L << 47) - Page.PAGE_SIZE;

  /** End of user space, exclusive, 5-level (2^56 - 4096). */
  public static final long TASK_SIZE_MAX_L5 = (1L << 56) - Page.PAGE_SIZE;

  /** Direct-map virtual address of physical address {@code phys} ({@code __va}, 4-level). */
  public static long va(long phys) {
    return phys + PAGE_OFFSET;
  }

  /** Physical address of direct-map address {@code virt} ({@code __pa}, 4-level). */
  public static long pa(long virt) {
    return virt - PAGE_OFFSET;
  }

  /** True when {@code virt} lies in the direct map of a machine with {@code bytes} of memory. */
  public static boolean inDirectMap(long virt, long bytes) {
    long off = virt - PAGE_OFFSET;
    return off >= 0 && off < bytes && Long.compareUnsigned(virt, PAGE_OFFSET) >= 0;
  }

  /** True when {@code virt} lies in the 4-level vmalloc range. */
  public static boolean inVmalloc(long virt) {
    return Long.compareUnsigned(virt, VMALLOC_START) >= 0
        && Long.compareUnsigned(virt, VMALLOC_END) <= 0;
  }
}
