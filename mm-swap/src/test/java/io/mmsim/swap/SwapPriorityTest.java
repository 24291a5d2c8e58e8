package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mmsim.api.paging.Pte;
import io.mmsim.api.swap.ReclaimMode;
import io.mmsim.api.swap.SwapAreaInfo;
import io.mmsim.api.swap.SwapException;

/**
 * Which area a page goes to (mm/swapfile.c: get_swap_pages walks swap_avail_heads, a plist by
 * priority, and plist_requeue sends equal priorities round robin), and the limits of swapon's
 * priority (0..32767, or none).
 */
final class SwapPriorityTest {
  private static final long AREA = 1 << 20;

  /** A kernel without swap; process 1 has written {@code pages} pages. */
  private static MiniKernel noSwap(int pages) {
    MiniKernel k = new MiniKernel(32, Policies.create("lru"), Map.of());
    k.spawn(1, null, 0);
    for (long v = 0; v < pages; v++) {
      assertThat(k.writePattern(1, v, v + 1)).isTrue();
    }
    return k;
  }

  /** Swaps out vpn {@code v} of process 1 (the oldest resident page) and gives its area type. */
  private static int swapOutNext(MiniKernel k, long v) {
    assertThat(k.swap.shrink(k.global, k.globalRc, 1, ReclaimMode.DIRECT)).isEqualTo(1);
    assertThat(Pte.isSwap(k.pte(1, v))).isTrue();
    return Pte.swapType(k.pte(1, v));
  }

  @Test
  void swapon_priorityEdges_acceptedOutsideRefusedBeforeAnythingElse() {
    MiniKernel k = noSwap(0);
    assertThat(k.swap.swaponMemory(AREA, 0)).isZero();
    assertThat(k.swap.swaponMemory(AREA, 32767)).isEqualTo(1);
    assertThatThrownBy(() -> k.swap.swaponMemory(AREA, 32768))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("swap priority 32768 is outside 0..32767");
    assertThatThrownBy(() -> k.swap.swaponMemory(AREA, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("swap priority -2 is outside 0..32767");
    // the priority is checked before the file is even looked for
    assertThatThrownBy(() -> k.swap.swapon(Path.of("/nonexistent/swapfile"), 40000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("swap priority 40000 is outside 0..32767");
    assertThat(k.swap.areas()).extracting(SwapAreaInfo::priority).containsExactly(0, 32767);
    assertThat(k.swap.areas())
        .extracting(SwapAreaInfo::name)
        .containsExactly("/dev/ram0", "/dev/ram1");
  }

  @Test
  void swaponMemory_smallestArea_tenPages_accepted() {
    MiniKernel k = noSwap(0);
    k.swap.swaponMemory(10 * 4096, 1);
    assertThat(k.swap.totalSwapPages()).as("the header takes one of the ten").isEqualTo(9);
    assertThatThrownBy(() -> k.swap.swaponMemory(9 * 4096, 1))
        .isInstanceOf(SwapException.class)
        .hasMessageContaining("swap area needs to be at least 40 KiB");
  }

  @Test
  void allocation_highestPriorityFirst_swapoffHandsOverToTheNext() {
    MiniKernel k = noSwap(4);
    assertThat(k.swap.swaponMemory(AREA, 5)).isZero();
    assertThat(k.swap.swaponMemory(AREA, 10)).isEqualTo(1);
    assertThat(k.swap.swaponMemory(AREA, 7)).isEqualTo(2);
    assertThat(swapOutNext(k, 0)).isEqualTo(1);
    assertThat(swapOutNext(k, 1)).isEqualTo(1);
    // fault vpn 0 and 1 back and free their slots so that area 1 can go
    assertThat(k.writePattern(1, 0, 50)).isTrue();
    assertThat(k.writePattern(1, 1, 51)).isTrue();
    assertThat(k.swap.areas().get(1).used()).isZero();
    k.swap.swapoff(1);
    assertThat(swapOutNext(k, 2)).isEqualTo(2);
    k.checkInvariants();
  }

  @Test
  void allocation_equalPriorities_roundRobinInSwaponOrder() {
    MiniKernel k = noSwap(7);
    assertThat(k.swap.swaponMemory(AREA, 3)).isZero();
    assertThat(k.swap.swaponMemory(AREA, 3)).isEqualTo(1);
    assertThat(k.swap.swaponMemory(AREA, 3)).isEqualTo(2);
    assertThat(k.swap.swaponMemory(AREA, 1)).isEqualTo(3);
    int[] types = new int[7];
    for (int v = 0; v < 7; v++) {
      types[v] = swapOutNext(k, v);
    }
    assertThat(types).containsExactly(0, 1, 2, 0, 1, 2, 0);
    k.checkInvariants();
  }

  @Test
  void swapCount_offsetPastTheLastSlot_isZero() {
    MiniKernel k = noSwap(0);
    k.swap.swaponMemory(AREA, 0); // 256 pages: slots 1..255
    assertThat(k.swap.swapCount(Pte.makeSwap(0, 256))).isZero();
    assertThat(k.swap.swapCount(Pte.makeSwap(0, 255))).isZero();
    assertThat(k.swap.validEntry(Pte.makeSwap(0, 256))).isFalse();
  }

  @Test
  void swapoff_typeOutsideTheTable_noSuchArea() {
    MiniKernel k = noSwap(0);
    k.swap.swaponMemory(AREA, 0);
    assertThatThrownBy(() -> k.swap.swapoff(SwapAreas.MAX_SWAPFILES))
        .isInstanceOf(SwapException.class)
        .hasMessageContaining("swapoff failed: Invalid argument (no such swap area)");
    assertThatThrownBy(() -> k.swap.swapoff(-1))
        .isInstanceOf(SwapException.class)
        .hasMessageContaining("swapoff failed: Invalid argument (no such swap area)");
    assertThat(k.swap.areas()).hasSize(1);
  }
}
