package io.mmsim.buddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.CompactControl;
import io.mmsim.api.page.CompactResult;
import io.mmsim.api.page.MigrateMode;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.PageMigrator;
import io.mmsim.testkit.InvariantCheckExtension;

/**
 * Compaction's scanners against an owner written here: a map from frame to the tag of the page it
 * holds, which the migrator moves along. Every tag must survive at a frame the allocator still
 * counts as allocated, and the fragmented memory must yield the order-9 blocks it could not before.
 */
final class BuddyCompactionTest {

  @RegisterExtension final InvariantCheckExtension invariants = new InvariantCheckExtension();

  /** 64 MiB, one CPU: DMA (16 MiB) and DMA32 (48 MiB). */
  private static final MemoryLayout MB64 = new MemoryLayout(16384, 1);

  /** The owner: frame -> tag of the page it holds. */
  private static final class Owner implements PageMigrator {
    final Map<Long, Long> pages = new HashMap<>();
    final BuddyAllocator a;
    long refuse = -1;
    int moves;

    Owner(BuddyAllocator a) {
      this.a = a;
    }

    @Override
    public boolean isolate(long pfn) {
      return pages.containsKey(pfn);
    }

    @Override
    public boolean migrate(long src, long dst) {
      assertThat(pages).containsKey(src).doesNotContainKey(dst);
      if (src == refuse) {
        return false;
      }
      pages.put(dst, pages.remove(src));
      moves++;
      return true;
    }
  }

