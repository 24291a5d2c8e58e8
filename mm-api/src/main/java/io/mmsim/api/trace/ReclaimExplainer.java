package io.mmsim.api.trace;

import static io.mmsim.api.trace.ExplainLines.hex;
import static io.mmsim.api.trace.ExplainLines.pfn;

/**
 * The sentences of reclaim and of the kernel threads that free or rearrange memory: kswapd and
 * direct reclaim with the watermarks that woke them and the pages they chose ({@code mm/vmscan.c}),
 * compaction and kcompactd ({@code mm/compaction.c}), khugepaged ({@code mm/khugepaged.c}) and the
 * OOM killer's victim ({@code mm/oom_kill.c}).
 */
final class ReclaimExplainer {

  private ReclaimExplainer() {}

  /** Explains {@code e} if it is one of these tracepoints; false if it is not. */
  static boolean explain(ExplainLines out, TraceEvent e) {
    switch (e.tracepoint()) {
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
      default -> {
        return false;
      }
    }
    return true;
  }
}
