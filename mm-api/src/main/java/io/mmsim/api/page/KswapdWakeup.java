package io.mmsim.api.page;

/**
 * Where the page allocator's slow path wakes kswapd ({@code mm/page_alloc.c}: {@code
 * __alloc_pages_slowpath} calls {@code wake_all_kswapds}, which calls {@code mm/vmscan.c}: {@code
 * wakeup_kswapd} once per node of the zonelist). An allocation that carries {@code
 * __GFP_KSWAPD_RECLAIM} and found no zone of its zonelist above the low watermark calls it, before
 * it tries the min watermark. The kernel decides whether the node needs kswapd ({@code
 * pgdat_balanced}) and when kswapd runs.
 *
 * @since 1.3
 */
@FunctionalInterface
public interface KswapdWakeup {
  /**
   * An allocation on node {@code nid}'s zones fell below the low watermark.
   *
   * @param nid the node whose kswapd is asked for
   * @param gfp the allocation's GFP flags
   * @param order the allocation's order
   * @param highestZone the index of the highest zone the allocation may use ({@code gfp_zone},
   *     {@code ac->highest_zoneidx})
   */
  void wakeupKswapd(int nid, int gfp, int order, int highestZone);
}
