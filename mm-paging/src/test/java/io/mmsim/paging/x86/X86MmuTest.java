package io.mmsim.paging.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.ControlRegisters;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.Pte;
import io.mmsim.paging.TestMachine;

final class X86MmuTest {
  private static final long FRAMES = 16384;
  private static final long USER_RW = Pte.PRESENT | Pte.RW | Pte.USER;

  private final List<TestMachine> machines = new ArrayList<>();

  private TestMachine machine(String... settings) {
    return machine(1, settings);
  }

  private TestMachine machine(int cpus, String... settings) {
    TestMachine m = TestMachine.of(FRAMES, cpus, settings);
    machines.add(m);
    return m;
  }

  @AfterEach
  void checkInvariants() {
    for (TestMachine m : machines) {
      m.pageTable.checkInvariants();
    }
  }

  private static long frame(TestMachine m) {
    return m.allocator.allocPages(0, Gfp.KERNEL, 0);
  }

  // ================================================================ control registers

  @Test
  void controlRegisters_atBoot_longModeWithWpNxePge() {
    Mmu mmu = machine().pageTable.mmu(0);
    assertThat(mmu.cr0()).isEqualTo(0x80050033L);
    assertThat(mmu.cr0() & ControlRegisters.CR0_PG).isNotZero();
    assertThat(mmu.cr0() & ControlRegisters.CR0_WP).isNotZero();
    assertThat(mmu.cr4())
        .isEqualTo(ControlRegisters.CR4_PSE | ControlRegisters.CR4_PAE | ControlRegisters.CR4_PGE);
    assertThat(mmu.efer())
        .isEqualTo(
            ControlRegisters.EFER_SCE
                | ControlRegisters.EFER_LME
                | ControlRegisters.EFER_LMA
                | ControlRegisters.EFER_NXE);
    assertThat(mmu.cr3()).isEqualTo(machines.get(0).pageTable.kernelRoot());
    assertThat(mmu.lastVector()).isZero();
  }

  @Test
  void controlRegisters_settingsOff_clearWpAndNxe() {
    Mmu mmu = machine("wp=false", "nx=false").pageTable.mmu(0);
    assertThat(mmu.cr0() & ControlRegisters.CR0_WP).isZero();
    assertThat(mmu.efer() & ControlRegisters.EFER_NXE).isZero();
  }

