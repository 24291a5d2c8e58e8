package io.mmsim.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.BadPageException;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.vmalloc.VirtualAllocator;
import io.mmsim.api.vmalloc.VmArea;
import io.mmsim.testkit.InvariantCheckExtension;
import io.mmsim.testkit.paging.SimplePageTable;

final class VmallocTest {
  private static final long P = 4096;
  private static final long BASE = KernelLayout.VMALLOC_START;
  private static final long KERNEL_FLAGS =
      Pte.PRESENT | Pte.RW | Pte.ACCESSED | Pte.DIRTY | Pte.GLOBAL | Pte.NX;

  @RegisterExtension final InvariantCheckExtension invariants = new InvariantCheckExtension();

  private TestVmallocContext ctx;
  private SimplePageTable pt;

  /** Table frames of the page table before any area: the root and the preallocated ones. */
  private long tablesAtStart;

  private VirtualAllocator vm;

  @BeforeEach
  void setUp() {
    use(TestVmallocContext.small(4096));
  }

  private void use(TestVmallocContext c) {
    ctx = c;
    pt = c.pageTable();
    tablesAtStart = pt.tablePages();
    vm = invariants.track(new VmallocProvider().create(c.context()));
    invariants.track("simple page allocator", c.simple()::checkInvariants);
  }

  /** An allocator over a tiny range of {@code pages} pages with the given lazy threshold. */
  private void useTiny(long pages, boolean lazy, long lazyMaxPages) {
    ctx = TestVmallocContext.small(4096);
    pt = ctx.pageTable();
    vm =
        invariants.track(
            new Vmalloc(ctx.context(), BASE, BASE + pages * P, pages * P, lazy, lazyMaxPages));
    invariants.track("simple page allocator", ctx.simple()::checkInvariants);
  }

  private long pte(long va) {
    return pt.readPte(pt.kernelRoot(), va);
  }

  private List<String> rows() {
    List<String> out = new ArrayList<>();
    for (VmArea a : vm.areas()) {
      out.add(a.format());
    }
    return out;
  }

  private record Snapshot(
      List<VmArea> areas, long used, long free, Statistics stats, int mapped, long tables) {}

  private Snapshot snapshot() {
    return new Snapshot(
        vm.areas(),
        vm.usedPages(),
        ctx.simple().nrFreePages(),
        vm.statistics(),
        pt.mappedPages(),
        pt.tablePages());
  }

  // ============================================================ placement and mapping

  @Test
  void vmalloc_onePage_startsAtVmallocStartAndShowsGuardInSize() {
    long a = vm.vmalloc(P, Gfp.KERNEL);

    assertThat(a).isEqualTo(BASE);
    assertThat(Pte.present(pte(a))).isTrue();
    assertThat(pte(a + P)).as("guard page").isZero();
    assertThat(rows())
        .containsExactly("0xffffc90000000000-0xffffc90000002000    8192 api pages=1 vmalloc N0=1");
    assertThat(vm.usedPages()).isEqualTo(1);
  }

  @Test
  void vmalloc_10000Bytes_roundsToThreePagesPlusGuard() {
    ctx.setCaller("v.trace:1");
    long a = vm.vmalloc(10000, Gfp.KERNEL);

    assertThat(rows())
        .containsExactly(
            "0xffffc90000000000-0xffffc90000004000   16384 v.trace:1 pages=3 vmalloc N0=3");
    for (int i = 0; i < 3; i++) {
      assertThat(Pte.present(pte(a + i * P))).isTrue();
    }
    assertThat(pte(a + 3 * P)).isZero();
  }

  @Test
  void vmalloc_oneMiB_shows1052672BytesAnd256Pages() {
    vm.vmalloc(1 << 20, Gfp.KERNEL);

    assertThat(rows())
        .containsExactly(
            "0xffffc90000000000-0xffffc90000101000 1052672 api pages=256 vmalloc N0=256");
  }

  @Test
  void vmalloc_callerWithSpaces_printsUnderscoresAndEmptyCallerIsOmitted() {
    ctx.setCaller("my trace:3");
    vm.vmalloc(P, Gfp.KERNEL);
    ctx.setCaller("");
    vm.vmalloc(P, Gfp.KERNEL);

    assertThat(rows())
        .containsExactly(
            "0xffffc90000000000-0xffffc90000002000    8192 my_trace:3 pages=1 vmalloc N0=1",
            "0xffffc90000002000-0xffffc90000004000    8192 pages=1 vmalloc N0=1");
  }

