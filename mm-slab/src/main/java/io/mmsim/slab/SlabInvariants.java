package io.mmsim.slab;

import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;

/**
 * The invariants of one SLAB cache, recounted from its slabs, lists, array caches and the page map.
 * For every slab: {@code active} = objects in use + objects in array caches; a full slab has {@code
 * active == num}, a partial one {@code 0 < active < num}, a free one {@code active == 0}; its
 * freelist entries {@code [active, num)} are distinct objects neither in use nor cached; its pages
 * map to it; its colour offset is one of the cache's colours; it is linked on the lists of the node
 * of its pages and on no other node's. For each node: {@code free_objects} = sum of {@code num -
 * active} over its slabs, {@code total_slabs} and {@code free_slabs} match its lists. No object is
 * in two array caches; a CPU's array and a node's shared array hold only that node's objects, an
 * alien cache only its home node's. The kernel has no such full check; tests and the allocator's
 * {@code checkInvariants} run it.
 */
final class SlabInvariants {
  private final SlabCache cache;
  private final KmemCacheNode[] nodes;

  private SlabInvariants(SlabCache cache) {
    this.cache = cache;
    this.nodes = cache.nodes;
  }

  /**
   * Recounts everything of {@code cache}; throws AssertionError on a mismatch.
   *
   * @param mappedPages pages the page map attributes to this cache
   */
  static void check(SlabCache cache, long mappedPages) {
    new SlabInvariants(cache).checkAll(mappedPages);
  }

  private void checkAll(long mappedPages) {
    long[] seen = new long[cache.capacity * cache.words];
    int[] inArrays = new int[cache.capacity];
    int nr = nodes.length;
    for (int c = 0; c < cache.cpus; c++) {
      checkArray("cpu " + c, cache.cpuCache[c], cache.cpuNode[c], seen, inArrays);
    }
    for (int n = 0; n < nr; n++) {
      String where = nr == 1 ? "" : "node " + n + " ";
      if (nodes[n].shared != null) {
        checkArray(where + "shared", nodes[n].shared, n, seen, inArrays);
      }
      for (int home = 0; nodes[n].alien != null && home < nr; home++) {
        ArrayCache al = nodes[n].alien[home];
        if ((al == null) != (home == n)) {
          fail(where + "alien cache for node " + home + (al == null ? " missing" : " is its own"));
        }
        if (al != null) {
          checkArray(where + "alien cache for node " + home, al, home, seen, inArrays);
        }
      }
    }
    long countedLive = 0;
    long[] countedFree = new long[nr];
    long[] perList = new long[3 * nr];
    for (int n = 0; n < nr; n++) {
      KmemCacheNode node = nodes[n];
      String where = nr == 1 ? "" : "node " + n + " ";
      for (int h = KmemCacheNode.ON_FULL; h <= KmemCacheNode.ON_FREE; h++) {
        int steps = 0;
        for (int s = node.next[h], p = h; s != h; p = s, s = node.next[s]) {
          if (node.prev[s] != p
              || node.listOf[s] != h
              || s < KmemCacheNode.FIRST_SLAB
              || s >= cache.highest
              || cache.slabNode[s] != n) {
            fail("broken " + where + KmemCacheNode.LIST_NAMES[h] + " list at slab " + s);
          }
          if (++steps > cache.highest) {
            fail("cycle in the " + where + KmemCacheNode.LIST_NAMES[h] + " list");
          }
          perList[3 * n + h]++;
        }
      }
    }
    long[] listed = new long[nr];
    long listedAll = 0;
    for (int s = KmemCacheNode.FIRST_SLAB; s < cache.highest; s++) {
      int nid = cache.slabNode[s];
      for (int m = 0; m < nr; m++) {
        if (m != nid && nodes[m].listOf[s] != KmemCacheNode.UNUSED) {
          fail("slab " + s + " of node " + nid + " is linked on node " + m + "'s lists");
        }
      }
      byte l = nodes[nid].listOf[s];
      if (l == KmemCacheNode.UNUSED) {
        continue;
      }
      if (l > KmemCacheNode.ON_FREE) {
        fail("slab " + s + " is on no list");
      }
      if (nr > 1 && cache.ownerNuma().nodeOf(cache.slabPfn[s]) != nid) {
        fail("slab " + s + " is filed on node " + nid + " but its pages are elsewhere");
      }
      listed[nid]++;
      listedAll++;
      int a = cache.active[s];
      if (l == KmemCacheNode.ON_FULL && a != cache.num
          || l == KmemCacheNode.ON_PARTIAL && (a <= 0 || a >= cache.num)
          || l == KmemCacheNode.ON_FREE && a != 0) {
        fail(
            "slab "
                + s
                + " on the "
                + KmemCacheNode.LIST_NAMES[l]
                + " list has active "
                + a
                + " of "
                + cache.num);
      }
      boolean[] isFree = new boolean[cache.num];
      for (int k = a; k < cache.num; k++) {
        int idx = cache.freelist[s * cache.num + k] & 0xff;
        if (idx >= cache.num || isFree[idx]) {
          fail("slab " + s + " freelist entry " + k + " = " + idx + " is out of range or repeated");
        }
        isFree[idx] = true;
      }
      int users = 0;
      for (int i = 0; i < cache.num; i++) {
        boolean user = (cache.inUse[s * cache.words + (i >>> 6)] & (1L << i)) != 0;
        boolean cached = (seen[s * cache.words + (i >>> 6)] & (1L << i)) != 0;
        if (isFree[i] && (user || cached)) {
          fail(
              "slab "
                  + s
                  + " object "
                  + i
                  + " is on the freelist but also "
                  + (user ? "in use" : "in an array cache"));
        }
        if (user && cached) {
          fail("slab " + s + " object " + i + " is in use and in an array cache");
        }
        if (user) {
          users++;
        }
      }
      if (users + inArrays[s] != a) {
        fail(
            "slab "
                + s
                + " active "
                + a
                + " but "
                + users
                + " in use + "
                + inArrays[s]
                + " in array caches");
      }
      countedLive += users;
      countedFree[nid] += cache.num - a;
      long e = SlabPageMap.entry(cache.id + 1, s);
      for (int p = 0; p < (1 << cache.order); p++) {
        if (cache.map.get(cache.slabPfn[s] + p) != e) {
          fail("page " + (cache.slabPfn[s] + p) + " of slab " + s + " does not map to it");
        }
      }
      long colourOffset = cache.sMem[s] - KernelLayout.va(Page.pfnToPhys(cache.slabPfn[s]));
      if (colourOffset % cache.g.colourOff != 0
          || colourOffset / cache.g.colourOff > Math.max(0, cache.g.colour - 1)
          || (cache.g.mode == CacheGeometry.MODE_OFF_SLAB) != (cache.mgmt[s] != 0)) {
        fail("slab " + s + " has colour offset " + colourOffset + " / management " + cache.mgmt[s]);
      }
    }
    for (int n = 0; n < nr; n++) {
      KmemCacheNode node = nodes[n];
      String where = nr == 1 ? "" : "node " + n + " ";
      long full = perList[3 * n];
      long partial = perList[3 * n + 1];
      long free = perList[3 * n + 2];
      if (listed[n] != full + partial + free
          || listed[n] != node.totalSlabs
          || free != node.freeSlabs) {
        fail(
            where
                + "slab counts: listed "
                + listed[n]
                + ", full "
                + full
                + ", partial "
                + partial
                + ", free "
                + free
                + ", total_slabs "
                + node.totalSlabs
                + ", free_slabs "
                + node.freeSlabs);
      }
      if (countedFree[n] != node.freeObjects) {
        fail(where + "free_objects " + node.freeObjects + " but counted " + countedFree[n]);
      }
      if (node.colourNext < 0 || node.colourNext >= Math.max(1, cache.g.colour)) {
        fail(where + "colour_next " + node.colourNext + " with " + cache.g.colour + " colours");
      }
    }
    if (countedLive != cache.live) {
      fail("live objects " + cache.live + " but counted " + countedLive);
    }
    if (mappedPages != cache.slabCount() << cache.order) {
      fail(
          "page map holds "
              + mappedPages
              + " pages of this cache, slabs hold "
              + (cache.slabCount() << cache.order));
    }
    if (cache.highest - KmemCacheNode.FIRST_SLAB != listedAll + cache.spareCount) {
      fail(
          "slab ids: "
              + (cache.highest - KmemCacheNode.FIRST_SLAB)
              + " issued, "
              + listedAll
              + " in use, "
              + cache.spareCount
              + " spare");
    }
  }

