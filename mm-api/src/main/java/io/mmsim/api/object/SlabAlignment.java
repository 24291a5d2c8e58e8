package io.mmsim.api.object;

/**
 * The alignment {@code kmem_cache_create} gives a cache's objects, shared by every object allocator
 * ({@code calculate_alignment} in {@code mm/slab_common.c}), with x86-64's constants.
 *
 * <p>The rules, in order:
 *
 * <ol>
 *   <li>the caller's alignment is the starting point (0 means none);
 *   <li>with {@link SlabFlags#HWCACHE_ALIGN}, a cache line ({@value #CACHE_LINE_SIZE} bytes) is
 *       asked for, halved while the object still fits in half of it, so that small objects share a
 *       line without straddling two; the larger of this and the caller's alignment wins;
 *   <li>never below {@code ARCH_SLAB_MINALIGN} ({@value #ARCH_SLAB_MINALIGN}: the alignment of
 *       {@code unsigned long long});
 *   <li>rounded up to a multiple of the word ({@code sizeof(void *)}, {@value #WORD_SIZE}).
 * </ol>
 *
 * A pure function, safe on any path.
 */
public final class SlabAlignment {
  private SlabAlignment() {}

  /** {@code cache_line_size()} on x86-64 ({@code L1_CACHE_BYTES}). */
  public static final int CACHE_LINE_SIZE = 64;

  /** {@code ARCH_SLAB_MINALIGN} on x86-64: {@code __alignof__(unsigned long long)}. */
  public static final int ARCH_SLAB_MINALIGN = 8;

  /** {@code sizeof(void *)} on x86-64. */
  public static final int WORD_SIZE = 8;

  /**
   * The alignment of a cache of {@code size}-byte objects created with {@code flags} and the
   * caller's {@code align} ({@code calculate_alignment}).
   *
   * @param flags the cache's {@link SlabFlags}
   * @param align the caller's alignment, 0 for none; a power of two
   * @param size the object size in bytes, positive
   */
  public static int calculateAlignment(int flags, int align, int size) {
    int a = align;
    if ((flags & SlabFlags.HWCACHE_ALIGN) != 0) {
      int ralign = CACHE_LINE_SIZE;
      while (size <= ralign / 2) {
        ralign /= 2;
      }
      a = Math.max(a, ralign);
    }
    a = Math.max(a, ARCH_SLAB_MINALIGN);
    return (a + WORD_SIZE - 1) & -WORD_SIZE;
  }
}
