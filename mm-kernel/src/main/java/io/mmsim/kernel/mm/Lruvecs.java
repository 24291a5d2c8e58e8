package io.mmsim.kernel.mm;

import java.util.LinkedHashMap;
import java.util.Map;

import io.mmsim.api.Statistics;
import io.mmsim.api.mem.NumaTopology;
import io.mmsim.api.mem.Page;
import io.mmsim.api.reclaim.ReplacementPolicy;

/*
 * The global reclaim lists of every NUMA node: one replacement-policy instance per node, the
 * lruvec of its pglist_data (include/linux/mmzone.h: struct lruvec in pglist_data; mm/vmscan.c,
 * mm/swap.c: folio_lruvec). A user frame is on the lists of the node that holds it, so reclaim of
 * one node (its kswapd, or direct reclaim walking a zonelist) sees that node's pages alone. On a
 * one-node machine this is the single global policy, unchanged.
 *
 * The views read the sums (vmstat, meminfo); per-node views read one node's policy.
 */
final class Lruvecs {
  private final ReplacementPolicy[] node;
  private final boolean single;

  /** The node of each 4 MiB of memory (node ranges are multiples of it). */
  private final byte[] nodeOfChunk;

  /**
   * @param policies one policy per node of {@code numa}, each new and empty
   * @param frames frames of the machine
   */
  Lruvecs(ReplacementPolicy[] policies, NumaTopology numa, long frames) {
    if (policies.length != numa.nodes()) {
      throw new IllegalArgumentException(
          policies.length + " policies for " + numa.nodes() + " NUMA nodes");
    }
    this.node = policies.clone();
    this.single = policies.length == 1;
    this.nodeOfChunk = new byte[single ? 0 : (int) ((frames >>> Page.MAX_PAGE_ORDER) + 1)];
    for (int i = 0; i < nodeOfChunk.length; i++) {
      nodeOfChunk[i] = (byte) numa.nodeOf(Math.min((long) i << Page.MAX_PAGE_ORDER, frames - 1));
    }
  }

  int nodes() {
    return node.length;
  }

  /** Node {@code nid}'s policy. */
  ReplacementPolicy node(int nid) {
    return node[nid];
  }

  /** The policy whose lists frame {@code pfn} belongs on ({@code folio_lruvec}). */
  ReplacementPolicy of(long pfn) {
    return single ? node[0] : node[nodeOfChunk[(int) (pfn >>> Page.MAX_PAGE_ORDER)]];
  }

  /** The node of frame {@code pfn}. */
  int nodeOf(long pfn) {
    return single ? 0 : nodeOfChunk[(int) (pfn >>> Page.MAX_PAGE_ORDER)];
  }

  /** True when the policies want to hear of every reference (all instances agree). */
  boolean wantsEveryReference() {
    return node[0].wantsEveryReference();
  }

  /** Frames on every node's lists. */
  long resident() {
    long t = 0;
    for (ReplacementPolicy p : node) {
      t += p.resident();
    }
    return t;
  }

  boolean contains(long pfn) {
    return of(pfn).contains(pfn);
  }

  /**
   * The policies' counters summed over the nodes, as vmstat and meminfo show them (one node: its
   * own statistics). Sequence numbers (keys containing {@code _seq}, such as the multi-gen LRU's
   * {@code lru_gen_max_seq}) are per node and take the largest instead.
   */
  Statistics statistics() {
    if (single) {
      return node[0].statistics();
    }
    Map<String, Long> sum = new LinkedHashMap<>();
    for (ReplacementPolicy p : node) {
      for (Map.Entry<String, Long> e : p.statistics().counters().entrySet()) {
        boolean seq = e.getKey().contains("_seq");
        sum.merge(e.getKey(), e.getValue(), seq ? Math::max : Long::sum);
      }
    }
    Statistics.Builder b = Statistics.builder();
    sum.forEach(b::put);
    return b.build();
  }

  /** Every node's policy checks itself. */
  void checkInvariants() {
    for (ReplacementPolicy p : node) {
      p.checkInvariants();
    }
  }
}
