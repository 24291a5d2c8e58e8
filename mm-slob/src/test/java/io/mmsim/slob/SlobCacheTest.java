package io.mmsim.slob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.InvariantCheckExtension;
import io.mmsim.testkit.object.TestMemoryContext;

/** kmem caches under SLOB: flags, alignment, sizes, constructors, whole-page objects, reports. */
final class SlobCacheTest {

  @RegisterExtension final InvariantCheckExtension invariants = new InvariantCheckExtension();

  private TestMemoryContext ctx;
  private SlobAllocator slob;
  private long bootFree;

  @BeforeEach
  void setUp() {
    ctx = TestMemoryContext.simple(2048, 2, Settings.empty("slob"));
    slob = invariants.track((SlobAllocator) new SlobProvider().create(ctx));
    bootFree = ctx.pageAllocator().nrFreePages();
  }

  @Test
  void kmemCacheCreate_flags_keepsOnlyWhatSlobKeeps() {
    KmemCache c =
        slob.kmemCacheCreate(
            "f",
            64,
            0,
            SlabFlags.POISON
                | SlabFlags.RED_ZONE
                | SlabFlags.STORE_USER
                | SlabFlags.RECLAIM_ACCOUNT
                | SlabFlags.ACCOUNT
                | SlabFlags.HWCACHE_ALIGN
                | SlabFlags.TYPESAFE_BY_RCU,
            null);
    assertThat(c.flags()).isEqualTo(SlabFlags.HWCACHE_ALIGN | SlabFlags.TYPESAFE_BY_RCU);
  }

  @Test
  void kmemCacheCreate_alignment_followsCalculateAlignment() {
    assertThat(slob.kmemCacheCreate("a1", 50, 0, SlabFlags.HWCACHE_ALIGN, null).align())
        .isEqualTo(64);
    assertThat(slob.kmemCacheCreate("a2", 20, 0, SlabFlags.HWCACHE_ALIGN, null).align())
        .isEqualTo(32);
    assertThat(slob.kmemCacheCreate("a3", 10, 0, SlabFlags.HWCACHE_ALIGN, null).align())
        .isEqualTo(16);
    assertThat(slob.kmemCacheCreate("a4", 10, 0, 0, null).align()).isEqualTo(8);
    assertThat(slob.kmemCacheCreate("a5", 10, 4, 0, null).align()).isEqualTo(8);
    assertThat(slob.kmemCacheCreate("a6", 100, 256, SlabFlags.HWCACHE_ALIGN, null).align())
        .isEqualTo(256);
    KmemCache c = slob.kmemCacheCreate("a7", 100, 4096, 0, null);
    long a = c.alloc(0, Gfp.KERNEL);
    long b = c.alloc(0, Gfp.KERNEL);
    assertThat(a & 4095).isZero();
    assertThat(b & 4095).isZero();
    c.free(0, a);
    c.free(0, b);
  }

  @Test
  void kmemCacheCreate_typesafeByRcu_addsTheSlobRcuFooter() {
    KmemCache c = slob.kmemCacheCreate("rcu", 100, 0, SlabFlags.TYPESAFE_BY_RCU, null);
    assertThat(c.objectSize()).isEqualTo(100);
    assertThat(c.size()).isEqualTo(124);
    long a = c.alloc(0, Gfp.KERNEL);
    long b = c.alloc(0, Gfp.KERNEL);
    assertThat(b - a).isEqualTo(128); // 124 bytes, next object 8-aligned
    c.free(0, a);
    c.free(0, b);
    assertThat(ctx.pageAllocator().nrFreePages())
        .as("freed at once: no grace periods")
        .isEqualTo(bootFree);
  }

  @Test
  void kmemCacheAlloc_constructor_runsOnEveryAllocation() {
    List<Long> calls = new ArrayList<>();
    KmemCache c = slob.kmemCacheCreate("ctor", 48, 0, 0, calls::add);
    long keep = c.alloc(0, Gfp.KERNEL);
    long a = c.alloc(0, Gfp.KERNEL);
    c.free(0, a);
    long again = c.alloc(1, Gfp.KERNEL);
    assertThat(again).isEqualTo(a);
    assertThat(calls).containsExactly(keep, a, a);
  }

  @Test
  void kmemCacheAlloc_constructorThrows_allocationIsUndone() {
    KmemCache c =
        slob.kmemCacheCreate(
            "bad-ctor",
            48,
            0,
            0,
            addr -> {
              throw new IllegalStateException("ctor failed at 0x" + Long.toHexString(addr));
            });
    assertThatThrownBy(() -> c.alloc(0, Gfp.KERNEL))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("ctor failed");
    assertThat(slob.statistics().get("cache_objects")).isZero();
    assertThat(ctx.pageAllocator().nrFreePages()).isEqualTo(bootFree);
    c.destroy();
  }

