package io.mmsim.slub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.ConfigurationException;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.object.BadCacheException;
import io.mmsim.api.object.KmallocSizes;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.SlabBugException;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.testkit.object.TestMemoryContext;

final class SlubBehaviourTest {
  private TestMemoryContext ctx;
  private SlubAllocator slub;
  private PhysicalMemory mem;

  private void boot(int cpus, String... settings) {
    ctx = Slubs.context(cpus, settings);
    slub = Slubs.slub(ctx);
    mem = ctx.memory();
  }

  @AfterEach
  void invariants() {
    if (slub != null) {
      slub.checkInvariants();
    }
  }

  private static long pa(long va) {
    return KernelLayout.pa(va);
  }

  // ================================================================ kmalloc caches

  @Test
  void construction_kmallocCaches_allThirteenInSlabinfoNewestFirst() {
    boot(1);
    List<String> names = new ArrayList<>();
    for (SlabInfo row : slub.slabinfo()) {
      names.add(row.name());
    }
    assertThat(names)
        .containsExactly(
            "kmalloc-8k",
            "kmalloc-4k",
            "kmalloc-2k",
            "kmalloc-1k",
            "kmalloc-512",
            "kmalloc-256",
            "kmalloc-192",
            "kmalloc-128",
            "kmalloc-96",
            "kmalloc-64",
            "kmalloc-32",
            "kmalloc-16",
            "kmalloc-8");
    SlabInfo k4 = slub.findCache("kmalloc-4k").info();
    assertThat(k4.objPerSlab()).isEqualTo(8);
    assertThat(k4.pagesPerSlab()).isEqualTo(8);
    assertThat(k4.limit() + k4.batchCount() + k4.sharedFactor() + k4.sharedAvail()).isZero();
    assertThat(slub.reclaimablePages() + slub.unreclaimablePages()).isZero();
  }

  @Test
  void kmalloc_sizes_landInTheKernelClass() {
    boot(1);
    long[][] cases = {
      {1, 8},
      {8, 8},
      {9, 16},
      {65, 96},
      {96, 96},
      {97, 128},
      {129, 192},
      {193, 256},
      {1000, 1024},
      {1025, 2048},
      {8192, 8192}
    };
    for (long[] c : cases) {
      String name = KmallocSizes.name(KmallocSizes.index(c[1]));
      long before = slub.findCache(name).info().numObjs();
      long a = slub.kmalloc(0, c[0], Gfp.KERNEL);
      assertThat(slub.ksize(a)).isEqualTo(c[1]);
      assertThat(slub.findCache(name).info().numObjs()).as(name).isGreaterThan(before - 1);
      assertThat(slub.findCache(name).info().numSlabs()).as(name).isPositive();
      slub.kfree(0, a);
    }
  }

  @Test
  void slabinfo_formattedRow_matchesTheKernelLayout() {
    boot(1);
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    SlabInfo row = slub.findCache("kmalloc-64").info();
    // a CPU slab counts all its objects as active (only node-partial free objects are free)
    assertThat(row.format())
        .isEqualTo(
            "kmalloc-64            64     64     64   64    1 :"
                + " tunables    0    0    0 : slabdata      1      1      0");
    slub.kfree(0, a);
  }

  // ================================================================ free pointer in the object

  @Test
  void freePointer_plainCache_storedInTheMiddleOfTheFreeObject() {
    boot(1);
    KmemCache c = slub.kmemCacheCreate("fp-test", 64, 0, SlabFlags.NO_MERGE, null);
    long a = c.alloc(0, Gfp.KERNEL);
    long b = c.alloc(0, Gfp.KERNEL);
    long d = c.alloc(0, Gfp.KERNEL);
    // a fresh slab hands objects out in address order, its freelist threaded at offset 32
    assertThat(b).isEqualTo(a + 64);
    assertThat(mem.readLong(pa(d) + 64 + 32)).as("next free after d").isEqualTo(d + 128);
    c.free(0, a);
    c.free(0, b);
    assertThat(mem.readLong(pa(b) + 32)).as("b's free pointer").isEqualTo(a);
    assertThat(mem.readLong(pa(a) + 32)).as("a's free pointer").isEqualTo(d + 64);
    assertThat(c.alloc(0, Gfp.KERNEL)).as("LIFO").isEqualTo(b);
    assertThat(c.alloc(0, Gfp.KERNEL)).isEqualTo(a);
    c.free(0, a);
    c.free(0, b);
    c.free(0, d);
    c.destroy();
  }

