package io.mmsim.testkit.vmalloc;

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
import io.mmsim.api.BadPageException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.spi.VirtualAllocatorProvider;
import io.mmsim.api.vmalloc.VirtualAllocator;
import io.mmsim.api.vmalloc.VmArea;
import io.mmsim.testkit.InvariantCheckExtension;
import io.mmsim.testkit.Op;
import io.mmsim.testkit.OpKind;
import io.mmsim.testkit.Scenario;
import io.mmsim.testkit.StatefulRunner;
import io.mmsim.testkit.object.SimplePageAllocator;
import io.mmsim.testkit.paging.SimplePageTable;

/**
 * The tests every {@link VirtualAllocator} must pass. A module adds a one-method subclass:
 *
 * <pre>{@code
 * final class VmallocContractTest extends VirtualAllocatorContract {
 *   @Override
 *   protected VirtualAllocatorProvider provider() {
 *     return new VmallocProvider();
 *   }
 * }
 * }</pre>
 *
 * <p>The contract builds a 64 MiB, 2-CPU machine: the testkit's {@link SimplePageAllocator} (which
 * runs dry on cue), a four-level {@link SimplePageTable} taking its table frames from it (so that
 * page-table memory can run out, and TLB shootdowns are counted), and the provider's default
 * settings. The expectations are the kernel's ({@code mm/vmalloc.c}):
 *
 * <ul>
 *   <li>areas are page-aligned in the vmalloc range, mapped {@code PAGE_KERNEL}, followed by an
 *       unmapped guard page counted in their size ({@code get_vm_area_size()} subtracts it);
 *   <li>placement is lowest-address first fit, starting at {@code VMALLOC_START};
 *   <li>{@code vfree} unmaps at once and gives the pages back, but parks the address range as an
 *       {@code unpurged vm_area} without a TLB flush; once more than {@code lazy_max_pages()} =
 *       fls(CPUs) x 32 MiB of pages wait, one purge flushes them all and returns the ranges;
 *   <li>a page array above one page is itself vmalloc'ed (the {@code vpages} flag);
 *   <li>{@code vmap} borrows the caller's frames; {@code vfree} of it leaves them alone, {@code
 *       vunmap} of a vmalloc area leaks its pages;
 *   <li>bad frees are refused in the kernel's words and change nothing; running out of pages or
 *       page-table memory returns 0 and changes nothing, page tables included;
 *   <li>a seeded random sequence keeps areas disjoint and every count right.
 * </ul>
 */
public abstract class VirtualAllocatorContract {

  /** 64 MiB. */
  protected static final long FRAMES = 16384;

  /** Simulated CPUs. */
  protected static final int CPUS = 2;

  /** Bytes of a page. */
  protected static final long P = Page.PAGE_SIZE;

  /** Re-checks the allocator, the page allocator and the page table after every test. */
  @RegisterExtension
  protected final InvariantCheckExtension invariants = new InvariantCheckExtension();

  /** The machine's RAM. */
  protected PhysicalMemory memory;

  /** The page allocator under the allocator. */
  protected SimplePageAllocator pages;

  /** The kernel page table the areas are mapped in. */
  protected SimplePageTable pt;

  /** The context the allocator was built from. */
  protected TestVirtualAllocatorContext ctx;

  /** The allocator under test. */
  protected VirtualAllocator vm;

  /** The provider of the allocator under test. */
  protected abstract VirtualAllocatorProvider provider();

  @BeforeEach
  void bootMachine() {
    MemoryLayout layout = new MemoryLayout(FRAMES, CPUS);
    memory = new PhysicalMemory(FRAMES);
    pages = SimplePageAllocator.booted(layout, 1);
    pt = new SimplePageTable(pages, 4);
    VirtualAllocatorProvider p = provider();
    ctx =
        new TestVirtualAllocatorContext(
            layout, memory, pages, pt, new Settings(p.name(), p.defaultSettings()));
    vm = invariants.track(p.create(ctx));
    invariants.track(pages);
    invariants.track("kernel page table", pt::checkInvariants);
  }

