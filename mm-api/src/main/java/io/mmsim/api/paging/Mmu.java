package io.mmsim.api.paging;

/**
 * One simulated CPU's memory-management unit: control registers, a TLB and the page walk.
 *
 * <p>{@link #translate} applies the hardware rules (effective permission over all levels, U/S,
 * R/W with CR0.WP, NX with EFER.NXE, reserved bits), sets Accessed and Dirty bits as the CPU does,
 * and on failure records the fault in {@link #cr2()} and {@link #errorCode()} instead of throwing,
 * because a fault is the ordinary way back into the kernel.
 */
public interface Mmu {

  /** Returned by {@link #translate} when the access faults. */
  long FAULT = -1L;

  /** Loads CR3 with the root table's PFN; flushes every non-global TLB entry. */
  void loadCr3(long rootPfn);

  /** The root table's PFN in CR3. */
  long cr3();

  /**
   * Translates a linear address for an {@link Access} in user or kernel mode.
   *
   * @return the physical address, or {@link #FAULT} with CR2 and the error code set
   */
  long translate(long linear, int access, boolean user);

  /** The linear address of the last fault (CR2). */
  long cr2();

  /** The {@link ErrorCode} bits of the last fault. */
  int errorCode();

  /** Drops any TLB entry for the page holding {@code linear} ({@code invlpg}). */
  void invlpg(long linear);

  /** Drops every TLB entry, global ones included. */
  void flushTlbAll();

  /** TLB hits since creation. */
  long tlbHits();

  /** TLB misses (page walks) since creation. */
  long tlbMisses();
}
