package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mmsim.api.paging.Pte;
import io.mmsim.api.swap.ReclaimMode;

/** One swap-cache page per slot: found, never duplicated, freed when no one needs it. */
final class SwapCacheTest {
  private final MiniKernel k = new MiniKernel(40, Policies.create("clock"), Map.of("memory", "1M"));

  private long swappedAndShared() {
    k.spawn(1, null, 0);
    k.writePattern(1, 0, 9);
    k.fork(1, 2);
    k.fork(1, 3);
    k.swap.shrink(k.global, k.globalRc, 8, ReclaimMode.DIRECT);
    long entry = k.pte(1, 0);
    assertThat(k.swap.swapCount(entry)).isEqualTo(3);
    return entry;
  }

  @Test
  void threeProcessesFaultOneSlot_onePageOneReadTheOthersHitTheCache() {
    long entry = swappedAndShared();
    long major = k.majorFaults;
    for (int pid = 1; pid <= 3; pid++) {
      assertThat(k.hasPattern(pid, 0, 9)).isTrue();
    }
    assertThat(k.majorFaults - major).isEqualTo(1);
    long pfn = Pte.pfn(k.pte(1, 0));
    assertThat(Pte.pfn(k.pte(2, 0))).isEqualTo(pfn);
    assertThat(Pte.pfn(k.pte(3, 0))).isEqualTo(pfn);
    assertThat(k.swap.swapCachePages()).isEqualTo(1);
    assertThat(k.swap.swapEntryOf(pfn))
        .isEqualTo(Pte.makeSwap(Pte.swapType(entry), Pte.swapOffset(entry)));
    assertThat(k.swap.statistics().get("swapcache_hits")).isEqualTo(2);
    assertThat(k.refs(pfn)).isEqualTo(4); // three mappings and the swap cache
    k.checkInvariants();
  }

  @Test
  void readIntoSwapCache_entryAlreadyCached_refusedWithoutChange() {
    long entry = swappedAndShared();
    k.hasPattern(1, 0, 9);
    long pfn = k.swap.lookupSwapCache(entry);
    assertThatThrownBy(() -> k.swap.readIntoSwapCache(entry, 7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already has a swap-cache page")
        .hasMessageContaining(String.format("pfn 0x%x", pfn));
    assertThat(k.swap.swapCachePages()).isEqualTo(1);
    k.checkInvariants();
  }

  @Test
  void lastMappingGoneWhileSwapPtesRemain_pageWaitsThenReclaimFreesIt() {
    long entry = swappedAndShared();
    k.hasPattern(1, 0, 9); // pid 1 maps the cache page; pids 2 and 3 still hold the slot
    long pfn = Pte.pfn(k.pte(1, 0));
    k.exit(1);
    assertThat(k.swap.inSwapCache(pfn)).as("still needed by two swap PTEs").isTrue();
    assertThat(k.swap.reclaimer().queuedOrphans()).isEqualTo(1);
    k.checkInvariants();
    long out = k.swap.statistics().get("pswpout");
    int free = k.freeFrames();
    k.swap.shrink(k.global, k.globalRc, 1, ReclaimMode.KSWAPD);
    assertThat(k.swap.inSwapCache(pfn)).isFalse();
    assertThat(k.freeFrames()).isEqualTo(free + 1);
    assertThat(k.swap.statistics().get("pswpout")).as("clean: not written").isEqualTo(out);
    assertThat(k.swap.swapCount(entry)).isEqualTo(2);
    k.checkInvariants();
    assertThat(k.hasPattern(2, 0, 9)).isTrue();
    assertThat(k.hasPattern(3, 0, 9)).isTrue();
  }

  @Test
  void lastSwapPteGoneWhileUnmapped_pageAndSlotFreedAtOnce() {
    long entry = swappedAndShared();
    k.hasPattern(2, 0, 9);
    long pfn = Pte.pfn(k.pte(2, 0));
    k.exit(2); // cache page unmapped, slot held by pids 1 and 3
    k.unmap(1, 0);
    assertThat(k.swap.inSwapCache(pfn)).isTrue();
    k.unmap(3, 0); // the last swap PTE: free_swap_and_cache
    assertThat(k.swap.inSwapCache(pfn)).isFalse();
    assertThat(k.swap.validEntry(entry)).isFalse();
    assertThat(k.swap.freeSwapPages()).isEqualTo(k.swap.totalSwapPages());
    k.checkInvariants();
  }
}
