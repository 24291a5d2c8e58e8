package io.mmsim.testkit.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mmsim.api.BadPageException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;

final class SimplePageAllocatorTest {

  @Test
  void allocPages_firstFit_naturallyAlignedLowestBlock() {
    SimplePageAllocator a = SimplePageAllocator.booted(new MemoryLayout(64, 2), 1);
    assertThat(a.nrFreePages()).isEqualTo(63);
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(1);
    assertThat(a.allocPages(0, Gfp.KERNEL, 2)).isEqualTo(4);
    assertThat(a.allocPages(1, Gfp.KERNEL, 0)).isEqualTo(2);
    assertThat(a.allocPages(1, Gfp.KERNEL, 3)).isEqualTo(8);
    assertThat(a.nrFreePages()).isEqualTo(63 - 1 - 4 - 1 - 8);
    a.checkInvariants();
  }

  @Test
  void allocPages_exhausted_returnsNoPage() {
    SimplePageAllocator a = SimplePageAllocator.booted(new MemoryLayout(16, 1), 0);
    assertThat(a.allocPages(0, Gfp.KERNEL, 4)).isZero();
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(PageAllocator.NO_PAGE);
    a.freePages(0, 0, 4);
    assertThat(a.nrFreePages()).isEqualTo(16);
  }

  @Test
  void freePages_misuse_throwsAndLeavesStateUnchanged() {
    SimplePageAllocator a = SimplePageAllocator.booted(new MemoryLayout(64, 1), 0);
    long p = a.allocPages(0, Gfp.KERNEL, 1);
    assertThatThrownBy(() -> a.freePages(0, p, 0))
        .isInstanceOf(BadPageException.class)
        .hasMessageContaining("wrong order");
    assertThatThrownBy(() -> a.freePages(0, p + 1, 0)).isInstanceOf(BadPageException.class);
    assertThatThrownBy(() -> a.freePages(0, 100, 0)).isInstanceOf(BadPageException.class);
    assertThat(a.nrFreePages()).isEqualTo(62);
    a.freePages(0, p, 1);
    assertThatThrownBy(() -> a.freePages(0, p, 1)).isInstanceOf(BadPageException.class);
    assertThat(a.nrFreePages()).isEqualTo(64);
    a.checkInvariants();
  }

  @Test
  void allocPages_dmaFlag_staysBelow16MiB() {
    SimplePageAllocator a = SimplePageAllocator.booted(new MemoryLayout(8192, 1), 0);
    long dma = Zone.DMA.limitPfn();
    for (long i = 0; i < dma; i++) {
      assertThat(a.allocPages(0, Gfp.GFP_DMA, 0)).isLessThan(dma);
    }
    assertThat(a.allocPages(0, Gfp.GFP_DMA, 0)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(dma);
    assertThat(a.nrFreePages(Zone.DMA)).isZero();
    assertThat(a.zoneStats(Zone.DMA32).free()).isEqualTo(8192 - dma - 1);
  }

  @Test
  void randomOperations_seeded_invariantsHold() {
    SimplePageAllocator a = SimplePageAllocator.booted(new MemoryLayout(4096, 2), 1);
    SplittableRandom rnd = new SplittableRandom(7);
    List<long[]> live = new ArrayList<>();
    for (int step = 0; step < 3000; step++) {
      if (!live.isEmpty() && rnd.nextBoolean()) {
        long[] b = live.remove(rnd.nextInt(live.size()));
        a.freePages(rnd.nextInt(2), b[0], (int) b[1]);
      } else {
        int order = rnd.nextInt(6);
        long pfn = a.allocPages(rnd.nextInt(2), Gfp.KERNEL, order);
        if (pfn != PageAllocator.NO_PAGE) {
          assertThat(pfn & ((1L << order) - 1)).isZero();
          live.add(new long[] {pfn, order});
        }
      }
      a.checkInvariants();
    }
    for (long[] b : live) {
      a.freePages(0, b[0], (int) b[1]);
    }
    assertThat(a.nrFreePages()).isEqualTo(4095);
    long[] blocks = a.zoneStats(Zone.DMA).freeBlocks();
    long pagesInBlocks = 0;
    for (int o = 0; o < blocks.length; o++) {
      pagesInBlocks += blocks[o] << o;
    }
    assertThat(pagesInBlocks).isEqualTo(4095);
  }

  @Test
  void failAfter_budgetSpent_returnsNoPageWithoutChangingStateUntilNeverFail() {
    SimplePageAllocator a = SimplePageAllocator.booted(new MemoryLayout(64, 1), 1);
    a.failAfter(2);
    long first = a.allocPages(0, Gfp.KERNEL, 0);
    long second = a.allocPages(0, Gfp.KERNEL, 1);
    long free = a.nrFreePages();

    assertThat(first).isEqualTo(1);
    assertThat(second).isEqualTo(2);
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.nrFreePages()).isEqualTo(free);
    a.freePages(0, first, 0);
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).as("frees do not refill the budget").isEqualTo(-1);
    a.neverFail();
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(1);
    assertThat(a.statistics().get("alloc_failures")).isEqualTo(2);
    a.checkInvariants();
  }
}
