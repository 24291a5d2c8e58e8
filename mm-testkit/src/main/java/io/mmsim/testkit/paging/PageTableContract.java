package io.mmsim.testkit.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.testkit.StatefulRunner;
import io.mmsim.testkit.object.SimplePageAllocator;

/**
 * The tests every x86-64 {@link PageTable} and its {@link Mmu}s must pass, through the mm-api
 * interfaces only. A module adds a one-method subclass:
 *
 * <pre>{@code
 * final class X86PageTableContractTest extends PageTableContract {
 *   @Override
 *   protected PageTableProvider provider() {
 *     return new X86PageTableProvider();
 *   }
 * }
 * }</pre>
 *
 * <p>The contract builds a 64 MiB machine with 2 CPUs whose page allocator is the testkit's {@link
 * SimplePageAllocator} (so that table frames can be counted and can run out on cue) and creates the
 * page table with the provider's default settings. Every expectation comes from the hardware's
 * rules (Intel SDM vol. 3 ch. 4: entry bits, effective rights over all levels, the #PF error code,
 * CR2, #GP for non-canonical addresses, TLB invalidation) or the kernel's ({@code
 * arch/x86/mm/pgtable.c: pgd_alloc} sharing the kernel half, {@code mm/memory.c: free_pgtables},
 * {@code arch/x86/mm/init_64.c: preallocate_vmalloc_pages}):
 *
 * <ul>
 *   <li>geometry: canonical width, {@code PAGE_OFFSET} and {@code TASK_SIZE_MAX} of the level
 *       count;
 *   <li>address spaces: one table per level below the root for a first mapping, tables shared by
 *       neighbours, the kernel half shared by every root, and destroy giving every frame back;
 *   <li>entries: raw values stored little-endian in table frames from the page allocator, linked
 *       with {@code _PAGE_TABLE} / {@code _KERNPG_TABLE}, all-or-nothing when table memory runs
 *       out;
 *   <li>walks: leaf order, huge leaves of the direct map, ranges within one half;
 *   <li>the MMU, the TLB and the control registers: the tests this class inherits from {@link
 *       MmuContract}, which also builds the machine;
 *   <li>freeing of empty tables, in the user half and below the preallocated kernel tables;
 *   <li>a seeded random sequence of map, unmap, translate and table freeing checked against a model
 *       written in the testkit ({@code PageTableRandomScenario}).
 * </ul>
 *
 * Every table and allocator built is re-checked with {@code checkInvariants()} after each test.
 */
public abstract class PageTableContract extends MmuContract {
  private long vmallocStart() {
    return pt.levels() == 5 ? KernelLayout.VMALLOC_START_L5 : KernelLayout.VMALLOC_START;
  }

  private long vmallocEnd() {
    return pt.levels() == 5 ? KernelLayout.VMALLOC_END_L5 : KernelLayout.VMALLOC_END;
  }

  // ================================================================ geometry

  @Test
  void geometry_levels_fixCanonicalWidthPageOffsetAndTaskSize() {
    int levels = pt.levels();
    assertThat(levels).isIn(4, 5);
    assertThat(pt.virtualAddressBits()).isEqualTo(12 + 9 * levels);
    boolean five = levels == 5;
    assertThat(pt.pageOffset())
        .isEqualTo(five ? KernelLayout.PAGE_OFFSET_L5 : KernelLayout.PAGE_OFFSET);
    assertThat(pt.taskSizeMax())
        .isEqualTo(five ? KernelLayout.TASK_SIZE_MAX_L5 : KernelLayout.TASK_SIZE_MAX);
    long top = 1L << (pt.virtualAddressBits() - 1);
    assertThat(pt.isCanonical(top - 1)).as("last user-half address").isTrue();
    assertThat(pt.isCanonical(top)).as("first address of the hole").isFalse();
    assertThat(pt.isCanonical(-top - 1)).as("last address of the hole").isFalse();
    assertThat(pt.isCanonical(-top)).as("first kernel-half address").isTrue();
    assertThat(pt.isCanonical(0)).isTrue();
    assertThat(pt.isCanonical(-1)).isTrue();
    assertThat(pt.isCanonical(Long.MIN_VALUE)).isFalse();
  }

