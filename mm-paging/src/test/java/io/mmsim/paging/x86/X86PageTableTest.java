package io.mmsim.paging.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.ConfigurationException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.paging.TestMachine;

final class X86PageTableTest {
  private static final long FRAMES_64M = 16384;
  private static final long USER_RW = Pte.PRESENT | Pte.RW | Pte.USER | Pte.ACCESSED | Pte.DIRTY;
  private static final long GIB = 1L << 30;
  private static final long MIB2 = 1L << 21;

  private final List<TestMachine> machines = new ArrayList<>();

  private TestMachine machine(long frames, String... settings) {
    TestMachine m = TestMachine.of(frames, settings);
    machines.add(m);
    return m;
  }

  @AfterEach
  void checkInvariants() {
    for (TestMachine m : machines) {
      m.pageTable.checkInvariants();
      m.allocator.checkInvariants();
    }
  }

  private static long frame(TestMachine m) {
    long pfn = m.allocator.allocPages(0, Gfp.KERNEL, 0);
    assertThat(pfn).isNotEqualTo(-1L);
    return pfn;
  }

  // ================================================================ 2 MiB user pages

  @Test
  void pteSlot_tableThere_isTheEntrysAddress_missingOrHuge_isMinusOne() {
    TestMachine m = machine(32768);
    long root = m.pageTable.createAddressSpace();
    long va = 0x40000000L;
    assertThat(m.pageTable.pteSlot(root, va)).as("no tables yet").isEqualTo(-1);
    long pfn = frame(m);
    assertThat(m.pageTable.writePte(root, va, Pte.make(pfn, USER_RW))).isTrue();

    // the walk's last table: the PMD entry's frame, indexed by bits 12-20
    long pmd = m.pageTable.readEntry(root, va + 0x3000, 2);
    long slot = m.pageTable.pteSlot(root, va + 0x3000);
    assertThat(slot).isEqualTo((pmd & Pte.PFN_MASK) + 8L * 3);
    assertThat(m.memory.readLong(slot)).isZero();
    long other = frame(m);
    m.memory.writeLong(slot, Pte.make(other, USER_RW));
    assertThat(m.pageTable.readPte(root, va + 0x3000)).isEqualTo(Pte.make(other, USER_RW));

    long hva = 0x80000000L;
    long block = m.allocator.allocPages(0, Gfp.KERNEL, 9);
    assertThat(m.pageTable.writeHugePmd(root, hva, Pte.make(block, USER_RW | Pte.PS))).isTrue();
    assertThat(m.pageTable.pteSlot(root, hva + 0x5000)).as("a 2 MiB page").isEqualTo(-1);

    m.pageTable.writeHugePmd(root, hva, 0);
    m.pageTable.writePte(root, va, 0);
    m.pageTable.writePte(root, va + 0x3000, 0);
    m.allocator.freePages(0, pfn, 0);
    m.allocator.freePages(0, other, 0);
    m.allocator.freePages(0, block, 9);
    m.pageTable.freeEmptyTables(root, va, hva + MIB2);
    m.pageTable.destroyAddressSpace(root);
  }

  @Test
  void writeHugePmd_userPage_translatesEvery4KiBWithinIt() {
    TestMachine m = machine(32768);
    long root = m.pageTable.createAddressSpace();
    long block = m.allocator.allocPages(0, Gfp.KERNEL, 9);
    long va = 0x40000000L;
    long tablesBefore = m.pageTable.tablePages(root);

    assertThat(m.pageTable.writeHugePmd(root, va, Pte.make(block, USER_RW | Pte.PS))).isTrue();

    // PUD and PMD tables, no page table
    assertThat(m.pageTable.tablePages(root)).isEqualTo(tablesBefore + 2);
    assertThat(Pte.huge(m.pageTable.readPte(root, va + 0x12345))).isTrue();
    assertThat(m.pageTable.virtToPhys(root, va + 0x12345))
        .isEqualTo(Page.pfnToPhys(block) + 0x12345);
    m.pageTable.writeHugePmd(root, va, 0);
    m.pageTable.freeEmptyTables(root, va, va + (2L << 20));
    m.pageTable.destroyAddressSpace(root);
  }

