package io.mmsim.buddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.BadPageException;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.testkit.InvariantCheckExtension;

/**
 * The order-0 fast path, the free to a per-CPU list, the frame map and the refusals of bad calls,
 * on 64 MiB worked out by hand: DMA [0, 4096) holds four free order-10 blocks, DMA32 [4096, 16384)
 * twelve; DMA32's per-CPU batch is 3 (zone_batchsize of 12288 pages), high 18.
 *
 * <p>The first order-0 GFP_KERNEL request claims the MOVABLE block at 4096 for UNMOVABLE and
 * refills CPU 0's list with 4096, 4097 and 4098 (the last from the order-1 piece, leaving 4099);
 * the next refill takes 4099, then 4100 and 4101 from the order-2 piece (leaving 4102 of order 1).
 */
final class BuddyFastPathTest {

  @RegisterExtension final InvariantCheckExtension invariants = new InvariantCheckExtension();

  private static final MemoryLayout MB64 = new MemoryLayout(16384, 1);

  @Test
  void fastPath_twoCpus_eachTakesTheHeadOfItsOwnList() {
    BuddyAllocator a = invariants.track(Buddies.booted(new MemoryLayout(16384, 2)));
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(4096);
    assertThat(a.allocPages(1, Gfp.KERNEL, 0)).isEqualTo(4099);
    assertThat(a.pcpList(0, Zone.DMA32)).containsExactly(4097, 4098);
    assertThat(a.pcpList(1, Zone.DMA32)).containsExactly(4100, 4101);

    assertThat(a.allocPages(1, Gfp.KERNEL, 0)).isEqualTo(4100);
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(4097);

    assertThat(a.pcpList(0, Zone.DMA32)).containsExactly(4098);
    assertThat(a.pcpList(1, Zone.DMA32)).containsExactly(4101);
    // pgalloc counts the pages of both paths, by the zone that served them
    assertThat(a.statistics().get("pgalloc_dma32")).isEqualTo(4);
    assertThat(a.statistics().get("pgalloc_dma")).isZero();
  }

  @Test
  void fastPath_zoneExactlyAtItsLowMark_leavesTheRequestToTheSlowPath() {
    // DMA never handed over: DMA32 alone manages 12288 pages, min_free_kbytes int_sqrt(786432) =
    // 886, min 221, step max(55, 12) = 55, low 276
    BuddyAllocator a = invariants.track(Buddies.booted(MB64, 0, 4096));
    for (int i = 0; i < 4; i++) {
      a.allocPages(0, Gfp.KERNEL, 0);
    }
    assertThat(a.pcpList(0, Zone.DMA32)).containsExactly(4100, 4101);
    assertThat(a.nrFreePages(Zone.DMA32)).isEqualTo(12282);
    // 12006 pages more, in blocks of orders 10 (eleven), 9, 7, 6, 5, 2 and 1: all above low
    long order1 = -1;
    for (int o : new int[] {10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 9, 7, 6, 5, 2, 1}) {
      long p = a.allocPages(0, Gfp.KERNEL, o);
      assertThat(p).isNotEqualTo(PageAllocator.NO_PAGE);
      order1 = p;
    }
    assertThat(order1).isEqualTo(4102);
    assertThat(a.nrFreePages(Zone.DMA32)).isEqualTo(276);
    List<String> woken = new ArrayList<>();
    a.setKswapdWakeup((nid, gfp, order, zone) -> woken.add(nid + "/" + order + "/" + zone));

    // free 276 is not above low 276: the slow path wakes kswapd, then serves at min
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(4100);
    assertThat(woken).containsExactly("0/0/2");

    // two pages more on the free lists: the fast path serves, nobody is woken
    a.freePages(0, order1, 1);
    assertThat(a.nrFreePages(Zone.DMA32)).isEqualTo(278);
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(4101);
    assertThat(woken).hasSize(1);
  }

  @Test
  void free_order0_goesToTheListOfItsPageblocksType() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    long r = a.allocPages(0, Gfp.KERNEL | Gfp.RECLAIMABLE, 0);
    long u = a.allocPages(0, Gfp.KERNEL, 0);
    // each claimed a whole order-10 block for its type: 4096 RECLAIMABLE, 5120 UNMOVABLE
    assertThat(r).isEqualTo(4096);
    assertThat(u).isEqualTo(5120);

    a.freePages(0, r, 0);
    a.freePages(0, u, 0);

