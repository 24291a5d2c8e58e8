package io.mmsim.testkit.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
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
import io.mmsim.testkit.Op;
import io.mmsim.testkit.OpKind;
import io.mmsim.testkit.Scenario;
import io.mmsim.testkit.StatefulRunner;
import io.mmsim.testkit.object.SimplePageAllocator;
import io.mmsim.testkit.object.TestMemoryContext;

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
 *   <li>the MMU: translation, Accessed and Dirty written into the entries' bytes, the #PF error
 *       code and CR2 for every kind of violation, #GP without a walk for a non-canonical address;
 *   <li>the TLB: hits, stale entries until {@code invlpg} or a shootdown, global entries across a
 *       CR3 load, flushes on PGE and NXE changes;
 *   <li>freeing of empty tables, in the user half and below the preallocated kernel tables;
 *   <li>a seeded random sequence of map, unmap, translate and table freeing checked against a model
 *       written here.
 * </ul>
 *
 * Every table and allocator built is re-checked with {@code checkInvariants()} after each test.
 */
public abstract class PageTableContract {

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

  private long vmallocStart() {
    return pt.levels() == 5 ? KernelLayout.VMALLOC_START_L5 : KernelLayout.VMALLOC_START;
  }

  private long vmallocEnd() {
    return pt.levels() == 5 ? KernelLayout.VMALLOC_END_L5 : KernelLayout.VMALLOC_END;
  }

