package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mmsim.api.paging.Pte;
import io.mmsim.api.swap.ReclaimMode;

/** Each part of the swap subsystem checks its own structures and catches what breaks them. */
final class SwapCacheInvariantsTest {
  private final MiniKernel k = new MiniKernel(32, Policies.create("lru"), Map.of("memory", "1M"));

  @Test
  void slotTakenForTheCacheButNoPageAdded_cacheCheckFails_areaCheckPasses() {
    long entry = k.swap.swapAreas().allocEntry();
    assertThat(entry).isNotZero();

    k.swap.swapAreas().checkInvariants(); // the slot map alone is consistent
    assertThatThrownBy(() -> k.swap.swapCache().checkInvariants())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("slot " + Pte.swapOffset(entry))
        .hasMessageContaining("SWAP_HAS_CACHE but no swap-cache page");
  }

  @Test
  void swappedOutPage_entryAndFrameMapToEachOther() {
    k.spawn(1, null, 0);
    k.writePattern(1, 0, 4);
    k.hasPattern(1, 0, 4);
    k.swap.shrink(k.global, k.globalRc, 1, ReclaimMode.DIRECT);
    long entry = k.pte(1, 0);
    assertThat(Pte.isSwap(entry)).isTrue();
    k.hasPattern(1, 0, 4); // swap-in: a clean cache page mapped again
    long pfn = Pte.pfn(k.pte(1, 0));

    SwapCache cache = k.swap.swapCache();
    assertThat(cache.contains(pfn)).isTrue();
    assertThat(Pte.swapOffset(cache.entryOf(pfn))).isEqualTo(Pte.swapOffset(entry));
    assertThat(cache.pfnOf(Pte.swapType(entry), (int) Pte.swapOffset(entry))).isEqualTo(pfn);
    assertThat(cache.dirty(pfn)).as("just read: its copy on swap is current").isFalse();
    assertThat(cache.slotCount(pfn)).as("the PTE is present again").isZero();
    cache.checkInvariants();
    k.checkInvariants();
  }
}
