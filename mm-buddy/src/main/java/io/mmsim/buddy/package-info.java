/**
 * The buddy page allocator (provider {@code buddy}), after Linux {@code mm/page_alloc.c}.
 *
 * <h2>What is modelled</h2>
 *
 * <ul>
 *   <li>Zones DMA (&lt; 16 MiB), DMA32 (&lt; 4 GiB) and Normal, each with one free list per order
 *       0..10 ({@code MAX_PAGE_ORDER}) and a free-block count per order (/proc/buddyinfo).
 *   <li>Allocation: scan orders upward, take the head block of the first non-empty list, split it
 *       keeping the lower half; free: merge with the buddy {@code pfn ^ (1 << order)} while it is a
 *       free block of the same order; list head by default, list tail for the boot hand-off and
 *       when a merge one level up is likely ({@code buddy_merge_likely}).
 *   <li>Zone fallback Normal, DMA32, DMA; the min/low/high watermarks of Linux 4.6+ ({@code
 *       min_free_kbytes}, {@code watermark_scale_factor}); {@code lowmem_reserve} with the default
 *       ratios; {@code __GFP_HIGH}, {@code __GFP_ATOMIC} and {@code __GFP_MEMALLOC} access to the
 *       reserves.
 *   <li>The classic per-CPU lists of order-0 pages (batch and high from the zone size), drained on
 *       demand and when an allocation would otherwise fail.
 * </ul>
 *
 * <h2>What is not</h2>
 *
 * Migrate types (and with them pageblock stealing, the highatomic reserve and /proc/pagetypeinfo),
 * watermark boosting, compaction, reclaim (the allocator only reports failure with {@code
 * NO_PAGE}), free-list shuffling, the 5.14+ per-CPU caching of orders above 0, NUMA.
 *
 * <h2>Layout</h2>
 *
 * No object per frame: list links and a packed state/order byte per frame live in primitive arrays
 * (about 9 bytes a frame); see the comment block of {@code BuddyAllocator}.
 */
package io.mmsim.buddy;
