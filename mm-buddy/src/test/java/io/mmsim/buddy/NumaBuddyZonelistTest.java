package io.mmsim.buddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.mmsim.api.BadPageException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.NumaTopology;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.CompactControl;
import io.mmsim.api.page.CompactResult;
import io.mmsim.api.page.NumaStat;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.PageMigrator;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.api.trace.Tracepoint;
import io.mmsim.api.trace.Tracer;
import io.mmsim.testkit.page.BootHandOff;

/**
 * The zonelist walk across nodes, worked out by hand on 64 MiB in two nodes of 32 MiB, two CPUs
 * (CPU 0 on node 0, CPU 1 on node 1): node 0 holds DMA [0, 4096) and DMA32 [4096, 8192), node 1
 * holds DMA32 [8192, 16384).
 *
 * <p>Watermarks (__setup_per_zone_wmarks): 16384 pages managed, min_free_kbytes = int_sqrt(65536 *
 * 16) = 1024, pages_min = 256, shared by managed pages: DMA and node 0's DMA32 get min 64, step
 * max(16, 4) = 16, low 80, high 96; node 1's DMA32 gets min 128, step max(32, 8) = 32, low 160,
 * high 192. Per-CPU lists (zone_batchsize): 4096 pages give batch 0 (high 0, batch 1), 8192 pages
 * give batch 1 (high 6).
 */
final class NumaBuddyZonelistTest {

  private static final long FRAMES = 16384;
  private static final long NODE1 = 8192;

  private static final MemoryLayout TWO_NODES =
      new MemoryLayout(FRAMES, 2, NumaTopology.parse(FRAMES, 2, 2, "10,20", ""));

  private final Tracer tracer = new Tracer();

  private NumaBuddyAllocator create(long minFreeKbytes, boolean debugChecks) {
    return new NumaBuddyAllocator(
        TWO_NODES, minFreeKbytes, 10, debugChecks, Buddies.LOGGER, tracer);
  }

  private NumaBuddyAllocator booted(long... reserved) {
    NumaBuddyAllocator a = create(-1, false);
    BootHandOff.boot(a, TWO_NODES, reserved);
    return a;
  }

  /** min_free_kbytes 65536: pages_min 16384 puts every zone's min at its managed pages. */
  private NumaBuddyAllocator starved() {
    NumaBuddyAllocator a = create(65536, false);
    BootHandOff.boot(a, TWO_NODES);
    return a;
  }

  private static long event(PageAllocator a, int nid, Zone z, NumaStat s) {
    return a.numaEvent(nid, z, s);
  }

  // ---------------------------------------------------------------- the machine-wide views

  @Test
  void watermark_twoNodesWithDma32_isTheSumOfTheNodesMarks() {
    NumaBuddyAllocator a = booted();
    assertThat(a.watermark(Zone.DMA32, Watermark.MIN)).isEqualTo(64 + 128);
    assertThat(a.watermark(Zone.DMA32, Watermark.LOW)).isEqualTo(80 + 160);
    assertThat(a.watermark(Zone.DMA32, Watermark.HIGH)).isEqualTo(96 + 192);
    assertThat(a.watermark(Zone.DMA, Watermark.LOW)).isEqualTo(80);
    assertThat(a.watermark(Zone.NORMAL, Watermark.HIGH)).isZero();
  }

