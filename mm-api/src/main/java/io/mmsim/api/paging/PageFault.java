package io.mmsim.api.paging;

/**
 * A page fault as the kernel receives it: CR2, the error code the CPU pushed and the registers.
 *
 * @param cr2 the linear address that faulted
 * @param errorCode {@link ErrorCode} bits
 * @param regs registers at the time of the fault
 */
public record PageFault(long cr2, int errorCode, Regs regs) {

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
