package io.mmsim.buddy;

import io.mmsim.api.mem.NumaTopology;

/*
 * The node order of every node's zonelist (mm/page_alloc.c: build_zonelists, find_next_best_node),
 * node-ordered as Linux has been since 4.14: all zones of the nearest node (highest zone first),
 * then all zones of the next nearest, and so on. The zones within a node are walked by
 * BuddyAllocator.zonesPass, from the request's highest zone down.
 *
 * The node order itself is NumaTopology.nodeOrder (ties at one distance go upward from the local
 * node and wrap around), shared with the slab allocators' remote partial-list search.
 */
final class Zonelist {
  private Zonelist() {}

  /** order[nid] lists every node, nid first, by distance from nid. */
  static int[][] build(NumaTopology numa) {
    int[][] order = new int[numa.nodes()][];
    for (int nid = 0; nid < order.length; nid++) {
      order[nid] = numa.nodeOrder(nid);
    }
    return order;
  }
}