  @Test
  void kmemCacheAlloc_pageSizedObjects_takeWholePages() {
    KmemCache four = slob.kmemCacheCreate("p4096", 4096, 0, 0, null);
    KmemCache five = slob.kmemCacheCreate("p5000", 5000, 0, 0, null);
    long a = four.alloc(0, Gfp.KERNEL);
    long b = five.alloc(1, Gfp.KERNEL);
    assertThat(a & 4095).isZero();
    assertThat(b & 8191).isZero();
    assertThat(bootFree - ctx.pageAllocator().nrFreePages()).isEqualTo(3);
    assertThat(slob.unreclaimablePages()).isEqualTo(3);
    assertThat(slob.statistics().get("heap_pages")).isZero();
    SlabInfo info = five.info();
    assertThat(info.activeObjs()).isEqualTo(1);
    assertThat(info.pagesPerSlab()).isEqualTo(2);
    assertThat(info.numSlabs()).isEqualTo(1);
    four.free(0, a);
    five.free(0, b);
    assertThat(ctx.pageAllocator().nrFreePages()).isEqualTo(bootFree);
  }

  @Test
  void kmemCacheAlloc_gfpZeroOnPageObject_zeroesThePages() {
    KmemCache c = slob.kmemCacheCreate("p8000", 8000, 0, 0, null);
    long a = c.alloc(0, Gfp.KERNEL);
    ctx.memory().fill(KernelLayout.pa(a), 8192, (byte) 0x11);
    c.free(0, a);
    long b = c.alloc(0, Gfp.KERNEL | Gfp.ZERO);
    assertThat(ctx.memory().allEqual(KernelLayout.pa(b), 8192, (byte) 0)).isTrue();
    c.free(0, b);
  }

  @Test
  void info_heapCache_showsObjectsInUseAndNoSlabs() {
    KmemCache c = slob.kmemCacheCreate("info", 100, 0, 0, null);
    long a = c.alloc(0, Gfp.KERNEL);
    long b = c.alloc(0, Gfp.KERNEL);
    SlabInfo row = c.info();
    assertThat(row.name()).isEqualTo("info");
    assertThat(row.activeObjs()).isEqualTo(2);
    assertThat(row.numObjs()).isEqualTo(2);
    assertThat(row.objSize()).isEqualTo(100);
    assertThat(row.numSlabs()).isZero();
    c.free(0, a);
    c.free(0, b);
  }

  @Test
  void slabinfo_andShrink_slobHasNeither() {
    KmemCache c = slob.kmemCacheCreate("s", 100, 0, 0, null);
    long a = c.alloc(0, Gfp.KERNEL);
    long b = c.alloc(0, Gfp.KERNEL);
    c.free(0, b);
    assertThat(slob.slabinfo()).isEmpty();
    assertThat(c.shrink()).isZero();
    assertThat(slob.shrinkAll()).isZero();
    c.free(0, a);
    assertThat(ctx.pageAllocator().nrFreePages())
        .as("given back without a shrink")
        .isEqualTo(bootFree);
  }

  @Test
  void caches_newestFirst_andDestroyForgetsTheName() {
    KmemCache a = slob.kmemCacheCreate("first", 10, 0, 0, null);
    slob.kmemCacheCreate("second", 10, 0, 0, null);
    assertThat(slob.caches()).extracting(KmemCache::name).containsExactly("second", "first");
    a.destroy();
    assertThat(slob.findCache("first")).isNull();
    assertThat(slob.caches()).extracting(KmemCache::name).containsExactly("second");
    KmemCache again = slob.kmemCacheCreate("first", 20, 0, 0, null);
    assertThat(again.objectSize()).isEqualTo(20);
    assertThat(slob.findCache("first")).isSameAs(again);
  }

  @Test
  void accounting_slabPagesEqualPagesTaken_andNothingIsReclaimable() {
    KmemCache r = slob.kmemCacheCreate("r", 700, 0, SlabFlags.RECLAIM_ACCOUNT, null);
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      objs.add(r.alloc(i % 2, Gfp.KERNEL));
      objs.add(slob.kmalloc(i % 2, 30 + i * 97, Gfp.KERNEL));
    }
    long taken = bootFree - ctx.pageAllocator().nrFreePages();
    assertThat(slob.reclaimablePages()).isZero();
    assertThat(slob.unreclaimablePages()).isEqualTo(taken);
    assertThat(slob.statistics().get("pages_taken") - slob.statistics().get("pages_returned"))
        .isEqualTo(taken);
    for (int i = 0; i < objs.size(); i++) {
      if (i % 2 == 0) {
        r.free(0, objs.get(i));
      } else {
        slob.kfree(1, objs.get(i));
      }
    }
    assertThat(slob.unreclaimablePages()).isZero();
  }
}
