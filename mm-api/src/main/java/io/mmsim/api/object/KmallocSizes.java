package io.mmsim.api.object;

import io.mmsim.api.mem.Page;

/**
 * The kernel's kmalloc size classes and the rule that picks one for a request ({@code
 * kmalloc_index} in {@code include/linux/slab.h}, {@code kmalloc_info[]} in {@code
 * mm/slab_common.c}).
 *
 * <h2>Index layout</h2>
 *
 * Classes are numbered by the kernel's {@code kmalloc_caches[]} index, so that a reader can compare
 * with the kernel directly:
 *
 * <pre>
 *   index:  0   1    2    3  4   5   6   7    8    9    10   11   12   13
 *   size:   -   96   192  8  16  32  64  128  256  512  1k   2k   4k   8k
 * </pre>
 *
 * Index {@code i >= 3} is the power of two {@code 1 << i}; 1 and 2 are the odd classes 96 and 192
 * that sit between 64/128 and 128/256. Index 0 means "no object" (a request of 0 bytes, the
 * kernel's {@code ZERO_SIZE_PTR}). A request takes the smallest class that holds it: 65..96 bytes
 * go to {@code kmalloc-96}, 129..192 to {@code kmalloc-192}. Requests above {@link
 * #KMALLOC_MAX_CACHE_SIZE} have no class ({@link #NO_CLASS}) and go to the page allocator.
 *
 * <p>SLUB and SLOB use the smallest class 8 ({@link #KMALLOC_SHIFT_LOW}); SLAB starts at 32 ({@link
 * #KMALLOC_SHIFT_LOW_SLAB}), so that 1..32 byte requests go to {@code kmalloc-32}. The {@code
 * minShift} variants model a minimum class: the odd classes exist only where the kernel keeps them
 * (96 when the minimum is at most 32, 192 when it is at most 64).
 *
 * <p>All methods are pure and cheap (no allocation); safe on hot paths.
 */
public final class KmallocSizes {
  private KmallocSizes() {}

  /** log2 of the smallest class for SLUB and SLOB ({@code KMALLOC_SHIFT_LOW}, 8 bytes). */
  public static final int KMALLOC_SHIFT_LOW = 3;

  /** log2 of the smallest class for SLAB (32 bytes). */
  public static final int KMALLOC_SHIFT_LOW_SLAB = 5;

  /** log2 of the largest class ({@code KMALLOC_SHIFT_HIGH} = PAGE_SHIFT + 1). */
  public static final int KMALLOC_SHIFT_HIGH = Page.PAGE_SHIFT + 1;

  /** The smallest class in bytes for SLUB and SLOB ({@code KMALLOC_MIN_SIZE}). */
  public static final int KMALLOC_MIN_SIZE = 1 << KMALLOC_SHIFT_LOW;

  /** The largest request a kmalloc cache serves ({@code KMALLOC_MAX_CACHE_SIZE}, 8 KiB). */
  public static final int KMALLOC_MAX_CACHE_SIZE = 1 << KMALLOC_SHIFT_HIGH;

  /**
   * The largest kmalloc request at all ({@code KMALLOC_MAX_SIZE}): one block of the page
   * allocator's largest order, 4 MiB.
   */
  public static final long KMALLOC_MAX_SIZE = 1L << (Page.MAX_PAGE_ORDER + Page.PAGE_SHIFT);

  /**
   * The kernel's {@code ZERO_SIZE_PTR} ({@code include/linux/slab.h}): what {@code kmalloc(0)}
   * returns in Linux, an address that faults on any access and that {@code kfree} ignores.
   */
  public static final long ZERO_SIZE_PTR = 16;

  /**
   * The kernel's {@code ZERO_OR_NULL_PTR(addr)}: true for NULL, {@link #ZERO_SIZE_PTR} and anything
   * between, which {@code kfree} ignores and for which {@code ksize} answers 0.
   */
  public static boolean zeroOrNullPtr(long addr) {
    return Long.compareUnsigned(addr, ZERO_SIZE_PTR) <= 0;
  }

  /**
   * Number of entries of the kernel's {@code kmalloc_caches[]} ({@code KMALLOC_SHIFT_HIGH + 1}).
   */
  public static final int NR_KMALLOC_INDEX = KMALLOC_SHIFT_HIGH + 1;

  /** What {@link #index} returns for a request above {@link #KMALLOC_MAX_CACHE_SIZE}. */
  public static final int NO_CLASS = -1;

  private static final String[] NAMES = {
    null,
    "kmalloc-96",
    "kmalloc-192",
    "kmalloc-8",
    "kmalloc-16",
    "kmalloc-32",
    "kmalloc-64",
    "kmalloc-128",
    "kmalloc-256",
    "kmalloc-512",
    "kmalloc-1k",
    "kmalloc-2k",
    "kmalloc-4k",
    "kmalloc-8k"
  };

