package io.mmsim.slub;

import java.util.List;

import io.mmsim.api.Statistics;

/**
 * SLUB's statistics: the per-cache event counters of {@code CONFIG_SLUB_STATS} ({@code mm/slub.c}:
 * {@code enum stat_item}, {@code stat()}, the {@code /sys/kernel/slab/<cache>/} files that {@code
 * show_stat} prints) summed over every cache, with the allocator's own totals in front (caches,
 * aliases, slabs, slab pages, large kmalloc). The counters themselves stay in {@link SlubCache},
 * where the fast paths bump them; this class only reads them.
 */
final class SlubStat {
  private SlubStat() {}

  /** The counters of every cache in {@code caches}, summed, after the allocator's totals. */
  static Statistics sum(
      List<SlubCache> caches, int aliases, long largePages, long largeAllocs, long largeFrees) {
    long[] sum = new long[20];
    long slabs = 0;
    long slabPages = 0;
    for (SlubCache c : caches) {
      long[] v = {
        c.allocFastpath(),
        c.allocSlowpath,
        c.freeFastpath(),
        c.freeSlowpath,
        c.freeFrozen,
        c.freeAddPartial,
        c.freeRemovePartial,
        c.allocFromPartial,
        c.allocSlab,
        c.allocRefill,
        c.freeSlab,
        c.cpuslabFlush,
        c.deactivateFull,
        c.deactivateEmpty,
        c.orderFallback,
        c.cpuPartialAlloc,
        c.cpuPartialFree,
        c.cpuPartialNode,
        c.cpuPartialDrain,
        c.remotePartial
      };
      for (int i = 0; i < v.length; i++) {
        sum[i] += v[i];
      }
      slabs += c.nrSlabs();
      slabPages += c.nrPages();
    }
    String[] names = {
      "alloc_fastpath",
      "alloc_slowpath",
      "free_fastpath",
      "free_slowpath",
      "free_frozen",
      "free_add_partial",
      "free_remove_partial",
      "alloc_from_partial",
      "alloc_slab",
      "alloc_refill",
      "free_slab",
      "cpuslab_flush",
      "deactivate_full",
      "deactivate_empty",
      "order_fallback",
      "cpu_partial_alloc",
      "cpu_partial_free",
      "cpu_partial_node",
      "cpu_partial_drain",
      // not a kernel stat_item: partial slabs get_any_partial took from another node
      "alloc_remote_partial"
    };
    Statistics.Builder b =
        Statistics.builder()
            .put("caches", caches.size())
            .put("aliases", aliases)
            .put("slabs", slabs)
            .put("slab_pages", slabPages)
            .put("large_kmalloc_pages", largePages)
            .put("large_kmalloc_allocs", largeAllocs)
            .put("large_kmalloc_frees", largeFrees);
    for (int i = 0; i < names.length; i++) {
      b.put(names[i], sum[i]);
    }
    return b.build();
  }
}