  @Test
  void pfnPte_flagsOutsideTheSupportedMask_areLeftOut() {
    long mask = pt.supportedPteMask();
    assertThat(mask | Pte.NX).as("only XD may be unsupported").isEqualTo(-1L);
    long e = pt.pfnPte(0x1234, Pte.PAGE_KERNEL);
    assertThat(Pte.pfn(e)).isEqualTo(0x1234);
    assertThat(e).isEqualTo(Pte.make(0x1234, Pte.PAGE_KERNEL & mask));
  }

  // ================================================================ address spaces

  @Test
  void createAddressSpace_fresh_ownsOnlyItsRootAndSharesTheKernelHalf() {
    long free = pages.nrFreePages();
    long all = pt.tablePages();

    long root = newRoot();

    assertThat(pt.isRoot(root)).isTrue();
    assertThat(pt.isRoot(pt.kernelRoot())).isTrue();
    assertThat(pt.tablePages(root)).isEqualTo(1);
    assertThat(pt.tablePages()).isEqualTo(all + 1);
    assertThat(free - pages.nrFreePages()).as("frames taken: the root").isEqualTo(1);
    for (long pa : new long[] {0, 0x12345, memory.size() - 1}) {
      long va = pt.pageOffset() + pa;
      assertThat(pt.readPte(root, va)).isEqualTo(pt.readPte(pt.kernelRoot(), va));
      assertThat(pt.virtToPhys(root, va)).as("direct map of 0x%x", pa).isEqualTo(pa);
    }
    assertThat(pt.readPte(root, USER_VA)).as("nothing mapped in the user half").isZero();
    assertThat(pt.tablePages(pt.kernelRoot())).isEqualTo(pt.kernelTablePages());
  }

  @Test
  void createAddressSpace_outOfMemory_returnsNoRootAndChangesNothing() {
    long all = pt.tablePages();
    pages.failAfter(0);

    assertThat(pt.createAddressSpace()).isEqualTo(PageTable.NO_ROOT);

    pages.neverFail();
    assertThat(pt.tablePages()).isEqualTo(all);
  }

  @Test
  void writePte_firstUserPage_takesOneTablePerLevelBelowTheRootFromThePageAllocator() {
    long root = newRoot();
    long data = frame();
    long free = pages.nrFreePages();

    map(root, USER_VA, Pte.make(data, USER_RW));

    int below = pt.levels() - 1;
    assertThat(pt.tablePages(root)).isEqualTo(1 + below);
    assertThat(free - pages.nrFreePages()).as("table frames taken").isEqualTo(below);
    assertThat(pt.readPte(root, USER_VA)).isEqualTo(Pte.make(data, USER_RW));
  }

  @Test
  void writePte_neighbours_shareTablesUpToTheLevelWhereTheirIndexDiffers() {
    long root = newRoot();
    long data = frame();
    map(root, USER_VA, Pte.make(data, USER_RW));
    long tables = pt.tablePages(root);

    map(root, USER_VA + Page.PAGE_SIZE, Pte.make(data, USER_RW));
    assertThat(pt.tablePages(root)).as("same page table").isEqualTo(tables);

    for (int level = 2; level <= pt.levels(); level++) {
      long va = USER_VA + (1L << shift(level));
      map(root, va, Pte.make(data, USER_RW));
      assertThat(pt.tablePages(root) - tables)
          .as("a page whose level-%d index differs needs %d new tables", level, level - 1)
          .isEqualTo(level - 1);
      tables = pt.tablePages(root);
    }
  }

  @Test
  void writePte_entryBytes_areLittleEndianInATableFrameLinkedWithPageTableFlags() {
    long root = newRoot();
    long data = frame();
    long pte = Pte.make(data, USER_RW | Pte.ACCESSED | Pte.NX);
    long va = USER_VA + 5 * Page.PAGE_SIZE;

    map(root, va, pte);

    assertThat(memory.readLong(entryAddress(root, va, 1))).isEqualTo(pte);
    assertThat(pt.readEntry(root, va, 1)).isEqualTo(pte);
    for (int level = 2; level <= pt.levels(); level++) {
      long link = pt.readEntry(root, va, level);
      assertThat(Pte.has(link, Pte.PRESENT | Pte.RW | Pte.USER))
          .as("user-half link at level %d: %s", level, Pte.describe(link))
          .isTrue();
      assertThat(link & Pte.PS).as("a link is not a huge page").isZero();
      assertThat(Pte.pfn(link)).isBetween(1L, FRAMES - 1);
      assertThat(memory.readLong(entryAddress(root, va, level))).isEqualTo(link);
    }
    assertThat(pt.readEntry(root, va, 1)).isEqualTo(pt.readPte(root, va));
  }

