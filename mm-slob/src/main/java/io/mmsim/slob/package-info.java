/**
 * SLOB, the "simple list of blocks" object allocator of Linux 6.3 and before (deprecated in 6.2,
 * removed in 6.4; kernel source {@code mm/slob.c}).
 *
 * <h2>Design</h2>
 *
 * <ul>
 *   <li><b>Heap</b> ({@code SlobHeap}): a K&amp;R-style heap on order-0 pages taken from whatever
 *       {@link io.mmsim.api.page.PageAllocator} the kernel was built with. Each page keeps a singly
 *       linked, address-ordered list of free blocks counted in 2-byte units and encoded in the
 *       page's own simulated bytes, exactly as the kernel lays it out: a block of more than one
 *       unit holds its size in unit 0 and the offset of the next block in unit 1; a one-unit block
 *       holds the negated offset. Three page lists serve requests under 256 bytes, under 1024
 *       bytes, and larger; search is next fit across the pages of a list and first fit within a
 *       page; frees are inserted in address order and coalesced; a wholly free page returns to the
 *       page allocator at once.
 *   <li><b>Front end</b> ({@code SlobAllocator}): {@code kmalloc} puts an 8-byte size header in
 *       front of each object and sends requests of {@code PAGE_SIZE - 8} bytes or more to the page
 *       allocator; {@code kmem_cache} objects have no header, share the same three lists, and take
 *       whole pages from {@code PAGE_SIZE} up. Constructors run at every allocation.
 *   <li><b>Checking</b>: the kernel's SLOB trusts its callers; the simulator keeps one packed
 *       {@code long} per live allocation in a primitive open-addressing map and refuses every
 *       misuse (double free, interior, foreign or NULL pointer, wrong cache, kfree of a cache
 *       object and the reverse) with a {@link io.mmsim.api.BadAddressException} before anything
 *       changes.
 * </ul>
 *
 * <h2>Where the simulator differs from, or must choose for, the kernel</h2>
 *
 * <ul>
 *   <li>No {@code /proc/slabinfo}: {@code slabinfo()} is empty. {@code KmemCache.info()} still
 *       answers in the slabinfo shape (objects in use, size; no slabs for heap caches).
 *   <li>Accounting: the kernel adds every SLOB page, heap or whole-page, to {@code
 *       NR_SLAB_UNRECLAIMABLE_B}, and SLOB's {@code CACHE_CREATE_MASK} strips {@code
 *       SLAB_RECLAIM_ACCOUNT} (and the debug flags) at cache creation. So {@code
 *       reclaimablePages()} is 0 and {@code unreclaimablePages()} is everything held: Slab =
 *       SReclaimable + SUnreclaim holds.
 *   <li>The kernel's SLOB cannot tell that a destroyed cache still has objects; the simulator
 *       refuses to destroy it. Cache descriptors themselves take no simulated memory (the kernel
 *       allocates them from SLOB too).
 *   <li>{@code SLAB_TYPESAFE_BY_RCU} caches get the kernel's 24-byte {@code slob_rcu} footer, but
 *       the simulator has no grace periods: their frees take effect at once.
 *   <li>As in the kernel, heap pages are shared by every zone request: a {@code GFP_DMA} object can
 *       land on an existing page from another zone; only new pages follow the GFP zone.
 *   <li>Cache alignment above what a fresh page (or page block) can give is refused at creation
 *       instead of hitting the kernel's {@code BUG_ON}.
 *   <li>The free lists live in ordinary memory, so a write after free can damage them. Every block
 *       read on the alloc and free paths is range-checked first; damage is reported as a {@link
 *       io.mmsim.api.BadAddressException} and nothing changes.
 * </ul>
 *
 * <h2>Statistics</h2>
 *
 * {@code caches}; {@code heap_pages} and, by the list a page is on or was last on, {@code
 * heap_pages_small|medium|large}; {@code partial_pages_small|medium|large} (pages on each list,
 * i.e. with free units); {@code free_units} and {@code free_bytes} in heap pages; {@code
 * heap_objects} and {@code heap_bytes_requested} (live heap blocks and the bytes asked for, kmalloc
 * headers excluded); {@code kmalloc_objects}, {@code cache_objects}; {@code large_blocks} and
 * {@code large_pages} (live whole-page objects); the cumulative {@code kmalloc_calls}, {@code
 * kmalloc_large_calls}, {@code cache_alloc_calls}, {@code frees}, {@code alloc_failures}, {@code
 * pages_taken} and {@code pages_returned}.
 *
 * <p>Not thread-safe: one simulated kernel runs on one thread.
 */
package io.mmsim.slob;
