package io.mmsim.buddy;

import io.mmsim.api.mem.NumaTopology;

/*
 * The node order of every node's zonelist (mm/page_alloc.c: build_zonelists, find_next_best_node),
 * node-ordered as Linux has been since 4.14: all zones of the nearest node (highest zone first),
 * then all zones of the next nearest, and so on. The zones within a node are walked by
 * BuddyAllocator.zonesPass, from the request's highest zone down.
 *
 * Ties: find_next_best_node adds 1 to a node numbered below the local one, so among nodes at one
 * distance the walk goes on upward from the local node and wraps around; this spreads the
 * fallback load. Its other penalties (for nodes with CPUs, and the node_load spreading counter)
 * are not modelled: they only reorder nodes at equal distance.
 */
final class Zonelist {
  private Zonelist() {}

  /** order[nid] lists every node, nid first, by distance from nid. */
  static int[][] build(NumaTopology numa) {
    int nodes = numa.nodes();
    int[][] order = new int[nodes][];
    for (int local = 0; local < nodes; local++) {
      int[] o = new int[nodes];
      boolean[] used = new boolean[nodes];
      for (int i = 0; i < nodes; i++) {
        int best = -1;
        long bestKey = Long.MAX_VALUE;
        for (int n = 0; n < nodes; n++) {
          if (used[n]) {
            continue;
          }
          long key = (long) numa.distance(local, n) * 2 * nodes + Math.floorMod(n - local, nodes);
          if (key < bestKey) {
            bestKey = key;
            best = n;
          }
        }
        used[best] = true;
        o[i] = best;
      }
      order[local] = o;
    }
    return order;
  }
}
