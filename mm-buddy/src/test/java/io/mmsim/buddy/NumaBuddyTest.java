package io.mmsim.buddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mmsim.api.BadPageException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Memmap;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.NumaTopology;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.NumaStat;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.testkit.page.BootHandOff;

/** The buddy allocator on machines with several nodes: placement, fallback and NUMA counters. */
final class NumaBuddyTest {

  /** 64 MiB on two nodes: node 0 = PFNs [0, 8192) (DMA, DMA32), node 1 = [8192, 16384) (DMA32). */
  private static final long FRAMES = 16384;

  private static final long NODE1 = 8192;

  private static MemoryLayout layout(int nodes, int cpus, String distance) {
    return new MemoryLayout(FRAMES, cpus, NumaTopology.parse(FRAMES, cpus, nodes, distance, ""));
  }

  private static NumaBuddyAllocator booted(MemoryLayout layout) {
    NumaBuddyAllocator a =
        new NumaBuddyAllocator(
            layout, -1, 10, true, Buddies.LOGGER, new io.mmsim.api.trace.Tracer());
    BootHandOff.boot(a, layout);
    return a;
  }

  private static long event(PageAllocator a, int nid, Zone z, NumaStat s) {
    return a.numaEvent(nid, z, s);
  }

  @Test
  void provider_twoNodes_createsTheNodeAwareAllocator() {
    PageAllocator a =
        new BuddyProvider()
            .create(Buddies.context(layout(2, 2, "10,20"), new BuddyProvider().defaultSettings()));
    assertThat(a).isInstanceOf(NumaBuddyAllocator.class);
    assertThat(a.nodeAware()).isTrue();
  }

  @Test
  void allocPages_defaultPolicy_servesTheCpusNode() {
    NumaBuddyAllocator a = booted(layout(2, 2, "10,20"));
    long p0 = a.allocPages(0, Gfp.KERNEL, 0);
    long p1 = a.allocPages(1, Gfp.KERNEL, 3);
    assertThat(p0).isBetween(0L, NODE1 - 1);
    assertThat(p1).isBetween(NODE1, FRAMES - 1);
    assertThat(event(a, 0, Zone.DMA32, NumaStat.HIT)).isEqualTo(1);
    assertThat(event(a, 0, Zone.DMA32, NumaStat.LOCAL)).isEqualTo(1);
    // one event per allocation, whatever its order
    assertThat(event(a, 1, Zone.DMA32, NumaStat.HIT)).isEqualTo(1);
    assertThat(a.statistics().get("numa_hit")).isEqualTo(2);
    assertThat(a.statistics().get("numa_miss")).isZero();
  }

  @Test
  void allocPages_preferredRemoteNode_isAHitThereAndOtherForTheCpu() {
    NumaBuddyAllocator a = booted(layout(2, 2, "10,20"));
    long p = a.allocPages(0, Gfp.KERNEL, 0, 1, PageAllocator.ALL_NODES);
    assertThat(p).isGreaterThanOrEqualTo(NODE1);
    assertThat(event(a, 1, Zone.DMA32, NumaStat.HIT)).isEqualTo(1);
    assertThat(event(a, 1, Zone.DMA32, NumaStat.OTHER)).isEqualTo(1);
    assertThat(event(a, 1, Zone.DMA32, NumaStat.LOCAL)).isZero();
  }

  @Test
  void allocPages_nodeExhausted_fallsBackToTheNextNodeAsMissAndForeign() {
    NumaBuddyAllocator a = booted(layout(2, 2, "10,20"));
    // bind to node 1 until it is empty
    List<Long> taken = new ArrayList<>();
    long bound = 0;
    while (true) {
      long p = a.allocPages(0, Gfp.KERNEL | Gfp.THISNODE, 0, 1, 1L << 1);
      if (p == PageAllocator.NO_PAGE) {
        break;
      }
      assertThat(p).isGreaterThanOrEqualTo(NODE1);
      taken.add(p);
      bound++;
    }
    // node 1 gave what it had above its min watermark (a little more for its reserves)
    assertThat(a.nrFreePages(Zone.DMA32)).isGreaterThan(0);
    long hitsBefore = event(a, 1, Zone.DMA32, NumaStat.HIT);
    assertThat(hitsBefore).isEqualTo(bound);
    // CPU 1 (node 1) now gets node 0's memory: a miss on node 0, foreign on node 1's zone
    long p = a.allocPages(1, Gfp.KERNEL, 0);
    assertThat(p).isLessThan(NODE1);
    assertThat(event(a, 0, Zone.DMA32, NumaStat.MISS)).isEqualTo(1);
    assertThat(event(a, 0, Zone.DMA32, NumaStat.OTHER)).isEqualTo(1);
    assertThat(event(a, 1, Zone.DMA32, NumaStat.FOREIGN)).isEqualTo(1);
    a.freePages(1, p, 0);
    for (long q : taken) {
      a.freePages(0, q, 0);
    }
    a.drainAllPages();
    assertThat(a.nrFreePages()).isEqualTo(a.managedPages());
  }

