package io.mmsim.buddy;

import static io.mmsim.api.mem.MigrateType.MOVABLE;
import static io.mmsim.api.mem.MigrateType.RECLAIMABLE;
import static io.mmsim.api.mem.MigrateType.UNMOVABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageTypeInfo;
import io.mmsim.testkit.InvariantCheckExtension;
import io.mmsim.testkit.page.PageAllocatorState;

/**
 * Migrate-type fallbacks worked out by hand from Linux 6.15's rules: the fallback table, claiming a
 * whole block, claiming a pageblock when at least half of it is free or alike, stealing a single
 * block otherwise, ALLOC_NOFRAGMENT, the pageblocks that are never claimed, and grouping by
 * mobility switched off on a tiny machine.
 */
final class BuddyFallbackTest {

  @RegisterExtension final InvariantCheckExtension invariants = new InvariantCheckExtension();

  /** 16 MiB, one CPU: only DMA (4 order-10 blocks), per-CPU lists with high 0 and batch 1. */
  private static final MemoryLayout MB16 = new MemoryLayout(4096, 1);

  private static final int MOVABLE_GFP = Gfp.HIGHUSER_MOVABLE;
  private static final int RECLAIMABLE_GFP = Gfp.KERNEL | Gfp.RECLAIMABLE;

  // ================================================================ the fallback table

