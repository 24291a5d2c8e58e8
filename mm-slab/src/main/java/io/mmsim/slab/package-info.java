/**
 * The SLAB object allocator: Jeff Bonwick's slab design as Linux implemented it in {@code
 * mm/slab.c} up to 6.7 (deprecated in 6.5, removed in 6.8), over any {@link
 * io.mmsim.api.page.PageAllocator}.
 *
 * <h2>Design</h2>
 *
 * <ul>
 *   <li>{@link io.mmsim.slab.SlabProvider} (the only public class) registers the allocator as
 *       {@code slab}.
 *   <li>{@code SlabAllocator}: the cache list, kmalloc (size classes from 32 bytes; larger than 8
 *       KiB straight from the page allocator), /proc/slabinfo rows and meminfo slab counts.
 *   <li>{@code SlabCache}: one {@code kmem_cache}: the allocation and free paths ({@code
 *       cache_alloc_refill}, {@code cache_flusharray}, {@code free_block}), growing and destroying
 *       slabs with their colour, the per-slab arrays, the double-free bitmap.
 *   <li>{@code KmemCacheNode}: {@code struct kmem_cache_node}, one per NUMA node: the node's
 *       full/partial/free slab lists, its counters, {@code colour_next}, the shared array and the
 *       alien caches.
 *   <li>{@code SlabNuma}: the NUMA paths of a cache: alien caches ({@code cache_free_alien}, {@code
 *       __drain_alien_cache}) and {@code fallback_alloc}.
 *   <li>{@code CacheGrow}: new slabs and their destruction ({@code cache_grow_begin}, {@code
 *       cache_grow_end}, {@code slab_destroy}), with the growth of the per-slab arrays.
 *   <li>{@code SlabInvariants}: the full recount of a cache that tests run.
 *   <li>{@code CacheGeometry}: object size, alignment, objects per slab, slab order and freelist
 *       placement (in an object, off-slab or on-slab) exactly as {@code __kmem_cache_create}
 *       chooses them, the object index of an offset ({@code obj_to_index}), and the {@code
 *       enable_cpucache} tunables.
 *   <li>{@code SlabPageMap}: page frame to slab (or large kmalloc block), a lazily filled two-level
 *       {@code long} table.
 *   <li>{@code ArrayCache}: {@code struct array_cache}, with {@code transfer_objects}.
 * </ul>
 *
 * <h2>Rules</h2>
 *
 * Objects are direct-map addresses whose bytes are simulated memory. Hot paths (alloc and free that
 * hit the array cache) touch only primitive arrays: no allocation, boxing or maps. Misuse (double
 * free, interior or foreign pointer, wrong cache) throws {@link io.mmsim.api.BadAddressException}
 * worded after SLAB's reports, before anything changes. Not thread-safe: one kernel, one thread;
 * simulated CPUs are call parameters.
 */
package io.mmsim.slab;
