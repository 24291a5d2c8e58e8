package io.mmsim.paging.x86;

import io.mmsim.api.paging.ControlRegisters;

/**
 * One CPU's CR0, CR4 and EFER as Linux leaves them in 64-bit long mode (Intel SDM vol. 3, 2.5 and
 * 2.2.1), and the rule for writing them: only CR0.WP, CR4.PGE and EFER.NXE may change; any other
 * bit (PG, PAE, LME, LA57, ...) would leave long mode or change the paging mode, which the
 * simulator does not model, so such a write is refused and changes nothing. Kept apart from {@link
 * X86Mmu}, which holds CR3 and CR2 (the walk's root and the fault address) and derives its walk and
 * TLB checks from these three after each write.
 *
 * <p>References: arch/x86/kernel/cpu/common.c (native_write_cr0, native_write_cr4),
 * arch/x86/include/uapi/asm/processor-flags.h, arch/x86/include/asm/msr-index.h (EFER).
 */
final class X86ControlRegisters {
  private static final long CR0_FIXED =
      ControlRegisters.CR0_PE
          | ControlRegisters.CR0_MP
          | ControlRegisters.CR0_ET
          | ControlRegisters.CR0_NE
          | ControlRegisters.CR0_AM
          | ControlRegisters.CR0_PG;

  private final int cpu;
  private long cr0;
  private long cr4;
  private long efer;

  /** The registers at boot: WP and NXE as configured, PGE on, LA57 with 5 levels. */
  X86ControlRegisters(X86Config cfg, int levels, int cpu) {
    this.cpu = cpu;
    this.cr0 = CR0_FIXED | (cfg.wp() ? ControlRegisters.CR0_WP : 0);
    this.cr4 =
        ControlRegisters.CR4_PSE
            | ControlRegisters.CR4_PAE
            | ControlRegisters.CR4_PGE
            | (levels == 5 ? ControlRegisters.CR4_LA57 : 0);
    this.efer =
        ControlRegisters.EFER_SCE
            | ControlRegisters.EFER_LME
            | ControlRegisters.EFER_LMA
            | (cfg.nx() ? ControlRegisters.EFER_NXE : 0);
  }

  long cr0() {
    return cr0;
  }

  long cr4() {
    return cr4;
  }

  long efer() {
    return efer;
  }

  void writeCr0(long value) {
    checkOnlyChanges("CR0", cr0, value, ControlRegisters.CR0_WP, "WP");
    cr0 = value;
  }

  /** Writes CR4; returns whether it changed (the TLB is then flushed). */
  boolean writeCr4(long value) {
    checkOnlyChanges("CR4", cr4, value, ControlRegisters.CR4_PGE, "PGE");
    boolean changed = value != cr4;
    cr4 = value;
    return changed;
  }

  /** Writes EFER; returns whether it changed (the TLB is then flushed). */
  boolean writeEfer(long value) {
    checkOnlyChanges("EFER", efer, value, ControlRegisters.EFER_NXE, "NXE");
    boolean changed = value != efer;
    efer = value;
    return changed;
  }

  private void checkOnlyChanges(String reg, long old, long value, long allowed, String name) {
    long diff = (old ^ value) & ~allowed;
    if (diff != 0) {
      throw new IllegalArgumentException(
          String.format(
              "cpu %d: writing 0x%x to %s (now 0x%x)"
                  + " changes bits 0x%x; only %s may change in long mode",
              cpu, value, reg, old, diff, name));
    }
  }
}
