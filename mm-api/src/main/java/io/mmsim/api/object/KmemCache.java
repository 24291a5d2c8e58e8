package io.mmsim.api.object;

import java.util.List;

/**
 * A cache of equally sized objects ({@code struct kmem_cache}), created by {@link
 * ObjectAllocator#kmemCacheCreate}.
 *
 * <p>Objects are kernel virtual addresses in the direct map, so their bytes live in the frames of
 * the slab that holds them and {@code KernelLayout.pa(addr)} gives their physical address. An
 * address of 0 is NULL: {@link #alloc} returns it when memory runs out.
 */
public interface KmemCache {

  /** The cache name as /proc/slabinfo shows it. */
  String name();

  /** The size callers asked for ({@code object_size}). */
  int objectSize();

  /** The bytes each object takes in a slab, metadata and alignment included ({@code size}). */
  int size();

  /** The object alignment in bytes. */
  int align();

  /** The {@link SlabFlags} the cache was created with, plus any the allocator added. */
  int flags();

  /**
   * Allocates one object on behalf of {@code cpu} ({@code kmem_cache_alloc}).
   *
   * @return the object's address, or 0 when no memory could be had
   */
  long alloc(int cpu, int gfp);

  /**
   * Frees an object of this cache ({@code kmem_cache_free}).
   *
   * @throws io.mmsim.api.BadAddressException when {@code addr} is not an allocated object of this
   *     cache (a {@link SlabBugException} carries the allocator's report); nothing changes
   */
  void free(int cpu, long addr);

  /**
   * Releases what the cache holds but does not use: per-CPU caches and empty slabs ({@code
   * kmem_cache_shrink}).
   *
   * @return pages given back to the page allocator
   */
  long shrink();

  /**
   * Destroys the cache ({@code kmem_cache_destroy}); it must hold no allocated objects.
   *
   * @throws io.mmsim.api.BadAddressException when objects remain (the kernel's "Objects remaining"
   *     report); the cache stays usable
   */
  void destroy();

  /** The cache's /proc/slabinfo row. */
  SlabInfo info();

  /**
   * Checks every slab of the cache and reports what is corrupt, as writing 1 to {@code
   * /sys/kernel/slab/<cache>/validate} does under SLUB: the report lines of every error found (each
   * report starts with the {@code BUG} headline), empty when all is well. Validation only reads: it
   * changes nothing.
   *
   * <p>The default answers that the allocator keeps nothing to validate.
   *
   * @return the report lines, empty when no error was found
   * @since 1.0
   */
  default List<String> validate() {
    return List.of();
  }
}
