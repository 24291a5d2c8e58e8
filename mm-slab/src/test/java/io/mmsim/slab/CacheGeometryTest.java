package io.mmsim.slab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.SlabAlignment;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.object.TestMemoryContext;

/**
 * Cache shapes and tunables against the numbers {@code mm/slab.c} (6.x) produces on x86-64 with 4
 * KiB pages: objects and pages per slab, freelist placement, colours, and the {@code
 * enable_cpucache} limits that slabinfo prints.
 */
final class CacheGeometryTest {

  /** A 64 MiB, 2-CPU machine: slab_max_order 1, shared arrays on. */
  private final SlabAllocator slab = allocator(16384, 2, Map.of());

  static SlabAllocator allocator(long frames, int cpus, Map<String, String> settings) {
    TestMemoryContext ctx = TestMemoryContext.simple(frames, cpus, new Settings("slab", settings));
    return (SlabAllocator) new SlabProvider().create(ctx);
  }

  private CacheGeometry geometry(String name) {
    return ((SlabCache) slab.findCache(name)).geometry();
  }

  // ================================================================ kmalloc caches

  @ParameterizedTest(name = "{0}: size {1}, {2} per slab, order {3}, {4}, colour {5}")
  @CsvSource({
    // name,        size, num, order, placement,        colour
    "kmalloc-32,      32, 124, 0, ON_SLAB,          0",
    "kmalloc-64,      64,  64, 0, OBJFREELIST_SLAB, 0",
    "kmalloc-96,     128,  32, 0, OBJFREELIST_SLAB, 0",
    "kmalloc-128,    128,  32, 0, OBJFREELIST_SLAB, 0",
    "kmalloc-192,    192,  21, 0, OBJFREELIST_SLAB, 1",
    "kmalloc-256,    256,  16, 0, OBJFREELIST_SLAB, 0",
    "kmalloc-512,    512,   8, 0, OBJFREELIST_SLAB, 0",
    "kmalloc-1k,    1024,   4, 0, OBJFREELIST_SLAB, 0",
    "kmalloc-2k,    2048,   2, 0, OBJFREELIST_SLAB, 0",
    "kmalloc-4k,    4096,   1, 0, OBJFREELIST_SLAB, 0",
    "kmalloc-8k,    8192,   1, 1, OBJFREELIST_SLAB, 0",
    "kmalloc-rcl-64,  64,  64, 0, OBJFREELIST_SLAB, 0",
    "dma-kmalloc-32,  32, 124, 0, ON_SLAB,          0",
  })
  void kmallocCaches_kernelShapes(
      String name, int size, int num, int order, String placement, int colour) {
    CacheGeometry g = geometry(name);
    assertThat(g.size).isEqualTo(size);
    assertThat(g.num).isEqualTo(num);
    assertThat(g.order).isEqualTo(order);
    assertThat(g.modeName()).isEqualTo(placement);
    assertThat(g.colour).isEqualTo(colour);
  }

  @Test
  void kmalloc96_hwcacheAlign_isPaddedTo128ButReportsObjectSize96() {
    KmemCache c = slab.findCache("kmalloc-96");
    assertThat(c.objectSize()).isEqualTo(96);
    assertThat(c.size()).isEqualTo(128);
    assertThat(c.align()).isEqualTo(64);
    assertThat(c.flags() & SlabFlags.HWCACHE_ALIGN).isNotZero();
    assertThat(c.info().objSize()).as("slabinfo prints cachep->size").isEqualTo(128);
  }

  @Test
  void kmalloc32_onSlabFreelist_leavesFourBytes() {
    CacheGeometry g = geometry("kmalloc-32");
    // 124 objects of 32 bytes + 124 index bytes = 4092 of 4096
    assertThat(g.leftOver).isEqualTo(4);
    assertThat(g.num * (g.size + CacheGeometry.FREELIST_IDX_BYTES) + g.leftOver).isEqualTo(4096);
  }

  @Test
  void kmallocCaches_typeFlags() {
    assertThat(slab.findCache("kmalloc-rcl-128").flags() & SlabFlags.RECLAIM_ACCOUNT).isNotZero();
    assertThat(slab.findCache("dma-kmalloc-128").flags() & SlabFlags.CACHE_DMA).isNotZero();
    assertThat(
            slab.findCache("kmalloc-128").flags()
                & (SlabFlags.CACHE_DMA | SlabFlags.RECLAIM_ACCOUNT))
        .isZero();
    assertThat(slab.findCache("kmalloc-16")).as("SLAB has no class below 32").isNull();
    assertThat(slab.findCache("kmalloc-8")).isNull();
    assertThat(slab.findCache("kmalloc-cg-64")).as("memcg caches are not modelled").isNull();
  }

  // ================================================================ kmem_cache_create shapes