  @Test
  void zoneStats_dma32OfBothNodes_addsPagesMarksBlocksAndPerCpuCounts() {
    NumaBuddyAllocator a = booted();
    // CPU 1 takes a page of node 1 and frees it: it stays on node 1's per-CPU list (high 6)
    long p = a.allocPages(1, Gfp.KERNEL, 0);
    assertThat(p).isEqualTo(NODE1);
    a.freePages(1, p, 0);

    ZoneStats s = a.zoneStats(Zone.DMA32);

    assertThat(s.startPfn()).isEqualTo(4096);
    assertThat(s.spanned()).isEqualTo(12288);
    assertThat(s.present()).isEqualTo(12288);
    assertThat(s.managed()).isEqualTo(12288);
    assertThat(s.free()).isEqualTo(12287);
    assertThat(s.min()).isEqualTo(192);
    assertThat(s.low()).isEqualTo(240);
    assertThat(s.high()).isEqualTo(288);
    // node 0: four order-10 blocks; node 1: seven, and the split of the eighth (orders 0..9)
    long[] blocks = s.freeBlocks();
    assertThat(blocks[10]).isEqualTo(4 + 7);
    for (int o = 1; o < 10; o++) {
      assertThat(blocks[o]).as("order %d", o).isEqualTo(1);
    }
    assertThat(blocks[0]).isEqualTo(1);
    assertThat(s.pcpCount()).containsExactly(0, 1);
    // the first node that has the zone gives high and batch
    assertThat(s.pcpHigh()).isZero();
    assertThat(s.pcpBatch()).isEqualTo(1);
  }

  @Test
  void zoneStats_zoneOnlyOnTheSecondNode_takesHighAndBatchFromIt() {
    // node 0's DMA32 is never handed over: only node 1 manages DMA32 (8192 pages: high 6)
    NumaBuddyAllocator a = booted(4096, 8192);
    ZoneStats s = a.zoneStats(Zone.DMA32);
    assertThat(s.managed()).isEqualTo(8192);
    assertThat(s.present()).isEqualTo(12288);
    assertThat(s.pcpHigh()).isEqualTo(6);
    assertThat(s.pcpBatch()).isEqualTo(1);

    // a zone no node has: node 0's empty view, not a failure
    ZoneStats normal = a.zoneStats(Zone.NORMAL);
    assertThat(normal.managed()).isZero();
    assertThat(normal.pcpHigh()).isZero();
  }

  @Test
  void pageTypeInfo_withoutNode_isNode0s() {
    NumaBuddyAllocator a = booted();
    // DMA lives on node 0 only: eight MOVABLE pageblocks
    assertThat(a.pageTypeInfo(Zone.DMA).orElseThrow().pageblocks(MigrateType.MOVABLE)).isEqualTo(8);
    assertThat(a.pageTypeInfo(Zone.DMA32).orElseThrow().pageblocks(MigrateType.MOVABLE))
        .isEqualTo(8);
    assertThat(a.pageTypeInfo(1, Zone.DMA32).orElseThrow().pageblocks(MigrateType.MOVABLE))
        .isEqualTo(16);
  }

  @Test
  void capabilities_areTheSingleNodeAllocatorsOnes() {
    NumaBuddyAllocator a = booted();
    assertThat(a.name()).isEqualTo("buddy");
    assertThat(a.canSplitPages()).isTrue();
    assertThat(a.compactionSupported()).isTrue();
    assertThat(a.setKswapdWakeup((nid, gfp, order, zone) -> {})).isTrue();
    assertThat(a.metadataBytesPerFrame()).isEqualTo(10);
    assertThat(a.zonelist(1)).containsExactly(1, 0);
    assertThat(a.zonelist(0)).containsExactly(0, 1);
  }

  // ---------------------------------------------------------------- the zonelist walk

  @Test
  void allocPages_gfpDmaFromNode1sCpu_isServedByNode0AsAHitThere() {
    NumaBuddyAllocator a = booted();
    // node 1 has no DMA: the zonelist keeps node 0 alone, which is then the preferred node
    long p = a.allocPages(1, Gfp.KERNEL | Gfp.DMA, 0);
    assertThat(p).isBetween(0L, 4095L);
    assertThat(event(a, 0, Zone.DMA, NumaStat.HIT)).isEqualTo(1);
    assertThat(event(a, 0, Zone.DMA, NumaStat.OTHER)).isEqualTo(1);
    assertThat(event(a, 0, Zone.DMA, NumaStat.MISS)).isZero();
    assertThat(event(a, 1, Zone.DMA32, NumaStat.FOREIGN)).isZero();

    // __GFP_DMA32 from CPU 1 stays on node 1
    long q = a.allocPages(1, Gfp.KERNEL | Gfp.DMA32, 0);
    assertThat(q).isGreaterThanOrEqualTo(NODE1);
    assertThat(event(a, 1, Zone.DMA32, NumaStat.LOCAL)).isEqualTo(1);
  }

