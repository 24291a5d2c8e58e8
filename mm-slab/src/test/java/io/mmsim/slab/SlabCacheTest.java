package io.mmsim.slab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.ConfigurationException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.object.BadCacheException;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.object.SimplePageAllocator;
import io.mmsim.testkit.object.TestMemoryContext;

/** SLAB behaviour the contract does not pin down: array caches, lists, colours, reports. */
final class SlabCacheTest {
  private TestMemoryContext ctx;
  private SlabAllocator slab;

  private SlabAllocator boot(long frames, int cpus) {
    ctx = TestMemoryContext.simple(frames, cpus, new Settings("slab", Map.of()));
    slab = (SlabAllocator) new SlabProvider().create(ctx);
    return slab;
  }

  @AfterEach
  void invariants() {
    if (slab != null) {
      slab.checkInvariants();
      ctx.pageAllocator().checkInvariants();
    }
  }

  private SlabCache kmalloc64() {
    return (SlabCache) slab.findCache("kmalloc-64");
  }

  // ================================================================ array caches

  @Test
  void alloc_firstRefillOfUntouchedArray_takesBatchRefillLimitThenFullBatches() {
    boot(16384, 1);
    SlabCache c = kmalloc64();
    slab.kmalloc(0, 64, Gfp.KERNEL);
    // untouched array: batchcount 60 is cut to BATCHREFILL_LIMIT 16, one is handed out
    assertThat(c.cpuAvail(0)).isEqualTo(15);
    for (int i = 0; i < 15; i++) {
      slab.kmalloc(0, 64, Gfp.KERNEL);
    }
    assertThat(c.cpuAvail(0)).isZero();
    slab.kmalloc(0, 64, Gfp.KERNEL);
    // touched: a whole batch of 60 is wanted, but the partial slab has only 48 left and a refill
    // grows the cache only when it found nothing at all
    assertThat(c.cpuAvail(0)).isEqualTo(47);
    assertThat(c.info().numSlabs()).isEqualTo(1);
    for (int i = 0; i < 47; i++) {
      slab.kmalloc(0, 64, Gfp.KERNEL);
    }
    slab.kmalloc(0, 64, Gfp.KERNEL);
    assertThat(c.cpuAvail(0)).as("a new slab gives a whole batch").isEqualTo(59);
    assertThat(c.refills()).isEqualTo(3);
    SlabInfo row = c.info();
    // 64 + 60 objects taken from two slabs, all counted active by slabinfo
    assertThat(row.numSlabs()).isEqualTo(2);
    assertThat(row.activeObjs()).isEqualTo(124);
    assertThat(row.activeSlabs()).isEqualTo(2);
    assertThat(c.liveObjects()).isEqualTo(65);
  }

  @Test
  void free_thenAlloc_isStrictlyLifo() {
    boot(16384, 2);
    long a = slab.kmalloc(1, 64, Gfp.KERNEL);
    long b = slab.kmalloc(1, 64, Gfp.KERNEL);
    long c = slab.kmalloc(1, 64, Gfp.KERNEL);
    slab.kfree(1, a);
    slab.kfree(1, b);
    slab.kfree(1, c);
    assertThat(slab.kmalloc(1, 64, Gfp.KERNEL)).isEqualTo(c);
    assertThat(slab.kmalloc(1, 64, Gfp.KERNEL)).isEqualTo(b);
    assertThat(slab.kmalloc(1, 64, Gfp.KERNEL)).isEqualTo(a);
  }

  @Test
  void free_objectsFreedOnCpu1_areNotSeenByCpu0() {
    boot(16384, 2);
    long a = slab.kmalloc(0, 64, Gfp.KERNEL);
    slab.kfree(1, a);
    assertThat(kmalloc64().cpuArray(1)).containsExactly(a);
    assertThat(slab.kmalloc(0, 64, Gfp.KERNEL)).isNotEqualTo(a);
    assertThat(slab.kmalloc(1, 64, Gfp.KERNEL)).isEqualTo(a);
  }