  @ParameterizedTest(name = "{0} B flags {1} ctor {2}: {3} per slab, order {4}, {5}, colour {6}")
  @CsvSource({
    // size, flags,     ctor,  num, order, placement,        colour, left
    "600,    0,         false,   6, 0, OBJFREELIST_SLAB,  7, 496",
    "600,    0,         true,    6, 0, ON_SLAB,           7, 490",
    "4096,   0,         true,    1, 0, OFF_SLAB,          0,   0",
    "1024,   0,         true,    4, 0, OFF_SLAB,          0,   0",
    "256,    0,         true,   16, 0, OFF_SLAB,          0,   0",
    "64,     0,         true,   63, 0, ON_SLAB,           0,   1",
    "8,      0,         false, 240, 0, ON_SLAB,           0,  16",
    "16,     0,         false, 240, 0, ON_SLAB,           0,  16",
    "3000,   0,         false,   2, 1, OBJFREELIST_SLAB, 34, 2192",
    "3000,   0x20000,   false,   1, 0, OBJFREELIST_SLAB, 17, 1096",
    "200000, 0,         false,   1, 6, OBJFREELIST_SLAB, 971, 62144",
    "100,    0x80000,   false,  39, 0, ON_SLAB,           0,   1",
    "2000,   0x80000,   false,   2, 0, ON_SLAB,           1,  94",
    "2048,   0x80000,   false,   2, 0, OFF_SLAB,          0,   0",
  })
  void kmemCacheCreate_kernelShapes(
      int size,
      int flags,
      boolean ctor,
      int num,
      int order,
      String placement,
      int colour,
      int left) {
    KmemCache c = slab.kmemCacheCreate("shape", size, 0, flags, ctor ? addr -> {} : null);
    CacheGeometry g = ((SlabCache) c).geometry();
    assertThat(g.num).as("%s", g).isEqualTo(num);
    assertThat(g.order).as("%s", g).isEqualTo(order);
    assertThat(g.modeName()).as("%s", g).isEqualTo(placement);
    assertThat(g.colour).as("%s", g).isEqualTo(colour);
    assertThat(g.leftOver).as("%s", g).isEqualTo(left);
    int internal =
        placement.equals("OFF_SLAB")
            ? CacheGeometry.CFLGS_OFF_SLAB
            : placement.equals("OBJFREELIST_SLAB") ? CacheGeometry.CFLGS_OBJFREELIST_SLAB : 0;
    assertThat(c.flags() & (CacheGeometry.CFLGS_OFF_SLAB | CacheGeometry.CFLGS_OBJFREELIST_SLAB))
        .isEqualTo(internal);
    c.destroy();
  }

  @Test
  void slabMaxOrder_smallMachine_keepsOrderZero() {
    SlabAllocator small = allocator(4096, 1, Map.of());
    assertThat(small.slabMaxOrder()).isZero();
    KmemCache c = small.kmemCacheCreate("big", 3000, 0, 0, null);
    assertThat(c.info().objPerSlab()).isEqualTo(1);
    assertThat(c.info().pagesPerSlab()).isEqualTo(1);
  }

  @Test
  void slabMaxOrder_setting_overridesTheKernelRule() {
    SlabAllocator s = allocator(16384, 1, Map.of("max-order", "3"));
    assertThat(s.slabMaxOrder()).isEqualTo(3);
    // order 0 wastes 1096 bytes (> 1/8), order 1 wastes 2192 (> 1/8 of 8192: 1024), order 2
    // holds 5 objects and wastes 1384 (<= 2048): accepted
    KmemCache c = s.kmemCacheCreate("big", 3000, 0, 0, null);
    assertThat(c.info().objPerSlab()).isEqualTo(5);
    assertThat(c.info().pagesPerSlab()).isEqualTo(4);
  }

  @Test
  void alignment_callerAndHwcache() {
    assertThat(SlabAlignment.calculateAlignment(0, 0, 100)).isEqualTo(8);
    assertThat(SlabAlignment.calculateAlignment(SlabFlags.HWCACHE_ALIGN, 0, 100)).isEqualTo(64);
    assertThat(SlabAlignment.calculateAlignment(SlabFlags.HWCACHE_ALIGN, 0, 20)).isEqualTo(32);
    assertThat(SlabAlignment.calculateAlignment(SlabFlags.HWCACHE_ALIGN, 0, 16)).isEqualTo(16);
    assertThat(SlabAlignment.calculateAlignment(0, 256, 100)).isEqualTo(256);
    KmemCache c = slab.kmemCacheCreate("aligned", 100, 256, 0, null);
    assertThat(c.size()).isEqualTo(256);
    assertThat(c.align()).isEqualTo(256);
    // colour_off grows to the alignment
    assertThat(((SlabCache) c).geometry().colourOff).isEqualTo(256);
  }

  // ================================================================ tunables

  @ParameterizedTest(name = "size {0}: limit {1} batchcount {2}")
  @CsvSource({
    "16, 120, 60",
    "256, 120, 60",
    "257, 54, 27",
    "1024, 54, 27",
    "1025, 24, 12",
    "4096, 24, 12",
    "4097, 8, 4",
    "131072, 8, 4",
    "131073, 1, 1"
  })
  void enableCpucache_limitsBySize(int size, int limit, int batch) {
    assertThat(CacheGeometry.cpuLimit(size)).isEqualTo(limit);
    assertThat(CacheGeometry.batchCount(limit)).isEqualTo(batch);
  }

