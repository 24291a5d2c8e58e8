package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mmsim.api.paging.Pte;
import io.mmsim.api.swap.ReclaimMode;
import io.mmsim.api.swap.SwapSystem;

/**
 * Exact page counts of reclaim (mm/vmscan.c: shrink_folio_list, try_to_free_pages, kswapd /
 * balance_pgdat) on the MiniKernel with an LRU policy: every resident page is a dirty, exclusive
 * anonymous page, so each victim costs one slot, one write and frees one frame.
 */
final class ReclaimerTest {

  private static MiniKernel kernel(int frames, Map<String, String> swap) {
    return new MiniKernel(frames, Policies.create("lru"), swap);
  }

  /** A kernel whose process 1 wrote {@code pages} pages, vpn 0 first. */
  private static MiniKernel written(int frames, int pages, Map<String, String> swap) {
    MiniKernel k = kernel(frames, swap);
    k.spawn(1, null, 0);
    for (long v = 0; v < pages; v++) {
      assertThat(k.writePattern(1, v, v + 1)).isTrue();
    }
    return k;
  }

  private static long stat(MiniKernel k, String name) {
    return k.swap.statistics().get(name);
  }

  @Test
  void shrink_nothingAsked_touchesNothing() {
    MiniKernel k = written(32, 10, Map.of("memory", "1M"));
    int free = k.freeFrames();
    assertThat(k.swap.shrink(k.global, k.globalRc, 0, ReclaimMode.DIRECT)).isZero();
    assertThat(k.swap.shrink(k.global, k.globalRc, -1, ReclaimMode.KSWAPD)).isZero();
    assertThat(k.freeFrames()).isEqualTo(free);
    assertThat(stat(k, "pswpout")).isZero();
    assertThat(stat(k, "pgscan_direct") + stat(k, "pgscan_kswapd")).isZero();
  }

  @Test
  void shrinkDirect_fourOfTen_evictsTheFourOldestAndCountsThemAsDirect() {
    MiniKernel k = written(32, 10, Map.of("memory", "1M"));
    int free = k.freeFrames();
    assertThat(k.swap.shrink(k.global, k.globalRc, 4, ReclaimMode.DIRECT)).isEqualTo(4);
    assertThat(k.freeFrames()).isEqualTo(free + 4);
    for (long v = 0; v < 4; v++) {
      assertThat(Pte.isSwap(k.pte(1, v))).as("vpn %d swapped out", v).isTrue();
    }
    for (long v = 4; v < 10; v++) {
      assertThat(Pte.present(k.pte(1, v))).as("vpn %d resident", v).isTrue();
    }
    assertThat(stat(k, "pswpout")).isEqualTo(4);
    assertThat(stat(k, "pgscan_direct")).isEqualTo(4);
    assertThat(stat(k, "pgsteal_direct")).isEqualTo(4);
    assertThat(stat(k, "pgscan_kswapd")).isZero();
    assertThat(stat(k, "pgsteal_kswapd")).isZero();
    assertThat(k.global.resident()).isEqualTo(6);
    k.checkInvariants();
  }

  @Test
  void shrinkKswapd_countsItsScanAndStealAsKswapd() {
    MiniKernel k = written(32, 10, Map.of("memory", "1M"));
    assertThat(k.swap.shrink(k.global, k.globalRc, 3, ReclaimMode.KSWAPD)).isEqualTo(3);
    assertThat(stat(k, "pgscan_kswapd")).isEqualTo(3);
    assertThat(stat(k, "pgsteal_kswapd")).isEqualTo(3);
    assertThat(stat(k, "pgscan_direct")).isZero();
    assertThat(stat(k, "pgsteal_direct")).isZero();
    k.checkInvariants();
  }

