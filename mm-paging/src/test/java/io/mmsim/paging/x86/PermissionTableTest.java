package io.mmsim.paging.x86;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.ControlRegisters;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.Pte;
import io.mmsim.paging.TestMachine;

/**
 * Every combination of P, R/W, U/S and XD at each of the four levels, against every access kind and
 * mode, with CR0.WP and EFER.NXE on and off, checked against expectations derived from the Intel
 * SDM rules (vol. 3, 4.6 access rights, 4.7 page-fault error code) written out below.
 */
final class PermissionTableTest {
  private static final long VA = 0x400000 + 0x123;
  private static final int P = 1;
  private static final int W = 2;
  private static final int U = 4;
  private static final int X = 8;

  private TestMachine m;
  private X86PageTable pt;
  private Mmu mmu;
  private long root;
  private long data;
  private final long[] entryAddr = new long[5];
  private final long[] pointer = new long[5];

  @BeforeEach
  void setUp() {
    m = TestMachine.of(16384, "tlb-entries=4");
    pt = (X86PageTable) m.pageTable;
    root = pt.createAddressSpace();
    data = m.allocator.allocPages(0, Gfp.KERNEL, 0);
    assertThat(pt.writePte(root, VA, Pte.make(data, Pte.PRESENT))).isTrue();
    for (int level = 1; level <= 4; level++) {
      entryAddr[level] = pt.entryAddress(root, VA, level);
      pointer[level] = m.memory.readLong(entryAddr[level]) & Pte.PFN_MASK;
    }
    mmu = pt.mmu(0);
    mmu.loadCr3(root);
  }

  @AfterEach
  void checkInvariants() {
    for (int level = 1; level <= 4; level++) {
      m.memory.writeLong(entryAddr[level], pointer[level] | Pte.PRESENT | Pte.RW | Pte.USER);
    }
    m.pageTable.checkInvariants();
  }

  /** Writes the four entries: nibble {@code level - 1} of {@code combo} holds P, W, U, X. */
  private void install(int combo) {
    for (int level = 1; level <= 4; level++) {
      int n = nibble(combo, level);
      long e =
          pointer[level]
              | ((n & P) != 0 ? Pte.PRESENT : 0)
              | ((n & W) != 0 ? Pte.RW : 0)
              | ((n & U) != 0 ? Pte.USER : 0)
              | ((n & X) != 0 ? Pte.NX : 0);
      m.memory.writeLong(entryAddr[level], e);
    }
    mmu.invlpg(VA);
  }

  private static int nibble(int combo, int level) {
    return combo >>> (4 * (level - 1)) & 0xf;
  }

  private void setModes(boolean wp, boolean nxe) {
    long cr0 = mmu.cr0() & ~ControlRegisters.CR0_WP;
    mmu.writeCr0(wp ? cr0 | ControlRegisters.CR0_WP : cr0);
    long efer = mmu.efer() & ~ControlRegisters.EFER_NXE;
    mmu.writeEfer(nxe ? efer | ControlRegisters.EFER_NXE : efer);
  }

  /**
   * The SDM's answer: -1 when the access succeeds, else the error code. The walk stops at the first
   * entry that is not present (P = 0 in the code) or has a reserved bit (XD with NXE off: P = 1,
   * RSVD = 1). A complete translation is a user-mode address when U/S = 1 at every level; it is
   * writable when R/W = 1 at every level; executable unless XD = 1 at some level. User accesses
   * need a user-mode address; writes need writable unless the access is a supervisor one with WP =
   * 0; fetches need executable when NXE = 1 (no SMEP/SMAP modelled). W/R, U/S and I/D (only with
   * NXE) describe the access.
   */
  static int expected(int combo, int access, boolean user, boolean wp, boolean nxe) {
    int accessBits =
        (access == Access.WRITE ? ErrorCode.WRITE : 0)
            | (user ? ErrorCode.USER : 0)
            | (access == Access.EXECUTE && nxe ? ErrorCode.INSTR : 0);
    boolean allWritable = true;
    boolean allUser = true;
    boolean anyXd = false;
    for (int level = 4; level >= 1; level--) {
      int n = nibble(combo, level);
      if ((n & P) == 0) {
        return accessBits;
      }
      if ((n & X) != 0 && !nxe) {
        return ErrorCode.PROT | ErrorCode.RSVD | accessBits;
      }
      allWritable &= (n & W) != 0;
      allUser &= (n & U) != 0;
      anyXd |= (n & X) != 0;
    }
    boolean denied =
        (user && !allUser)
            || (access == Access.WRITE && !allWritable && (user || wp))
            || (access == Access.EXECUTE && nxe && anyXd);
    return denied ? ErrorCode.PROT | accessBits : -1;
  }

