package io.mmsim.kernel.proc;

import java.util.function.IntFunction;

import io.mmsim.api.Statistics;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.NumaStat;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.ZoneStats;

/*
 * The per-node sysfs files of a NUMA machine, named by their path under /sys/devices/system:
 *
 *   node/nodeN/meminfo   drivers/base/node.c: node_read_meminfo. Each line is "Node %d " and then
 *                        the /proc/meminfo label padded to 16 columns and "%8lu kB"; the
 *                        hugetlb lines (hugetlb_report_node_meminfo) are "Node %d " and
 *                        "HugePages_Total: %5u" and the like. Only lines whose value the
 *                        simulator keeps per node are printed: MemTotal (the node's managed
 *                        pages), MemFree (its free lists), MemUsed (the difference), Active and
 *                        Inactive (the node's own reclaim lists, when its policy has the two),
 *                        and the node's share of the hugetlb pool.
 *   node/nodeN/numastat  node_read_numastat: numa_hit, numa_miss, numa_foreign, interleave_hit,
 *                        local_node, other_node, "%s %lu" each, summed over the node's zones.
 */
final class NodeView {

  /** The folder the per-node files live in. */
  static final String PREFIX = "node/node";

  /** numa_interleave of one zone of one node, from the memory policy. */
  @FunctionalInterface
  interface InterleaveHits {
    /** The interleave hits counted on {@code zone} of node {@code nid}. */
    long applyAsLong(int nid, Zone zone);
  }

  private static final String[] NUMASTAT_NAMES = {
    "numa_hit", "numa_miss", "numa_foreign", "interleave_hit", "local_node", "other_node"
  };

  private final MemoryLayout layout;
  private final PageAllocator pages;
  private final InterleaveHits interleave;
  private final IntFunction<Statistics> lru;

  private final io.mmsim.kernel.mm.Processes processes;

  /**
   * @param lru the counters of a node's reclaim policy ({@code nr_active}, {@code nr_inactive}), or
   *     null for a node without one
   * @param processes the process side, whose hugetlb pool the node's lines show, or null
   */
  NodeView(
      MemoryLayout layout,
      PageAllocator pages,
      InterleaveHits interleave,
      IntFunction<Statistics> lru,
      io.mmsim.kernel.mm.Processes processes) {
    this.processes = processes;
    this.layout = layout;
    this.pages = pages;
    this.interleave = interleave;
    this.lru = lru;
  }

  static String meminfoName(int nid) {
    return PREFIX + nid + "/meminfo";
  }

  static String numastatName(int nid) {
    return PREFIX + nid + "/numastat";
  }

  String render(String name) {
    String rest = name.substring(PREFIX.length());
    int slash = rest.indexOf('/');
    int nid = Integer.parseInt(rest.substring(0, slash));
    return switch (rest.substring(slash + 1)) {
      case "meminfo" -> meminfo(nid);
      case "numastat" -> numastat(nid);
      default -> throw new IllegalArgumentException("no " + name);
    };
  }

  /** node_read_meminfo with the lines the simulator keeps per node. */
  String meminfo(int nid) {
    long total = 0;
    long free = 0;
    for (Zone z : Zone.values()) {
      if (!layout.populated(nid, z)) {
        continue;
      }
      ZoneStats s = pages.zoneStats(nid, z);
      total += s.managed();
      free += s.free();
    }
    StringBuilder sb = new StringBuilder();
    kb(sb, nid, "MemTotal", total);
    kb(sb, nid, "MemFree", free);
    kb(sb, nid, "MemUsed", total - free);
    Statistics l = lru == null ? null : lru.apply(nid);
    if (l != null && l.counters().containsKey("nr_active")) {
      kb(sb, nid, "Active", l.get("nr_active"));
      kb(sb, nid, "Inactive", l.get("nr_inactive"));
    }
    // hugetlb_report_node_meminfo: the node's share of the pool (no surplus pages)
    long hpTotal = processes == null ? 0 : processes.hugePagesTotal(nid);
    long hpFree = processes == null ? 0 : processes.hugePagesFree(nid);
    sb.append(String.format("Node %d %-17s%5d\n", nid, "HugePages_Total:", hpTotal));
    sb.append(String.format("Node %d %-17s%5d\n", nid, "HugePages_Free:", hpFree));
    sb.append(String.format("Node %d %-17s%5d\n", nid, "HugePages_Surp:", 0));
    return sb.toString();
  }

  /** node_read_numastat: the node's NUMA events summed over its zones. */
  String numastat(int nid) {
    StringBuilder sb = new StringBuilder();
    NumaStat[] items = NumaStat.values();
    for (int i = 0; i < items.length; i++) {
      long t = 0;
      for (Zone z : Zone.values()) {
        t +=
            items[i] == NumaStat.INTERLEAVE && interleave != null
                ? interleave.applyAsLong(nid, z)
                : pages.numaEvent(nid, z, items[i]);
      }
      sb.append(NUMASTAT_NAMES[i]).append(' ').append(t).append('\n');
    }
    return sb.toString();
  }

  private static void kb(StringBuilder sb, int nid, String key, long pages) {
    sb.append(
        String.format("Node %d %-16s%8d kB\n", nid, key + ":", pages << (Page.PAGE_SHIFT - 10)));
  }
}
