package io.mmsim.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.testkit.InvariantCheckExtension;
import io.mmsim.testkit.page.BootHandOff;

/** min_free_kbytes, per-zone watermarks, lowmem_reserve, the watermark check, zone fallback. */
final class BuddyWatermarkTest {

  @RegisterExtension final InvariantCheckExtension invariants = new InvariantCheckExtension();

  private static final MemoryLayout MB16 = new MemoryLayout(4096, 1);
  private static final MemoryLayout MB64 = new MemoryLayout(16384, 1);
  private static final MemoryLayout GB1 = MemoryLayout.ofBytes(1L << 30, 1);

  private static long[] marks(PageAllocator a, Zone z) {
    return new long[] {
      a.watermark(z, Watermark.MIN), a.watermark(z, Watermark.LOW), a.watermark(z, Watermark.HIGH)
    };
  }

  // ================================================================ numbers

  @Test
  void calculateMinFreeKbytes_knownSizes_matchTheKernel() {
    assertThat(Watermarks.calculateMinFreeKbytes(262144)).as("1 GiB").isEqualTo(4096);
    assertThat(Watermarks.calculateMinFreeKbytes(4194304)).as("16 GiB").isEqualTo(16384);
    assertThat(Watermarks.calculateMinFreeKbytes(4096)).as("16 MiB").isEqualTo(512);
    assertThat(Watermarks.calculateMinFreeKbytes(256)).as("1 MiB").isEqualTo(128);
    assertThat(Watermarks.calculateMinFreeKbytes(10)).as("floor").isEqualTo(128);
    assertThat(Watermarks.calculateMinFreeKbytes(1L << 31)).as("8 TiB: ceiling").isEqualTo(262144);
  }

  @Test
  void completeBoot_1GiB_splitsPagesMinByManagedPages() {
    BuddyAllocator a = invariants.track(Buddies.booted(GB1));

    assertThat(a.minFreeKbytes()).isEqualTo(4096);
    // pages_min 1024: DMA 4096 of 262144 managed, DMA32 258048
    assertThat(marks(a, Zone.DMA)).containsExactly(16, 20, 24);
    assertThat(marks(a, Zone.DMA32)).containsExactly(1008, 1266, 1524);
    assertThat(marks(a, Zone.NORMAL)).containsExactly(0, 0, 0);
  }

  @Test
  void completeBoot_16GiB_watermarksAndLowmemReserve() {
    BuddyAllocator a = invariants.track(Buddies.booted(MemoryLayout.ofBytes(16L << 30, 1)));

    assertThat(a.minFreeKbytes()).isEqualTo(16384);
    assertThat(marks(a, Zone.DMA)).containsExactly(4, 8, 12);
    assertThat(marks(a, Zone.DMA32)).containsExactly(1020, 2064, 3108);
    assertThat(marks(a, Zone.NORMAL)).containsExactly(3072, 6217, 9362);
    assertThat(a.lowmemReserve(Zone.DMA, Zone.DMA)).isZero();
    assertThat(a.lowmemReserve(Zone.DMA, Zone.DMA32)).isEqualTo(1044480 / 256);
    assertThat(a.lowmemReserve(Zone.DMA, Zone.NORMAL)).isEqualTo((1044480 + 3145728) / 256);
    assertThat(a.lowmemReserve(Zone.DMA32, Zone.NORMAL)).isEqualTo(3145728 / 256);
    assertThat(a.lowmemReserve(Zone.DMA32, Zone.DMA32)).isZero();
    assertThat(a.lowmemReserve(Zone.NORMAL, Zone.NORMAL)).isZero();
  }

  @Test
  void completeBoot_watermarkScaleFactor100_widensTheSteps() {
    BuddyAllocator a = new BuddyAllocator(GB1, -1, 100, false, Buddies.LOGGER);
    BootHandOff.boot(invariants.track(a), GB1);

    // step = max(1008 / 4, 258048 * 100 / 10000) = 2580
    assertThat(marks(a, Zone.DMA32)).containsExactly(1008, 3588, 6168);
  }

