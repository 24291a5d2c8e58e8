package io.mmsim.api.mem;

import java.util.Arrays;

/**
 * The NUMA nodes of the simulated machine: which frames and CPUs each node holds, and the distance
 * table between nodes (the ACPI SLIT that {@code node_distance} reads).
 *
 * <p>Nodes split physical memory into contiguous ranges, node 0 lowest, each a multiple of the
 * largest buddy block (4 MiB) except the last, which takes what is left. A zone type is decided by
 * the PFN as on a single node ({@link Zone#of}), so DMA and DMA32 fall on node 0 whenever node 0
 * reaches 4 GiB; on a smaller machine a higher node may hold DMA32 frames, as Linux does when
 * firmware puts a node boundary below 4 GiB.
 *
 * <p>Distances follow {@code slit_valid} ({@code arch/x86/mm/numa.c}): {@link #LOCAL_DISTANCE} on
 * the diagonal, above it elsewhere, below 255 (unreachable).
 */
public final class NumaTopology {

  /** {@code LOCAL_DISTANCE}: a node's distance to itself. */
  public static final int LOCAL_DISTANCE = 10;

  /** {@code REMOTE_DISTANCE}: the default distance between two nodes. */
  public static final int REMOTE_DISTANCE = 20;

  /** The most nodes the simulator models (node masks are one {@code long}). */
  public static final int MAX_NODES = 64;

  /** Node ranges are multiples of this many frames (the largest buddy block). */
  public static final long NODE_ALIGN_FRAMES = 1L << Page.MAX_PAGE_ORDER;

  private final long[] nodeStart;
  private final int[] distance;
  private final int[] cpuNode;

  private NumaTopology(long[] nodeStart, int[] distance, int[] cpuNode) {
    this.nodeStart = nodeStart;
    this.distance = distance;
    this.cpuNode = cpuNode;
  }

  /** One node holding every frame and CPU. */
  public static NumaTopology single(long frames, int cpus) {
    return new NumaTopology(
        new long[] {0, frames}, new int[] {LOCAL_DISTANCE}, new int[Math.max(0, cpus)]);
  }

  /**
   * The topology that {@code numa.nodes}, {@code numa.distance} and {@code numa.cpus} describe.
   *
   * @param distanceSpec {@code LOCAL,REMOTE} (every pair of distinct nodes at REMOTE) or a full
   *     matrix, rows separated by {@code ;}, entries by {@code ,}
   * @param cpusSpec empty (CPUs split evenly: CPU c on node c * nodes / cpus) or {@code
   *     CPUS:NODE,...} with CPUS a number or a range {@code A-B}; every CPU exactly once
   * @throws IllegalArgumentException naming the value at fault
   */
  public static NumaTopology parse(
      long frames, int cpus, int nodes, String distanceSpec, String cpusSpec) {
    if (nodes < 1 || nodes > MAX_NODES) {
      throw new IllegalArgumentException("numa.nodes: " + nodes + " is outside 1.." + MAX_NODES);
    }
    long per = frames / nodes / NODE_ALIGN_FRAMES * NODE_ALIGN_FRAMES;
    if (per == 0) {
      throw new IllegalArgumentException(
          String.format(
              "numa.nodes: %d nodes need at least %d MiB of memory (4 MiB a node), the machine"
                  + " has %d KiB",
              nodes, nodes * 4, frames << (Page.PAGE_SHIFT - 10)));
    }
    long[] start = new long[nodes + 1];
    for (int n = 0; n < nodes; n++) {
      start[n] = n * per;
    }
    start[nodes] = frames;
    return new NumaTopology(
        start, parseDistance(nodes, distanceSpec), parseCpus(nodes, cpus, cpusSpec));
  }

  private static int[] parseDistance(int nodes, String spec) {
    String s = spec.trim();
    int[] d = new int[nodes * nodes];
    String[] rows = s.split(";", -1);
    if (rows.length == 1) {
      String[] two = s.split(",", -1);
      if (two.length == 2) {
        int local = number("numa.distance", two[0]);
        int remote = number("numa.distance", two[1]);
        for (int a = 0; a < nodes; a++) {
          for (int b = 0; b < nodes; b++) {
            d[a * nodes + b] = a == b ? local : remote;
          }
        }
        check(nodes, d, spec);
        return d;
      }
      if (nodes != 1 || two.length != 1) {
        throw new IllegalArgumentException(
            "numa.distance: '"
                + spec
                + "' is neither LOCAL,REMOTE nor a "
                + nodes
                + "x"
                + nodes
                + " matrix (rows separated by ';')");
      }
    }
    if (rows.length != nodes) {
      throw new IllegalArgumentException(
          String.format(
              "numa.distance: '%s' has %d rows, the machine has %d nodes",
              spec, rows.length, nodes));
    }
    for (int a = 0; a < nodes; a++) {
      String[] cells = rows[a].split(",", -1);
      if (cells.length != nodes) {
        throw new IllegalArgumentException(
            String.format(
                "numa.distance: row %d '%s' has %d entries, the machine has %d nodes",
                a, rows[a].trim(), cells.length, nodes));
      }
      for (int b = 0; b < nodes; b++) {
        d[a * nodes + b] = number("numa.distance", cells[b]);
      }
    }
    check(nodes, d, spec);
    return d;
  }

