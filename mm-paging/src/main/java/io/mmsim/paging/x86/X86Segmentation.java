package io.mmsim.paging.x86;

import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.Segment;

/**
 * One CPU's segmentation (Intel SDM vol. 3 chapters 3 and 5): a 16-entry GDT with Linux's
 * descriptors ({@code arch/x86/kernel/cpu/common.c: gdt_page}, {@code
 * arch/x86/include/asm/segment.h}), six segment registers with their hidden descriptor caches, and
 * the CPL. In 64-bit mode (CS.L = 1) only FS and GS add a base and offsets are checked for being
 * canonical; in compatibility mode offsets are 32-bit and the type, base and limit of the
 * descriptor are checked. A violation is a #GP, raised through the CPU's {@link X86Mmu}.
 *
 * <p>Not thread-safe: one kernel, one thread.
 */
final class X86Segmentation {
  private final X86Mmu mmu;
  private final int canonShift;
  private final long[] gdt = new long[Segment.GDT_ENTRIES];
  private final int[] selectors = new int[Segment.REGISTERS];
  private final long[] descriptors = new long[Segment.REGISTERS];
  private final long[] bases = new long[Segment.REGISTERS];
  private int cpl;

  X86Segmentation(X86Mmu mmu, X86Config cfg, int canonShift) {
    this.mmu = mmu;
    this.canonShift = canonShift;
    initGdt(cfg);
  }

  private void initGdt(X86Config cfg) {
    gdt[Segment.GDT_ENTRY_KERNEL32_CS] =
        Segment.descriptor(Segment.FLAGS_KERNEL32_CS, 0, Segment.MAX_RAW_LIMIT);
    gdt[Segment.GDT_ENTRY_KERNEL_CS] =
        Segment.descriptor(Segment.FLAGS_KERNEL_CS, 0, Segment.MAX_RAW_LIMIT);
    gdt[Segment.GDT_ENTRY_KERNEL_DS] =
        Segment.descriptor(Segment.FLAGS_KERNEL_DS, 0, Segment.MAX_RAW_LIMIT);
    gdt[Segment.GDT_ENTRY_DEFAULT_USER32_CS] =
        Segment.descriptor(Segment.FLAGS_USER32_CS, 0, Segment.MAX_RAW_LIMIT);
    gdt[Segment.GDT_ENTRY_DEFAULT_USER_DS] =
        Segment.descriptor(Segment.FLAGS_USER_DS, cfg.userDsBase(), cfg.userDsLimit());
    gdt[Segment.GDT_ENTRY_DEFAULT_USER_CS] =
        Segment.descriptor(Segment.FLAGS_USER_CS, 0, Segment.MAX_RAW_LIMIT);
    // Kernel mode after boot: CS = __KERNEL_CS, SS = __KERNEL_DS, DS/ES/FS/GS null.
    setSegment(Segment.CS, Segment.KERNEL_CS, gdt[Segment.GDT_ENTRY_KERNEL_CS]);
    setSegment(Segment.SS, Segment.KERNEL_DS, gdt[Segment.GDT_ENTRY_KERNEL_DS]);
    cpl = 0;
  }

  private void setSegment(int sreg, int selector, long desc) {
    selectors[sreg] = selector;
    descriptors[sreg] = desc;
    bases[sreg] = desc == 0 ? 0 : Segment.base(desc);
  }

  private static void checkRegister(int sreg) {
    if (sreg < Segment.ES || sreg > Segment.GS) {
      throw new IllegalArgumentException("no such segment register: " + sreg);
    }
  }

  private boolean longMode() {
    return Segment.longMode(descriptors[Segment.CS]);
  }

  int selector(int sreg) {
    checkRegister(sreg);
    return selectors[sreg];
  }

  long segmentBase(int sreg) {
    checkRegister(sreg);
    if (longMode() && sreg != Segment.FS && sreg != Segment.GS) {
      return 0;
    }
    return bases[sreg];
  }

  int cpl() {
    return cpl;
  }

