package io.mmsim.slob;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.InvariantCheckExtension;
import io.mmsim.testkit.object.TestMemoryContext;

/**
 * Exact small cases of SLOB's heap, checked in the simulated bytes of its pages: the unit encoding
 * of free blocks, the kmalloc header, alignment fragments, coalescing, next fit across pages, first
 * fit within a page, and the list each size goes to.
 */
final class SlobHeapTest {

  @RegisterExtension final InvariantCheckExtension invariants = new InvariantCheckExtension();

  private TestMemoryContext ctx;
  private PhysicalMemory memory;
  private SlobAllocator slob;
  private long bootFree;

  @BeforeEach
  void setUp() {
    ctx = TestMemoryContext.simple(1024, 1, Settings.empty("slob"));
    memory = ctx.memory();
    slob = invariants.track((SlobAllocator) new SlobProvider().create(ctx));
    invariants.track(ctx.pageAllocator());
    bootFree = ctx.pageAllocator().nrFreePages();
  }

  /** Physical base of the page holding kernel address {@code addr}. */
  private static long base(long addr) {
    return KernelLayout.pa(addr) & ~Page.PAGE_OFFSET_MASK;
  }

  private static long pfn(long addr) {
    return Page.physToPfn(KernelLayout.pa(addr));
  }

  /** The signed 16-bit unit {@code index} of the page at physical {@code base}. */
  private int unit(long base, int index) {
    return (short) memory.readShort(base + 2L * index);
  }

  private long stat(String name) {
    return slob.statistics().get(name);
  }

  // ================================================================ unit encoding

  @Test
  void kmalloc_firstObjectOnFreshPage_headerBeforeObjectAndRestIsOneBlock() {
    long a = slob.kmalloc(0, 20, Gfp.KERNEL);
    long base = base(a);
    // 20 + 8 header = 28 bytes = 14 units at the page start; the object follows the header
    assertThat(KernelLayout.pa(a)).isEqualTo(base + 8);
    assertThat(memory.readInt(base)).as("size header").isEqualTo(20);
    // the rest of the page: one block of 2034 units at unit 14, next = 2048 (end of page)
    assertThat(unit(base, 14)).isEqualTo(2034);
    assertThat(unit(base, 15)).isEqualTo(2048);
    assertThat(slob.heap().pageFreeUnits(pfn(a))).isEqualTo(2034);
  }

  @Test
  void kmalloc_secondObjectNeedsAlignment_frontUnitsStayAFreeBlock() {
    slob.kmalloc(0, 20, Gfp.KERNEL);
    long b = slob.kmalloc(0, 20, Gfp.KERNEL);
    long base = base(b);
    // the free block starts at byte 28; the object must be 8-aligned after its 8-byte header,
    // so the block moves to byte 32 and the 2 units in front stay free
    assertThat(KernelLayout.pa(b)).isEqualTo(base + 40);
    assertThat(memory.readInt(base + 32)).isEqualTo(20);
    assertThat(unit(base, 14)).as("fragment size").isEqualTo(2);
    assertThat(unit(base, 15)).as("fragment next").isEqualTo(30);
    assertThat(unit(base, 30)).isEqualTo(2048 - 30);
    assertThat(unit(base, 31)).isEqualTo(2048);
    assertThat(slob.heap().pageFreeUnits(pfn(b))).isEqualTo(2 + 2018);
  }

  @Test
  void kmalloc_oneUnitFragment_storesTheNegatedNextOffset() {
    slob.kmalloc(0, 6, Gfp.KERNEL); // 14 bytes: units 0..6
    long b = slob.kmalloc(0, 6, Gfp.KERNEL); // block moves from unit 7 to unit 8
    long base = base(b);
    assertThat(KernelLayout.pa(b)).isEqualTo(base + 16 + 8);
    assertThat(unit(base, 7)).as("one-unit block holds -next").isEqualTo(-15);
    assertThat(unit(base, 15)).isEqualTo(2048 - 15);
    assertThat(unit(base, 16)).isEqualTo(2048);
  }