  @Test
  void free_fullArrayWithSharedArray_flushesOldestBatchIntoShared() {
    boot(16384, 2);
    SlabCache c = kmalloc64();
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 121; i++) {
      objs.add(slab.kmalloc(0, 64, Gfp.KERNEL));
    }
    for (int i = 0; i < 120; i++) {
      slab.kfree(1, objs.get(i));
    }
    assertThat(c.cpuAvail(1)).isEqualTo(120);
    assertThat(c.sharedAvail()).isZero();
    slab.kfree(1, objs.get(120));
    // the 60 oldest (bottom) entries moved to the shared array, the rest slid down
    assertThat(c.sharedAvail()).isEqualTo(60);
    assertThat(c.cpuAvail(1)).isEqualTo(61);
    assertThat(c.cpuArray(1)[0]).isEqualTo(objs.get(60));
    assertThat(c.cpuArray(1)[60]).isEqualTo(objs.get(120));
    assertThat(c.info().sharedAvail()).isEqualTo(60);
    // cpu 0 emptied its array; its next refill comes from the top of the shared array
    while (c.cpuAvail(0) > 0) {
      slab.kmalloc(0, 64, Gfp.KERNEL);
    }
    long free = ctx.pageAllocator().nrFreePages();
    long got = slab.kmalloc(0, 64, Gfp.KERNEL);
    // transfer_objects keeps the order: the shared array's top (objs[59]) is the array's top
    assertThat(got).isEqualTo(objs.get(59));
    assertThat(c.sharedAvail()).isZero();
    assertThat(c.cpuAvail(0)).isEqualTo(59);
    assertThat(ctx.pageAllocator().nrFreePages()).isEqualTo(free);
  }

  @Test
  void free_fullArrayWithoutShared_flushesBatchIntoSlabs() {
    boot(16384, 1);
    SlabCache c = kmalloc64();
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 128; i++) {
      objs.add(slab.kmalloc(0, 64, Gfp.KERNEL));
    }
    long freeBefore = c.freeObjects();
    for (int i = 0; i < 121; i++) {
      slab.kfree(0, objs.get(i));
    }
    assertThat(c.cpuAvail(0)).isEqualTo(61);
    assertThat(c.sharedAvail()).isZero();
    assertThat(c.freeObjects()).isEqualTo(freeBefore + 60);
    assertThat(c.flushes()).isEqualTo(1);
  }

  @Test
  void freeBlock_freeObjectsAboveFreeLimit_givesSlabsBackWithoutShrink() {
    boot(16384, 1);
    SlabCache c = kmalloc64();
    // free_limit = (1 + cpus) * batchcount + num = 2 * 60 + 64
    assertThat(c.freeLimit()).isEqualTo(184);
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 64 * 20; i++) {
      objs.add(slab.kmalloc(0, 64, Gfp.KERNEL));
    }
    long held = c.pagesHeld();
    for (long o : objs) {
      slab.kfree(0, o);
    }
    assertThat(c.pagesHeld()).isLessThan(held);
    assertThat(c.freeObjects()).isLessThanOrEqualTo(c.freeLimit());
    assertThat(c.slabsFreed()).isPositive();
  }

  @Test
  void refill_partialSlabsBeforeFreeSlabs_andFreeSlabsBeforeGrowing() {
    boot(16384, 1);
    KmemCache k = slab.kmemCacheCreate("lists", 1000, 0, 0, null);
    SlabCache c = (SlabCache) k;
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      objs.add(c.alloc(0, Gfp.KERNEL));
    }
    c.shrink();
    assertThat(c.listLength(KmemCacheNode.ON_FULL)).isEqualTo(10);
    c.free(0, objs.get(0));
    c.shrink();
    assertThat(c.listLength(KmemCacheNode.ON_PARTIAL)).isEqualTo(1);
    long grown = c.grown();
    long again = c.alloc(0, Gfp.KERNEL);
    assertThat(again).as("the partial slab's free object comes first").isEqualTo(objs.get(0));
    assertThat(c.grown()).isEqualTo(grown);
  }

  // ================================================================ colouring

  @Test
  void grow_colourNext_cyclesThroughEveryColourStartingAtOne() {
    boot(16384, 1);
    // 600 bytes: 6 objects, 496 bytes left over, 7 colours of 64 bytes
    KmemCache c = slab.kmemCacheCreate("colours", 600, 0, 0, null);
    Map<Long, Long> firstByPage = new LinkedHashMap<>();
    for (int i = 0; i < 6 * 9; i++) {
      long a = c.alloc(0, Gfp.KERNEL);
      firstByPage.merge(a & -Page.PAGE_SIZE, a & (Page.PAGE_SIZE - 1), Math::min);
    }
    assertThat(firstByPage.values())
        .containsExactly(64L, 128L, 192L, 256L, 320L, 384L, 0L, 64L, 128L);
  }

  @Test
  void grow_singleColour_alwaysOffsetZero() {
    boot(16384, 1);
    // kmalloc-192: 21 objects, 64 bytes left, one colour
    for (int i = 0; i < 21 * 3; i++) {
      long a = slab.kmalloc(0, 150, Gfp.KERNEL);
      assertThat((a & (Page.PAGE_SIZE - 1)) % 192).isZero();
    }
  }

  // ================================================================ shrink and destroy

  @Test
  void shrink_drainsEveryArrayAndGivesEveryFreeSlabBack() {
    boot(16384, 2);
    PageAllocator pages = ctx.pageAllocator();
    long boot = pages.nrFreePages();
    SlabCache c = kmalloc64();
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      objs.add(slab.kmalloc(i % 2, 64, Gfp.KERNEL));
    }
    for (int i = 0; i < objs.size(); i++) {
      slab.kfree((i / 7) % 2, objs.get(i));
    }
    long held = c.pagesHeld();
    assertThat(held).isPositive();
    assertThat(c.cpuAvail(0) + c.cpuAvail(1) + c.sharedAvail()).isPositive();
    assertThat(c.shrink()).isEqualTo(held);
    assertThat(c.cpuAvail(0) + c.cpuAvail(1) + c.sharedAvail()).isZero();
    assertThat(c.info())
        .isEqualTo(new SlabInfo("kmalloc-64", 0, 0, 64, 64, 1, 120, 60, 8, 0, 0, 0));
    assertThat(pages.nrFreePages()).isEqualTo(boot);
  }

  @Test
  void shrink_liveObjectsStay_andTheirSlabsAreKept() {
    boot(16384, 2);
    KmemCache c = slab.kmemCacheCreate("half", 256, 0, 0, null);
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 160; i++) {
      objs.add(c.alloc(0, Gfp.KERNEL));
    }
    for (int i = 0; i < 160; i += 2) {
      c.free(1, objs.get(i));
    }
    c.shrink();
    SlabInfo row = c.info();
    assertThat(row.activeObjs()).isEqualTo(80);
    assertThat(row.numSlabs()).isEqualTo(10);
    assertThat(row.activeSlabs()).isEqualTo(10);
    for (int i = 1; i < 160; i += 2) {
      c.free(0, objs.get(i));
    }
    c.destroy();
    assertThat(slab.findCache("half")).isNull();
  }

  @Test
  void destroy_withObjects_reportsInKernelWordsAndKeepsTheCache() {
    boot(16384, 2);
    ctx.setCaller("trace.txt:7");
    KmemCache c = slab.kmemCacheCreate("busy", 100, 0, 0, null);
    long a = c.alloc(0, Gfp.KERNEL);
    List<SlabInfo> before = slab.slabinfo();
    assertThatThrownBy(c::destroy)
        .isInstanceOf(BadAddressException.class)
        .hasMessageStartingWith(
            "kmem_cache_destroy busy: Slab cache still has objects when"
                + " called from trace.txt:7")
        .hasMessageContaining("1 object in use")
        .hasMessageContaining(SlabCache.hex(a))
        .satisfies(e -> assertThat(((BadAddressException) e).address()).isEqualTo(a));
    assertThat(slab.slabinfo()).isEqualTo(before);
    c.free(0, a);
    c.destroy();
    assertThatThrownBy(() -> c.alloc(0, Gfp.KERNEL))
        .isInstanceOf(BadCacheException.class)
        .hasMessageContaining("busy");
  }

  @Test
  void destroy_kmallocCache_isRefused() {
    boot(4096, 1);
    assertThatThrownBy(() -> slab.findCache("kmalloc-64").destroy())
        .isInstanceOf(BadCacheException.class)
        .hasMessageContaining("kmalloc-64");
  }

  // ================================================================ misuse reports

  @Test
  void kfree_doubleFree_slabWording() {
    boot(16384, 2);
    long a = slab.kmalloc(0, 64, Gfp.KERNEL);
    slab.kfree(0, a);
    assertThatThrownBy(() -> slab.kfree(1, a))
        .isInstanceOf(BadAddressException.class)
        .hasMessage(
            "kfree: double free detected in cache 'kmalloc-64', objp "
                + SlabCache.hex(a)
                + " (Object already free)");
  }

  @Test
  void kmemCacheFree_wrongCache_namesBothCaches() {
    boot(16384, 2);
    KmemCache a = slab.kmemCacheCreate("cache_a", 64, 0, 0, null);
    KmemCache b = slab.kmemCacheCreate("cache_b", 64, 0, 0, null);
    long x = a.alloc(0, Gfp.KERNEL);
    assertThatThrownBy(() -> b.free(0, x))
        .isInstanceOf(BadAddressException.class)
        .hasMessageStartingWith(
            "kmem_cache_free: Wrong slab cache. cache_b but object is from" + " cache_a");
    a.free(0, x);
  }

  @Test
  void free_interiorAndColourPointers_invalidObjectPointer() {
    boot(16384, 1);
    KmemCache c = slab.kmemCacheCreate("colours", 600, 0, 0, null);
    long a = c.alloc(0, Gfp.KERNEL);
    long page = a & -Page.PAGE_SIZE;
    assertThat(a - page).as("first slab is coloured by 64").isGreaterThanOrEqualTo(64);
    assertThatThrownBy(() -> c.free(0, a + 8))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("Invalid object pointer " + SlabCache.hex(a + 8))
        .hasMessageContaining("colours")
        .hasMessageContaining("offset 8 into object");
    assertThatThrownBy(() -> c.free(0, page))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("colour area");
    assertThatThrownBy(() -> c.free(0, page + Page.PAGE_SIZE - 8))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("past the last object");
    c.free(0, a);
  }

  @Test
  void kfree_foreignAndLargeInteriorPointers_invalidObjectPointer() {
    boot(16384, 1);
    long pfn = ctx.pageAllocator().allocPages(0, Gfp.KERNEL, 0);
    long page = KernelLayout.va(Page.pfnToPhys(pfn));
    assertThatThrownBy(() -> slab.kfree(0, page))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("Invalid object pointer")
        .hasMessageContaining("not a Slab page");
    long big = slab.kmalloc(0, 3 * Page.PAGE_SIZE, Gfp.KERNEL);
    assertThatThrownBy(() -> slab.kfree(0, big + 2 * Page.PAGE_SIZE))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("inside the large kmalloc block at " + SlabCache.hex(big));
    assertThatThrownBy(() -> slab.findCache("kmalloc-4k").free(0, big))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("large kmalloc block");
    assertThat(slab.ksize(big)).isEqualTo(4 * Page.PAGE_SIZE);
    slab.kfree(0, big);
    assertThatThrownBy(() -> slab.kfree(0, big)).isInstanceOf(BadAddressException.class);
    ctx.pageAllocator().freePages(0, pfn, 0);
  }

  @Test
  void kfree_ofCacheObject_isAcceptedAsInTheKernel() {
    boot(16384, 1);
    KmemCache c = slab.kmemCacheCreate("any", 300, 0, 0, null);
    long a = c.alloc(0, Gfp.KERNEL);
    assertThat(slab.ksize(a)).isEqualTo(300);
    slab.kfree(0, a);
    assertThatThrownBy(() -> c.free(0, a))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("double free");
    c.destroy();
  }

  // ================================================================ off-slab freelists

  @Test
  void offSlabCache_freelistIsAKmallocObject_returnedWithItsSlab() {
    boot(16384, 1);
    SlabCache k32 = (SlabCache) slab.findCache("kmalloc-32");
    KmemCache c = slab.kmemCacheCreate("offslab", 4096, 0, 0, addr -> {});
    assertThat(((SlabCache) c).geometry().mode).isEqualTo(CacheGeometry.MODE_OFF_SLAB);
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      objs.add(c.alloc(0, Gfp.KERNEL));
    }
    // one object per slab, and a refill grows at most one slab: five slabs, five freelists
    assertThat(c.info().numSlabs()).isEqualTo(5);
    assertThat(k32.liveObjects()).as("one freelist per slab").isEqualTo(5);
    for (long o : objs) {
      c.free(0, o);
    }
    c.shrink();
    assertThat(k32.liveObjects()).isZero();
    c.destroy();
    slab.shrinkAll();
    assertThat(slab.reclaimablePages() + slab.unreclaimablePages()).isZero();
  }

  // ================================================================ constructors and GFP

  @Test
  void constructor_failing_leavesEverythingAsItWas() {
    boot(16384, 1);
    int[] calls = {0};
    KmemCache c =
        slab.kmemCacheCreate(
            "fragile",
            600,
            0,
            0,
            addr -> {
              if (++calls[0] == 3) {
                throw new IllegalStateException("ctor failed");
              }
            });
    long free = ctx.pageAllocator().nrFreePages();
    List<SlabInfo> rows = slab.slabinfo();
    assertThatThrownBy(() -> c.alloc(0, Gfp.KERNEL)).hasMessage("ctor failed");
    assertThat(ctx.pageAllocator().nrFreePages()).isEqualTo(free);
    assertThat(slab.slabinfo()).isEqualTo(rows);
    slab.checkInvariants();
    long a = c.alloc(0, Gfp.KERNEL);
    // 600-byte objects have 7 colours; the failed slab did not use up the first one
    assertThat(((SlabCache) c).listSMem(KmemCacheNode.ON_FULL)[0] & (Page.PAGE_SIZE - 1))
        .as("first slab's colour offset")
        .isEqualTo(64);
    c.free(0, a);
  }

  @Test
  void slabPages_gfpFromCacheFlags_zoneAndReclaimable() {
    MemoryLayout layout = new MemoryLayout(8192, 1);
    PageAllocator pages = spy(SimplePageAllocator.booted(layout, 1));
    ctx =
        new TestMemoryContext(
            layout, new PhysicalMemory(8192), pages, new Settings("slab", Map.of()), 1);
    slab = (SlabAllocator) new SlabProvider().create(ctx);
    long d = slab.kmalloc(0, 100, Gfp.GFP_DMA);
    assertThat(KernelLayout.pa(d)).as("dma-kmalloc slabs come from ZONE_DMA").isLessThan(16L << 20);
    verify(pages).allocPages(eq(0), eq(Gfp.DMA | Gfp.COMP), eq(0));
    slab.kmalloc(0, 100, Gfp.KERNEL | Gfp.RECLAIMABLE | Gfp.ZERO);
    verify(pages).allocPages(eq(0), eq(Gfp.KERNEL | Gfp.RECLAIMABLE | Gfp.COMP), eq(0));
    assertThat(slab.reclaimablePages()).isEqualTo(1);
    slab.kmalloc(0, 20000, Gfp.KERNEL);
    verify(pages).allocPages(eq(0), eq(Gfp.KERNEL | Gfp.COMP), eq(3));
    assertThat(slab.unreclaimablePages()).isEqualTo(1 + 8);
    verify(pages, org.mockito.Mockito.times(3)).allocPages(anyInt(), anyInt(), anyInt());
  }

  @Test
  void gfpZero_zeroesOnlyTheObject() {
    boot(16384, 1);
    KmemCache c = slab.kmemCacheCreate("z", 100, 0, 0, null);
    long a = c.alloc(0, Gfp.KERNEL);
    long b = c.alloc(0, Gfp.KERNEL);
    PhysicalMemory mem = ctx.memory();
    mem.fill(KernelLayout.pa(a), 100, (byte) 0x11);
    mem.fill(KernelLayout.pa(b), 100, (byte) 0x22);
    c.free(0, a);
    long again = c.alloc(0, Gfp.KERNEL | Gfp.ZERO);
    assertThat(again).isEqualTo(a);
    assertThat(mem.allEqual(KernelLayout.pa(a), 100, (byte) 0)).isTrue();
    assertThat(mem.allEqual(KernelLayout.pa(b), 100, (byte) 0x22)).isTrue();
  }

  // ================================================================ settings

  @Test
  void settings_badMaxOrder_isAConfigurationError() {
    for (String bad : new String[] {"10", "-1", "big"}) {
      TestMemoryContext c =
          TestMemoryContext.simple(4096, 1, new Settings("slab", Map.of("max-order", bad)));
      assertThatThrownBy(() -> new SlabProvider().create(c))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("slab.max-order")
          .hasMessageContaining(bad);
    }
  }

  // ================================================================ random, 1 and 3 CPUs

  @Test
  void randomOperations_oneAndThreeCpus_invariantsAfterEveryStep() {
    for (int cpus : new int[] {1, 3}) {
      for (long seed = 1; seed <= 3; seed++) {
        randomRun(cpus, seed * 7919 + cpus);
      }
    }
  }

  private void randomRun(int cpus, long seed) {
    boot(8192, cpus);
    SplittableRandom rnd = new SplittableRandom(seed);
    KmemCache[] caches = {
      slab.kmemCacheCreate(
          "r-ctor", 700, 0, 0, addr -> ctx.memory().writeLong(KernelLayout.pa(addr), 0xC0FFEEL)),
      slab.kmemCacheCreate("r-off", 2048, 0, SlabFlags.TYPESAFE_BY_RCU, null),
      slab.kmemCacheCreate("r-small", 20, 0, SlabFlags.RECLAIM_ACCOUNT, null),
    };
    Map<Long, Integer> live = new HashMap<>();
    List<Long> order = new ArrayList<>();
    long bootFree = ctx.pageAllocator().nrFreePages();
    for (int step = 0; step < 3000; step++) {
      int op = rnd.nextInt(100);
      int cpu = rnd.nextInt(cpus);
      if (op < 3) {
        slab.shrinkAll();
      } else if (op < 48 && !order.isEmpty()) {
        long a = order.remove(rnd.nextInt(order.size()));
        int kind = live.remove(a);
        if (kind < 0) {
          slab.kfree(cpu, a);
        } else {
          if (kind == 0) {
            assertThat(ctx.memory().readLong(KernelLayout.pa(a))).isEqualTo(0xC0FFEEL);
          }
          caches[kind].free(cpu, a);
        }
      } else {
        int kind = rnd.nextInt(4) - 1;
        long a =
            kind < 0
                ? slab.kmalloc(cpu, 1 + rnd.nextInt(12000), Gfp.KERNEL)
                : caches[kind].alloc(cpu, Gfp.KERNEL);
        assertThat(a).isNotZero();
        assertThat(live.put(a, kind)).as("0x%x handed out twice", a).isNull();
        order.add(a);
      }
      slab.checkInvariants();
      assertThat(bootFree - ctx.pageAllocator().nrFreePages())
          .isEqualTo(slab.reclaimablePages() + slab.unreclaimablePages());
    }
    for (long a : order) {
      int kind = live.get(a);
      if (kind < 0) {
        slab.kfree(0, a);
      } else {
        caches[kind].free(cpus - 1, a);
      }
    }
    for (KmemCache c : caches) {
      c.destroy();
    }
    slab.shrinkAll();
    slab.checkInvariants();
    assertThat(ctx.pageAllocator().nrFreePages()).isEqualTo(bootFree);
  }
}
