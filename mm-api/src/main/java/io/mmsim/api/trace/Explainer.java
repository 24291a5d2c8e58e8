package io.mmsim.api.trace;

import java.util.ArrayList;
import java.util.List;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.Pte;

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

  /** Steps of a per-CPU refill shown in full before the rest is summed up. */
  private static final int REFILL_DETAIL = 1;

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
    Lines out = new Lines();
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
          refill(out, e, pending);
          pending.clear();
        }
        default -> {
          takes(out, pending, 1);
          pending.clear();
          out.milestone = milestone(e.tracepoint());
          one(out, e);
          out.milestone = false;
        }
      }
    }
    takes(out, pending, 1);
    events.clear();
    milestones = 0;
    if (dropped > 0) {
      out.add(
          1, dropped + " more events not explained (this step made more than " + MAX_EVENTS + ")");
      dropped = 0;
    }
    return out.finish();
  }

  // ------------------------------------------------------------------ buddy

  /** Blocks taken off the free lists (rmqueue, splits), shown in full. */
  private static void takes(Lines out, List<TraceEvent> pending, int level) {
    for (TraceEvent e : pending) {
      switch (e.tracepoint()) {
        case BUDDY_RMQUEUE -> {
          long order = e.arg("order");
          long from = e.arg("from_order");
          String where = zoneMt(e.arg("zone"), e.arg("migratetype"));
          if (from == order) {
            out.add(
                level,
                "buddy: the order-"
                    + order
                    + " free list of "
                    + where
                    + " has block "
                    + pfn(e.arg("pfn"))
                    + ": taken whole, no split needed");
          } else {
            out.add(
                level,
                "buddy: free lists of "
                    + where
                    + " searched from order "
                    + order
                    + " up: "
                    + (from - 1 == order
                        ? "order " + order + " is"
                        : "orders " + range(order, from - 1) + " are")
                    + " empty, order "
                    + from
                    + " has block "
                    + pfn(e.arg("pfn"))
                    + ": take it and split it down to order "
                    + order);
          }
        }
        case BUDDY_SPLIT -> {
          long p = e.arg("pfn");
          long o = e.arg("order");
          long b = e.arg("buddy");
          out.add(
              level + 1,
              "split order "
                  + (o + 1)
                  + " block "
                  + pfn(p)
                  + " into two order-"
                  + o
                  + " halves "
                  + pfn(p)
                  + " and "
                  + pfn(b)
                  + " ("
                  + pfn(p)
                  + " ^ (1<<"
                  + o
                  + ") = "
                  + pfn(b)
                  + "); "
                  + pfn(b)
                  + " goes on the order-"
                  + o
                  + " free list");
        }
        case MM_PAGE_ALLOC_EXTFRAG -> {
          out.add(
              level,
              "no "
                  + mt(e.arg("alloc_migratetype"))
                  + " block of order "
                  + e.arg("alloc_order")
                  + " or more: fell back to a "
                  + mt(e.arg("fallback_migratetype"))
                  + " block of order "
                  + e.arg("fallback_order")
                  + " at "
                  + pfn(e.arg("pfn"))
                  + (e.arg("change_ownership") != 0
                      ? ", and its pageblock now belongs to " + mt(e.arg("alloc_migratetype"))
                      : " (stolen; its pageblock keeps its type)"));
        }
        default -> {
          // mm_page_alloc_zone_locked: the take the lines above describe
        }
      }
    }
  }

  /** A per-CPU list refilled from the buddy lists: the first take in full, the rest summed up. */
  private static void refill(Lines out, TraceEvent e, List<TraceEvent> pending) {
    long cpu = e.cpu();
    out.add(
        1,
        "per-CPU list of CPU "
            + cpu
            + " ("
            + zoneMt(e.arg("zone"), e.arg("migratetype"))
            + ") is empty: refill it with "
            + e.arg("pages")
            + " order-0 pages (batch "
            + e.arg("batch")
            + ") from the buddy free lists");
    int shown = 0;
    int splits = 0;
    int more = 0;
    List<TraceEvent> first = new ArrayList<>();
    for (TraceEvent t : pending) {
      if (t.tracepoint() == Tracepoint.BUDDY_RMQUEUE) {
        shown++;
      }
      if (shown <= REFILL_DETAIL) {
        first.add(t);
      } else if (t.tracepoint() == Tracepoint.BUDDY_SPLIT) {
        splits++;
      } else if (t.tracepoint() == Tracepoint.BUDDY_RMQUEUE) {
        more++;
      }
    }
    takes(out, first, 2);
    if (more > 0) {
      out.add(
          2,
          "then "
              + more
              + " more take"
              + (more == 1 ? "" : "s")
              + " from the free lists with "
              + splits
              + " more split"
              + (splits == 1 ? "" : "s")
              + " (--trace mmsim:* shows each)");
    }
  }

  private static void one(Lines out, TraceEvent e) {
    switch (e.tracepoint()) {
      case MM_PAGE_ALLOC -> {
        out.allocating();
        long p = e.arg("pfn");
        long order = e.arg("order");
        if (p == -1) {
          out.add(1, "page allocation of order " + order + " failed: no free block");
        } else {
          out.add(
              1,
              "allocated "
                  + pages(order)
                  + " at "
                  + pfn(p)
                  + " (physical "
                  + hex(p << Page.PAGE_SHIFT)
                  + "-"
                  + hex(((p + (1L << order)) << Page.PAGE_SHIFT) - 1)
                  + ", "
                  + mt(e.arg("migratetype"))
                  + ")");
        }
      }
      case PCP_ALLOC ->
          out.add(
              1,
              "order-0 page "
                  + pfn(e.arg("pfn"))
                  + " from CPU "
                  + e.cpu()
                  + "'s per-CPU list ("
                  + zoneMt(e.arg("zone"), e.arg("migratetype"))
                  + "), "
                  + e.arg("count")
                  + " pages left on it");
      case MM_PAGE_FREE -> out.add(1, "free " + pages(e.arg("order")) + " at " + pfn(e.arg("pfn")));
      case PCP_FREE ->
          out.add(
              2,
              "order-0 pages go to CPU "
                  + e.cpu()
                  + "'s per-CPU list first: now "
                  + e.arg("count")
                  + " pages, high mark "
                  + e.arg("high"));
      case PCP_FREE_BULK ->
          out.add(
              1,
              (e.arg("drain") != 0
                      ? "drain CPU " + e.cpu() + "'s per-CPU list"
                      : "CPU " + e.cpu() + "'s per-CPU list reached its high mark " + e.arg("high"))
                  + ": "
                  + e.arg("pages")
                  + " of its "
                  + e.arg("count")
                  + " pages go back to the buddy free lists");
      case MM_PAGE_PCPU_DRAIN -> {
        // the merges and free blocks that follow say where each page went
      }
      case BUDDY_MERGE -> {
        long p = e.arg("pfn");
        long b = e.arg("buddy");
        long o = e.arg("order");
        out.add(
            2,
            "merge: buddy of "
                + pfn(p)
                + " at order "
                + o
                + " is "
                + pfn(p)
                + " ^ (1<<"
                + o
                + ") = "
                + pfn(b)
                + ", which is free: together an order-"
                + (o + 1)
                + " block at "
                + pfn(p & b));
      }
      case BUDDY_FREE_BLOCK -> {
        long b = e.arg("buddy");
        long o = e.arg("order");
        out.add(
            2,
            "order-"
                + o
                + " block "
                + pfn(e.arg("pfn"))
                + " goes on the order-"
                + o
                + " free list of "
                + zoneMt(e.arg("zone"), e.arg("migratetype"))
                + (b < 0
                    ? " (the largest order: no merging beyond)"
                    : " (its buddy "
                        + pfn(e.arg("pfn"))
                        + " ^ (1<<"
                        + o
                        + ") = "
                        + pfn(b)
                        + " is not a free order-"
                        + o
                        + " block: no merge)"));
      }
      case KMALLOC -> {
        long req = e.arg("bytes_req");
        long got = e.arg("bytes_alloc");
        String why;
        if (e.arg("ptr") == 0) {
          why = "failed: no memory";
        } else if (out.lastCache != null && got <= 2 * Page.PAGE_SIZE) {
          why =
              "cache "
                  + out.lastCache
                  + ", the smallest kmalloc size class that holds "
                  + req
                  + " bytes ("
                  + got
                  + "-byte objects)";
        } else {
          why =
              "above the largest kmalloc size class: "
                  + got / Page.PAGE_SIZE
                  + " whole pages straight from the page allocator";
        }
        out.head(
            "kmalloc("
                + req
                + ") = "
                + ptr(e.arg("ptr"))
                + ": "
                + why
                + (got > req && e.arg("ptr") != 0 ? "; " + (got - req) + " bytes unused" : ""));
        out.lastCache = null;
      }
      case KFREE -> out.free("kfree(" + ptr(e.arg("ptr")) + ")");
      case KMEM_CACHE_ALLOC -> {
        out.head("kmem_cache_alloc(" + e.text("name") + ") = " + ptr(e.arg("ptr")));
        out.lastCache = null;
      }
      case KMEM_CACHE_FREE ->
          out.free("kmem_cache_free(" + e.text("name") + ", " + ptr(e.arg("ptr")) + ")");
      case SLAB_ALLOC -> {
        out.allocating();
        out.lastCache = e.text("cache");
        out.add(
            2,
            "object "
                + ptr(e.arg("ptr"))
                + " of cache "
                + e.text("cache")
                + " from "
                + e.text("path"));
      }
      case SLAB_FREE ->
          out.add(2, "object of cache " + e.text("cache") + " back to " + e.text("path"));
      case NEW_SLAB -> {
        out.allocating();
        out.add(
            2,
            "cache "
                + e.text("cache")
                + " has no free object: a new slab of order "
                + e.arg("order")
                + " ("
                + (1L << e.arg("order"))
                + (e.arg("order") == 0 ? " page" : " pages")
                + ") at "
                + pfn(e.arg("pfn"))
                + " from the page allocator, "
                + e.arg("objects")
                + " objects");
      }
      case DISCARD_SLAB ->
          out.add(
              2,
              "a slab of cache "
                  + e.text("cache")
                  + " is empty and not needed: its "
                  + pages(e.arg("order"))
                  + " at "
                  + pfn(e.arg("pfn"))
                  + " go back to the page allocator");
      case PAGE_FAULT_USER, PAGE_FAULT_KERNEL -> fault(out, e);
      case FAULT_VMA ->
          out.add(
              2,
              "the address lies in the area "
                  + hex(e.arg("start"))
                  + "-"
                  + hex(e.arg("end"))
                  + " "
                  + Prot.format((int) e.arg("prot"))
                  + (e.arg("shared") != 0 ? "s" : "p")
                  + " ("
                  + e.text("backing")
                  + ")");
      case DO_ANONYMOUS_PAGE ->
          out.add(
              2,
              e.arg("zero_page") != 0
                  ? "do_anonymous_page: a read of a page never written maps the shared zero page "
                      + pfn(e.arg("pfn"))
                      + " read-only"
                  : "do_anonymous_page: a new zeroed page " + pfn(e.arg("pfn")) + " is mapped");
      case DO_WP_PAGE ->
          out.add(
              2,
              e.arg("copied") != 0
                  ? "do_wp_page: write to a page shared copy-on-write: copied "
                      + pfn(e.arg("old_pfn"))
                      + " to a new page "
                      + pfn(e.arg("new_pfn"))
                  : "do_wp_page: write to a write-protected page nobody else maps: "
                      + pfn(e.arg("old_pfn"))
                      + " made writable in place");
      case DO_FILE_PAGE ->
          out.add(
              2,
              "file page at offset "
                  + e.arg("offset")
                  + (e.arg("cached") != 0 ? " found in the page cache" : " read in")
                  + ", frame "
                  + pfn(e.arg("pfn")));
      case DO_SWAP_PAGE ->
          out.add(
              2,
              "do_swap_page: the page was swapped out to slot "
                  + e.arg("offset")
                  + " of swap area "
                  + e.arg("type")
                  + ": "
                  + (e.arg("swapcache") != 0 ? "still in the swap cache at " : "read back into ")
                  + pfn(e.arg("pfn")));
      case FAULT_DONE ->
          out.add(2, "handled by the " + e.text("handler") + " handler: " + e.text("result"));
      case PAGE_WALK ->
          out.add(
              1,
              "translate "
                  + hex(e.arg("address"))
                  + " ("
                  + e.text("access")
                  + ", "
                  + (e.arg("user") != 0 ? "user" : "kernel")
                  + "): walk the tables from CR3 = "
                  + hex(e.arg("cr3") << Page.PAGE_SHIFT));
      case WALK_STEP -> {
        long level = e.arg("level");
        long entry = e.arg("entry");
        int shift = Page.PAGE_SHIFT + 9 * (int) (level - 1);
        out.add(
            2,
            levelName(level)
                + "["
                + e.arg("index")
                + "] (address bits "
                + (shift + 8)
                + ".."
                + shift
                + ") in table "
                + pfn(e.arg("table"))
                + " = "
                + entryText(entry));
      }
      case WALK_DONE ->
          out.add(
              2,
              "physical address "
                  + hex(e.arg("phys"))
                  + " (page size "
                  + (1L << (e.arg("page_shift") - 10))
                  + " KiB)");
      case USER_ACCESS -> {
        // the walk (or the TLB hit) is the explanation; the access itself adds nothing
      }
      case MM_VMSCAN_KSWAPD_WAKE ->
          out.add(
              1,
              e.comm()
                  + " wakes to balance node "
                  + e.arg("nid")
                  + " (order "
                  + e.arg("order")
                  + "): it reclaims until free pages reach the high watermark");
      case ZONE_WATERMARK -> {
        long free = e.arg("free");
        long low = e.arg("low");
        long high = e.arg("high");
        out.add(
            2,
            "free pages of "
                + (e.arg("zid") < 0 ? "node " + e.arg("nid") : TpPrintk.zone(e.arg("zid")))
                + ": "
                + free
                + " (watermarks min "
                + e.arg("min")
                + ", low "
                + low
                + ", high "
                + high
                + "): "
                + (free < low
                    ? free + " < low " + low
                    : free < high
                        ? low + " <= " + free + " < high " + high
                        : free + " >= high " + high));
      }
      case MM_VMSCAN_WAKEUP_KSWAPD ->
          out.add(
              1,
              "free pages are below the low watermark: wake kswapd of node "
                  + e.arg("nid")
                  + " to reclaim for zones up to "
                  + TpPrintk.zone(e.arg("zid")));
      case MM_VMSCAN_KSWAPD_SLEEP -> out.add(1, e.comm() + " is done and goes back to sleep");
      case MM_VMSCAN_DIRECT_RECLAIM_BEGIN ->
          out.add(
              1,
              "an order-"
                  + e.arg("order")
                  + " allocation found too few free pages: the task"
                  + " reclaims pages itself (direct reclaim)");
      case MM_VMSCAN_DIRECT_RECLAIM_END ->
          out.add(1, "direct reclaim freed " + e.arg("nr_reclaimed") + " pages");
      case MM_VMSCAN_LRU_ISOLATE ->
          out.add(
              2,
              "scanned "
                  + e.arg("nr_scanned")
                  + " pages of the "
                  + LruList.name((int) e.arg("lru"))
                  + " list, took "
                  + e.arg("nr_taken")
                  + " of the "
                  + e.arg("nr_requested")
                  + " asked for");
      case SHRINK_BEGIN ->
          out.add(
              1,
              (e.text("mode").equals("limit")
                      ? "process "
                          + e.pid()
                          + " is at its rss.limit: take "
                          + e.arg("nr_to_reclaim")
                          + " of its pages out of memory"
                      : e.text("mode") + " reclaim: free " + e.arg("nr_to_reclaim") + " pages")
                  + ", ask policy "
                  + e.text("policy")
                  + " ("
                  + e.arg("resident")
                  + " pages tracked) for victims");
      case RECLAIM_VICTIM ->
          out.add(
              2,
              "policy "
                  + e.text("policy")
                  + " chose "
                  + (e.arg("kind") == 1 ? "file" : "anonymous")
                  + " page "
                  + hex(e.arg("key"))
                  + " in frame "
                  + pfn(e.arg("pfn"))
                  + ": "
                  + e.text("why"));
      case MM_VMSCAN_WRITE_FOLIO -> out.add(2, "frame " + pfn(e.arg("pfn")) + " is written out");
      case SWAP_OUT ->
          out.add(
              2,
              "frame "
                  + pfn(e.arg("pfn"))
                  + " goes to slot "
                  + e.arg("offset")
                  + " of swap area "
                  + e.arg("type"));
      case MM_COMPACTION_BEGIN ->
          out.add(
              1,
              "compaction of the zone "
                  + pfn(e.arg("zone_start"))
                  + "-"
                  + hex(e.arg("zone_end"))
                  + " ("
                  + (e.arg("sync") != 0 ? "sync" : "async")
                  + "): the migrate scanner starts at "
                  + pfn(e.arg("migrate_pfn"))
                  + " going up, the free scanner at "
                  + pfn(e.arg("free_pfn"))
                  + " going down");
      case MM_COMPACTION_MIGRATEPAGES ->
          out.add(
              2,
              "moved "
                  + e.arg("nr_migrated")
                  + " pages to free frames near the top"
                  + (e.arg("nr_failed") > 0 ? ", " + e.arg("nr_failed") + " could not move" : ""));
      case MM_COMPACTION_END ->
          out.add(
              1,
              "compaction ends with the scanners at "
                  + pfn(e.arg("migrate_pfn"))
                  + " and "
                  + pfn(e.arg("free_pfn"))
                  + ": "
                  + TpPrintk.compactStatus(e.arg("status")));
      case MM_COMPACTION_KCOMPACTD_WAKE ->
          out.add(
              1,
              e.comm()
                  + " wakes to compact zones up to "
                  + TpPrintk.zone(e.arg("highest_zoneidx"))
                  + " for order "
                  + e.arg("order"));
      case MM_COMPACTION_KCOMPACTD_SLEEP -> out.add(1, e.comm() + " goes back to sleep");
      case MM_KHUGEPAGED_SCAN_PMD ->
          out.add(
              1,
              "khugepaged scanned a 2 MiB range: "
                  + e.arg("none_or_zero")
                  + " empty or zero-page entries, "
                  + e.arg("unmapped")
                  + " swapped out, "
                  + e.arg("referenced")
                  + " referenced pages: "
                  + e.text("status"));
      case MM_COLLAPSE_HUGE_PAGE ->
          out.add(
              1,
              e.arg("isolated") != 0
                  ? "the range was collapsed into one huge page mapped by a PMD"
                  : "the range was not collapsed: " + e.text("status"));
      case MM_COLLAPSE_HUGE_PAGE_ISOLATE ->
          out.add(2, "checked the range again before copying it: " + e.text("status"));
      case MM_COLLAPSE_HUGE_PAGE_SWAPIN ->
          out.add(
              2,
              "read "
                  + e.arg("swapped_in")
                  + " swapped-out pages of the range back in"
                  + (e.arg("ret") == 1 ? "" : ", and the area changed meanwhile"));
      case MARK_VICTIM ->
          out.add(
              1,
              "out of memory: the OOM killer chose pid "
                  + e.arg("pid")
                  + " ("
                  + e.text("comm")
                  + ", "
                  + e.arg("anon_rss")
                  + " kB anonymous, "
                  + e.arg("file_rss")
                  + " kB file resident): it is killed");
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

  /** {@code #PF}: CR2 and the error code bit by bit. */
  private static void fault(Lines out, TraceEvent e) {
    long code = e.arg("error_code");
    out.add(
        1,
        "page fault at CR2 = "
            + hex(e.arg("address"))
            + ", error code "
            + hex(code)
            + ": "
            + ErrorCode.describe((int) code));
    out.add(
        2,
        "bit 0 P="
            + (code & 1)
            + ((code & ErrorCode.PROT) != 0 ? " (the page was present)" : " (no page)")
            + ", bit 1 W="
            + ((code >> 1) & 1)
            + ((code & ErrorCode.WRITE) != 0 ? " (write)" : " (read)")
            + ", bit 2 U="
            + ((code >> 2) & 1)
            + ((code & ErrorCode.USER) != 0 ? " (user mode)" : " (kernel mode)")
            + ((code & ErrorCode.RSVD) != 0 ? ", bit 3 RSVD=1 (reserved bit set)" : "")
            + ((code & ErrorCode.INSTR) != 0 ? ", bit 4 I=1 (instruction fetch)" : ""));
  }

  // ------------------------------------------------------------------ pieces

  private static String levelName(long level) {
    return switch ((int) level) {
      case 5 -> "PML5";
      case 4 -> "PML4";
      case 3 -> "PDPT";
      case 2 -> "PD";
      case 1 -> "PT";
      default -> "level " + level;
    };
  }

  private static String entryText(long entry) {
    if (entry == 0) {
      return "0 (empty)";
    }
    if (!Pte.present(entry)) {
      return Pte.isSwap(entry)
          ? hex(entry)
              + " (not present: swap slot "
              + Pte.swapOffset(entry)
              + " of area "
              + Pte.swapType(entry)
              + ")"
          : hex(entry) + " (not present)";
    }
    return Pte.describe(entry);
  }

  private static String pages(long order) {
    long n = 1L << order;
    return n == 1 ? "1 page (order 0)" : n + " pages (order " + order + ")";
  }

  private static String range(long lo, long hi) {
    return lo == hi ? Long.toString(lo) : lo + ".." + hi;
  }

  private static String zoneMt(long zone, long mt) {
    return TpPrintk.zone(zone) + "/" + mt(mt);
  }

  private static String mt(long mt) {
    return mt >= 0 && mt < MigrateType.count()
        ? MigrateType.ofIndex((int) mt).kernelName()
        : Long.toString(mt);
  }

  private static String pfn(long pfn) {
    return "pfn " + hex(pfn);
  }

  private static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }

  private static String ptr(long p) {
    return "0x" + Long.toHexString(p);
  }

  /**
   * Indented lines, capped at {@link #MAX_LINES}. An allocation's own sentence ({@code kmalloc},
   * {@code kmem_cache_alloc}) is known last, after the steps it took: {@link #head} puts it above
   * them, at the mark, and indents them under it. A free names itself first, and nothing a free
   * does allocates, so the mark follows a free's lines until the next allocation step starts.
   */
  private static final class Lines {
    private final List<String> lines = new ArrayList<>();
    private long over;
    private int mark;

    /** The line being added explains a milestone: it may pass MAX_LINES. */
    boolean milestone;

    private int milestoneLines;

    /** The cache of the last object handed out, for the kmalloc sentence that follows. */
    String lastCache;

    private boolean inFree;

    void add(int level, String text) {
      if (lines.size() < MAX_LINES) {
        lines.add("  ".repeat(level) + text);
      } else if (milestone && milestoneLines < MAX_MILESTONES) {
        lines.add("  ".repeat(level) + text);
        milestoneLines++;
      } else {
        over++;
      }
      if (inFree) {
        mark = lines.size();
      }
    }

    /** An allocation step starts (or goes on): the lines from here on belong to it. */
    void allocating() {
      inFree = false;
    }

    /** A free's own sentence: the lines after it are its steps. */
    void free(String text) {
      add(1, text);
      inFree = true;
      mark = lines.size();
    }

    /** An allocation's own sentence, above the steps it took since the mark. */
    void head(String text) {
      if (lines.size() >= MAX_LINES) {
        over++;
        return;
      }
      for (int i = mark; i < lines.size(); i++) {
        lines.set(i, "  " + lines.get(i));
      }
      lines.add(mark, "  " + text);
      mark = lines.size();
      inFree = false;
    }

    List<String> finish() {
      if (over > 0) {
        lines.add(
            "  "
                + over
                + " more lines (--trace all shows every event; reclaim, OOM and compaction"
                + " milestones are shown above)");
      }
      return lines;
    }
  }
}
