package io.mmsim.api.trace;

import static io.mmsim.api.trace.ExplainLines.hex;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the events of one step (a workload line, an API call) into plain sentences that say what
 * the kernel did and why: the buddy allocator's search, splits and merges with their pfns, the slab
 * cache an object came from, a fault's error code bit by bit and what handled it, a page walk level
 * by level, the pages reclaim chose.
 *
 * <p>Subscribe it to every tracepoint ({@code tracer.subscribe(EnumSet.allOf(Tracepoint.class),
 * explainer)}), run the step, then call {@link #explain()}: it returns the step's sentences and
 * forgets its events. A step keeps at most {@link #MAX_EVENTS} events and gives at most {@link
 * #MAX_LINES} lines, so that a long memory trace stays readable; the rest is counted, not shown.
 * Lines are indented by two spaces per level: a step's own sentences at level 1, details under them
 * at level 2. Milestones (kswapd waking and sleeping, direct reclaim, an OOM kill, compaction runs)
 * are explained past both limits, up to {@link #MAX_MILESTONES} more, so that a long step still
 * says when reclaim ran.
 */
public final class Explainer implements TraceListener {

  /** The most events one step keeps. */
  public static final int MAX_EVENTS = 4096;

  /** The most lines one step prints. */
  public static final int MAX_LINES = 80;

  /** The most milestone events one step keeps and explains past the other limits. */
  public static final int MAX_MILESTONES = 40;

  private final List<TraceEvent> events = new ArrayList<>();
  private long dropped;
  private int milestones;

  /** An explainer with no events yet. */
  public Explainer() {}

  @Override
  public void event(TraceEvent event) {
    if (events.size() < MAX_EVENTS) {
      events.add(event.copy());
    } else if (milestone(event.tracepoint()) && milestones < MAX_MILESTONES) {
      events.add(event.copy());
      milestones++;
    } else {
      dropped++;
    }
  }

  /** Events explained past the limits: when reclaim, the OOM killer and compaction ran. */
  private static boolean milestone(Tracepoint t) {
    return switch (t) {
      case MM_VMSCAN_WAKEUP_KSWAPD,
          MM_VMSCAN_KSWAPD_WAKE,
          MM_VMSCAN_KSWAPD_SLEEP,
          ZONE_WATERMARK,
          MM_VMSCAN_DIRECT_RECLAIM_BEGIN,
          MM_VMSCAN_DIRECT_RECLAIM_END,
          MARK_VICTIM,
          MM_COMPACTION_KCOMPACTD_WAKE,
          MM_COMPACTION_BEGIN,
          MM_COMPACTION_END ->
          true;
      default -> false;
    };
  }

  /** True when no event arrived since the last {@link #explain()}. */
  public boolean isEmpty() {
    return events.isEmpty() && dropped == 0;
  }

  /** The sentences for the events since the last call (indented lines), and forgets them. */
  public List<String> explain() {
    ExplainLines out = new ExplainLines();
    List<TraceEvent> pending = new ArrayList<>();
    for (TraceEvent e : events) {
      if (e.tracepoint() == Tracepoint.PCP_ALLOC || e.tracepoint() == Tracepoint.PCP_REFILL) {
        out.allocating();
      }
      switch (e.tracepoint()) {
        case BUDDY_RMQUEUE, BUDDY_SPLIT, MM_PAGE_ALLOC_ZONE_LOCKED, MM_PAGE_ALLOC_EXTFRAG -> {
          out.allocating();
          pending.add(e);
        }
        case PCP_REFILL -> {
          AllocExplainer.refill(out, e, pending);
          pending.clear();
        }
        default -> {
          AllocExplainer.takes(out, pending, 1);
          pending.clear();
          out.milestone = milestone(e.tracepoint());
          one(out, e);
          out.milestone = false;
        }
      }
    }
    AllocExplainer.takes(out, pending, 1);
    events.clear();
    milestones = 0;
    if (dropped > 0) {
      out.add(
          1, dropped + " more events not explained (this step made more than " + MAX_EVENTS + ")");
      dropped = 0;
    }
    return out.finish();
  }

  private static void one(ExplainLines out, TraceEvent e) {
    if (AllocExplainer.explain(out, e)
        || FaultExplainer.explain(out, e)
        || ReclaimExplainer.explain(out, e)) {
      return;
    }
    switch (e.tracepoint()) {
      case TLB_FLUSH ->
          out.add(
              2,
              "TLB flush on CPU "
                  + e.cpu()
                  + " ("
                  + TlbFlushReason.name((int) e.arg("reason"))
                  + "): "
                  + (e.arg("pages") == Tracer.TLB_FLUSH_ALL
                      ? "every entry"
                      : e.arg("pages") + " page" + (e.arg("pages") == 1 ? "" : "s")));
      case ALLOC_VMAP_AREA ->
          out.add(
              1,
              e.arg("failed") != 0
                  ? "vmalloc: no free range of "
                      + e.arg("size")
                      + " bytes in "
                      + hex(e.arg("vstart"))
                      + "-"
                      + hex(e.arg("vend"))
                  : "vmalloc: the range "
                      + hex(e.arg("addr"))
                      + "-"
                      + hex(e.arg("addr") + e.arg("size") - 1)
                      + " ("
                      + e.arg("size")
                      + " bytes with its guard page) is the first free fit in "
                      + hex(e.arg("vstart"))
                      + "-"
                      + hex(e.arg("vend")));
      case FREE_VMAP_AREA_NOFLUSH ->
          out.add(
              1,
              "vmalloc: the range at "
                  + hex(e.arg("va_start"))
                  + " is freed lazily ("
                  + e.arg("nr_lazy")
                  + " of "
                  + e.arg("nr_lazy_max")
                  + " lazy pages before a purge): no TLB flush yet");
      case PURGE_VMAP_AREA_LAZY ->
          out.add(
              1,
              "vmalloc: "
                  + e.arg("npurged")
                  + " lazily freed ranges in "
                  + hex(e.arg("start"))
                  + "-"
                  + hex(e.arg("end"))
                  + " are purged with one TLB flush");
      default -> out.add(2, e.tracepoint().event() + ": " + e.appendFields(new StringBuilder()));
    }
  }
}
