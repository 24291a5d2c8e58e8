package io.mmsim.slub;

import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.util.IntList;

/**
 * The invariants of one SLUB cache, recomputed from scratch: for every slab, allocated bits =
 * {@code inuse} (recounted for a CPU slab, whose counter lags); free objects on its freelists (the
 * CPU freelist too if it is a CPU slab) = objects - inuse, each at an object boundary with its bit
 * clear; the slab is on exactly the list its state names; its frames map to it. The node counters
 * (slabs, objects, pages, nr_partial, nr_full) equal what the lists hold, and each CPU's copies of
 * its slab are current. The kernel has no such full check ({@code validate_slab_cache} comes
 * closest); tests and the allocator's {@code checkInvariants} run it.
 */
final class SlubInvariants {
  private final SlubCache cache;
  private final SlabTable table;
  private final PhysicalMemory memory;
  private final KmemCacheCpu[] cpus;

  private SlubInvariants(SlubCache cache) {
    this.cache = cache;
    this.table = cache.allocator.table;
    this.memory = cache.allocator.memory;
    this.cpus = cache.cpus;
  }

  /** Recomputes every counter and list of {@code cache}; throws AssertionError on a mismatch. */
  static void check(SlubCache cache) {
    new SlubInvariants(cache).checkAll();
  }

  private void checkAll() {
    SlabTable t = table;
    int nodes = cache.nodes.length;
    long[] slabs = new long[nodes];
    long[] objs = new long[nodes];
    long[] pagesHeld = new long[nodes];
    for (int s = 1; s < t.idLimit(); s++) {
      if (t.cache[s] != cache) {
        continue;
      }
      int nid = nodeIndex(s);
      slabs[nid]++;
      objs[nid] += t.objects[s];
      pagesHeld[nid] += 1L << t.order[s];
      checkSlab(s);
    }
    for (int nid = 0; nid < nodes; nid++) {
      checkNode(nid, cache.nodes[nid], slabs[nid], objs[nid], pagesHeld[nid]);
    }
    for (int cpu = 0; cpu < cpus.length; cpu++) {
      int c = cpus[cpu].slab;
      check(
          c == 0 || (t.cache[c] == cache && t.state[c] == SlabTable.STATE_CPU && t.cpu[c] == cpu),
          "cpu %d slab %d",
          cpu,
          c);
      check(c != 0 || cpus[cpu].freelist == 0, "cpu %d has a freelist but no slab", cpu);
      check(!cache.debug || c == 0, "debug cache with a cpu slab");
      int k = 0;
      for (int s = cpus[cpu].partial; s != 0; s = t.next[s]) {
        check(
            t.cache[s] == cache
                && t.state[s] == SlabTable.STATE_CPU_PARTIAL
                && t.cpu[s] == cpu
                && t.inuse[s] < t.objects[s],
            "cpu %d partial entry %d",
            cpu,
            s);
        check(++k <= cache.nrSlabs(), "cpu partial list cycles");
      }
      check(
          k == cpus[cpu].partialCount,
          "cpu %d partial count %d counted %d",
          cpu,
          cpus[cpu].partialCount,
          k);
    }
  }

  private void checkSlab(int s) {
    SlabTable t = table;
    int objects = t.objects[s];
    int bits = 0;
    for (long w : t.allocBits[s]) {
      bits += Long.bitCount(w);
    }
    check(
        t.state[s] == SlabTable.STATE_CPU || bits == t.inuse[s],
        "slab %d: %d allocated bits but inuse %d",
        s,
        bits,
        t.inuse[s]);
    if (t.state[s] == SlabTable.STATE_CPU) {
      KmemCacheCpu c = cpus[t.cpu[s]];
      check(
          c.base == t.base[s]
              && c.limit == (long) objects * cache.size()
              && c.bits == t.allocBits[s],
          "cpu %d copies of slab %d are stale",
          t.cpu[s],
          s);
    }
    check(
        objects == SlubLayout.orderObjects(t.order[s], cache.size()),
        "slab %d: objects %d",
        s,
        objects);
    long pfn = t.pfn(s);
    for (long f = pfn; f < pfn + (1L << t.order[s]); f++) {
      // both words of a slab frame are SLUB's: another value was written by another owner
      check(t.owner[(int) f] == s, "frame %d of slab %d maps to %d", f, s, t.owner[(int) f]);
      check(t.word1[(int) f] == 0, "frame %d of slab %d has word1 0x%x", f, s, t.word1[(int) f]);
    }
    int free = countChain(s, t.freelist[s]);
    if (t.state[s] == SlabTable.STATE_CPU) {
      free += countChain(s, cpus[t.cpu[s]].freelist);
    }
    check(
        free + bits == objects,
        "slab %d (%s): %d free on lists + %d allocated != %d objects",
        s,
        SlabTable.stateName(t.state[s]),
        free,
        bits,
        objects);
    byte st = t.state[s];
    check(st != SlabTable.STATE_UNUSED, "slab %d on no list", s);
    if (st == SlabTable.STATE_FULL || st == SlabTable.STATE_FULL_TRACKED) {
      check(bits == objects, "full slab %d has free objects", s);
    }
  }