  @Test
  void writeControlRegister_otherThanWpPgeNxe_throwsAndChangesNothing() {
    Mmu mmu = machine().pageTable.mmu(0);
    long cr0 = mmu.cr0();
    assertThatThrownBy(() -> mmu.writeCr0(cr0 & ~ControlRegisters.CR0_PG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CR0");
    assertThatThrownBy(() -> mmu.writeCr4(mmu.cr4() | ControlRegisters.CR4_LA57))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CR4");
    assertThatThrownBy(() -> mmu.writeEfer(mmu.efer() & ~ControlRegisters.EFER_LMA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("EFER");
    assertThat(mmu.cr0()).isEqualTo(cr0);
  }

  @Test
  void writeCr4_clearingPge_flushesAndStopsCachingGlobals() {
    TestMachine m = machine();
    Mmu mmu = m.pageTable.mmu(0);
    long va = m.pageTable.pageOffset() + 0x5000;
    mmu.translate(va, Access.READ, false);
    assertThat(mmu.tlbValidEntries()).isEqualTo(1);
    mmu.writeCr4(mmu.cr4() & ~ControlRegisters.CR4_PGE);
    assertThat(mmu.tlbValidEntries()).isZero();
    mmu.translate(va, Access.READ, false);
    long root = m.pageTable.createAddressSpace();
    mmu.loadCr3(root);
    assertThat(mmu.tlbValidEntries()).as("not global without PGE").isZero();
  }

  // ================================================================ canonical addresses

  @Test
  void translate_nonCanonical_isGeneralProtectionNotPageFault() {
    TestMachine m = machine();
    Mmu mmu = m.pageTable.mmu(0);
    mmu.translate(0x1000, Access.READ, true);
    assertThat(mmu.lastVector()).isEqualTo(Mmu.VECTOR_PF);
    assertThat(mmu.cr2()).isEqualTo(0x1000);
    for (long bad :
        new long[] {
          0x0000800000000000L, 0xffff7fffffffffffL, 0x8000000000000000L, Mmu.BAD_LINEAR
        }) {
      assertThat(mmu.translate(bad, Access.READ, false)).isEqualTo(Mmu.GP_FAULT);
      assertThat(mmu.lastVector()).isEqualTo(Mmu.VECTOR_GP);
      assertThat(mmu.errorCode()).isZero();
      assertThat(mmu.cr2()).as("CR2 untouched by #GP").isEqualTo(0x1000);
    }
    assertThat(mmu.tlbMisses()).as("no walk for #GP").isEqualTo(1);
  }

  @Test
  void translate_fiveLevels_upperHalfOf48BitsIsCanonicalAndWalked() {
    TestMachine m = machine("levels=5");
    long root = m.pageTable.createAddressSpace();
    long va = 0x0000800000001000L;
    long pfn = frame(m);
    assertThat(m.pageTable.writePte(root, va, m.pageTable.pfnPte(pfn, USER_RW))).isTrue();
    Mmu mmu = m.pageTable.mmu(0);
    mmu.loadCr3(root);
    assertThat(mmu.translate(va + 4, Access.WRITE, true)).isEqualTo((pfn << 12) + 4);
    assertThat(mmu.translate(0x0100000000000000L, Access.READ, true)).isEqualTo(Mmu.GP_FAULT);
  }

  @Test
  void translate_badAccessKind_throws() {
    Mmu mmu = machine().pageTable.mmu(0);
    assertThatThrownBy(() -> mmu.translate(0, 3, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ================================================================ accessed and dirty bits

  @Test
  void walk_setsAccessedOnEveryLevelAndDirtyOnLeafWrites_inTheRealBytes() {
    TestMachine m = machine();
    X86PageTable pt = (X86PageTable) m.pageTable;
    long root = pt.createAddressSpace();
    long va = 0x12345000L;
    long pfn = frame(m);
    pt.writePte(root, va, Pte.make(pfn, USER_RW));
    long[] ea = new long[5];
    for (int level = 1; level <= 4; level++) {
      ea[level] = pt.entryAddress(root, va, level);
      long e = m.memory.readLong(ea[level]);
      m.memory.writeLong(ea[level], e & ~(Pte.ACCESSED | Pte.DIRTY));
    }
    Mmu mmu = pt.mmu(0);
    mmu.loadCr3(root);
    assertThat(mmu.translate(va, Access.READ, true)).isEqualTo(pfn << 12);
    for (int level = 1; level <= 4; level++) {
      long e = m.memory.readLong(ea[level]);
      assertThat(e & Pte.ACCESSED).as("A at level %d", level).isNotZero();
      assertThat(e & Pte.DIRTY).as("no D at level %d", level).isZero();
    }
    assertThat(mmu.translate(va, Access.WRITE, true)).isEqualTo(pfn << 12);
    assertThat(m.memory.readLong(ea[1]) & Pte.DIRTY).as("D on the leaf").isNotZero();
    for (int level = 2; level <= 4; level++) {
      assertThat(m.memory.readLong(ea[level]) & Pte.DIRTY).as("D at level %d", level).isZero();
    }
    assertThat(pt.readPte(root, va)).isEqualTo(Pte.make(pfn, USER_RW | Pte.ACCESSED | Pte.DIRTY));
  }

  @Test
  void walk_faultingAccess_setsAccessedAboveButNotOnTheLeaf() {
    TestMachine m = machine();
    X86PageTable pt = (X86PageTable) m.pageTable;
    long root = pt.createAddressSpace();
    long va = 0x12345000L;
    pt.writePte(root, va, Pte.make(frame(m), Pte.PRESENT | Pte.USER));
    long[] ea = new long[5];
    for (int level = 1; level <= 4; level++) {
      ea[level] = pt.entryAddress(root, va, level);
      m.memory.writeLong(ea[level], m.memory.readLong(ea[level]) & ~Pte.ACCESSED);
    }
    Mmu mmu = pt.mmu(0);
    mmu.loadCr3(root);
    assertThat(mmu.translate(va, Access.WRITE, true)).isEqualTo(Mmu.FAULT);
    assertThat(mmu.errorCode()).isEqualTo(0x7);
    assertThat(m.memory.readLong(ea[1]) & (Pte.ACCESSED | Pte.DIRTY)).isZero();
    for (int level = 2; level <= 4; level++) {
      assertThat(m.memory.readLong(ea[level]) & Pte.ACCESSED).as("level %d", level).isNotZero();
    }
  }

  @Test
  void directMapWrite_setsDirtyOnTheHugeLeaf() {
    TestMachine m = machine();
    X86PageTable pt = (X86PageTable) m.pageTable;
    long va = pt.pageOffset() + (4L << 20) + 0x10;
    long ea = pt.entryAddress(pt.kernelRoot(), va, 2);
    long e = m.memory.readLong(ea);
    m.memory.writeLong(ea, e & ~(Pte.ACCESSED | Pte.DIRTY));
    Mmu mmu = pt.mmu(0);
    assertThat(mmu.translate(va, Access.READ, false)).isEqualTo((4L << 20) + 0x10);
    assertThat(m.memory.readLong(ea)).isEqualTo(e & ~Pte.DIRTY);
    assertThat(mmu.translate(va, Access.WRITE, false)).isEqualTo((4L << 20) + 0x10);
    assertThat(m.memory.readLong(ea)).isEqualTo(e);
  }

  // ================================================================ TLB

  @Test
  void tlb_secondAccessHits_writeThroughCleanEntryWalksOnce() {
    TestMachine m = machine();
    long root = m.pageTable.createAddressSpace();
    long pfn = frame(m);
    m.pageTable.writePte(root, 0x7000, Pte.make(pfn, USER_RW));
    Mmu mmu = m.pageTable.mmu(0);
    mmu.loadCr3(root);
    long hits = mmu.tlbHits();
    long misses = mmu.tlbMisses();
    long lookupMisses = mmu.tlbLookupMisses();
    mmu.translate(0x7008, Access.READ, true);
    mmu.translate(0x7010, Access.READ, true);
    mmu.translate(0x7018, Access.EXECUTE, true);
    assertThat(mmu.tlbMisses() - misses).isEqualTo(1);
    assertThat(mmu.tlbHits() - hits).isEqualTo(2);
    mmu.translate(0x7020, Access.WRITE, true);
    assertThat(mmu.tlbMisses() - misses).as("D must be set by a walk").isEqualTo(2);
    assertThat(mmu.tlbLookupMisses() - lookupMisses)
        .as("the entry was there: a walk, not a TLB miss")
        .isEqualTo(1);
    mmu.translate(0x7028, Access.WRITE, true);
    mmu.translate(0x7030, Access.READ, true);
    assertThat(mmu.tlbMisses() - misses).isEqualTo(2);
    assertThat(mmu.tlbHits() - hits).isEqualTo(4);
    assertThat(mmu.tlbValidEntries()).isEqualTo(1);
  }

  @Test
  void tlb_staleEntryAfterPteChange_untilInvlpg() {
    TestMachine m = machine();
    long root = m.pageTable.createAddressSpace();
    long a = frame(m);
    long b = frame(m);
    m.pageTable.writePte(root, 0x7000, Pte.make(a, USER_RW));
    Mmu mmu = m.pageTable.mmu(0);
    mmu.loadCr3(root);
    assertThat(mmu.translate(0x7000, Access.READ, true)).isEqualTo(a << 12);
    m.pageTable.writePte(root, 0x7000, Pte.make(b, USER_RW));
    assertThat(mmu.translate(0x7000, Access.READ, true))
        .as("stale, as on hardware")
        .isEqualTo(a << 12);
    mmu.invlpg(0x7abc);
    assertThat(mmu.translate(0x7000, Access.READ, true)).isEqualTo(b << 12);
    m.pageTable.writePte(root, 0x7000, 0);
    m.pageTable.flushTlbPage(0x7000);
    assertThat(mmu.translate(0x7000, Access.READ, true)).isEqualTo(Mmu.FAULT);
    assertThat(mmu.errorCode()).isEqualTo(0x4);
  }

  @Test
  void tlb_permissionUpgradeWithoutFlush_isSeen_downgradeNeedsFlush() {
    TestMachine m = machine();
    long root = m.pageTable.createAddressSpace();
    long a = frame(m);
    m.pageTable.writePte(root, 0x7000, Pte.make(a, Pte.PRESENT | Pte.USER));
    Mmu mmu = m.pageTable.mmu(0);
    mmu.loadCr3(root);
    assertThat(mmu.translate(0x7000, Access.WRITE, true)).isEqualTo(Mmu.FAULT);
    mmu.translate(0x7000, Access.READ, true);
    m.pageTable.writePte(root, 0x7000, Pte.make(a, USER_RW));
    assertThat(mmu.translate(0x7000, Access.WRITE, true)).isEqualTo(a << 12);
    m.pageTable.writePte(root, 0x7000, Pte.make(a, Pte.PRESENT | Pte.USER | Pte.DIRTY));
    assertThat(mmu.translate(0x7000, Access.WRITE, true))
        .as("stale writable entry")
        .isEqualTo(a << 12);
    m.pageTable.flushTlbPage(0x7000);
    assertThat(mmu.translate(0x7000, Access.WRITE, true)).isEqualTo(Mmu.FAULT);
  }

  @Test
  void tlb_cr3Reload_keepsGlobalEntriesOnly() {
    TestMachine m = machine();
    long root = m.pageTable.createAddressSpace();
    m.pageTable.writePte(root, 0x7000, Pte.make(frame(m), USER_RW));
    Mmu mmu = m.pageTable.mmu(0);
    mmu.loadCr3(root);
    long kernelVa = m.pageTable.pageOffset() + 0x9000;
    mmu.translate(0x7000, Access.READ, true);
    mmu.translate(kernelVa, Access.READ, false);
    assertThat(mmu.tlbValidEntries()).isEqualTo(2);
    mmu.loadCr3(root);
    assertThat(mmu.tlbValidEntries()).isEqualTo(1);
    long misses = mmu.tlbMisses();
    mmu.translate(kernelVa, Access.READ, false);
    assertThat(mmu.tlbMisses()).as("global direct-map entry survived").isEqualTo(misses);
    mmu.translate(0x7000, Access.READ, true);
    assertThat(mmu.tlbMisses()).as("user entry was flushed").isEqualTo(misses + 1);
    mmu.flushTlbAll();
    assertThat(mmu.tlbValidEntries()).isZero();
  }

  @Test
  void tlb_invlpg_dropsTheLargePageEntry() {
    TestMachine m = machine();
    Mmu mmu = m.pageTable.mmu(0);
    long base = m.pageTable.pageOffset() + (6L << 20);
    mmu.translate(base, Access.READ, false);
    mmu.translate(base + 0x1000, Access.READ, false);
    mmu.translate(base + 0x1ff000, Access.READ, false);
    mmu.translate(base + 0x200000, Access.READ, false);
    // one large-page entry per 2 MiB page, however many of its 4 KiB pages were used
    assertThat(mmu.tlbValidEntries()).isEqualTo(2);
    assertThat(mmu.tlbLargeEntries()).isEqualTo(2);
    mmu.invlpg(base + 0x5000);
    assertThat(mmu.tlbValidEntries()).as("the next 2 MiB page stays").isEqualTo(1);
  }

  @Test
  void tlb_directMapped_conflictingPagesEvictEachOther() {
    TestMachine m = machine("tlb-entries=4", "tlb-ways=1");
    long root = m.pageTable.createAddressSpace();
    long pfn = frame(m);
    for (long va = 0; va < 0x10000; va += 0x1000) {
      m.pageTable.writePte(root, va, Pte.make(pfn, USER_RW));
    }
    Mmu mmu = m.pageTable.mmu(0);
    mmu.loadCr3(root);
    assertThat(mmu.tlbSize()).isEqualTo(4);
    long misses = mmu.tlbMisses();
    for (int i = 0; i < 3; i++) {
      mmu.translate(0x0000, Access.READ, true);
      mmu.translate(0x4000, Access.READ, true);
    }
    assertThat(mmu.tlbMisses() - misses).as("same set, one way").isEqualTo(6);
    misses = mmu.tlbMisses();
    for (int i = 0; i < 3; i++) {
      mmu.translate(0x1000, Access.READ, true);
      mmu.translate(0x2000, Access.READ, true);
    }
    assertThat(mmu.tlbMisses() - misses).isEqualTo(2);
  }

  @Test
  void tlb_fourWay_roundRobinWithinASet() {
    TestMachine m = machine("tlb-entries=8", "tlb-ways=4");
    long root = m.pageTable.createAddressSpace();
    long pfn = frame(m);
    for (long va = 0; va < 0x20000; va += 0x1000) {
      m.pageTable.writePte(root, va, Pte.make(pfn, USER_RW));
    }
    Mmu mmu = m.pageTable.mmu(0);
    mmu.loadCr3(root);
    // set 0 holds even pages; five even pages cycle through four ways
    for (long va : new long[] {0x0, 0x2000, 0x4000, 0x6000}) {
      mmu.translate(va, Access.READ, true);
    }
    long misses = mmu.tlbMisses();
    mmu.translate(0x6000, Access.READ, true);
    assertThat(mmu.tlbMisses()).isEqualTo(misses);
    mmu.translate(0x8000, Access.READ, true);
    mmu.translate(0x0, Access.READ, true);
    assertThat(mmu.tlbMisses()).as("0x0 was the round-robin victim").isEqualTo(misses + 2);
    assertThat(mmu.tlbValidEntries()).isEqualTo(4);
  }

  @Test
  void flushTlbPage_reachesEveryCpu_flushTlbMmOnlyCpusRunningIt() {
    TestMachine m = machine(2);
    long root = m.pageTable.createAddressSpace();
    m.pageTable.writePte(root, 0x7000, Pte.make(frame(m), USER_RW));
    Mmu cpu0 = m.pageTable.mmu(0);
    Mmu cpu1 = m.pageTable.mmu(1);
    cpu0.loadCr3(root);
    cpu1.loadCr3(root);
    cpu0.translate(0x7000, Access.READ, true);
    cpu1.translate(0x7000, Access.READ, true);
    m.pageTable.flushTlbPage(0x7000);
    assertThat(cpu0.tlbValidEntries()).isZero();
    assertThat(cpu1.tlbValidEntries()).isZero();
    cpu0.translate(0x7000, Access.READ, true);
    cpu1.translate(0x7000, Access.READ, true);
    cpu1.loadCr3(m.pageTable.kernelRoot());
    cpu1.translate(m.pageTable.pageOffset(), Access.READ, false);
    m.pageTable.flushTlbMm(root);
    assertThat(cpu0.tlbValidEntries()).isZero();
    assertThat(cpu1.tlbValidEntries()).isEqualTo(1);
    assertThat(cpu0.cpu()).isZero();
    assertThat(cpu1.cpu()).isEqualTo(1);
  }

  @Test
  void writeEfer_clearingNxe_flushesAndMakesXdReserved() {
    TestMachine m = machine();
    long root = m.pageTable.createAddressSpace();
    m.pageTable.writePte(root, 0x7000, Pte.make(frame(m), USER_RW | Pte.NX));
    Mmu mmu = m.pageTable.mmu(0);
    mmu.loadCr3(root);
    assertThat(mmu.translate(0x7000, Access.READ, true)).isNotNegative();
    mmu.writeEfer(mmu.efer() & ~ControlRegisters.EFER_NXE);
    assertThat(mmu.tlbValidEntries()).isZero();
    assertThat(mmu.translate(0x7000, Access.READ, true)).isEqualTo(Mmu.FAULT);
    assertThat(mmu.errorCode()).isEqualTo(ErrorCode.PROT | ErrorCode.RSVD | ErrorCode.USER);
  }

  // ================================================================ reserved bits

  @Test
  void walk_pfnBitsAboveMaxPhyAddr_areReserved() {
    TestMachine m = machine("phys-bits=36");
    long root = m.pageTable.createAddressSpace();
    m.pageTable.writePte(root, 0x7000, Pte.make(1L << 24, USER_RW));
    Mmu mmu = m.pageTable.mmu(0);
    mmu.loadCr3(root);
    assertThat(mmu.translate(0x7000, Access.WRITE, true)).isEqualTo(Mmu.FAULT);
    assertThat(mmu.errorCode())
        .isEqualTo(ErrorCode.PROT | ErrorCode.RSVD | ErrorCode.WRITE | ErrorCode.USER);
    assertThat(ErrorCode.describe(mmu.errorCode())).isEqualTo("reserved bit violation");
  }

  @Test
  void walk_psInAPml4Entry_isReserved_psInAPdeMapsTwoMiB() {
    TestMachine m = machine();
    X86PageTable pt = (X86PageTable) m.pageTable;
    long root = pt.createAddressSpace();
    pt.writePte(root, 0x400000, Pte.make(frame(m), USER_RW));
    Mmu mmu = pt.mmu(0);
    mmu.loadCr3(root);
    long pml4e = pt.entryAddress(root, 0x400000, 4);
    long pde = pt.entryAddress(root, 0x400000, 2);
    long savedPml4e = m.memory.readLong(pml4e);
    long savedPde = m.memory.readLong(pde);
    m.memory.writeLong(pde, Pte.make(512, USER_RW | Pte.PS));
    assertThat(mmu.translate(0x4abcde, Access.READ, true)).isEqualTo((512L << 12) + 0xabcde);
    m.memory.writeLong(pde, Pte.make(513, USER_RW | Pte.PS));
    mmu.flushTlbAll();
    assertThat(mmu.translate(0x4abcde, Access.READ, true))
        .as("2 MiB page not aligned: bit 12" + " is PAT, bit 13 reserved")
        .isNotEqualTo(Mmu.FAULT);
    m.memory.writeLong(pde, Pte.make(514, USER_RW | Pte.PS));
    mmu.flushTlbAll();
    assertThat(mmu.translate(0x4abcde, Access.READ, true)).isEqualTo(Mmu.FAULT);
    assertThat(mmu.errorCode()).isEqualTo(0xd);
    m.memory.writeLong(pde, savedPde);
    m.memory.writeLong(pml4e, savedPml4e | Pte.PS);
    mmu.flushTlbAll();
    assertThat(mmu.translate(0x400000, Access.READ, true)).isEqualTo(Mmu.FAULT);
    assertThat(mmu.errorCode()).isEqualTo(0xd);
    m.memory.writeLong(pml4e, savedPml4e);
  }

  // ================================================================ misuse

  @Test
  void loadCr3_notARoot_throwsAndKeepsCr3() {
    TestMachine m = machine();
    Mmu mmu = m.pageTable.mmu(0);
    long before = mmu.cr3();
    assertThatThrownBy(() -> mmu.loadCr3(frame(m)))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("not the root");
    assertThat(mmu.cr3()).isEqualTo(before);
  }
}
