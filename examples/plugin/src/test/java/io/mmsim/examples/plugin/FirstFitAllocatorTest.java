package io.mmsim.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.testkit.page.PageAllocatorContract;

/**
 * firstfit passes every test of the page allocator contract (inherited), plus the behaviour that
 * makes it first fit: the lowest aligned run of the highest allowed zone.
 */
final class FirstFitAllocatorTest extends PageAllocatorContract {

  @Override
  protected PageAllocator createAllocator(MemoryLayout layout) {
    return new FirstFitAllocator(layout);
  }

  // ================================================================ placement

  @Test
  void allocPages_freshMachine_takesTheLowestFramesOfTheHighestZone() {
    PageAllocator a = small();
    // SMALL: DMA 0..4096 (PFN 0 reserved), DMA32 4096..16384 with 4096..4608 reserved (the image)

    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(4608);
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(4609);
    assertThat(a.allocPages(0, Gfp.KERNEL, 2)).as("aligned to 4 frames").isEqualTo(4612);
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).as("the hole before it").isEqualTo(4610);
    assertThat(a.allocPages(0, Gfp.GFP_DMA, 0)).as("DMA starts above PFN 0").isEqualTo(1);
  }

  @Test
  void freePages_thenAlloc_reusesTheLowestHoleFirst() {
    PageAllocator a = small();
    long[] p = new long[8];
    for (int i = 0; i < p.length; i++) {
      p[i] = a.allocPages(0, Gfp.KERNEL, 0);
    }
    a.freePages(0, p[5], 0);
    a.freePages(0, p[2], 0);

    assertThat(a.allocPages(1, Gfp.KERNEL, 0)).isEqualTo(p[2]);
    assertThat(a.allocPages(1, Gfp.KERNEL, 0)).isEqualTo(p[5]);
    assertThat(a.allocPages(1, Gfp.KERNEL, 0)).isEqualTo(p[7] + 1);
  }

  @Test
  void allocPages_highZoneFull_fallsBackToTheZoneBelow() {
    PageAllocator a = small();
    long dma32 = 0;
    long pfn;
    while ((pfn = a.allocPages(0, Gfp.KERNEL, 0)) != PageAllocator.NO_PAGE
        && Zone.of(pfn) == Zone.DMA32) {
      dma32++;
    }

    assertThat(pfn).as("the first page after DMA32 ran to its watermark").isNotEqualTo(-1);
    assertThat(Zone.of(pfn)).isEqualTo(Zone.DMA);
    assertThat(a.nrFreePages(Zone.DMA32))
        .as("DMA32 stops at its min watermark")
        .isEqualTo(a.watermark(Zone.DMA32, Watermark.MIN));
    assertThat(dma32).isEqualTo(a.zoneStats(Zone.DMA32).managed() - a.nrFreePages(Zone.DMA32));
  }

  @Test
  void allocPages_belowMin_onlyMemallocDipsIntoTheReserve() {
    PageAllocator a = small();
    while (a.allocPages(0, Gfp.KERNEL, 0) != PageAllocator.NO_PAGE) {
      // down to the min watermark of both zones
    }
    long free = a.nrFreePages();

    assertThat(a.allocPages(0, Gfp.GFP_ATOMIC, 0))
        .as("atomic may use part of the reserve")
        .isNotEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.allocPages(0, Gfp.KERNEL | Gfp.MEMALLOC, 0)).isNotEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.nrFreePages()).isEqualTo(free - 2);
  }

  @Test
  void watermarks_1GiB_matchTheKernelsBootComputation() {
    PageAllocator a = booted(MemoryLayout.ofBytes(1L << 30, 1), 0, 1);
    // managed: 262143 pages (1048572 kB): DMA 4095, DMA32 258048.
    // min_free_kbytes = int_sqrt(1048572 * 16) = 4095 kB = 1023 pages, shared by managed pages:
    // DMA 1023 * 4095 / 262143 = 15, DMA32 1023 * 258048 / 262143 = 1007;
    // DMA32's step = max(1007 / 4, 258048 * 10 / 10000) = max(251, 258) = 258.

    assertThat(a.watermark(Zone.DMA, Watermark.MIN)).isEqualTo(15);
    assertThat(a.watermark(Zone.DMA32, Watermark.MIN)).isEqualTo(1007);
    assertThat(a.watermark(Zone.DMA32, Watermark.LOW)).isEqualTo(1007 + 258);
    assertThat(a.watermark(Zone.DMA32, Watermark.HIGH)).isEqualTo(1007 + 2 * 258);
  }

  @Test
  void zoneStats_freeExtent_showsMaximalAlignedBlocks() {
    PageAllocator a = booted(SMALL, 0, 1, 4096, 16384 - 3);
    // free: DMA 1..4096 = [1] [2,4) [4,8) ... [512,1024) then three order-10 blocks up to 4096;
    // DMA32 16381..16384 = [16381] [16382,16384)

    long[] dma = a.zoneStats(Zone.DMA).freeBlocks();
    assertThat(dma).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3);
    long[] dma32 = a.zoneStats(Zone.DMA32).freeBlocks();
    assertThat(dma32).containsExactly(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }
}