  @Test
  void unmovableRequest_reclaimableAndMovableBlocksAtTheTopOrder_takesReclaimableFirst() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB16));
    // block 0 becomes RECLAIMABLE (claimed whole), then goes back free at order 10
    assertThat(a.allocPages(0, RECLAIMABLE_GFP, 10)).isZero();
    a.freePages(0, 0, 10);
    assertThat(a.freeList(Zone.DMA, RECLAIMABLE, 10)).containsExactly(0);
    assertThat(a.freeList(Zone.DMA, MOVABLE, 10)).containsExactly(1024, 2048, 3072);

    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isZero();

    assertThat(a.pageblockType(0)).isEqualTo(UNMOVABLE);
    assertThat(a.pageblockType(512)).isEqualTo(UNMOVABLE);
    assertThat(a.freeList(Zone.DMA, MOVABLE, 10)).containsExactly(1024, 2048, 3072);
  }

  @Test
  void movableRequest_reclaimableAndUnmovableBlocksAtTheTopOrder_takesReclaimableFirst() {
    // frames 0-2047: two order-10 blocks
    BuddyAllocator a = invariants.track(Buddies.booted(MB16, 2048, 4096));
    assertThat(a.allocPages(0, RECLAIMABLE_GFP, 9)).isZero();
    assertThat(a.allocPages(0, Gfp.KERNEL, 9)).isEqualTo(1024);
    assertThat(a.freeList(Zone.DMA, RECLAIMABLE, 9)).containsExactly(512);
    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 9)).containsExactly(1536);

    assertThat(a.allocPages(0, MOVABLE_GFP, 0)).isEqualTo(512);

    assertThat(a.pageblockType(512)).isEqualTo(MOVABLE);
    assertThat(a.pageblockType(1536)).isEqualTo(UNMOVABLE);
  }

  @Test
  void reclaimableRequest_unmovableAndMovableBlocksAtTheTopOrder_takesUnmovableFirst() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB16));
    assertThat(a.allocPages(0, Gfp.KERNEL, 10)).isZero();
    a.freePages(0, 0, 10);

    assertThat(a.allocPages(0, RECLAIMABLE_GFP, 0)).isZero();

    assertThat(a.pageblockType(0)).isEqualTo(RECLAIMABLE);
    assertThat(a.freeList(Zone.DMA, MOVABLE, 10)).containsExactly(1024, 2048, 3072);
    assertThat(a.statistics().get("extfrag_claim_pageblocks")).as("2 + 2").isEqualTo(4);
  }

  // ================================================================ claim or steal

  @Test
  void movableRequest_unmovablePageblockLessThanHalfFree_stealsTheSmallestBlock() {
    // only pageblock 0 (frames 0-511) is handed over
    BuddyAllocator a = invariants.track(Buddies.booted(MB16, 512, 4096));
    assertThat(a.allocPages(0, Gfp.KERNEL, 8)).as("claims the free pageblock whole").isZero();
    assertThat(a.allocPages(0, Gfp.KERNEL, 6)).isEqualTo(256);
    // free: 320 (order 6) and 384 (order 7), 192 pages, UNMOVABLE; no MOVABLE page anywhere

    long p = a.allocPages(0, MOVABLE_GFP, 0);

    // claiming is tried at orders 7 and 6 (192 + 0 alike < 256) and not below order 4; then the
    // order-6 block is stolen and split on the UNMOVABLE lists
    assertThat(p).isEqualTo(320);
    assertThat(a.pageblockType(0)).isEqualTo(UNMOVABLE);
    for (int o = 0; o <= 5; o++) {
      assertThat(a.freeList(Zone.DMA, UNMOVABLE, o))
          .as("order %d", o)
          .containsExactly(320 + (1L << o));
    }
    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 7)).containsExactly(384);
    assertThat(a.statistics().get("extfrag_steal")).isEqualTo(1);
    assertThat(a.statistics().get("extfrag_alloc")).isEqualTo(2);
    assertThat(a.statistics().get("extfrag_claim_pageblocks")).isEqualTo(1);
  }

  @Test
  void unmovableRequest_movablePageblockHalfFree_claimsItAndMovesItsFreeBlocks() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB16, 512, 4096));
    assertThat(a.allocPages(0, MOVABLE_GFP, 8)).isZero();
    // pageblock 0: 256 movable pages in use, 256 free (order 8 at 256)

    long p = a.allocPages(0, Gfp.KERNEL, 0);

    // free 256 + alike (512 - 256 free - 256 movable = 0) = 256 >= 512 / 2: claimed
    assertThat(p).isEqualTo(256);
    assertThat(a.pageblockType(0)).isEqualTo(UNMOVABLE);
    assertThat(a.freeList(Zone.DMA, UNMOVABLE, 7)).containsExactly(384);
    PageTypeInfo info = a.pageTypeInfo(Zone.DMA).orElseThrow();
    assertThat(info.freePages(MOVABLE)).isZero();
    assertThat(info.freePages(UNMOVABLE)).isEqualTo(255);
    assertThat(a.statistics().get("extfrag_claim_pageblocks")).isEqualTo(1);
    assertThat(a.statistics().get("extfrag_steal")).isZero();
  }

  @Test
  void unmovableRequest_movablePageblockOnePageShortOfHalf_stealsAndLeavesItMovable() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB16, 512, 4096));
    assertThat(a.allocPages(0, MOVABLE_GFP, 8)).isZero();
    assertThat(a.allocPages(0, MOVABLE_GFP, 0)).isEqualTo(256);
    // free 255 (orders 0..7 at 257, 258, 260, ..., 384), movable 257

    long p = a.allocPages(0, Gfp.KERNEL, 0);

    // 255 + 0 < 256 at every order from 7 down to 0: no claim; the order-0 block is stolen
    assertThat(p).isEqualTo(257);
    assertThat(a.pageblockType(0)).isEqualTo(MOVABLE);
    assertThat(a.freeList(Zone.DMA, MOVABLE, 0)).isEmpty();
    assertThat(a.freeList(Zone.DMA, MOVABLE, 7)).containsExactly(384);
    assertThat(a.statistics().get("extfrag_claim_pageblocks")).isZero();
    assertThat(a.statistics().get("extfrag_steal")).isEqualTo(1);
  }

  @Test
  void unmovableRequest_onlyAPageblockCutByTheEndOfMemory_isNeverClaimed() {
    // DMA32 is 100 frames (4096-4195): free blocks 4096 (order 6), 4160 (5), 4192 (2)
    MemoryLayout layout = new MemoryLayout(4196, 1);
    BuddyAllocator a = invariants.track(Buddies.booted(layout));
    assertThat(a.pageTypeInfo(Zone.DMA32).orElseThrow().pageblocks())
        .containsExactly(0, 1, 0, 0, 0);

    long p = a.allocPages(0, Gfp.KERNEL | Gfp.DMA32, 0);

    // no claim (the pageblock is not wholly in the zone), so the smallest block is stolen
    assertThat(p).isEqualTo(4192);
    assertThat(a.pageblockType(4096)).isEqualTo(MOVABLE);
    assertThat(a.freeList(Zone.DMA32, MOVABLE, 0)).containsExactly(4193);
    assertThat(a.freeList(Zone.DMA32, MOVABLE, 1)).containsExactly(4194);
  }

  // ================================================================ ALLOC_NOFRAGMENT

  @Test
  void unmovableRequest_normalZoneHasOnlyPartOfAMovablePageblock_takesAWholeBlockInDma32() {
    // 4 GiB + 16 MiB: Normal is 4096 frames (pageblocks 2048-2055), all MOVABLE at boot
    MemoryLayout layout = MemoryLayout.ofBytes((4L << 30) + (16L << 20), 1);
    BuddyAllocator a = invariants.track(Buddies.booted(layout));
    long normal = 1L << 20;
    for (int i = 0; i < 7; i++) {
      assertThat(a.allocPages(0, MOVABLE_GFP, 9)).isEqualTo(normal + i * 512L);
    }
    assertThat(a.allocPages(0, MOVABLE_GFP, 8)).isEqualTo(normal + 7 * 512L);
    assertThat(a.nrFreePages(Zone.NORMAL)).isEqualTo(256);

    long p = a.allocPages(0, Gfp.KERNEL, 0);

    // the fast pass forbids mixing a pageblock: Normal offers no whole pageblock, so DMA32's first
    // order-10 block is claimed instead
    assertThat(p).isEqualTo(4096);
    assertThat(a.pageblockType(normal + 7 * 512L)).isEqualTo(MOVABLE);
    assertThat(a.nrFreePages(Zone.NORMAL)).isEqualTo(256);
    assertThat(a.statistics().get("pgalloc_dma32")).isEqualTo(1);
  }

  // ================================================================ grouping by mobility off

  @Test
  void tinyMachine_groupingByMobilityOff_everythingIsUnmovable() {
    // 8 MiB: 2048 frames < 5 pageblocks of 512
    MemoryLayout layout = new MemoryLayout(2048, 1);
    BuddyAllocator a = invariants.track(Buddies.booted(layout));
    assertThat(a.mobilityDisabled()).isTrue();
    assertThat(a.pageTypeInfo(Zone.DMA).orElseThrow().pageblocks()).containsExactly(4, 0, 0, 0, 0);

    assertThat(a.allocPages(0, MOVABLE_GFP, 3)).isZero();
    assertThat(a.allocPages(0, RECLAIMABLE_GFP, 3)).isEqualTo(8);

    assertThat(a.statistics().get("extfrag_alloc")).isZero();
    assertThat(a.pageTypeInfo(Zone.DMA).orElseThrow().pageblocks()).containsExactly(4, 0, 0, 0, 0);
    assertThat(Buddies.booted(MB16).mobilityDisabled()).as("16 MiB: on").isFalse();
  }

  // ================================================================ bad flags

  @Test
  void allocPages_movableAndReclaimable_isRejectedAndChangesNothing() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB16));
    PageAllocatorState before = PageAllocatorState.of(a);

    assertThatThrownBy(() -> a.allocPages(0, Gfp.KERNEL | Gfp.MOVABLE | Gfp.RECLAIMABLE, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("__GFP_MOVABLE and __GFP_RECLAIMABLE");
    assertThat(PageAllocatorState.of(a)).isEqualTo(before);
  }
}
