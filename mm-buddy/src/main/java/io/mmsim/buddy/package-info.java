/**
 * The buddy page allocator (provider {@code buddy}), after Linux 6.15's {@code mm/page_alloc.c}.
 *
 * <h2>What is modelled</h2>
 *
 * <ul>
 *   <li>Zones DMA (&lt; 16 MiB), DMA32 (&lt; 4 GiB) and Normal, each with one free list per order
 *       0..10 ({@code MAX_PAGE_ORDER}) and migrate type (/proc/buddyinfo, /proc/pagetypeinfo).
 *   <li>Allocation: scan orders upward, take the head block of the first non-empty list of the
 *       request's migrate type, split it keeping the lower half; free: merge with the buddy {@code
 *       pfn ^ (1 << order)} while it is a free block of the same order (across pageblocks only when
 *       both types may merge); list head by default, list tail for the boot hand-off and when a
 *       merge one level up is likely ({@code buddy_merge_likely}).
 *   <li>Pageblocks of 512 pages tagged UNMOVABLE, MOVABLE, RECLAIMABLE, HIGHATOMIC or ISOLATE; the
 *       fallbacks between types (claiming a pageblock or stealing a block), {@code
 *       ALLOC_NOFRAGMENT}, the HIGHATOMIC reserve; grouping by mobility switched off on tiny
 *       machines.
 *   <li>Zone fallback Normal, DMA32, DMA; the min/low/high watermarks of Linux 4.6+ ({@code
 *       min_free_kbytes}, {@code watermark_scale_factor}); {@code lowmem_reserve} with the default
 *       ratios; the reserves of {@code __GFP_HIGH} requests and of requests that cannot reclaim
 *       directly, {@code __GFP_MEMALLOC}.
 *   <li>The classic per-CPU lists of order-0 pages, one per CPU, zone and migrate type (batch and
 *       high from the zone size), drained on demand and when an allocation would otherwise fail.
 * </ul>
 *
 * <h2>What is not</h2>
 *
 * Watermark boosting, compaction, reclaim (the allocator only reports failure with {@code
 * NO_PAGE}), CMA, free-list shuffling, the 5.14+ per-CPU caching of orders above 0, NUMA.
 *
 * <h2>Layout</h2>
 *
 * No object per frame: list links, a packed state byte per frame and a byte per pageblock live in
 * primitive arrays (about 9 bytes a frame). {@code BuddyAllocator} opens with the algorithm and the
 * list of its parts, one class each; {@code FreeArea} and {@code Pageblocks} describe the layouts.
 */
package io.mmsim.buddy;