  @Test
  void freePointer_constructorCache_storedAfterTheObjectLeavingItIntact() {
    boot(1);
    KmemCache c =
        slub.kmemCacheCreate("ctor-test", 64, 0, 0, addr -> mem.fill(pa(addr), 64, (byte) 0x11));
    assertThat(c.size()).isEqualTo(72);
    long a = c.alloc(0, Gfp.KERNEL);
    long b = c.alloc(0, Gfp.KERNEL);
    c.free(0, a);
    c.free(0, b);
    assertThat(mem.readLong(pa(b) + 64)).isEqualTo(a);
    assertThat(mem.allEqual(pa(b), 64, (byte) 0x11)).isTrue();
    c.destroy();
  }

  // ================================================================ per-CPU slabs and lists

  @Test
  void fastPath_allocFreeOnOneCpu_noSlowPathAfterTheFirst() {
    boot(2);
    KmemCache c = slub.kmemCacheCreate("fast", 64, 0, SlabFlags.NO_MERGE, null);
    long a = c.alloc(0, Gfp.KERNEL);
    c.free(0, a);
    Statistics before = slub.statistics();
    for (int i = 0; i < 1000; i++) {
      c.free(0, c.alloc(0, Gfp.KERNEL));
    }
    Statistics after = slub.statistics();
    assertThat(after.get("alloc_fastpath") - before.get("alloc_fastpath")).isEqualTo(1000);
    assertThat(after.get("free_fastpath") - before.get("free_fastpath")).isEqualTo(1000);
    assertThat(after.get("alloc_slowpath")).isEqualTo(before.get("alloc_slowpath"));
    c.shrink();
    c.destroy();
  }