  @Test
  void slabinfo_tunablesColumns_kmalloc64OnTwoCpus() {
    SlabInfo row = slab.findCache("kmalloc-64").info();
    assertThat(row.limit()).isEqualTo(120);
    assertThat(row.batchCount()).isEqualTo(60);
    assertThat(row.sharedFactor()).isEqualTo(8);
    assertThat(row.objPerSlab()).isEqualTo(64);
    assertThat(row.pagesPerSlab()).isEqualTo(1);
    assertThat(row.format())
        .isEqualTo(
            "kmalloc-64             0      0     64   64    1 : tunables  120   60    8 : slabdata"
                + "      0      0      0");
  }

  @Test
  void sharedFactor_oneCpuOrLargeObjects_isZero() {
    SlabAllocator one = allocator(16384, 1, Map.of());
    assertThat(one.findCache("kmalloc-64").info().sharedFactor()).isZero();
    assertThat(slab.findCache("kmalloc-8k").info().sharedFactor()).isZero();
    assertThat(slab.findCache("kmalloc-8k").info().limit()).isEqualTo(8);
    assertThat(slab.findCache("kmalloc-4k").info().sharedFactor()).isEqualTo(8);
    assertThat(slab.findCache("kmalloc-4k").info().limit()).isEqualTo(24);
    assertThat(slab.findCache("kmalloc-512").info().limit()).isEqualTo(54);
  }

  // ================================================================ kmalloc classes

  @ParameterizedTest(name = "kmalloc({0}) -> {1}")
  @CsvSource({
    "1, kmalloc-32",
    "32, kmalloc-32",
    "33, kmalloc-64",
    "64, kmalloc-64",
    "65, kmalloc-96",
    "96, kmalloc-96",
    "97, kmalloc-128",
    "100, kmalloc-128",
    "129, kmalloc-192",
    "192, kmalloc-192",
    "193, kmalloc-256",
    "200, kmalloc-256",
    "4097, kmalloc-8k",
    "8192, kmalloc-8k"
  })
  void kmallocSlab_sizeClasses(long size, String name) {
    assertThat(slab.kmallocSlab(size, io.mmsim.api.mem.Gfp.KERNEL).name()).isEqualTo(name);
  }

  @Test
  void kmallocSlab_gfpTypesAndLargeSizes() {
    int k = io.mmsim.api.mem.Gfp.KERNEL;
    assertThat(slab.kmallocSlab(50, k | io.mmsim.api.mem.Gfp.RECLAIMABLE).name())
        .isEqualTo("kmalloc-rcl-64");
    assertThat(slab.kmallocSlab(50, io.mmsim.api.mem.Gfp.GFP_DMA).name())
        .isEqualTo("dma-kmalloc-64");
    assertThat(
            slab.kmallocSlab(50, io.mmsim.api.mem.Gfp.DMA | io.mmsim.api.mem.Gfp.RECLAIMABLE)
                .name())
        .as("__GFP_DMA wins")
        .isEqualTo("dma-kmalloc-64");
    assertThat(slab.kmallocSlab(8193, k)).as("above KMALLOC_MAX_CACHE_SIZE").isNull();
  }

  @Test
  void caches_slabinfoOrder_newestFirstKmallocInKernelCreationOrder() {
    KmemCache mine = slab.kmemCacheCreate("inode_cache", 600, 8, 0, null);
    var names = slab.caches().stream().map(KmemCache::name).toList();
    assertThat(names.get(0)).isEqualTo(mine.name());
    assertThat(names.get(1)).isEqualTo("dma-kmalloc-8k");
    assertThat(names)
        .containsSubsequence(
            "kmalloc-rcl-32",
            "kmalloc-8k",
            "kmalloc-4k",
            "kmalloc-192",
            "kmalloc-96",
            "kmalloc-64",
            "kmalloc-32",
            "kmalloc-128");
    assertThat(names.get(names.size() - 1))
        .as("kmem_cache_node's class is created first")
        .isEqualTo("kmalloc-128");
    assertThat(slab.slabinfo()).hasSize(names.size());
    assertThat(slab.slabinfo().get(0).name()).isEqualTo("inode_cache");
  }

  // ================================================================ reciprocal division

  @ParameterizedTest(name = "size {0}")
  @CsvSource({
    "16", "24", "32", "104", "192", "600", "1000", "3000", "4096", "4104", "200000", "1048576",
    "4194296", "4194304"
  })
  void objectIndex_everyOffsetOfAFourMegabyteSlab_matchesDivision(int size) {
    long magic = CacheGeometry.magic(size);
    int slabBytes = 4 << 20;
    int num = Math.min(255, slabBytes / size);
    for (long off = -3; off < slabBytes + 3; off++) {
      int expected = off >= 0 && off % size == 0 && off / size < num ? (int) (off / size) : -1;
      int got = CacheGeometry.objectIndex(off, magic, num);
      if (got != expected) {
        throw new AssertionError(
            "size " + size + " offset " + off + ": " + got + " instead of " + expected);
      }
    }
  }
}
