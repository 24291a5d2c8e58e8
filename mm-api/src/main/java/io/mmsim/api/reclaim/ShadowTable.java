package io.mmsim.api.reclaim;

import io.mmsim.api.util.LongLongHashMap;

/**
 * Shadow entries of one kind of cache (the page cache of all files, or the swap cache of all swap
 * areas), as {@code mm/workingset.c} keeps them: when reclaim evicts a page, a shadow entry (a
 * non-negative {@code long}, what {@code pack_shadow} packs) takes its slot; a page that comes back
 * to the slot takes the shadow out and reports a refault with it.
 *
 * <p>Slots are {@code long} indices (a file's page offset, a swap slot) grouped as the kernel's
 * XArray groups them, 64 to a node ({@code XA_CHUNK_SIZE}). A node that holds shadows and no page
 * is a shadow node ({@code workingset_update_node} puts it on {@code shadow_nodes}): {@link
 * #nodes()} is vmstat's {@code workingset_nodes}. The shadow shrinker ({@code count_shadow_nodes},
 * {@code shadow_lru_isolate}) keeps at most one shadow node per 8 resident pages: {@link #shrink}
 * frees the oldest shadow nodes beyond that, each with all its shadows, and counts {@code
 * workingset_nodereclaim}.
 *
 * <pre>
 *   node counts, one long per node with anything in it:
 *     63 ................ 32 31 ................ 0
 *    [ pages in the node     ][ shadows in the node ]
 * </pre>
 *
 * <p>Not thread-safe; allocation-free except when its tables grow.
 *
 * @since 1.2
 */
public final class ShadowTable {
  /** No shadow in a slot. */
  public static final long NONE = -1L;

  /** Slots per node: {@code XA_CHUNK_SHIFT} 6. */
  public static final int XA_CHUNK_SHIFT = 6;

  private static final long PAGE_ONE = 1L << 32;
  private static final long SHADOW_MASK = PAGE_ONE - 1;

  private final LongLongHashMap shadows = new LongLongHashMap(64, NONE);
  private final LongLongHashMap counts = new LongLongHashMap(64, 0);

  /** Nodes in the order they became shadow-only (entries go stale; checked when taken). */
  private long[] lru = new long[16];

  private int lruHead;

  /** An empty table. */
  public ShadowTable() {}

  private int lruSize;
  private long nodes;
  private long nodeReclaim;

  private static long node(long index) {
    return index >>> XA_CHUNK_SHIFT;
  }

  private static boolean shadowOnly(long c) {
    return c != 0 && (c >>> 32) == 0;
  }

  private void update(long node, long before, long after) {
    if (after == 0) {
      counts.remove(node);
    } else {
      counts.put(node, after);
    }
    if (shadowOnly(before) != shadowOnly(after)) {
      if (shadowOnly(after)) {
        nodes++;
        push(node);
      } else {
        nodes--;
      }
    }
  }

  private void push(long node) {
    if (lruSize == lru.length) {
      long[] n = new long[lru.length * 2];
      for (int i = 0; i < lruSize; i++) {
        n[i] = lru[(lruHead + i) % lru.length];
      }
      lru = n;
      lruHead = 0;
    }
    lru[(lruHead + lruSize) % lru.length] = node;
    lruSize++;
  }

  /** A page took slot {@code index} (its shadow, if any, must have been taken first). */
  public void pageAdded(long index) {
    long n = node(index);
    long c = counts.get(n);
    update(n, c, c + PAGE_ONE);
  }

  /**
   * The page at slot {@code index} left the cache; {@code shadow} (non-negative) takes its place,
   * or {@link #NONE} for no shadow (the page was truncated, not reclaimed).
   */
  public void pageRemoved(long index, long shadow) {
    long n = node(index);
    long c = counts.get(n);
    if ((c >>> 32) == 0) {
      throw new IllegalStateException("shadow table: no page at slot " + index);
    }
    long after = c - PAGE_ONE;
    if (shadow >= 0 && shadows.put(index, shadow) == NONE) {
      after++;
    }
    update(n, c, after);
  }

  /** Takes the shadow out of slot {@code index}: it, or {@link #NONE} when the slot has none. */
  public long take(long index) {
    long s = shadows.remove(index);
    if (s != NONE) {
      long n = node(index);
      long c = counts.get(n);
      update(n, c, c - 1);
    }
    return s;
  }

  /** The shadow in slot {@code index}, left in place, or {@link #NONE}. */
  public long peek(long index) {
    return shadows.get(index);
  }

  /** Shadow entries held. */
  public long shadows() {
    return shadows.size();
  }

  /** Shadow-only nodes ({@code workingset_nodes}). */
  public long nodes() {
    return nodes;
  }

  /** Shadow nodes freed by {@link #shrink} so far ({@code workingset_nodereclaim}). */
  public long nodeReclaim() {
    return nodeReclaim;
  }

  /**
   * The shadow shrinker: while there are more shadow-only nodes than {@code lruPages >> 3}, frees
   * the one that became shadow-only first, with its shadows.
   *
   * @return nodes freed
   */
  public int shrink(long lruPages) {
    long max = Math.max(0, lruPages) >>> (XA_CHUNK_SHIFT - 3);
    int freed = 0;
    while (nodes > max && lruSize > 0) {
      long n = lru[lruHead];
      lruHead = (lruHead + 1) % lru.length;
      lruSize--;
      long c = counts.get(n);
      if (!shadowOnly(c)) {
        continue; // stale: a page came back, or it went empty
      }
      long base = n << XA_CHUNK_SHIFT;
      for (int i = 0; i < (1 << XA_CHUNK_SHIFT); i++) {
        shadows.remove(base + i);
      }
      update(n, c, 0);
      nodeReclaim++;
      freed++;
    }
    return freed;
  }

  /** Recounts shadows and shadow-only nodes; throws {@link AssertionError} when they differ. */
  public void checkInvariants() {
    shadows.checkInvariants();
    long[] perNodeShadows = {0};
    long[] only = {0};
    shadows.forEach(
        (index, s) -> {
          if (s < 0) {
            throw new AssertionError("shadow table: negative shadow at " + index);
          }
          perNodeShadows[0]++;
        });
    counts.forEach(
        (n, c) -> {
          if (shadowOnly(c)) {
            only[0]++;
          }
        });
    long total = 0;
    long[] sum = {0};
    counts.forEach((n, c) -> sum[0] += c & SHADOW_MASK);
    total = sum[0];
    if (total != perNodeShadows[0] || only[0] != nodes) {
      throw new AssertionError(
          String.format(
              "shadow table: %d shadows counted in nodes, %d held; %d shadow nodes counted, %d"
                  + " found",
              total, perNodeShadows[0], nodes, only[0]));
    }
  }
}