  @Test
  void allocPages_thisNodeOrMask_neverLeavesTheAllowedNodes() {
    NumaBuddyAllocator a = booted(layout(2, 1, "10,20"));
    for (int i = 0; i < 100; i++) {
      assertThat(a.allocPages(0, Gfp.KERNEL, 2, PageAllocator.NUMA_NO_NODE, 1L << 1))
          .isGreaterThanOrEqualTo(NODE1);
      assertThat(a.allocPages(0, Gfp.KERNEL | Gfp.THISNODE, 0)).isLessThan(NODE1);
    }
  }

  @Test
  void allocPages_badNodeOrMask_isRefusedAndChangesNothing() {
    NumaBuddyAllocator a = booted(layout(2, 2, "10,20"));
    long free = a.nrFreePages();
    assertThatThrownBy(() -> a.allocPages(0, Gfp.KERNEL, 0, 2, PageAllocator.ALL_NODES))
        .hasMessageContaining("node 2 is outside 0..1");
    assertThatThrownBy(() -> a.allocPages(0, Gfp.KERNEL, 0, 0, 1L << 5))
        .hasMessageContaining("allows none of nodes 0..1");
    assertThat(a.nrFreePages()).isEqualTo(free);
  }

  @Test
  void freePages_badFreeOnNode1_namesTheMachinePfn() {
    NumaBuddyAllocator a = booted(layout(2, 2, "10,20"));
    long p = a.allocPages(1, Gfp.KERNEL, 1);
    assertThatThrownBy(() -> a.freePages(1, p, 0))
        .hasMessageContaining("0x" + Long.toHexString(p))
        .hasMessageContaining("wrong order");
    a.freePages(1, p, 1);
  }

  @Test
  void completeBoot_minFreeKbytes_comesFromTheWholeMachine() {
    NumaBuddyAllocator a = booted(layout(2, 2, "10,20"));
    long expected = Watermarks.calculateMinFreeKbytes(a.managedPages());
    assertThat(a.node(0).minFreeKbytes()).isEqualTo(expected);
    assertThat(a.node(1).minFreeKbytes()).isEqualTo(expected);
    // each zone gets its share by managed pages: the mins add up to pages_min, less rounding
    long sum = 0;
    for (int n = 0; n < 2; n++) {
      for (Zone z : Zone.values()) {
        sum += a.zoneStats(n, z).min();
      }
    }
    assertThat(sum).isBetween((expected >> 2) - 3, expected >> 2);
  }

  @Test
  void zonelist_byDistance_nearestFirstAndTiesWrapUpward() {
    long frames = 1L << 16;
    NumaTopology m = NumaTopology.parse(frames, 1, 3, "10,20,30;20,10,20;30,20,10", "");
    assertThat(Zonelist.build(m)[0]).containsExactly(0, 1, 2);
    assertThat(Zonelist.build(m)[2]).containsExactly(2, 1, 0);
    NumaTopology flat = NumaTopology.parse(frames, 1, 4, "10,20", "");
    assertThat(Zonelist.build(flat)[2]).containsExactly(2, 3, 0, 1);
    assertThat(Zonelist.build(flat)[0]).containsExactly(0, 1, 2, 3);
  }

  @Test
  void views_perNode_partitionTheMachine() {
    NumaBuddyAllocator a = booted(layout(2, 2, "10,20"));
    assertThat(a.zoneStats(1, Zone.DMA32).startPfn()).isEqualTo(NODE1);
    assertThat(a.zoneStats(1, Zone.DMA32).spanned()).isEqualTo(FRAMES - NODE1);
    assertThat(a.zoneStats(1, Zone.DMA).managed()).isZero();
    assertThat(a.zoneStats(0, Zone.DMA32).managed() + a.zoneStats(1, Zone.DMA32).managed())
        .isEqualTo(a.zoneStats(Zone.DMA32).managed());
    assertThat(
            a.pageTypeInfo(1, Zone.DMA32)
                .orElseThrow()
                .pageblocks(io.mmsim.api.mem.MigrateType.MOVABLE))
        .isEqualTo((FRAMES - NODE1) / 512);
  }

  @Test
  void memmap_twoNodes_oneSetOfWordsWithEachFrameAtItsPfn() {
    NumaBuddyAllocator a = booted(layout(2, 2, "10,20"));
    Memmap m = a.memmap();
    // each node's list heads after the frames: free lists of 3 zones x 5 types x 11 orders,
    // per-CPU lists of 2 CPUs x 3 zones x 3 types
    assertThat(m.frames()).isEqualTo(16384);
    assertThat(m.word0()).hasSize(16384 + 2 * (3 * 5 * 11 + 2 * 3 * 3));

    long p = a.allocPages(1, Gfp.KERNEL, 3);
    assertThat(p).isBetween(NODE1, FRAMES - 1);
    for (long f = p; f < p + 8; f++) {
      assertThat(m.clear(f)).as("words of pfn %d", f).isTrue();
    }
    m.word0()[(int) p] = 9;
    assertThatThrownBy(() -> a.freePages(1, p, 3))
        .isInstanceOf(BadPageException.class)
        .hasMessageStartingWith("page still in use: its words were not cleared by its owner (0x9");
    m.word0()[(int) p] = 0;
    a.freePages(1, p, 3);

    m.word1()[(int) p + 1] = 5; // inside the free block p went back into
    assertThatThrownBy(a::checkInvariants)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("(inside a free block) has words 0x0, 0x5");
    m.word1()[(int) p + 1] = 0;
    a.checkInvariants();
  }
}
