package io.mmsim.experiment.mrc;

/*
 * LRU stack distances, one reference at a time, in O(log m) each (m = pages tracked).
 *
 * Mattson et al. (1970) showed that LRU is a stack algorithm: a cache of c frames holds exactly the
 * c most recently used pages, so a reference hits in every cache larger than its stack distance
 * (the number of distinct pages used since the same page's previous reference, itself included)
 * and misses in every smaller one. One pass over the trace gives the distance histogram, and the
 * fault count of every size is a suffix sum of it.
 *
 * The stack is kept in two parts; every page of the first is more recent than every page of the
 * second:
 *
 *   top[0..nTop)   the most recent pages, newest first, at most TOP of them. Most references of
 *                  real traces land here (in a sort run under lackey, 97 % have distance <= 8): the
 *                  distance is the index + 1, found by a short scan, and nothing else changes.
 *   Fenwick tree   the older pages, each marked at a time stamp that orders them by recency. A
 *                  page's mark is its time stamp; the pages more recent than page x are the top
 *                  part and the marks after x's, so
 *
 *                    distance(x) = nTop + (marks - prefix(stamp(x))) + 1
 *
 *                  This is the counting form of Bennett and Kruskal, "LRU stack processing", IBM
 *                  J. R&D 19(4), 1975.
 *
 * A referenced page goes to top[0]; when the top part is full its oldest page drops into the tree
 * with a fresh stamp (it is newer than every page already there). So stamps are handed out only
 * when a page leaves the top part, not per reference.
 *
 *   tree[1..cap]   Fenwick sums over stamps 1..cap; a stamp counts 1 while it is some page's mark
 *   owner[s]       the page stamped s, for renumbering
 *   where[id]      > 0: the page's stamp in the tree; IN_TOP: in the top part; 0: not tracked
 *
 * When stamps reach cap, the live marks are renumbered 1..marks in order and the tree rebuilt in
 * O(cap); cap stays at least twice the marks, so this is O(1) per stamp amortised and the tree
 * stays small enough for the cache.
 *
 * Pages are dense ids 0..; remove() forgets a page (SHARDS's fixed-size mode drops pages that
 * leave the sample). Not thread-safe.
 */
final class LruStackDistance {
  /** What {@link #access} returns for a page not tracked before (a cold miss). */
  static final int COLD = 0;

  /** Size of the top part. */
  static final int TOP = 16;

  private static final int IN_TOP = -1;

  private final int[] top = new int[TOP];
  private int nTop;
  private int[] tree;
  private int[] owner;
  private int[] where;
  private int cap;
  private int now;
  private int marks;

  LruStackDistance(int expectedPages) {
    int pages = Math.max(16, expectedPages);
    where = new int[pages];
    cap = 2 * pages;
    tree = new int[cap + 1];
    owner = new int[cap + 1];
  }

  /** Pages tracked. */
  int live() {
    return nTop + marks;
  }

  /**
   * One reference to page {@code id}: returns its stack distance (1 = it was the most recent page),
   * or {@link #COLD} if it was not tracked, and makes it the most recent page.
   */
  int access(int id) {
    if (nTop > 0 && top[0] == id) {
      return 1;
    }
    if (id >= where.length) {
      where = java.util.Arrays.copyOf(where, Math.max(id + 1, where.length * 2));
    }
    int w = where[id];
    if (w == IN_TOP) {
      int i = 1;
      while (top[i] != id) {
        i++;
      }
      System.arraycopy(top, 0, top, 1, i);
      top[0] = id;
      return i + 1;
    }
    int distance;
    if (w == 0) {
      distance = COLD;
    } else {
      distance = nTop + marks - prefix(w) + 1;
      add(w, -1);
      marks--;
      where[id] = 0;
    }
    if (nTop == TOP) {
      stamp(top[TOP - 1]);
      nTop--;
    }
    System.arraycopy(top, 0, top, 1, nTop);
    top[0] = id;
    nTop++;
    where[id] = IN_TOP;
    return distance;
  }

  /** Puts page id into the tree as its most recent page. */
  private void stamp(int id) {
    if (now == cap) {
      compact();
    }
    now++;
    add(now, 1);
    owner[now] = id;
    where[id] = now;
    marks++;
  }

  /** Forgets page {@code id} (nothing happens when it is not tracked). */
  void remove(int id) {
    if (id >= where.length || where[id] == 0) {
      return;
    }
    int w = where[id];
    if (w == IN_TOP) {
      int i = 0;
      while (top[i] != id) {
        i++;
      }
      System.arraycopy(top, i + 1, top, i, nTop - i - 1);
      nTop--;
    } else {
      add(w, -1);
      marks--;
    }
    where[id] = 0;
  }

  private int prefix(int t) {
    int s = 0;
    for (int i = t; i > 0; i -= i & -i) {
      s += tree[i];
    }
    return s;
  }

  private void add(int t, int delta) {
    for (int i = t; i <= cap; i += i & -i) {
      tree[i] += delta;
    }
  }

  /** Renumbers the live marks 1..marks in stamp order; grows the tree if it is over half full. */
  private void compact() {
    int k = 0;
    for (int t = 1; t <= now; t++) {
      int id = owner[t];
      if (where[id] == t) {
        k++;
        owner[k] = id;
        where[id] = k;
      }
    }
    assert k == marks : k + " stamps, " + marks + " marks";
    if (2 * (marks + 1) > cap) {
      cap *= 2;
      owner = java.util.Arrays.copyOf(owner, cap + 1);
      tree = new int[cap + 1];
    }
    // a Fenwick tree of ones at 1..k: node i covers (i - lowbit(i), i]
    for (int i = 1; i <= cap; i++) {
      int lo = i - (i & -i);
      tree[i] = Math.max(0, Math.min(i, k) - lo);
    }
    now = k;
  }
}