  @Test
  void translate_everyCombination_matchesTheSdmRules() {
    long translations = 0;
    long faults = 0;
    for (int modes = 0; modes < 4; modes++) {
      boolean wp = (modes & 1) != 0;
      boolean nxe = (modes & 2) != 0;
      setModes(wp, nxe);
      for (int combo = 0; combo < 1 << 16; combo++) {
        install(combo);
        for (int access = Access.READ; access <= Access.EXECUTE; access++) {
          for (int u = 0; u < 2; u++) {
            boolean user = u == 1;
            int want = expected(combo, access, user, wp, nxe);
            long got = mmu.translate(VA, access, user);
            translations++;
            if (want == -1) {
              if (got != (data << 12 | 0x123)) {
                throw new AssertionError(
                    describe(combo, access, user, wp, nxe)
                        + ": expected success, got "
                        + got
                        + " err 0x"
                        + Integer.toHexString(mmu.errorCode()));
              }
            } else {
              faults++;
              if (got != Mmu.FAULT || mmu.errorCode() != want || mmu.cr2() != VA) {
                throw new AssertionError(
                    describe(combo, access, user, wp, nxe)
                        + ": expected err 0x"
                        + Integer.toHexString(want)
                        + ", got "
                        + got
                        + " err 0x"
                        + Integer.toHexString(mmu.errorCode()));
              }
            }
          }
        }
      }
    }
    assertThat(translations).isEqualTo(4L * 65536 * 6);
    assertThat(faults).isBetween(1L, translations - 1);
  }

  @Test
  void translate_everyCombination_sameAnswerFromTheTlb() {
    // Without invlpg between accesses a successful translation is cached: the TLB must give the
    // same answers as the walk (it re-walks when the cached rights do not allow the access).
    setModes(true, true);
    for (int combo = 0; combo < 1 << 16; combo += 7) {
      install(combo);
      for (int round = 0; round < 2; round++) {
        for (int access = Access.READ; access <= Access.EXECUTE; access++) {
          for (int u = 0; u < 2; u++) {
            int want = expected(combo, access, u == 1, true, true);
            long got = mmu.translate(VA, access, u == 1);
            assertThat(got == Mmu.FAULT ? mmu.errorCode() : -1)
                .as(describe(combo, access, u == 1, true, true))
                .isEqualTo(want);
          }
        }
      }
    }
  }

  private static String describe(int combo, int access, boolean user, boolean wp, boolean nxe) {
    StringBuilder sb = new StringBuilder();
    for (int level = 4; level >= 1; level--) {
      int n = nibble(combo, level);
      sb.append("L")
          .append(level)
          .append('[')
          .append((n & P) != 0 ? "P" : "-")
          .append((n & W) != 0 ? "W" : "-")
          .append((n & U) != 0 ? "U" : "-")
          .append((n & X) != 0 ? "X" : "-")
          .append("] ");
    }
    return sb
        + (user ? "user " : "kernel ")
        + Access.name(access)
        + " WP="
        + (wp ? 1 : 0)
        + " NXE="
        + (nxe ? 1 : 0);
  }

  // ================================================================ pinned rows

  private static int all(int flags) {
    return flags | flags << 4 | flags << 8 | flags << 12;
  }