  @Test
  void splitHugePmd_hugeEntry_becomes512EntriesWithTheSameBits() {
    TestMachine m = machine(32768);
    long root = m.pageTable.createAddressSpace();
    long block = m.allocator.allocPages(0, Gfp.KERNEL, 9);
    long va = 0x40000000L;
    m.pageTable.writeHugePmd(root, va, Pte.make(block, USER_RW | Pte.PS));
    long tables = m.pageTable.tablePages(root);

    assertThat(m.pageTable.splitHugePmd(root, va)).isTrue();

    assertThat(m.pageTable.tablePages(root)).isEqualTo(tables + 1);
    for (int i = 0; i < 512; i++) {
      long pte = m.pageTable.readPte(root, va + ((long) i << Page.PAGE_SHIFT));
      assertThat(pte).isEqualTo(Pte.make(block + i, USER_RW));
    }
    assertThat(m.pageTable.splitHugePmd(root, va)).as("nothing huge left").isFalse();
    for (int i = 0; i < 512; i++) {
      m.pageTable.writePte(root, va + ((long) i << Page.PAGE_SHIFT), 0);
    }
    m.pageTable.freeEmptyTables(root, va, va + (2L << 20));
    m.pageTable.destroyAddressSpace(root);
  }

  @Test
  void writeHugePmd_overAPageTableInUse_isRefusedAndChangesNothing() {
    TestMachine m = machine(32768);
    long root = m.pageTable.createAddressSpace();
    long va = 0x40000000L;
    m.pageTable.writePte(root, va + 0x3000, Pte.make(frame(m), USER_RW));
    long block = m.allocator.allocPages(0, Gfp.KERNEL, 9);

    assertThatThrownBy(() -> m.pageTable.writeHugePmd(root, va, Pte.make(block, USER_RW | Pte.PS)))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("still maps 4 KiB pages");
    assertThatThrownBy(() -> m.pageTable.writeHugePmd(root, va + 0x1000, 0))
        .hasMessageContaining("not 2 MiB aligned");
    assertThat(Pte.present(m.pageTable.readPte(root, va + 0x3000))).isTrue();
    m.pageTable.writePte(root, va + 0x3000, 0);
    // the emptied table gives way to the huge page
    assertThat(m.pageTable.writeHugePmd(root, va, Pte.make(block, USER_RW | Pte.PS))).isTrue();
    m.pageTable.writeHugePmd(root, va, 0);
    m.pageTable.freeEmptyTables(root, va, va + (2L << 20));
    m.pageTable.destroyAddressSpace(root);
  }

  // ================================================================ geometry

  @Test
  void geometry_fourLevels_matchesLinux() {
    PageTable pt = machine(FRAMES_64M).pageTable;
    assertThat(pt.levels()).isEqualTo(4);
    assertThat(pt.virtualAddressBits()).isEqualTo(48);
    assertThat(pt.pageOffset()).isEqualTo(0xffff888000000000L);
    assertThat(pt.taskSizeMax()).isEqualTo(0x7ffffffff000L);
    assertThat(pt.supportedPteMask()).isEqualTo(-1L);
    assertThat(pt.isCanonical(0x00007fffffffffffL)).isTrue();
    assertThat(pt.isCanonical(0x0000800000000000L)).isFalse();
    assertThat(pt.isCanonical(0xffff7fffffffffffL)).isFalse();
    assertThat(pt.isCanonical(0xffff800000000000L)).isTrue();
  }

  @Test
  void geometry_fiveLevels_matchesLinux() {
    PageTable pt = machine(FRAMES_64M, "levels=5").pageTable;
    assertThat(pt.levels()).isEqualTo(5);
    assertThat(pt.virtualAddressBits()).isEqualTo(57);
    assertThat(pt.pageOffset()).isEqualTo(0xff11000000000000L);
    assertThat(pt.taskSizeMax()).isEqualTo((1L << 56) - 4096);
    assertThat(pt.isCanonical(0x0000800000000000L)).isTrue();
    assertThat(pt.isCanonical(0x00ffffffffffffffL)).isTrue();
    assertThat(pt.isCanonical(0x0100000000000000L)).isFalse();
    assertThat(pt.isCanonical(0xff00000000000000L)).isTrue();
    assertThat(pt.mmu(0).cr4() & (1L << 12)).as("CR4.LA57").isNotZero();
  }

