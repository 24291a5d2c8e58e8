package io.mmsim.testkit.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.ControlRegisters;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.spi.PageTableProvider;
import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.InvariantCheckExtension;
import io.mmsim.testkit.object.SimplePageAllocator;
import io.mmsim.testkit.object.TestMemoryContext;

/**
 * The MMU half of {@link PageTableContract}: the machine and page table every page-table test
 * builds, and the tests of the {@link Mmu}s a {@link PageTable} hands out, through the mm-api
 * interfaces only. Subclass {@link PageTableContract}, which runs these tests too; this class is
 * its own file only to keep each half readable.
 *
 * <p>Each test builds a 64 MiB machine with 2 CPUs whose page allocator is the testkit's {@link
 * SimplePageAllocator} (so that table frames can be counted and can run out on cue) and creates the
 * page table with the provider's default settings. Every expectation comes from the hardware's
 * rules (Intel SDM vol. 3 ch. 4: effective rights over all levels, the #PF error code, CR2, #GP for
 * non-canonical addresses, TLB invalidation):
 *
 * <ul>
 *   <li>the MMU: translation, Accessed and Dirty written into the entries' bytes, the #PF error
 *       code and CR2 for every kind of violation, #GP without a walk for a non-canonical address;
 *   <li>the TLB: hits, stale entries until {@code invlpg} or a shootdown, global entries across a
 *       CR3 load, flushes on PGE and NXE changes;
 *   <li>control registers: the long-mode bits are fixed, and refused changes change nothing.
 * </ul>
 *
 * Every table and allocator built is re-checked with {@code checkInvariants()} after each test.
 */
public abstract class MmuContract {

  /** 64 MiB. */
  protected static final long FRAMES = 16384;

  /** Simulated CPUs of the machine. */
  protected static final int CPUS = 2;

  /** A user page's flags: present, writable, user. */
  protected static final long USER_RW = Pte.PRESENT | Pte.RW | Pte.USER;

  /** A user address inside the first 2 MiB-aligned region above 4 MiB. */
  protected static final long USER_VA = 0x400000L;

  /** Re-checks the page table and the page allocator after every test. */
  @RegisterExtension
  protected final InvariantCheckExtension invariants = new InvariantCheckExtension();

  /** The machine's RAM. */
  protected PhysicalMemory memory;

  /** The page allocator the tables come from. */
  protected SimplePageAllocator pages;

  /** The page table under test. */
  protected PageTable pt;

  /** The provider of the page table under test. */
  protected abstract PageTableProvider provider();

  @BeforeEach
  void bootMachine() {
    MemoryLayout layout = new MemoryLayout(FRAMES, CPUS);
    memory = new PhysicalMemory(FRAMES);
    pages = SimplePageAllocator.booted(layout, 1);
    PageTableProvider p = provider();
    Settings settings = new Settings(p.name(), p.defaultSettings());
    pt = p.create(new TestMemoryContext(layout, memory, pages, settings, 42));
    invariants.track(pages);
    invariants.track(p.name() + " page table", pt::checkInvariants);
  }

  /** A fresh data frame for a mapping. */
  protected final long frame() {
    long pfn = pages.allocPages(0, Gfp.KERNEL, 0);
    assertThat(pfn).as("a data frame").isNotEqualTo(PageAllocator.NO_PAGE);
    return pfn;
  }

  /** A new address space whose root must exist. */
  protected final long newRoot() {
    long root = pt.createAddressSpace();
    assertThat(root).as("createAddressSpace").isNotEqualTo(PageTable.NO_ROOT);
    return root;
  }

  /** Writes a leaf entry that must succeed. */
  protected final void map(long root, long va, long pte) {
    assertThat(pt.writePte(root, va, pte)).as("writePte at 0x%x", va).isTrue();
  }

  /** The bit where the index of {@code level} starts (level 1 = page table). */
  protected static int shift(int level) {
    return Page.PAGE_SHIFT + 9 * (level - 1);
  }

  /** The physical address of the entry of {@code va} at {@code level} (the table above it). */
  protected final long entryAddress(long root, long va, int level) {
    long table =
        level == pt.levels()
            ? Page.pfnToPhys(root)
            : Page.pfnToPhys(Pte.pfn(pt.readEntry(root, va, level + 1)));
    return table + (((va >>> shift(level)) & 511) << 3);
  }

  Mmu userMmu(int cpu, long root) {
    Mmu mmu = pt.mmu(cpu);
    mmu.loadCr3(root);
    return mmu;
  }

  // ================================================================ the MMU: faults

