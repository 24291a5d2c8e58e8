package io.mmsim.slub;

/**
 * {@code struct kmem_cache_cpu}: one CPU's current slab, with copies of the slab's base, the bytes
 * its objects cover and its allocated bits so that the fast paths in {@link SlubCache} read one
 * object, and the CPU partial list. Without a CPU slab: slab, freelist, base and limit are 0 and
 * bits is null.
 */
final class KmemCacheCpu {
  /** Head of the CPU freelist, 0 = empty. */
  long freelist;

  /** The CPU slab's id, 0 = none. */
  int slab;

  long base;

  /** objects * size: an object's offset from base is below it (unsigned). */
  long limit;

  long[] bits;

  /** Head of the CPU partial list (linked through the slab table's next), 0 = empty. */
  int partial;

  int partialCount;

  /** {@code ALLOC_FASTPATH} and {@code FREE_FASTPATH} of this CPU. */
  long allocFastpath;

  long freeFastpath;

  /** The CPU has no slab any more (its freelist went back to the slab first). */
  void clearSlab() {
    slab = 0;
    freelist = 0;
    base = 0;
    limit = 0;
    bits = null;
  }
}
