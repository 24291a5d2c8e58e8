package io.mmsim.api.paging;

import io.mmsim.api.mem.FrameMap;

/**
 * The machine's page-table format and the tables themselves: address spaces rooted at a CR3 frame,
 * entries read and written through the page walk, and the MMUs that use them.
 *
 * <h2>Levels</h2>
 *
 * Levels are numbered from the leaf: 1 = page table (PTE), 2 = page directory (PMD), 3 = page
 * directory pointer table (PUD), 4 = PML4, and with five-level paging 5 = PML5. The root is level
 * {@link #levels()}. A PUD entry with PS set maps 1 GiB, a PMD entry with PS set 2 MiB.
 *
 * <h2>Kernel half</h2>
 *
 * Every address space shares the kernel half (top-level entries 256..511): the direct map of all
 * physical memory at {@link #pageOffset()}, vmalloc, and any other kernel mapping. A kernel mapping
 * made through any root is seen by all.
 *
 * <h2>Table frames and counts</h2>
 *
 * Table frames come from the page allocator and are zeroed. An address space owns its root and the
 * tables of its user half; {@link #tablePages(long)} counts them, so a fresh address space counts 1
 * and mapping one 4 KiB page in it (four levels) adds exactly 3 (PUD, PMD and PTE tables).
 * Kernel-half tables are freed only on request ({@link #freeEmptyTables} through the kernel root).
 *
 * <h2>Entries</h2>
 *
 * Entries are raw x86-64 values ({@link Pte}) stored as little-endian longs in the table frames, so
 * they can be inspected with {@link io.mmsim.api.mem.PhysicalMemory}. {@link #writePte} writes what
 * it is given: build entries with {@link #pfnPte} so that bits the machine does not support (XD
 * without EFER.NXE) are left out, as the kernel's {@code pfn_pte} does.
 *
 * <p>Bad arguments (a root that is not live, a non-canonical address, a range crossing the hole)
 * throw {@link io.mmsim.api.BadAddressException} naming the address before anything changes. Not
 * thread-safe.
 */
public interface PageTable {

  /** Returned by {@link #createAddressSpace} when no frame could be had for the root. */
  long NO_ROOT = -1L;

  /** Returned by {@link #virtToPhys} for an address that nothing maps. */
  long NO_PHYS = -1L;

  /** Number of paging levels: 4 (48-bit) or 5 (57-bit, LA57). */
  int levels();

  /** Number of bits of a canonical linear address (48 or 57). */
  int virtualAddressBits();

  /** True when {@code linear} is canonical (its upper bits copy the top implemented bit). */
  boolean isCanonical(long linear);

  /** Base of the direct map of physical memory ({@code PAGE_OFFSET}, depends on the levels). */
  long pageOffset();

  /** End of user space, exclusive ({@code TASK_SIZE_MAX}, depends on the levels). */
  long taskSizeMax();

  /**
   * The entry bits this machine supports ({@code __supported_pte_mask}): every bit, less XD when
   * EFER.NXE is off.
   */
  long supportedPteMask();

  /** An entry for frame {@code pfn} with {@code flags} limited to {@link #supportedPteMask()}. */
  default long pfnPte(long pfn, long flags) {
    return Pte.make(pfn, flags & supportedPteMask());
  }

  /** The kernel's own root table (swapper_pg_dir). */
  long kernelRoot();

  /** True when {@code root} is the kernel root or the root of a live address space. */
  boolean isRoot(long root);

  /**
   * Creates a new address space whose kernel half is shared with every other ({@code pgd_alloc}).
   *
   * @return the root table's PFN (for CR3), or {@link #NO_ROOT} when out of memory
   */
  long createAddressSpace();

  /**
   * Frees every table of the user half and the root. Every user leaf entry must already be zero
   * (the caller unmapped its pages and freed its swap entries); an MMU that still has the root in
   * CR3 switches to the kernel root, as a CPU leaving a dead mm does.
   *
   * @throws io.mmsim.api.BadAddressException for the kernel root, a root that is not live, or when
   *     a user entry is still set (naming its address); nothing changes
   */
  void destroyAddressSpace(long root);

  /**
   * The leaf entry mapping {@code linear}: the PTE, or the PUD/PMD entry of a huge page (PS set),
   * or 0 when the walk stops at a missing table. No Accessed bit is set.
   */
  long readPte(long root, long linear);

  /**
   * The physical address of the 4 KiB leaf entry for {@code linear} when its page table exists
   * ({@code pte_offset_map}), so that a fault handler reads and then writes the entry after one
   * walk, as the kernel does; -1 when a table on the way is missing or a huge page maps {@code
   * linear} (then {@link #readPte} and {@link #writePte} do it). Writing the slot through {@link
   * io.mmsim.api.mem.PhysicalMemory} is what {@link #writePte} does when the tables exist. The
   * default is a page table that does not tell: always -1.
   *
   * @since 1.3
   */
  default long pteSlot(long root, long linear) {
    return -1;
  }

  /**
   * The entry at {@code level} on the walk to {@code linear} (from {@link #levels()} down to 1), or
   * 0 when the walk stops above it (a missing table, or a huge page at a higher level).
   */
  long readEntry(long root, long linear, int level);

