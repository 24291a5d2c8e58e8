package io.mmsim.buddy;

import static io.mmsim.buddy.FreeArea.BUDDY;
import static io.mmsim.buddy.FreeArea.PCP;
import static io.mmsim.buddy.FreeArea.ZONE_DMA;
import static io.mmsim.buddy.FreeArea.ZONE_DMA32;
import static io.mmsim.buddy.FreeArea.ZONE_NORMAL;
import static io.mmsim.buddy.FreeArea.listId;
import static io.mmsim.buddy.FreeArea.meta;
import static io.mmsim.buddy.Pageblocks.MIGRATE_HIGHATOMIC;
import static io.mmsim.buddy.Pageblocks.MIGRATE_MOVABLE;
import static io.mmsim.buddy.Pageblocks.MIGRATE_TYPES;
import static io.mmsim.buddy.Pageblocks.MIGRATE_UNMOVABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.CompactControl;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.testkit.page.BootHandOff;

/**
 * The invariant checker must report a corrupted allocator, naming what is wrong. Each test breaks
 * one thing, through the allocator's parts, in a state worked out by hand.
 *
 * <p>The machine: 64 MiB, one CPU. After boot DMA holds four free order-10 MOVABLE blocks at 0,
 * 1024, 2048, 3072 and DMA32 twelve from 4096. DMA32's per-CPU batch is 3 (zone_batchsize of 12288
 * pages), so the first order-0 movable request takes 4096, 4097 and 4098 onto CPU 0's list and
 * returns 4096, leaving 4097 and 4098 there and free blocks 4099 (order 0) and 4100, 4104, ...,
 * 4608 (orders 2 to 9) behind.
 */
final class BuddyInvariantsTest {

  private static final MemoryLayout MB64 = new MemoryLayout(16384, 1);

  private static final String BROKEN = "buddy allocator invariant broken: ";

  private static BuddyAllocator booted() {
    BuddyAllocator a = Buddies.booted(MB64);
    a.checkInvariants();
    return a;
  }