  @Test
  void kmalloc_powerOfTwoSize_naturallyAlignedAfterAFrontFragment() {
    long a = slob.kmalloc(0, 64, Gfp.KERNEL);
    long base = base(a);
    // the header sits at byte 56 so that the object is at byte 64
    assertThat(KernelLayout.pa(a)).isEqualTo(base + 64);
    assertThat(unit(base, 0)).isEqualTo(28);
    assertThat(unit(base, 1)).isEqualTo(64);
    assertThat(unit(base, 64)).isEqualTo(2048 - 64);
    assertThat(unit(base, 65)).isEqualTo(2048);
  }

  @Test
  void kmemCacheAlloc_noHeader_objectsBackToBack() {
    KmemCache c = slob.kmemCacheCreate("x24", 24, 0, 0, null);
    long a = c.alloc(0, Gfp.KERNEL);
    long b = c.alloc(0, Gfp.KERNEL);
    long d = c.alloc(0, Gfp.KERNEL);
    long base = base(a);
    assertThat(KernelLayout.pa(a)).isEqualTo(base);
    assertThat(b - a).isEqualTo(24);
    assertThat(d - b).isEqualTo(24);
    assertThat(unit(base, 36)).isEqualTo(2048 - 36);
  }

  // ================================================================ free and coalescing

  @Test
  void free_neighboursInAnyOrder_coalesceUntilThePageGoesBack() {
    KmemCache c = slob.kmemCacheCreate("x32", 32, 0, 0, null);
    long[] o = new long[5];
    for (int i = 0; i < o.length; i++) {
      o[i] = c.alloc(0, Gfp.KERNEL); // 16 units each: units 0, 16, 32, 48, 64
    }
    long base = base(o[0]);
    c.free(0, o[1]);
    c.free(0, o[3]);
    assertThat(unit(base, 16)).isEqualTo(16);
    assertThat(unit(base, 17)).isEqualTo(48);
    assertThat(unit(base, 48)).isEqualTo(16);
    assertThat(unit(base, 49)).isEqualTo(80);
    assertThat(unit(base, 80)).isEqualTo(2048 - 80);
    assertThat(unit(base, 81)).isEqualTo(2048);

    c.free(0, o[2]); // merges with both neighbours
    assertThat(unit(base, 16)).isEqualTo(48);
    assertThat(unit(base, 17)).isEqualTo(80);

    c.free(0, o[0]); // before the list head, merges forward
    assertThat(unit(base, 0)).isEqualTo(64);
    assertThat(unit(base, 1)).isEqualTo(80);
    assertThat(slob.heap().pageFreeUnits(pfn(o[0]))).isEqualTo(2048 - 16);
    assertThat(stat("heap_pages")).isEqualTo(1);

    c.free(0, o[4]); // the last object: the whole page is free and goes back at once
    assertThat(stat("heap_pages")).isZero();
    assertThat(stat("pages_returned")).isEqualTo(1);
    assertThat(ctx.pageAllocator().nrFreePages()).isEqualTo(bootFree);
    assertThat(slob.heap().pageFreeUnits(pfn(o[0]))).isEqualTo(-1);
  }

  @Test
  void free_ofAFullPage_putsItOnTheListOfTheFreedSize() {
    KmemCache big = slob.kmemCacheCreate("x2048", 2048, 0, 0, null);
    long a = big.alloc(0, Gfp.KERNEL);
    long b = big.alloc(0, Gfp.KERNEL);
    assertThat(pfn(a)).isEqualTo(pfn(b));
    assertThat(stat("partial_pages_large")).as("a full page is on no list").isZero();
    // a small object cannot reuse the page while it is full; a free of a large object puts it
    // back on the large list
    big.free(0, a);
    assertThat(stat("partial_pages_large")).isEqualTo(1);
    assertThat(slob.heap().listPfns(SlobHeap.LIST_LARGE)).containsExactly(pfn(b));
    long base = base(a);
    assertThat(unit(base, 0)).isEqualTo(1024);
    assertThat(unit(base, 1)).isEqualTo(2048);
    big.free(0, b);
    assertThat(stat("heap_pages")).isZero();
  }

  // ================================================================ next fit and first fit

