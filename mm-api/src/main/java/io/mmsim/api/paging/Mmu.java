package io.mmsim.api.paging;

/**
 * One simulated CPU's memory-management unit: segment registers, control registers, a TLB and the
 * page walk.
 *
 * <h2>Translation</h2>
 *
 * A logical address (segment register, offset) becomes a linear address through {@link
 * #linearAddress} (base and limit checks apply only in compatibility mode, see {@link Segment}); a
 * linear address becomes a physical address through {@link #translate}: a TLB lookup, and on a miss
 * the walk from CR3. {@link #translate} applies the hardware rules (canonical form, effective
 * permission over all levels, U/S, R/W with CR0.WP, XD with EFER.NXE, reserved bits), sets Accessed
 * and Dirty bits in the entries' bytes as the CPU does, and reports a failure by its return value
 * instead of throwing, because a fault is the ordinary way back into the kernel:
 *
 * <ul>
 *   <li>{@link #FAULT}: a page fault (#PF, vector 14): {@link #cr2()} holds the linear address and
 *       {@link #errorCode()} the {@link ErrorCode} bits the CPU pushed;
 *   <li>{@link #GP_FAULT}: a general-protection fault (#GP, vector 13): a non-canonical address or
 *       a segment violation; CR2 is not changed and {@link #errorCode()} holds the #GP error code
 *       (0, or the selector for a bad segment load). A fault of the stack segment, #SS on a real
 *       CPU, is reported as #GP too.
 * </ul>
 *
 * A page fault drops the TLB entry of the faulting page, as the CPU does, so the access retried
 * after the kernel fixed the tables walks them again.
 *
 * <h2>TLB</h2>
 *
 * Only successful translations are cached, with the effective permissions of all levels. A write
 * through an entry whose Dirty bit was clear walks again to set it. An access that the cached
 * permissions do not allow walks again too (so a kernel that upgrades permissions need not flush);
 * a kernel that downgrades or remaps an entry must flush ({@link #invlpg} or {@link
 * PageTable#flushTlbPage}). {@link #loadCr3} drops every entry that is not global.
 *
 * <p>Not thread-safe: one kernel, one thread.
 */
public interface Mmu {

  /** Returned by the translating methods on a page fault (#PF). */
  long FAULT = -1L;

  /** Returned by the translating methods on a general-protection fault (#GP). */
  long GP_FAULT = -2L;

  /**
   * Returned by {@link #linearAddress} on a general-protection fault: a non-canonical value, so it
   * can never be a valid linear address, and {@link #translate} turns it into {@link #GP_FAULT}.
   */
  long BAD_LINEAR = Long.MIN_VALUE;

  /** Exception vector of #GP. */
  int VECTOR_GP = 13;

  /** Exception vector of #PF. */
  int VECTOR_PF = 14;

  /** The simulated CPU this MMU belongs to. */
  int cpu();

  // ---------------------------------------------------------------- control registers

  /**
   * Loads CR3 with a root table's PFN and flushes every non-global TLB entry.
   *
   * @throws io.mmsim.api.BadAddressException when {@code rootPfn} is not the root of a live address
   *     space of this page table (nothing changes)
   */
  void loadCr3(long rootPfn);

  /** The root table's PFN in CR3. */
  long cr3();

  /** CR0 ({@link ControlRegisters} bits: PE, WP, PG, ...). */
  long cr0();

  /** CR4 (PAE, PGE, LA57, ...). */
  long cr4();

  /** The EFER MSR (LME, LMA, NXE, ...). */
  long efer();

  /**
   * Writes CR0. Only {@link ControlRegisters#CR0_WP} may change; clearing PG or PE would leave long
   * mode.
   *
   * @throws IllegalArgumentException when any other bit changes (nothing changes)
   */
  void writeCr0(long value);

  /**
   * Writes CR4. Only {@link ControlRegisters#CR4_PGE} may change; changing it flushes the whole
   * TLB.
   *
   * @throws IllegalArgumentException when any other bit changes, e.g. LA57 (nothing changes)
   */
  void writeCr4(long value);

  /**
   * Writes EFER. Only {@link ControlRegisters#EFER_NXE} may change; changing it flushes the whole
   * TLB (with NXE clear the XD bit becomes a reserved bit).
   *
   * @throws IllegalArgumentException when any other bit changes (nothing changes)
   */
  void writeEfer(long value);

  // ---------------------------------------------------------------- translation

  /**
   * Translates a linear address for an {@link Access} in user mode (CPL 3) or kernel mode.
   *
   * @return the physical address, {@link #FAULT} (CR2 and the error code set) or {@link #GP_FAULT}
   *     for a non-canonical address; both are negative, physical addresses never
   * @throws IllegalArgumentException for an access kind that is not an {@link Access} constant
   */
  long translate(long linear, int access, boolean user);

  /** The linear address of the last page fault (CR2). */
  long cr2();

  /**
   * The error code of the last exception: {@link ErrorCode} bits after {@link #FAULT}, the #GP
   * error code after {@link #GP_FAULT}.
   */
  int errorCode();

