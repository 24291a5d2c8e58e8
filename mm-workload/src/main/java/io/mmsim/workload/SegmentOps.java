package io.mmsim.workload;

import java.util.Locale;

import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.Segment;

/**
 * The logical-to-linear step made visible: {@code segment SREG SELECTOR} loads a segment register
 * of the current CPU from the GDT (with the CPU's checks), and {@code logical SREG OFFSET} prints
 * the linear address the segment forms for that offset, or the #GP it raises. In 64-bit mode
 * logical equals linear; after {@code segment cs 0x23} (compatibility mode) a non-flat user data
 * segment ({@code x86_64.user-ds-base}, {@code x86_64.user-ds-limit}) shows a base and a limit.
 */
final class SegmentOps {
  private SegmentOps() {}

  static void register(Operations ops) {
    ops.add("segment", "segment SREG SELECTOR", SegmentOps::segment);
    ops.add("logical", "logical SREG OFFSET", SegmentOps::logical);
  }

  private static Mmu mmu(Replay r, String op) {
    return Replay.require(r.kernel().pageTable(), op, "MMU (page-table=none)").mmu(r.cpu());
  }

  private static int sreg(Args a) {
    String name = a.get(0, "SREG").toLowerCase(Locale.ROOT);
    for (int s = 0; s < Segment.REGISTERS; s++) {
      if (Segment.registerName(s).toLowerCase(Locale.ROOT).equals(name)) {
        return s;
      }
    }
    throw new BadLineException(
        a.op()
            + ": unknown segment register '"
            + a.get(0, "SREG")
            + "' (cs, ds, es, ss, fs or gs)");
  }

  /** {@code segment SREG SELECTOR}: prints {@code LINE: ds = 0x2b} or the #GP. */
  static void segment(Replay r, Args a) {
    a.expect(2, 2, "segment SREG SELECTOR");
    a.allowOptions();
    int sreg = sreg(a);
    int selector = a.intIn(1, "SELECTOR", 0, 0xffff);
    Mmu mmu = mmu(r, "segment");
    String name = Segment.registerName(sreg).toLowerCase(Locale.ROOT);
    if (mmu.loadSegment(sreg, selector)) {
      r.printLine(String.format("%s = 0x%x (cpl %d)", name, selector, mmu.cpl()));
    } else {
      r.printLine(
          String.format(
              "%s = 0x%x: #GP(0x%x), %s unchanged", name, selector, mmu.errorCode(), name));
    }
  }

  /** {@code logical SREG OFFSET}: prints {@code LINE: ds:0x1000 -> linear 0x...} or the #GP. */
  static void logical(Replay r, Args a) {
    a.expect(2, 2, "logical SREG OFFSET");
    a.allowOptions();
    int sreg = sreg(a);
    long offset = a.number(1, "OFFSET");
    Mmu mmu = mmu(r, "logical");
    String name = Segment.registerName(sreg).toLowerCase(Locale.ROOT);
    int access = sreg == Segment.CS ? Access.EXECUTE : Access.READ;
    long linear = mmu.linearAddress(sreg, offset, access);
    if (linear == Mmu.BAD_LINEAR) {
      r.printLine(
          String.format(
              "%s:0x%x -> #GP (selector 0x%x, base 0x%x)",
              name, offset, mmu.selector(sreg), mmu.segmentBase(sreg)));
    } else {
      r.printLine(String.format("%s:0x%x -> linear 0x%x", name, offset, linear));
    }
  }
}