  long gdtEntry(int index) {
    if (index < 0 || index >= Segment.GDT_ENTRIES) {
      throw new IllegalArgumentException(
          "GDT index " + index + " is not in [0, " + Segment.GDT_ENTRIES + ")");
    }
    return gdt[index];
  }

  boolean loadSegment(int sreg, int selector) {
    checkRegister(sreg);
    if (selector < 0 || selector > 0xffff) {
      throw new IllegalArgumentException(String.format("selector 0x%x is not 16 bits", selector));
    }
    int rpl = Segment.rpl(selector);
    if (Segment.isNull(selector) && !Segment.ldt(selector)) {
      if (sreg == Segment.CS || (sreg == Segment.SS && !(cpl == 0 && longMode()))) {
        return segmentFault(selector);
      }
      setSegment(sreg, selector, 0);
      return true;
    }
    int index = Segment.index(selector);
    if (Segment.ldt(selector) || index >= Segment.GDT_ENTRIES) {
      return segmentFault(selector);
    }
    long d = gdt[index];
    if (!Segment.codeOrData(d) || !Segment.present(d)) {
      return segmentFault(selector);
    }
    int dpl = Segment.dpl(d);
    switch (sreg) {
      case Segment.CS -> {
        if (!Segment.code(d) || dpl != rpl) {
          return segmentFault(selector);
        }
      }
      case Segment.SS -> {
        if (!Segment.writable(d) || rpl != cpl || dpl != cpl) {
          return segmentFault(selector);
        }
      }
      default -> {
        if (!Segment.readable(d) || (!Segment.conforming(d) && dpl < Math.max(cpl, rpl))) {
          return segmentFault(selector);
        }
      }
    }
    d = Segment.withAccessed(d);
    gdt[index] = d;
    setSegment(sreg, selector, d);
    if (sreg == Segment.CS) {
      cpl = rpl;
    }
    return true;
  }

  private boolean segmentFault(int selector) {
    mmu.generalProtection(selector & 0xfffc);
    return false;
  }

  void writeSegmentBase(int sreg, long base) {
    if (sreg != Segment.FS && sreg != Segment.GS) {
      throw new IllegalArgumentException(
          "only fs and gs have a writable base, not " + Segment.registerName(sreg));
    }
    if ((base << canonShift) >> canonShift != base) {
      throw new IllegalArgumentException(
          String.format("%s base 0x%x is not canonical", Segment.registerName(sreg), base));
    }
    bases[sreg] = base;
  }

  long linearAddress(int sreg, long offset, int access) {
    checkRegister(sreg);
    if (access < Access.READ || access > Access.EXECUTE) {
      throw new IllegalArgumentException("linearAddress: no such access kind " + access);
    }
    if (access == Access.EXECUTE && sreg != Segment.CS) {
      throw new IllegalArgumentException(
          "instruction fetches use cs, not " + Segment.registerName(sreg));
    }
    if (longMode()) {
      long base = sreg == Segment.FS || sreg == Segment.GS ? bases[sreg] : 0;
      long linear = base + offset;
      if ((linear << canonShift) >> canonShift != linear) {
        mmu.generalProtection(0);
        return Mmu.BAD_LINEAR;
      }
      return linear;
    }
    long off = offset & 0xffffffffL;
    long d = descriptors[sreg];
    boolean ok =
        d != 0
            && (access != Access.WRITE || Segment.writable(d))
            && (access != Access.READ || Segment.readable(d))
            && (access != Access.EXECUTE || Segment.code(d));
    if (ok) {
      long limit = Segment.limit(d);
      if (Segment.expandDown(d)) {
        long upper = Segment.big(d) ? 0xffffffffL : 0xffffL;
        ok = off > limit && off <= upper;
      } else {
        ok = off <= limit;
      }
    }
    if (!ok) {
      mmu.generalProtection(0);
      return Mmu.BAD_LINEAR;
    }
    return (bases[sreg] + off) & 0xffffffffL;
  }
}
