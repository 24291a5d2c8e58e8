package io.mmsim.slab;

import io.mmsim.api.mem.NumaTopology;

/**
 * The NUMA paths of one SLAB cache ({@code mm/slab.c} under {@code CONFIG_NUMA}): alien caches
 * ({@code alloc_alien_cache}, {@code cache_free_alien}, {@code __drain_alien_cache}) and the
 * allocation that leaves the CPU's node ({@code fallback_alloc}, {@code ____cache_alloc_node}). On
 * a one-node machine none of it runs.
 *
 * <p>An object freed by a CPU of another node than its slab's goes to that node's alien cache for
 * the object's home node; a full alien cache is first emptied into the home node, into its shared
 * array while that has room, the rest back into the slabs. So CPU arrays and shared arrays hold
 * only their own node's objects. When the CPU's node has neither free objects nor free pages,
 * {@code fallback_alloc} takes one object straight from the nearest node with free objects, else
 * from a slab grown wherever the page allocator finds room; such objects bypass the CPU's array.
 *
 * <p>Not thread-safe, like its cache.
 */
final class SlabNuma {
  /** {@code alloc_alien_cache}: an alien cache holds 12 objects (1 when the cache's limit is 1). */
  static final int ALIEN_LIMIT = 12;

  private final SlabCache cache;

  /** The node order of each node's zonelist ({@code fallback_alloc}'s walk). */
  private final int[][] nodeOrder;

  private long alienFrees;
  private long alienDrains;
  private long fallbackAllocs;

  SlabNuma(SlabCache cache, NumaTopology numa) {
    this.cache = cache;
    this.nodeOrder = new int[numa.nodes()][];
    for (int n = 0; n < nodeOrder.length; n++) {
      nodeOrder[n] = numa.nodeOrder(n);
    }
  }

  /**
   * The alien caches of node {@code nid} ({@code n->alien}): one per other node, of {@value
   * #ALIEN_LIMIT} entries (1 for a cache whose arrays hold one object); null on one node.
   */
  static ArrayCache[] alienCaches(int nid, int nodes, int limit) {
    if (nodes == 1) {
      return null;
    }
    ArrayCache[] alien = new ArrayCache[nodes];
    for (int home = 0; home < nodes; home++) {
      if (home != nid) {
        alien[home] = new ArrayCache(limit > 1 ? ALIEN_LIMIT : 1, 0xbaadf00d);
      }
    }
    return alien;
  }

  /**
   * {@code cache_free_alien}: node {@code home}'s object {@code h} freed on {@code cpu}'s node goes
   * to that node's alien cache for {@code home}, emptied into {@code home} first when full.
   */
  void cacheFreeAlien(int cpu, long h, int home) {
    ArrayCache al = cache.nodes[cache.cpuNode[cpu]].alien[home];
    if (cache.trace.on()) {
      cache.trace.slabFree(
          cpu,
          cache.name,
          cache.address(h),
          "node "
              + cache.cpuNode[cpu]
              + "'s alien cache for node "
              + home
              + (al.avail >= al.limit ? ", after it was emptied into node " + home + " (full)" : "")
              + " (the object's slab is on another node)");
    }
    alienFrees++;
    if (al.avail >= al.limit) {
      drainAlien(cpu, al, home);
    }
    al.entry[al.avail++] = h;
  }

  /**
   * {@code __drain_alien_cache}: an alien cache's objects go into node {@code home}'s shared array
   * while it has room, the rest back into their slabs.
   */
  void drainAlien(int cpu, ArrayCache al, int home) {
    alienDrains++;
    ArrayCache sh = cache.nodes[home].shared;
    if (sh != null) {
      sh.transferFrom(al, al.limit);
    }
    if (al.avail > 0) {
      cache.freeBlock(cpu, home, al.entry, al.avail);
      al.avail = 0;
    }
  }

  /**
   * {@code fallback_alloc}: after the CPU's node could give nothing, one object from the first node
   * by distance with free objects in its slabs, else from a slab grown wherever the page allocator
   * finds room (the CPU's node first, with the caller's reclaim rights); -1 when none.
   */
  long fallbackAlloc(int cpu, int gfp) {
    for (int nid : nodeOrder[cache.cpuNode[cpu]]) {
      if (cache.nodes[nid].freeObjects > 0) {
        fallbackAllocs++;
        return allocFromNode(nid);
      }
    }
    int s = cache.grow.growBegin(cpu, gfp, false);
    if (s < 0) {
      return -1;
    }
    cache.grow.growEnd(s);
    fallbackAllocs++;
    return allocFromNode(cache.slabNode[s]);
  }

  /**
   * {@code ____cache_alloc_node} with objects on the node: one object straight from node {@code
   * nid}'s first partial (else free) slab, which must exist.
   */
  private long allocFromNode(int nid) {
    KmemCacheNode n = cache.nodes[nid];
    int s = n.firstSlab();
    int a = cache.active[s];
    long h = ((long) s << SlabCache.IDX_BITS) | (cache.freelist[s * cache.num + a] & 0xff);
    cache.active[s] = a + 1;
    n.freeObjects--;
    cache.fixupSlabList(s);
    return h;
  }

  /** Objects in node {@code nid}'s alien cache for node {@code home}. */
  int alienAvail(int nid, int home) {
    ArrayCache[] al = cache.nodes[nid].alien;
    return al == null || al[home] == null ? 0 : al[home].avail;
  }

  /** Frees of another node's object that went to an alien cache. */
  long alienFrees() {
    return alienFrees;
  }

  /** Alien caches emptied into their home node. */
  long alienDrains() {
    return alienDrains;
  }

  /** Objects {@code fallback_alloc} took from a slab of some node, bypassing the CPU's array. */
  long fallbackAllocs() {
    return fallbackAllocs;
  }
}
