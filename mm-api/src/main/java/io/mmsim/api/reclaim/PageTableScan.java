package io.mmsim.api.reclaim;

/**
 * What a policy that harvests accessed bits by walking page tables hears of the walk, one leaf
 * page-table page (a PTE table, 512 entries, 2 MiB of address space on x86-64) at a time. The
 * multi-gen LRU's aging walks every address space this way ({@code mm/vmscan.c: walk_mm,
 * walk_pmd_range, walk_pte_range}), and its eviction looks at the entries around a young one the
 * same way ({@code lru_gen_look_around}).
 *
 * <pre>
 *   for each PTE table of the scope:
 *     enterTable(table)          false: skip it (the policy's Bloom filter says it is not worth it)
 *     young(key)                 per present entry whose Accessed bit was set; the caller cleared
 *                                it (and flushed the TLB entry) before the call
 *     leaveTable(table, n, y)    n entries looked at, y of them young
 * </pre>
 *
 * <p>{@code table} identifies the PTE table for the life of its mapping (mmsim passes the frame
 * number of the table page); {@code key} is the page as the scope names it to the policy (a frame
 * number for global reclaim, a virtual page number for a process's resident set). Keys the policy
 * does not track are its to ignore.
 *
 * @since 1.2
 */
public interface PageTableScan {

  /**
   * The walk reached PTE table {@code table}.
   *
   * @return true to look at its entries, false to skip it
   */
  boolean enterTable(long table);

  /** The entry mapping {@code key} was young; its Accessed bit is now clear. */
  void young(long key);

  /**
   * The walk is done with {@code table}.
   *
   * @param entries entries it looked at (present or not)
   * @param young how many of them were young
   */
  void leaveTable(long table, int entries, int young);
}
