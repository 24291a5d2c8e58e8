package io.mmsim.slub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Page;
import io.mmsim.api.object.BadCacheException;
import io.mmsim.api.object.KmallocSizes;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.object.SlabInfo;

/**
 * kmem_cache_create's argument checks, {@code find_mergeable} (mm/slab_common.c) at its edges, the
 * aliases it makes, and the {@code O} option of slub_debug.
 */
final class SlubMergeTest {
  private SlubAllocator slub;

  private void boot(String... settings) {
    slub = Slubs.slub(Slubs.context(1, settings));
  }

  @AfterEach
  void invariants() {
    if (slub != null) {
      slub.checkInvariants();
    }
  }

  @Test
  void kmemCacheCreate_sizeAndAlignLimits_inclusive() {
    boot("nomerge", "true");
    // KMALLOC_MAX_SIZE (4 MiB, one order-10 block) is the largest object size allowed
    KmemCache big =
        slub.kmemCacheCreate(
            "big", (int) KmallocSizes.KMALLOC_MAX_SIZE, 0, SlabFlags.NO_MERGE, null);
    assertThat(big.info().objPerSlab()).isEqualTo(1);
    assertThat(big.info().pagesPerSlab()).isEqualTo(1 << Page.MAX_PAGE_ORDER);
    assertThatThrownBy(
            () ->
                slub.kmemCacheCreate("bigger", (int) KmallocSizes.KMALLOC_MAX_SIZE + 1, 0, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("size " + (KmallocSizes.KMALLOC_MAX_SIZE + 1) + " is outside");
    assertThatThrownBy(() -> slub.kmemCacheCreate("zero", 0, 0, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("size 0 is outside [1, ");
    KmemCache one = slub.kmemCacheCreate("one", 1, 0, 0, null);
    // one byte rounds up to one word
    assertThat(one.size()).isEqualTo(8);
    // a page is the largest alignment
    KmemCache paged = slub.kmemCacheCreate("paged", 100, Page.PAGE_SIZE, 0, null);
    assertThat(paged.align()).isEqualTo(Page.PAGE_SIZE);
    assertThat(paged.size()).isEqualTo(Page.PAGE_SIZE);
    assertThatThrownBy(() -> slub.kmemCacheCreate("huge-align", 100, 2 * Page.PAGE_SIZE, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("align 8192 is not 0 or a power of two");
    assertThatThrownBy(() -> slub.kmemCacheCreate("odd-flags", 100, 0, 1 << 30, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown flags 0x40000000");
    assertThat(slub.findCache("odd-flags")).isNull();
    for (String n : new String[] {"big", "one", "paged"}) {
      slub.findCache(n).destroy();
    }
  }

  @Test
  void findMergeable_slotAWordLarger_isNotMerged() {
    boot();
    // 56 bytes: kmalloc-64 would waste 8 bytes = sizeof(void *), which find_mergeable refuses
    KmemCache c56 = slub.kmemCacheCreate("c56", 56, 0, 0, null);
    assertThat(slub.aliases()).doesNotContainKey("c56");
    assertThat(c56.info().name()).isEqualTo("c56");
    assertThat(c56.size()).isEqualTo(56);
    // 57..64 round up to 64: merged
    KmemCache c57 = slub.kmemCacheCreate("c57", 57, 0, 0, null);
    assertThat(c57.info().name()).isEqualTo("kmalloc-64");
    assertThat(c57.align()).isEqualTo(64);
    assertThat(c57.flags()).isEqualTo(slub.findCache("kmalloc-64").flags());
    // an alias has the flags of the cache it merged into
    KmemCache rc = slub.kmemCacheCreate("rc", 64, 0, SlabFlags.RECLAIM_ACCOUNT, null);
    KmemCache rc2 = slub.kmemCacheCreate("rc2", 60, 0, SlabFlags.RECLAIM_ACCOUNT, null);
    assertThat(rc2.info().name()).isEqualTo("rc");
    assertThat(rc2.flags()).isEqualTo(rc.flags());
    assertThat(rc2.flags() & SlabFlags.RECLAIM_ACCOUNT).isEqualTo(SlabFlags.RECLAIM_ACCOUNT);
    rc2.destroy();
    rc.destroy();
    c57.destroy();
    c56.destroy();
  }

  @Test
  void caches_newestFirst_andDestroyedOnesGone() {
    boot("nomerge", "true");
    int before = slub.caches().size();
    KmemCache a = slub.kmemCacheCreate("a", 40, 0, 0, null);
    KmemCache b = slub.kmemCacheCreate("b", 48, 0, 0, null);
    assertThat(slub.caches()).hasSize(before + 2);
    assertThat(slub.caches().get(0)).isSameAs(b);
    assertThat(slub.caches().get(1)).isSameAs(a);
    assertThat(slub.caches().get(before + 1).name()).isEqualTo("kmalloc-8");
    assertThat(slub.name()).isEqualTo("slub");
    // one empty order-0 slab in each (102 and 85 objects a page): shrinking all frees both
    a.free(0, a.alloc(0, Gfp.KERNEL));
    b.free(0, b.alloc(0, Gfp.KERNEL));
    assertThat(slub.shrinkAll()).isEqualTo(2);
    a.destroy();
    assertThat(slub.caches()).hasSize(before + 1).doesNotContain(a);
    b.destroy();
  }

  @Test
  void alias_destroyedWhileTheTargetLives_refusesEveryOperation() {
    boot();
    KmemCache foo = slub.kmemCacheCreate("foo", 60, 0, 0, null);
    KmemCache bar = slub.kmemCacheCreate("bar", 64, 0, 0, null);
    assertThat(bar.info().name()).isEqualTo("kmalloc-64");
    long x = foo.alloc(0, Gfp.KERNEL);
    foo.free(0, x);
    foo.destroy();
    // kmalloc-64 and the alias bar still hold it; foo alone is gone
    for (Runnable call :
        new Runnable[] {
          () -> foo.alloc(0, Gfp.KERNEL),
          () -> foo.free(0, x),
          foo::shrink,
          foo::validate,
          foo::destroy
        }) {
      assertThatThrownBy(call::run)
          .isInstanceOfSatisfying(
              BadCacheException.class, e -> assertThat(e.cache()).isEqualTo("foo"))
          .hasMessageContaining("foo has been destroyed");
    }
    long y = bar.alloc(0, Gfp.KERNEL);
    assertThat(slub.ksize(y)).isEqualTo(64);
    bar.free(0, y);
    assertThat(bar.validate()).isEmpty();
    assertThat(bar.toString()).contains("bar").contains("kmalloc-64");
    bar.destroy();
  }

  @Test
  void alias_shrink_returnsThePagesOfTheTarget() {
    boot();
    KmemCache foo = slub.kmemCacheCreate("foo", 60, 0, 0, null);
    long x = foo.alloc(0, Gfp.KERNEL);
    foo.free(0, x);
    // the one order-0 slab of kmalloc-64 is empty: flush_all puts it on the node partial list
    // (nr_partial 0 < min_partial 5 keeps it), then shrink discards every empty partial slab
    assertThat(foo.shrink()).isEqualTo(1);
    assertThat(slub.findCache("kmalloc-64").info().numSlabs()).isZero();
    foo.destroy();
  }

  @Test
  void realCache_destroyedHandle_refusesShrinkValidateAndFree() {
    boot("nomerge", "true");
    KmemCache c = slub.kmemCacheCreate("gone", 100, 0, 0, null);
    long x = slub.kmalloc(0, 64, Gfp.KERNEL);
    c.destroy();
    assertThatThrownBy(c::shrink).isInstanceOf(BadCacheException.class);
    assertThatThrownBy(c::validate).isInstanceOf(BadCacheException.class);
    // a foreign object freed through a destroyed cache: the cache is what is wrong
    assertThatThrownBy(() -> c.free(0, x))
        .isInstanceOfSatisfying(
            BadCacheException.class, e -> assertThat(e.cache()).isEqualTo("gone"))
        .hasMessageContaining("gone has been destroyed");
    assertThatThrownBy(c::destroy)
        .isInstanceOf(BadCacheException.class)
        .hasMessageContaining("gone has been destroyed");
    slub.kfree(0, x);
  }

  @Test
  void debugWithoutO_higherOrderCachesKeepRedZone() {
    boot("debug", "ZU");
    KmemCache k4 = slub.findCache("kmalloc-4k");
    assertThat(k4.flags() & SlabFlags.RED_ZONE).isEqualTo(SlabFlags.RED_ZONE);
    assertThat(k4.size()).isGreaterThan(4096);
    SlabInfo row = k4.info();
    assertThat(row.objSize()).isEqualTo(k4.size());
  }
}