  /**
   * The class index for a request of {@code size} bytes with the smallest class 8 ({@code
   * kmalloc_index}): 0 for 0 bytes, {@link #NO_CLASS} above 8 KiB.
   *
   * @throws IllegalArgumentException when {@code size} is negative
   */
  public static int index(long size) {
    return index(size, KMALLOC_SHIFT_LOW);
  }

  /**
   * The class index for a request of {@code size} bytes when the smallest class is {@code 1 <<
   * minShift} bytes (3 for SLUB, 5 for SLAB): 0 for 0 bytes, {@link #NO_CLASS} above 8 KiB.
   *
   * @throws IllegalArgumentException when {@code size} is negative or {@code minShift} is outside
   *     [3, 13]
   */
  public static int index(long size, int minShift) {
    if (size < 0) {
      throw new IllegalArgumentException("negative kmalloc size " + size);
    }
    if (minShift < KMALLOC_SHIFT_LOW || minShift > KMALLOC_SHIFT_HIGH) {
      throw new IllegalArgumentException(
          "minimum kmalloc shift "
              + minShift
              + " is outside ["
              + KMALLOC_SHIFT_LOW
              + ", "
              + KMALLOC_SHIFT_HIGH
              + "]");
    }
    if (size == 0) {
      return 0;
    }
    if (size > KMALLOC_MAX_CACHE_SIZE) {
      return NO_CLASS;
    }
    if (size <= (1L << minShift)) {
      return minShift;
    }
    if (minShift <= 5 && size > 64 && size <= 96) {
      return 1;
    }
    if (minShift <= 6 && size > 128 && size <= 192) {
      return 2;
    }
    // the smallest power of two >= size
    return 64 - Long.numberOfLeadingZeros(size - 1);
  }

  /**
   * The object size of class {@code index}.
   *
   * @throws IllegalArgumentException when {@code index} is not a class index (1..13)
   */
  public static int size(int index) {
    checkIndex(index);
    if (index == 1) {
      return 96;
    }
    if (index == 2) {
      return 192;
    }
    return 1 << index;
  }

  /**
   * The cache name of class {@code index}, as the kernel prints it ({@code kmalloc-96}, {@code
   * kmalloc-1k}).
   *
   * @throws IllegalArgumentException when {@code index} is not a class index (1..13)
   */
  public static String name(int index) {
    checkIndex(index);
    return NAMES[index];
  }

  /**
   * The size of the class that serves a request of {@code size} bytes (smallest class 8), or {@link
   * #NO_CLASS} above 8 KiB.
   *
   * @throws IllegalArgumentException when {@code size} is not positive
   */
  public static int classSize(long size) {
    return classSize(size, KMALLOC_SHIFT_LOW);
  }

  /**
   * The size of the class that serves a request of {@code size} bytes when the smallest class is
   * {@code 1 << minShift}, or {@link #NO_CLASS} above 8 KiB.
   *
   * @throws IllegalArgumentException when {@code size} is not positive
   */
  public static int classSize(long size, int minShift) {
    if (size <= 0) {
      throw new IllegalArgumentException("kmalloc size must be positive, not " + size);
    }
    int i = index(size, minShift);
    return i == NO_CLASS ? NO_CLASS : size(i);
  }

  /**
   * The class indices that exist when the smallest class is {@code 1 << minShift}, in ascending
   * size order (the order the kernel creates them in): for SLUB 3, 4, 5, 6, 1, 7, 2, 8 .. 13.
   *
   * @throws IllegalArgumentException when {@code minShift} is outside [3, 13]
   */
  public static int[] indices(int minShift) {
    index(1, minShift); // validates minShift
    int n = KMALLOC_SHIFT_HIGH - minShift + 1;
    boolean has96 = minShift <= 5;
    boolean has192 = minShift <= 6;
    int[] out = new int[n + (has96 ? 1 : 0) + (has192 ? 1 : 0)];
    int k = 0;
    for (int shift = minShift; shift <= KMALLOC_SHIFT_HIGH; shift++) {
      out[k++] = shift;
      if (shift == 6 && has96) {
        out[k++] = 1;
      }
      if (shift == 7 && has192) {
        out[k++] = 2;
      }
    }
    return out;
  }

  /**
   * The page order of a request above {@link #KMALLOC_MAX_CACHE_SIZE} that goes to the page
   * allocator ({@code get_order(size)}).
   *
   * @throws IllegalArgumentException when {@code size} is not positive or above {@link
   *     #KMALLOC_MAX_SIZE}
   */
  public static int largeOrder(long size) {
    if (size <= 0 || size > KMALLOC_MAX_SIZE) {
      throw new IllegalArgumentException(
          "kmalloc size " + size + " is outside [1, " + KMALLOC_MAX_SIZE + "]");
    }
    return Page.getOrder(size);
  }

  private static void checkIndex(int index) {
    if (index < 1 || index > KMALLOC_SHIFT_HIGH) {
      throw new IllegalArgumentException(
          "not a kmalloc class index: " + index + " (1.." + KMALLOC_SHIFT_HIGH + ")");
    }
  }
}