  @Test
  void translate_notPresent_faultsWithCr2AndTheErrorCodeOfTheAccess() {
    long root = newRoot();
    Mmu mmu = userMmu(0, root);
    mmu.writeEfer(mmu.efer() | ControlRegisters.EFER_NXE);
    long va = USER_VA + 0x123;
    int[][] cases = {
      {Access.READ, 1, ErrorCode.USER},
      {Access.WRITE, 1, ErrorCode.USER | ErrorCode.WRITE},
      {Access.EXECUTE, 1, ErrorCode.USER | ErrorCode.INSTR},
      {Access.READ, 0, 0},
      {Access.WRITE, 0, ErrorCode.WRITE},
    };
    for (int[] c : cases) {
      assertThat(mmu.translate(va + c[0], c[0], c[1] == 1)).isEqualTo(Mmu.FAULT);
      assertThat(mmu.cr2()).as("CR2 is the exact linear address").isEqualTo(va + c[0]);
      assertThat(mmu.errorCode())
          .as("%s %s", c[1] == 1 ? "user" : "kernel", Access.name(c[0]))
          .isEqualTo(c[2]);
      assertThat(mmu.lastVector()).isEqualTo(Mmu.VECTOR_PF);
      assertThat(ErrorCode.describe(mmu.errorCode())).isEqualTo("not-present page");
    }
  }

  @Test
  void translate_protectionViolations_faultWithProtAndTheAccessBits() {
    long root = newRoot();
    Mmu mmu = userMmu(0, root);
    mmu.writeEfer(mmu.efer() | ControlRegisters.EFER_NXE);
    mmu.writeCr0(mmu.cr0() | ControlRegisters.CR0_WP);
    long ro = USER_VA;
    long kernelOnly = USER_VA + 0x1000;
    long noExec = USER_VA + 0x2000;
    long data = frame();
    map(root, ro, Pte.make(data, Pte.PRESENT | Pte.USER));
    map(root, kernelOnly, Pte.make(data, Pte.PRESENT | Pte.RW));
    map(root, noExec, Pte.make(data, USER_RW | Pte.NX));

    assertFault(mmu, ro + 8, Access.WRITE, true, 0x7);
    assertFault(mmu, ro + 8, Access.WRITE, false, 0x3);
    assertFault(mmu, kernelOnly, Access.READ, true, 0x5);
    assertFault(mmu, noExec + 4, Access.EXECUTE, true, 0x15);
    assertFault(mmu, noExec + 4, Access.EXECUTE, false, 0x11);
    assertThat(ErrorCode.describe(0x7)).isEqualTo("permissions violation");

    long phys = Page.pfnToPhys(data);
    assertThat(mmu.translate(ro + 8, Access.READ, true)).isEqualTo(phys + 8);
    assertThat(mmu.translate(kernelOnly, Access.WRITE, false)).isEqualTo(phys);
    assertThat(mmu.translate(noExec + 4, Access.READ, true)).isEqualTo(phys + 4);
    assertThat(mmu.translate(ro, Access.EXECUTE, true))
        .as("fetch from a page without XD")
        .isEqualTo(phys);

    mmu.writeCr0(mmu.cr0() & ~ControlRegisters.CR0_WP);
    assertThat(mmu.translate(ro + 8, Access.WRITE, false))
        .as("a supervisor write to a read-only page without CR0.WP")
        .isEqualTo(phys + 8);
    assertFault(mmu, ro + 8, Access.WRITE, true, 0x7);
  }

  @Test
  void translate_rightsClearedAtAnUpperLevel_limitTheLeafsRights() {
    long root = newRoot();
    Mmu mmu = userMmu(0, root);
    long data = frame();
    map(root, USER_VA, Pte.make(data, USER_RW));
    long pmdEntry = entryAddress(root, USER_VA, 2);
    long link = memory.readLong(pmdEntry);

    memory.writeLong(pmdEntry, link & ~Pte.USER);
    mmu.invlpg(USER_VA);
    assertFault(mmu, USER_VA, Access.READ, true, 0x5);

    memory.writeLong(pmdEntry, link & ~Pte.RW);
    mmu.invlpg(USER_VA);
    assertThat(mmu.translate(USER_VA, Access.READ, true)).isEqualTo(Page.pfnToPhys(data));
    assertFault(mmu, USER_VA, Access.WRITE, true, 0x7);

    memory.writeLong(pmdEntry, link);
    mmu.invlpg(USER_VA);
    assertThat(mmu.translate(USER_VA, Access.WRITE, true)).isEqualTo(Page.pfnToPhys(data));
  }