  @Test
  void shrink_moreThanResident_freesEveryPageOnce() {
    MiniKernel k = written(32, 10, Map.of("memory", "1M"));
    assertThat(k.swap.shrink(k.global, k.globalRc, 50, ReclaimMode.DIRECT)).isEqualTo(10);
    assertThat(k.global.resident()).isZero();
    assertThat(stat(k, "pgscan_direct")).isEqualTo(10);
    assertThat(k.swap.shrink(k.global, k.globalRc, 50, ReclaimMode.DIRECT)).isZero();
    k.checkInvariants();
  }

  @Test
  void tryToFreePages_orderZeroAsksSwapClusterMax_orderSixAsksSixtyFour() {
    MiniKernel k = written(160, 120, Map.of("memory", "1M"));
    assertThat(k.swap.tryToFreePages(k.global, k.globalRc, 0))
        .isEqualTo(SwapSystem.SWAP_CLUSTER_MAX);
    assertThat(k.swap.tryToFreePages(k.global, k.globalRc, 6)).isEqualTo(64);
    assertThat(stat(k, "allocstall")).isEqualTo(2);
    assertThat(stat(k, "pgsteal_direct")).isEqualTo(32 + 64);
    assertThat(k.global.resident()).isEqualTo(120 - 96);
    k.checkInvariants();
  }