  @Test
  void alloc_nextFit_searchStartsAtThePageThatLastSucceeded() {
    KmemCache c = slob.kmemCacheCreate("x200", 200, 0, 0, null);
    long[] o = new long[60];
    for (int i = 0; i < o.length; i++) {
      o[i] = c.alloc(0, Gfp.KERNEL); // 100 units: 20 per page, 48 units left at each tail
    }
    long p1 = pfn(o[0]);
    long p2 = pfn(o[20]);
    long p3 = pfn(o[40]);
    assertThat(new long[] {pfn(o[19]), pfn(o[39]), pfn(o[59])}).containsExactly(p1, p2, p3);
    // new pages go to the front of the list
    assertThat(slob.heap().listPfns(SlobHeap.LIST_SMALL)).containsExactly(p3, p2, p1);

    c.free(0, o[5]);
    long again = c.alloc(0, Gfp.KERNEL);
    assertThat(again).as("the only hole big enough").isEqualTo(o[5]);
    // the page that served stays partly free, and the list now starts there
    assertThat(slob.heap().listPfns(SlobHeap.LIST_SMALL)).containsExactly(p1, p3, p2);

    // a small request fits in the tail of every page: it goes to the head, p1, not to p3
    long small = slob.kmalloc(0, 24, Gfp.KERNEL);
    assertThat(pfn(small)).isEqualTo(p1);
    assertThat(KernelLayout.pa(small)).isEqualTo(base(small) + 4000 + 8);
  }

  @Test
  void alloc_firstFit_takesTheLowestHoleThatFits() {
    KmemCache c = slob.kmemCacheCreate("x200", 200, 0, 0, null);
    long[] o = new long[20];
    for (int i = 0; i < o.length; i++) {
      o[i] = c.alloc(0, Gfp.KERNEL);
    }
    c.free(0, o[10]);
    c.free(0, o[3]);
    assertThat(c.alloc(0, Gfp.KERNEL)).isEqualTo(o[3]);
    assertThat(c.alloc(0, Gfp.KERNEL)).isEqualTo(o[10]);
    // the 48-unit tail cannot hold another object: a new page
    long next = c.alloc(0, Gfp.KERNEL);
    assertThat(pfn(next)).isNotEqualTo(pfn(o[0]));
    assertThat(stat("heap_pages")).isEqualTo(2);
  }

  @Test
  void alloc_firstFit_skipsALowerHoleThatIsTooSmall() {
    KmemCache small = slob.kmemCacheCreate("x40", 40, 0, 0, null);
    KmemCache big = slob.kmemCacheCreate("x200", 200, 0, 0, null);
    long a1 = small.alloc(0, Gfp.KERNEL); // units 0..19
    big.alloc(0, Gfp.KERNEL); // 20..119
    small.alloc(0, Gfp.KERNEL); // 120..139
    long b2 = big.alloc(0, Gfp.KERNEL); // 140..239
    small.alloc(0, Gfp.KERNEL); // 240..259
    small.free(0, a1);
    big.free(0, b2);
    assertThat(big.alloc(0, Gfp.KERNEL)).isEqualTo(b2);
    assertThat(small.alloc(0, Gfp.KERNEL)).isEqualTo(a1);
  }

  // ================================================================ lists by size

  @Test
  void listFor_boundarySizes_followSlobBreaks() {
    assertThat(SlobHeap.listFor(1)).isEqualTo(SlobHeap.LIST_SMALL);
    assertThat(SlobHeap.listFor(255)).isEqualTo(SlobHeap.LIST_SMALL);
    assertThat(SlobHeap.listFor(256)).isEqualTo(SlobHeap.LIST_MEDIUM);
    assertThat(SlobHeap.listFor(1023)).isEqualTo(SlobHeap.LIST_MEDIUM);
    assertThat(SlobHeap.listFor(1024)).isEqualTo(SlobHeap.LIST_LARGE);
    assertThat(SlobHeap.listFor(4095)).isEqualTo(SlobHeap.LIST_LARGE);
  }