  /**
   * Writes the 4 KiB leaf entry for {@code linear}, creating missing tables. Writing 0 where no
   * table exists creates nothing. A new kernel-half table becomes visible in every address space.
   *
   * @return false when a table frame could not be allocated (nothing changed)
   * @throws io.mmsim.api.BadAddressException when {@code linear} is not canonical or a huge page
   *     maps it (nothing changes)
   */
  boolean writePte(long root, long linear, long pte);

  /**
   * Whether {@link #writeHugePmd} and {@link #splitHugePmd} work: 2 MiB pages in user address
   * spaces. The default is a page table without them.
   *
   * @since 1.2
   */
  default boolean hugePmdSupported() {
    return false;
  }

  /**
   * Writes the PMD entry for the 2 MiB-aligned {@code linear}: a huge-page entry ({@link Pte#PS}
   * set) mapping 512 frames, or 0 to clear one ({@code set_pmd_at}, {@code
   * pmdp_huge_get_and_clear}). Missing upper tables are created; an empty page table linked at the
   * PMD is freed first.
   *
   * @return false when a table frame could not be allocated (nothing changed)
   * @throws io.mmsim.api.BadAddressException when {@code linear} is not canonical or not 2 MiB
   *     aligned, when a page table with entries is linked at the PMD, or when a 1 GiB page maps the
   *     address (nothing changes)
   * @throws UnsupportedOperationException when {@link #hugePmdSupported} is false
   * @since 1.2
   */
  default boolean writeHugePmd(long root, long linear, long entry) {
    throw new UnsupportedOperationException("no 2 MiB user pages in this page table");
  }

  /**
   * Replaces the huge-page PMD entry at the 2 MiB-aligned {@code linear} by a page table of 512
   * entries mapping the same frames with the same bits ({@code __split_huge_pmd_locked}). The
   * caller flushes the TLB.
   *
   * @return false when no huge page is mapped there or no frame could be had for the table (nothing
   *     changed)
   * @throws UnsupportedOperationException when {@link #hugePmdSupported} is false
   * @since 1.2
   */
  default boolean splitHugePmd(long root, long linear) {
    throw new UnsupportedOperationException("no 2 MiB user pages in this page table");
  }

  /**
   * Calls {@code visitor} for every non-zero leaf entry (4 KiB entries and huge-page entries) whose
   * page starts in {@code [start, end)}, in address order. The range must lie within one half. The
   * visitor may rewrite the entry it is given through {@link #writePte}, but must not create or
   * free tables.
   */
  void walkRange(long root, long start, long end, PteVisitor visitor);

  /**
   * Frees the tables of {@code root} that hold no entry and cover part of {@code [start, end)}
   * ({@code free_pgtables} after an unmap); the root itself stays. In the kernel half (only through
   * {@link #kernelRoot()}) the tables linked from top-level entries stay too, because every address
   * space shares those entries: only the tables below them are freed, so that a kernel mapping that
   * failed halfway can be undone.
   *
   * @return the number of table frames freed
   * @throws io.mmsim.api.BadAddressException for a root that is not live, a range that is not
   *     canonical or crosses the hole, or a kernel-half range through a user root (nothing changes)
   */
  long freeEmptyTables(long root, long start, long end);

  /**
   * The physical address {@code linear} maps to in {@code root}, ignoring permissions and setting
   * no bits ({@code slow_virt_to_phys}), or {@link #NO_PHYS}.
   */
  long virtToPhys(long root, long linear);

  /** Page-table frames in use by every address space and the kernel, roots included. */
  long tablePages();

  /** Page-table frames of the kernel: its root, the direct map and every kernel-half table. */
  long kernelTablePages();

  /**
   * Page-table frames one address space owns: its root and the tables of its user half (for the
   * kernel root, {@link #kernelTablePages()}). Linux's {@code mm_pgtables_bytes} leaves the root
   * out: subtract one for it.
   */
  long tablePages(long root);

  /**
   * Leaf entries of the direct map of size {@code pageSize} (4096, 2 MiB or 1 GiB): meminfo's
   * DirectMap4k, DirectMap2M and DirectMap1G count pages of each size.
   */
  long directMapPages(long pageSize);

  /** The MMU of simulated CPU {@code cpu} in {@code [0, cpus)}, created on first use. */
  Mmu mmu(int cpu);

  /** Flushes the TLB entry for {@code linear} on every CPU (a TLB shootdown). */
  void flushTlbPage(long linear);

  /** Flushes every non-global TLB entry on every CPU whose CR3 is {@code root}. */
  void flushTlbMm(long root);

  /**
   * Recomputes every derived count from the tables' bytes (tables per address space, kernel tables,
   * shared kernel half, no table frame reachable twice) and throws {@link AssertionError} with the
   * numbers when they disagree. Slow; for tests.
   */
  void checkInvariants();

  /** Calls back for each leaf entry found by {@link PageTable#walkRange}. */
  @FunctionalInterface
  interface PteVisitor {
    /** One leaf entry: the page's linear address and its raw value. */
    void visit(long linear, long pte);
  }

  /**
   * Marks every page-table frame in {@code map} ({@link io.mmsim.api.mem.FrameUse#PAGE_TABLE}): the
   * kernel's, owned by {@code kernel ...}, and each address space's, owned by its {@link
   * io.mmsim.api.mem.FrameMap#addressSpaceLabel label}, with the level in the owner's name (such as
   * {@code pid 3 PMD}). Not for hot paths.
   *
   * <p>The default marks nothing.
   *
   * @since 1.2
   */
  default void describeFrames(FrameMap map) {}
}