  @Test
  void tryToFreePages_orderOutOfRange_refusedWithTheOrder() {
    MiniKernel k = written(32, 4, Map.of("memory", "1M"));
    assertThatThrownBy(() -> k.swap.tryToFreePages(k.global, k.globalRc, 31))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("direct reclaim for order 31");
    assertThatThrownBy(() -> k.swap.tryToFreePages(k.global, k.globalRc, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("direct reclaim for order -1");
    assertThat(stat(k, "allocstall")).isZero();
    // order 30 is the largest accepted: it asks for more than there is and frees all four
    assertThat(k.swap.tryToFreePages(k.global, k.globalRc, 30)).isEqualTo(4);
    assertThat(stat(k, "allocstall")).isEqualTo(1);
  }

  @Test
  void kswapd_freeEqualToLow_isNotBelowAndSleeps() {
    MiniKernel k = written(64, 55, Map.of("memory", "1M"));
    assertThat(k.freeFrames()).isEqualTo(8);
    k.watermarks(8, 12);
    assertThat(k.swap.kswapd(k.global, k.globalRc)).isZero();
    assertThat(k.swap.kswapd(k.global, k.globalRc, 0)).isZero();
    assertThat(stat(k, "pageoutrun")).isZero();
    assertThat(stat(k, "pgscan_kswapd")).isZero();
  }

  @Test
  void kswapd_oneBatchReachesHigh_stopsAfterThatBatch() {
    // free 8 < low 9: one batch of 32 makes free 40 >= high 12
    MiniKernel k = written(64, 55, Map.of("memory", "1M"));
    k.watermarks(9, 12);
    assertThat(k.swap.kswapd(k.global, k.globalRc)).isEqualTo(32);
    assertThat(k.freeFrames()).isEqualTo(40);
    assertThat(stat(k, "pageoutrun")).isEqualTo(1);
    assertThat(stat(k, "pgsteal_kswapd")).isEqualTo(32);
    assertThat(stat(k, "pgscan_kswapd")).isEqualTo(32);
    k.checkInvariants();
  }

  @Test
  void kswapdOfNodeZero_onOneNode_isTheMachineKswapd_secondBatchForAHighMarkOf45() {
    // free 8 < low 10; after one batch free is 40 < high 45, the second batch frees the last 23
    MiniKernel k = written(64, 55, Map.of("memory", "1M"));
    k.watermarks(10, 45);
    assertThat(k.swap.kswapd(k.global, k.globalRc, 0)).isEqualTo(55);
    assertThat(k.freeFrames()).isEqualTo(63);
    assertThat(stat(k, "pageoutrun")).isEqualTo(1);
    assertThat(stat(k, "pgsteal_kswapd")).isEqualTo(55);
    k.checkInvariants();
    for (long v = 0; v < 55; v++) {
      assertThat(k.hasPattern(1, v, v + 1)).isTrue();
    }
  }

  @Test
  void kswapd_nodeOutsideTheMachine_refusedWithTheNodeCount() {
    MiniKernel k = written(32, 4, Map.of("memory", "1M"));
    k.watermarks(40, 50);
    assertThatThrownBy(() -> k.swap.kswapd(k.global, k.globalRc, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("kswapd1: the machine has 1 nodes");
    assertThatThrownBy(() -> k.swap.kswapd(k.global, k.globalRc, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("kswapd-1: the machine has 1 nodes");
    assertThatThrownBy(() -> k.swap.balancePgdat(k.global, k.globalRc, 1, 0, 0, r -> false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("kswapd1: the machine has 1 nodes");
    assertThat(stat(k, "pageoutrun")).isZero();
    assertThat(k.global.resident()).isEqualTo(4);
  }

  @Test
  void balancePgdat_balancedAtOnce_reclaimsNothingAndCountsNoRun() {
    MiniKernel k = written(64, 50, Map.of("memory", "1M"));
    assertThat(k.swap.balancePgdat(k.global, k.globalRc, 0, 0, 0, r -> true)).isZero();
    assertThat(stat(k, "pageoutrun")).isZero();
    assertThat(k.global.resident()).isEqualTo(50);
  }

  @Test
  void balancePgdat_runsWholeBatchesUntilBalanced() {
    // balanced once 40 pages are reclaimed: two batches of SWAP_CLUSTER_MAX, 64 pages
    MiniKernel k = written(160, 100, Map.of("memory", "1M"));
    assertThat(k.swap.balancePgdat(k.global, k.globalRc, 0, 0, 0, r -> r >= 40)).isEqualTo(64);
    assertThat(stat(k, "pageoutrun")).isEqualTo(1);
    assertThat(k.global.resident()).isEqualTo(36);
    k.checkInvariants();
  }

  @Test
  void balancePgdat_neverBalanced_stopsWhenABatchFreesNothing() {
    MiniKernel k = written(64, 50, Map.of("memory", "1M"));
    assertThat(k.swap.balancePgdat(k.global, k.globalRc, 0, 0, 0, r -> false)).isEqualTo(50);
    assertThat(k.global.resident()).isZero();
    assertThat(stat(k, "pageoutrun")).isEqualTo(1);
    k.checkInvariants();
  }

  @Test
  void balancePgdat_mglruMinTtl_reportsProtectedWithoutARun() {
    MiniKernel k = new MiniKernel(64, Policies.mglru(1000), Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    for (long v = 0; v < 20; v++) {
      k.writePattern(1, v, v + 1);
    }
    assertThat(k.swap.balancePgdat(k.global, k.globalRc, 0, 0, 0, r -> false))
        .isEqualTo(SwapSystem.WORKINGSET_PROTECTED);
    assertThat(stat(k, "pageoutrun")).isZero();
    assertThat(stat(k, "pswpout")).isZero();
  }

  @Test
  void failedWrites_queueThePages_aOnePageShrinkWritesOnlyTheFirstQueued() {
    // the first two writes fail: vpn 0 and 1 stay cached, dirty, queued
    MiniKernel k =
        written(
            32,
            5,
            Map.of("memory", "1M", "fail-write.probability", "100", "fail-write.times", "2"));
    assertThat(k.swap.shrink(k.global, k.globalRc, 5, ReclaimMode.DIRECT)).isEqualTo(3);
    assertThat(stat(k, "swap_write_errors")).isEqualTo(2);
    assertThat(stat(k, "pswpout")).isEqualTo(3);
    assertThat(k.swap.swapCachePages()).isEqualTo(2);
    long pfn0 = k.swap.lookupSwapCache(k.pte(1, 0));
    long pfn1 = k.swap.lookupSwapCache(k.pte(1, 1));
    assertThat(pfn0).isNotEqualTo(SwapSystem.NO_PAGE);
    assertThat(pfn1).isNotEqualTo(SwapSystem.NO_PAGE);
    // a queued page is off the LRU: migration does not take it
    long spare = k.frames - 1;
    assertThat(k.swap.inSwapCache(spare)).isFalse();
    assertThat(k.swap.migrateSwapCache(pfn0, spare)).isFalse();
    assertThat(k.swap.migrateSwapCache(pfn1, spare)).isFalse();
    k.checkInvariants();
    long scanned = stat(k, "pgscan_kswapd");
    // the queue comes first, and one page is all that is asked
    assertThat(k.swap.shrink(k.global, k.globalRc, 1, ReclaimMode.KSWAPD)).isEqualTo(1);
    assertThat(stat(k, "pswpout")).isEqualTo(4);
    assertThat(stat(k, "pgscan_kswapd")).isEqualTo(scanned + 1);
    assertThat(stat(k, "pgsteal_kswapd")).isEqualTo(1);
    assertThat(k.swap.inSwapCache(pfn0)).isFalse();
    assertThat(k.swap.inSwapCache(pfn1)).isTrue();
    assertThat(k.global.resident()).isZero();
    k.checkInvariants();
    assertThat(k.swap.shrink(k.global, k.globalRc, 8, ReclaimMode.DIRECT)).isEqualTo(1);
    assertThat(stat(k, "pgscan_direct")).isEqualTo(5 + 1);
    assertThat(stat(k, "pgsteal_direct")).isEqualTo(3 + 1);
    assertThat(k.swap.swapCachePages()).isZero();
    k.checkInvariants();
    for (long v = 0; v < 5; v++) {
      assertThat(k.hasPattern(1, v, v + 1)).isTrue();
    }
  }

  @Test
  void queuedPageFaultedBackIn_isStaleInTheQueue_andSkipped() {
    MiniKernel k =
        written(
            32,
            2,
            Map.of("memory", "1M", "fail-write.probability", "100", "fail-write.times", "1"));
    assertThat(k.swap.shrink(k.global, k.globalRc, 2, ReclaimMode.DIRECT)).isEqualTo(1);
    long pfn0 = k.swap.lookupSwapCache(k.pte(1, 0));
    assertThat(k.hasPattern(1, 0, 1)).isTrue(); // mapped again from the swap cache
    assertThat(Pte.pfn(k.pte(1, 0))).isEqualTo(pfn0);
    long scanned = stat(k, "pgscan_direct");
    long out = stat(k, "pswpout");
    // the stale queue entry is neither scanned nor written; the LRU gives the page instead
    assertThat(k.swap.shrink(k.global, k.globalRc, 1, ReclaimMode.DIRECT)).isEqualTo(1);
    assertThat(stat(k, "pgscan_direct")).isEqualTo(scanned + 1);
    assertThat(stat(k, "pswpout")).isEqualTo(out + 1);
    k.checkInvariants();
  }

  @Test
  void migrateSwapCache_pageNotQueued_movesWithItsEntry() {
    // one page queued after a failed write, another cached and mapped after a read fault
    MiniKernel k =
        written(
            32,
            2,
            Map.of("memory", "1M", "fail-write.probability", "100", "fail-write.times", "1"));
    assertThat(k.swap.shrink(k.global, k.globalRc, 2, ReclaimMode.DIRECT)).isEqualTo(1);
    long entry1 = k.pte(1, 1);
    assertThat(k.hasPattern(1, 1, 2)).isTrue();
    long pfn1 = Pte.pfn(k.pte(1, 1));
    assertThat(k.swap.inSwapCache(pfn1)).isTrue();
    long spare = k.frames - 1;
    assertThat(k.swap.inSwapCache(spare)).isFalse();
    assertThat(k.swap.migrateSwapCache(pfn1, spare)).isTrue();
    assertThat(k.swap.lookupSwapCache(entry1)).isEqualTo(spare);
    assertThat(k.swap.inSwapCache(pfn1)).isFalse();
    assertThat(k.swap.swapCache().dirty(spare)).as("moved clean, as it was").isFalse();
  }
}