  /** Booted, then one order-0 movable page taken: 4096 allocated, 4097 and 4098 per-CPU. */
  private static BuddyAllocator withPcp() {
    BuddyAllocator a = booted();
    assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0)).isEqualTo(4096);
    assertThat(a.pcpList(0, Zone.DMA32)).containsExactly(4097, 4098);
    a.checkInvariants();
    return a;
  }

  private static void assertBroken(BuddyAllocator a, String what) {
    assertThatThrownBy(a::checkInvariants)
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith(BROKEN + what + " [");
  }

  private static int sentinel(FreeArea area, int z, int mt, int o) {
    return area.sentinels + listId(z, mt, o);
  }

  // ---------------------------------------------------------------- free lists

  @Test
  void freeList_linkOutsideMemory_isReported() {
    BuddyAllocator a = booted();
    FreeArea area = a.freeArea();
    area.next[3072] = -1;
    assertBroken(a, "free list DMA/Movable/order 10 links to -1");
  }

  @Test
  void freeList_brokenBackLink_isReported() {
    BuddyAllocator a = booted();
    a.freeArea().prev[1024] = 5;
    assertBroken(a, "broken back link after pfn 0 on free list DMA/Movable/order 10");
  }

  @Test
  void freeList_entryWithTheWrongOrder_isReported() {
    BuddyAllocator a = booted();
    a.freeArea().meta[1024] = meta(BUDDY, 9);
    assertBroken(a, "pfn 1024 on free list DMA/Movable/order 10 has state 1 order 9");
  }

  @Test
  void freeList_tailNotLinkedBackFromTheHead_isReported() {
    BuddyAllocator a = booted();
    FreeArea area = a.freeArea();
    area.prev[sentinel(area, ZONE_DMA, MIGRATE_MOVABLE, 10)] = 2048;
    assertBroken(a, "broken back link after pfn 3072 on free list DMA/Movable/order 10");
  }

  @Test
  void freeList_headNotLinkedBackToTheListHead_isReported() {
    BuddyAllocator a = booted();
    a.freeArea().prev[0] = 1024;
    assertBroken(a, "broken back link after the list head on free list DMA/Movable/order 10");
  }

  @Test
  void pcpList_tailNotLinkedBackFromTheHead_isReported() {
    BuddyAllocator a = withPcp();
    PerCpuPages pcp = a.perCpuPages();
    a.freeArea().prev[pcp.sentinel(PerCpuPages.slot(0, ZONE_DMA32), MIGRATE_MOVABLE)] = 4097;
    assertBroken(a, "broken back link after pfn 4098 on a per-CPU list of cpu 0");
  }

  @Test
  void freeList_blockOfAnotherZone_isReported() {
    BuddyAllocator a = booted();
    FreeArea area = a.freeArea();
    area.unlink(4096);
    area.insertTail(sentinel(area, ZONE_DMA, MIGRATE_MOVABLE, 10), 4096);
    assertBroken(a, "pfn 4096 on free list DMA/Movable/order 10 belongs to DMA32");
  }

  @Test
  void freeList_misalignedBlock_isReported() {
    BuddyAllocator a = booted();
    FreeArea area = a.freeArea();
    area.unlink(1024);
    area.meta[1024] = 0;
    area.meta[1536] = meta(BUDDY, 10);
    area.insertTail(sentinel(area, ZONE_DMA, MIGRATE_MOVABLE, 10), 1536);
    assertBroken(a, "free block pfn 1536 order 10 misaligned or past memory");
  }

  @Test
  void freeList_alignedBlockPastTheEndOfMemory_isReported() {
    // 66 MiB: the last 512 frames are one order-9 block at 16384
    BuddyAllocator a = Buddies.booted(new MemoryLayout(16896, 1));
    FreeArea area = a.freeArea();
    assertThat(a.freeList(Zone.DMA32, io.mmsim.api.mem.MigrateType.MOVABLE, 9))
        .containsExactly(16384);
    area.unlink(16384);
    area.meta[16384] = meta(BUDDY, 10);
    area.insertTail(sentinel(area, ZONE_DMA32, MIGRATE_MOVABLE, 10), 16384);
    area.nrFree[listId(ZONE_DMA32, MIGRATE_MOVABLE, 9)]--;
    area.nrFree[listId(ZONE_DMA32, MIGRATE_MOVABLE, 10)]++;
    assertBroken(a, "free block pfn 16384 order 10 misaligned or past memory");
  }

  @Test
  void freeList_blockOnTheListOfAnotherType_namesThePageblock() {
    BuddyAllocator a = booted();
    // the block at 0 covers pageblocks 0 and 1
    a.freeArea().blocks.set(512, MIGRATE_UNMOVABLE);
    assertBroken(
        a,
        "free block pfn 0 order 10 is on free list DMA/Movable/order 10 but pageblock 1 is"
            + " Unmovable");
  }

  @Test
  void freeList_pageblockOfNoKnownType_namesTheNumber() {
    BuddyAllocator a = booted();
    a.freeArea().blocks.flags[1] = (byte) MIGRATE_TYPES;
    assertBroken(
        a,
        "free block pfn 0 order 10 is on free list DMA/Movable/order 10 but pageblock 1 is"
            + " migratetype "
            + MIGRATE_TYPES);
  }

  @Test
  void freeList_cycleThatMissesTheHead_isReportedWhereItCloses() {
    BuddyAllocator a = booted();
    // 0 -> 1024 -> 2048 -> 3072 -> 1024 ...: the walk must end, naming where the cycle closes
    a.freeArea().next[3072] = 1024;
    assertBroken(a, "broken back link after pfn 3072 on free list DMA/Movable/order 10");
  }

  @Test
  void freeList_wrongBlockCount_isReported() {
    BuddyAllocator a = booted();
    a.freeArea().nrFree[listId(ZONE_DMA, MIGRATE_MOVABLE, 10)]++;
    assertBroken(a, "free list DMA/Movable/order 10: nr_free 5 but the list holds 4");
  }

  @Test
  void freeList_wrongPagesOfAType_isReported() {
    BuddyAllocator a = booted();
    a.freeArea().freePages[ZONE_DMA * MIGRATE_TYPES + MIGRATE_MOVABLE]++;
    assertBroken(a, "DMA Movable: 4097 free pages kept but the lists hold 4096");
  }

  @Test
  void freeList_wrongUsablePages_countsTheHighatomicOnesOut() {
    BuddyAllocator a = booted();
    FreeArea area = a.freeArea();
    // the block at 1024 becomes a consistent HIGHATOMIC free block; DMA keeps 3072 usable pages
    area.move(ZONE_DMA, 1024, 10, MIGRATE_MOVABLE, MIGRATE_HIGHATOMIC);
    area.blocks.changeRange(1024, 10, MIGRATE_HIGHATOMIC);
    a.highAtomic().nrReserved[ZONE_DMA] = 1024;
    a.checkInvariants();
    area.zoneUsable[ZONE_DMA]--;
    assertBroken(a, "zone DMA: 3071 free pages kept outside HighAtomic but the lists hold 3072");
  }

  @Test
  void freeList_wrongZoneFreePages_isReported() {
    BuddyAllocator a = booted();
    a.freeArea().zoneFree[ZONE_DMA32]++;
    assertBroken(a, "zone DMA32: NR_FREE_PAGES 12289 but the lists hold 12288");
  }

  // ---------------------------------------------------------------- per-CPU lists

  @Test
  void pcpList_entryNotMarkedPerCpu_isReported() {
    BuddyAllocator a = withPcp();
    a.freeArea().meta[4098] = 0;
    assertBroken(a, "bad entry 4098 on the per-CPU list of cpu 0 zone DMA32");
  }

  @Test
  void pcpList_brokenBackLink_isReported() {
    BuddyAllocator a = withPcp();
    a.freeArea().prev[4098] = 7;
    assertBroken(a, "broken back link after pfn 4097 on a per-CPU list of cpu 0");
  }

  @Test
  void pcpList_cycle_isReportedWhereItCloses() {
    BuddyAllocator a = withPcp();
    a.freeArea().next[4098] = 4098;
    assertBroken(a, "broken back link after pfn 4098 on a per-CPU list of cpu 0");
  }

  @Test
  void pcpList_wrongCount_isReported() {
    BuddyAllocator a = withPcp();
    a.perCpuPages().count[PerCpuPages.slot(0, ZONE_DMA32)]++;
    assertBroken(a, "per-CPU lists of cpu 0 zone DMA32: count 3 but the lists hold 2");
  }

  // ---------------------------------------------------------------- frames

  @Test
  void frame_allocationTypeOnAFrameThatIsNoHead_isReported() {
    BuddyAllocator a = booted();
    a.freeArea().meta[1] = (byte) (1 << FreeArea.ALLOCMT_SHIFT);
    assertBroken(a, "pfn 1 in state 0 carries an allocation type 1");
  }

  @Test
  void frame_orderBitsOnAFrameThatIsNoHead_isReported() {
    BuddyAllocator a = booted();
    a.freeArea().meta[1] = 3;
    assertBroken(a, "pfn 1 is no block head but has order bits 3");
  }

  @Test
  void frame_handedOverButCoveredByNoBlock_isReported() {
    BuddyAllocator a = withPcp();
    a.freeArea().meta[4096] = 0;
    assertBroken(a, "pfn 4096 was handed over at boot but no block covers it");
  }

  @Test
  void frame_headInsideAnotherBlock_isReported() {
    BuddyAllocator a = booted();
    a.freeArea().meta[1] = FreeArea.allocated(0, MIGRATE_MOVABLE);
    assertBroken(a, "block head pfn 1 lies inside the block ending at 1024");
  }

  @Test
  void frame_misalignedAllocatedBlock_isReported() {
    BuddyAllocator a = withPcp();
    assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0)).isEqualTo(4097);
    a.freeArea().meta[4097] = FreeArea.allocated(1, MIGRATE_MOVABLE);
    assertBroken(a, "block pfn 4097 order 1 misaligned or past memory");
  }

  @Test
  void frame_orderAboveTheLargest_isReported() {
    BuddyAllocator a = withPcp();
    a.freeArea().meta[4096] = FreeArea.allocated(11, MIGRATE_MOVABLE);
    assertBroken(a, "block pfn 4096 order 11 misaligned or past memory");
  }

  @Test
  void frame_allocatedBlockPastTheEndOfMemory_isReported() {
    BuddyAllocator a = Buddies.booted(new MemoryLayout(16896, 1));
    assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 9)).isEqualTo(16384);
    a.freeArea().meta[16384] = FreeArea.allocated(10, MIGRATE_MOVABLE);
    assertBroken(a, "block pfn 16384 order 10 misaligned or past memory");
  }

  @Test
  void frame_perCpuPageOfOrder1_isReported() {
    BuddyAllocator a = withPcp();
    a.freeArea().meta[4096] = meta(PCP, 1);
    assertBroken(a, "per-CPU page 4096 has order 1");
  }

  @Test
  void frame_allocatedWithTheHighatomicType_isReported() {
    BuddyAllocator a = withPcp();
    a.freeArea().meta[4096] = FreeArea.allocated(0, MIGRATE_HIGHATOMIC);
    assertBroken(a, "allocated block 4096 has allocation type 3");
  }

  @Test
  void frame_blockOverAReservedFrame_isReported() {
    // 4097 is never handed over: 4096 is a free order-0 block, the first one CPU 0 takes
    BuddyAllocator a = Buddies.booted(MB64, 4097, 4098);
    assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0)).isEqualTo(4096);
    a.freeArea().meta[4096] = FreeArea.allocated(1, MIGRATE_MOVABLE);
    assertBroken(a, "block pfn 4096 order 1 covers reserved frame 4097");
  }

  @Test
  void frame_freeBuddiesLeftUnmerged_areReported() {
    BuddyAllocator a = booted();
    // an order-9 movable DMA page splits the block at 0: 0 is allocated, 512 free
    assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE | Gfp.DMA, 9)).isZero();
    // put 0 back on the free list without merging
    a.freeArea().add(ZONE_DMA, MIGRATE_MOVABLE, 0, 9, false);
    assertBroken(a, "free buddies pfn 0 and 512 of order 9 were not merged");
  }

  @Test
  void frame_freeHeadOnNoList_isReported() {
    BuddyAllocator a = withPcp();
    // free blocks: DMA 4, DMA32 11 whole and the 9 pieces left of the split one
    a.freeArea().meta[4096] = meta(BUDDY, 0);
    assertBroken(a, "25 free block heads but 24 blocks on the free lists");
  }

  @Test
  void frame_perCpuMarkOnAPageOnNoList_isReported() {
    BuddyAllocator a = withPcp();
    a.freeArea().meta[4096] = FreeArea.META_PCP;
    assertBroken(a, "3 per-CPU pages marked but 2 on the lists");
  }

  @Test
  void frame_managedCountThatDisagreesWithTheBlocks_isReported() {
    BuddyAllocator a = booted();
    long[] managed = {4096, 12287, 0};
    BuddyInvariants check =
        new BuddyInvariants(
            a.freeArea(), a.perCpuPages(), a.highAtomic(), a.watermarks(), managed, a::isGiven);
    assertThatThrownBy(check::check)
        .hasMessageStartingWith(
            BROKEN
                + "zone DMA32: managed 12287, frames handed over 12288, covered by blocks 12288");
  }

  // ---------------------------------------------------------------- pageblocks and watermarks

  @Test
  void pageblock_spareFlagBits_areReported() {
    BuddyAllocator a = booted();
    assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE | Gfp.DMA, 9)).isZero();
    assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE | Gfp.DMA, 9)).isEqualTo(512);
    // pageblocks 0 and 1 hold no free block now
    a.freeArea().blocks.flags[1] = (byte) (MIGRATE_MOVABLE | 0x40);
    assertBroken(a, "pageblock 1 has flags 0x41");
  }

  @Test
  void pageblock_typeBeyondTheLast_isReported() {
    BuddyAllocator a = booted();
    a.allocPages(0, Gfp.HIGHUSER_MOVABLE | Gfp.DMA, 9);
    a.allocPages(0, Gfp.HIGHUSER_MOVABLE | Gfp.DMA, 9);
    a.freeArea().blocks.flags[0] = (byte) MIGRATE_TYPES;
    assertBroken(a, "pageblock 0 has flags 0x" + MIGRATE_TYPES);
  }

  @Test
  void pageblock_movableWithGroupingByMobilityOff_isReported() {
    // 8 MiB is fewer than 5 pageblocks per type: every pageblock is UNMOVABLE
    BuddyAllocator a = Buddies.booted(new MemoryLayout(2048, 1));
    assertThat(a.mobilityDisabled()).isTrue();
    assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 9)).isZero();
    assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 9)).isEqualTo(512);
    a.freeArea().blocks.flags[1] = (byte) MIGRATE_MOVABLE;
    assertBroken(a, "pageblock 1 is Movable with grouping by mobility off");
  }

  @Test
  void highatomic_reserveWithoutItsPageblocks_isReported() {
    BuddyAllocator a = booted();
    a.highAtomic().nrReserved[ZONE_NORMAL] = 512;
    assertBroken(a, "zone Normal: nr_reserved_highatomic 512 but 0 HighAtomic pageblocks");
  }

  @Test
  void watermarks_outOfOrder_areReported() {
    // min_free_kbytes int_sqrt(65536 * 16) = 1024: DMA's min 64, low 80, high 96
    long[][] broken = {{-1, 80, 96}, {64, 63, 96}, {64, 80, 79}};
    for (long[] w : broken) {
      BuddyAllocator a = booted();
      System.arraycopy(w, 0, a.watermarks().wmark, ZONE_DMA * 3, 3);
      assertBroken(a, "zone DMA watermarks min " + w[0] + " low " + w[1] + " high " + w[2]);
    }
  }

  // ---------------------------------------------------------------- the check-invariants setting

  /** A reserve counted on the empty Normal zone: no allocation reads it, the checker must. */
  static final String NORMAL_RESERVE =
      "zone Normal: nr_reserved_highatomic 512 but 0 HighAtomic pageblocks";

  /** A migrator that moves nothing. */
  private static final io.mmsim.api.page.PageMigrator NONE_MOVABLE =
      new io.mmsim.api.page.PageMigrator() {
        @Override
        public boolean isolate(long pfn) {
          return false;
        }

        @Override
        public boolean migrate(long src, long dst) {
          return false;
        }
      };

  /**
   * min_free_kbytes 65536 makes every zone's min its managed pages: only __GFP_MEMALLOC is served,
   * so both the success and the failure of an allocation are at hand.
   */
  private static BuddyAllocator starved(boolean debugChecks) {
    return new BuddyAllocator(MB64, 65536, 10, debugChecks, Buddies.LOGGER);
  }

  @Test
  void checkInvariantsSetting_on_checksAfterEveryCall() {
    BuddyAllocator a = starved(true);
    assertThat(a.debugChecks()).isTrue();
    a.highAtomic().nrReserved[ZONE_NORMAL] = 512;
    assertThatThrownBy(() -> a.freeBootPages(0, 10)).hasMessageContaining(NORMAL_RESERVE);
    a.highAtomic().nrReserved[ZONE_NORMAL] = 0;
    for (long pfn = 1024; pfn < MB64.frames(); pfn += 1024) {
      a.freeBootPages(pfn, 10);
    }
    a.highAtomic().nrReserved[ZONE_NORMAL] = 512;
    assertThatThrownBy(a::completeBoot).hasMessageContaining(NORMAL_RESERVE);
    a.highAtomic().nrReserved[ZONE_NORMAL] = 0;
    long p = a.allocPages(0, Gfp.KERNEL | Gfp.MEMALLOC, 2);
    long q = a.allocPages(0, Gfp.KERNEL | Gfp.MEMALLOC, 0);

    a.highAtomic().nrReserved[ZONE_NORMAL] = 512;

    assertThatThrownBy(() -> a.allocPages(0, Gfp.KERNEL | Gfp.MEMALLOC, 0))
        .hasMessageContaining(NORMAL_RESERVE);
    assertThatThrownBy(() -> a.allocPages(0, Gfp.KERNEL, 3))
        .as("a failed allocation is checked too")
        .hasMessageContaining(NORMAL_RESERVE);
    assertThatThrownBy(() -> a.splitPage(p, 2)).hasMessageContaining(NORMAL_RESERVE);
    assertThatThrownBy(() -> a.freePages(0, q, 0)).hasMessageContaining(NORMAL_RESERVE);
    assertThatThrownBy(() -> a.freePages(0, p, 0)).hasMessageContaining(NORMAL_RESERVE);
    assertThatThrownBy(() -> a.drainPages(0)).hasMessageContaining(NORMAL_RESERVE);
    assertThatThrownBy(a::drainAllPages).hasMessageContaining(NORMAL_RESERVE);
    assertThatThrownBy(() -> a.compactZone(CompactControl.wholeZone(Zone.DMA32), NONE_MOVABLE))
        .hasMessageContaining(NORMAL_RESERVE);
  }

  @Test
  void checkInvariantsSetting_off_leavesTheCheckToTheCaller() {
    BuddyAllocator a = starved(false);
    assertThat(a.debugChecks()).isFalse();
    a.highAtomic().nrReserved[ZONE_NORMAL] = 512;
    BootHandOff.boot(a, MB64);
    long p = a.allocPages(0, Gfp.KERNEL | Gfp.MEMALLOC, 2);
    long q = a.allocPages(0, Gfp.KERNEL | Gfp.MEMALLOC, 0);
    assertThat(a.allocPages(0, Gfp.KERNEL, 3)).isEqualTo(PageAllocator.NO_PAGE);
    a.splitPage(p, 2);
    for (long f = p; f < p + 4; f++) {
      a.freePages(0, f, 0);
    }
    a.freePages(0, q, 0);
    a.drainPages(0);
    a.drainAllPages();
    assertThat(a.nrFreePages()).isEqualTo(MB64.frames());
    a.compactZone(CompactControl.wholeZone(Zone.DMA32), NONE_MOVABLE);
    assertBroken(a, NORMAL_RESERVE);
  }
}
