package io.mmsim.slab;

import java.util.Arrays;

import io.mmsim.api.util.IntList;

/**
 * {@code struct kmem_cache_node} of one SLAB cache on one NUMA node ({@code mm/slab.c}, 6.7 and
 * earlier): the three slab lists ({@code slabs_full}, {@code slabs_partial}, {@code slabs_free}) of
 * the slabs whose pages are on this node, the node's counters ({@code total_slabs}, {@code
 * free_slabs}, {@code free_objects}, {@code free_limit}, {@code free_touched}), {@code
 * colour_next}, the shared array cache and the alien caches ({@code alien[]}: objects of other
 * nodes freed by this node's CPUs, one array per home node).
 *
 * <h2>Lists</h2>
 *
 * The lists are {@link IntList} lists over {@code next}/{@code prev}, indexed by the cache's slab
 * index; indices {@value #ON_FULL}, {@value #ON_PARTIAL} and {@value #ON_FREE} are the list heads,
 * so slabs start at {@value #FIRST_SLAB}. {@code listOf[s]} names the list slab {@code s} is on, or
 * {@code UNLISTED} (a slab being set up or moved), or {@code UNUSED} (a retired index, or a slab of
 * another node: every node has link arrays over all the cache's slab indices, and a slab is linked
 * only in its own node's). The arrays grow with the cache's per-slab arrays ({@link #grow}).
 *
 * <p>Not thread-safe, like its cache.
 */
final class KmemCacheNode {
  // list heads double as sentinel slab indices
  static final byte ON_FULL = 0;
  static final byte ON_PARTIAL = 1;
  static final byte ON_FREE = 2;
  static final byte UNLISTED = 3;
  static final byte UNUSED = 4;
  static final int FIRST_SLAB = 3;
  static final String[] LIST_NAMES = {"full", "partial", "free"};

  int[] next;
  int[] prev;
  byte[] listOf;

  /** The shared array ({@code shared}), or null when the cache has none. */
  final ArrayCache shared;

  /** {@code free_limit}: free objects beyond it give free slabs back at once. */
  final long freeLimit;

  /**
   * {@code alien[nid]}: objects of node {@code nid}'s slabs freed on this node, waiting to go home
   * ({@code struct alien_cache}); null for this node itself and on a one-node machine.
   */
  final ArrayCache[] alien;

  long freeObjects;
  long totalSlabs;
  long freeSlabs;
  boolean freeTouched;

  /** {@code colour_next}: the colour of the next slab, in {@code [0, colour)}. */
  int colourNext;

  KmemCacheNode(int capacity, ArrayCache shared, long freeLimit, ArrayCache[] alien) {
    this.shared = shared;
    this.freeLimit = freeLimit;
    this.alien = alien;
    this.next = new int[capacity];
    this.prev = new int[capacity];
    this.listOf = new byte[capacity];
    Arrays.fill(listOf, UNUSED);
    for (int h = ON_FULL; h <= ON_FREE; h++) {
      IntList.init(next, prev, h);
      listOf[h] = (byte) h;
    }
  }

  /** Grows the link arrays from {@code old} to {@code capacity} slab indices. */
  void grow(int old, int capacity) {
    next = Arrays.copyOf(next, capacity);
    prev = Arrays.copyOf(prev, capacity);
    listOf = Arrays.copyOf(listOf, capacity);
    Arrays.fill(listOf, old, capacity, UNUSED);
  }

  void linkHead(int h, int s) {
    IntList.addHead(next, prev, h, s);
    listOf[s] = (byte) h;
  }

  void linkTail(int h, int s) {
    IntList.addTail(next, prev, h, s);
    listOf[s] = (byte) h;
  }

  void unlink(int s) {
    IntList.del(next, prev, s);
    listOf[s] = UNLISTED;
  }

  /** {@code get_first_slab}: the first partial slab, else the first free one, else -1. */
  int firstSlab() {
    int s = next[ON_PARTIAL];
    if (s != ON_PARTIAL) {
      return s;
    }
    freeTouched = true;
    s = next[ON_FREE];
    if (s != ON_FREE) {
      freeSlabs--;
      return s;
    }
    return -1;
  }

  boolean hasFreeSlab() {
    return next[ON_FREE] != ON_FREE;
  }

  /** The last slab of the free list (the coldest), which must not be empty. */
  int lastFreeSlab() {
    return prev[ON_FREE];
  }

  /** Slabs on {@code list} ({@link #ON_FULL}, {@link #ON_PARTIAL}, {@link #ON_FREE}). */
  int listLength(int list) {
    int n = 0;
    for (int s = next[list]; s != list; s = next[s]) {
      n++;
    }
    return n;
  }

  /**
   * Advances {@code colour_next} over {@code colours} colours and returns the colour of the slab
   * being grown: as in {@code cache_grow_begin}, the value after the advance.
   */
  int advanceColour(int colours) {
    colourNext++;
    if (colourNext >= colours) {
      colourNext = 0;
    }
    return colourNext;
  }
}
