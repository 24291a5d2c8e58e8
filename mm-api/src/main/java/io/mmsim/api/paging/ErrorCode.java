package io.mmsim.api.paging;

/**
 * Bits of the #PF error code the CPU pushes ({@code arch/x86/include/asm/trap_pf.h}).
 *
 * <pre>
 *  bit:  5   4     3    2    1     0
 *       PK INSTR RSVD USER WRITE PROT
 * </pre>
 */
public final class ErrorCode {
  private ErrorCode() {}

  /** 1: protection violation on a present page; 0: page not present. */
  public static final int PROT = 1;

  /** 1: the access was a write. */
  public static final int WRITE = 1 << 1;

  /** 1: the access came from user mode. */
  public static final int USER = 1 << 2;

  /** 1: a reserved bit was set in a paging-structure entry. */
  public static final int RSVD = 1 << 3;

  /** 1: the access was an instruction fetch. */
  public static final int INSTR = 1 << 4;

  /** 1: protection-key violation. */
  public static final int PK = 1 << 5;

  /** The kernel's {@code #PF: error_code(0x%04lx) - %s} explanation. */
  public static String describe(int code) {
    if ((code & PK) != 0) {
      return "protection keys violation";
    }
    if ((code & RSVD) != 0) {
      return "reserved bit violation";
    }
    return (code & PROT) != 0 ? "permissions violation" : "not-present page";
  }
}