  @Test
  void supportedPteMask_nxOff_dropsXdFromPfnPte() {
    PageTable pt = machine(FRAMES_64M, "nx=false").pageTable;
    assertThat(pt.supportedPteMask()).isEqualTo(~Pte.NX);
    assertThat(pt.pfnPte(5, Pte.PAGE_KERNEL)).isEqualTo(Pte.make(5, Pte.PAGE_KERNEL & ~Pte.NX));
  }

  // ================================================================ boot: direct map, kernel half

  @Test
  void boot_64MiB_directMapIn2MiBPagesAnd64VmallocTables() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    assertThat(pt.directMapPages(GIB)).isZero();
    assertThat(pt.directMapPages(MIB2)).isEqualTo(32);
    assertThat(pt.directMapPages(Page.PAGE_SIZE)).isZero();
    // root + PUD + PMD for the direct map; one PUD per PML4 slot of the 32 TiB vmalloc range
    assertThat(pt.kernelTablePages()).isEqualTo(3 + 64);
    assertThat(pt.tablePages()).isEqualTo(pt.kernelTablePages());
    assertThat(m.allocator.allocations()).isEqualTo(67);
  }

  @Test
  void boot_oneGiBPlus2MiBPlus4KiB_usesEachPageSizeOnce() {
    TestMachine m = machine((GIB + MIB2 + Page.PAGE_SIZE) >>> 12);
    PageTable pt = m.pageTable;
    assertThat(pt.directMapPages(GIB)).isEqualTo(1);
    assertThat(pt.directMapPages(MIB2)).isEqualTo(1);
    assertThat(pt.directMapPages(Page.PAGE_SIZE)).isEqualTo(1);
    // root, PUD, PMD of the second GiB, PT of the last 2 MiB, 64 vmalloc PUDs
    assertThat(pt.kernelTablePages()).isEqualTo(4 + 64);
    long pud = pt.readEntry(pt.kernelRoot(), pt.pageOffset(), 3);
    assertThat(pud).isEqualTo(Pte.make(0, Pte.PAGE_KERNEL_LARGE));
    assertThat(pt.readPte(pt.kernelRoot(), pt.pageOffset() + 12345)).isEqualTo(pud);
  }

  @Test
  void boot_gbpagesOff_uses2MiBPages() {
    PageTable pt = machine((GIB + MIB2 + Page.PAGE_SIZE) >>> 12, "gbpages=false").pageTable;
    assertThat(pt.directMapPages(GIB)).isZero();
    assertThat(pt.directMapPages(MIB2)).isEqualTo(513);
    assertThat(pt.directMapPages(Page.PAGE_SIZE)).isEqualTo(1);
    assertThat(pt.kernelTablePages()).isEqualTo(5 + 64);
  }

  @Test
  void boot_fiveLevels_p4dTablesForTheVmallocRange() {
    PageTable pt = machine(FRAMES_64M, "levels=5").pageTable;
    // root, P4D, PUD, PMD; vmalloc 0xffa0.. - 0xffd1.. spans 50 PML5 slots
    assertThat(pt.kernelTablePages()).isEqualTo(4 + 50);
    assertThat(pt.virtToPhys(pt.kernelRoot(), pt.pageOffset() + 0x123456)).isEqualTo(0x123456);
  }

  @Test
  void boot_oddFrameCount_tailIn4KiBPages() {
    PageTable pt = machine(FRAMES_64M + 3).pageTable;
    assertThat(pt.directMapPages(MIB2)).isEqualTo(32);
    assertThat(pt.directMapPages(Page.PAGE_SIZE)).isEqualTo(3);
    assertThat(pt.kernelTablePages()).isEqualTo(4 + 64);
  }

  @Test
  void directMap_translatesEveryPhysicalAddress_inKernelModeOnly() {
    TestMachine m = machine((GIB + MIB2 + Page.PAGE_SIZE) >>> 12);
    PageTable pt = m.pageTable;
    Mmu mmu = pt.mmu(0);
    long[] phys = {
      0, 0x1234, GIB - 1, GIB, GIB + 0x5678, GIB + MIB2 - 8, GIB + MIB2, GIB + MIB2 + 0xfff
    };
    for (long p : phys) {
      long va = pt.pageOffset() + p;
      assertThat(pt.virtToPhys(pt.kernelRoot(), va)).as("virtToPhys 0x%x", p).isEqualTo(p);
      assertThat(mmu.translate(va, Access.READ, false)).as("read 0x%x", p).isEqualTo(p);
      assertThat(mmu.translate(va, Access.WRITE, false)).as("write 0x%x", p).isEqualTo(p);
      assertThat(mmu.translate(va, Access.EXECUTE, false)).as("fetch 0x%x", p).isEqualTo(Mmu.FAULT);
      assertThat(mmu.errorCode()).isEqualTo(ErrorCode.PROT | ErrorCode.INSTR);
      assertThat(mmu.translate(va, Access.READ, true)).as("user read 0x%x", p).isEqualTo(Mmu.FAULT);
      assertThat(mmu.errorCode()).isEqualTo(0x5);
      assertThat(mmu.cr2()).isEqualTo(va);
    }
    long beyond = pt.pageOffset() + m.memory.size();
    assertThat(pt.virtToPhys(pt.kernelRoot(), beyond)).isEqualTo(PageTable.NO_PHYS);
    assertThat(mmu.translate(beyond, Access.READ, false)).isEqualTo(Mmu.FAULT);
    assertThat(mmu.errorCode()).isZero();
  }

  @Test
  void directMap_entriesAreGlobalSupervisorNx_inRealBytes() {
    TestMachine m = machine(FRAMES_64M + 1);
    PageTable pt = m.pageTable;
    long va = pt.pageOffset() + FRAMES_64M * Page.PAGE_SIZE;
    long e = pt.readPte(pt.kernelRoot(), va);
    assertThat(e).isEqualTo(Pte.make(FRAMES_64M, Pte.PAGE_KERNEL));
    assertThat(Pte.describe(e)).endsWith("P RW A D G NX");
    long pmdTable = Pte.pfn(pt.readEntry(pt.kernelRoot(), va, 2)) << 12;
    assertThat(m.memory.readLong(pmdTable + 8L * ((va >>> 12) & 511))).isEqualTo(e);
  }

  // ================================================================ address spaces and counts

  @Test
  void tablePages_oneUserPage_costsExactlyThreeTablesPlusRoot() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    long kernel = pt.kernelTablePages();
    long root = pt.createAddressSpace();
    assertThat(pt.tablePages(root)).isEqualTo(1);
    assertThat(pt.writePte(root, 0x400000, pt.pfnPte(frame(m), USER_RW))).isTrue();
    assertThat(pt.tablePages(root)).isEqualTo(4);
    assertThat(pt.writePte(root, 0x401000, pt.pfnPte(frame(m), USER_RW))).isTrue();
    assertThat(pt.tablePages(root)).as("same PT").isEqualTo(4);
    assertThat(pt.writePte(root, 0x600000, pt.pfnPte(frame(m), USER_RW))).isTrue();
    assertThat(pt.tablePages(root)).as("next 2 MiB: a PT").isEqualTo(5);
    assertThat(pt.writePte(root, 0x40000000, pt.pfnPte(frame(m), USER_RW))).isTrue();
    assertThat(pt.tablePages(root)).as("next GiB: PMD + PT").isEqualTo(7);
    assertThat(pt.writePte(root, 0x8000000000L, pt.pfnPte(frame(m), USER_RW))).isTrue();
    assertThat(pt.tablePages(root)).as("next 512 GiB: PUD + PMD + PT").isEqualTo(10);
    assertThat(pt.kernelTablePages()).isEqualTo(kernel);
    assertThat(pt.tablePages()).isEqualTo(kernel + 10);
  }

  @Test
  void tablePages_fiveLevels_oneUserPage_costsFourTablesPlusRoot() {
    TestMachine m = machine(FRAMES_64M, "levels=5");
    PageTable pt = m.pageTable;
    long root = pt.createAddressSpace();
    assertThat(pt.writePte(root, 0x400000, pt.pfnPte(frame(m), USER_RW))).isTrue();
    assertThat(pt.tablePages(root)).isEqualTo(5);
    assertThat(pt.writePte(root, 1L << 48, pt.pfnPte(frame(m), USER_RW))).isTrue();
    assertThat(pt.tablePages(root)).as("next PML5 slot").isEqualTo(9);
  }

  @Test
  void createAddressSpace_copiesTheKernelHalf() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    long root = pt.createAddressSpace();
    for (int i = 0; i < 512; i++) {
      long mine = m.memory.readLong((root << 12) + 8L * i);
      long kernel = m.memory.readLong((pt.kernelRoot() << 12) + 8L * i);
      assertThat(mine).as("entry %d", i).isEqualTo(i < 256 ? 0 : kernel);
    }
    assertThat(pt.virtToPhys(root, pt.pageOffset() + 0x5000)).isEqualTo(0x5000);
  }

  @Test
  void destroyAddressSpace_afterUnmapping_freesEveryTable() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    long free = m.allocator.nrFreePages();
    long root = pt.createAddressSpace();
    long[] addrs = {0x1000, 0x400000, 0x7ffffffff000L, 0x40000000, 0x8000000000L};
    long data = frame(m);
    for (long a : addrs) {
      assertThat(pt.writePte(root, a, pt.pfnPte(data, USER_RW))).isTrue();
    }
    long owned = pt.tablePages(root);
    assertThat(m.allocator.nrFreePages()).isEqualTo(free - owned - 1);
    for (long a : addrs) {
      assertThat(pt.writePte(root, a, 0)).isTrue();
    }
    pt.destroyAddressSpace(root);
    m.allocator.freePages(0, data, 0);
    assertThat(m.allocator.nrFreePages()).isEqualTo(free);
    assertThat(pt.isRoot(root)).isFalse();
    assertThat(pt.tablePages()).isEqualTo(pt.kernelTablePages());
  }

  @Test
  void destroyAddressSpace_stillMapped_throwsAndChangesNothing() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    long root = pt.createAddressSpace();
    long pte = pt.pfnPte(frame(m), USER_RW);
    pt.writePte(root, 0x400000, pte);
    long free = m.allocator.nrFreePages();
    assertThatThrownBy(() -> pt.destroyAddressSpace(root))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("0x400000 is still mapped");
    assertThat(pt.isRoot(root)).isTrue();
    assertThat(pt.tablePages(root)).isEqualTo(4);
    assertThat(pt.readPte(root, 0x400000)).isEqualTo(pte);
    assertThat(m.allocator.nrFreePages()).isEqualTo(free);
  }

  @Test
  void destroyAddressSpace_swapEntryLeft_throws() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    long root = pt.createAddressSpace();
    pt.writePte(root, 0x5000, Pte.makeSwap(0, 7));
    assertThatThrownBy(() -> pt.destroyAddressSpace(root))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("0x5000");
  }

  @Test
  void destroyAddressSpace_kernelRootOrDeadRoot_throws() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    assertThatThrownBy(() -> pt.destroyAddressSpace(pt.kernelRoot()))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("kernel root");
    long root = pt.createAddressSpace();
    pt.destroyAddressSpace(root);
    assertThatThrownBy(() -> pt.destroyAddressSpace(root))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("not the root");
    assertThatThrownBy(() -> pt.readPte(12345, 0)).isInstanceOf(BadAddressException.class);
  }

  @Test
  void destroyAddressSpace_loadedInCr3_switchesThatCpuToTheKernelRoot() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    long root = pt.createAddressSpace();
    Mmu mmu = pt.mmu(0);
    mmu.loadCr3(root);
    pt.destroyAddressSpace(root);
    assertThat(mmu.cr3()).isEqualTo(pt.kernelRoot());
  }

  @Test
  void createAddressSpace_outOfMemory_returnsNoRoot() {
    TestMachine m = machine(FRAMES_64M);
    m.allocator.failAfter(0);
    assertThat(m.pageTable.createAddressSpace()).isEqualTo(PageTable.NO_ROOT);
    m.allocator.neverFail();
  }

  @Test
  void writePte_outOfMemoryHalfway_changesNothing() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    long root = pt.createAddressSpace();
    long data = frame(m);
    long free = m.allocator.nrFreePages();
    long total = pt.tablePages();
    m.allocator.failAfter(2);
    assertThat(pt.writePte(root, 0x400000, pt.pfnPte(data, USER_RW))).isFalse();
    m.allocator.neverFail();
    assertThat(m.allocator.nrFreePages()).isEqualTo(free);
    assertThat(pt.tablePages(root)).isEqualTo(1);
    assertThat(pt.tablePages()).isEqualTo(total);
    assertThat(pt.readPte(root, 0x400000)).isZero();
    for (int i = 0; i < 256; i++) {
      assertThat(m.memory.readLong((root << 12) + 8L * i)).isZero();
    }
  }

  @Test
  void writePte_zeroWhereNoTable_allocatesNothing() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    long root = pt.createAddressSpace();
    long free = m.allocator.nrFreePages();
    assertThat(pt.writePte(root, 0x400000, 0)).isTrue();
    assertThat(m.allocator.nrFreePages()).isEqualTo(free);
    assertThat(pt.tablePages(root)).isEqualTo(1);
  }

  @Test
  void writePte_nonCanonical_throws() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    long root = pt.createAddressSpace();
    assertThatThrownBy(() -> pt.writePte(root, 0x0000800000000000L, 0))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("0x800000000000 is not a canonical 48-bit address");
    assertThat(pt.tablePages(root)).isEqualTo(1);
  }

  @Test
  void writePte_insideAHugePage_throwsAndChangesNothing() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    long va = pt.pageOffset() + 0x3000;
    long before = pt.readPte(pt.kernelRoot(), va);
    assertThatThrownBy(() -> pt.writePte(pt.kernelRoot(), va, 0))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("2 MiB page");
    assertThat(pt.readPte(pt.kernelRoot(), va)).isEqualTo(before);
  }

  @Test
  void readEntry_eachLevel_showsTheLinkFlagsAndTheLeaf() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    long root = pt.createAddressSpace();
    long pte = pt.pfnPte(frame(m), USER_RW | Pte.NX);
    pt.writePte(root, 0x400000, pte);
    for (int level = 4; level >= 2; level--) {
      assertThat(Pte.flags(pt.readEntry(root, 0x400000, level))).isEqualTo(Pte.PAGE_TABLE);
    }
    assertThat(pt.readEntry(root, 0x400000, 1)).isEqualTo(pte);
    assertThat(pt.readEntry(root, 0x40000000, 2)).as("walk stops above").isZero();
    assertThat(Pte.flags(pt.readEntry(root, 0xffffc90000000000L, 4))).isEqualTo(Pte.KERNPG_TABLE);
    assertThatThrownBy(() -> pt.readEntry(root, 0, 5)).isInstanceOf(IllegalArgumentException.class);
  }

  // ================================================================ the shared kernel half

  @Test
  void kernelMapping_inVmallocRange_visibleInEveryAddressSpace() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    long a = pt.createAddressSpace();
    long kernel = pt.kernelTablePages();
    long va = KernelLayout.VMALLOC_START + 0x5000;
    long pfn = frame(m);
    assertThat(pt.writePte(a, va, pt.pfnPte(pfn, Pte.PAGE_KERNEL))).isTrue();
    assertThat(pt.kernelTablePages())
        .as("PMD + PT under the preallocated PUD")
        .isEqualTo(kernel + 2);
    assertThat(pt.tablePages(a)).isEqualTo(1);
    long b = pt.createAddressSpace();
    assertThat(pt.virtToPhys(pt.kernelRoot(), va)).isEqualTo(pfn << 12);
    assertThat(pt.virtToPhys(b, va + 8)).isEqualTo((pfn << 12) + 8);
    Mmu mmu = pt.mmu(0);
    mmu.loadCr3(b);
    assertThat(mmu.translate(va, Access.WRITE, false)).isEqualTo(pfn << 12);
  }

  @Test
  void kernelMapping_newTopLevelEntry_isCopiedIntoEveryRoot() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    long a = pt.createAddressSpace();
    long kernel = pt.kernelTablePages();
    long va = KernelLayout.START_KERNEL_MAP;
    long pfn = frame(m);
    assertThat(pt.writePte(pt.kernelRoot(), va, pt.pfnPte(pfn, Pte.PAGE_KERNEL_EXEC))).isTrue();
    assertThat(pt.kernelTablePages()).isEqualTo(kernel + 3);
    assertThat(m.memory.readLong((a << 12) + 8L * 511))
        .isEqualTo(m.memory.readLong((pt.kernelRoot() << 12) + 8L * 511))
        .isNotZero();
    long b = pt.createAddressSpace();
    Mmu mmu = pt.mmu(0);
    mmu.loadCr3(a);
    assertThat(mmu.translate(va + 0x10, Access.EXECUTE, false)).isEqualTo((pfn << 12) + 0x10);
    mmu.loadCr3(b);
    assertThat(mmu.translate(va + 0x20, Access.READ, false)).isEqualTo((pfn << 12) + 0x20);
    // and one more through a user root: still one copy everywhere
    long va2 = 0xfffffe0000000000L;
    assertThat(pt.writePte(b, va2, pt.pfnPte(pfn, Pte.PAGE_KERNEL))).isTrue();
    assertThat(pt.virtToPhys(a, va2)).isEqualTo(pfn << 12);
    assertThat(pt.virtToPhys(pt.kernelRoot(), va2)).isEqualTo(pfn << 12);
    assertThat(pt.tablePages(b)).isEqualTo(1);
  }

  // ================================================================ walking and pruning

  @Test
  void walkRange_visitsLeavesInAddressOrder_andMayRewriteThem() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    long root = pt.createAddressSpace();
    long[] addrs = {0x40000000, 0x1000, 0x200000, 0x5000, 0x7ffffffff000L};
    for (long a : addrs) {
      pt.writePte(root, a, pt.pfnPte(frame(m), USER_RW));
    }
    List<Long> seen = new ArrayList<>();
    pt.walkRange(root, 0, pt.taskSizeMax(), (va, e) -> seen.add(va));
    assertThat(seen)
        .as("end is exclusive")
        .containsExactly(0x1000L, 0x5000L, 0x200000L, 0x40000000L);
    seen.clear();
    pt.walkRange(root, 0, 1L << 47, (va, e) -> seen.add(va));
    assertThat(seen).containsExactly(0x1000L, 0x5000L, 0x200000L, 0x40000000L, 0x7ffffffff000L);
    seen.clear();
    pt.walkRange(root, 0x2000, 0x200001, (va, e) -> seen.add(va));
    assertThat(seen).containsExactly(0x5000L, 0x200000L);
    pt.walkRange(root, 0, 1L << 47, (va, e) -> pt.writePte(root, va, e & ~Pte.RW));
    for (long a : addrs) {
      assertThat(pt.readPte(root, a) & Pte.RW).isZero();
    }
    // root; PUD, PMD and two PTs for the first GiB; PMD + PT for the second; PUD + PMD + PT last
    assertThat(pt.tablePages(root)).isEqualTo(1 + 4 + 2 + 3);
  }

  @Test
  void walkRange_directMap_visitsHugeLeavesOnce() {
    TestMachine m = machine((GIB + MIB2 + Page.PAGE_SIZE) >>> 12);
    PageTable pt = m.pageTable;
    List<Long> seen = new ArrayList<>();
    pt.walkRange(
        pt.kernelRoot(),
        pt.pageOffset(),
        pt.pageOffset() + m.memory.size(),
        (va, e) -> seen.add(va - pt.pageOffset()));
    assertThat(seen).containsExactly(0L, GIB, GIB + MIB2);
  }

  @Test
  void walkRange_crossingTheHole_throws() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    assertThatThrownBy(
            () -> pt.walkRange(pt.kernelRoot(), 0x1000, 0xffff800000001000L, (va, e) -> {}))
        .isInstanceOf(BadAddressException.class);
  }

  @Test
  void freeEmptyTables_afterUnmap_freesExactlyTheEmptyTables() {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    long root = pt.createAddressSpace();
    pt.writePte(root, 0x400000, pt.pfnPte(frame(m), USER_RW));
    pt.writePte(root, 0x600000, pt.pfnPte(frame(m), USER_RW));
    assertThat(pt.tablePages(root)).isEqualTo(5);
    long free = m.allocator.nrFreePages();
    pt.writePte(root, 0x400000, 0);
    assertThat(pt.freeEmptyTables(root, 0x400000, 0x401000)).isEqualTo(1);
    assertThat(pt.tablePages(root)).isEqualTo(4);
    assertThat(m.allocator.nrFreePages()).isEqualTo(free + 1);
    assertThat(pt.readPte(root, 0x600000)).isNotZero();
    pt.writePte(root, 0x600000, 0);
    assertThat(pt.freeEmptyTables(root, 0, pt.taskSizeMax())).isEqualTo(3);
    assertThat(pt.tablePages(root)).isEqualTo(1);
    assertThatThrownBy(() -> pt.freeEmptyTables(root, pt.pageOffset(), pt.pageOffset() + 4096))
        .isInstanceOf(BadAddressException.class);
  }

  // ================================================================ seeded random sequences

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 17, 4242})
  void randomMapUnmap_countsMatchTheModel(long seed) {
    TestMachine m = machine(FRAMES_64M);
    PageTable pt = m.pageTable;
    SplittableRandom rnd = new SplittableRandom(seed);
    long[] regions = {0, 0x3fe00000L, 0x7fffff800000L, 0x8000000000L, 0x12345600000L};
    long[] roots = {pt.createAddressSpace(), pt.createAddressSpace(), pt.createAddressSpace()};
    List<Map<Long, Long>> model = new ArrayList<>();
    for (int i = 0; i < roots.length; i++) {
      model.add(new HashMap<>());
    }
    long data = frame(m);
    long baseFree = m.allocator.nrFreePages();
    for (int step = 0; step < 400; step++) {
      int r = rnd.nextInt(roots.length);
      Map<Long, Long> mapped = model.get(r);
      if (mapped.isEmpty() || rnd.nextInt(3) > 0) {
        long va = regions[rnd.nextInt(regions.length)] + (rnd.nextLong(1024) << 12);
        long pte = pt.pfnPte(data, USER_RW | (rnd.nextBoolean() ? Pte.NX : 0));
        assertThat(pt.writePte(roots[r], va, pte)).isTrue();
        mapped.put(va, pte);
      } else {
        List<Long> keys = new ArrayList<>(mapped.keySet());
        keys.sort(null);
        long va = keys.get(rnd.nextInt(keys.size()));
        pt.writePte(roots[r], va, 0);
        pt.freeEmptyTables(roots[r], va, va + 4096);
        mapped.remove(va);
      }
      pt.checkInvariants();
      long tables = 0;
      for (int i = 0; i < roots.length; i++) {
        long expected = expectedTables(model.get(i).keySet());
        assertThat(pt.tablePages(roots[i]))
            .as("seed %d step %d root %d", seed, step, i)
            .isEqualTo(expected);
        tables += expected;
        for (Map.Entry<Long, Long> e : model.get(i).entrySet()) {
          assertThat(pt.readPte(roots[i], e.getKey())).isEqualTo(e.getValue());
        }
      }
      assertThat(m.allocator.nrFreePages()).isEqualTo(baseFree - tables + roots.length);
    }
  }

  /** Root + one table per distinct prefix at each level above the leaf. */
  private static long expectedTables(Set<Long> pages) {
    long n = 1;
    for (int shift : new int[] {39, 30, 21}) {
      Set<Long> prefixes = new HashSet<>();
      for (long va : pages) {
        prefixes.add(va >>> shift);
      }
      n += prefixes.size();
    }
    return n;
  }

  // ================================================================ configuration

  @ParameterizedTest
  @ValueSource(
      strings = {
        "levels=3",
        "levels=6",
        "tlb-entries=48",
        "tlb-entries=0",
        "tlb-ways=128",
        "tlb-ways=3",
        "phys-bits=20",
        "phys-bits=53",
        "user-ds-base=0x100000000",
        "user-ds-limit=0x100000",
        "nx=maybe",
        "wp=sometimes",
        "gbpages=2"
      })
  void create_badSetting_throwsConfigurationExceptionNamingTheKey(String setting) {
    String key = setting.substring(0, setting.indexOf('='));
    assertThatThrownBy(() -> TestMachine.of(FRAMES_64M, setting))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("x86_64." + key)
        .extracting(e -> ((ConfigurationException) e).key())
        .isEqualTo("x86_64." + key);
  }

  @Test
  void create_memoryBeyondPhysBits_throws() {
    assertThatThrownBy(() -> TestMachine.of((4L << 30 >>> 12) + 1, "phys-bits=32"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("x86_64.phys-bits");
  }

  @Test
  void create_tooLittleMemoryForTheKernelTables_throws() {
    assertThatThrownBy(() -> TestMachine.of(40))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("kernel page tables");
  }

  @Test
  void mmu_cpuOutOfRange_throws() {
    PageTable pt = machine(FRAMES_64M).pageTable;
    assertThatThrownBy(() -> pt.mmu(1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> pt.mmu(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(pt.mmu(0)).isSameAs(pt.mmu(0));
  }
}