  @Test
  void vmalloc_successiveAreas_packLowestFirstWithoutOverlap() {
    long a = vm.vmalloc(P, Gfp.KERNEL);
    long b = vm.vmalloc(3 * P, Gfp.KERNEL);
    long c = vm.vmalloc(1, Gfp.KERNEL);

    assertThat(a).isEqualTo(BASE);
    assertThat(b).isEqualTo(BASE + 2 * P);
    assertThat(c).isEqualTo(BASE + 6 * P);
    for (long x : new long[] {a, b, c}) {
      assertThat(KernelLayout.inVmalloc(x)).isTrue();
      assertThat(x & (P - 1)).isZero();
    }
  }

  @Test
  void vmalloc_ptes_arePageKernelWithTheAreasFrames() {
    long a = vm.vmalloc(4 * P, Gfp.KERNEL);

    List<Long> pfns = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      long e = pte(a + i * P);
      assertThat(e & ~Pte.PFN_MASK).isEqualTo(KERNEL_FLAGS);
      assertThat(e & Pte.USER).isZero();
      pfns.add(Pte.pfn(e));
    }
    assertThat(pfns).doesNotHaveDuplicates().doesNotContain(pt.kernelRoot());
  }

  @Test
  void vmalloc_fragmentedMemory_mapsScatteredFramesContiguously() {
    // Take 20 frames and give back every other one: the free frames are no longer adjacent.
    long[] held = new long[20];
    for (int i = 0; i < held.length; i++) {
      held[i] = ctx.pageAllocator().allocPages(0, Gfp.KERNEL, 0);
    }
    for (int i = 0; i < held.length; i += 2) {
      ctx.pageAllocator().freePages(0, held[i], 0);
    }
    long a = vm.vmalloc(5 * P, Gfp.KERNEL);

    for (int i = 0; i < 5; i++) {
      assertThat(Pte.pfn(pte(a + i * P))).isEqualTo(held[2 * i]);
    }
    for (int i = 1; i < held.length; i += 2) {
      ctx.pageAllocator().freePages(0, held[i], 0);
    }
  }

  @Test
  void vmalloc_fiveLevelPaging_usesTheLa57Range() {
    use(new TestVmallocContext(4096, 1, 5, Map.of("lazy", "true")));

    long a = vm.vmalloc(P, Gfp.KERNEL);

    assertThat(a).isEqualTo(KernelLayout.VMALLOC_START_L5);
    assertThat(vm.totalBytes())
        .isEqualTo(KernelLayout.VMALLOC_END_L5 - KernelLayout.VMALLOC_START_L5);
    assertThat(rows())
        .containsExactly("0xffa0000000000000-0xffa0000000002000    8192 api pages=1 vmalloc N0=1");
  }

  @Test
  void totalBytes_fourLevel_isVmallocTotalOfMeminfo() {
    assertThat(vm.totalBytes() >>> 10).isEqualTo(34359738367L);
  }

  @Test
  void name_isTheProviderName() {
    assertThat(vm.name()).isEqualTo("vmalloc");
  }

  // ============================================================ zeroing

  @Test
  void vzalloc_dirtyFrames_readsAsZeros() {
    ctx.memory().fill(0, ctx.memory().size(), (byte) 0x5a);
    long a = vm.vzalloc(0, 3 * P);

    for (int i = 0; i < 3; i++) {
      long pfn = Pte.pfn(pte(a + i * P));
      assertThat(ctx.memory().allEqual(pfn * P, P, (byte) 0)).isTrue();
    }
  }

  @Test
  void vmalloc_withoutZero_leavesOldContents() {
    ctx.memory().fill(0, ctx.memory().size(), (byte) 0x5a);
    long a = vm.vmalloc(P, Gfp.KERNEL);

    long pfn = Pte.pfn(pte(a));
    assertThat(ctx.memory().allEqual(pfn * P, P, (byte) 0x5a)).isTrue();
  }

  // ============================================================ vmap

  @Test
  void vmap_givenFrames_mappedInOrderAndNotCountedAsVmalloc() {
    long[] pfns = {7, 3, 11, 99};
    long free = ctx.simple().nrFreePages();
    long a = vm.vmap(pfns, 3);

    assertThat(a).isEqualTo(BASE);
    assertThat(Pte.pfn(pte(a))).isEqualTo(7);
    assertThat(Pte.pfn(pte(a + P))).isEqualTo(3);
    assertThat(Pte.pfn(pte(a + 2 * P))).isEqualTo(11);
    assertThat(pte(a) & ~Pte.PFN_MASK).isEqualTo(KERNEL_FLAGS);
    assertThat(pte(a + 3 * P)).isZero();
    assertThat(rows()).containsExactly("0xffffc90000000000-0xffffc90000004000   16384 api vmap");
    assertThat(vm.usedPages()).isZero();
    assertThat(ctx.simple().nrFreePages()).isEqualTo(free - (pt.tablePages() - tablesAtStart));
  }

  @Test
  void vunmap_vmapArea_unmapsAndKeepsTheFrames() {
    long a = vm.vmap(new long[] {7, 3}, 2);
    long free = ctx.simple().nrFreePages();

    vm.vunmap(a);

    assertThat(pte(a)).isZero();
    assertThat(pte(a + P)).isZero();
    assertThat(ctx.simple().nrFreePages()).isEqualTo(free);
    assertThat(rows())
        .containsExactly("0xffffc90000000000-0xffffc90000003000   12288 unpurged vm_area");
  }

  @Test
  void vfree_vmapArea_unmapsWithoutFreeingTheFramesAsLinuxDoes() {
    long a = vm.vmap(new long[] {7, 3}, 2);
    long free = ctx.simple().nrFreePages();

    vm.vfree(a);

    assertThat(pte(a)).isZero();
    assertThat(ctx.simple().nrFreePages()).isEqualTo(free);
    assertThat(vm.areas()).allMatch(VmArea::unpurged);
  }

  @Test
  void vunmap_vmallocArea_unmapsAndLeaksThePagesAsLinuxDoes() {
    long a = vm.vmalloc(2 * P, Gfp.KERNEL);
    long free = ctx.simple().nrFreePages();

    vm.vunmap(a);

    assertThat(pte(a)).isZero();
    assertThat(ctx.simple().nrFreePages()).isEqualTo(free);
    assertThat(vm.usedPages()).isEqualTo(2);
    assertThat(vm.statistics().get("leaked_pages")).isEqualTo(2);
  }

  @Test
  void vmap_zeroFrames_returnsZero() {
    assertThat(vm.vmap(new long[] {1}, 0)).isZero();
    assertThat(vm.areas()).isEmpty();
  }

  @Test
  void vmap_frameBeyondMemory_throwsAndChangesNothing() {
    Snapshot before = snapshot();

    assertThatThrownBy(() -> vm.vmap(new long[] {1, 4096}, 2))
        .isInstanceOf(BadPageException.class)
        .hasMessageContaining("pfn 0x1000");
    assertThatThrownBy(() -> vm.vmap(new long[] {-1}, 1)).isInstanceOf(BadPageException.class);
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void vmap_countBeyondArray_throwsAndChangesNothing() {
    Snapshot before = snapshot();

    assertThatThrownBy(() -> vm.vmap(new long[] {1, 2}, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> vm.vmap(new long[] {1, 2}, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(snapshot()).isEqualTo(before);
  }

  // ============================================================ accounting

  @Test
  void usedPages_countsVmallocPagesUntilFreed() {
    long a = vm.vmalloc(3 * P, Gfp.KERNEL);
    long b = vm.vmalloc(5 * P, Gfp.KERNEL);
    vm.vmap(new long[] {9}, 1);
    assertThat(vm.usedPages()).isEqualTo(8);

    vm.vfree(a);
    assertThat(vm.usedPages()).isEqualTo(5);
    vm.vfree(b);
    assertThat(vm.usedPages()).isZero();
  }

  @Test
  void vfree_everything_givesEveryPageBackToThePageAllocator() {
    long free = ctx.simple().nrFreePages();
    List<Long> areas = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      areas.add(vm.vmalloc(i * 1000L, i % 2 == 0 ? Gfp.KERNEL : Gfp.KERNEL | Gfp.ZERO));
    }
    for (long a : areas) {
      vm.vfree(a);
    }

    assertThat(vm.usedPages()).isZero();
    // Page tables of the vmalloc range stay, as kernel page tables do in Linux.
    assertThat(ctx.simple().nrFreePages()).isEqualTo(free - (pt.tablePages() - tablesAtStart));
  }

  // ============================================================ lazy freeing

  @Test
  void vfree_lazy_unmapsAtOnceButParksTheRangeWithoutFlush() {
    long a = vm.vmalloc(2 * P, Gfp.KERNEL);
    long b = vm.vmalloc(P, Gfp.KERNEL);

    vm.vfree(a);

    assertThat(pte(a)).isZero();
    assertThat(pte(a + P)).isZero();
    assertThat(pt.flushCount()).isZero();
    assertThat(rows())
        .containsExactly(
            "0xffffc90000003000-0xffffc90000005000    8192 api pages=1 vmalloc N0=1",
            "0xffffc90000000000-0xffffc90000003000   12288 unpurged vm_area");
    assertThat(vm.statistics().get("lazy_pages")).isEqualTo(3);
    // The parked range is not reused before a purge.
    assertThat(vm.vmalloc(P, Gfp.KERNEL)).isEqualTo(b + 2 * P);
  }

  @Test
  void vfree_pastLazyThreshold_purgesAllWithOneFlushPerMappedPage() {
    useTiny(64, true, 6);
    long a = vm.vmalloc(2 * P, Gfp.KERNEL);
    long b = vm.vmalloc(P, Gfp.KERNEL);
    long c = vm.vmalloc(P, Gfp.KERNEL);
    vm.vfree(a);
    vm.vfree(b);
    assertThat(vm.statistics().get("lazy_pages")).as("at the threshold: no purge").isEqualTo(5);
    assertThat(pt.flushCount()).isZero();

    vm.vfree(c);

    assertThat(vm.areas()).isEmpty();
    assertThat(vm.statistics().get("purges")).isEqualTo(1);
    assertThat(pt.flushCount()).isEqualTo(4);
    for (long va : new long[] {a, a + P, b, c}) {
      assertThat(pt.flushes(va)).isEqualTo(1);
    }
    assertThat(pt.flushes(a + 2 * P)).as("guard page never mapped").isZero();
    assertThat(vm.vmalloc(3 * P, Gfp.KERNEL)).as("lowest hole reused").isEqualTo(BASE);
  }

  @Test
  void vmalloc_rangeFullOfParkedAreas_purgesAndRetries() {
    useTiny(8, true, 1000);
    long a = vm.vmalloc(3 * P, Gfp.KERNEL);
    long b = vm.vmalloc(3 * P, Gfp.KERNEL);
    assertThat(b).isEqualTo(BASE + 4 * P);
    assertThat(vm.vmalloc(P, Gfp.KERNEL)).as("range full").isZero();
    vm.vfree(a);

    long c = vm.vmalloc(2 * P, Gfp.KERNEL);

    assertThat(c).isEqualTo(BASE);
    assertThat(vm.statistics().get("purges")).isEqualTo(1);
    assertThat(rows()).noneMatch(r -> r.endsWith("unpurged vm_area"));
  }

  @Test
  void vfree_notLazy_flushesAndReusesAtOnce() {
    use(new TestVmallocContext(4096, 1, 4, Map.of("lazy", "false")));
    long a = vm.vmalloc(2 * P, Gfp.KERNEL);
    vm.vmalloc(P, Gfp.KERNEL);

    vm.vfree(a);

    assertThat(pt.flushes(a)).isEqualTo(1);
    assertThat(pt.flushes(a + P)).isEqualTo(1);
    assertThat(vm.areas()).noneMatch(VmArea::unpurged);
    assertThat(vm.vmalloc(P, Gfp.KERNEL)).isEqualTo(a);
  }

  @Test
  void lazyMaxPages_isFlsOfCpusTimes32MiB() {
    assertThat(Vmalloc.lazyMaxPages(1)).isEqualTo(8192);
    assertThat(Vmalloc.lazyMaxPages(2)).isEqualTo(16384);
    assertThat(Vmalloc.lazyMaxPages(3)).isEqualTo(16384);
    assertThat(Vmalloc.lazyMaxPages(4)).isEqualTo(24576);
    assertThat(Vmalloc.lazyMaxPages(8)).isEqualTo(32768);
    use(new TestVmallocContext(4096, 2, 4, Map.of("lazy", "true")));
    assertThat(vm.statistics().get("lazy_max_pages")).isEqualTo(16384);
  }

  // ============================================================ page arrays (vpages)

  @Test
  void vmalloc_over512Pages_hasAVmallocedPageArray() {
    long a = vm.vmalloc(513 * P, Gfp.KERNEL);

    assertThat(rows())
        .containsExactly(
            "0xffffc90000000000-0xffffc90000202000 2105344 api pages=513 vmalloc vpages N0=513",
            "0xffffc90000202000-0xffffc90000205000   12288 api pages=2 vmalloc N0=2");
    assertThat(vm.usedPages()).isEqualTo(515);

    vm.vfree(a);

    assertThat(vm.usedPages()).isZero();
    assertThat(rows())
        .containsExactly(
            "0xffffc90000000000-0xffffc90000202000 2105344 unpurged vm_area",
            "0xffffc90000202000-0xffffc90000205000   12288 unpurged vm_area");
  }

  @Test
  void vmalloc_512Pages_keepsItsPageArrayOutOfVmalloc() {
    vm.vmalloc(512 * P, Gfp.KERNEL);

    assertThat(rows())
        .containsExactly(
            "0xffffc90000000000-0xffffc90000201000 2101248 api pages=512 vmalloc N0=512");
  }

  @Test
  void vfree_ofAPageArray_throwsAndChangesNothing() {
    vm.vmalloc(600 * P, Gfp.KERNEL);
    long array = vm.areas().get(1).start();
    Snapshot before = snapshot();

    assertThatThrownBy(() -> vm.vfree(array))
        .isInstanceOf(BadAddressException.class)
        .hasMessage(
            "Trying to vfree() the page array of the vm area at 0xffffc90000000000"
                + " (0xffffc90000259000)");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void vunmap_ofAreaWithPageArray_orphansTheArrayWhichCanThenBeFreed() {
    long a = vm.vmalloc(600 * P, Gfp.KERNEL);
    long array = vm.areas().get(1).start();

    vm.vunmap(a);
    vm.checkInvariants();
    assertThat(vm.usedPages()).isEqualTo(602);
    vm.vfree(array);

    assertThat(vm.usedPages()).isEqualTo(600);
    assertThat(vm.statistics().get("leaked_pages")).isEqualTo(600);
  }

  @Test
  void vmalloc_overOneGiB_nestsPageArraysTwiceAndFreesThemInOrder() {
    use(new TestVmallocContext(270_000, 1, 4, Map.of("lazy", "true")));
    long a = vm.vmalloc(262_145 * P, Gfp.KERNEL);

    assertThat(rows())
        .containsExactly(
            "0xffffc90000000000-0xffffc90040002000 1073750016 api pages=262145 vmalloc vpages"
                + " N0=262145",
            "0xffffc90040002000-0xffffc90040204000 2105344 api pages=513 vmalloc vpages N0=513",
            "0xffffc90040204000-0xffffc90040207000   12288 api pages=2 vmalloc N0=2");
    assertThat(vm.usedPages()).isEqualTo(262_145 + 513 + 2);

    vm.vfree(a);

    // The big area alone passes the lazy threshold and is purged at once; its arrays follow
    // it into the lazy list.
    assertThat(vm.usedPages()).isZero();
    assertThat(rows())
        .containsExactly(
            "0xffffc90040002000-0xffffc90040204000 2105344 unpurged vm_area",
            "0xffffc90040204000-0xffffc90040207000   12288 unpurged vm_area");
    assertThat(vm.statistics().get("purges")).isEqualTo(1);
  }

  @Test
  void vmalloc_overOneGiB_pagesRunOut_undoesBothPageArrays() {
    use(new TestVmallocContext(270_000, 1, 4, Map.of("lazy", "true")));
    Snapshot before = snapshot();
    ctx.failAfterAllocations(2 + 513 + 3 + 1000);

    assertThat(vm.vmalloc(262_145 * P, Gfp.KERNEL)).isZero();

    assertThat(vm.areas()).isEmpty();
    assertThat(vm.usedPages()).isZero();
    assertThat(pt.mappedPages()).isZero();
    assertThat(ctx.simple().nrFreePages())
        .isEqualTo(before.free() - (pt.tablePages() - before.tables()));
  }

  // ============================================================ misuse

  @Test
  void vfree_twice_throwsInKernelWordsAndChangesNothing() {
    long a = vm.vmalloc(P, Gfp.KERNEL);
    vm.vmalloc(P, Gfp.KERNEL);
    vm.vfree(a);
    Snapshot before = snapshot();

    assertThatThrownBy(() -> vm.vfree(a))
        .isInstanceOf(BadAddressException.class)
        .hasMessage("Trying to vfree() nonexistent vm area (0xffffc90000000000)")
        .satisfies(e -> assertThat(((BadAddressException) e).address()).isEqualTo(a));
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void vfree_interiorAddress_isNonexistentAndChangesNothing() {
    long a = vm.vmalloc(3 * P, Gfp.KERNEL);
    Snapshot before = snapshot();

    assertThatThrownBy(() -> vm.vfree(a + P))
        .isInstanceOf(BadAddressException.class)
        .hasMessage("Trying to vfree() nonexistent vm area (0xffffc90000001000)");
    assertThatThrownBy(() -> vm.vfree(a + 3 * P))
        .as("the guard page")
        .isInstanceOf(BadAddressException.class);
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void vfree_unalignedAddress_isABadAddressAndChangesNothing() {
    long a = vm.vmalloc(P, Gfp.KERNEL);
    Snapshot before = snapshot();

    assertThatThrownBy(() -> vm.vfree(a + 8))
        .isInstanceOf(BadAddressException.class)
        .hasMessage("Trying to vfree() bad address (0xffffc90000000008)");
    assertThatThrownBy(() -> vm.vunmap(a + 8))
        .isInstanceOf(BadAddressException.class)
        .hasMessage("Trying to vfree() bad address (0xffffc90000000008)");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void vfree_addressNeverAllocated_throwsAndChangesNothing() {
    vm.vmalloc(P, Gfp.KERNEL);
    Snapshot before = snapshot();

    assertThatThrownBy(() -> vm.vfree(0x7f0000001000L))
        .isInstanceOf(BadAddressException.class)
        .hasMessage("Trying to vfree() nonexistent vm area (0x7f0000001000)");
    assertThatThrownBy(() -> vm.vunmap(BASE + 64 * P))
        .isInstanceOf(BadAddressException.class)
        .hasMessage("Trying to vunmap() nonexistent vm area (0xffffc90000040000)");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void vfreeAndVunmap_ofZero_doNothing() {
    vm.vmalloc(P, Gfp.KERNEL);
    Snapshot before = snapshot();

    vm.vfree(0);
    vm.vunmap(0);

    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void vfree_badCpu_throwsAndChangesNothing() {
    long a = vm.vmalloc(P, Gfp.KERNEL);
    Snapshot before = snapshot();

    assertThatThrownBy(() -> vm.vfree(1, a)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> vm.vmalloc(-1, P, Gfp.KERNEL))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void vmalloc_zeroNegativeOrLargerThanMemory_returnsZeroAndChangesNothingElse() {
    vm.vmalloc(P, Gfp.KERNEL);
    Snapshot before = snapshot();

    assertThat(vm.vmalloc(0, Gfp.KERNEL)).isZero();
    assertThat(vm.vmalloc(-P, Gfp.KERNEL)).isZero();
    assertThat(vm.vmalloc(Long.MAX_VALUE, Gfp.KERNEL)).isZero();
    assertThat(vm.vmalloc(5000 * P, Gfp.KERNEL)).isZero();

    assertThat(vm.areas()).isEqualTo(before.areas());
    assertThat(vm.usedPages()).isEqualTo(before.used());
    assertThat(ctx.simple().nrFreePages()).isEqualTo(before.free());
    assertThat(vm.statistics().get("vmalloc_failures")).isEqualTo(4);
  }

  // ============================================================ running out

  @Test
  void vmalloc_pagesRunOutPartway_returnsZeroAndLeavesEverythingAsBefore() {
    long a = vm.vmalloc(2 * P, Gfp.KERNEL);
    vm.vfree(a);
    vm.vmalloc(P, Gfp.KERNEL);
    Snapshot before = snapshot();
    ctx.failAfterAllocations(3);

    assertThat(vm.vmalloc(6 * P, Gfp.KERNEL)).isZero();

    assertThat(vm.areas()).isEqualTo(before.areas());
    assertThat(vm.usedPages()).isEqualTo(before.used());
    assertThat(ctx.simple().nrFreePages()).isEqualTo(before.free());
    assertThat(pt.mappedPages()).isEqualTo(before.mapped());
    ctx.stopFailing();
    assertThat(vm.vmalloc(6 * P, Gfp.KERNEL))
        .as("the same place as without the failure")
        .isEqualTo(BASE + 5 * P);
  }

  @Test
  void vmalloc_pageTablesRunOutPartway_returnsZeroAndUndoesTheMapping() {
    vm.vmalloc(P, Gfp.KERNEL);
    Snapshot before = snapshot();
    pt.failAfterWrites(2);

    assertThat(vm.vmalloc(6 * P, Gfp.KERNEL)).isZero();

    assertThat(vm.areas()).isEqualTo(before.areas());
    assertThat(vm.usedPages()).isEqualTo(before.used());
    assertThat(pt.mappedPages()).isEqualTo(before.mapped());
    for (int i = 0; i < 7; i++) {
      assertThat(pte(BASE + 2 * P + i * P)).isZero();
    }
    // The page table made on the way is freed again: a failed vmalloc changes nothing.
    assertThat(pt.tablePages()).isEqualTo(before.tables());
    assertThat(ctx.simple().nrFreePages()).isEqualTo(before.free());
    ctx.stopFailing();
    assertThat(vm.vmalloc(6 * P, Gfp.KERNEL)).isEqualTo(BASE + 2 * P);
  }

  @Test
  void vmalloc_pagesRunOutAfterItsPageArray_undoesThePageArrayToo() {
    Snapshot before = snapshot();
    ctx.failAfterAllocations(2 + 100);

    assertThat(vm.vmalloc(600 * P, Gfp.KERNEL)).isZero();

    assertThat(vm.areas()).isEmpty();
    assertThat(vm.usedPages()).isZero();
    assertThat(pt.mappedPages()).isZero();
    assertThat(ctx.simple().nrFreePages())
        .isEqualTo(before.free() - (pt.tablePages() - before.tables()));
    ctx.stopFailing();
    assertThat(vm.vmalloc(600 * P, Gfp.KERNEL)).isEqualTo(BASE);
  }

  @Test
  void vmap_pageTablesRunOut_returnsZeroAndUndoesTheMapping() {
    Snapshot before = snapshot();
    pt.failAfterWrites(1);

    assertThat(vm.vmap(new long[] {5, 6, 7}, 3)).isZero();

    assertThat(vm.areas()).isEmpty();
    assertThat(pt.mappedPages()).isEqualTo(before.mapped());
    assertThat(vm.statistics().get("vmap_failures")).isEqualTo(1);
  }

  @Test
  void vmalloc_addressSpaceFull_returnsZero() {
    useTiny(4, true, 100);

    assertThat(vm.vmalloc(3 * P, Gfp.KERNEL)).isEqualTo(BASE);
    assertThat(vm.vmalloc(P, Gfp.KERNEL)).isZero();
    assertThat(vm.usedPages()).isEqualTo(3);
  }

  // ============================================================ statistics

  @Test
  void statistics_countCallsAreasAndFailures() {
    long a = vm.vmalloc(P, Gfp.KERNEL);
    vm.vmap(new long[] {3}, 1);
    vm.vfree(a);

    Statistics s = vm.statistics();
    assertThat(s.get("vmalloc_calls")).isEqualTo(1);
    assertThat(s.get("vmap_calls")).isEqualTo(1);
    assertThat(s.get("vfree_calls")).isEqualTo(1);
    assertThat(s.get("areas")).isEqualTo(1);
    assertThat(s.get("vmap_areas")).isEqualTo(1);
    assertThat(s.get("lazy_areas")).isEqualTo(1);
    assertThat(s.get("used_pages")).isZero();
  }
}
