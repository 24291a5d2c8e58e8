package io.mmsim.buddy;

import static io.mmsim.api.mem.MigrateType.MOVABLE;
import static io.mmsim.api.mem.MigrateType.UNMOVABLE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageTypeInfo;
import io.mmsim.testkit.InvariantCheckExtension;

/** Exact small cases of splitting, merging and list order, worked out by hand. */
final class BuddySplitMergeTest {

  @RegisterExtension final InvariantCheckExtension invariants = new InvariantCheckExtension();

  /** 64 MiB, one CPU: DMA 4096 frames, DMA32 12288. */
  private static final MemoryLayout MB64 = new MemoryLayout(16384, 1);

  /** 16 MiB, one CPU: only DMA, whose per-CPU list has high 0 and batch 1 (no caching). */
  private static final MemoryLayout MB16 = new MemoryLayout(4096, 1);

  // ================================================================ boot

  @Test
  void boot_64MiBWithPfn0Reserved_dmaHoldsOneBlockOfEachOrderBelowTen() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64, 0, 1));

    assertThat(a.zoneStats(Zone.DMA).freeBlocks()).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3);
    assertThat(a.zoneStats(Zone.DMA32).freeBlocks())
        .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12);
    assertThat(a.freeList(Zone.DMA, MOVABLE, 10)).containsExactly(1024, 2048, 3072);
    assertThat(a.freeList(Zone.DMA32, MOVABLE, 10))
        .containsExactly(
            4096, 5120, 6144, 7168, 8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360);
    assertThat(a.freeList(Zone.DMA, MOVABLE, 0)).containsExactly(1);
    assertThat(a.freeList(Zone.DMA, MOVABLE, 9)).containsExactly(512);
    assertThat(a.pageTypeInfo(Zone.DMA).orElseThrow().freePages(MigrateType.UNMOVABLE))
        .as("memmap_init makes every pageblock MOVABLE")
        .isZero();
  }

  @Test
  void freeBootPages_singleFramesInAnyOrder_mergeOnlyTrueBuddies() {
    BuddyAllocator a = invariants.track(Buddies.create(new MemoryLayout(8, 1)));
    assertThat(a.mobilityDisabled()).as("8 frames < 5 pageblocks").isTrue();

    a.freeBootPages(1, 0);
    a.freeBootPages(2, 0);
    assertThat(a.zoneStats(Zone.DMA).freeBlocks()[0]).as("1 and 2 are not buddies").isEqualTo(2);
    a.freeBootPages(0, 0);
    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 1)).as("0 and 1 merge").containsExactly(0);
    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 0)).containsExactly(2);
    a.freeBootPages(3, 0);
    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 2))
        .as("2-3 merge, then with 0-1")
        .containsExactly(0);
    a.freeBootPages(4, 2);
    a.completeBoot();

    assertThat(a.zoneStats(Zone.DMA).freeBlocks()).containsExactly(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
    assertThat(a.managedPages()).isEqualTo(8);
  }

  // ================================================================ allocation

  @Test
  void allocPages_higherOrders_splitTheHeadBlockAndReturnTheLowerHalf() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));

    // no UNMOVABLE block yet: the MOVABLE order-10 head at 4096 is claimed whole, then split
    assertThat(a.allocPages(0, Gfp.KERNEL, 1)).isEqualTo(4096);
    for (int o = 1; o <= 9; o++) {
      assertThat(a.freeList(Zone.DMA32, UNMOVABLE, o))
          .as("order %d", o)
          .containsExactly(4096 + (1L << o));
    }
    assertThat(a.freeList(Zone.DMA32, MOVABLE, 10)).hasSize(11).startsWith(5120);
    assertThat(a.pageblockType(4096)).isEqualTo(UNMOVABLE);
    assertThat(a.pageblockType(4096 + 512)).isEqualTo(UNMOVABLE);
    assertThat(a.pageblockType(5120)).isEqualTo(MOVABLE);
    assertThat(a.allocPages(0, Gfp.KERNEL, 1)).isEqualTo(4098);
    assertThat(a.allocPages(0, Gfp.KERNEL, 3)).isEqualTo(4104);
    assertThat(a.allocPages(0, Gfp.KERNEL, 2)).isEqualTo(4100);
  }

  @Test
  void allocPages_orderZeroOnDmaOnlyMachine_handsOutAscendingFrames() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB16));

    for (long expected = 0; expected < 8; expected++) {
      assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(expected);
    }
    assertThat(a.zoneStats(Zone.DMA).freeBlocks()).containsExactly(0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 3);
  }

  @Test
  void knownSequence_movableRequestsOnDma_splitTheSmallestMovableBlock() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64, 0, 1));
    int movableDma = Gfp.GFP_DMA | Gfp.MOVABLE;

    assertThat(a.allocPages(0, movableDma, 3)).isEqualTo(8);
    assertThat(a.zoneStats(Zone.DMA).freeBlocks()).containsExactly(1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 3);
    assertThat(a.allocPages(0, movableDma, 3)).isEqualTo(16);
    assertThat(a.zoneStats(Zone.DMA).freeBlocks()).containsExactly(1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 3);
    assertThat(a.freeList(Zone.DMA, MOVABLE, 3)).containsExactly(24);

    a.freePages(0, 8, 3);
    assertThat(a.freeList(Zone.DMA, MOVABLE, 3))
        .as("8 cannot merge (0 is reserved): head")
        .containsExactly(8, 24);
    assertThat(a.zoneStats(Zone.DMA).freeBlocks()).containsExactly(1, 1, 1, 2, 0, 1, 1, 1, 1, 1, 3);

    a.freePages(0, 16, 3);
    assertThat(a.zoneStats(Zone.DMA).freeBlocks()).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3);
    assertThat(a.freeList(Zone.DMA, MOVABLE, 4)).containsExactly(16);
    assertThat(a.statistics().get("pgalloc_dma")).isEqualTo(16);
    assertThat(a.statistics().get("pgalloc_dma32")).isZero();
    assertThat(a.statistics().get("extfrag_alloc")).isZero();
  }

  @Test
  void knownSequence_unmovableRequestsOnDma_claimTheLargestMovableBlockWhichStaysUnmovable() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64, 0, 1));

    // __rmqueue_claim scans from MAX_PAGE_ORDER down: the order-10 block at 1024, not 8
    assertThat(a.allocPages(0, Gfp.GFP_DMA, 3)).isEqualTo(1024);
    assertThat(a.zoneStats(Zone.DMA).freeBlocks()).containsExactly(1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2);
    assertThat(a.pageblockType(1024)).isEqualTo(UNMOVABLE);
    assertThat(a.pageblockType(1536)).isEqualTo(UNMOVABLE);
    for (int o = 3; o <= 9; o++) {
      assertThat(a.freeList(Zone.DMA, UNMOVABLE, o))
          .as("order %d", o)
          .containsExactly(1024 + (1L << o));
    }
    assertThat(a.allocPages(0, Gfp.GFP_DMA, 3)).as("now from its own list").isEqualTo(1032);
    assertThat(a.freeList(Zone.DMA, MOVABLE, 3)).containsExactly(8);

    a.freePages(0, 1024, 3);
    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 3))
        .as("1040 is free at order 4, so 1024 goes to the tail")
        .containsExactly(1024);
    a.freePages(0, 1032, 3);

    assertThat(a.zoneStats(Zone.DMA).freeBlocks()).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3);
    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 10))
        .as("merged back whole, the block keeps its new type")
        .containsExactly(1024);
    assertThat(a.freeList(Zone.DMA, MOVABLE, 10)).containsExactly(2048, 3072);
    PageTypeInfo info = a.pageTypeInfo(Zone.DMA).orElseThrow();
    assertThat(info.pageblocks()).containsExactly(2, 6, 0, 0, 0);
    assertThat(a.statistics().get("extfrag_alloc")).isEqualTo(1);
    assertThat(a.statistics().get("extfrag_claim_pageblocks")).isEqualTo(2);
  }

  // ================================================================ freeing

  @Test
  void freePages_neighboursThatAreNotBuddies_stayApart() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB16));
    for (int i = 0; i < 8; i++) {
      a.allocPages(0, Gfp.KERNEL, 0);
    }

    a.freePages(0, 1, 0);
    a.freePages(0, 2, 0);
    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 0))
        .as("1 and 2 are neighbours, not buddies")
        .containsExactly(2, 1);
    assertThat(a.zoneStats(Zone.DMA).freeBlocks()).containsExactly(2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 3);

    a.freePages(0, 0, 0);
    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 0)).containsExactly(2);
    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 1)).as("0 and 1 merge").containsExactly(0);

    a.freePages(0, 3, 0);
    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 0)).isEmpty();
    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 1)).isEmpty();
    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 2))
        .as("2-3 merge, then 0-1 with 2-3")
        .containsExactly(0);
  }

  @Test
  void freePages_whenTheNextLargerBuddyIsFree_insertsAtTheTail() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB16));
    for (int i = 0; i < 8; i++) {
      a.allocPages(0, Gfp.KERNEL, 0);
    }

    a.freePages(0, 0, 0);
    a.freePages(0, 2, 0);
    a.freePages(0, 4, 0);
    a.freePages(0, 5, 0);
    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 1)).containsExactly(4);
    a.freePages(0, 6, 0);

    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 0))
        .as("6 goes to the tail: 4-5 is free at order 1")
        .containsExactly(2, 0, 6);
  }

  @Test
  void freePages_everythingOnDmaOnlyMachine_mergesBackToFourMaxOrderBlocks() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB16));
    long[] p = new long[100];
    for (int i = 0; i < p.length; i++) {
      p[i] = a.allocPages(0, Gfp.KERNEL, i % 3);
    }
    for (int i = p.length - 1; i >= 0; i -= 2) {
      a.freePages(0, p[i], i % 3);
    }
    for (int i = 0; i < p.length; i += 2) {
      a.freePages(0, p[i], i % 3);
    }

    assertThat(a.zoneStats(Zone.DMA).freeBlocks()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4);
    assertThat(a.nrFreePages()).isEqualTo(4096);
  }
}
