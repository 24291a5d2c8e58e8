package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.swap.ReclaimMode;
import io.mmsim.api.trace.LruList;
import io.mmsim.api.trace.ReclaimWb;
import io.mmsim.api.trace.TraceEvent;
import io.mmsim.api.trace.Tracepoint;

/**
 * The tracepoints of one kswapd run, in the order the kernel emits them (mm/vmscan.c:
 * wakeup_kswapd, then kswapd's balance_pgdat: mm_vmscan_kswapd_wake, one shrink_inactive_list batch
 * with its isolate and shrink_inactive events, each page written by pageout, and
 * mm_vmscan_kswapd_sleep), plus mmsim's own victim, swap-out and watermark events.
 */
final class ReclaimTraceTest {
  private static final EnumSet<Tracepoint> POINTS =
      EnumSet.of(
          Tracepoint.ZONE_WATERMARK,
          Tracepoint.MM_VMSCAN_WAKEUP_KSWAPD,
          Tracepoint.MM_VMSCAN_KSWAPD_WAKE,
          Tracepoint.MM_VMSCAN_KSWAPD_SLEEP,
          Tracepoint.SHRINK_BEGIN,
          Tracepoint.RECLAIM_VICTIM,
          Tracepoint.SWAP_OUT,
          Tracepoint.MM_VMSCAN_WRITE_FOLIO,
          Tracepoint.MM_VMSCAN_LRU_ISOLATE,
          Tracepoint.MM_VMSCAN_LRU_SHRINK_INACTIVE);

  private static final int WB = ReclaimWb.RECLAIM_WB_ANON | ReclaimWb.RECLAIM_WB_ASYNC;

  /** Each event as "TRACEPOINT comm arg0 arg1 ... [text0 text1]" with its tracepoint's args. */
  private static List<String> record(MiniKernel k) {
    List<String> out = new ArrayList<>();
    k.tracer.subscribe(POINTS, e -> out.add(line(e)));
    return out;
  }

  private static String line(TraceEvent e) {
    int args =
        switch (e.tracepoint()) {
          case ZONE_WATERMARK -> 6;
          case MM_VMSCAN_WAKEUP_KSWAPD -> 4;
          case MM_VMSCAN_KSWAPD_WAKE, SWAP_OUT, RECLAIM_VICTIM -> 3;
          case MM_VMSCAN_KSWAPD_SLEEP -> 1;
          case SHRINK_BEGIN, MM_VMSCAN_WRITE_FOLIO -> 2;
          default -> 8;
        };
    StringJoiner j = new StringJoiner(" ");
    j.add(e.tracepoint().name()).add(e.comm());
    for (int i = 0; i < args; i++) {
      j.add(Long.toString(e.arg(i)));
    }
    if (e.tracepoint() == Tracepoint.SHRINK_BEGIN || e.tracepoint() == Tracepoint.RECLAIM_VICTIM) {
      j.add(e.text(0));
    }
    if (e.tracepoint() == Tracepoint.SHRINK_BEGIN) {
      j.add(e.text(1));
    }
    return j.toString();
  }

  @Test
  void kswapd_oneBatch_eventsInKernelOrderWithHandCountedArguments() {
    // 55 pages written (vpn v in frame v + 1); free 8 < low 9 wakes kswapd, one batch of 32
    // pages makes free 40 >= high 12
    MiniKernel k = new MiniKernel(64, Policies.create("lru"), Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    for (long v = 0; v < 55; v++) {
      assertThat(k.writePattern(1, v, v + 1)).isTrue();
    }
    k.watermarks(9, 12);
    List<String> events = record(k);

    assertThat(k.swap.kswapd(k.global, k.globalRc)).isEqualTo(32);

    List<String> expected = new ArrayList<>();
    // the allocating task compares the summed watermarks (min is half of low here) and wakes
    expected.add("ZONE_WATERMARK mm 0 -1 8 4 9 12");
    expected.add("MM_VMSCAN_WAKEUP_KSWAPD mm 0 0 0 " + Gfp.HIGHUSER_MOVABLE);
    expected.add("MM_VMSCAN_KSWAPD_WAKE kswapd0 0 0 0");
    expected.add("SHRINK_BEGIN kswapd0 32 55 kswapd lru");
    for (int i = 1; i <= 32; i++) {
      // the oldest pages first, each in a new slot of area 0 (slot 0 is the header), written
      expected.add("RECLAIM_VICTIM kswapd0 " + i + " " + i + " 0 lru");
      expected.add("SWAP_OUT kswapd0 " + i + " 0 " + i);
      expected.add("MM_VMSCAN_WRITE_FOLIO kswapd0 " + i + " " + WB);
    }
    expected.add("MM_VMSCAN_LRU_ISOLATE kswapd0 0 0 32 32 0 32 0 " + LruList.LRU_INACTIVE_ANON);
    expected.add(
        "MM_VMSCAN_LRU_SHRINK_INACTIVE kswapd0 0 32 32 32 0 0 12 "
            + (ReclaimWb.RECLAIM_WB_ASYNC | ReclaimWb.RECLAIM_WB_ANON));
    expected.add("ZONE_WATERMARK kswapd0 0 0 40 4 9 12");
    expected.add("MM_VMSCAN_KSWAPD_SLEEP kswapd0 0");
    assertThat(events).containsExactlyElementsOf(expected);

    // kswapd went back to sleep: a direct reclaim runs in the caller's task again
    events.clear();
    assertThat(k.swap.shrink(k.global, k.globalRc, 1, ReclaimMode.DIRECT)).isEqualTo(1);
    assertThat(events.get(0)).isEqualTo("SHRINK_BEGIN mm 1 23 direct lru");
    assertThat(events).hasSize(1 + 3 + 2);
    k.checkInvariants();
  }

  @Test
  void kswapd_balancedAtOnce_wakesAndSleepsWithoutAShrink() {
    MiniKernel k = new MiniKernel(64, Policies.create("lru"), Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    for (long v = 0; v < 55; v++) {
      k.writePattern(1, v, v + 1);
    }
    List<String> events = record(k);
    assertThat(k.swap.balancePgdat(k.global, k.globalRc, 0, 2, 0, r -> true)).isZero();
    assertThat(events)
        .containsExactly("MM_VMSCAN_KSWAPD_WAKE kswapd0 0 0 2", "MM_VMSCAN_KSWAPD_SLEEP kswapd0 0");
  }
}
