package io.mmsim.kernel.mm;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.NumaTopology;
import io.mmsim.api.mem.Page;

/*
 * The simulated cost of user memory accesses on a NUMA machine: every access a process makes
 * (each translated page of a read, write or fetch, each record of a replayed trace) is local when
 * the frame lies on the accessing CPU's node and remote otherwise, and costs the node distance
 * between the two (the SLIT's relative latency: 10 local, 20 for a default remote node). The sum is
 * what a sweep compares between memory policies; it is the simulator's own measure, not a kernel
 * counter.
 *
 * The node of a frame is read from a table with one byte per 4 MiB (node ranges are multiples of
 * that), so that an access costs two array reads; on one node every access is local and nothing
 * is looked up.
 */
public final class NumaAccessCost {
  private static final int CHUNK_SHIFT = Page.MAX_PAGE_ORDER;

  private final boolean single;
  private final byte[] nodeOfChunk;
  private final int[] cpuNode;
  private final int[] distance;
  private final int nodes;

  private long local;
  private long remote;
  private long remoteDistance;

  NumaAccessCost(MemoryLayout layout) {
    NumaTopology numa = layout.numa();
    this.nodes = numa.nodes();
    this.single = nodes == 1;
    this.nodeOfChunk =
        new byte[(int) ((layout.frames() + (1L << CHUNK_SHIFT) - 1) >>> CHUNK_SHIFT)];
    for (int i = 0; i < nodeOfChunk.length; i++) {
      nodeOfChunk[i] = (byte) numa.nodeOf((long) i << CHUNK_SHIFT);
    }
    this.cpuNode = new int[layout.cpus()];
    for (int c = 0; c < cpuNode.length; c++) {
      cpuNode[c] = numa.cpuNode(c);
    }
    this.distance = new int[nodes * nodes];
    for (int a = 0; a < nodes; a++) {
      for (int b = 0; b < nodes; b++) {
        distance[a * nodes + b] = numa.distance(a, b);
      }
    }
  }

  /** One access by {@code cpu} to physical address {@code phys}. */
  void access(int cpu, long phys) {
    if (single) {
      local++;
      return;
    }
    int to = nodeOfChunk[(int) (phys >>> (Page.PAGE_SHIFT + CHUNK_SHIFT))];
    int from = cpuNode[cpu];
    if (to == from) {
      local++;
    } else {
      remote++;
      remoteDistance += distance[from * nodes + to];
    }
  }

  /** Accesses to a frame on the accessing CPU's node. */
  public long localAccesses() {
    return local;
  }

  /** Accesses to a frame on another node. */
  public long remoteAccesses() {
    return remote;
  }

  /** The accesses' summed node distances: 10 per local access, the distance per remote one. */
  public long cost() {
    return local * NumaTopology.LOCAL_DISTANCE + remoteDistance;
  }
}