  /** {@code lazy_max_pages()}: fls(online CPUs) x (32 MiB / PAGE_SIZE). */
  protected static long lazyMaxPages(int cpus) {
    return (32 - Integer.numberOfLeadingZeros(cpus)) * ((32L << 20) / P);
  }

  /** The row of the live area at {@code addr}. */
  protected final VmArea row(long addr) {
    for (VmArea a : vm.areas()) {
      if (a.start() == addr && !a.unpurged()) {
        return a;
      }
    }
    throw new AssertionError("no live area at 0x" + Long.toHexString(addr) + ": " + vm.areas());
  }

  private long unpurgedPages() {
    long n = 0;
    for (VmArea a : vm.areas()) {
      if (a.unpurged()) {
        n += a.size() / P;
      }
    }
    return n;
  }

  /** What a refused or failed call must leave as it was. */
  protected record State(
      List<VmArea> areas, long used, long free, long tables, int mapped, long flushes) {}

  /** The observable state now. */
  protected final State state() {
    return new State(
        vm.areas(),
        vm.usedPages(),
        pages.nrFreePages(),
        pt.tablePages(),
        pt.mappedPages(),
        pt.flushCount());
  }

  // ================================================================ placement and mapping

  @Test
  void vmalloc_firstArea_startsTheRangeMappedPageKernelWithAGuardPage() {
    long free = pages.nrFreePages();
    long tables = pt.tablePages();

    long a = vm.vmalloc(0, 3 * P, Gfp.KERNEL);

    assertThat(a).isEqualTo(KernelLayout.VMALLOC_START);
    Set<Long> frames = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      long pte = pt.readPte(pt.kernelRoot(), a + i * P);
      assertThat(Pte.flags(pte)).as("page %d: %s", i, Pte.describe(pte)).isEqualTo(Pte.PAGE_KERNEL);
      assertThat(frames.add(Pte.pfn(pte))).as("a frame mapped twice").isTrue();
    }
    assertThat(pt.readPte(pt.kernelRoot(), a + 3 * P)).as("guard page").isZero();
    VmArea row = row(a);
    assertThat(row.size()).as("size with the guard page").isEqualTo(4 * P);
    assertThat(row.pages()).isEqualTo(3);
    assertThat(row.kind()).isEqualTo(VmArea.VMALLOC);
    assertThat(row.nodePages()).isEqualTo(3);
    assertThat(row.vpages()).isFalse();
    assertThat(vm.usedPages()).isEqualTo(3);
    assertThat(free - pages.nrFreePages() - (pt.tablePages() - tables))
        .as("data pages taken")
        .isEqualTo(3);
  }

  @Test
  void vmalloc_sizes_roundUpToWholePages() {
    long[][] cases = {{1, 1}, {P, 1}, {P + 1, 2}, {5 * P - 1, 5}, {5 * P, 5}};
    long used = 0;
    for (long[] c : cases) {
      long a = vm.vmalloc(c[0], Gfp.KERNEL);
      assertThat(a).isNotZero();
      assertThat(a % P).isZero();
      assertThat(row(a).pages()).as("pages for %d bytes", c[0]).isEqualTo(c[1]);
      assertThat(row(a).size()).isEqualTo((c[1] + 1) * P);
      used += c[1];
    }
    assertThat(vm.usedPages()).isEqualTo(used);
  }

  @Test
  void vmalloc_successiveAreas_packLowestFirstBehindEachOthersGuardPage() {
    long a = vm.vmalloc(P, Gfp.KERNEL);
    long b = vm.vmalloc(2 * P, Gfp.KERNEL);
    long c = vm.vmalloc(P, Gfp.KERNEL);

    assertThat(b).isEqualTo(a + 2 * P);
    assertThat(c).isEqualTo(b + 3 * P);
    assertThat(vm.areas()).extracting(VmArea::start).containsExactly(a, b, c);
  }

  @Test
  void vmalloc_gfpZero_hasZeroedPagesWhereGarbageWas() {
    long a = vm.vmalloc(4 * P, Gfp.KERNEL);
    for (int i = 0; i < 4; i++) {
      memory.fill(Page.pfnToPhys(Pte.pfn(pt.readPte(pt.kernelRoot(), a + i * P))), P, (byte) 0x5a);
    }
    vm.vfree(a);

    long z = vm.vzalloc(1, 4 * P);

    for (int i = 0; i < 4; i++) {
      long pfn = Pte.pfn(pt.readPte(pt.kernelRoot(), z + i * P));
      assertThat(memory.allEqual(Page.pfnToPhys(pfn), P, (byte) 0)).as("page %d", i).isTrue();
    }
  }

  @Test
  void vmalloc_pageArrayAboveOnePage_isItselfVmallocedAndFlaggedVpages() {
    long free = pages.nrFreePages();
    long tables = pt.tablePages();
    long small = vm.vmalloc(512 * P, Gfp.KERNEL);
    assertThat(row(small).vpages()).as("512 pointers fit one page").isFalse();

    long big = vm.vmalloc(600 * P, Gfp.KERNEL);

    assertThat(row(big).vpages()).isTrue();
    List<VmArea> others = new ArrayList<>(vm.areas());
    others.removeIf(r -> r.start() == small || r.start() == big);
    assertThat(others).hasSize(1);
    assertThat(others.get(0).pages()).as("600 * 8 bytes of page array").isEqualTo(2);
    assertThat(vm.usedPages()).isEqualTo(512 + 600 + 2);

    vm.vfree(big);
    vm.vfree(small);
    assertThat(vm.usedPages()).isZero();
    assertThat(pages.nrFreePages() + (pt.tablePages() - tables)).isEqualTo(free);
  }

  @Test
  void totalBytes_isTheVmallocRangeAsMeminfoComputesIt() {
    assertThat(vm.totalBytes()).isEqualTo(KernelLayout.VMALLOC_END - KernelLayout.VMALLOC_START);
    assertThat(vm.totalBytes() / 1024).as("VmallocTotal in kB").isEqualTo(34359738367L);
  }

  @Test
  void areas_formatAsVmallocinfoRows() {
    ctx.setCaller("test.wl:3");
    long a = vm.vmalloc(P, Gfp.KERNEL);

    assertThat(row(a).format())
        .isEqualTo(
            String.format("0x%016x-0x%016x    8192 test.wl:3 pages=1 vmalloc N0=1", a, a + 2 * P));
  }

  // ================================================================ vfree and the lazy purge

  @Test
  void vfree_unmapsAndGivesPagesBackAtOnce_butParksTheRangeUnflushed() {
    long free = pages.nrFreePages();
    long tables = pt.tablePages();
    long a = vm.vmalloc(3 * P, Gfp.KERNEL);
    long flushes = pt.flushCount();

    vm.vfree(1, a);

    for (int i = 0; i < 4; i++) {
      assertThat(pt.readPte(pt.kernelRoot(), a + i * P)).isZero();
    }
    assertThat(pages.nrFreePages() + (pt.tablePages() - tables)).isEqualTo(free);
    assertThat(vm.usedPages()).isZero();
    assertThat(pt.flushCount()).as("no TLB flush before the purge").isEqualTo(flushes);
    assertThat(vm.areas()).hasSize(1);
    VmArea parked = vm.areas().get(0);
    assertThat(parked.unpurged()).isTrue();
    assertThat(parked.start()).isEqualTo(a);
    assertThat(parked.size()).isEqualTo(4 * P);
    assertThat(parked.format())
        .isEqualTo(String.format("0x%016x-0x%016x   16384 unpurged vm_area", a, a + 4 * P));
    assertThat(vm.vmalloc(P, Gfp.KERNEL)).as("a parked range is not reused").isEqualTo(a + 4 * P);
  }

  /**
   * Frees 2 MiB areas until a purge happens; asserts it happens at the first vfree that takes the
   * parked pages past {@code lazy_max_pages()} and flushes every page those ranges had mapped.
   */
  protected final void freeUntilPurged(List<long[]> mappedRanges) {
    long threshold = lazyMaxPages(CPUS);
    for (int round = 0; ; round++) {
      assertThat(round).as("rounds before a purge").isLessThan(100);
      long a = vm.vmalloc(512 * P, Gfp.KERNEL);
      assertThat(a).isNotZero();
      mappedRanges.add(new long[] {a, a + 512 * P});
      long parked = unpurgedPages();
      vm.vfree(a);
      if (parked + 513 > threshold) {
        assertThat(unpurgedPages()).as("purged once past %d pages", threshold).isZero();
        return;
      }
      assertThat(unpurgedPages()).isEqualTo(parked + 513);
      assertThat(pt.flushes(a)).as("no flush while parked").isZero();
    }
  }

  @Test
  void vfree_pastLazyMaxPages_purgesEveryParkedRangeWithOneFlushPass() {
    long a = vm.vmalloc(P, Gfp.KERNEL);
    long b = vm.vmalloc(2 * P, Gfp.KERNEL);
    long c = vm.vmalloc(P, Gfp.KERNEL);
    vm.vfree(b);
    List<long[]> mapped = new ArrayList<>();
    mapped.add(new long[] {b, b + 2 * P});

    freeUntilPurged(mapped);

    for (long[] r : mapped) {
      for (long va = r[0]; va < r[1]; va += P) {
        assertThat(pt.flushes(va)).as("flushes of 0x%x", va).isGreaterThanOrEqualTo(1);
      }
    }
    assertThat(pt.flushes(a)).as("a live area is not flushed").isZero();
    assertThat(vm.vmalloc(P, Gfp.KERNEL)).as("lowest fit: b's hole").isEqualTo(b);
    assertThat(vm.vmalloc(2 * P, Gfp.KERNEL)).as("too big for what is left").isEqualTo(c + 2 * P);
  }

  @Test
  void vfreeAndVunmap_ofZero_doNothing() {
    vm.vmalloc(P, Gfp.KERNEL);
    State before = state();

    vm.vfree(0);
    vm.vfree(1, 0);
    vm.vunmap(0);

    assertThat(state()).isEqualTo(before);
  }

  @Test
  void vfree_addressNoAreaStartsAt_throwsInTheKernelsWordsAndChangesNothing() {
    long a = vm.vmalloc(2 * P, Gfp.KERNEL);
    long gone = vm.vmalloc(P, Gfp.KERNEL);
    vm.vfree(gone);
    State before = state();
    long never = KernelLayout.VMALLOC_START + (1L << 30);

    for (long bad : new long[] {never, a + P, gone}) {
      assertThatThrownBy(() -> vm.vfree(bad))
          .isInstanceOfSatisfying(
              BadAddressException.class, e -> assertThat(e.address()).isEqualTo(bad))
          .hasMessageContaining(String.format("Trying to vfree() nonexistent vm area (0x%x)", bad));
      assertThatThrownBy(() -> vm.vunmap(bad))
          .isInstanceOf(BadAddressException.class)
          .hasMessageContaining(
              String.format("Trying to vunmap() nonexistent vm area (0x%x)", bad));
    }
    assertThatThrownBy(() -> vm.vfree(a + 8))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining(String.format("Trying to vfree() bad address (0x%x)", a + 8));

    assertThat(state()).isEqualTo(before);
  }

  // ================================================================ vmap and vunmap

  @Test
  void vmap_mapsTheCallersFramesInOrder_andVfreeLeavesThemAllocated() {
    long[] frames = new long[4];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = pages.allocPages(0, Gfp.KERNEL, 0);
    }
    long used = vm.usedPages();

    long a = vm.vmap(frames, 3);

    for (int i = 0; i < 3; i++) {
      assertThat(Pte.pfn(pt.readPte(pt.kernelRoot(), a + i * P))).isEqualTo(frames[i]);
    }
    assertThat(pt.readPte(pt.kernelRoot(), a + 3 * P)).as("guard page").isZero();
    VmArea row = row(a);
    assertThat(row.kind()).isEqualTo(VmArea.VMAP);
    assertThat(row.pages()).as("vmap owns no pages").isZero();
    assertThat(row.size()).isEqualTo(4 * P);
    assertThat(vm.usedPages()).as("vmap is not VmallocUsed").isEqualTo(used);
    long free = pages.nrFreePages();

    vm.vfree(a);

    assertThat(pages.nrFreePages()).as("the frames stay the caller's").isEqualTo(free);
    for (long f : frames) {
      pages.freePages(0, f, 0);
    }
  }

  @Test
  void vmap_badArguments_throwOrReturnZeroAndChangeNothing() {
    long[] frames = {pages.allocPages(0, Gfp.KERNEL, 0), FRAMES + 5};
    State before = state();

    assertThatThrownBy(() -> vm.vmap(frames, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> vm.vmap(frames, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> vm.vmap(frames, 2))
        .isInstanceOfSatisfying(
            BadPageException.class, e -> assertThat(e.pfn()).isEqualTo(FRAMES + 5));
    assertThat(vm.vmap(frames, 0)).isZero();

    assertThat(state()).isEqualTo(before);
  }

  @Test
  void vunmap_ofAVmallocArea_unmapsButLeaksItsPages() {
    long a = vm.vmalloc(3 * P, Gfp.KERNEL);
    long free = pages.nrFreePages();

    vm.vunmap(a);

    assertThat(pt.readPte(pt.kernelRoot(), a)).isZero();
    assertThat(pages.nrFreePages()).as("pages leaked, as in Linux").isEqualTo(free);
    assertThat(vm.usedPages()).isEqualTo(3);
    assertThatThrownBy(() -> vm.vfree(a)).isInstanceOf(BadAddressException.class);
  }

  // ================================================================ failures change nothing

  @Test
  void vmalloc_badSizes_returnZeroAndChangeNothing() {
    vm.vmalloc(P, Gfp.KERNEL);
    State before = state();

    for (long size : new long[] {0, -1, -P, Long.MIN_VALUE, memory.size() + P, Long.MAX_VALUE}) {
      assertThat(vm.vmalloc(size, Gfp.KERNEL)).as("vmalloc(%d)", size).isZero();
    }

    assertThat(state()).isEqualTo(before);
  }

  @Test
  void vmalloc_pagesRunOut_returnsZeroAndChangesNothing() {
    vm.vmalloc(P, Gfp.KERNEL);
    State before = state();
    pages.failAfter(3);

    assertThat(vm.vmalloc(8 * P, Gfp.KERNEL)).isZero();

    pages.neverFail();
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void vmalloc_pageTableMemoryRunsOutOnAFreshMachine_leavesNoTableBehind() {
    State before = state();
    pages.failAfter(4 + 1);

    assertThat(vm.vmalloc(4 * P, Gfp.KERNEL)).isZero();

    pages.neverFail();
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void vmalloc_mappingFailsPartway_freesTheTablesItMadeAndKeepsTheOthers() {
    long a = vm.vmalloc(P, Gfp.KERNEL);
    long far = vm.vmalloc((1L << 21) + 3 * P, Gfp.KERNEL);
    assertThat(far).isEqualTo(a + 2 * P);
    vm.vfree(far);
    State before = state();
    pt.failAfterWrites(600);

    assertThat(vm.vmalloc(1000 * P, Gfp.KERNEL))
        .as("an area crossing into 2 MiB slots without tables yet")
        .isZero();

    pt.failAfterWrites(Long.MAX_VALUE);
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void vmalloc_pagesRunOutAfterThePageArrayWasMapped_undoesTheArrayAndItsTables() {
    State before = state();
    pages.failAfter(2 + 2 + 100);

    assertThat(vm.vmalloc(600 * P, Gfp.KERNEL)).isZero();

    pages.neverFail();
    assertThat(state()).isEqualTo(before);
    assertThat(vm.vmalloc(P, Gfp.KERNEL)).isEqualTo(KernelLayout.VMALLOC_START);
  }

  @Test
  void vmap_pageTableMemoryRunsOut_returnsZeroAndChangesNothing() {
    long[] frames = {pages.allocPages(0, Gfp.KERNEL, 0), pages.allocPages(0, Gfp.KERNEL, 0)};
    State before = state();
    pages.failAfter(1);

    assertThat(vm.vmap(frames, 2)).isZero();

    pages.neverFail();
    assertThat(state()).isEqualTo(before);
  }

  // ================================================================ seeded random operations

  /** Random vmalloc, vzalloc, vmap, vfree and vunmap against a model of the live areas. */
  @Test
  void randomOperations_keepAreasDisjointAndCountsRight() {
    StatefulRunner.of(getClass().getSimpleName() + " random vmalloc operations", new Random())
        .runs(10)
        .steps(150)
        .check();
  }

  private static final OpKind VMALLOC = new OpKind("vmalloc", "pages", "zero");
  private static final OpKind VMAP = new OpKind("vmap", "frames");
  private static final OpKind VFREE = new OpKind("vfree", "index");
  private static final OpKind VUNMAP = new OpKind("vunmap", "index");
  private static final OpKind DRY = new OpKind("runDryAfter", "allocations");

  /** Kind of a live area in the random model: vmalloc, vmap, or another area's page array. */
  private static final long OWNER = 0;

  private static final long VMAP_AREA = 1;
  private static final long PAGE_ARRAY = 2;

  /** The model of one run. */
  private final class RandomState {
    /** Live areas: start to {end with guard, owned pages, kind, owner of a page array}. */
    final TreeMap<Long, long[]> live = new TreeMap<>();

    final List<Long> borrowed = new ArrayList<>();
    long leaked;
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
        int n = r.nextInt(10) < 8 ? 1 + r.nextInt(8) : 1 + r.nextInt(1200);
        return VMALLOC.op(n, r.nextInt(4) == 0 ? 1 : 0);
      }
      if (k < 50) {
        return VMAP.op(1 + r.nextInt(6));
      }
      if (k < 85) {
        return VFREE.op(r.nextInt(1 << 16));
      }
      if (k < 90) {
        return VUNMAP.op(r.nextInt(1 << 16));
      }
      return DRY.op(r.nextInt(40));
    }

    @Override
    public void apply(RandomState s, Op op) {
      if (op.is(VMALLOC)) {
        State before = state();
        long n = op.arg(0);
        boolean zero = op.arg(1) == 1;
        long a = vm.vmalloc(0, n * P, Gfp.KERNEL | (zero ? Gfp.ZERO : 0));
        pages.neverFail();
        if (a == 0) {
          assertThat(state()).as("a failed vmalloc(%d pages) changes nothing", n).isEqualTo(before);
          return;
        }
        place(s, a, n, n);
        if (zero) {
          for (long i = 0; i < n; i++) {
            long pfn = Pte.pfn(pt.readPte(pt.kernelRoot(), a + i * P));
            assertThat(memory.allEqual(Page.pfnToPhys(pfn), P, (byte) 0)).isTrue();
          }
        }
        for (long i = 0; i < n; i++) {
          long pfn = Pte.pfn(pt.readPte(pt.kernelRoot(), a + i * P));
          memory.fill(Page.pfnToPhys(pfn), P, (byte) 0x6b);
        }
      } else if (op.is(VMAP)) {
        int n = op.intArg(0);
        long[] frames = new long[n];
        for (int i = 0; i < n; i++) {
          frames[i] = pages.allocPages(0, Gfp.KERNEL, 0);
          if (frames[i] < 0) {
            for (int j = 0; j < i; j++) {
              pages.freePages(0, frames[j], 0);
            }
            pages.neverFail();
            return;
          }
        }
        State before = state();
        long a = vm.vmap(frames, n);
        pages.neverFail();
        if (a == 0) {
          assertThat(state()).isEqualTo(before);
          for (long f : frames) {
            pages.freePages(0, f, 0);
          }
          return;
        }
        place(s, a, n, 0);
        for (int i = 0; i < n; i++) {
          assertThat(Pte.pfn(pt.readPte(pt.kernelRoot(), a + (long) i * P))).isEqualTo(frames[i]);
          s.borrowed.add(frames[i]);
        }
      } else if (op.is(VFREE) || op.is(VUNMAP)) {
        List<Long> owners = ownersOfLiveAreas(s);
        if (owners.isEmpty()) {
          return;
        }
        long a = owners.get(op.intArg(0) % owners.size());
        long[] area = s.live.remove(a);
        if (op.is(VFREE)) {
          removeArrayOf(s, a);
          vm.vfree(a);
        } else {
          // Linux's vunmap frees the vm_struct but not vm->pages: a vmalloc'ed page array stays
          // allocated, now an area of its own that nothing points at
          orphanArrayOf(s, a);
          vm.vunmap(a);
          s.leaked += area[1];
        }
      } else if (op.is(DRY)) {
        pages.failAfter(op.arg(0));
      } else {
        throw new AssertionError("unknown operation " + op);
      }
    }

    /** Records a new area and its page array; asserts it overlaps nothing live. */
    private void place(RandomState s, long a, long n, long owned) {
      assertThat(a % P).isZero();
      assertThat(KernelLayout.inVmalloc(a)).isTrue();
      VmArea row = row(a);
      assertThat(row.size()).isEqualTo((n + 1) * P);
      assertThat(row.pages()).isEqualTo(owned);
      if (row.vpages()) {
        for (VmArea r : vm.areas()) {
          if (!r.unpurged() && !s.live.containsKey(r.start()) && r.start() != a) {
            s.live.put(r.start(), new long[] {r.end(), r.pages(), PAGE_ARRAY, a});
          }
        }
      }
      var below = s.live.floorEntry(a);
      assertThat(below == null || below.getValue()[0] <= a).as("overlap below 0x%x", a).isTrue();
      var above = s.live.ceilingEntry(a);
      assertThat(above == null || a + row.size() <= above.getKey()).isTrue();
      s.live.put(a, new long[] {a + row.size(), owned, owned == 0 ? VMAP_AREA : OWNER, 0});
    }

    /** Live areas that are not the page array of another. */
    private List<Long> ownersOfLiveAreas(RandomState s) {
      List<Long> out = new ArrayList<>();
      for (var e : s.live.entrySet()) {
        if (e.getValue()[2] != PAGE_ARRAY) {
          out.add(e.getKey());
        }
      }
      return out;
    }

    /** Drops the page array of area {@code a} from the model. */
    private void removeArrayOf(RandomState s, long a) {
      s.live.values().removeIf(v -> v[2] == PAGE_ARRAY && v[3] == a);
    }

    /** Makes the page array of area {@code a} an area of its own in the model. */
    private void orphanArrayOf(RandomState s, long a) {
      for (long[] v : s.live.values()) {
        if (v[2] == PAGE_ARRAY && v[3] == a) {
          v[2] = OWNER;
        }
      }
    }

    @Override
    public void checkInvariants(RandomState s) {
      vm.checkInvariants();
      pages.checkInvariants();
      pt.checkInvariants();
      long owned = 0;
      for (long[] area : s.live.values()) {
        owned += area[1];
      }
      assertThat(vm.usedPages()).isEqualTo(owned + s.leaked);
      List<Long> starts = new ArrayList<>();
      long mapped = 0;
      for (VmArea r : vm.areas()) {
        if (!r.unpurged()) {
          starts.add(r.start());
          mapped += r.size() / P - 1;
        }
      }
      assertThat(starts).containsExactlyElementsOf(s.live.keySet());
      assertThat(pt.mappedPages()).isEqualTo(mapped);
      assertThat(FRAMES - 1 - pages.nrFreePages())
          .as("frames: areas' pages, leaked pages, vmap'ed frames and tables")
          .isEqualTo(owned + s.leaked + s.borrowed.size() + pt.tablePages());
    }
  }
}