    assertThat(a.pcpList(0, Zone.DMA32, MigrateType.RECLAIMABLE)).containsExactly(4096, 4097, 4098);
    assertThat(a.pcpList(0, Zone.DMA32, MigrateType.UNMOVABLE)).containsExactly(5120, 5121, 5122);
    assertThat(a.pcpList(0, Zone.DMA32, MigrateType.MOVABLE)).isEmpty();
  }

  @Test
  void free_order0InAnIsolatedPageblock_goesStraightToItsFreeList() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0)).isEqualTo(4096);
    // set_migratetype_isolate: the pageblock's free pages move to the ISOLATE lists
    FreeArea area = a.freeArea();
    assertThat(
            area.moveFreepagesBlock(
                FreeArea.ZONE_DMA32, 4096, Pageblocks.MIGRATE_MOVABLE, Pageblocks.MIGRATE_ISOLATE))
        .as("the pageblock less the page taken and the two on CPU 0's list")
        .isEqualTo(509);
    long free = a.nrFreePages();

    a.freePages(0, 4096, 0);

    assertThat(a.freeList(Zone.DMA32, MigrateType.ISOLATE, 0)).containsExactly(4096, 4099);
    assertThat(a.pcpList(0, Zone.DMA32)).containsExactly(4097, 4098);
    assertThat(a.nrFreePages()).isEqualTo(free + 1);
  }

  @Test
  void describeFrames_marksFreeBlocksPerCpuPagesAndAllocations() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(4096);
    // the movable lists' smallest block is the order-10 one at 5120
    assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 3)).isEqualTo(5120);
    FrameMap map = new FrameMap(MB64.frames());

    a.describeFrames(map);

    assertThat(map.use(0)).isEqualTo(FrameUse.FREE);
    assertThat(map.order(1023)).isEqualTo(10);
    assertThat(map.owner(1023)).isEqualTo("DMA Movable");
    assertThat(map.use(4096)).isEqualTo(FrameUse.ALLOCATED);
    assertThat(map.order(4096)).isZero();
    for (long p = 4097; p <= 4098; p++) {
      assertThat(map.use(p)).isEqualTo(FrameUse.PCP);
      assertThat(map.owner(p)).isEqualTo("cpu 0");
      assertThat(map.order(p)).isZero();
    }
    assertThat(map.use(4099)).isEqualTo(FrameUse.FREE);
    assertThat(map.order(4099)).isZero();
    assertThat(map.owner(4099)).isEqualTo("DMA32 Unmovable");
    assertThat(map.order(5127)).isEqualTo(3);
    assertThat(map.use(5127)).isEqualTo(FrameUse.ALLOCATED);
    assertThat(map.use(5128)).isEqualTo(FrameUse.FREE);
    assertThat(map.order(5128)).isEqualTo(3);
    assertThat(map.owner(5128)).isEqualTo("DMA32 Movable");
    assertThat(map.order(16383)).isEqualTo(10);
    assertThat(map.count(FrameUse.FREE)).isEqualTo(16384 - 1 - 2 - 8);
    assertThat(map.count(FrameUse.PCP)).isEqualTo(2);
  }

  @Test
  void slowPath_failingWithEmptyPerCpuLists_countsNoDrain() {
    // min_free_kbytes 65536: every zone's min is its managed pages
    BuddyAllocator a = invariants.track(new BuddyAllocator(MB64, 65536, 10, false, Buddies.LOGGER));
    io.mmsim.testkit.page.BootHandOff.boot(a, MB64);

    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.statistics().get("alloc_drain_retry")).isZero();
    assertThat(a.statistics().get("pgalloc_fail")).isEqualTo(1);

    // __GFP_MEMALLOC is served and leaves two pages of its refill on the list
    assertThat(a.allocPages(0, Gfp.KERNEL | Gfp.MEMALLOC, 0)).isEqualTo(4096);
    assertThat(a.statistics().get("nr_pcp_pages")).isEqualTo(2);
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.statistics().get("alloc_drain_retry")).isEqualTo(1);
    assertThat(a.statistics().get("nr_pcp_pages")).isZero();
    // one refill of three pages; one non-empty list drained, its two pages back to the buddy
    assertThat(a.statistics().get("pcp_refill")).isEqualTo(1);
    assertThat(a.statistics().get("pcp_refill_pages")).isEqualTo(3);
    assertThat(a.statistics().get("pcp_drain")).isEqualTo(1);
    assertThat(a.statistics().get("pcp_to_buddy_pages")).isEqualTo(2);
  }

  @Test
  void free_pageblockOrderBlockNextToAFreeOneOfAnotherMergeableType_mergesAndRetypesTheBuddy() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    // an order-9 movable block splits the order-10 block at 4096: 4608 stays free, MOVABLE
    assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 9)).isEqualTo(4096);
    // the allocated block's pageblock changed type meanwhile (as a claim of it would)
    a.freeArea().blocks.set(4096, Pageblocks.MIGRATE_UNMOVABLE);

    a.freePages(0, 4096, 9);

    // __free_one_page: UNMOVABLE and MOVABLE may merge; the buddy's pageblock takes the type
    assertThat(a.freeList(Zone.DMA32, MigrateType.UNMOVABLE, 10)).containsExactly(4096L);
    assertThat(a.freeList(Zone.DMA32, MigrateType.MOVABLE, 9)).isEmpty();
    assertThat(a.pageblockType(4608)).isEqualTo(MigrateType.UNMOVABLE);
  }

  @Test
  void settings_watermarkScaleFactor_isCheckedAgainst1To3000() {
    for (int ok : new int[] {1, 3000}) {
      BuddyAllocator a = invariants.track(new BuddyAllocator(MB64, -1, ok, false, Buddies.LOGGER));
      io.mmsim.testkit.page.BootHandOff.boot(a, MB64);
      // DMA32: min 192; the step is max(min / 4, 12288 * factor / 10000): 48, or 3686
      long step = ok == 1 ? 48 : 3686;
      assertThat(a.watermark(Zone.DMA32, io.mmsim.api.mem.Watermark.LOW)).isEqualTo(192 + step);
    }
    for (int bad : new int[] {0, 3001}) {
      assertThatThrownBy(() -> new BuddyAllocator(MB64, -1, bad, false, Buddies.LOGGER))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("watermark_scale_factor " + bad + " is out of range [1, 3000]");
    }
  }

  @Test
  void mobilityGrouping_offBelowOnePageblockPerMigrateType() {
    // five migrate types of 512 pages: 2560 frames group by mobility, 2559 do not
    assertThat(Buddies.create(new MemoryLayout(2560, 1)).mobilityDisabled()).isFalse();
    assertThat(Buddies.create(new MemoryLayout(2559, 1)).mobilityDisabled()).isTrue();
  }

  // ---------------------------------------------------------------- refusals

  @Test
  void badCalls_nameTheFirstWrongArgument() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    long free = a.nrFreePages();
    assertThatThrownBy(() -> a.allocPages(1, Gfp.KERNEL, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cpu 1 is outside 0..0");
    assertThatThrownBy(() -> a.drainPages(1)).hasMessage("cpu 1 is outside 0..0");
    assertThatThrownBy(() -> a.freePages(0, 16384, 0))
        .isInstanceOf(BadPageException.class)
        .hasMessageContaining("pfn outside memory (frames 0x0-0x3fff)");
    assertThatThrownBy(() -> a.freePages(0, 0, 0))
        .isInstanceOf(BadPageException.class)
        .hasMessageContaining("double free of a free block (order 10 on the free list)");
    assertThatThrownBy(() -> a.splitPage(16384, 0))
        .isInstanceOf(BadPageException.class)
        .hasMessageContaining("pfn outside memory (frames 0x0-0x3fff)");
    assertThat(a.nrFreePages()).isEqualTo(free);

    assertThat(a.allocPages(0, Gfp.KERNEL | Gfp.DMA, 3)).isZero();
    assertThatThrownBy(() -> a.freePages(0, 4, 0))
        .isInstanceOf(BadPageException.class)
        .hasMessageContaining(
            "not a block head: the frame lies inside the order-3 block allocated at pfn 0x0");
    a.freePages(0, 0, 3);
  }

  @Test
  void freeBootPages_badBlock_isRefusedWithTheReason() {
    BuddyAllocator a = Buddies.create(MB64);
    assertThatThrownBy(() -> a.freeBootPages(16384, 0))
        .isInstanceOf(BadPageException.class)
        .hasMessageContaining("pfn outside memory (frames 0x0-0x3fff)");
    assertThatThrownBy(() -> a.freeBootPages(1, 3))
        .isInstanceOf(BadPageException.class)
        .hasMessageContaining("misaligned block: the pfn is not a multiple of 8 pages");
    assertThat(a.managedPages()).isZero();
  }

  @Test
  void splitPage_atTheLimits_splitsEveryFrame() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    assertThat(a.canSplitPages()).isTrue();
    assertThat(a.compactionSupported()).isTrue();
    // the whole first block of memory, order 10 at pfn 0
    assertThat(a.allocPages(0, Gfp.KERNEL | Gfp.DMA, 10)).isZero();
    a.splitPage(0, 10);
    // an order-0 page splits into itself
    long p = a.allocPages(0, Gfp.KERNEL, 0);
    a.splitPage(p, 0);
    a.freePages(0, p, 0);
    for (long f = 0; f < 1024; f++) {
      a.freePages(0, f, 0);
    }
    a.drainAllPages();
    assertThat(a.nrFreePages()).isEqualTo(16384);
  }
}
