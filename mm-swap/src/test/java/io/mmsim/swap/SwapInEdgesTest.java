package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.swap.ReclaimMode;

/**
 * Swap-in cases of mm/memory.c: do_swap_page whose outcome hangs on one condition: a write to a
 * page another holder shares (copy first), and vm_swap_full deciding whether a read fault keeps the
 * slot (mm/swap.h: vm_swap_full is more than half the swap space in use).
 */
final class SwapInEdgesTest {

  private static MiniKernel withPages(String swapSize, int pages) {
    MiniKernel k = new MiniKernel(32, Policies.create("lru"), Map.of("memory", swapSize));
    k.spawn(1, null, 0);
    for (long v = 0; v < pages; v++) {
      assertThat(k.writePattern(1, v, 100 + v)).isTrue();
    }
    assertThat(k.swap.shrink(k.global, k.globalRc, pages, ReclaimMode.DIRECT)).isEqualTo(pages);
    return k;
  }

  @Test
  void childWritesASharedSwappedPage_getsACopyOfItsData_parentKeepsTheOriginal() {
    MiniKernel k = withPages("1M", 1);
    long entry = k.pte(1, 0);
    k.fork(1, 2);
    long copy = k.access(2, 0, true); // swap-in and copy in one write fault
    assertThat(copy).isNotNegative();
    long base = Page.pfnToPhys(copy);
    for (int off = 0; off < Page.PAGE_SIZE; off += 8) {
      assertThat(k.memory.readLong(base + off)).as("offset %d", off).isEqualTo(100 ^ off);
    }
    assertThat(k.swap.inSwapCache(copy)).as("the copy is a private anonymous page").isFalse();
    assertThat(k.pte(2, 0) & (Pte.RW | Pte.DIRTY)).isEqualTo(Pte.RW | Pte.DIRTY);
    assertThat(Pte.isSwap(k.pte(1, 0))).as("the parent still holds the slot").isTrue();
    assertThat(k.swap.swapCount(entry)).isEqualTo(1);
    k.checkInvariants();
    assertThat(k.writePattern(2, 0, 7)).isTrue();
    assertThat(k.hasPattern(1, 0, 100)).isTrue();
    assertThat(k.hasPattern(2, 0, 7)).isTrue();
    k.checkInvariants();
  }

  @Test
  void readFault_exactlyHalfTheSwapInUse_notFull_pageKeepsItsSlot() {
    // 52K: a header page and 12 slots; 6 in use is half, and vm_swap_full needs more than half
    MiniKernel k = withPages("52K", 6);
    assertThat(k.swap.totalSwapPages()).isEqualTo(12);
    assertThat(k.swap.freeSwapPages()).isEqualTo(6);
    assertThat(k.hasPattern(1, 0, 100)).isTrue();
    long pfn = Pte.pfn(k.pte(1, 0));
    assertThat(k.swap.inSwapCache(pfn)).isTrue();
    assertThat(k.swap.freeSwapPages()).isEqualTo(6);
    k.checkInvariants();
  }

  @Test
  void readFault_moreThanHalfTheSwapInUse_full_slotFreedAtOnce() {
    MiniKernel k = withPages("52K", 7);
    assertThat(k.swap.freeSwapPages()).isEqualTo(5);
    assertThat(k.swap.swapFull()).isTrue();
    assertThat(k.hasPattern(1, 0, 100)).isTrue();
    long pfn = Pte.pfn(k.pte(1, 0));
    assertThat(k.swap.inSwapCache(pfn)).isFalse();
    assertThat(k.swap.freeSwapPages()).isEqualTo(6);
    assertThat(k.swap.swapFull()).as("6 of 12 is not more than half").isFalse();
    k.checkInvariants();
  }
}
