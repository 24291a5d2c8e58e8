package io.mmsim.experiment.mrc;

/*
 * OPT (Belady's MIN with demand paging) stack distances for a whole trace in one pass.
 *
 * Mattson, Gecsei, Slutz and Traiger, "Evaluation techniques for storage hierarchies", IBM Systems
 * Journal 9(2), 1970, show that OPT is a stack algorithm when a page's priority is the time of its
 * next reference (sooner = higher): the caches of every size c hold the top c entries of one stack,
 * so one pass gives every size's fault count. Their stack update, for a reference to page x found
 * at depth d (d = bottom + 1 for a first reference):
 *
 *   x goes to the top; the old top entry is "carried" down; at each depth i = 2 .. d-1 the carried
 *   entry and the entry at i are compared, the one referenced sooner stays at i, the other is
 *   carried on; the last carried entry fills depth d, the slot x left.
 *
 * Done literally this costs O(d) per reference. The observation used here: an entry at depth i
 * stays where it is unless its next reference is later than that of the entry being carried, so
 * the only entries that move are the running maxima of next-reference time among depths 1..d-1,
 * each moving into the depth of the next one. A max segment tree over the stack slots finds the
 * next such entry in O(log V), so a reference costs O(log V) per entry that really moves (V =
 * distinct pages); everything else in the stack is never visited. Slots never shift: the stack grows
 * at the bottom only on a first reference.
 *
 *   slot[s], key[s]   the page id at depth s + 1 and its next reference time (NEVER if none)
 *   pos[id]           the slot of page id, -1 before its first reference
 *   max[1..2P)        segment tree over the P (power of two >= V) slots: max[n] is the largest key
 *                     in node n's range; leaves at P + s; unused slots hold EMPTY
 *
 * Pages that are never referenced again all have key NEVER; among them the order does not matter,
 * since none is ever found at a depth again. Ties between real keys cannot happen: two pages are
 * never next referenced at the same time.
 */
final class OptStackDistance {
  /** The next-reference time of a page that is not referenced again. */
  static final int NEVER = Integer.MAX_VALUE;

  private static final int EMPTY = -1;

  private final int[] slot;
  private final int[] key;
  private final int[] pos;
  private final int[] max;
  private final int leaves;
  private final int[] pending = new int[64];
  private int size;

  private OptStackDistance(int distinct) {
    slot = new int[Math.max(1, distinct)];
    key = new int[Math.max(1, distinct)];
    pos = new int[Math.max(1, distinct)];
    java.util.Arrays.fill(pos, -1);
    leaves = Integer.highestOneBit(Math.max(1, distinct - 1)) << 1;
    max = new int[2 * leaves];
    java.util.Arrays.fill(max, EMPTY);
  }

  /** The OPT stack-distance histogram of {@code ids} (dense page ids below {@code distinct}). */
  static DistanceHistogram histogram(int[] ids, int distinct) {
    return histogram(ids, distinct, false);
  }

  /** As {@link #histogram(int[], int)}, checking the invariants after every step if asked. */
  static DistanceHistogram histogram(int[] ids, int distinct, boolean check) {
    int n = ids.length;
    int[] next = nextReferences(ids, distinct);
    OptStackDistance s = new OptStackDistance(distinct);
    DistanceHistogram h = new DistanceHistogram(distinct);
    h.references = n;
    long[] counts = h.counts;
    for (int t = 0; t < n; t++) {
      int x = ids[t];
      int p = s.pos[x];
      if (p == 0) {
        counts[1]++;
        s.put(0, x, next[t]);
      } else if (p < 0) {
        h.cold++;
        s.reference(x, next[t], s.size++);
      } else {
        counts[p + 1]++;
        s.reference(x, next[t], p);
      }
      if (check) {
        s.checkInvariants();
      }
    }
    return h;
  }

  /** next[t] = the time of the next reference to ids[t]'s page, or NEVER. */
  static int[] nextReferences(int[] ids, int distinct) {
    int[] next = new int[ids.length];
    int[] seen = new int[Math.max(1, distinct)];
    java.util.Arrays.fill(seen, NEVER);
    for (int t = ids.length - 1; t >= 0; t--) {
      next[t] = seen[ids[t]];
      seen[ids[t]] = t;
    }
    return next;
  }

  /** Page x, now referenced again next at nx, goes on top; target is the slot it leaves. */
  private void reference(int x, int nx, int target) {
    if (target == 0) {
      put(0, x, nx);
      return;
    }
    int carry = slot[0];
    int carryKey = key[0];
    put(0, x, nx);
    int from = 1;
    while (from < target) {
      int j = firstGreater(from, target, carryKey);
      if (j < 0) {
        break;
      }
      int c = slot[j];
      int k = key[j];
      put(j, carry, carryKey);
      carry = c;
      carryKey = k;
      from = j + 1;
    }
    put(target, carry, carryKey);
  }

  private void put(int s, int id, int k) {
    slot[s] = id;
    key[s] = k;
    pos[id] = s;
    int n = s + leaves;
    max[n] = k;
    for (n >>>= 1; n >= 1; n >>>= 1) {
      int m = Math.max(max[2 * n], max[2 * n + 1]);
      if (max[n] == m) {
        break; // nothing above changes either
      }
      max[n] = m;
    }
  }

  /** The first slot in [lo, hi) whose key exceeds k, or -1. */
  private int firstGreater(int lo, int hi, int k) {
    int l = lo + leaves;
    int r = hi + leaves;
    int np = 0;
    while (l < r) {
      if ((l & 1) != 0) {
        if (max[l] > k) {
          return descend(l, k);
        }
        l++;
      }
      if ((r & 1) != 0) {
        pending[np++] = --r;
      }
      l >>>= 1;
      r >>>= 1;
    }
    while (np > 0) {
      int node = pending[--np];
      if (max[node] > k) {
        return descend(node, k);
      }
    }
    return -1;
  }

  private int descend(int node, int k) {
    while (node < leaves) {
      node = max[2 * node] > k ? 2 * node : 2 * node + 1;
    }
    return node - leaves;
  }

  /** Checks the tree and the slot/pos maps agree (for tests). */
  void checkInvariants() {
    for (int s = 0; s < size; s++) {
      if (pos[slot[s]] != s || max[s + leaves] != key[s]) {
        throw new AssertionError("slot " + s + " holds " + slot[s] + " at pos " + pos[slot[s]]);
      }
    }
    for (int n = leaves - 1; n >= 1; n--) {
      if (max[n] != Math.max(max[2 * n], max[2 * n + 1])) {
        throw new AssertionError("segment tree node " + n + " is stale");
      }
    }
  }
}