  @Test
  void completeBoot_userMinFreeKbytes_replacesTheComputedValue() {
    BuddyAllocator a = invariants.track(Buddies.bootedWithMinFree(MB64, 2048));

    assertThat(a.minFreeKbytes()).isEqualTo(2048);
    assertThat(a.watermark(Zone.DMA, Watermark.MIN)).isEqualTo(512 * 4096 / 16384);
    assertThat(a.watermark(Zone.DMA32, Watermark.MIN)).isEqualTo(512 * 12288 / 16384);
  }

  @Test
  void completeBoot_zoneWithoutManagedPages_hasNoReserveAgainstHigherZones() {
    // every DMA frame reserved
    BuddyAllocator a = invariants.track(Buddies.booted(MB64, 0, 4096));

    assertThat(a.lowmemReserve(Zone.DMA, Zone.DMA32)).isZero();
    assertThat(a.zoneStats(Zone.DMA).managed()).isZero();
    assertThat(a.allocPages(0, Gfp.GFP_DMA, 0)).isEqualTo(PageAllocator.NO_PAGE);
  }

  // ================================================================ the watermark check

  @Test
  void allocPages_dmaOnlyMachine_stopsAtEachCallersFloor() {
    // min_free_kbytes 512: min 128 pages; per-CPU lists hold nothing (high 0)
    BuddyAllocator a = invariants.track(Buddies.booted(MB16));
    assertThat(a.watermark(Zone.DMA, Watermark.MIN)).isEqualTo(128);

    assertThat(exhaust(a, Gfp.KERNEL)).isEqualTo(128);
    assertThat(exhaust(a, Gfp.KERNEL | Gfp.ATOMIC))
        .as("__GFP_ATOMIC means nothing since 6.3: a request that may reclaim gets no reserve")
        .isEqualTo(128);
    assertThat(exhaust(a, Gfp.NOWAIT))
        .as("cannot reclaim, but without __GFP_HIGH no part of min")
        .isEqualTo(128);
    assertThat(exhaust(a, Gfp.KERNEL | Gfp.HIGH)).as("HIGH: min - min/2").isEqualTo(64);
    assertThat(exhaust(a, Gfp.GFP_ATOMIC | Gfp.NOMEMALLOC))
        .as("NOMEMALLOC drops ATOMIC")
        .isEqualTo(64);
    assertThat(exhaust(a, Gfp.GFP_ATOMIC)).as("HIGH and ATOMIC: 64 - 16").isEqualTo(48);
    assertThat(exhaust(a, Gfp.KERNEL | Gfp.MEMALLOC | Gfp.NOMEMALLOC)).isEqualTo(48);
    assertThat(exhaust(a, Gfp.KERNEL | Gfp.MEMALLOC)).as("MEMALLOC ignores watermarks").isZero();
    assertThat(a.allocPages(0, Gfp.KERNEL | Gfp.MEMALLOC, 0)).isEqualTo(PageAllocator.NO_PAGE);
  }

  /** Allocates order-0 pages with {@code gfp} until NO_PAGE; returns the free pages left. */
  private static long exhaust(PageAllocator a, int gfp) {
    while (a.allocPages(0, gfp, 0) != PageAllocator.NO_PAGE) {
      // keep going
    }
    return a.nrFreePages(Zone.DMA);
  }

