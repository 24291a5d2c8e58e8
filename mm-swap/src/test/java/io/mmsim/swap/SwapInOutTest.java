package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mmsim.api.paging.Pte;
import io.mmsim.api.swap.ReclaimMode;
import io.mmsim.api.swap.SwapSystem;

/** Swap-out through reclaim and swap-in through the fault handler, on the MiniKernel. */
final class SwapInOutTest {

  private static MiniKernel kernel(int frames, Map<String, String> swap) {
    return new MiniKernel(frames, Policies.create("lru"), swap);
  }

  private static long stat(MiniKernel k, String name) {
    return k.swap.statistics().get(name);
  }

  private static int reclaimAll(MiniKernel k) {
    return k.swap.shrink(k.global, k.globalRc, 1_000_000, ReclaimMode.DIRECT);
  }

  @Test
  void swapOutThenTouch_dataComesBackWithAMajorFault() {
    MiniKernel k = kernel(32, Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    for (long v = 0; v < 10; v++) {
      assertThat(k.writePattern(1, v, 1000 + v)).isTrue();
    }
    int free = k.freeFrames();
    assertThat(reclaimAll(k)).isEqualTo(10);
    assertThat(k.freeFrames()).isEqualTo(free + 10);
    assertThat(Pte.isSwap(k.pte(1, 3))).isTrue();
    assertThat(k.pte(1, 3) & Pte.SWP_EXCLUSIVE).isNotZero();
    assertThat(stat(k, "pswpout")).isEqualTo(10);
    assertThat(k.swap.freeSwapPages()).isEqualTo(k.swap.totalSwapPages() - 10);
    assertThat(k.swap.swapCachePages()).isZero();
    k.checkInvariants();
    long major = k.majorFaults;
    for (long v = 0; v < 10; v++) {
      assertThat(k.hasPattern(1, v, 1000 + v)).as("page %d", v).isTrue();
    }
    assertThat(k.majorFaults - major).isEqualTo(10);
    assertThat(stat(k, "pswpin")).isEqualTo(10);
    k.checkInvariants();
  }

  @Test
  void readFault_pageStaysCachedAndClean_reclaimingAgainWritesNothing() {
    MiniKernel k = kernel(32, Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    k.writePattern(1, 0, 77);
    reclaimAll(k);
    assertThat(k.hasPattern(1, 0, 77)).isTrue(); // read fault: swap-in
    long pfn = Pte.pfn(k.pte(1, 0));
    assertThat(k.swap.inSwapCache(pfn)).isTrue();
    assertThat(k.pte(1, 0) & Pte.RW).as("exclusive: mapped writable").isNotZero();
    assertThat(k.pte(1, 0) & Pte.DIRTY).isZero();
    assertThat(k.swap.freeSwapPages()).isEqualTo(k.swap.totalSwapPages() - 1);
    k.checkInvariants();
    long out = stat(k, "pswpout");
    reclaimAll(k);
    assertThat(stat(k, "pswpout"))
        .as("a clean swap-cache page is not written twice")
        .isEqualTo(out);
    assertThat(k.hasPattern(1, 0, 77)).isTrue();
    k.checkInvariants();
  }

  @Test
  void readThenWrite_dirtyBitMakesReclaimWriteAgain() {
    MiniKernel k = kernel(32, Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    k.writePattern(1, 0, 5);
    reclaimAll(k);
    k.hasPattern(1, 0, 5); // swap-in, cached, clean
    k.writePattern(1, 0, 6); // the MMU sets D in the writable PTE
    long out = stat(k, "pswpout");
    reclaimAll(k);
    assertThat(stat(k, "pswpout")).isEqualTo(out + 1);
    assertThat(k.hasPattern(1, 0, 6)).isTrue();
    k.checkInvariants();
  }

  @Test
  void writeFault_exclusivePage_freesTheSlotAndLeavesTheSwapCache() {
    MiniKernel k = kernel(32, Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    k.writePattern(1, 0, 5);
    reclaimAll(k);
    long entry = k.pte(1, 0);
    assertThat(k.writePattern(1, 0, 9)).isTrue();
    long pfn = Pte.pfn(k.pte(1, 0));
    assertThat(k.swap.inSwapCache(pfn)).isFalse();
    assertThat(k.swap.validEntry(entry)).isFalse();
    assertThat(k.swap.freeSwapPages()).isEqualTo(k.swap.totalSwapPages());
    assertThat(k.pte(1, 0) & (Pte.RW | Pte.DIRTY)).isEqualTo(Pte.RW | Pte.DIRTY);
    k.checkInvariants();
    reclaimAll(k); // no copy on swap: a new slot and a write
    assertThat(k.hasPattern(1, 0, 9)).isTrue();
    k.checkInvariants();
  }

  @Test
  void fork_swappedPage_sharedSlotThenCopyOnWrite() {
    MiniKernel k = kernel(32, Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    k.writePattern(1, 0, 11);
    reclaimAll(k);
    long entry = k.pte(1, 0);
    k.fork(1, 2);
    assertThat(k.swap.swapCount(entry)).isEqualTo(2);
    assertThat(k.pte(2, 0) & Pte.SWP_EXCLUSIVE).isZero();
    k.checkInvariants();
    assertThat(k.hasPattern(2, 0, 11)).isTrue(); // child reads: swap-in, not exclusive
    long pfn = Pte.pfn(k.pte(2, 0));
    assertThat(k.pte(2, 0) & Pte.RW).as("shared: read-only").isZero();
    assertThat(k.swap.swapCount(entry)).isEqualTo(1);
    long major = k.majorFaults;
    assertThat(k.hasPattern(1, 0, 11)).isTrue(); // parent reads: swap-cache hit, minor
    assertThat(k.majorFaults).isEqualTo(major);
    assertThat(Pte.pfn(k.pte(1, 0))).isEqualTo(pfn);
    assertThat(k.swap.swapCount(entry)).isZero();
    k.checkInvariants();
    assertThat(k.writePattern(2, 0, 22)).isTrue(); // COW in the child
    assertThat(k.hasPattern(1, 0, 11)).isTrue();
    assertThat(k.hasPattern(2, 0, 22)).isTrue();
    k.checkInvariants();
    k.exit(2);
    k.exit(1);
    assertThat(k.swap.freeSwapPages()).isEqualTo(k.swap.totalSwapPages());
    assertThat(k.swap.swapCachePages()).isZero();
    assertThat(k.freeFrames()).isEqualTo(31);
    k.checkInvariants();
  }

  @Test
  void fork_writeToSwappedSharedPage_copiesAtOnce() {
    MiniKernel k = kernel(32, Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    k.writePattern(1, 0, 11);
    reclaimAll(k);
    long entry = k.pte(1, 0);
    k.fork(1, 2);
    assertThat(k.writePattern(2, 0, 33)).isTrue(); // write fault on a shared swap entry
    assertThat(k.swap.swapCount(entry)).isEqualTo(1); // the parent still holds the slot
    assertThat(k.swap.lookupSwapCache(entry)).isNotEqualTo(SwapSystem.NO_PAGE);
    assertThat(k.hasPattern(1, 0, 11)).isTrue();
    assertThat(k.hasPattern(2, 0, 33)).isTrue();
    k.checkInvariants();
  }

  @Test
  void exit_swappedAndCachedPages_everySlotAndFrameFreed() {
    MiniKernel k = kernel(64, Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    for (long v = 0; v < 20; v++) {
      k.writePattern(1, v, v + 1);
    }
    reclaimAll(k);
    for (long v = 0; v < 20; v += 3) {
      k.hasPattern(1, v, v + 1); // some back in, cached
    }
    k.checkInvariants();
    k.exit(1);
    assertThat(k.swap.freeSwapPages()).isEqualTo(k.swap.totalSwapPages());
    assertThat(k.swap.swapCachePages()).isZero();
    assertThat(k.freeFrames()).isEqualTo(63);
    k.checkInvariants();
  }

  @Test
  void injectedReadError_sigbusThePteKeepsItsEntryNoFrameLeaks() {
    MiniKernel k =
        kernel(32, Map.of("memory", "1M", "fail-read.probability", "100", "fail-read.times", "1"));
    k.spawn(1, null, 0);
    k.writePattern(1, 0, 44);
    reclaimAll(k);
    long entry = k.pte(1, 0);
    int free = k.freeFrames();
    assertThat(k.access(1, 0, false)).isEqualTo(-1);
    assertThat(k.sigbus).isEqualTo(1);
    assertThat(k.pte(1, 0)).isEqualTo(entry);
    assertThat(k.freeFrames()).isEqualTo(free);
    assertThat(stat(k, "swap_read_errors")).isEqualTo(1);
    k.checkInvariants();
    assertThat(k.hasPattern(1, 0, 44)).as("times=1: the next read works").isTrue();
  }

  @Test
  void injectedWriteError_pageStaysInMemoryDirty_writtenByALaterReclaim() {
    MiniKernel k =
        kernel(
            32, Map.of("memory", "1M", "fail-write.probability", "100", "fail-write.times", "1"));
    k.spawn(1, null, 0);
    k.writePattern(1, 0, 55);
    int free = k.freeFrames();
    assertThat(reclaimAll(k)).isZero();
    assertThat(k.freeFrames()).isEqualTo(free);
    long entry = k.pte(1, 0);
    assertThat(Pte.isSwap(entry)).isTrue();
    long pfn = k.swap.lookupSwapCache(entry);
    assertThat(pfn).isNotEqualTo(SwapSystem.NO_PAGE);
    assertThat(k.swap.swapCache().dirty(pfn)).isTrue();
    assertThat(stat(k, "swap_write_errors")).isEqualTo(1);
    assertThat(stat(k, "pswpout")).isZero();
    k.checkInvariants();
    // the next global reclaim retries the queued page and writes it
    assertThat(reclaimAll(k)).isEqualTo(1);
    assertThat(stat(k, "pswpout")).isEqualTo(1);
    long major = k.majorFaults;
    assertThat(k.hasPattern(1, 0, 55)).isTrue();
    assertThat(k.majorFaults).isEqualTo(major + 1);
    k.checkInvariants();
  }

  @Test
  void injectedWriteError_faultBeforeTheRetry_findsThePageInTheCache() {
    MiniKernel k =
        kernel(
            32, Map.of("memory", "1M", "fail-write.probability", "100", "fail-write.times", "-1"));
    k.spawn(1, null, 0);
    k.writePattern(1, 0, 66);
    reclaimAll(k);
    long major = k.majorFaults;
    assertThat(k.hasPattern(1, 0, 66)).isTrue();
    assertThat(k.majorFaults).as("a swap-cache hit is minor").isEqualTo(major);
    k.checkInvariants();
  }

  @Test
  void swapFull_victimsGoBackToThePolicy_andAllocationEndsInOom() {
    MiniKernel k = kernel(16, Map.of("memory", "48K")); // 11 usable slots
    k.spawn(1, null, 0);
    int ooms = 0;
    for (long v = 0; v < 40; v++) {
      if (!k.writePattern(1, v, v + 1)) {
        ooms++;
      }
      k.checkInvariants();
    }
    assertThat(k.swap.freeSwapPages()).isZero();
    assertThat(ooms).isPositive();
    assertThat(k.oomOutcomes).isEqualTo(ooms);
    assertThat(k.global.resident()).isEqualTo(15 - k.freeFrames());
  }

  @Test
  void kswapd_mglruMinTtlProtectsItsYoungestPages_reportsProtectedAndEvictsNothing() {
    // 55 pages made resident: the lruvec's clock is at 55 ms; every generation is younger than
    // 1000 ms, so lru_gen_age_node would rather OOM-kill than evict
    MiniKernel k = new MiniKernel(64, Policies.mglru(1000), Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    for (long v = 0; v < 55; v++) {
      k.writePattern(1, v, v + 1);
    }
    k.watermarks(10, 20);
    assertThat(k.swap.kswapd(k.global, k.globalRc)).isEqualTo(SwapSystem.WORKINGSET_PROTECTED);
    assertThat(stat(k, "pswpout")).isZero();
    assertThat(stat(k, "pageoutrun")).isZero();
    k.checkInvariants();
  }

  @Test
  void kswapd_belowLow_reclaimsUpToHigh_elseDoesNothing() {
    MiniKernel k = kernel(64, Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    for (long v = 0; v < 55; v++) {
      k.writePattern(1, v, v + 1);
    }
    assertThat(k.freeFrames()).isEqualTo(8);
    k.watermarks(4, 6);
    assertThat(k.swap.kswapd(k.global, k.globalRc)).isZero();
    k.watermarks(10, 20);
    int n = k.swap.kswapd(k.global, k.globalRc);
    assertThat(n).isPositive();
    assertThat(k.freeFrames()).isGreaterThanOrEqualTo(20);
    assertThat(stat(k, "pageoutrun")).isEqualTo(1);
    assertThat(stat(k, "pgsteal_kswapd")).isEqualTo(n);
    assertThat(stat(k, "pgscan_kswapd")).isGreaterThanOrEqualTo(n);
    k.checkInvariants();
    for (long v = 0; v < 55; v++) {
      assertThat(k.hasPattern(1, v, v + 1)).isTrue();
    }
  }

  @Test
  void directReclaim_countsAllocstallAndReclaimsABatch() {
    MiniKernel k = kernel(40, Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    for (long v = 0; v < 60; v++) {
      k.writePattern(1, v, v + 1); // allocation failures trigger direct reclaim
    }
    assertThat(stat(k, "allocstall")).isPositive();
    assertThat(stat(k, "pgsteal_direct")).isGreaterThanOrEqualTo(21);
    k.checkInvariants();
    for (long v = 0; v < 60; v++) {
      assertThat(k.hasPattern(1, v, v + 1)).isTrue();
    }
    k.checkInvariants();
  }
}
