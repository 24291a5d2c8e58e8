package io.mmsim.api.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.paging.ErrorCode;

/** Sentences from events: the numbers in them are the events' own, worked by hand here. */
final class ExplainerTest {
  private final Tracer tracer = new Tracer();
  private final Explainer explainer = new Explainer();

  ExplainerTest() {
    tracer.subscribe(EnumSet.allOf(Tracepoint.class), explainer);
  }

  @Test
  void order3FromAnOrder10Block_namesEachSplitWithBothHalvesAndTheXor() {
    // an order-10 block at 0x1000 split down to order 3: the upper halves are 0x1200, 0x1100,
    // 0x1080, 0x1040, 0x1020, 0x1010, 0x1008 (0x1000 + 2^k for k = 9..3)
    tracer.buddyRmqueue(0x1000, 3, 10, 2, 0);
    for (int k = 9; k >= 3; k--) {
      tracer.buddySplit(0x1000, k, 0x1000 + (1 << k), 2, 0);
    }
    tracer.mmPageAllocZoneLocked(0, 0x1000, 3, 0, false);
    tracer.mmPageAlloc(0, 0x1000, 3, 0, Gfp.KERNEL);

    List<String> lines = explainer.explain();

    assertThat(lines.get(0))
        .contains("searched from order 3 up")
        .contains("orders 3..9 are empty")
        .contains("order 10 has block pfn 0x1000");
    assertThat(lines)
        .contains(
            "    split order 10 block pfn 0x1000 into two order-9 halves pfn 0x1000 and pfn 0x1200"
                + " (pfn 0x1000 ^ (1<<9) = pfn 0x1200); pfn 0x1200 goes on the order-9 free list",
            "    split order 4 block pfn 0x1000 into two order-3 halves pfn 0x1000 and pfn 0x1008"
                + " (pfn 0x1000 ^ (1<<3) = pfn 0x1008); pfn 0x1008 goes on the order-3 free list");
    assertThat(lines.stream().filter(l -> l.contains("split order")).count()).isEqualTo(7);
    // 8 pages of 4 KiB from 0x1000000: the last byte is 0x1007fff
    assertThat(lines.get(lines.size() - 1))
        .isEqualTo(
            "  allocated 8 pages (order 3) at pfn 0x1000 (physical 0x1000000-0x1007fff,"
                + " Unmovable)");
    assertThat(explainer.isEmpty()).isTrue();
  }

  @Test
  void freeThatMergesTwice_namesTheBuddiesAndTheMergedBlock() {
    // 0x1008 (order 3) merges with 0x1000, then the order-4 block 0x1000 with 0x1010
    tracer.mmPageFree(0, 0x1008, 3);
    tracer.buddyMerge(0x1008, 0x1000, 3, 2);
    tracer.buddyMerge(0x1000, 0x1010, 4, 2);
    tracer.buddyFreeBlock(0x1000, 5, 2, 0, 0x1020, false);

    List<String> lines = explainer.explain();

    assertThat(lines)
        .containsExactly(
            "  free 8 pages (order 3) at pfn 0x1008",
            "    merge: buddy of pfn 0x1008 at order 3 is pfn 0x1008 ^ (1<<3) = pfn 0x1000, which"
                + " is free: together an order-4 block at pfn 0x1000",
            "    merge: buddy of pfn 0x1000 at order 4 is pfn 0x1000 ^ (1<<4) = pfn 0x1010, which"
                + " is free: together an order-5 block at pfn 0x1000",
            "    order-5 block pfn 0x1000 goes on the order-5 free list of Normal/Unmovable (its"
                + " buddy pfn 0x1000 ^ (1<<5) = pfn 0x1020 is not a free order-5 block: no merge)");
  }

  @Test
  void userWriteFault_decodesTheErrorCodeBitByBit() {
    tracer.pageFaultUser(0, 0x7f0000001234L, 0, ErrorCode.WRITE | ErrorCode.USER);

    List<String> lines = explainer.explain();

    assertThat(lines.get(0))
        .isEqualTo("  page fault at CR2 = 0x7f0000001234, error code 0x6: not-present page");
    assertThat(lines.get(1))
        .isEqualTo("    bit 0 P=0 (no page), bit 1 W=1 (write), bit 2 U=1 (user mode)");
  }

  @Test
  void aStepWithMoreEventsThanTheCap_countsTheRest() {
    for (int i = 0; i < Explainer.MAX_EVENTS + 5; i++) {
      tracer.mmPageFree(0, i, 0);
    }

    List<String> lines = explainer.explain();

    assertThat(lines).hasSize(Explainer.MAX_LINES + 1);
    assertThat(lines.get(lines.size() - 1)).contains("more lines");
    assertThat(explainer.explain()).isEmpty();
  }

  @Test
  void aLongStep_stillExplainsWhenKswapdRan() {
    for (int i = 0; i < Explainer.MAX_EVENTS + 5; i++) {
      tracer.mmPageFree(0, i, 0);
    }
    tracer.zoneWatermark(0, -1, 273, 220, 274, 328);
    tracer.mmVmscanWakeupKswapd(0, 1, 0, io.mmsim.api.mem.Gfp.HIGHUSER_MOVABLE);
    tracer.enterTask(Tracer.kswapdComm(0), Tracer.KTHREAD_PID);
    tracer.mmVmscanKswapdWake(0, 1, 0);
    tracer.mmVmscanKswapdSleep(0);
    tracer.leaveTask();

    List<String> lines = explainer.explain();

    assertThat(lines)
        .hasSize(Explainer.MAX_LINES + 5)
        .containsSubsequence(
            "    free pages of node 0: 273 (watermarks min 220, low 274, high 328): 273 < low 274",
            "  free pages are below the low watermark: wake kswapd of node 0 to reclaim for zones up"
                + " to DMA32",
            "  kswapd0 wakes to balance node 0 (order 0): it reclaims until free pages reach the"
                + " high watermark",
            "  kswapd0 is done and goes back to sleep");
    assertThat(lines.get(lines.size() - 1)).contains("more lines");
  }
}