  private int countChain(int s, long head) {
    int n = 0;
    long fp = head;
    while (fp != 0) {
      int idx = cache.objectIndex(s, fp);
      check(idx >= 0, "slab %d: freelist entry 0x%x is no object", s, fp);
      check(!table.isAllocated(s, idx), "slab %d: allocated object 0x%x on a freelist", s, fp);
      check(++n <= table.objects[s], "slab %d: freelist cycles", s);
      fp = memory.readLong(KernelLayout.pa(fp) + cache.layout.offset);
    }
    return n;
  }

  private int nodeIndex(int slab) {
    KmemCacheNode n = cache.nodeOf(slab);
    for (int i = 0; ; i++) {
      if (cache.nodes[i] == n) {
        return i;
      }
    }
  }

  /** One node's counters and lists; every slab on them lives on that node. */
  private void checkNode(int nid, KmemCacheNode node, long slabs, long objs, long pagesHeld) {
    SlabTable t = table;
    check(
        slabs == node.nrSlabs && objs == node.totalObjects && pagesHeld == node.nrPages,
        "node %d counters: slabs %d/%d" + " objects %d/%d pages %d/%d",
        nid,
        slabs,
        node.nrSlabs,
        objs,
        node.totalObjects,
        pagesHeld,
        node.nrPages);
    // node partial list and full list: links both ways (IntList), then each entry's state
    check(
        t.state[node.partialList] == SlabTable.STATE_LIST_HEAD
            && t.state[node.fullList] == SlabTable.STATE_LIST_HEAD,
        "list heads %d and %d",
        node.partialList,
        node.fullList);
    int n = IntList.checkedLength(t.next, t.prev, node.partialList, (int) node.nrSlabs);
    check(n == node.nrPartial, "node %d nr_partial %d counted %d", nid, node.nrPartial, n);
    for (int s = t.next[node.partialList]; s != node.partialList; s = t.next[s]) {
      check(
          t.cache[s] == cache && t.state[s] == SlabTable.STATE_NODE_PARTIAL,
          "partial list entry %d state %s",
          s,
          t.state[s]);
      check(
          t.freelist[s] != 0 && t.inuse[s] < t.objects[s], "partial slab %d has no free object", s);
      check(cache.nodeOf(s) == node, "slab %d on node %d's partial list lives elsewhere", s, nid);
    }
    n = IntList.checkedLength(t.next, t.prev, node.fullList, (int) node.nrSlabs);
    check(n == node.nrFull, "node %d nr_full %d counted %d", nid, node.nrFull, n);
    for (int s = t.next[node.fullList]; s != node.fullList; s = t.next[s]) {
      check(
          t.cache[s] == cache && t.state[s] == SlabTable.STATE_FULL_TRACKED,
          "full list entry %d",
          s);
      check(cache.nodeOf(s) == node, "slab %d on node %d's full list lives elsewhere", s, nid);
    }
  }

  private void check(boolean ok, String fmt, Object... args) {
    if (!ok) {
      throw new AssertionError(
          "SLUB cache "
              + cache.name
              + ": "
              + String.format(fmt, args)
              + " [slabs="
              + cache.nrSlabs()
              + " pages="
              + cache.nrPages()
              + " nr_partial="
              + cache.nrPartial()
              + "]");
    }
  }
}