  /** Fills a zone with movable pages, frees every other one; returns the owner of the rest. */
  private static Owner fragment(BuddyAllocator a) {
    Owner o = new Owner(a);
    TreeMap<Long, Long> all = new TreeMap<>();
    long tag = 0;
    while (true) {
      long pfn = a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0);
      if (pfn == PageAllocator.NO_PAGE) {
        break;
      }
      all.put(pfn, tag++);
    }
    boolean keep = true;
    for (Map.Entry<Long, Long> e : all.entrySet()) {
      if (keep) {
        o.pages.put(e.getKey(), e.getValue());
      } else {
        a.freePages(0, e.getKey(), 0);
      }
      keep = !keep;
    }
    a.drainAllPages();
    return o;
  }

  private static long pagesInBlocksAtLeast(BuddyAllocator a, Zone z, int order) {
    long n = 0;
    long[] blocks = a.zoneStats(z).freeBlocks();
    for (int o = order; o < blocks.length; o++) {
      n += blocks[o] << o;
    }
    return n;
  }

  @Test
  void compactZone_everyOtherPageFree_makesOrder9BlocksAndKeepsEveryPage() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    Owner o = fragment(a);
    Map<Long, Long> before = new HashMap<>(o.pages);
    assertThat(pagesInBlocksAtLeast(a, Zone.DMA32, 9)).isZero();
    long free = a.nrFreePages();

    CompactResult r = a.compactZone(CompactControl.wholeZone(Zone.DMA32), o);

    assertThat(r).isEqualTo(CompactResult.COMPLETE);
    // half of DMA32 was free: packed into the top half, all but one pageblock's worth of it is
    // whole pageblocks
    long freePageblocks = a.nrFreePages(Zone.DMA32) / 512;
    assertThat(pagesInBlocksAtLeast(a, Zone.DMA32, 9) / 512)
        .isGreaterThanOrEqualTo(freePageblocks - 1);
    assertThat(a.nrFreePages()).isEqualTo(free);
    assertThat(o.pages.values()).containsExactlyInAnyOrderElementsOf(before.values());
    var st = a.statistics();
    assertThat(st.get("pgmigrate_success")).isEqualTo(o.moves).isPositive();
    assertThat(st.get("pgmigrate_fail")).isZero();
    assertThat(st.get("compact_isolated")).isGreaterThanOrEqualTo(2L * o.moves);
    assertThat(st.get("compact_migrate_scanned")).isPositive();
    assertThat(st.get("compact_free_scanned")).isPositive();
    // each page sits in an allocated order-0 frame: freeing them all gives back all memory
    for (long pfn : o.pages.keySet()) {
      a.freePages(0, pfn, 0);
    }
    a.drainAllPages();
    assertThat(a.nrFreePages()).isEqualTo(a.managedPages());
  }

  @Test
  void compactZone_order9Request_stopsOnceABlockIsFreeAndTheAllocationSucceeds() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    Owner o = fragment(a);
    assertThat(a.allocPages(0, Gfp.KERNEL, 9)).isEqualTo(PageAllocator.NO_PAGE);

    CompactControl cc =
        new CompactControl(Zone.DMA32, 9, MigrateType.UNMOVABLE, MigrateMode.SYNC_LIGHT, true, -1);
    CompactResult r = a.compactZone(cc, o);

    assertThat(r).isEqualTo(CompactResult.SUCCESS);
    // one pageblock emptied: 256 pages moved out of it, and no more than a few pageblocks' worth
    assertThat(o.moves).isGreaterThanOrEqualTo(256).isLessThan(4 * 256);
    long pfn = a.allocPages(0, Gfp.KERNEL, 9);
    assertThat(pfn).isNotEqualTo(PageAllocator.NO_PAGE);
    assertThat(o.pages.keySet()).noneMatch(p -> p >= pfn && p < pfn + 512);
  }

  @Test
  void compactZone_asyncDirectForUnmovable_scansNoMovablePageblock() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    Owner o = fragment(a);
    CompactControl cc =
        new CompactControl(Zone.DMA32, 9, MigrateType.UNMOVABLE, MigrateMode.ASYNC, true, -1);

    CompactResult r = a.compactZone(cc, o);

    // every pageblock is MOVABLE, so suitable_migration_source refuses them all
    assertThat(r).isEqualTo(CompactResult.COMPLETE);
    assertThat(o.moves).isZero();
    assertThat(a.statistics().get("compact_migrate_scanned")).isZero();
  }

  @Test
  void compactZone_migrationRefused_countsAFailureAndKeepsThePage() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    Owner o = fragment(a);
    long first = o.pages.keySet().stream().filter(p -> p >= 4096).min(Long::compare).orElseThrow();
    o.refuse = first;
    long tag = o.pages.get(first);

    a.compactZone(CompactControl.wholeZone(Zone.DMA32), o);

    assertThat(a.statistics().get("pgmigrate_fail")).isEqualTo(1);
    assertThat(o.pages.get(first)).isEqualTo(tag);
  }

  @Test
  void compactZone_enoughFreeAtTheOrder_succeedsWithoutScanning() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    Owner o = new Owner(a);
    CompactControl cc =
        new CompactControl(Zone.DMA32, 9, MigrateType.MOVABLE, MigrateMode.SYNC, true, -1);

    assertThat(a.compactZone(cc, o)).isEqualTo(CompactResult.SUCCESS);
    assertThat(a.statistics().get("compact_migrate_scanned")).isZero();
  }

  @Test
  void compactZone_tooLittleFreeMemory_isSkipped() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    Owner o = new Owner(a);
    while (a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0) != PageAllocator.NO_PAGE) {
      // fill memory down to the watermarks
    }
    CompactControl cc =
        new CompactControl(Zone.DMA32, 9, MigrateType.MOVABLE, MigrateMode.SYNC, true, -1);

    assertThat(a.compactZone(cc, o)).isEqualTo(CompactResult.SKIPPED);
  }

  @Test
  void compactZone_proactiveGoal_stopsWhenTheScoreIsReached() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    Owner o = fragment(a);
    CompactControl cc =
        new CompactControl(Zone.DMA32, -1, MigrateType.MOVABLE, MigrateMode.SYNC_LIGHT, false, 80);

    CompactResult r = a.compactZone(cc, o);

    assertThat(r).isEqualTo(CompactResult.SUCCESS);
    // extfrag_for_order(9) computed here from buddyinfo: free pages outside order >= 9 blocks
    long[] blocks = a.zoneStats(Zone.DMA32).freeBlocks();
    long free = 0;
    long big = 0;
    for (int ord = 0; ord < blocks.length; ord++) {
      free += blocks[ord] << ord;
      if (ord >= 9) {
        big += blocks[ord] << ord;
      }
    }
    assertThat((free - big) * 100 / free).isLessThanOrEqualTo(80);
  }

  @Test
  void compactZone_beforeBoot_isRefused() {
    BuddyAllocator a = invariants.track(Buddies.create(MB64));
    assertThatThrownBy(() -> a.compactZone(CompactControl.wholeZone(Zone.DMA32), new Owner(a)))
        .isInstanceOf(IllegalStateException.class);
  }

  // ================================================================ split_page

  @Test
  void splitPage_order9Block_becomes512PagesFreedOneByOne() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    long free = a.nrFreePages();
    long pfn = a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 9);

    a.splitPage(pfn, 9);

    assertThatThrownBy(() -> a.freePages(0, pfn, 9)).hasMessageContaining("wrong order");
    for (long f = pfn; f < pfn + 512; f++) {
      a.freePages(0, f, 0);
    }
    a.drainAllPages();
    assertThat(a.nrFreePages()).isEqualTo(free);
  }

  @Test
  void splitPage_wrongOrder_isRefusedAndChangesNothing() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    long pfn = a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 3);

    assertThatThrownBy(() -> a.splitPage(pfn, 4)).hasMessageContaining("wrong order");
    a.freePages(0, pfn, 3);
  }

  /** One movable page at 4096 (the first of CPU 0's refill); 4097 and 4098 left on its list. */
  private static Owner onePageAt4096(BuddyAllocator a) {
    Owner o = new Owner(a);
    assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0)).isEqualTo(4096);
    assertThat(a.pcpList(0, Zone.DMA32)).containsExactly(4097, 4098);
    o.pages.put(4096L, 1L);
    return o;
  }

  @Test
  void compactZone_noTargetBelowTheWholeFreeBlocks_meetsWithoutMovingAndTracesTheRun() {
    io.mmsim.api.trace.Tracer tracer = new io.mmsim.api.trace.Tracer();
    BuddyAllocator a =
        invariants.track(new BuddyAllocator(MB64, -1, 10, false, Buddies.LOGGER, tracer));
    io.mmsim.testkit.page.BootHandOff.boot(a, MB64);
    Owner o = onePageAt4096(a);
    java.util.List<long[]> events = new java.util.ArrayList<>();
    java.util.List<String> names = new java.util.ArrayList<>();
    tracer.subscribe(
        java.util.EnumSet.of(
            io.mmsim.api.trace.Tracepoint.MM_COMPACTION_BEGIN,
            io.mmsim.api.trace.Tracepoint.MM_COMPACTION_MIGRATEPAGES,
            io.mmsim.api.trace.Tracepoint.MM_COMPACTION_END),
        e -> {
          names.add(e.tracepoint().event());
          events.add(new long[] {e.arg(0), e.arg(1), e.arg(2), e.arg(3), e.arg(4), e.arg(5)});
        });

    CompactResult r = a.compactZone(CompactControl.wholeZone(Zone.DMA32), o);

    // the per-CPU pages went back first (4097 alone, 4098 merged with 4099); the migrate scanner
    // isolated 4096 and walked its pageblock to 4608; the free scanner found no frame: the upper
    // pageblock of each of the eleven whole order-10 blocks is scanned (nothing in it is a head),
    // the lower one and the order-9 block at 4608 are free blocks of the goal's size, skipped
    assertThat(r).isEqualTo(CompactResult.COMPLETE);
    assertThat(o.pages).containsOnlyKeys(4096L);
    assertThat(a.pcpList(0, Zone.DMA32)).isEmpty();
    assertThat(a.freeList(Zone.DMA32, MigrateType.MOVABLE, 1)).containsExactly(4098L);
    assertThat(a.nrFreePages()).isEqualTo(16383);
    var st = a.statistics();
    assertThat(st.get("compact_migrate_scanned")).isEqualTo(512);
    assertThat(st.get("compact_free_scanned")).isEqualTo(11 * 512);
    assertThat(st.get("compact_isolated")).isEqualTo(1);
    assertThat(st.get("pgmigrate_success")).isZero();
    assertThat(st.get("pgmigrate_fail")).isZero();
    assertThat(names)
        .containsExactly("mm_compaction_begin", "mm_compaction_migratepages", "mm_compaction_end");
    assertThat(events.get(0)).containsExactly(4096, 4096, 15872, 16384, 1, 0);
    assertThat(events.get(1)).containsExactly(0, 0, 0, 0, 0, 0);
    assertThat(events.get(2))
        .as("the scanners met in the pageblock at 4608")
        .containsExactly(4096, 4608, 4608, 16384, 1, CompactResult.COMPLETE.ordinal());
  }

  @Test
  void compactZone_targetInAFragmentedTopPageblock_movesThePageAndReleasesTheRestOfTheBlock() {
    // frames 4097 and 16376..16383 never handed over: 4096 is a free order-0 block, the first
    // page CPU 0 takes (its refill also takes 4098 and 4099), and the top pageblock holds free
    // blocks of orders 8 down to 3
    BuddyAllocator a = invariants.track(Buddies.booted(MB64, 4097, 4098, 16376, 16384));
    Owner o = new Owner(a);
    assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0)).isEqualTo(4096);
    o.pages.put(4096L, 1L);

    CompactResult r = a.compactZone(CompactControl.wholeZone(Zone.DMA32), o);

    // the free scanner isolates the order-8 block at 15872 whole; the page goes to its lowest
    // frame and the other 255 frames go back; the migrate scanner then walks up to 15872
    assertThat(r).isEqualTo(CompactResult.COMPLETE);
    assertThat(o.pages).containsOnlyKeys(15872L);
    assertThat(a.nrFreePages()).isEqualTo(16375 - 1);
    var st = a.statistics();
    assertThat(st.get("pgmigrate_success")).isEqualTo(1);
    assertThat(st.get("compact_isolated")).isEqualTo(1 + 256);
    assertThat(st.get("compact_free_scanned")).isEqualTo(256);
    assertThat(st.get("compact_migrate_scanned")).isEqualTo(15872 - 4096);
    // the released frames merged back around the page: 15873 (order 0) up to 16000 (order 7)
    assertThat(a.freeList(Zone.DMA32, MigrateType.MOVABLE, 7)).contains(16000L, 16128L);
    assertThat(a.freeList(Zone.DMA32, MigrateType.MOVABLE, 0)).contains(15873L, 4096L);
  }

  @Test
  void compactZone_zoneWithNoMemoryOrAlreadyGood_returnsAtOnceLeavingThePerCpuPages() {
    BuddyAllocator a = invariants.track(Buddies.booted(MB64));
    Owner o = onePageAt4096(a);
    assertThat(a.compactZone(CompactControl.wholeZone(Zone.NORMAL), o))
        .isEqualTo(CompactResult.SKIPPED);
    // order 0 at the low watermark: compaction_suit_allocation_order says SUCCESS at once
    CompactControl order0 =
        new CompactControl(Zone.DMA32, 0, MigrateType.MOVABLE, MigrateMode.SYNC, true, -1);
    assertThat(a.compactZone(order0, o)).isEqualTo(CompactResult.SUCCESS);
    assertThat(a.pcpList(0, Zone.DMA32)).containsExactly(4097, 4098);
    assertThat(a.statistics().get("compact_migrate_scanned")).isZero();
  }
}