  @Test
  void kmemCacheAlloc_sizes255To1024_landOnTheirLists() {
    long o255 = slob.kmemCacheCreate("x255", 255, 0, 0, null).alloc(0, Gfp.KERNEL);
    long o256 = slob.kmemCacheCreate("x256", 256, 0, 0, null).alloc(0, Gfp.KERNEL);
    long o1023 = slob.kmemCacheCreate("x1023", 1023, 0, 0, null).alloc(0, Gfp.KERNEL);
    long o1024 = slob.kmemCacheCreate("x1024", 1024, 0, 0, null).alloc(0, Gfp.KERNEL);
    assertThat(slob.heap().listPfns(SlobHeap.LIST_SMALL)).containsExactly(pfn(o255));
    assertThat(slob.heap().listPfns(SlobHeap.LIST_MEDIUM)).containsExactly(pfn(o256));
    assertThat(pfn(o1023)).isEqualTo(pfn(o256));
    assertThat(slob.heap().listPfns(SlobHeap.LIST_LARGE)).containsExactly(pfn(o1024));
    assertThat(stat("heap_pages_small")).isEqualTo(1);
    assertThat(stat("heap_pages_medium")).isEqualTo(1);
    assertThat(stat("heap_pages_large")).isEqualTo(1);
  }

  @Test
  void kmalloc_listChoice_countsTheHeader() {
    long k247 = slob.kmalloc(0, 247, Gfp.KERNEL); // 255-byte block: small
    long k248 = slob.kmalloc(0, 248, Gfp.KERNEL); // 256-byte block: medium
    long k1016 = slob.kmalloc(0, 1016, Gfp.KERNEL); // 1024-byte block: large
    assertThat(slob.heap().listPfns(SlobHeap.LIST_SMALL)).containsExactly(pfn(k247));
    assertThat(slob.heap().listPfns(SlobHeap.LIST_MEDIUM)).containsExactly(pfn(k248));
    assertThat(slob.heap().listPfns(SlobHeap.LIST_LARGE)).containsExactly(pfn(k1016));
  }

  // ================================================================ kmalloc sizes

  @Test
  void kmalloc_pageSizeMinusHeader_goesToThePageAllocator() {
    long heapMax = slob.kmalloc(0, 4087, Gfp.KERNEL); // 4095-byte block: a whole heap page
    assertThat(stat("heap_pages")).isEqualTo(1);
    assertThat(stat("partial_pages_large")).as("the page is full").isZero();
    assertThat(slob.ksize(heapMax)).isEqualTo(4088);
    long page = slob.kmalloc(0, 4088, Gfp.KERNEL);
    assertThat(stat("large_blocks")).isEqualTo(1);
    assertThat(page & Page.PAGE_OFFSET_MASK).isZero();
    assertThat(slob.ksize(page)).isEqualTo(4096);
    long two = slob.kmalloc(0, 5000, Gfp.KERNEL);
    assertThat(slob.ksize(two)).isEqualTo(8192);
    assertThat(stat("large_pages")).isEqualTo(3);
    assertThat(slob.unreclaimablePages()).isEqualTo(4);
    assertThat(bootFree - ctx.pageAllocator().nrFreePages()).isEqualTo(4);
    slob.kfree(0, heapMax);
    slob.kfree(0, page);
    slob.kfree(0, two);
    assertThat(ctx.pageAllocator().nrFreePages()).isEqualTo(bootFree);
  }

  @Test
  void ksize_smallKmalloc_isTheSizeInWholeUnits() {
    assertThat(slob.ksize(slob.kmalloc(0, 1, Gfp.KERNEL))).isEqualTo(2);
    assertThat(slob.ksize(slob.kmalloc(0, 13, Gfp.KERNEL))).isEqualTo(14);
    assertThat(slob.ksize(slob.kmalloc(0, 100, Gfp.KERNEL))).isEqualTo(100);
    assertThat(slob.ksize(slob.kmalloc(0, 3001, Gfp.KERNEL))).isEqualTo(3002);
  }

  @Test
  void kmalloc_gfpZero_zeroesTheObjectButKeepsTheHeader() {
    long a = slob.kmalloc(0, 40, Gfp.KERNEL);
    memory.fill(KernelLayout.pa(a), 40, (byte) 0x6b);
    slob.kfree(0, a);
    slob.kmalloc(0, 8, Gfp.KERNEL); // keep the page
    long b = slob.kmalloc(0, 40, Gfp.KERNEL | Gfp.ZERO);
    assertThat(memory.allEqual(KernelLayout.pa(b), 40, (byte) 0)).isTrue();
    assertThat(memory.readInt(KernelLayout.pa(b) - 8)).isEqualTo(40);
  }
}
