package io.mmsim.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.trace.Tracepoint;
import io.mmsim.api.trace.Tracer;
import io.mmsim.testkit.InvariantCheckExtension;
import io.mmsim.testkit.page.BootHandOff;

/**
 * The buddy allocator's events, in the order and with the values worked out by hand on a fresh 64
 * MiB machine (DMA32 holds twelve order-10 MOVABLE blocks from pfn 0x1000).
 */
final class BuddyTraceTest {

  @RegisterExtension final InvariantCheckExtension invariants = new InvariantCheckExtension();

  private static final MemoryLayout MB64 = new MemoryLayout(16384, 1);

  private final Tracer tracer = new Tracer();
  private final List<String> events = new ArrayList<>();

  private BuddyAllocator booted() {
    BuddyAllocator a =
        invariants.track(new BuddyAllocator(MB64, -1, 10, false, Buddies.LOGGER, tracer));
    BootHandOff.boot(a, MB64);
    tracer.subscribe(
        EnumSet.allOf(Tracepoint.class),
        e -> events.add(e.tracepoint().event() + ": " + e.appendFields(new StringBuilder())));
    return a;
  }

  @Test
  void allocOrder3_thenFree_splitsSevenTimesAndMergesBackToOrder10() {
    BuddyAllocator a = booted();
    long pfn = a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 3);
    assertThat(pfn).isEqualTo(0x1000);
    List<String> expected = new ArrayList<>();
    expected.add("buddy_rmqueue: zone=DMA32 migratetype=1 order=3 from_order=10 pfn=0x1000");
    // the upper half of each split goes on the free list: 0x1200 (order 9) ... 0x1008 (order 3)
    for (int o = 9; o >= 3; o--) {
      expected.add(
          "buddy_split: pfn=0x1000 buddy=0x"
              + Integer.toHexString(0x1000 + (1 << o))
              + " order="
              + o
              + " zone=DMA32 migratetype=1");
    }
    expected.add(
        "mm_page_alloc_zone_locked: page=ffffea0000040000 pfn=0x1000 order=3 migratetype=1"
            + " percpu_refill=0");
    expected.add(
        "mm_page_alloc: page=ffffea0000040000 pfn=0x1000 order=3 migratetype=1"
            + " gfp_flags=GFP_HIGHUSER_MOVABLE");
    assertThat(events).containsExactlyElementsOf(expected);

    events.clear();
    a.freePages(0, pfn, 3);
    expected.clear();
    expected.add("mm_page_free: page=ffffea0000040000 pfn=0x1000 order=3");
    for (int o = 3; o <= 9; o++) {
      expected.add(
          "buddy_merge: pfn=0x1000 buddy=0x"
              + Integer.toHexString(0x1000 ^ (1 << o))
              + " order="
              + o
              + " merged=0x1000 zone=DMA32");
    }
    expected.add(
        "buddy_free_block: pfn=0x1000 order=10 zone=DMA32 migratetype=1 buddy=none to_tail=0");
    assertThat(events).containsExactlyElementsOf(expected);
  }

  @Test
  void firstOrder0_refillsThePerCpuListWithABatch_thenTakesItsHead() {
    BuddyAllocator a = booted();
    long pfn = a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0);
    // batch of DMA32 (12288 pages): 12288 >> 10 = 12, / 4 = 3, rounddown_pow_of_two(4) - 1 = 3
    assertThat(pfn).isEqualTo(0x1000);
    assertThat(events)
        .filteredOn(l -> l.startsWith("mm_page_alloc_zone_locked"))
        .extracting(l -> l.substring(l.indexOf("pfn=")))
        .containsExactly(
            "pfn=0x1000 order=0 migratetype=1 percpu_refill=1",
            "pfn=0x1001 order=0 migratetype=1 percpu_refill=1",
            "pfn=0x1002 order=0 migratetype=1 percpu_refill=1");
    assertThat(events)
        .filteredOn(l -> l.startsWith("buddy_split"))
        .as("ten splits for the first page, one for the third (0x1002 off order 1)")
        .hasSize(11);
    assertThat(events.subList(events.size() - 3, events.size()))
        .containsExactly(
            "pcp_refill: zone=DMA32 migratetype=1 pages=3 batch=3",
            "pcp_alloc: zone=DMA32 migratetype=1 pfn=0x1000 count=2",
            "mm_page_alloc: page=ffffea0000040000 pfn=0x1000 order=0 migratetype=1"
                + " gfp_flags=GFP_HIGHUSER_MOVABLE");

    events.clear();
    assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0)).isEqualTo(0x1001);
    assertThat(events)
        .as("a per-CPU hit takes no zone lock")
        .containsExactly(
            "pcp_alloc: zone=DMA32 migratetype=1 pfn=0x1001 count=1",
            "mm_page_alloc: page=ffffea0000040040 pfn=0x1001 order=0 migratetype=1"
                + " gfp_flags=GFP_HIGHUSER_MOVABLE");
  }

  @Test
  void freeOrder0_goesToThePerCpuList_andADrainSendsItBack() {
    BuddyAllocator a = booted();
    long pfn = a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0);
    events.clear();
    a.freePages(0, pfn, 0);
    // high = 6 * batch = 18; the list holds the two pages left from the refill, plus this one
    assertThat(events)
        .containsExactly(
            "mm_page_free: page=ffffea0000040000 pfn=0x1000 order=0",
            "pcp_free: zone=DMA32 migratetype=1 pfn=0x1000 count=3 high=18");
    events.clear();
    a.drainAllPages();
    assertThat(events.get(0))
        .isEqualTo("pcp_free_bulk: zone=DMA32 pages=3 count=3 high=18 reason=drain");
    assertThat(events).filteredOn(l -> l.startsWith("mm_page_pcpu_drain")).hasSize(3);
    assertThat(events.get(events.size() - 1))
        .as("the last page back rebuilds the order-10 block")
        .startsWith("mm_page_pcpu_drain");
    assertThat(events)
        .contains(
            "buddy_free_block: pfn=0x1000 order=10 zone=DMA32 migratetype=1 buddy=none"
                + " to_tail=0");
  }

  @Test
  void failedAllocation_reportsANullPage() {
    BuddyAllocator a = booted();
    // DMA has four order-10 blocks; taking them runs it below its watermarks, then dry
    while (a.allocPages(0, Gfp.GFP_DMA, 10) >= 0) {
      events.clear();
    }
    assertThat(events.get(events.size() - 1))
        .isEqualTo(
            "mm_page_alloc: page=0000000000000000 pfn=0x0 order=10 migratetype=0"
                + " gfp_flags=GFP_DMA");
  }

  @Test
  void noListener_noEventAndNoClock() {
    BuddyAllocator a = invariants.track(new BuddyAllocator(MB64, -1, 10, false, "x", tracer));
    BootHandOff.boot(a, MB64);
    a.freePages(0, a.allocPages(0, Gfp.KERNEL, 3), 3);
    assertThat(tracer.clockNanos()).isZero();
  }
}