  private Mmu userMmu(int cpu, long root) {
    Mmu mmu = pt.mmu(cpu);
    mmu.loadCr3(root);
    return mmu;
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
    assertThat(mmu.tlbValidEntries()).isEqualTo(2);

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

  // ================================================================ seeded random operations

  /**
   * Random map, unmap, translate and table freeing in one address space, against a model written
   * here: the leaf entries by address and the set of table spans that must exist (a table of level
   * L covers 2^(12 + 9L) bytes; it appears with the first mapping below it and goes away only when
   * {@code freeEmptyTables} finds nothing below it).
   */
  @Test
  void randomOperations_agreeWithAModelOfEntriesAndTables() {
    StatefulRunner.of(getClass().getSimpleName() + " random page-table operations", new Random())
        .runs(10)
        .steps(200)
        .check();
  }

  private static final OpKind MAP = new OpKind("map", "slot", "frame", "flavour");
  private static final OpKind UNMAP = new OpKind("unmap", "slot");
  private static final OpKind TRANSLATE = new OpKind("translate", "slot", "access", "user");
  private static final OpKind FREE_TABLES = new OpKind("freeEmptyTables", "from", "to");
  private static final OpKind INVLPG = new OpKind("invlpg", "slot");

  /** Addresses the random test uses: pages near each other and across every level's boundary. */
  private long slot(int i) {
    long region = (long) (i / 8);
    long[] bases = {
      USER_VA, USER_VA + (1L << 21), USER_VA + (1L << 30), USER_VA + (1L << 39), 0x7f0000000000L
    };
    return bases[(int) (region % bases.length)] + ((long) (i % 8) << Page.PAGE_SHIFT);
  }

  private static final int SLOTS = 40;

  private static final long[] FLAVOURS = {
    USER_RW, Pte.PRESENT | Pte.USER, USER_RW | Pte.NX, Pte.PRESENT | Pte.RW, -1
  };

  /** The implementation and the model of one run. */
  private final class RandomState {
    final long root = newRoot();
    final Mmu mmu = userMmu(0, root);
    final long[] frames = {frame(), frame(), frame()};
    final TreeMap<Long, Long> entries = new TreeMap<>();
    final List<Set<Long>> tables = new ArrayList<>();
    final long freeAtStart;
    final long allTablesAtStart;

    RandomState() {
      mmu.writeEfer(mmu.efer() | ControlRegisters.EFER_NXE);
      mmu.writeCr0(mmu.cr0() | ControlRegisters.CR0_WP);
      for (int level = 1; level < pt.levels(); level++) {
        tables.add(new HashSet<>());
      }
      freeAtStart = pages.nrFreePages();
      allTablesAtStart = pt.tablePages();
    }

    long modelTables() {
      long n = 1;
      for (Set<Long> t : tables) {
        n += t.size();
      }
      return n;
    }
  }

  private final class Random implements Scenario<RandomState> {
    @Override
    public RandomState create() {
      bootMachine();
      return new RandomState();
    }

    @Override
    public Op generate(SplittableRandom r, int step) {
      int k = r.nextInt(100);
      if (k < 40) {
        return MAP.op(r.nextInt(SLOTS), r.nextInt(3), r.nextInt(FLAVOURS.length));
      }
      if (k < 60) {
        return UNMAP.op(r.nextInt(SLOTS));
      }
      if (k < 88) {
        return TRANSLATE.op(r.nextInt(SLOTS), r.nextInt(3), r.nextInt(2));
      }
      if (k < 94) {
        return INVLPG.op(r.nextInt(SLOTS));
      }
      return FREE_TABLES.op(r.nextInt(SLOTS), r.nextInt(SLOTS));
    }

    @Override
    public void apply(RandomState s, Op op) {
      if (op.is(MAP)) {
        long va = slot(op.intArg(0));
        long flavour = FLAVOURS[op.intArg(2)];
        long pte =
            flavour == -1
                ? Pte.makeSwap(1, 10 + op.intArg(0))
                : Pte.make(s.frames[op.intArg(1)], flavour);
        map(s.root, va, pte);
        pt.flushTlbPage(va);
        s.entries.put(va, pte);
        for (int level = 1; level < pt.levels(); level++) {
          s.tables.get(level - 1).add(va >>> shift(level + 1));
        }
      } else if (op.is(UNMAP)) {
        long va = slot(op.intArg(0));
        map(s.root, va, 0);
        pt.flushTlbPage(va);
        s.entries.remove(va);
      } else if (op.is(INVLPG)) {
        s.mmu.invlpg(slot(op.intArg(0)));
      } else if (op.is(TRANSLATE)) {
        translate(s, slot(op.intArg(0)) + 8 * op.intArg(0), op.intArg(1), op.intArg(2) == 1);
      } else if (op.is(FREE_TABLES)) {
        long a = slot(Math.min(op.intArg(0), op.intArg(1)));
        long b = slot(Math.max(op.intArg(0), op.intArg(1))) + Page.PAGE_SIZE;
        long before = s.modelTables();
        for (int level = 1; level < pt.levels(); level++) {
          int sh = shift(level + 1);
          Set<Long> spans = s.tables.get(level - 1);
          for (Long span : new ArrayList<>(spans)) {
            long lo = span << sh;
            long hi = lo + (1L << sh);
            boolean touches = lo < b && a < hi;
            if (touches && !holdsAnything(s, level, span)) {
              spans.remove(span);
            }
          }
        }
        assertThat(pt.freeEmptyTables(s.root, a, b)).isEqualTo(before - s.modelTables());
      } else {
        throw new AssertionError("unknown operation " + op);
      }
    }

    /** True when the model has an entry, or a table, below the level-L table {@code span}. */
    private boolean holdsAnything(RandomState s, int level, long span) {
      int sh = shift(level + 1);
      Long e = s.entries.ceilingKey(span << sh);
      if (e != null && (e >>> sh) == span) {
        return true;
      }
      if (level > 1) {
        int below = shift(level);
        for (long child : s.tables.get(level - 2)) {
          if ((child << below) >>> sh == span) {
            return true;
          }
        }
      }
      return false;
    }

    private void translate(RandomState s, long va, int access, boolean user) {
      long page = va & ~Page.PAGE_OFFSET_MASK;
      Long pte = s.entries.get(page);
      long got = s.mmu.translate(va, access, user);
      if (pte == null || !Pte.present(pte)) {
        assertThat(got).as("access to an unmapped page").isEqualTo(Mmu.FAULT);
        assertThat(s.mmu.errorCode() & ErrorCode.PROT).isZero();
        assertThat(s.mmu.cr2()).isEqualTo(va);
        return;
      }
      boolean allowed =
          (!user || (pte & Pte.USER) != 0)
              && (access != Access.WRITE || (pte & Pte.RW) != 0)
              && (access != Access.EXECUTE || (pte & Pte.NX) == 0);
      if (allowed) {
        assertThat(got).isEqualTo(Page.pfnToPhys(Pte.pfn(pte)) + (va & Page.PAGE_OFFSET_MASK));
        long now = pt.readPte(s.root, page);
        assertThat(now & Pte.ACCESSED).isNotZero();
        if (access == Access.WRITE) {
          assertThat(now & Pte.DIRTY).isNotZero();
        }
        s.entries.put(page, now);
      } else {
        assertThat(got).isEqualTo(Mmu.FAULT);
        int code =
            ErrorCode.PROT
                | (user ? ErrorCode.USER : 0)
                | (access == Access.WRITE ? ErrorCode.WRITE : 0)
                | (access == Access.EXECUTE ? ErrorCode.INSTR : 0);
        assertThat(s.mmu.errorCode()).isEqualTo(code);
        long now = pt.readPte(s.root, page);
        assertThat(now & ~(Pte.ACCESSED | Pte.DIRTY))
            .as("a faulting access changes no bit but A and D")
            .isEqualTo(pte & ~(Pte.ACCESSED | Pte.DIRTY));
        s.entries.put(page, now);
      }
    }

    @Override
    public void checkInvariants(RandomState s) {
      pt.checkInvariants();
      pages.checkInvariants();
      List<long[]> walked = new ArrayList<>();
      pt.walkRange(s.root, 0, pt.taskSizeMax(), (va, e) -> walked.add(new long[] {va, e}));
      assertThat(walked).hasSize(s.entries.size());
      int i = 0;
      for (var e : s.entries.entrySet()) {
        assertThat(walked.get(i)[0]).isEqualTo(e.getKey());
        assertThat(walked.get(i)[1]).isEqualTo(e.getValue());
        i++;
      }
      assertThat(pt.tablePages(s.root))
          .as("tables of the address space")
          .isEqualTo(s.modelTables());
      assertThat(s.freeAtStart - pages.nrFreePages())
          .as("table frames taken since the start")
          .isEqualTo(pt.tablePages() - s.allTablesAtStart);
    }
  }
}