  /** One array cache; every object in it must be of node {@code nid}'s slabs. */
  private void checkArray(String what, ArrayCache ac, int nid, long[] seen, int[] inArrays) {
    if (ac.avail < 0 || ac.avail > ac.limit) {
      fail(what + " array holds " + ac.avail + " of " + ac.limit);
    }
    for (int k = 0; k < ac.avail; k++) {
      long h = ac.entry[k];
      int s = (int) (h >>> SlabCache.IDX_BITS);
      int i = (int) h & SlabCache.IDX_MASK;
      if (s < KmemCacheNode.FIRST_SLAB
          || s >= cache.highest
          || nodes[cache.slabNode[s]].listOf[s] > KmemCacheNode.ON_FREE
          || i >= cache.num) {
        fail(what + " array entry " + k + " names slab " + s + " object " + i);
      }
      if (cache.slabNode[s] != nid) {
        fail(
            what
                + " array entry "
                + k
                + " ("
                + SlabCache.hex(cache.address(h))
                + ") is of node "
                + cache.slabNode[s]
                + ", not "
                + nid);
      }
      int w = s * cache.words + (i >>> 6);
      if ((seen[w] & (1L << i)) != 0) {
        fail(
            what
                + " array entry "
                + k
                + " ("
                + SlabCache.hex(cache.address(h))
                + ") is cached twice");
      }
      seen[w] |= 1L << i;
      inArrays[s]++;
    }
  }

  private void fail(String msg) {
    throw new AssertionError(
        "SLAB cache "
            + cache.name
            + ": "
            + msg
            + " [slabs "
            + cache.slabCount()
            + ", free objects "
            + cache.freeObjects()
            + ", live "
            + cache.live
            + "]");
  }
}
