package io.mmsim.api.paging;

import java.util.Objects;

/**
 * A page fault as the kernel receives it: CR2, the error code the CPU pushed and the registers.
 *
 * <p>Like the kernel's {@code struct vm_fault}, which lives on the faulting task's stack and is
 * handed down by pointer, one object serves every fault of a kernel: the fault loop {@linkplain
 * #reset refills} it for each fault, so that a minor fault allocates nothing. A handler reads it
 * during {@code handleMmFault} and keeps no reference to it.
 */
public final class PageFault {
  /**
   * {@link #pteSlot()} when the MMU did not say where its walk ended: the handler finds the entry
   * itself ({@link PageTable#pteSlot}).
   *
   * @since 1.4
   */
  public static final long SLOT_UNKNOWN = -2L;

  private long cr2;
  private int errorCode;
  private Regs regs;
  private long pteSlot = SLOT_UNKNOWN;

  /**
   * @param cr2 the linear address that faulted
   * @param errorCode {@link ErrorCode} bits
   * @param regs registers at the time of the fault
   */
  public PageFault(long cr2, int errorCode, Regs regs) {
    reset(cr2, errorCode, regs);
  }

  /**
   * Makes this object describe the next fault, with {@link #pteSlot()} {@link #SLOT_UNKNOWN};
   * returns it.
   */
  public PageFault reset(long cr2, int errorCode, Regs regs) {
    return reset(cr2, errorCode, regs, SLOT_UNKNOWN);
  }

  /**
   * Makes this object describe the next fault, whose walk ended as {@code pteSlot} says (see {@link
   * #pteSlot()}); returns it.
   *
   * @since 1.4
   */
  public PageFault reset(long cr2, int errorCode, Regs regs, long pteSlot) {
    this.cr2 = cr2;
    this.errorCode = errorCode;
    this.regs = Objects.requireNonNull(regs, "regs");
    this.pteSlot = pteSlot;
    return this;
  }

  /** The linear address that faulted. */
  public long cr2() {
    return cr2;
  }

  /** The {@link ErrorCode} bits. */
  public int errorCode() {
    return errorCode;
  }

  /** The registers at the time of the fault. */
  public Regs regs() {
    return regs;
  }

  /**
   * Where the faulting walk ended, as {@link PageTable#pteSlot} would answer for {@link #cr2()}
   * now: the physical address of the 4 KiB leaf entry, or -1 when the walk stopped above the page
   * table (a missing table, or a huge page); {@link #SLOT_UNKNOWN} when not known. The walk of the
   * MMU that faulted read the entry there, so a handler (as the kernel's {@code pte_offset_map}
   * after the hardware walk) reads and writes it without walking again. Valid until the tables
   * change.
   *
   * @since 1.4
   */
  public long pteSlot() {
    return pteSlot;
  }

  @Override
  public String toString() {
    return String.format(
        "PageFault[cr2=0x%x, errorCode=0x%x, regs=%s, pteSlot=%d]", cr2, errorCode, regs, pteSlot);
  }

  /** True when the faulting access was a write. */
  public boolean isWrite() {
    return (errorCode & ErrorCode.WRITE) != 0;
  }

  /** True when the faulting access was an instruction fetch. */
  public boolean isInstructionFetch() {
    return (errorCode & ErrorCode.INSTR) != 0;
  }

  /** True when the page was present (a protection fault). */
  public boolean isProtection() {
    return (errorCode & ErrorCode.PROT) != 0;
  }

  /** True when the access came from user mode. */
  public boolean isUser() {
    return (errorCode & ErrorCode.USER) != 0;
  }
}