  @Test
  void translate_xdWithNxeClear_isAReservedBitViolation() {
    long root = newRoot();
    Mmu mmu = userMmu(0, root);
    long data = frame();
    map(root, USER_VA, Pte.make(data, USER_RW | Pte.NX));

    mmu.writeEfer(mmu.efer() & ~ControlRegisters.EFER_NXE);

    assertFault(mmu, USER_VA, Access.READ, true, ErrorCode.PROT | ErrorCode.RSVD | ErrorCode.USER);
    assertThat(ErrorCode.describe(mmu.errorCode())).isEqualTo("reserved bit violation");
    mmu.writeEfer(mmu.efer() | ControlRegisters.EFER_NXE);
    assertThat(mmu.translate(USER_VA, Access.READ, true)).isEqualTo(Page.pfnToPhys(data));
  }

  @Test
  void translate_nonCanonical_isGeneralProtectionWithoutAWalkAndKeepsCr2() {
    Mmu mmu = pt.mmu(0);
    assertThat(mmu.translate(USER_VA + 8, Access.READ, true)).isEqualTo(Mmu.FAULT);
    long misses = mmu.tlbMisses();
    long hole = 1L << (pt.virtualAddressBits() - 1);

    for (long bad : new long[] {hole, -hole - 1, Long.MIN_VALUE, Mmu.BAD_LINEAR}) {
      for (int access : new int[] {Access.READ, Access.WRITE, Access.EXECUTE}) {
        assertThat(mmu.translate(bad, access, false)).isEqualTo(Mmu.GP_FAULT);
        assertThat(mmu.lastVector()).isEqualTo(Mmu.VECTOR_GP);
        assertThat(mmu.errorCode()).isZero();
        assertThat(mmu.cr2()).as("#GP leaves CR2 alone").isEqualTo(USER_VA + 8);
      }
    }
    assertThat(mmu.tlbMisses()).as("no walk for #GP").isEqualTo(misses);
    assertThatThrownBy(() -> mmu.translate(USER_VA, 3, true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void walk_setsAccessedOnEveryLevelAndDirtyOnLeafWrites_inTheEntryBytes() {
    long root = newRoot();
    Mmu mmu = userMmu(0, root);
    long data = frame();
    map(root, USER_VA, Pte.make(data, USER_RW));
    for (int level = 2; level <= pt.levels(); level++) {
      long ea = entryAddress(root, USER_VA, level);
      memory.writeLong(ea, memory.readLong(ea) & ~Pte.ACCESSED);
    }

    mmu.translate(USER_VA, Access.READ, true);

    for (int level = 1; level <= pt.levels(); level++) {
      assertThat(memory.readLong(entryAddress(root, USER_VA, level)) & Pte.ACCESSED)
          .as("Accessed at level %d", level)
          .isNotZero();
    }
    assertThat(pt.readPte(root, USER_VA) & Pte.DIRTY).as("a read leaves Dirty clear").isZero();

    mmu.translate(USER_VA, Access.WRITE, true);

    assertThat(pt.readPte(root, USER_VA))
        .isEqualTo(Pte.make(data, USER_RW | Pte.ACCESSED | Pte.DIRTY));
  }

  // ================================================================ the TLB

  @Test
  void tlb_secondAccessHits_staleAfterARemapUntilInvlpg() {
    long root = newRoot();
    Mmu mmu = userMmu(0, root);
    long first = frame();
    long second = frame();
    map(root, USER_VA, Pte.make(first, USER_RW | Pte.ACCESSED | Pte.DIRTY));

    assertThat(mmu.translate(USER_VA, Access.READ, true)).isEqualTo(Page.pfnToPhys(first));
    long hits = mmu.tlbHits();
    long misses = mmu.tlbMisses();
    assertThat(mmu.translate(USER_VA + 8, Access.READ, true)).isEqualTo(Page.pfnToPhys(first) + 8);
    assertThat(mmu.tlbHits()).isEqualTo(hits + 1);
    assertThat(mmu.tlbMisses()).isEqualTo(misses);

    map(root, USER_VA, Pte.make(second, USER_RW | Pte.ACCESSED | Pte.DIRTY));
    assertThat(mmu.translate(USER_VA, Access.READ, true))
        .as("the TLB still holds the old translation")
        .isEqualTo(Page.pfnToPhys(first));

    mmu.invlpg(USER_VA + 0x800);
    assertThat(mmu.translate(USER_VA, Access.READ, true)).isEqualTo(Page.pfnToPhys(second));
  }

  @Test
  void flushTlbPage_reachesEveryCpu_flushTlbMmOnlyTheCpusRunningThatRoot() {
    long a = newRoot();
    long b = newRoot();
    long[] f = {frame(), frame(), frame(), frame()};
    map(a, USER_VA, Pte.make(f[0], USER_RW));
    map(b, USER_VA, Pte.make(f[1], USER_RW));
    Mmu cpu0 = userMmu(0, a);
    Mmu cpu1 = userMmu(1, b);
    cpu0.translate(USER_VA, Access.READ, true);
    cpu1.translate(USER_VA, Access.READ, true);

    map(a, USER_VA, Pte.make(f[2], USER_RW));
    map(b, USER_VA, Pte.make(f[3], USER_RW));
    pt.flushTlbMm(a);

    assertThat(cpu0.translate(USER_VA, Access.READ, true)).isEqualTo(Page.pfnToPhys(f[2]));
    assertThat(cpu1.translate(USER_VA, Access.READ, true))
        .as("cpu 1 runs another root")
        .isEqualTo(Page.pfnToPhys(f[1]));

    pt.flushTlbPage(USER_VA);
    assertThat(cpu1.translate(USER_VA, Access.READ, true)).isEqualTo(Page.pfnToPhys(f[3]));
  }

  @Test
  void tlb_permissionUpgradeIsSeenWithoutAFlush_downgradeAfterInvlpg() {
    long root = newRoot();
    Mmu mmu = userMmu(0, root);
    long data = frame();
    map(root, USER_VA, Pte.make(data, Pte.PRESENT | Pte.USER));
    mmu.translate(USER_VA, Access.READ, true);

    map(root, USER_VA, Pte.make(data, USER_RW));
    assertThat(mmu.translate(USER_VA, Access.WRITE, true))
        .as("a cached entry that denies the access walks again")
        .isEqualTo(Page.pfnToPhys(data));

    map(root, USER_VA, Pte.make(data, Pte.PRESENT | Pte.USER | Pte.ACCESSED));
    mmu.invlpg(USER_VA);
    assertFault(mmu, USER_VA, Access.WRITE, true, 0x7);
  }

  @Test
  void tlb_writeThroughACleanEntry_walksToSetDirty() {
    long root = newRoot();
    Mmu mmu = userMmu(0, root);
    long data = frame();
    map(root, USER_VA, Pte.make(data, USER_RW));
    mmu.translate(USER_VA, Access.READ, true);
    long misses = mmu.tlbMisses();

    mmu.translate(USER_VA, Access.WRITE, true);

    assertThat(mmu.tlbMisses()).isEqualTo(misses + 1);
    assertThat(pt.readPte(root, USER_VA) & Pte.DIRTY).isNotZero();
    long hits = mmu.tlbHits();
    mmu.translate(USER_VA, Access.WRITE, true);
    assertThat(mmu.tlbHits()).as("the dirty entry now serves writes").isEqualTo(hits + 1);
  }

  @Test
  void pageFault_dropsTheTlbEntryOfTheFaultingPage() {
    long root = newRoot();
    Mmu mmu = userMmu(0, root);
    long data = frame();
    map(root, USER_VA, Pte.make(data, Pte.PRESENT | Pte.USER));
    mmu.translate(USER_VA, Access.READ, true);
    int valid = mmu.tlbValidEntries();

    assertFault(mmu, USER_VA, Access.WRITE, true, 0x7);

    assertThat(mmu.tlbValidEntries()).isEqualTo(valid - 1);
  }

  @Test
  void loadCr3_dropsNonGlobalEntriesAndKeepsGlobalOnes() {
    long a = newRoot();
    long b = newRoot();
    long data = frame();
    map(a, USER_VA, Pte.make(data, USER_RW));
    map(b, USER_VA, Pte.make(data, USER_RW));
    Mmu mmu = userMmu(0, a);
    mmu.writeCr4(mmu.cr4() | ControlRegisters.CR4_PGE);
    long kernelVa = pt.pageOffset() + 0x5000;
    mmu.translate(kernelVa, Access.READ, false);
    mmu.translate(USER_VA, Access.READ, true);
    assertThat(mmu.tlbValidEntries()).isEqualTo(2);

    mmu.loadCr3(b);

    assertThat(mmu.cr3()).isEqualTo(b);
    assertThat(mmu.tlbValidEntries()).as("the global direct-map entry stays").isEqualTo(1);
    long hits = mmu.tlbHits();
    long misses = mmu.tlbMisses();
    mmu.translate(kernelVa, Access.READ, false);
    mmu.translate(USER_VA, Access.READ, true);
    assertThat(mmu.tlbHits()).isEqualTo(hits + 1);
    assertThat(mmu.tlbMisses()).isEqualTo(misses + 1);

    mmu.writeCr4(mmu.cr4() & ~ControlRegisters.CR4_PGE);
    assertThat(mmu.tlbValidEntries()).as("changing CR4.PGE flushes everything").isZero();
    mmu.translate(kernelVa, Access.READ, false);
    mmu.loadCr3(a);
    assertThat(mmu.tlbValidEntries()).as("nothing is global without PGE").isZero();
  }

  @Test
  void writeEfer_changingNxe_flushesTheTlb_flushTlbAllDropsGlobals() {
    Mmu mmu = pt.mmu(0);
    mmu.translate(pt.pageOffset(), Access.READ, false);
    mmu.translate(pt.pageOffset() + 0x10000, Access.READ, false);
    // one entry per page: two for 4 KiB pages, one when a large page maps both
    assertThat(mmu.tlbValidEntries()).isBetween(1, 2);

    mmu.writeEfer(mmu.efer() ^ ControlRegisters.EFER_NXE);
    assertThat(mmu.tlbValidEntries()).isZero();
    mmu.writeEfer(mmu.efer() ^ ControlRegisters.EFER_NXE);

    mmu.translate(pt.pageOffset(), Access.READ, false);
    mmu.flushTlbAll();
    assertThat(mmu.tlbValidEntries()).isZero();
  }

  @Test
  void tlb_neverHoldsMoreThanItsSize() {
    long root = newRoot();
    Mmu mmu = userMmu(0, root);
    long data = frame();
    int n = mmu.tlbSize() * 2 + 3;
    for (int i = 0; i < n; i++) {
      map(root, USER_VA + ((long) i << Page.PAGE_SHIFT), Pte.make(data, USER_RW));
    }
    for (int i = 0; i < n; i++) {
      assertThat(mmu.translate(USER_VA + ((long) i << Page.PAGE_SHIFT), Access.READ, true))
          .isEqualTo(Page.pfnToPhys(data));
      assertThat(mmu.tlbValidEntries()).isBetween(1, mmu.tlbSize());
    }
  }

  // ================================================================ control registers

  @Test
  void controlRegisters_longModeBitsAreFixed_andRefusedWithoutChange() {
    Mmu mmu = pt.mmu(1);
    long cr0 = mmu.cr0();
    long cr4 = mmu.cr4();
    long efer = mmu.efer();
    assertThat(Pte.has(cr0, ControlRegisters.CR0_PE | ControlRegisters.CR0_PG)).isTrue();
    assertThat(cr4 & ControlRegisters.CR4_PAE).isNotZero();
    assertThat(cr4 & ControlRegisters.CR4_LA57).isEqualTo(pt.levels() == 5 ? 1L << 12 : 0);
    assertThat(Pte.has(efer, ControlRegisters.EFER_LME | ControlRegisters.EFER_LMA)).isTrue();
    assertThat(mmu.cr3()).isEqualTo(pt.kernelRoot());
    assertThat(mmu.cpu()).isEqualTo(1);
    assertThat(pt.mmu(1)).as("one MMU per CPU").isSameAs(mmu);

    assertThatThrownBy(() -> mmu.writeCr0(cr0 & ~ControlRegisters.CR0_PG))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> mmu.writeCr4(cr4 ^ ControlRegisters.CR4_LA57))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> mmu.writeEfer(efer & ~ControlRegisters.EFER_LMA))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> mmu.loadCr3(FRAMES - 1)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> pt.mmu(CPUS)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> pt.mmu(-1)).isInstanceOf(IllegalArgumentException.class);

    assertThat(new long[] {mmu.cr0(), mmu.cr4(), mmu.efer(), mmu.cr3()})
        .containsExactly(cr0, cr4, efer, pt.kernelRoot());
  }

  /** Asserts that the access faults (#PF) with {@code code} and CR2 = {@code va}. */
  protected static void assertFault(Mmu mmu, long va, int access, boolean user, int code) {
    assertThat(mmu.translate(va, access, user))
        .as("%s %s of 0x%x", user ? "user" : "kernel", Access.name(access), va)
        .isEqualTo(Mmu.FAULT);
    assertThat(mmu.errorCode())
        .as("error code of a %s %s of 0x%x", user ? "user" : "kernel", Access.name(access), va)
        .isEqualTo(code);
    assertThat(mmu.cr2()).isEqualTo(va);
    assertThat(mmu.lastVector()).isEqualTo(Mmu.VECTOR_PF);
  }
}