  /** The vector of the last exception ({@link #VECTOR_PF} or {@link #VECTOR_GP}), 0 before any. */
  int lastVector();

  /**
   * Where the walk of the last page fault ended, when that fault was at {@code linear}'s page and
   * the tables above the leaf have not changed since: the physical address of the 4 KiB leaf entry
   * it read, or -1 when it stopped above the page table (a missing table, or a huge page).
   * Otherwise {@link PageFault#SLOT_UNKNOWN}, which the default (an MMU that does not tell) always
   * returns. The kernel hands this to its fault handlers ({@link PageFault#pteSlot()}), so that
   * they need not walk again.
   *
   * @since 1.4
   */
  default long faultPteSlot(long linear) {
    return PageFault.SLOT_UNKNOWN;
  }

  /**
   * {@link #translate}, for the access that faulted last, restarted after the kernel resolved the
   * fault: the same result, entries, TLB contents, statistics and trace events as {@link
   * #translate}. A CPU walks again for it; an MMU that kept what its faulting walk found above the
   * leaf may read the leaf alone, when only the page table's own operations and writes to the leaf
   * entry changed the tables in between (the kernel's fault handlers change them only so). The
   * default is {@link #translate}.
   *
   * @since 1.4
   */
  default long retryTranslate(long linear, int access, boolean user) {
    return translate(linear, access, user);
  }

  // ---------------------------------------------------------------- segmentation

  /** The selector in segment register {@code sreg} ({@link Segment#CS}, ...). */
  int selector(int sreg);

  /** The base this segment register adds in the current mode (FS/GS: the MSR base). */
  long segmentBase(int sreg);

  /** The current privilege level (the RPL of CS): 0 kernel, 3 user. */
  int cpl();

  /** The raw descriptor in slot {@code index} of this CPU's GDT. */
  long gdtEntry(int index);

  /**
   * Loads a segment register from the GDT, with the CPU's checks. Loading CS models the
   * privilege-changing transfers (interrupt entry, {@code iret}, {@code sysret}) as one step: the
   * CPL becomes the selector's RPL, which must equal the code segment's DPL.
   *
   * @return true when loaded; false on #GP ({@link #errorCode()} = the selector, nothing changes)
   */
  boolean loadSegment(int sreg, int selector);

  /**
   * Sets the FS or GS base ({@code wrfsbase}, {@code wrgsbase}; the MSRs FS_BASE and GS_BASE).
   *
   * @throws IllegalArgumentException for another register or a non-canonical base
   */
  void writeSegmentBase(int sreg, long base);

  /**
   * Forms the linear address of {@code sreg:offset} for an {@link Access}. In 64-bit mode (CS with
   * L = 1) only FS and GS add a base and no limit applies; in compatibility mode offsets are 32
   * bits and the segment's type, base and limit apply. Instruction fetches must use {@link
   * Segment#CS}.
   *
   * @return the linear address, or {@link #BAD_LINEAR} on #GP (a null or unsuitable segment, an
   *     offset past the limit, a non-canonical result; {@link #errorCode()} is 0)
   */
  long linearAddress(int sreg, long offset, int access);

  /**
   * {@link #linearAddress} then {@link #translate} with the mode given by {@link #cpl()}.
   *
   * @return the physical address, {@link #FAULT} or {@link #GP_FAULT}
   */
  long translateLogical(int sreg, long offset, int access);

  // ---------------------------------------------------------------- TLB

  /** Drops any TLB entry for the page holding {@code linear}, global or not ({@code invlpg}). */
  void invlpg(long linear);

  /** Drops every TLB entry, global ones included. */
  void flushTlbAll();

  /** Number of TLB entries ({@code x86_64.tlb-entries}). */
  int tlbSize();

  /** TLB entries currently valid. */
  int tlbValidEntries();

  /** Translations served from the TLB since creation. */
  long tlbHits();

  /** Page walks since creation (a TLB miss, a write that must set Dirty, a denied cached entry). */
  long tlbMisses();

  /**
   * TLB lookups since creation that found no entry for the page: the walks of {@link #tlbMisses}
   * less those for a cached entry that could not serve the access. An MMU that does not tell them
   * apart returns {@link #tlbMisses}.
   *
   * @since 1.1
   */
  default long tlbLookupMisses() {
    return tlbMisses();
  }

  /**
   * Translations that looked in the TLB's sets because the page was not the one translated last
   * (hits and lookup misses alike). An MMU that keeps a copy of its last translation serves {@code
   * tlbHits() - (tlbSetLookups() - tlbLookupMisses())} translations from that copy; the default is
   * an MMU without one, where every lookup goes to the sets.
   *
   * @since 1.1
   */
  default long tlbSetLookups() {
    return tlbHits() + tlbLookupMisses();
  }

  /**
   * Valid TLB entries for large pages (2 MiB and 1 GiB), each covering its whole page; included in
   * {@link #tlbValidEntries}. The default is an MMU that caches only 4 KiB translations.
   *
   * @since 1.2
   */
  default int tlbLargeEntries() {
    return 0;
  }
}