  @Test
  void remoteFree_ofFullSlab_goesToTheFreeingCpusPartialList() {
    boot(2);
    SlubCache c = (SlubCache) slub.kmemCacheCreate("remote", 256, 0, SlabFlags.NO_MERGE, null);
    int perSlab = c.layout.objects;
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < perSlab + 1; i++) {
      objs.add(c.alloc(0, Gfp.KERNEL));
    }
    // the first slab filled up and left CPU 0 untracked; the second is CPU 0's slab
    assertThat(c.cpuSlab(0)).isNotZero();
    assertThat(c.nrPartial()).isZero();
    c.free(1, objs.get(0));
    assertThat(c.cpuPartialCount(1)).isEqualTo(1);
    assertThat(slub.statistics().get("cpu_partial_free")).isEqualTo(1);
    // a free into CPU 0's current slab from CPU 1 is a remote (frozen) free
    c.free(1, objs.get(perSlab));
    assertThat(slub.statistics().get("free_frozen")).isEqualTo(1);
    for (int i = 1; i < perSlab; i++) {
      c.free(0, objs.get(i));
    }
    c.checkInvariants();
    assertThat(c.shrink()).isPositive();
    assertThat(c.nrSlabs()).isZero();
    c.destroy();
  }

  @Test
  void cpuPartial_limit_derivesFromObjectsPerSlab() {
    boot(1);
    SlubCache k64 = (SlubCache) slub.findCache("kmalloc-64");
    // 120 objects, 64 per slab: DIV_ROUND_UP(240, 64) = 4 slabs
    assertThat(k64.cpuPartialObjects).isEqualTo(120);
    assertThat(k64.cpuPartialSlabs).isEqualTo(4);
    SlubCache k4k = (SlubCache) slub.findCache("kmalloc-4k");
    assertThat(k4k.cpuPartialObjects).isEqualTo(6);
    assertThat(k4k.cpuPartialSlabs).isEqualTo(2);
    SlubCache k1k = (SlubCache) slub.findCache("kmalloc-1k");
    assertThat(k1k.cpuPartialObjects).isEqualTo(24);
    // 8 objects per slab: DIV_ROUND_UP(48, 8) = 6 exactly
    assertThat(k1k.cpuPartialSlabs).isEqualTo(6);
    // 256 bytes is the first size of the 52-object class: DIV_ROUND_UP(104, 16) = 7
    SlubCache k256 = (SlubCache) slub.findCache("kmalloc-256");
    assertThat(k256.cpuPartialObjects).isEqualTo(52);
    assertThat(k256.cpuPartialSlabs).isEqualTo(7);
    assertThat(((SlubCache) slub.findCache("kmalloc-192")).cpuPartialObjects).isEqualTo(120);
    assertThat(k4k.minPartial).isEqualTo(6);
    assertThat(k64.minPartial).isEqualTo(5);
  }

  @Test
  void free_emptySlabsBeyondMinPartial_goBackToThePageAllocator() {
    boot(1);
    SlubCache c = (SlubCache) slub.kmemCacheCreate("minp", 1024, 0, SlabFlags.NO_MERGE, null);
    PageAllocator pages = ctx.pageAllocator();
    long free0 = pages.nrFreePages();
    int perSlab = c.layout.objects;
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < perSlab * 20; i++) {
      objs.add(c.alloc(0, Gfp.KERNEL));
    }
    assertThat(c.nrSlabs()).isEqualTo(20);
    // free every slab's objects but one, so that the slabs reach the node partial list
    for (int s = 0; s < 20; s++) {
      for (int i = 1; i < perSlab; i++) {
        c.free(0, objs.get(s * perSlab + i));
      }
    }
    c.flush.flushAll();
    for (int s = 0; s < 20; s++) {
      c.free(0, objs.get(s * perSlab));
    }
    // min_partial = max(5, ilog2(1024) / 2) = 5: a slab that empties is freed while the node
    // holds at least 5 partial slabs counting itself, so 4 empty slabs stay
    assertThat(c.minPartial).isEqualTo(5);
    assertThat(c.nrSlabs()).isEqualTo(c.minPartial - 1);
    assertThat(free0 - pages.nrFreePages()).isEqualTo((long) (c.minPartial - 1) << c.layout.order);
    c.shrink();
    assertThat(pages.nrFreePages()).isEqualTo(free0);
    c.destroy();
  }

  @Test
  void allocSlow_nodePartial_refillsTheCpuPartialList() {
    boot(1);
    SlubCache c = (SlubCache) slub.kmemCacheCreate("refill", 512, 0, SlabFlags.NO_MERGE, null);
    int perSlab = c.layout.objects;
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < perSlab * 12; i++) {
      objs.add(c.alloc(0, Gfp.KERNEL));
    }
    for (int s = 0; s < 12; s++) {
      c.free(0, objs.get(s * perSlab));
    }
    c.flush.flushAll();
    int partial = c.nrPartial();
    assertThat(partial).isEqualTo(12);
    // a slow-path allocation takes one slab as CPU slab and moves cpu_partial_slabs / 2 + 1 more
    c.flush.flushAll();
    long x = c.alloc(0, Gfp.KERNEL);
    int moved = Math.min(c.cpuPartialSlabs / 2 + 1, partial - 1);
    assertThat(c.cpuPartialCount(0)).isEqualTo(moved);
    assertThat(c.nrPartial()).isEqualTo(partial - 1 - moved);
    c.free(0, x);
    for (long o : objs) {
      boolean freed = false;
      for (int s = 0; s < 12; s++) {
        if (o == objs.get(s * perSlab)) {
          freed = true;
        }
      }
      if (!freed) {
        c.free(0, o);
      }
    }
    c.destroy();
  }

  @Test
  void shrink_partialList_fullestSlabsFirst() {
    boot(1);
    SlubCache c = (SlubCache) slub.kmemCacheCreate("sort", 256, 0, SlabFlags.NO_MERGE, null);
    int perSlab = c.layout.objects;
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < perSlab * 3; i++) {
      objs.add(c.alloc(0, Gfp.KERNEL));
    }
    // slab 0 keeps 2 free, slab 1 keeps 5 free, slab 2 keeps 1 free
    int[] frees = {2, 5, 1};
    for (int s = 0; s < 3; s++) {
      for (int i = 0; i < frees[s]; i++) {
        c.free(0, objs.get(s * perSlab + i));
      }
    }
    c.shrink();
    SlabTable t = slub.table;
    List<Integer> order = new ArrayList<>();
    for (int s : c.partialSlabs()) {
      order.add(t.objects[s] - t.inuse[s]);
    }
    assertThat(order).containsExactly(1, 2, 5);
  }

  // ================================================================ slab order fallback

  @Test
  void newSlab_highOrderUnavailable_fallsBackToTheMinimumOrder() {
    bootCapped(0);
    long a = slub.kmalloc(0, 4096, Gfp.KERNEL);
    long b = slub.kmalloc(0, 4096, Gfp.KERNEL);
    assertThat(a).isNotZero();
    assertThat(slub.statistics().get("order_fallback")).isEqualTo(2);
    SlabInfo row = slub.findCache("kmalloc-4k").info();
    assertThat(row.numSlabs()).isEqualTo(2);
    assertThat(row.numObjs()).isEqualTo(2);
    assertThat(row.objPerSlab()).isEqualTo(8);
    assertThat(slub.kmalloc(0, 9000, Gfp.KERNEL)).as("order-2 large kmalloc").isZero();
    slub.kfree(0, a);
    slub.kfree(0, b);
    slub.shrinkAll();
    assertThat(slub.unreclaimablePages()).isZero();
  }

  private OrderCapped bootCapped(int cap) {
    TestMemoryContext base = Slubs.context(1);
    OrderCapped pages = new OrderCapped(base.pageAllocator(), cap);
    ctx = new TestMemoryContext(base.layout(), base.memory(), pages, base.settings(), 1);
    slub = Slubs.slub(ctx);
    mem = ctx.memory();
    return pages;
  }

  @Test
  void newSlab_gfp_asAllocateSlabAsksForIt() {
    OrderCapped pages = bootCapped(0);
    long a = slub.kmalloc(0, 4096, Gfp.KERNEL | Gfp.ZERO | Gfp.NOFAIL);
    assertThat(a).isNotZero();
    assertThat(pages.requests).hasSize(2);
    // allocate_slab: the preferred order 3 without warnings, retries or __GFP_NOFAIL, and, as it
    // is above the minimum order, without reclaim but with __GFP_NOMEMALLOC; __GFP_ZERO never
    // reaches the page allocator (the object is cleared, not the slab); slabs are compound
    int first = (Gfp.IO | Gfp.FS | Gfp.COMP | Gfp.NOWARN | Gfp.NORETRY | Gfp.NOMEMALLOC);
    assertThat(pages.requests.get(0)).containsExactly(first, 3);
    // the fallback to the minimum order asks with the caller's flags
    assertThat(pages.requests.get(1)).containsExactly(Gfp.KERNEL | Gfp.NOFAIL | Gfp.COMP, 0);
    assertThat(mem.allEqual(pa(a), 4096, (byte) 0)).isTrue();
    pages.requests.clear();
    // an order-0 cache is at its minimum order: reclaim stays allowed; a reclaimable DMA cache
    // adds __GFP_RECLAIMABLE and __GFP_DMA
    KmemCache c =
        slub.kmemCacheCreate(
            "dma-rc", 64, 0, SlabFlags.CACHE_DMA | SlabFlags.RECLAIM_ACCOUNT, null);
    long x = c.alloc(0, Gfp.KERNEL);
    assertThat(pages.requests)
        .singleElement()
        .satisfies(
            r ->
                assertThat(r)
                    .containsExactly(
                        Gfp.KERNEL
                            | Gfp.DMA
                            | Gfp.RECLAIMABLE
                            | Gfp.COMP
                            | Gfp.NOWARN
                            | Gfp.NORETRY,
                        0));
    assertThat(slub.reclaimablePages()).isEqualTo(1);
    c.free(0, x);
    slub.kfree(0, a);
    assertThat(c.shrink()).isEqualTo(1);
    c.destroy();
  }

  @Test
  void kmallocLarge_gfpAndZeroing_wholePagesAsRequested() {
    OrderCapped pages = bootCapped(10);
    long a = slub.kmalloc(0, 9000, Gfp.KERNEL);
    // get_order(9000) = 2: 4 pages, compound, no __GFP_ZERO passed down
    assertThat(pages.requests)
        .singleElement()
        .satisfies(r -> assertThat(r).containsExactly(Gfp.KERNEL | Gfp.COMP, 2));
    assertThat(slub.unreclaimablePages()).isEqualTo(4);
    mem.fill(pa(a), 4 * 4096, (byte) 0x77);
    slub.kfree(0, a);
    assertThat(slub.unreclaimablePages()).isZero();
    long b = slub.kmalloc(0, 9000, Gfp.KERNEL);
    // the same block again: without __GFP_ZERO its old bytes stay
    assertThat(b).isEqualTo(a);
    assertThat(mem.readByte(pa(b) + 4 * 4096 - 1)).isEqualTo((byte) 0x77);
    slub.kfree(0, b);
    pages.requests.clear();
    long z = slub.kmalloc(0, 9000, Gfp.KERNEL | Gfp.ZERO);
    assertThat(z).isEqualTo(a);
    assertThat(pages.requests)
        .singleElement()
        .satisfies(r -> assertThat(r).containsExactly(Gfp.KERNEL | Gfp.COMP, 2));
    assertThat(mem.allEqual(pa(z), 4 * 4096, (byte) 0)).isTrue();
    slub.kfree(0, z);
    Statistics st = slub.statistics();
    assertThat(st.get("large_kmalloc_allocs")).isEqualTo(3);
    assertThat(st.get("large_kmalloc_frees")).isEqualTo(3);
    assertThat(st.get("large_kmalloc_pages")).isZero();
  }

  // ================================================================ merging

  @Test
  void kmemCacheCreate_compatibleSize_aliasesTheKmallocCache() {
    boot(1);
    KmemCache foo = slub.kmemCacheCreate("foo", 60, 0, 0, null);
    assertThat(foo.name()).isEqualTo("foo");
    assertThat(foo.objectSize()).isEqualTo(60);
    assertThat(foo.size()).isEqualTo(64);
    assertThat(foo.info().name()).isEqualTo("kmalloc-64");
    assertThat(slub.findCache("foo")).isSameAs(foo);
    assertThat(slub.aliases()).containsEntry("foo", "kmalloc-64").hasSize(1);
    assertThat(slub.sysfsLinks())
        .containsEntry("foo", ":0000064")
        .containsEntry("kmalloc-64", ":0000064");
    assertThat(slub.slabinfo()).extracting(SlabInfo::name).doesNotContain("foo");
    // an object of the alias is an object of kmalloc-64: kfree and kmem_cache_free agree
    long x = foo.alloc(0, Gfp.KERNEL);
    assertThat(slub.ksize(x)).isEqualTo(64);
    long k = slub.kmalloc(0, 64, Gfp.KERNEL);
    foo.free(0, k);
    slub.kfree(0, x);
    foo.destroy();
    assertThat(slub.findCache("foo")).isNull();
    assertThat(slub.aliases()).isEmpty();
    assertThat(slub.findCache("kmalloc-64")).isNotNull();
  }

  @Test
  void kmemCacheCreate_incompatible_getsARealCache() {
    boot(1);
    KmemCache noMerge = slub.kmemCacheCreate("nm", 64, 0, SlabFlags.NO_MERGE, null);
    KmemCache ctor = slub.kmemCacheCreate("ct", 64, 0, 0, addr -> {});
    KmemCache reclaim = slub.kmemCacheCreate("rc", 64, 0, SlabFlags.RECLAIM_ACCOUNT, null);
    KmemCache reclaim2 = slub.kmemCacheCreate("rc2", 60, 0, SlabFlags.RECLAIM_ACCOUNT, null);
    KmemCache aligned = slub.kmemCacheCreate("al", 40, 0, 0, null);
    assertThat(slub.slabinfo())
        .extracting(SlabInfo::name)
        .contains("nm", "ct", "rc", "al")
        .doesNotContain("rc2");
    assertThat(slub.aliases()).containsExactlyEntriesOf(Map.of("rc2", "rc"));
    assertThat(slub.sysfsLinks())
        .containsEntry("rc", ":a-0000064")
        .containsEntry("rc2", ":a-0000064")
        .containsEntry("al", ":0000040")
        .doesNotContainKeys("nm", "ct");
    reclaim2.destroy();
    reclaim.destroy();
    aligned.destroy();
    ctor.destroy();
    noMerge.destroy();
  }

  @Test
  void kmemCacheCreate_nomergeSetting_neverAliases() {
    boot(1, "nomerge", "true");
    slub.kmemCacheCreate("foo", 64, 0, 0, null);
    assertThat(slub.aliases()).isEmpty();
    assertThat(slub.sysfsLinks()).isEmpty();
    assertThat(slub.slabinfo()).extracting(SlabInfo::name).contains("foo");
  }

  @Test
  void destroy_realCacheWithAliasLeft_survivesUntilTheLastReference() {
    boot(1);
    KmemCache a = slub.kmemCacheCreate("a", 104, 0, 0, null);
    KmemCache b = slub.kmemCacheCreate("b", 100, 0, 0, null);
    assertThat(b.info().name()).isEqualTo("a");
    long x = b.alloc(0, Gfp.KERNEL);
    a.destroy();
    assertThat(slub.slabinfo()).extracting(SlabInfo::name).contains("a");
    assertThatThrownBy(b::destroy)
        .isInstanceOf(SlabBugException.class)
        .hasMessage("BUG a (Not tainted): Objects remaining in a on __kmem_cache_shutdown()");
    b.free(0, x);
    b.destroy();
    assertThat(slub.slabinfo()).extracting(SlabInfo::name).doesNotContain("a");
    assertThatThrownBy(() -> b.alloc(0, Gfp.KERNEL)).isInstanceOf(BadCacheException.class);
  }

  @Test
  void destroy_kmallocCache_refused() {
    boot(1);
    assertThatThrownBy(() -> slub.findCache("kmalloc-64").destroy())
        .isInstanceOfSatisfying(
            BadCacheException.class, e -> assertThat(e.cache()).isEqualTo("kmalloc-64"));
  }

  // ================================================================ misuse without debug

  @Test
  void alloc_useAfterFreeCorruptsFreePointer_caughtBeforeAnyChange() {
    boot(1);
    KmemCache c = slub.kmemCacheCreate("uaf", 64, 0, SlabFlags.NO_MERGE, null);
    long a = c.alloc(0, Gfp.KERNEL);
    c.free(0, a);
    mem.writeLong(pa(a) + 32, 0x1234_5678L);
    long again = c.alloc(0, Gfp.KERNEL);
    assertThat(again).isEqualTo(a);
    SlabInfo before = c.info();
    assertThatThrownBy(() -> c.alloc(0, Gfp.KERNEL))
        .isInstanceOf(SlabBugException.class)
        .hasMessage("BUG uaf (Not tainted): Freepointer corrupt");
    assertThat(c.info()).isEqualTo(before);
    // the freelist in simulated memory stays broken, as in the kernel: skip the invariant check
    slub = null;
  }

  @Test
  void validate_plainCacheWithCorruptFreePointer_reportsIt() {
    boot(1);
    KmemCache c = slub.kmemCacheCreate("val", 64, 0, SlabFlags.NO_MERGE, null);
    long a = c.alloc(0, Gfp.KERNEL);
    long b = c.alloc(0, Gfp.KERNEL);
    assertThat(c.validate()).isEmpty();
    c.free(0, a);
    c.free(0, b);
    assertThat(c.validate()).isEmpty();
    mem.writeLong(pa(a) + 32, a + 8);
    List<String> report = c.validate();
    assertThat(report).contains("BUG val (Not tainted): Freechain corrupt");
    assertThat(report.stream().filter(l -> l.startsWith("BUG ")).count()).isEqualTo(1);
    mem.writeLong(pa(a) + 32, report.isEmpty() ? 0 : d(c, a));
    assertThat(c.validate()).isEmpty();
  }

  /** The free pointer a's slot held before the test overwrote it: the next object. */
  private static long d(KmemCache c, long a) {
    return a + c.size() * 2L;
  }

  @Test
  void kfree_foreignAndLargeInterior_specificMessages() {
    boot(1);
    long big = slub.kmalloc(0, 20000, Gfp.KERNEL);
    assertThatThrownBy(() -> slub.kfree(0, big + 4096))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("inside the kmalloc'd block at 0x" + Long.toHexString(big));
    assertThatThrownBy(() -> slub.kfree(0, KernelLayout.va(8 << 20)))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("not an object of any slab");
    assertThatThrownBy(() -> slub.kfree(0, 0xdead))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("0x000000000000dead");
    slub.kfree(0, big);
  }

  @Test
  void kfreeAndKsize_edgesOfTheDirectMap_specificMessages() {
    boot(1);
    long end = KernelLayout.PAGE_OFFSET + 16384L * 4096;
    // one byte past the machine's memory is not direct-mapped RAM; its first byte is RAM
    assertThatThrownBy(() -> slub.kfree(0, end))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("is not a direct-map address of this machine");
    assertThatThrownBy(() -> slub.ksize(end))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("is not a direct-map address of this machine");
    assertThatThrownBy(() -> slub.kfree(0, KernelLayout.PAGE_OFFSET))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("not an object of any slab");
    assertThatThrownBy(() -> slub.ksize(KernelLayout.PAGE_OFFSET))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("is not a kmalloc'd object");
    assertThatThrownBy(() -> slub.ksize(KernelLayout.PAGE_OFFSET - 8))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("is not a direct-map address of this machine");
  }

  @Test
  void kfreeAndKmalloc_cpuOutsideTheMachine_refusedAndNothingFreed() {
    boot(1);
    long small = slub.kmalloc(0, 64, Gfp.KERNEL);
    long big = slub.kmalloc(0, 10_000, Gfp.KERNEL);
    for (int cpu : new int[] {-1, 1}) {
      assertThatThrownBy(() -> slub.kfree(cpu, small))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("cpu " + cpu + " is outside [0, 1)");
      assertThatThrownBy(() -> slub.kfree(cpu, big))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("cpu " + cpu + " is outside [0, 1)");
      assertThatThrownBy(() -> slub.kmalloc(cpu, 10_000, Gfp.KERNEL))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("cpu " + cpu + " is outside [0, 1)");
    }
    // both still allocated: ksize answers, and they free normally
    assertThat(slub.ksize(small)).isEqualTo(64);
    assertThat(slub.ksize(big)).isEqualTo(16384);
    assertThat(slub.unreclaimablePages()).isEqualTo(1 + 4);
    slub.kfree(0, small);
    slub.kfree(0, big);
  }

  @Test
  void ksize_dependsOnTheDebugAndRcuFlags_asSlabKsize() {
    boot(1, "nomerge", "true");
    // no debug: the whole slot (60 bytes round up to a 64-byte slot)
    KmemCache plain = slub.kmemCacheCreate("plain", 60, 0, 0, null);
    // SLAB_TYPESAFE_BY_RCU: the free pointer lives after the object, ksize stops at inuse (64)
    KmemCache rcu = slub.kmemCacheCreate("rcu", 60, 0, SlabFlags.TYPESAFE_BY_RCU, null);
    // SLAB_RED_ZONE: just the object size, the red zone begins after it
    KmemCache rz = slub.kmemCacheCreate("rz", 60, 0, SlabFlags.RED_ZONE, null);
    long p = plain.alloc(0, Gfp.KERNEL);
    long r = rcu.alloc(0, Gfp.KERNEL);
    long z = rz.alloc(0, Gfp.KERNEL);
    assertThat(plain.size()).isEqualTo(64);
    assertThat(rcu.size()).isEqualTo(72);
    assertThat(slub.ksize(p)).isEqualTo(64);
    assertThat(slub.ksize(r)).isEqualTo(64);
    assertThat(slub.ksize(z)).isEqualTo(60);
    plain.free(0, p);
    rcu.free(0, r);
    rz.free(0, z);
  }

  @Test
  void settings_badValues_configurationExceptionNamingTheKey() {
    assertThatThrownBy(() -> boot(1, "max-order", "11"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("slub.max-order");
    assertThatThrownBy(() -> boot(1, "min-order", "4"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("slub.min-order");
    assertThatThrownBy(() -> boot(1, "nomerge", "maybe"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("slub.nomerge");
    assertThatThrownBy(() -> boot(1, "debug", "FX"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("slub.debug");
    slub = null;
  }

  /**
   * A page allocator that refuses orders above a cap, to force slab order fallback, and remembers
   * every request as {gfp, order}.
   */
  private static final class OrderCapped implements PageAllocator {
    private final PageAllocator inner;
    private final int maxOrder;
    final List<int[]> requests = new ArrayList<>();

    OrderCapped(PageAllocator inner, int maxOrder) {
      this.inner = inner;
      this.maxOrder = maxOrder;
    }

    @Override
    public long allocPages(int cpu, int gfp, int order) {
      requests.add(new int[] {gfp, order});
      return order > maxOrder ? NO_PAGE : inner.allocPages(cpu, gfp, order);
    }

    @Override
    public void freePages(int cpu, long pfn, int order) {
      inner.freePages(cpu, pfn, order);
    }

    @Override
    public void freeBootPages(long pfn, int order) {
      inner.freeBootPages(pfn, order);
    }

    @Override
    public void completeBoot() {
      inner.completeBoot();
    }

    @Override
    public void drainPages(int cpu) {
      inner.drainPages(cpu);
    }

    @Override
    public void drainAllPages() {
      inner.drainAllPages();
    }

    @Override
    public long nrFreePages() {
      return inner.nrFreePages();
    }

    @Override
    public long nrFreePages(Zone zone) {
      return inner.nrFreePages(zone);
    }

    @Override
    public long managedPages() {
      return inner.managedPages();
    }

    @Override
    public long watermark(Zone zone, Watermark mark) {
      return inner.watermark(zone, mark);
    }

    @Override
    public ZoneStats zoneStats(Zone zone) {
      return inner.zoneStats(zone);
    }

    @Override
    public int metadataBytesPerFrame() {
      return inner.metadataBytesPerFrame();
    }

    @Override
    public String name() {
      return "order-capped";
    }

    @Override
    public Statistics statistics() {
      return inner.statistics();
    }

    @Override
    public void checkInvariants() {
      inner.checkInvariants();
    }
  }
}
