package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.swap.ReclaimMode;
import io.mmsim.api.swap.SwapAreaInfo;

/** The swap subsystem's facade: priorities of configured areas, folio_free_swap, close. */
final class SwapSubsystemTest {

  private static MiniKernel kernel(Map<String, String> swap) {
    return new MiniKernel(32, Policies.create("lru"), swap);
  }

  @Test
  void memoryPriority_edgesOfTheRange_acceptedAsGiven_minusOneMeansAutomatic() {
    // swapon(8): priorities 0..32767; without one the kernel counts down from -2
    assertThat(kernel(Map.of("memory", "1M:32767")).swap.areas())
        .extracting(SwapAreaInfo::priority)
        .containsExactly(32767);
    assertThat(kernel(Map.of("memory", "1M:0")).swap.areas())
        .extracting(SwapAreaInfo::priority)
        .containsExactly(0);
    assertThat(kernel(Map.of("memory", "1M:-1")).swap.areas())
        .extracting(SwapAreaInfo::priority)
        .containsExactly(-2);
  }

  @Test
  void memoryPriority_outsideTheRange_refusedNamingKeyAndRange() {
    assertThatThrownBy(() -> kernel(Map.of("memory", "1M:32768")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("swap.memory: priority 32768 is outside -1..32767");
    assertThatThrownBy(() -> kernel(Map.of("memory", "1M:-2")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("swap.memory: priority -2 is outside -1..32767");
  }

  @Test
  void tryToFreeSwap_cleanCachedPageNoSwapPteNeeds_leavesCacheAndFreesTheSlot() {
    MiniKernel k = kernel(Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    k.writePattern(1, 0, 21);
    k.swap.shrink(k.global, k.globalRc, 1, ReclaimMode.DIRECT);
    assertThat(k.hasPattern(1, 0, 21)).isTrue(); // read fault: cached, slot kept
    long pfn = Pte.pfn(k.pte(1, 0));
    assertThat(k.swap.freeSwapPages()).isEqualTo(k.swap.totalSwapPages() - 1);
    assertThat(k.swap.tryToFreeSwap(pfn)).isTrue();
    assertThat(k.swap.inSwapCache(pfn)).isFalse();
    assertThat(k.swap.swapCachePages()).isZero();
    assertThat(k.swap.freeSwapPages()).isEqualTo(k.swap.totalSwapPages());
    assertThat(k.swap.tryToFreeSwap(pfn)).as("no longer a swap-cache page").isFalse();
    k.checkInvariants();
    assertThat(k.hasPattern(1, 0, 21)).isTrue();
  }

  @Test
  void tryToFreeSwap_parentStillHoldsTheSlot_keepsThePage() {
    MiniKernel k = kernel(Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    k.writePattern(1, 0, 31);
    k.swap.shrink(k.global, k.globalRc, 1, ReclaimMode.DIRECT);
    k.fork(1, 2);
    assertThat(k.hasPattern(2, 0, 31)).isTrue(); // the child swaps it in; the parent's PTE holds
    long pfn = Pte.pfn(k.pte(2, 0));
    assertThat(k.swap.tryToFreeSwap(pfn)).isFalse();
    assertThat(k.swap.inSwapCache(pfn)).isTrue();
    assertThat(k.swap.swapCachePages()).isEqualTo(1);
    k.checkInvariants();
  }

  @Test
  void describeFrames_marksEachCachedPageWithItsSlot() {
    // two pages out to slots 1 and 2 (slot 0 is the header); vpn 1 read back stays cached
    MiniKernel k = kernel(Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    k.writePattern(1, 0, 1);
    k.writePattern(1, 1, 2);
    k.swap.shrink(k.global, k.globalRc, 2, ReclaimMode.DIRECT);
    assertThat(Pte.swapOffset(k.pte(1, 1))).isEqualTo(2);
    assertThat(k.hasPattern(1, 1, 2)).isTrue();
    long pfn = Pte.pfn(k.pte(1, 1));
    FrameMap map = new FrameMap(k.frames);
    k.swap.describeFrames(map);
    assertThat(map.count(FrameUse.SWAP_CACHE)).isEqualTo(1);
    assertThat(map.use(pfn)).isEqualTo(FrameUse.SWAP_CACHE);
    assertThat(map.owner(pfn)).isEqualTo("swap 0:2");
  }

  @Test
  void closed_everyOperationThatChangesStateIsRefused() {
    MiniKernel k = kernel(Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    k.writePattern(1, 0, 1);
    k.swap.close();
    k.swap.close(); // a second close is a no-op
    String closed = "the swap system is closed";
    assertThatThrownBy(() -> k.swap.swapon(Path.of("/nonexistent-swap"), 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(closed);
    assertThatThrownBy(() -> k.swap.swaponMemory(1 << 20, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(closed);
    assertThatThrownBy(() -> k.swap.swapoff(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(closed);
    assertThatThrownBy(() -> k.swap.shrink(k.global, k.globalRc, 1, ReclaimMode.DIRECT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(closed);
    assertThatThrownBy(() -> k.swap.kswapd(k.global, k.globalRc))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(closed);
    assertThatThrownBy(() -> k.swap.kswapd(k.global, k.globalRc, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(closed);
    assertThatThrownBy(() -> k.swap.balancePgdat(k.global, k.globalRc, 0, 0, 0, r -> false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(closed);
    assertThatThrownBy(() -> k.swap.tryToFreePages(k.global, k.globalRc, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(closed);
    assertThat(k.global.resident()).isEqualTo(1);
  }
}