  private static void check(int nodes, int[] d, String spec) {
    for (int a = 0; a < nodes; a++) {
      for (int b = 0; b < nodes; b++) {
        int v = d[a * nodes + b];
        if (a == b && v != LOCAL_DISTANCE) {
          throw new IllegalArgumentException(
              String.format(
                  "numa.distance: '%s' puts node %d at distance %d from itself; the local"
                      + " distance is %d",
                  spec, a, v, LOCAL_DISTANCE));
        }
        if (a != b && (v <= LOCAL_DISTANCE || v >= 255)) {
          throw new IllegalArgumentException(
              String.format(
                  "numa.distance: '%s' puts nodes %d and %d at distance %d; a remote distance"
                      + " lies in %d..254",
                  spec, a, b, v, LOCAL_DISTANCE + 1));
        }
      }
    }
  }

  private static int[] parseCpus(int nodes, int cpus, String spec) {
    int[] map = new int[cpus];
    if (spec.isBlank()) {
      for (int c = 0; c < cpus; c++) {
        map[c] = (int) ((long) c * nodes / cpus);
      }
      return map;
    }
    Arrays.fill(map, -1);
    for (String entry : spec.split(",", -1)) {
      int colon = entry.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            "numa.cpus: '" + entry.trim() + "' is not CPUS:NODE (for example 0-1:0)");
      }
      String range = entry.substring(0, colon).trim();
      int node = number("numa.cpus", entry.substring(colon + 1));
      if (node >= nodes) {
        throw new IllegalArgumentException(
            String.format("numa.cpus: node %d does not exist (nodes 0..%d)", node, nodes - 1));
      }
      int dash = range.indexOf('-');
      int lo = number("numa.cpus", dash < 0 ? range : range.substring(0, dash));
      int hi = dash < 0 ? lo : number("numa.cpus", range.substring(dash + 1));
      if (hi < lo || hi >= cpus) {
        throw new IllegalArgumentException(
            String.format("numa.cpus: CPUs '%s' are not a range within 0..%d", range, cpus - 1));
      }
      for (int c = lo; c <= hi; c++) {
        if (map[c] >= 0) {
          throw new IllegalArgumentException(
              String.format("numa.cpus: CPU %d is given two nodes (%d and %d)", c, map[c], node));
        }
        map[c] = node;
      }
    }
    for (int c = 0; c < cpus; c++) {
      if (map[c] < 0) {
        throw new IllegalArgumentException(
            String.format("numa.cpus: '%s' gives CPU %d no node", spec, c));
      }
    }
    return map;
  }

  private static int number(String key, String text) {
    String t = text.trim();
    try {
      int v = Integer.parseInt(t);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": '" + t + "' is not a non-negative number", e);
    }
  }

  /** Number of nodes. */
  public int nodes() {
    return nodeStart.length - 1;
  }

  /** First PFN of node {@code nid}. */
  public long nodeStart(int nid) {
    return nodeStart[nid];
  }

  /** PFN past the last of node {@code nid}. */
  public long nodeEnd(int nid) {
    return nodeStart[nid + 1];
  }

  /** Frames of node {@code nid}. */
  public long nodeFrames(int nid) {
    return nodeStart[nid + 1] - nodeStart[nid];
  }

  /** The node holding {@code pfn} ({@code pfn_to_nid}); the pfn must be a frame of the machine. */
  public int nodeOf(long pfn) {
    int n = nodes() - 1;
    while (n > 0 && pfn < nodeStart[n]) {
      n--;
    }
    return n;
  }

  /** {@code node_distance(a, b)}. */
  public int distance(int a, int b) {
    return distance[a * nodes() + b];
  }

  /** The node of CPU {@code cpu} ({@code cpu_to_node}). */
  public int cpuNode(int cpu) {
    return cpuNode[cpu];
  }

  /**
   * Every node by distance from {@code nid}, {@code nid} first: the node order of its zonelist
   * ({@code mm/page_alloc.c: build_zonelists, find_next_best_node}). Among nodes at one distance
   * the order goes upward from {@code nid} and wraps around (the kernel adds 1 to a node numbered
   * below the local one, which spreads the fallback load); its other tie-breakers (a penalty for
   * nodes with CPUs, the {@code node_load} counter) are not modelled.
   */
  public int[] nodeOrder(int nid) {
    int nodes = nodes();
    int[] o = new int[nodes];
    boolean[] used = new boolean[nodes];
    for (int i = 0; i < nodes; i++) {
      int best = -1;
      long bestKey = Long.MAX_VALUE;
      for (int n = 0; n < nodes; n++) {
        if (used[n]) {
          continue;
        }
        long key = (long) distance(nid, n) * 2 * nodes + Math.floorMod(n - nid, nodes);
        if (key < bestKey) {
          bestKey = key;
          best = n;
        }
      }
      used[best] = true;
      o[i] = best;
    }
    return o;
  }

  /** Number of CPUs on node {@code nid}. */
  public int cpusOn(int nid) {
    int n = 0;
    for (int c : cpuNode) {
      if (c == nid) {
        n++;
      }
    }
    return n;
  }

  /** Number of CPUs. */
  public int cpus() {
    return cpuNode.length;
  }

  /** Frames of the machine. */
  public long frames() {
    return nodeStart[nodeStart.length - 1];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NumaTopology t
        && Arrays.equals(nodeStart, t.nodeStart)
        && Arrays.equals(distance, t.distance)
        && Arrays.equals(cpuNode, t.cpuNode);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(nodeStart) * 31
        + Arrays.hashCode(distance) * 7
        + Arrays.hashCode(cpuNode);
  }

  @Override
  public String toString() {
    return nodes()
        + " node(s), starts "
        + Arrays.toString(nodeStart)
        + ", cpu nodes "
        + Arrays.toString(cpuNode);
  }
}
