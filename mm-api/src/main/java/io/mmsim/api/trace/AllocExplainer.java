package io.mmsim.api.trace;

import static io.mmsim.api.trace.ExplainLines.hex;
import static io.mmsim.api.trace.ExplainLines.mt;
import static io.mmsim.api.trace.ExplainLines.pages;
import static io.mmsim.api.trace.ExplainLines.pfn;
import static io.mmsim.api.trace.ExplainLines.ptr;
import static io.mmsim.api.trace.ExplainLines.range;
import static io.mmsim.api.trace.ExplainLines.zoneMt;

import java.util.ArrayList;
import java.util.List;

import io.mmsim.api.mem.Page;

/**
 * The sentences of the page allocator and the slab allocators: blocks taken off the buddy free
 * lists with their splits and merges ({@code mm/page_alloc.c: rmqueue, expand, __free_one_page}),
 * per-CPU list refills and frees, and the cache an object came from ({@code mm/slub.c}, {@code
 * mm/slab.c}, {@code mm/slab_common.c: kmalloc}).
 */
final class AllocExplainer {

  /** Steps of a per-CPU refill shown in full before the rest is summed up. */
  private static final int REFILL_DETAIL = 1;

  private AllocExplainer() {}

  /** Explains {@code e} if it is one of these tracepoints; false if it is not. */
  static boolean explain(ExplainLines out, TraceEvent e) {
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
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Blocks taken off the free lists (rmqueue, splits), shown in full. */
  static void takes(ExplainLines out, List<TraceEvent> pending, int level) {
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
  static void refill(ExplainLines out, TraceEvent e, List<TraceEvent> pending) {
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
}