  private int run(int combo, int access, boolean user, boolean wp, boolean nxe) {
    setModes(wp, nxe);
    install(combo);
    long got = mmu.translate(VA, access, user);
    int code = got == Mmu.FAULT ? mmu.errorCode() : -1;
    assertThat(code)
        .as(describe(combo, access, user, wp, nxe))
        .isEqualTo(expected(combo, access, user, wp, nxe));
    return code;
  }

  @Test
  void pinned_userReadOfUnmapped_is0x4() {
    assertThat(run(all(P | W | U) & ~P, Access.READ, true, true, true)).isEqualTo(0x4);
  }

  @Test
  void pinned_userWriteToPresentReadOnly_is0x7() {
    assertThat(run(all(P | W | U) & ~W, Access.WRITE, true, true, true)).isEqualTo(0x7);
  }

  @Test
  void pinned_userWriteToNotPresent_is0x6() {
    assertThat(run(all(P | W | U) & ~P, Access.WRITE, true, true, true)).isEqualTo(0x6);
  }

  @Test
  void pinned_userFetchFromPresentNxPage_is0x15() {
    assertThat(run(all(P | W | U) | X, Access.EXECUTE, true, true, true)).isEqualTo(0x15);
  }

  @Test
  void pinned_userReadOfPresentSupervisorPage_is0x5() {
    assertThat(run(all(P | W | U) & ~U, Access.READ, true, true, true)).isEqualTo(0x5);
  }

  @Test
  void pinned_userReadWithSupervisorBitOnlyInPml4_is0x5() {
    assertThat(run(all(P | W | U) & ~(U << 12), Access.READ, true, true, true)).isEqualTo(0x5);
  }

  @Test
  void pinned_userWriteWithReadOnlyPmd_is0x7() {
    assertThat(run(all(P | W | U) & ~(W << 4), Access.WRITE, true, true, true)).isEqualTo(0x7);
  }

  @Test
  void pinned_kernelWriteToReadOnly_faults0x3WithWp_succeedsWithout() {
    assertThat(run(all(P | U), Access.WRITE, false, true, true)).isEqualTo(0x3);
    assertThat(run(all(P | U), Access.WRITE, false, false, true)).isEqualTo(-1);
    assertThat(run(all(P), Access.WRITE, false, false, true)).isEqualTo(-1);
  }

  @Test
  void pinned_kernelReadNotPresent_is0x0_kernelFetchNx_is0x11() {
    assertThat(run(0, Access.READ, false, true, true)).isEqualTo(0x0);
    assertThat(run(all(P | W) | X, Access.EXECUTE, false, true, true)).isEqualTo(0x11);
  }

  @Test
  void pinned_kernelFetchFromUserPage_succeedsWithoutSmep() {
    assertThat(run(all(P | W | U), Access.EXECUTE, false, true, true)).isEqualTo(-1);
  }

  @Test
  void pinned_xdWithNxeOff_isReservedBit() {
    assertThat(run(all(P | W | U) | X << 8, Access.READ, true, true, false))
        .isEqualTo(ErrorCode.PROT | ErrorCode.RSVD | ErrorCode.USER);
    assertThat(run(all(P | W | U) | X, Access.EXECUTE, true, true, false)).isEqualTo(0xd);
  }

  @Test
  void pinned_fetchWithNxeOff_hasNoInstrBit() {
    assertThat(run(all(P | W | U) & ~P, Access.EXECUTE, true, true, false)).isEqualTo(0x4);
    assertThat(run(all(P | W | U), Access.EXECUTE, true, true, false)).isEqualTo(-1);
  }

  @Test
  void pinned_notPresentBelowASupervisorLevel_reportsNotPresent() {
    // P = 0 in the PTE wins over U/S = 0 higher up: the translation never completes
    assertThat(run((all(P | W | U) & ~(U << 12)) & ~P, Access.READ, true, true, true))
        .isEqualTo(0x4);
  }
}
