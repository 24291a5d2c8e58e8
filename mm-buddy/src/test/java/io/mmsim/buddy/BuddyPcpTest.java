package io.mmsim.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.testkit.InvariantCheckExtension;

/** Per-CPU page lists: sizes, refill from the head, spill from the tail, draining. */
final class BuddyPcpTest {

  @RegisterExtension final InvariantCheckExtension invariants = new InvariantCheckExtension();

  /** 64 MiB, two CPUs: DMA32 has 12288 managed pages, batch 3, high 18. */
  private static final MemoryLayout MB64 = new MemoryLayout(16384, 2);

  @Test
  void zoneBatchsize_knownZoneSizes_matchTheKernel() {
    assertThat(PerCpuPages.zoneBatchsize(262144)).as("1 GiB").isEqualTo(63);
    assertThat(PerCpuPages.zoneBatchsize(1L << 30)).as("4 TiB").isEqualTo(63);
    assertThat(PerCpuPages.zoneBatchsize(65536)).as("256 MiB").isEqualTo(15);
    assertThat(PerCpuPages.zoneBatchsize(12288)).as("48 MiB").isEqualTo(3);
    assertThat(PerCpuPages.zoneBatchsize(8192)).as("32 MiB").isEqualTo(1);
    assertThat(PerCpuPages.zoneBatchsize(4095)).as("16 MiB DMA").isZero();
    assertThat(PerCpuPages.zoneBatchsize(0)).isZero();
  }

  @Test
  void completeBoot_largeMachine_pcpHighIsSixBatchesAndBatchAtLeastOne() {
    MemoryLayout large = MemoryLayout.ofBytes((4L << 30) + (16L << 20), 2);
    BuddyAllocator a = invariants.track(Buddies.booted(large, 0, 1));

    ZoneStats dma = a.zoneStats(Zone.DMA);
    ZoneStats dma32 = a.zoneStats(Zone.DMA32);
    ZoneStats normal = a.zoneStats(Zone.NORMAL);
    assertThat(new int[] {dma.pcpHigh(), dma.pcpBatch()}).containsExactly(0, 1);
    assertThat(new int[] {dma32.pcpHigh(), dma32.pcpBatch()}).containsExactly(378, 63);
    assertThat(new int[] {normal.pcpHigh(), normal.pcpBatch()}).containsExactly(0, 1);
    assertThat(dma32.pcpCount()).containsExactly(0, 0);
  }

  @Test
  void allocPages_orderZero_refillsABatchAndServesTheListHead() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));

    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(4096);
    assertThat(a.pcpList(0, Zone.DMA32)).containsExactly(4097, 4098);
    assertThat(a.nrFreePages(Zone.DMA32))
        .as("NR_FREE_PAGES excludes per-CPU pages")
        .isEqualTo(12288 - 3);
    assertThat(a.statistics().get("pcp_refill")).isEqualTo(1);
    assertThat(a.statistics().get("pcp_refill_pages")).isEqualTo(3);

    assertThat(a.allocPages(1, Gfp.KERNEL, 0)).as("cpu 1 refills its own list").isEqualTo(4099);
    assertThat(a.pcpList(1, Zone.DMA32)).containsExactly(4100, 4101);
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(4097);
    assertThat(a.zoneStats(Zone.DMA32).pcpCount()).containsExactly(1, 2);
  }

  @Test
  void freePages_orderZeroReachingHigh_returnsABatchFromTheTail() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    long[] p = new long[30];
    for (int i = 0; i < p.length; i++) {
      p[i] = a.allocPages(0, Gfp.KERNEL, 0);
    }
    a.drainAllPages();
    long free = a.nrFreePages();

    for (int i = 0; i < 17; i++) {
      a.freePages(0, p[i], 0);
    }
    assertThat(a.zoneStats(Zone.DMA32).pcpCount()[0]).isEqualTo(17);
    assertThat(a.nrFreePages()).isEqualTo(free);
    a.freePages(0, p[17], 0);

    long[] expected = new long[15];
    for (int i = 0; i < 15; i++) {
      expected[i] = p[17 - i];
    }
    assertThat(a.pcpList(0, Zone.DMA32))
        .as("newest first; the three oldest went back")
        .containsExactly(expected);
    assertThat(a.nrFreePages()).isEqualTo(free + 3);
    assertThat(a.statistics().get("pcp_spill")).isEqualTo(1);
  }

  @Test
  void freePages_orderZeroInDmaZone_goesStraightToTheBuddyLists() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    long p = a.allocPages(0, Gfp.GFP_DMA, 0);
    long free = a.nrFreePages();

    a.freePages(1, p, 0);

    assertThat(a.zoneStats(Zone.DMA).pcpCount()).containsExactly(0, 0);
    assertThat(a.nrFreePages()).isEqualTo(free + 1);
  }

  @Test
  void freePages_orderZero_goesToTheFreeingCpusListOfTheFramesZone() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    long p = a.allocPages(0, Gfp.KERNEL, 0);

    a.freePages(1, p, 0);

    assertThat(a.pcpList(1, Zone.DMA32)).containsExactly(p);
    assertThat(a.allocPages(1, Gfp.KERNEL, 0)).as("hot page comes back first").isEqualTo(p);
  }

  @Test
  void drainPages_oneCpu_returnsItsPagesAndMergesThem() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    long p = a.allocPages(0, Gfp.KERNEL, 0);
    a.allocPages(1, Gfp.KERNEL, 0);
    a.freePages(0, p, 0);
    assertThat(a.zoneStats(Zone.DMA32).pcpCount()).containsExactly(3, 2);

    a.drainPages(0);

    assertThat(a.zoneStats(Zone.DMA32).pcpCount()).containsExactly(0, 2);
    assertThat(a.nrFreePages(Zone.DMA32)).isEqualTo(12288 - 3);
    assertThat(a.statistics().get("pcp_drain")).isEqualTo(1);
    a.drainAllPages();
    assertThat(a.nrFreePages()).isEqualTo(16384 - 1);
    assertThat(a.zoneStats(Zone.DMA32).freeBlocks()[10])
        .as("merged but for one page")
        .isEqualTo(11);
  }

  @Test
  void allocPages_failingWhilePagesSitOnAnotherCpu_drainsAndRetriesOnce() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    List<Long> taken = new ArrayList<>();
    for (long p = a.allocPages(0, Gfp.KERNEL | Gfp.MEMALLOC, 0);
        p != PageAllocator.NO_PAGE;
        p = a.allocPages(0, Gfp.KERNEL | Gfp.MEMALLOC, 0)) {
      taken.add(p);
    }
    assertThat(taken).hasSize(16384);
    List<Long> given = new ArrayList<>();
    for (long p : taken) {
      if (Zone.of(p) == Zone.DMA32 && given.size() < 5) {
        a.freePages(1, p, 0);
        given.add(p);
      }
    }
    assertThat(a.zoneStats(Zone.DMA32).pcpCount()).containsExactly(0, 5);
    long retries = a.statistics().get("alloc_drain_retry");

    long p = a.allocPages(0, Gfp.KERNEL | Gfp.MEMALLOC, 0);

    assertThat(given).contains(p);
    assertThat(a.statistics().get("alloc_drain_retry")).isEqualTo(retries + 1);
    assertThat(a.zoneStats(Zone.DMA32).pcpCount()).containsExactly(2, 0);
  }
}
