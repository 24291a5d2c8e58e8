package io.mmsim.slub;

import io.mmsim.api.util.IntList;

/**
 * {@code struct kmem_cache_node} of one SLUB cache on one NUMA node: the node partial list, the
 * full list (kept only for caches with user tracking, U), and the node's slab counters ({@code
 * nr_slabs}, {@code total_objects}, {@code nr_partial}; {@code mm/slub.c: add_partial,
 * remove_partial, add_full, remove_full, inc_slabs_node, dec_slabs_node, __kmem_cache_do_shrink}).
 *
 * <p>Both lists are doubly linked through the shared {@link SlabTable}'s {@code next}/{@code prev}
 * arrays, each with a list head id of its own ({@link SlabTable#STATE_LIST_HEAD}). A slab's {@code
 * state} names the list it is on.
 *
 * <p>Not thread-safe, like its cache.
 */
final class KmemCacheNode {
  /** {@code SHRINK_PROMOTE_MAX}. */
  private static final int SHRINK_PROMOTE_MAX = 32;

  private final SlubCache cache;
  private final SlabTable table;

  /** Full slabs go on {@link #fullList} only with user tracking, as in the kernel. */
  private final boolean trackFull;

  /** The head ids of the partial list and the full list. */
  final int partialList;

  final int fullList;

  int nrPartial;
  int nrFull;
  long nrSlabs;
  long totalObjects;
  long nrPages;

  KmemCacheNode(SlubCache cache, SlabTable table, boolean trackFull) {
    this.cache = cache;
    this.table = table;
    this.trackFull = trackFull;
    this.partialList = table.addListHead();
    this.fullList = table.addListHead();
  }

  /** {@code inc_slabs_node}: a new slab of {@code objects} objects and {@code 2^order} pages. */
  void incSlabs(int objects, int order) {
    nrSlabs++;
    totalObjects += objects;
    nrPages += 1L << order;
  }

  /** {@code dec_slabs_node}. */
  void decSlabs(int objects, int order) {
    nrSlabs--;
    totalObjects -= objects;
    nrPages -= 1L << order;
  }

  boolean hasPartial() {
    return !IntList.isEmpty(table.next, partialList);
  }

  /** The first slab of the partial list; {@link #partialList} itself when the list is empty. */
  int firstPartial() {
    return table.next[partialList];
  }

  /** {@code add_partial}: at the tail (more free objects expected later) or the head. */
  void addPartial(int slab, boolean tail) {
    SlabTable t = table;
    t.state[slab] = SlabTable.STATE_NODE_PARTIAL;
    t.cpu[slab] = -1;
    if (tail) {
      IntList.addTail(t.next, t.prev, partialList, slab);
    } else {
      IntList.addHead(t.next, t.prev, partialList, slab);
    }
    nrPartial++;
  }

  /** {@code remove_partial}: the slab is on no list afterwards. */
  void removePartial(int slab) {
    SlabTable t = table;
    IntList.del(t.next, t.prev, slab);
    t.next[slab] = 0;
    t.prev[slab] = 0;
    t.state[slab] = SlabTable.STATE_UNUSED;
    nrPartial--;
  }

  /**
   * {@code add_full}: a full slab of a debug cache, on the full list with U, untracked otherwise.
   */
  void addFull(int slab) {
    SlabTable t = table;
    t.cpu[slab] = -1;
    if (!trackFull) {
      t.state[slab] = SlabTable.STATE_FULL;
      return;
    }
    t.state[slab] = SlabTable.STATE_FULL_TRACKED;
    IntList.addTail(t.next, t.prev, fullList, slab);
    nrFull++;
  }

  /** {@code remove_full}: the slab is on no list afterwards. */
  void removeFull(int slab) {
    SlabTable t = table;
    if (t.state[slab] == SlabTable.STATE_FULL_TRACKED) {
      IntList.del(t.next, t.prev, slab);
      t.next[slab] = 0;
      t.prev[slab] = 0;
      nrFull--;
    }
    t.state[slab] = SlabTable.STATE_UNUSED;
  }

  /** Free objects on the partial list ({@code count_partial} with {@code count_free}). */
  long partialFreeObjects() {
    SlabTable t = table;
    long free = 0;
    // bounded by nr_partial: after shutdown the list head's id may belong to another slab
    int s = t.next[partialList];
    for (int i = 0; i < nrPartial; i++, s = t.next[s]) {
      free += t.objects[s] - t.inuse[s];
    }
    return free;
  }

  /** The slabs of the partial list, first to last. */
  int[] partialSlabs() {
    int[] out = new int[nrPartial];
    int i = 0;
    for (int s = table.next[partialList]; s != partialList; s = table.next[s]) {
      out[i++] = s;
    }
    return out;
  }

  /**
   * {@code __kmem_cache_do_shrink} for this node: frees every empty partial slab and sorts the rest
   * so that the fullest (fewest free objects) come first.
   */
  void shrink() {
    SlabTable t = table;
    int[] bucketHead = new int[SHRINK_PROMOTE_MAX];
    int[] bucketTail = new int[SHRINK_PROMOTE_MAX];
    int restHead = 0;
    int restTail = 0;
    // detach the whole partial list: its slabs keep their next links, the last one's leads back to
    // the head, which is empty again from here on
    int s = t.next[partialList];
    IntList.init(t.next, t.prev, partialList);
    nrPartial = 0;
    while (s != partialList) {
      int next = t.next[s];
      t.next[s] = 0;
      t.prev[s] = 0;
      int free = t.objects[s] - t.inuse[s];
      if (free == t.objects[s]) {
        cache.discardSlab(0, s);
      } else if (free <= SHRINK_PROMOTE_MAX) {
        // list_move puts it at the head of its bucket
        int b = free - 1;
        t.next[s] = bucketHead[b];
        bucketHead[b] = s;
        if (bucketTail[b] == 0) {
          bucketTail[b] = s;
        }
      } else {
        if (restTail == 0) {
          restHead = s;
        } else {
          t.next[restTail] = s;
        }
        restTail = s;
      }
      s = next;
    }
    for (int b = 0; b < SHRINK_PROMOTE_MAX; b++) {
      for (int x = bucketHead[b]; x != 0; ) {
        int next = t.next[x];
        addPartial(x, true);
        x = next;
      }
    }
    for (int x = restHead; x != 0; ) {
      int next = t.next[x];
      addPartial(x, true);
      x = next;
    }
  }

  /** Gives the list head ids back to the table (the node is gone with its cache). */
  void release() {
    table.removeListHead(partialList);
    table.removeListHead(fullList);
  }
}
