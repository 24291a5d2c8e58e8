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
 *   <li>{@code SlabCache}: one {@code kmem_cache}: full/partial/free slab lists, a LIFO array cache
 *       per CPU, a shared array, colouring, the double-free bitmap.
 *   <li>{@code CacheGeometry}: object size, alignment, objects per slab, slab order and freelist
 *       placement (in an object, off-slab or on-slab) exactly as {@code __kmem_cache_create}
 *       chooses them, and the {@code enable_cpucache} tunables.
 *   <li>{@code SlabPageMap}: page frame to slab (or large kmalloc block), a lazily filled two-level
 *       {@code long} table.
 *   <li>{@code ArrayCache}: {@code struct array_cache}.
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
