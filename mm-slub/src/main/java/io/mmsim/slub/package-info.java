/**
 * The SLUB object allocator (provider {@code slub}), modelled on {@code mm/slub.c} with per-CPU
 * slabs as in Linux 6.17 and before (the opt-in per-CPU "sheaves" of 6.18 are not modelled).
 *
 * <h2>Design</h2>
 *
 * <ul>
 *   <li>{@link io.mmsim.slub.SlubAllocator}: kmalloc size classes, cache creation and merging,
 *       large kmalloc, the page-to-slab map, slabinfo and meminfo counters.
 *   <li>{@link io.mmsim.slub.SlubCache}: one cache ({@code struct kmem_cache}): the per-CPU fast
 *       paths ({@code slab_alloc_node}, {@code do_slab_free}), the slow paths ({@code
 *       ___slab_alloc}, {@code __slab_free}), per-CPU partial lists, slab setup and release, the
 *       cache's statistics.
 *   <li>{@link io.mmsim.slub.KmemCacheCpu}: one CPU's slab, freelist and partial list ({@code
 *       struct kmem_cache_cpu}).
 *   <li>{@link io.mmsim.slub.KmemCacheNode}: the node's partial list, the full list of debug caches
 *       with user tracking, the node's slab counters and shrinking ({@code struct
 *       kmem_cache_node}).
 *   <li>{@link io.mmsim.slub.SlubFlush}: how the slabs a CPU holds go back to the node ({@code
 *       put_cpu_partial}, {@code __put_partials}, {@code deactivate_slab}, {@code flush_all}).
 *   <li>{@link io.mmsim.slub.SlubDebug}: the debug caches' allocation and free, red zones, poison,
 *       user tracking, {@code check_object}, {@code validate_slab} and the reports every cache
 *       prints ({@code CONFIG_SLUB_DEBUG}).
 *   <li>{@link io.mmsim.slub.SlubInvariants}: the full recount of a cache's lists and counters that
 *       tests run.
 *   <li>{@link io.mmsim.slub.SlubStat}: the {@code CONFIG_SLUB_STATS} event counters summed over
 *       every cache, for the allocator's statistics.
 *   <li>{@link io.mmsim.slub.SlubLayout}: where the free pointer, red zones, tracking data and
 *       padding sit in a slot ({@code calculate_sizes}) and the slab order ({@code
 *       calculate_order}).
 *   <li>{@link io.mmsim.slub.SlabTable}: every slab's metadata as parallel primitive arrays, and
 *       the per-frame owner map.
 * </ul>
 *
 * <h2>Memory is real</h2>
 *
 * Objects are direct-map addresses whose bytes live in {@link io.mmsim.api.mem.PhysicalMemory}. A
 * free object holds the address of the next free object inside its own bytes: in the middle of the
 * object by default (Linux 5.7+), right after it when the cache has a constructor, poisoning or red
 * zones. Debug poison, red zones and user tracking are written into the slab's bytes too, so a
 * stray write through the simulated memory is caught exactly where the kernel catches it.
 *
 * <h2>Departures from the kernel</h2>
 *
 * <ul>
 *   <li>Misuse never changes state: where the kernel reports and then repairs (restoring red zone
 *       bytes, marking a slab's objects used), the simulator reports and throws {@link
 *       io.mmsim.api.object.SlabBugException}; reports end with the FIX line of what the simulator
 *       does ({@code Object at 0x... not freed}) and omit repair lines.
 *   <li>Double frees and interior pointers are caught without debug flags too, through a per-object
 *       allocated bit (the kernel, without debug, only catches some of them).
 *   <li>The free pointer is stored in plain form (no CONFIG_SLAB_FREELIST_HARDENED obfuscation),
 *       freelists are not randomised, and the {@code kmem_cache} / {@code kmem_cache_node} caches
 *       and the {@code kmalloc-rcl-*}, {@code dma-kmalloc-*} and {@code kmalloc-cg-*} variants are
 *       not modelled.
 *   <li>The per-CPU fast path is plain array access: simulated CPUs are indices, not threads.
 * </ul>
 */
package io.mmsim.slub;