  @Test
  void allocPages_dmaOnlyOnAnotherNodeWithThisNode_failsAndCounts() {
    NumaBuddyAllocator a = booted();
    long free = a.nrFreePages();
    assertThat(a.allocPages(1, Gfp.KERNEL | Gfp.DMA | Gfp.THISNODE, 0))
        .isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.statistics().get("pgalloc_fail")).isEqualTo(1);
    assertThat(a.nrFreePages()).isEqualTo(free);
  }

  @Test
  void allocPages_migrateTypeFromTheGfp_movableKeepsItsPageblockAndKernelClaimsOne() {
    NumaBuddyAllocator a = booted();
    long m = a.allocPages(1, Gfp.HIGHUSER_MOVABLE, 0);
    assertThat(m).isEqualTo(NODE1);
    assertThat(a.node(1).pageblockType(m)).isEqualTo(MigrateType.MOVABLE);
    // an UNMOVABLE request on a machine of MOVABLE pageblocks claims a whole free order-10 block
    long k = a.allocPages(1, Gfp.KERNEL, 0);
    assertThat(a.node(1).pageblockType(k)).isEqualTo(MigrateType.UNMOVABLE);
    long r = a.allocPages(1, Gfp.KERNEL | Gfp.RECLAIMABLE, 0);
    assertThat(a.node(1).pageblockType(r)).isEqualTo(MigrateType.RECLAIMABLE);
  }

  @Test
  void allocPages_node0Exhausted_fallsBackToNode1AsMissThereAndForeignOnNode0() {
    NumaBuddyAllocator a = booted();
    long taken = 0;
    while (a.allocPages(0, Gfp.KERNEL | Gfp.THISNODE, 3, 0, 1L) != PageAllocator.NO_PAGE) {
      taken++;
    }
    assertThat(taken).isPositive();
    long hit0 = event(a, 0, Zone.DMA32, NumaStat.HIT) + event(a, 0, Zone.DMA, NumaStat.HIT);
    assertThat(hit0).isEqualTo(taken);

    long p = a.allocPages(0, Gfp.KERNEL, 3);

    // node 1's first order-10 block, claimed for UNMOVABLE and split
    assertThat(p).isEqualTo(NODE1);
    assertThat(event(a, 1, Zone.DMA32, NumaStat.MISS)).isEqualTo(1);
    assertThat(event(a, 1, Zone.DMA32, NumaStat.OTHER)).isEqualTo(1);
    assertThat(event(a, 1, Zone.DMA32, NumaStat.HIT)).isZero();
    // the preferred zone is node 0's first populated zone from Normal down: DMA32
    assertThat(event(a, 0, Zone.DMA32, NumaStat.FOREIGN)).isEqualTo(1);
    assertThat(a.statistics().get("numa_foreign")).isEqualTo(1);
  }

  @Test
  void allocPages_everyZoneBelowItsMarks_wakesEachNodesKswapdInZonelistOrderThenFails() {
    NumaBuddyAllocator a = starved();
    List<String> woken = new ArrayList<>();
    a.setKswapdWakeup((nid, gfp, order, zone) -> woken.add(nid + "/" + order + "/" + zone));
    long free = a.nrFreePages();

    assertThat(a.allocPages(1, Gfp.KERNEL, 2)).isEqualTo(PageAllocator.NO_PAGE);

    // wake_all_kswapds: node 1's zonelist is 1, 0; highest zone Normal (index 2)
    assertThat(woken).containsExactly("1/2/2", "0/2/2");
    assertThat(a.statistics().get("pgalloc_fail")).isEqualTo(1);
    assertThat(a.nrFreePages()).isEqualTo(free);

    // without __GFP_KSWAPD_RECLAIM nobody is woken; __GFP_THISNODE wakes the one node
    woken.clear();
    assertThat(a.allocPages(1, Gfp.DIRECT_RECLAIM, 0)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(woken).isEmpty();
    assertThat(a.allocPages(0, Gfp.KERNEL | Gfp.DMA32 | Gfp.THISNODE, 1))
        .isEqualTo(PageAllocator.NO_PAGE);
    assertThat(woken).containsExactly("0/1/1");
    assertThat(a.statistics().get("pgalloc_fail")).isEqualTo(3);
  }

  @Test
  void allocPages_memallocBelowEveryMark_isServedByThePreferredNodeIgnoringWatermarks() {
    NumaBuddyAllocator a = starved();
    long p = a.allocPages(1, Gfp.KERNEL | Gfp.MEMALLOC, 0);
    assertThat(p).isEqualTo(NODE1);
    assertThat(event(a, 1, Zone.DMA32, NumaStat.HIT)).isEqualTo(1);
    assertThat(event(a, 1, Zone.DMA32, NumaStat.LOCAL)).isEqualTo(1);
    // GFP_ATOMIC halves min and cuts a quarter more: 8192 free pages pass 3072 on node 1
    long q = a.allocPages(1, Gfp.GFP_ATOMIC, 0);
    assertThat(q).isGreaterThanOrEqualTo(NODE1);
    // __GFP_NOMEMALLOC takes the right away again
    assertThat(a.allocPages(1, Gfp.KERNEL | Gfp.MEMALLOC | Gfp.NOMEMALLOC, 0))
        .isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.statistics().get("pgalloc_fail")).isEqualTo(1);
  }

  @Test
  void allocPages_failingWithPagesOnPerCpuLists_drainsThemAndCountsTheRetry() {
    NumaBuddyAllocator a = starved();
    long p = a.allocPages(1, Gfp.KERNEL | Gfp.MEMALLOC, 0);
    a.freePages(1, p, 0);
    assertThat(a.zoneStats(1, Zone.DMA32).pcpCount()).containsExactly(0, 1);
    assertThat(a.statistics().get("alloc_drain_retry")).isZero();

    assertThat(a.allocPages(1, Gfp.KERNEL, 0)).isEqualTo(PageAllocator.NO_PAGE);

    assertThat(a.statistics().get("alloc_drain_retry")).isEqualTo(1);
    assertThat(a.zoneStats(1, Zone.DMA32).pcpCount()).containsExactly(0, 0);
    assertThat(a.nrFreePages()).isEqualTo(FRAMES);

    // nothing left on the lists: a second failure does not count a drain
    assertThat(a.allocPages(1, Gfp.KERNEL, 0)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.statistics().get("alloc_drain_retry")).isEqualTo(1);
  }

  @Test
  void allocPages_traced_reportsTheMachinePfnAndFailuresAsMinusOne() {
    NumaBuddyAllocator a = starved();
    List<Long> pfns = new ArrayList<>();
    tracer.subscribe(EnumSet.of(Tracepoint.MM_PAGE_ALLOC), e -> pfns.add(e.arg("pfn")));

    long p = a.allocPages(1, Gfp.KERNEL | Gfp.MEMALLOC, 3);
    long q = a.allocPages(1, Gfp.KERNEL | Gfp.MEMALLOC, 3);
    assertThat(a.allocPages(1, Gfp.KERNEL, 3)).isEqualTo(PageAllocator.NO_PAGE);

    // the first order-10 block of node 1 split: 0x2000, then the order-3 piece at 0x2008
    assertThat(p).isEqualTo(NODE1);
    assertThat(q).isEqualTo(NODE1 + 8);
    assertThat(pfns).containsExactly(NODE1, NODE1 + 8, -1L);
  }

  // ---------------------------------------------------------------- calls by PFN and CPU

  @Test
  void splitPage_onNode1_makesEveryFrameAnOrder0PageOfThatNode() {
    NumaBuddyAllocator a = booted();
    long p = a.allocPages(1, Gfp.KERNEL, 2);
    assertThat(p).isGreaterThanOrEqualTo(NODE1);

    a.splitPage(p, 2);

    for (long f = p; f < p + 4; f++) {
      a.freePages(1, f, 0);
    }
    a.drainAllPages();
    assertThat(a.nrFreePages()).isEqualTo(FRAMES);
  }

  @Test
  void badPfn_outsideMemory_isRefusedWithTheMachinesRange() {
    NumaBuddyAllocator a = booted();
    long free = a.nrFreePages();
    String range = "pfn outside memory (frames 0x0-0x3fff)";
    for (long pfn : new long[] {-1, FRAMES}) {
      assertThatThrownBy(() -> a.splitPage(pfn, 0))
          .isInstanceOf(BadPageException.class)
          .hasMessageContaining(range);
      assertThatThrownBy(() -> a.freePages(0, pfn, 0))
          .isInstanceOf(BadPageException.class)
          .hasMessageContaining(range);
    }
    // the first and last frames are inside memory: their node explains why they cannot be freed
    for (long pfn : new long[] {0, FRAMES - 1}) {
      assertThatThrownBy(() -> a.freePages(0, pfn, 0))
          .isInstanceOf(BadPageException.class)
          .hasMessageNotContaining(range);
      assertThatThrownBy(() -> a.splitPage(pfn, 0))
          .isInstanceOf(BadPageException.class)
          .hasMessageNotContaining(range);
    }
    assertThat(a.nrFreePages()).isEqualTo(free);
  }

  @Test
  void freeBootPages_outsideMemory_isRefusedWithTheMachinesRange() {
    NumaBuddyAllocator a = create(-1, false);
    for (long pfn : new long[] {-1, FRAMES}) {
      assertThatThrownBy(() -> a.freeBootPages(pfn, 0))
          .isInstanceOf(BadPageException.class)
          .hasMessageContaining("pfn outside memory (frames 0x0-0x3fff)");
    }
    a.freeBootPages(FRAMES - 1, 0);
    a.freeBootPages(0, 0);
    assertThat(a.managedPages()).isEqualTo(2);
  }

  @Test
  void badCpu_isRefusedByEveryCallThatTakesOne() {
    NumaBuddyAllocator a = booted();
    long free = a.nrFreePages();
    long p = a.allocPages(1, Gfp.KERNEL, 0);
    for (int cpu : new int[] {-1, 2}) {
      String msg = "cpu " + cpu + " is outside 0..1";
      assertThatThrownBy(() -> a.allocPages(cpu, Gfp.KERNEL, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(msg);
      assertThatThrownBy(() -> a.freePages(cpu, p, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(msg);
      assertThatThrownBy(() -> a.drainPages(cpu))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(msg);
    }
    a.freePages(1, p, 0);
    assertThat(a.nrFreePages()).isEqualTo(free - 1);
  }

  @Test
  void badOrderGfpOrNode_isRefusedAndTheLimitsAreAccepted() {
    NumaBuddyAllocator a = booted();
    assertThatThrownBy(() -> a.allocPages(0, Gfp.KERNEL, 11))
        .hasMessageContaining("order 11 is outside 0..10");
    assertThatThrownBy(() -> a.allocPages(0, Gfp.KERNEL, -1))
        .hasMessageContaining("order -1 is outside 0..10");
    assertThatThrownBy(() -> a.allocPages(0, Gfp.MOVABLE | Gfp.RECLAIMABLE, 0))
        .hasMessageContaining("__GFP_MOVABLE and __GFP_RECLAIMABLE exclude each other");
    assertThatThrownBy(() -> a.allocPages(0, Gfp.KERNEL, 0, -2, PageAllocator.ALL_NODES))
        .hasMessageContaining("node -2 is outside 0..1");
    for (int nid : new int[] {-1, 2}) {
      assertThatThrownBy(() -> a.numaEvent(nid, Zone.DMA32, NumaStat.HIT))
          .hasMessageContaining("node " + nid + " is outside 0..1");
    }
    assertThat(a.nrFreePages()).isEqualTo(FRAMES);
    // the limits: order 10, the last CPU, __GFP_RECLAIMABLE alone
    assertThat(a.allocPages(1, Gfp.KERNEL, 10)).isGreaterThanOrEqualTo(NODE1);
    assertThat(a.allocPages(1, Gfp.KERNEL | Gfp.RECLAIMABLE, 0)).isGreaterThanOrEqualTo(NODE1);
    assertThat(a.allocPages(1, Gfp.MOVABLE, 0)).isGreaterThanOrEqualTo(NODE1);
    assertThat(a.allocPages(1, Gfp.RECLAIMABLE, 0)).isGreaterThanOrEqualTo(NODE1);
  }

  @Test
  void allocPages_higherOrderWithPagesOnTheCpusList_comesFromTheFreeLists() {
    NumaBuddyAllocator a = booted();
    assertThat(a.allocPages(1, Gfp.KERNEL, 0)).isEqualTo(NODE1);
    a.freePages(1, NODE1, 0);
    // the split left 0x2001 (order 0), 0x2002 (order 1), 0x2004 (order 2), 0x2008 (order 3), ...
    assertThat(a.allocPages(1, Gfp.KERNEL, 3)).isEqualTo(NODE1 + 8);
    assertThat(a.zoneStats(1, Zone.DMA32).pcpCount()).containsExactly(0, 1);
  }

  @Test
  void allocPages_betweenMinAndLow_wakesKswapdAndIsServedAtMin() {
    // min_free_kbytes 56000: pages_min 14000, node 1's DMA32 min 7000, low 8750
    NumaBuddyAllocator a = create(56000, false);
    BootHandOff.boot(a, TWO_NODES);
    assertThat(a.zoneStats(1, Zone.DMA32).low()).isEqualTo(8750);
    List<Integer> woken = new ArrayList<>();
    a.setKswapdWakeup((nid, gfp, order, zone) -> woken.add(nid));

    assertThat(a.allocPages(1, Gfp.KERNEL | Gfp.THISNODE, 0)).isGreaterThanOrEqualTo(NODE1);

    assertThat(woken).containsExactly(1);
  }

  @Test
  void drainPages_oneCpu_returnsThatCpusPagesOnEveryNode() {
    NumaBuddyAllocator a = booted();
    long p = a.allocPages(1, Gfp.KERNEL, 0);
    a.freePages(1, p, 0);
    assertThat(a.nrFreePages()).isEqualTo(FRAMES - 1);

    a.drainPages(0);
    assertThat(a.nrFreePages()).as("CPU 0 had nothing").isEqualTo(FRAMES - 1);
    a.drainPages(1);

    assertThat(a.nrFreePages()).isEqualTo(FRAMES);
    assertThat(a.zoneStats(1, Zone.DMA32).pcpCount()).containsExactly(0, 0);
  }

  @Test
  void beforeBootOrTwice_isRefused() {
    NumaBuddyAllocator a = create(-1, false);
    assertThatThrownBy(() -> a.allocPages(0, Gfp.KERNEL, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("allocPages before completeBoot");
    assertThatThrownBy(() -> a.compactZone(CompactControl.wholeZone(Zone.DMA32), new Owner()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("compactZone before completeBoot");
    BootHandOff.boot(a, TWO_NODES);
    assertThatThrownBy(a::completeBoot)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("completeBoot called twice");
  }

  // ---------------------------------------------------------------- compaction

  /** The owner of movable pages: frame -> tag, moved along by the migrator. */
  private static final class Owner implements PageMigrator {
    final Map<Long, Long> pages = new HashMap<>();

    @Override
    public boolean isolate(long pfn) {
      return pages.containsKey(pfn);
    }

    @Override
    public boolean migrate(long src, long dst) {
      pages.put(dst, pages.remove(src));
      return true;
    }
  }

  /** Node 1's free pages in blocks of a pageblock or more, in pageblocks. */
  private static long pageblocksFree(NumaBuddyAllocator a) {
    long[] blocks = a.zoneStats(1, Zone.DMA32).freeBlocks();
    return blocks[9] + 2 * blocks[10];
  }

  @Test
  void compactZone_fragmentedNode1_packsItsPagesAndKeepsEveryOne() {
    NumaBuddyAllocator a = booted();
    Owner o = new Owner();
    TreeMap<Long, Long> all = new TreeMap<>();
    long tag = 0;
    while (true) {
      long p = a.allocPages(1, Gfp.HIGHUSER_MOVABLE | Gfp.THISNODE, 0);
      if (p == PageAllocator.NO_PAGE) {
        break;
      }
      all.put(p, tag++);
    }
    boolean keep = true;
    for (Map.Entry<Long, Long> e : all.entrySet()) {
      if (keep) {
        o.pages.put(e.getKey(), e.getValue());
      } else {
        a.freePages(1, e.getKey(), 0);
      }
      keep = !keep;
    }
    a.drainAllPages();
    List<Long> tags = new ArrayList<>(o.pages.values());
    assertThat(pageblocksFree(a)).isZero();
    long free = a.nrFreePages();

    CompactResult r = a.compactZone(CompactControl.wholeZone(Zone.DMA32), o);

    // a whole-zone run ends when the scanners meet, on both nodes
    assertThat(r).isEqualTo(CompactResult.COMPLETE);
    // half of node 1 was free: packed into its top half, most of it in whole pageblocks
    assertThat(pageblocksFree(a))
        .isGreaterThanOrEqualTo(a.zoneStats(1, Zone.DMA32).free() / 512 - 1);
    assertThat(o.pages.values()).containsExactlyInAnyOrderElementsOf(tags);
    assertThat(o.pages.keySet()).allMatch(p -> p >= NODE1);
    assertThat(a.nrFreePages()).isEqualTo(free);
    a.checkInvariants();
  }

  // ---------------------------------------------------------------- check-invariants

  /** A reserve counted on node 1's empty Normal zone: no allocation reads it, the checker must. */
  private static void breakNode1(NumaBuddyAllocator a) {
    a.node(1).highAtomic().nrReserved[FreeArea.ZONE_NORMAL] = 512;
  }

  private static final String BROKEN =
      "zone Normal: nr_reserved_highatomic 512 but 0 HighAtomic pageblocks";

  @Test
  void checkInvariants_brokenNode1_isReportedByTheMachine() {
    NumaBuddyAllocator a = booted();
    a.checkInvariants();
    breakNode1(a);
    assertThatThrownBy(a::checkInvariants)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(BROKEN);
  }

  @Test
  void checkInvariantsSetting_on_checksAfterEveryCall() {
    NumaBuddyAllocator a = create(65536, true);
    BootHandOff.boot(a, TWO_NODES);
    long p = a.allocPages(1, Gfp.KERNEL | Gfp.MEMALLOC, 0);
    breakNode1(a);
    assertThatThrownBy(() -> a.allocPages(1, Gfp.KERNEL | Gfp.MEMALLOC, 0))
        .hasMessageContaining(BROKEN);
    assertThatThrownBy(() -> a.allocPages(1, Gfp.KERNEL, 0)).hasMessageContaining(BROKEN);
    assertThatThrownBy(() -> a.freePages(1, p, 0)).hasMessageContaining(BROKEN);
    assertThatThrownBy(() -> a.compactZone(CompactControl.wholeZone(Zone.DMA32), new Owner()))
        .hasMessageContaining(BROKEN);
  }

  @Test
  void checkInvariantsSetting_off_leavesTheCheckToTheCaller() {
    NumaBuddyAllocator a = starved();
    long p = a.allocPages(1, Gfp.KERNEL | Gfp.MEMALLOC, 0);
    breakNode1(a);
    long q = a.allocPages(1, Gfp.KERNEL | Gfp.MEMALLOC, 0);
    assertThat(q).isGreaterThan(NODE1);
    assertThat(a.allocPages(1, Gfp.KERNEL, 0)).isEqualTo(PageAllocator.NO_PAGE);
    a.freePages(1, p, 0);
    a.freePages(1, q, 0);
    a.drainAllPages();
    assertThat(a.nrFreePages()).isEqualTo(FRAMES);
    assertThat(a.compactZone(CompactControl.wholeZone(Zone.DMA32), new Owner()))
        .isEqualTo(CompactResult.COMPLETE);
  }

  @Test
  void allocPages_failingUntilTheDrain_succeedsOnTheRetry() {
    // min_free_kbytes 65520: pages_min 16380, node 1's DMA32 min 8190 (low 10237)
    NumaBuddyAllocator a = create(65520, false);
    BootHandOff.boot(a, TWO_NODES);
    assertThat(a.zoneStats(1, Zone.DMA32).min()).isEqualTo(8190);
    long p1 = a.allocPages(1, Gfp.KERNEL | Gfp.MEMALLOC | Gfp.THISNODE, 0);
    long p2 = a.allocPages(1, Gfp.KERNEL | Gfp.MEMALLOC | Gfp.THISNODE, 0);
    a.freePages(1, p1, 0);
    a.freePages(1, p2, 0);
    // 8190 pages on node 1's free lists, two more on CPU 1's list: not above min
    assertThat(a.zoneStats(1, Zone.DMA32).free()).isEqualTo(8190);

    long p = a.allocPages(1, Gfp.KERNEL | Gfp.THISNODE, 0);

    // the drain brought the free count to 8192: the retry passes min
    assertThat(p).isGreaterThanOrEqualTo(NODE1);
    assertThat(a.statistics().get("alloc_drain_retry")).isEqualTo(1);
    assertThat(a.statistics().get("pgalloc_fail")).isZero();
  }

  @Test
  void allocPages_preferredNode0FromCpu1_isServedThere() {
    NumaBuddyAllocator a = booted();
    assertThat(a.allocPages(1, Gfp.KERNEL, 0, 0, PageAllocator.ALL_NODES)).isLessThan(NODE1);
    assertThat(event(a, 0, Zone.DMA32, NumaStat.HIT)).isEqualTo(1);
    assertThat(event(a, 0, Zone.DMA32, NumaStat.OTHER)).isEqualTo(1);
  }

  @Test
  void allocPages_firstFramesOfANode_areHandedOutLikeAnyOther() {
    NumaBuddyAllocator a = booted();
    // node 0's first frame: an order-3 DMA block claimed from the first order-10 block
    assertThat(a.allocPages(0, Gfp.KERNEL | Gfp.DMA, 3)).isZero();
    // node 1's first frame, freed to CPU 1's list and handed out again from it (LIFO)
    assertThat(a.allocPages(1, Gfp.KERNEL, 0)).isEqualTo(NODE1);
    a.freePages(1, NODE1, 0);
    assertThat(a.allocPages(1, Gfp.KERNEL, 0)).isEqualTo(NODE1);
    assertThat(a.nrFreePages()).isEqualTo(FRAMES - 8 - 1);
  }
}
