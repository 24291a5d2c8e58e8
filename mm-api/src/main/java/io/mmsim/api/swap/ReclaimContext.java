package io.mmsim.api.swap;

import io.mmsim.api.reclaim.ReplacementPolicy;

/**
 * One reclaim scope as the kernel implements it for {@link SwapSystem#shrink}: how the page keys of
 * a {@link ReplacementPolicy} map to frames and page-table entries, and the rmap operations reclaim
 * needs on them.
 *
 * <p>Two scopes are expected:
 *
 * <ul>
 *   <li><b>global</b> (kswapd, direct reclaim): keys are PFNs; the operations act on every mapping
 *       of the frame through the reverse map ({@code folio_referenced}, {@code try_to_unmap});
 *   <li><b>process</b> ({@code rss.limit}): keys are one process's virtual page numbers; the
 *       operations act on that process's single PTE.
 * </ul>
 *
 * <p>As a {@link ReplacementPolicy.ReferenceBits}, {@link #testAndClearYoung} tests and clears the
 * Accessed bit of the key's PTE(s) and must flush the TLB entry of each PTE it clears: otherwise
 * later accesses hit the stale TLB entry, never set A again, and clock or the two-list LRU lose
 * those references.
 */
public interface ReclaimContext extends ReplacementPolicy.ReferenceBits {

  /** {@link #kind}: an anonymous (swap-backed) page: private anonymous memory or a COW copy. */
  int ANON = 0;

  /** {@link #kind}: a page of a file mapping (page cache), dropped or written back. */
  int FILE = 1;

  /** {@link #kind}: a page that must stay (the zero page, a locked or pinned page). */
  int UNEVICTABLE = 2;

  /**
   * The frame behind {@code key} in this scope, or {@link SwapSystem#NO_PAGE} when the key has no
   * present mapping any more (the reclaim then skips it).
   */
  long pfnOf(long key);

  /** What kind of page frame {@code pfn} (mapped at {@code key}) is: {@link #ANON}, ... */
  int kind(long key, long pfn);

  /**
   * Replaces the present PTE(s) of {@code key} in this scope, which map {@code pfn}, with the swap
   * entry {@code entry} ({@code try_to_unmap}). For each PTE the kernel:
   *
   * <ol>
   *   <li>writes {@code entry} exactly as given (it carries {@link
   *       io.mmsim.api.paging.Pte#SWP_EXCLUSIVE} when the swap system found the page exclusively
   *       owned: one mapping and no other swap PTE holding its slot) and flushes that TLB entry;
   *   <li>calls {@link SwapSystem#swapDuplicate}{@code (entry)};
   *   <li>drops the mapping (reverse map, the mapping's frame reference, RSS; MM_SWAPENTS + 1) and
   *       calls {@code remove(key)} on every other policy that tracks this mapping. The swap
   *       cache's own frame reference keeps the frame alive.
   * </ol>
   *
   * @return true when any of the replaced PTEs had its Dirty bit set
   */
  boolean unmapToSwap(long key, long pfn, long entry);

  /**
   * Evicts a {@link #FILE} page: the kernel unmaps it in this scope, writes it back when it is
   * dirty and shared, and frees the frame when no mapping remains.
   *
   * @return true when the key left the scope; false to keep the page (it goes back to the policy)
   */
  boolean evictFilePage(long key, long pfn);

  /**
   * Packs a policy's workingset token ({@link ReplacementPolicy#workingsetEviction}) into the
   * shadow entry this scope's evicted page leaves behind ({@code pack_shadow}: the kernel adds what
   * it needs to find the policy again on refault, such as the memory cgroup). Called only for
   * tokens that are not {@link ReplacementPolicy#NO_SHADOW}; the result must be non-negative. The
   * default keeps the token as it is.
   *
   * @since 1.2
   */
  default long packShadow(long token) {
    return token;
  }

  /**
   * {@link #evictFilePage(long, long)}, leaving {@code shadow} in the page-cache slot when the page
   * leaves the page cache ({@code __remove_mapping} with a shadow). {@code shadow} is {@link
   * io.mmsim.api.reclaim.ShadowTable#NONE} when the policy keeps no history. The default drops the
   * shadow.
   *
   * @since 1.2
   */
  default boolean evictFilePage(long key, long pfn, long shadow) {
    return evictFilePage(key, pfn);
  }
}
