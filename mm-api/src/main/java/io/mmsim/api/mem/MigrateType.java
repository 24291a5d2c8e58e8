package io.mmsim.api.mem;

/**
 * The migrate types of Linux's anti-fragmentation scheme ({@code enum migratetype} in {@code
 * include/linux/mmzone.h}), in the kernel's order, which is also the order of the rows of
 * /proc/pagetypeinfo.
 *
 * <p>Every pageblock ({@link Page#PAGEBLOCK_ORDER}) carries one of them, and each zone keeps one
 * free list per order and migrate type. An allocation's type comes from its GFP flags ({@link
 * #ofGfp}): {@code __GFP_MOVABLE} (user and page-cache pages, {@code GFP_HIGHUSER_MOVABLE}) is
 * MOVABLE, {@code __GFP_RECLAIMABLE} (slabs of {@code SLAB_RECLAIM_ACCOUNT} caches) is RECLAIMABLE,
 * anything else ({@code GFP_KERNEL}) UNMOVABLE. {@code MIGRATE_CMA} is not modelled.
 */
public enum MigrateType {
  /** {@code MIGRATE_UNMOVABLE}: kernel allocations that stay where they are. */
  UNMOVABLE("Unmovable"),
  /** {@code MIGRATE_MOVABLE}: pages that migration can move (user memory, page cache). */
  MOVABLE("Movable"),
  /** {@code MIGRATE_RECLAIMABLE}: pages a shrinker can free (reclaimable slabs). */
  RECLAIMABLE("Reclaimable"),
  /** {@code MIGRATE_HIGHATOMIC}: pageblocks reserved for high-order atomic allocations. */
  HIGHATOMIC("HighAtomic"),
  /** {@code MIGRATE_ISOLATE}: pageblocks taken out of allocation (nothing is handed out). */
  ISOLATE("Isolate");

  /**
   * Number of types that allocations ask for and per-CPU lists exist for ({@code
   * MIGRATE_PCPTYPES}): UNMOVABLE, MOVABLE, RECLAIMABLE.
   */
  public static final int PCPTYPES = 3;

  /** The shift that turns {@code __GFP_MOVABLE | __GFP_RECLAIMABLE} into a type index. */
  public static final int GFP_MOVABLE_SHIFT = 3;

  /** {@code GFP_MOVABLE_MASK}: the two GFP bits that choose the migrate type. */
  public static final int GFP_MOVABLE_MASK = Gfp.MOVABLE | Gfp.RECLAIMABLE;

  private static final MigrateType[] VALUES = values();

  private final String kernelName;

  MigrateType(String kernelName) {
    this.kernelName = kernelName;
  }

  /** The name /proc/pagetypeinfo prints ({@code migratetype_names}). */
  public String kernelName() {
    return kernelName;
  }

  /** The type with index {@code i} (0 = UNMOVABLE). */
  public static MigrateType ofIndex(int i) {
    return VALUES[i];
  }

  /** Number of modelled types ({@code MIGRATE_TYPES} without CMA). */
  public static int count() {
    return VALUES.length;
  }

  /**
   * The migrate type of an allocation with these flags ({@code gfp_migratetype}).
   *
   * @throws IllegalArgumentException when both {@code __GFP_MOVABLE} and {@code __GFP_RECLAIMABLE}
   *     are set, a combination the kernel warns about and no caller may use
   */
  public static MigrateType ofGfp(int gfp) {
    if ((gfp & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK) {
      throw new IllegalArgumentException(
          "__GFP_MOVABLE and __GFP_RECLAIMABLE together: " + Gfp.format(gfp));
    }
    return VALUES[(gfp & GFP_MOVABLE_MASK) >>> GFP_MOVABLE_SHIFT];
  }
}