  @Test
  void allocPages_higherOrder_mustLeaveMoreThanMinAfterTheWholeBlock() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB16));
    while (a.nrFreePages() > 128 + 8) {
      a.allocPages(0, Gfp.KERNEL, 0);
    }

    // free - (8 - 1) = 129 > 128: passes; afterwards 128 + 0 left
    assertThat(a.allocPages(0, Gfp.KERNEL, 3)).isNotEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.nrFreePages()).isEqualTo(128);
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.statistics().get("pgalloc_fail")).isEqualTo(1);
  }

  @Test
  void allocPages_fragmentedZone_failsHigherOrdersAboveTheWatermark() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB16));
    List<Long> all = new ArrayList<>();
    for (long p = a.allocPages(0, Gfp.KERNEL | Gfp.MEMALLOC, 0);
        p != PageAllocator.NO_PAGE;
        p = a.allocPages(0, Gfp.KERNEL | Gfp.MEMALLOC, 0)) {
      all.add(p);
    }
    for (long p : all) {
      if (p % 2 == 0) {
        a.freePages(0, p, 0);
      }
    }

    assertThat(a.nrFreePages()).isEqualTo(2048);
    assertThat(a.zoneStats(Zone.DMA).freeBlocks()[0]).isEqualTo(2048);
    assertThat(a.allocPages(0, Gfp.KERNEL, 1)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.allocPages(0, Gfp.KERNEL | Gfp.MEMALLOC, 1)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isNotEqualTo(PageAllocator.NO_PAGE);
  }

  // ================================================================ zone fallback

  @Test
  void allocPages_ordinaryRequests_fallFromDma32ToDmaAtLowThenAtMin() {
    // 64 MiB: DMA min 64 low 80, DMA32 min 192 low 240, lowmem_reserve[DMA][Normal] 48
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    assertThat(marks(a, Zone.DMA)).containsExactly(64, 80, 96);
    assertThat(marks(a, Zone.DMA32)).containsExactly(192, 240, 288);
    assertThat(a.lowmemReserve(Zone.DMA, Zone.NORMAL)).isEqualTo(48);
    List<long[]> runs = new ArrayList<>();
    long dma32FreeAtFirstFallback = -1;

    for (long p = a.allocPages(0, Gfp.KERNEL, 1);
        p != PageAllocator.NO_PAGE;
        p = a.allocPages(0, Gfp.KERNEL, 1)) {
      int z = Zone.of(p).ordinal();
      if (runs.isEmpty() || runs.get(runs.size() - 1)[0] != z) {
        if (z == Zone.DMA.ordinal() && dma32FreeAtFirstFallback < 0) {
          dma32FreeAtFirstFallback = a.nrFreePages(Zone.DMA32);
        }
        runs.add(new long[] {z, 0});
      }
      runs.get(runs.size() - 1)[1]++;
    }

    assertThat(dma32FreeAtFirstFallback).isEqualTo(240);
    assertThat(runs)
        .extracting(r -> r[0] + "x" + r[1])
        .containsExactly(
            "1x6024", // DMA32 from 12288 down to its low watermark 240
            "0x1984", // DMA from 4096 down to low 80 + reserve 48
            "1x24", // slow path: DMA32 down to min 192
            "0x8"); // DMA down to min 64 + reserve 48
    assertThat(a.nrFreePages(Zone.DMA32)).isEqualTo(192);
    assertThat(a.nrFreePages(Zone.DMA)).isEqualTo(112);
  }

  @Test
  void allocPages_largeMachine_eachFlagStartsInItsOwnZone() {
    MemoryLayout large = MemoryLayout.ofBytes((4L << 30) + (16L << 20), 1);
    BuddyAllocator a = invariants.track(Buddies.booted(large, 0, 1));

    long normal = a.allocPages(0, Gfp.KERNEL, 2);
    long dma32 = a.allocPages(0, Gfp.KERNEL | Gfp.DMA32, 2);
    long dma = a.allocPages(0, Gfp.GFP_DMA, 2);

    assertThat(Zone.of(normal)).isEqualTo(Zone.NORMAL);
    assertThat(Zone.of(dma32)).isEqualTo(Zone.DMA32);
    assertThat(Zone.of(dma)).isEqualTo(Zone.DMA);
    assertThat(a.statistics().get("pgalloc_normal")).isEqualTo(4);
    assertThat(a.statistics().get("pgalloc_dma32")).isEqualTo(4);
    assertThat(a.statistics().get("pgalloc_dma")).isEqualTo(4);
  }

  @Test
  void allocPages_normalExhausted_fallsBackToDma32() {
    MemoryLayout large = MemoryLayout.ofBytes((4L << 30) + (16L << 20), 1);
    BuddyAllocator a = invariants.track(Buddies.booted(large, 0, 1));

    long p;
    do {
      p = a.allocPages(0, Gfp.KERNEL, 4);
    } while (Zone.of(p) == Zone.NORMAL);

    assertThat(Zone.of(p)).isEqualTo(Zone.DMA32);
    // Normal stopped at its low watermark (fast path), with the block's pages counted
    assertThat(a.nrFreePages(Zone.NORMAL) - 15)
        .isLessThanOrEqualTo(a.watermark(Zone.NORMAL, Watermark.LOW));
  }

  @Test
  void allocPages_dmaFlagWithDmaExhausted_neverUsesHigherZones() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    while (a.allocPages(0, Gfp.GFP_DMA | Gfp.MEMALLOC, 3) != PageAllocator.NO_PAGE) {
      // take all of DMA
    }
    while (a.allocPages(0, Gfp.GFP_DMA | Gfp.MEMALLOC, 0) != PageAllocator.NO_PAGE) {
      // and every last page
    }

    assertThat(a.nrFreePages(Zone.DMA)).isZero();
    assertThat(a.nrFreePages(Zone.DMA32)).isEqualTo(12288);
    assertThat(a.allocPages(0, Gfp.GFP_DMA, 0)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(Zone.of(a.allocPages(0, Gfp.KERNEL | Gfp.DMA32, 0))).isEqualTo(Zone.DMA32);
  }

  // ================================================================ waking kswapd

  /**
   * wake_all_kswapds: an allocation that may wake kswapd calls the wake-up from its slow path, and
   * only there: once no zone of its zonelist has more free pages than its low watermark plus its
   * lowmem reserve for the request's highest zone (Normal for a user page, empty on 64 MiB).
   */
  @Test
  void allocPages_belowLowInEveryZone_wakesKswapdFromTheSlowPathOnly() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    List<int[]> wakes = new ArrayList<>();
    assertThat(
            a.setKswapdWakeup(
                (nid, gfp, order, zone) -> wakes.add(new int[] {nid, gfp, order, zone})))
        .isTrue();
    int allocations = 0;
    while (true) {
      boolean someZoneAboveLow = false;
      for (Zone z : List.of(Zone.DMA, Zone.DMA32)) {
        someZoneAboveLow |=
            a.nrFreePages(z) > a.watermark(z, Watermark.LOW) + a.lowmemReserve(z, Zone.NORMAL);
      }
      long pfn = a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0);
      allocations++;
      if (someZoneAboveLow) {
        assertThat(wakes).as("allocation %d", allocations).isEmpty();
        assertThat(pfn).isNotEqualTo(PageAllocator.NO_PAGE);
        continue;
      }
      // the first allocation the fast path refused: one wake, and the min watermark still serves
      assertThat(wakes).hasSize(1);
      assertThat(wakes.get(0)).containsExactly(0, Gfp.HIGHUSER_MOVABLE, 0, Zone.NORMAL.ordinal());
      assertThat(pfn).isNotEqualTo(PageAllocator.NO_PAGE);
      break;
    }
    // a request without __GFP_KSWAPD_RECLAIM goes through the slow path without waking anyone
    a.allocPages(0, Gfp.HIGHUSER_MOVABLE & ~Gfp.RECLAIM, 0);
    assertThat(wakes).hasSize(1);
    a.allocPages(0, Gfp.KERNEL, 0);
    assertThat(wakes).hasSize(2);
    assertThat(wakes.get(1)).containsExactly(0, Gfp.KERNEL, 0, Zone.NORMAL.ordinal());
  }
}