  @Test
  void readEntry_belowAMissingTable_isZero() {
    long root = newRoot();
    assertThat(pt.readEntry(root, USER_VA, 1)).isZero();
    assertThat(pt.readEntry(root, USER_VA, pt.levels())).isZero();
    assertThatThrownBy(() -> pt.readEntry(root, USER_VA, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> pt.readEntry(root, USER_VA, pt.levels() + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writePte_zeroWhereNoTableExists_createsNothing() {
    long root = newRoot();
    long free = pages.nrFreePages();

    assertThat(pt.writePte(root, USER_VA, 0)).isTrue();

    assertThat(pt.tablePages(root)).isEqualTo(1);
    assertThat(pages.nrFreePages()).isEqualTo(free);
  }

  @Test
  void writePte_tableMemoryRunsOutHalfway_returnsFalseAndChangesNothing() {
    long root = newRoot();
    long data = frame();
    long free = pages.nrFreePages();
    long all = pt.tablePages();
    pages.failAfter(pt.levels() - 2);

    assertThat(pt.writePte(root, USER_VA, Pte.make(data, USER_RW))).isFalse();

    pages.neverFail();
    assertThat(pages.nrFreePages()).as("table frames given back").isEqualTo(free);
    assertThat(pt.tablePages()).isEqualTo(all);
    assertThat(pt.tablePages(root)).isEqualTo(1);
    assertThat(pt.readPte(root, USER_VA)).isZero();
    assertThat(pt.readEntry(root, USER_VA, pt.levels())).isZero();
  }

  @Test
  void badAddresses_nonCanonicalOrDeadRoot_throwNamingTheAddressAndChangeNothing() {
    long root = newRoot();
    long hole = 1L << (pt.virtualAddressBits() - 1);
    long free = pages.nrFreePages();

    assertThatThrownBy(() -> pt.writePte(root, hole, Pte.make(1, USER_RW)))
        .isInstanceOfSatisfying(
            BadAddressException.class, e -> assertThat(e.address()).isEqualTo(hole))
        .hasMessageContaining(Long.toHexString(hole));
    assertThatThrownBy(() -> pt.readPte(root, hole)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> pt.readPte(12345, USER_VA)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> pt.writePte(12345, USER_VA, 0))
        .isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> pt.walkRange(root, 0, hole + Page.PAGE_SIZE, (va, e) -> {}))
        .isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> pt.walkRange(root, USER_VA, -Page.PAGE_SIZE, (va, e) -> {}))
        .as("a range across the hole")
        .isInstanceOf(BadAddressException.class);

    assertThat(pages.nrFreePages()).isEqualTo(free);
    assertThat(pt.tablePages(root)).isEqualTo(1);
    assertThat(pt.isRoot(12345)).isFalse();
  }

  @Test
  void virtToPhys_mappedPage_addsTheOffset_unmappedIsNoPhys() {
    long root = newRoot();
    long data = frame();
    map(root, USER_VA, Pte.make(data, USER_RW));

    assertThat(pt.virtToPhys(root, USER_VA + 0x123)).isEqualTo(Page.pfnToPhys(data) + 0x123);
    assertThat(pt.virtToPhys(root, USER_VA + Page.PAGE_SIZE)).isEqualTo(PageTable.NO_PHYS);
    assertThat(pt.readPte(root, USER_VA) & (Pte.ACCESSED | Pte.DIRTY))
        .as("virtToPhys sets no bits")
        .isZero();
  }

  @Test
  void destroyAddressSpace_afterUnmapping_givesTheRootAndEveryTableBack() {
    long data = frame();
    long free = pages.nrFreePages();
    long all = pt.tablePages();
    long root = newRoot();
    long[] vas = {USER_VA, USER_VA + (1L << 21), USER_VA + (1L << 30), USER_VA + (1L << 39)};
    for (long va : vas) {
      map(root, va, Pte.make(data, USER_RW));
    }
    for (long va : vas) {
      map(root, va, 0);
    }

    pt.destroyAddressSpace(root);

    assertThat(pt.isRoot(root)).isFalse();
    assertThat(pages.nrFreePages()).isEqualTo(free);
    assertThat(pt.tablePages()).isEqualTo(all);
    assertThatThrownBy(() -> pt.readPte(root, USER_VA)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> pt.destroyAddressSpace(root)).isInstanceOf(BadAddressException.class);
  }

  @Test
  void destroyAddressSpace_pageOrSwapEntryLeft_throwsNamingItAndChangesNothing() {
    long root = newRoot();
    long data = frame();
    long va = USER_VA + 7 * Page.PAGE_SIZE;
    map(root, va, Pte.make(data, USER_RW));
    long tables = pt.tablePages(root);
    long free = pages.nrFreePages();

    assertThatThrownBy(() -> pt.destroyAddressSpace(root))
        .isInstanceOfSatisfying(
            BadAddressException.class, e -> assertThat(e.address()).isEqualTo(va));

    assertThat(pt.isRoot(root)).isTrue();
    assertThat(pt.tablePages(root)).isEqualTo(tables);
    assertThat(pages.nrFreePages()).isEqualTo(free);
    assertThat(pt.readPte(root, va)).isEqualTo(Pte.make(data, USER_RW));

    map(root, va, Pte.makeSwap(1, 77));
    assertThatThrownBy(() -> pt.destroyAddressSpace(root))
        .as("a swap entry is a user entry still set")
        .isInstanceOf(BadAddressException.class);
    map(root, va, 0);
    pt.destroyAddressSpace(root);
  }

  @Test
  void destroyAddressSpace_kernelRoot_throws() {
    assertThatThrownBy(() -> pt.destroyAddressSpace(pt.kernelRoot()))
        .isInstanceOf(BadAddressException.class);
    assertThat(pt.isRoot(pt.kernelRoot())).isTrue();
  }

  @Test
  void destroyAddressSpace_loadedInCr3_switchesThatCpuToTheKernelRoot() {
    long root = newRoot();
    Mmu mmu = userMmu(1, root);
    Mmu other = pt.mmu(0);
    long otherCr3 = other.cr3();

    pt.destroyAddressSpace(root);

    assertThat(mmu.cr3()).isEqualTo(pt.kernelRoot());
    assertThat(other.cr3()).isEqualTo(otherCr3);
  }

  // ================================================================ the kernel half

  @Test
  void kernelMapping_visibleInEveryAddressSpace_beforeAndAfterItWasMade() {
    long before = newRoot();
    long data = frame();
    long va = vmallocStart() + (123L << Page.PAGE_SHIFT);
    long pte = pt.pfnPte(data, Pte.PAGE_KERNEL);

    map(pt.kernelRoot(), va, pte);
    long after = newRoot();

    for (long root : new long[] {pt.kernelRoot(), before, after}) {
      assertThat(pt.readPte(root, va)).isEqualTo(pte);
      Mmu mmu = userMmu(0, root);
      assertThat(mmu.translate(va + 8, Access.READ, false)).isEqualTo(Page.pfnToPhys(data) + 8);
      assertThat(mmu.translate(va + 8, Access.READ, true)).isEqualTo(Mmu.FAULT);
      assertThat(mmu.errorCode()).isEqualTo(ErrorCode.PROT | ErrorCode.USER);
    }
    for (int level = 2; level <= pt.levels(); level++) {
      long link = pt.readEntry(before, va, level);
      assertThat(Pte.has(link, Pte.PRESENT | Pte.RW)).isTrue();
      assertThat(link & Pte.USER).as("kernel link at level %d has no U/S", level).isZero();
    }
  }

  @Test
  void kernelHalf_vmallocRange_hasItsTopLevelEntriesFromBoot() {
    for (long va : new long[] {vmallocStart(), vmallocEnd() & ~Page.PAGE_OFFSET_MASK}) {
      assertThat(Pte.present(pt.readEntry(pt.kernelRoot(), va, pt.levels())))
          .as("top-level entry of 0x%x (preallocate_vmalloc_pages)", va)
          .isTrue();
    }
  }

  @Test
  void directMap_coversAllMemoryForTheKernelOnly() {
    Mmu mmu = pt.mmu(0);
    long[] sample = {0, 0x7005, (1L << 21) + 0x1234, memory.size() / 2 + 8, memory.size() - 1};
    for (long pa : sample) {
      long va = pt.pageOffset() + pa;
      assertThat(mmu.translate(va, Access.READ, false)).as("kernel read of 0x%x", va).isEqualTo(pa);
      assertThat(mmu.translate(va, Access.WRITE, false)).isEqualTo(pa);
      assertThat(pt.virtToPhys(pt.kernelRoot(), va)).isEqualTo(pa);
      assertThat(mmu.translate(va, Access.READ, true))
          .as("user read of 0x%x", va)
          .isEqualTo(Mmu.FAULT);
      assertThat(mmu.cr2()).isEqualTo(va);
      assertThat(mmu.errorCode()).isEqualTo(ErrorCode.PROT | ErrorCode.USER);
      long leaf = pt.readPte(pt.kernelRoot(), va);
      assertThat(Pte.has(leaf, Pte.PRESENT | Pte.RW | Pte.GLOBAL)).isTrue();
      assertThat(leaf & Pte.USER).isZero();
      assertThat(leaf & Pte.NX).isEqualTo(pt.supportedPteMask() & Pte.NX);
    }
    long covered = 0;
    for (long size : new long[] {Page.PAGE_SIZE, 1L << 21, 1L << 30}) {
      covered += pt.directMapPages(size) * size;
    }
    assertThat(covered).as("DirectMap4k + 2M + 1G").isEqualTo(memory.size());
    assertThat(pt.virtToPhys(pt.kernelRoot(), pt.pageOffset() + memory.size()))
        .as("nothing past the end of memory")
        .isEqualTo(PageTable.NO_PHYS);
  }

  @Test
  void directMap_hugeLeaf_readPteReturnsThePsEntryAndWritePteInsideItThrows() {
    if (pt.directMapPages(1L << 21) == 0) {
      assertThat(pt.directMapPages(Page.PAGE_SIZE))
          .as("a direct map of 4 KiB pages")
          .isEqualTo(FRAMES);
      return;
    }
    long va = pt.pageOffset() + (1L << 21) + 0x1234;
    long leaf = pt.readPte(pt.kernelRoot(), va);
    assertThat(Pte.huge(leaf)).as("%s", Pte.describe(leaf)).isTrue();
    long tables = pt.kernelTablePages();

    assertThatThrownBy(() -> pt.writePte(pt.kernelRoot(), va, 0))
        .isInstanceOf(BadAddressException.class);

    assertThat(pt.readPte(pt.kernelRoot(), va)).isEqualTo(leaf);
    assertThat(pt.kernelTablePages()).isEqualTo(tables);
    List<Long> leaves = new ArrayList<>();
    pt.walkRange(
        pt.kernelRoot(), pt.pageOffset(), pt.pageOffset() + (4L << 21), (v, e) -> leaves.add(v));
    assertThat(leaves)
        .as("each 2 MiB leaf of 64 MiB of RAM visited once, at its start")
        .containsExactly(
            pt.pageOffset(),
            pt.pageOffset() + (1L << 21),
            pt.pageOffset() + (2L << 21),
            pt.pageOffset() + (3L << 21));
  }

  // ================================================================ walks

  @Test
  void walkRange_visitsEveryNonZeroLeafInRangeInAddressOrder_andMayRewriteThem() {
    long root = newRoot();
    long data = frame();
    long swap = Pte.makeSwap(2, 99);
    long[] vas = {
      USER_VA, USER_VA + 0x1000, USER_VA + 0x2000, USER_VA + (1L << 21), USER_VA + (1L << 30)
    };
    for (long va : vas) {
      map(root, va, va == USER_VA + 0x2000 ? swap : Pte.make(data, USER_RW));
    }
    List<Long> seen = new ArrayList<>();

    pt.walkRange(
        root,
        USER_VA + 0x1000,
        USER_VA + (1L << 30),
        (va, e) -> {
          seen.add(va);
          assertThat(e).isEqualTo(pt.readPte(root, va));
          if (Pte.present(e)) {
            assertThat(pt.writePte(root, va, e & ~Pte.RW)).isTrue();
          }
        });

    assertThat(seen).containsExactly(USER_VA + 0x1000, USER_VA + 0x2000, USER_VA + (1L << 21));
    assertThat(pt.readPte(root, USER_VA + 0x1000)).isEqualTo(Pte.make(data, USER_RW & ~Pte.RW));
    assertThat(pt.readPte(root, USER_VA + 0x2000)).isEqualTo(swap);
    assertThat(pt.readPte(root, USER_VA))
        .as("outside the range")
        .isEqualTo(Pte.make(data, USER_RW));
    assertThat(pt.readPte(root, USER_VA + (1L << 30))).isEqualTo(Pte.make(data, USER_RW));
  }

  // ================================================================ freeing empty tables

  @Test
  void freeEmptyTables_afterUnmap_freesExactlyTheEmptyTablesTouchingTheRange() {
    long root = newRoot();
    long data = frame();
    long a = USER_VA;
    long b = USER_VA + (1L << 21);
    map(root, a, Pte.make(data, USER_RW));
    map(root, b, Pte.make(data, USER_RW));
    long tables = pt.tablePages(root);
    long free = pages.nrFreePages();
    map(root, a, 0);

    assertThat(pt.freeEmptyTables(root, a, a + Page.PAGE_SIZE)).as("a's page table").isEqualTo(1);
    assertThat(pt.tablePages(root)).isEqualTo(tables - 1);
    assertThat(pages.nrFreePages()).isEqualTo(free + 1);
    assertThat(pt.readPte(root, b)).isEqualTo(Pte.make(data, USER_RW));
    assertThat(pt.freeEmptyTables(root, b, b + Page.PAGE_SIZE)).as("b is still mapped").isZero();

    map(root, b, 0);
    assertThat(pt.freeEmptyTables(root, 0, pt.taskSizeMax())).isEqualTo(pt.levels() - 1);
    assertThat(pt.tablePages(root)).as("the root stays").isEqualTo(1);
    assertThat(pages.nrFreePages()).isEqualTo(free + pt.levels());
    assertThat(pt.freeEmptyTables(root, a, a)).isZero();
  }

  @Test
  void freeEmptyTables_kernelHalf_freesTablesBelowTheSharedTopLevelEntries() {
    long data = frame();
    long root = newRoot();
    long kernelTables = pt.kernelTablePages();
    long free = pages.nrFreePages();
    long va = vmallocStart() + (3L << 30) + (5L << 21);
    long top = pt.readEntry(pt.kernelRoot(), va, pt.levels());
    map(pt.kernelRoot(), va, pt.pfnPte(data, Pte.PAGE_KERNEL));
    long made = pt.kernelTablePages() - kernelTables;
    assertThat(made).as("tables below the preallocated top").isBetween(1L, pt.levels() - 2L);
    assertThat(pt.freeEmptyTables(pt.kernelRoot(), va, va + Page.PAGE_SIZE)).isZero();

    map(pt.kernelRoot(), va, 0);
    long freed = pt.freeEmptyTables(pt.kernelRoot(), va, va + Page.PAGE_SIZE);

    assertThat(freed).isEqualTo(made);
    assertThat(pt.kernelTablePages()).isEqualTo(kernelTables);
    assertThat(pages.nrFreePages()).isEqualTo(free);
    assertThat(pt.readEntry(pt.kernelRoot(), va, pt.levels())).isEqualTo(top);
    assertThat(pt.readEntry(root, va, pt.levels())).isEqualTo(top);
    assertThatThrownBy(() -> pt.freeEmptyTables(root, va, va + Page.PAGE_SIZE))
        .as("the kernel half is freed only through the kernel root")
        .isInstanceOf(BadAddressException.class);
  }

  // ================================================================ seeded random operations

  /**
   * Random map, unmap, translate and table freeing in one address space, against a model written
   * here: the leaf entries by address and the set of table spans that must exist (a table of level
   * L covers 2^(12 + 9L) bytes; it appears with the first mapping below it and goes away only when
   * {@code freeEmptyTables} finds nothing below it).
   */
  @Test
  void randomOperations_agreeWithAModelOfEntriesAndTables() {
    StatefulRunner.of(
            getClass().getSimpleName() + " random page-table operations",
            new PageTableRandomScenario(this))
        .runs(10)
        .steps(200)
        .check();
  }
}
