package io.mmsim.api.object;

/**
 * Flags of {@link ObjectAllocator#kmemCacheCreate} ({@code SLAB_*} in {@code
 * include/linux/slab.h}).
 */
public final class SlabFlags {
  private SlabFlags() {}

  /** {@code SLAB_CONSISTENCY_CHECKS}: sanity checks on alloc and free (debug flag F). */
  public static final int CONSISTENCY_CHECKS = 0x00000100;

  /** {@code SLAB_RED_ZONE}: red zones around objects (debug flag Z). */
  public static final int RED_ZONE = 0x00000400;

  /** {@code SLAB_POISON}: poison free objects (debug flag P). */
  public static final int POISON = 0x00000800;

  /** {@code SLAB_HWCACHE_ALIGN}: align objects on cache lines. */
  public static final int HWCACHE_ALIGN = 0x00002000;

  /** {@code SLAB_CACHE_DMA}: slabs from ZONE_DMA. */
  public static final int CACHE_DMA = 0x00004000;

  /** {@code SLAB_STORE_USER}: record the last allocation and free (debug flag U). */
  public static final int STORE_USER = 0x00010000;

  /** {@code SLAB_PANIC}: failure to create is fatal. */
  public static final int PANIC = 0x00040000;

  /** {@code SLAB_TYPESAFE_BY_RCU}: slab pages freed after an RCU grace period. */
  public static final int TYPESAFE_BY_RCU = 0x00080000;

  /** {@code SLAB_TRACE}: log every alloc and free (debug flag T). */
  public static final int TRACE = 0x00200000;

  /** {@code SLAB_NO_MERGE}: never alias this cache with another. */
  public static final int NO_MERGE = 0x01000000;

  /** {@code SLAB_RECLAIM_ACCOUNT}: objects are reclaimable (counted in SReclaimable). */
  public static final int RECLAIM_ACCOUNT = 0x00020000;

  /** {@code SLAB_ACCOUNT}: charge to the memory cgroup. */
  public static final int ACCOUNT = 0x04000000;

  /** The debug flags, any of which keeps a cache from merging. */
  public static final int DEBUG_FLAGS = CONSISTENCY_CHECKS | RED_ZONE | POISON | STORE_USER | TRACE;
}
