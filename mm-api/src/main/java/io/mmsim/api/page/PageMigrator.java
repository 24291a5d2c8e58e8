package io.mmsim.api.page;

/**
 * The owner's side of page migration ({@code mm/migrate.c}): the page allocator's compaction finds
 * candidate pages and free target frames, and the kernel, which knows who uses a page, moves it.
 *
 * <p>Only an allocated order-0 page is ever offered. Between {@link #isolate} and {@link #migrate}
 * nothing else runs, so a page isolated stays as it was.
 *
 * @since 1.2
 */
public interface PageMigrator {

  /**
   * Whether the allocated page at {@code pfn} can be migrated ({@code isolate_migratepages_block}'s
   * checks: a page on the LRU, anonymous, in the page cache or the swap cache, not pinned). A page
   * the caller allocated for itself (kernel memory, page tables, a block from {@code alloc_pages})
   * is never movable.
   */
  boolean isolate(long pfn);

  /**
   * Moves the page at {@code src} to the frame {@code dst} ({@code migrate_pages}): its bytes,
   * every page-table entry that maps it (through the reverse map, with a TLB flush), its place in
   * the page cache or swap cache and its reclaim state. {@code dst} is a frame the allocator has
   * already handed over as an order-0 allocation.
   *
   * @return true when the page now lives at {@code dst} and {@code src} is no longer referenced
   *     (the allocator then frees it); false when the page could not move, with both frames as they
   *     were
   */
  boolean migrate(long src, long dst);
}
