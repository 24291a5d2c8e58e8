package io.mmsim.api.paging;

/**
 * The machine's page-table format and the tables themselves: address spaces rooted at a CR3
 * frame, entries read and written through the page walk, and the MMUs that use them.
 *
 * <p>Table frames come from the page allocator. Every address space shares the kernel half (the
 * direct map of all physical memory, vmalloc, the kernel image), so a kernel mapping made once is
 * seen by all. Entries are raw x86-64 values ({@link Pte}). Not thread-safe.
 */
public interface PageTable {

  /** Returned by {@link #createAddressSpace} when no frame could be had for the root. */
  long NO_ROOT = -1L;

  /** Number of paging levels: 4 (48-bit) or 5 (57-bit, LA57). */
  int levels();

  /** Number of bits of a canonical linear address (48 or 57). */
  int virtualAddressBits();

  /** True when {@code linear} is canonical (its upper bits copy the top implemented bit). */
  boolean isCanonical(long linear);

  /** The kernel's own root table (swapper_pg_dir). */
  long kernelRoot();

  /**
   * Creates a new address space whose kernel half is shared with every other.
   *
   * @return the root table's PFN (for CR3), or {@link #NO_ROOT} when out of memory
   */
  long createAddressSpace();

  /**
   * Frees every table of the user half and the root. Leaf frames are the caller's: they must have
   * been unmapped first.
   */
  void destroyAddressSpace(long root);

  /** The leaf entry mapping {@code linear} in the 4 KiB page sense, or 0 when none exists. */
  long readPte(long root, long linear);

  /**
   * Writes the leaf entry for {@code linear}, creating missing tables.
   *
   * @return false when a table frame could not be allocated (nothing changed)
   */
  boolean writePte(long root, long linear, long pte);

  /**
   * Calls {@code visitor} for every non-zero leaf entry in {@code [start, end)}, in address order.
   * The visitor may rewrite the entry it is given through {@link #writePte}.
   */
  void walkRange(long root, long start, long end, PteVisitor visitor);

  /** Page-table frames in use by all address spaces and the kernel (meminfo PageTables). */
  long tablePages();

  /** Page-table frames of one address space's user half. */
  long tablePages(long root);

  /** The MMU of simulated CPU {@code cpu}, created on first use. */
  Mmu mmu(int cpu);

  /** Flushes the TLB entry for {@code linear} on every CPU (a TLB shootdown). */
  void flushTlbPage(long linear);

  /** Calls back for each leaf entry found by {@link PageTable#walkRange}. */
  @FunctionalInterface
  interface PteVisitor {
    /** One leaf entry: the page's linear address and its raw value. */
    void visit(long linear, long pte);
  }
}
