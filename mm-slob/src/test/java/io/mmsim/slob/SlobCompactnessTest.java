package io.mmsim.slob;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Page;
import io.mmsim.api.object.KmallocSizes;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.InvariantCheckExtension;
import io.mmsim.testkit.object.TestMemoryContext;

/**
 * SLOB's reason to exist: it packs objects tighter than a size-class allocator. Measured as pages
 * taken against bytes requested, and asserted against expectations computed from the layout rules
 * (never timing). The size-class side is an ideal one: every object rounded up to its kmalloc
 * class, classes packed into whole pages with no per-CPU or partial-slab slack, which is the best
 * SLAB or SLUB can do.
 */
final class SlobCompactnessTest {

  @RegisterExtension final InvariantCheckExtension invariants = new InvariantCheckExtension();

  private TestMemoryContext ctx;
  private SlobAllocator slob;
  private long bootFree;

  @BeforeEach
  void setUp() {
    ctx = TestMemoryContext.simple(4096, 1, Settings.empty("slob"));
    slob = invariants.track((SlobAllocator) new SlobProvider().create(ctx));
    bootFree = ctx.pageAllocator().nrFreePages();
  }

  private long pagesTaken() {
    return bootFree - ctx.pageAllocator().nrFreePages();
  }

  /** Pages an ideal size-class allocator needs for {@code count} objects of each size. */
  private static long sizeClassPages(long[] sizes, int count) {
    long pages = 0;
    for (long size : sizes) {
      long perPage = Page.PAGE_SIZE / KmallocSizes.classSize(size);
      pages += (count + perPage - 1) / perPage;
    }
    return pages;
  }

  @Test
  void kmalloc40_thousandObjects_exactlyTwelvePagesAgainstSixteen() {
    for (int i = 0; i < 1000; i++) {
      assertThat(slob.kmalloc(0, 40, Gfp.KERNEL)).isNotZero();
    }
    // 40 + 8 header = 48 bytes, 8-aligned back to back: 85 per page (4080 bytes, 16 left over);
    // 1000 = 11 * 85 + 65 -> 12 pages
    assertThat(pagesTaken()).isEqualTo(12);
    assertThat(slob.statistics().get("free_bytes")).isEqualTo(11 * 16 + (4096 - 65 * 48));
    assertThat(12 * 4096L).isEqualTo(1000 * 40 + 1000 * 8 + slob.statistics().get("free_bytes"));
    // kmalloc-64 holds 64 per page: 16 pages
    assertThat(sizeClassPages(new long[] {40}, 1000)).isEqualTo(16);
  }

  @Test
  void kmallocMixedSizes_roundRobin_fewerPagesThanSizeClassesWithinComputedBounds() {
    long[] sizes = {40, 104, 200}; // blocks of 48, 112 and 208 bytes: multiples of 8, no gaps
    int count = 600;
    long requested = 0;
    long blockBytes = 0;
    for (int i = 0; i < count; i++) {
      for (long size : sizes) {
        assertThat(slob.kmalloc(0, size, Gfp.KERNEL)).isNotZero();
        requested += size;
        blockBytes += size + SlobAllocator.MINALIGN;
      }
    }
    long pages = pagesTaken();
    // without frees every page holds one free tail; a page is added only when every tail is
    // below the request (at most 208 bytes), so all pages but the newest hold at least
    // 4096 - 207 bytes of blocks
    long lower = (blockBytes + Page.PAGE_SIZE - 1) / Page.PAGE_SIZE;
    long upper = 1 + blockBytes / (Page.PAGE_SIZE - 207);
    assertThat(lower).isEqualTo(54);
    assertThat(upper).isEqualTo(57);
    assertThat(pages).isBetween(lower, upper);
    assertThat(pages * Page.PAGE_SIZE).isEqualTo(blockBytes + slob.statistics().get("free_bytes"));
    long classPages = sizeClassPages(sizes, count);
    assertThat(classPages).isEqualTo(10 + 19 + 38);
    assertThat(pages).isLessThan(classPages);
    // overhead = bytes of pages beyond the bytes requested, in per mille of the request
    long slobOverhead = (pages * Page.PAGE_SIZE - requested) * 1000 / requested;
    long classOverhead = (classPages * Page.PAGE_SIZE - requested) * 1000 / requested;
    assertThat(slobOverhead)
        .isLessThanOrEqualTo((upper * Page.PAGE_SIZE - requested) * 1000 / requested);
    assertThat(classOverhead).isEqualTo(329); // 67 pages for 206400 bytes
    assertThat(slobOverhead).isLessThan(classOverhead);
  }

  @Test
  void kmemCache100_thousandObjects_noHeaderAndTighterThanClass128() {
    KmemCache cache = slob.kmemCacheCreate("obj100", 100, 0, 0, null);
    for (int i = 0; i < 1000; i++) {
      assertThat(cache.alloc(0, Gfp.KERNEL)).isNotZero();
    }
    // 100 bytes, 8-aligned: a 104-byte stride, 4 bytes of each stride stay free as a 2-unit
    // block; the 39th object ends at byte 38 * 104 + 100 = 4052, so 39 per page, and
    // 1000 = 25 * 39 + 25 -> 26 pages
    assertThat(pagesTaken()).isEqualTo(26);
    assertThat(sizeClassPages(new long[] {100}, 1000)).isEqualTo(32);
  }
}
