package io.mmsim.slub;

/**
 * The boot-time knobs of SLUB that shape caches, from the provider's settings.
 *
 * @param minOrder {@code slab_min_order} (setting {@code slub.min-order}, default 0)
 * @param maxOrder {@code slab_max_order} (setting {@code slub.max-order}, default 3)
 * @param minObjects {@code slab_min_objects}, 0 = derived from the CPU count (setting {@code
 *     slub.min-objects})
 * @param nomerge {@code slab_nomerge}: never alias caches (setting {@code slub.nomerge})
 */
record SlubTunables(int minOrder, int maxOrder, int minObjects, boolean nomerge) {

  /** The kernel's defaults. */
  static final SlubTunables DEFAULTS = new SlubTunables(0, 3, 0, false);
}
