package io.mmsim.policies;

import java.util.Arrays;

/*
 * Page -> node number, the index every policy here keeps of the pages it knows (resident pages and
 * the remembered ones on ghost lists).
 *
 * Open addressing with linear probing, as in Knuth, TAOCP vol. 3, 6.4 (Algorithm L, and R for
 * deletion), one long[] with the key of a slot next to its node, so that a probe reads one cache
 * line:
 *
 *   slots[2s]      the page in slot s
 *   slots[2s + 1]  its node number + 1; 0 = free slot (so every long is a legal page)
 *   home(k)        = top log2(capacity) bits of k * 0x9E3779B97F4A7C15 (Fibonacci hashing scatters
 *                    the dense runs of page numbers that reference strings are made of)
 *
 * Pages below 2^22 (frame numbers, the page numbers of reference strings) skip the table: a plain
 * array, dense[page] = node + 1 (0 = absent), grown by doubling to the largest such page seen (at
 * most 16 MiB), answers for them with one load instead of a probe.
 *
 * The table is kept at most half full and doubles past that; deletion shifts the later entries of
 * the probe run back into the hole, so there are no tombstones. A one-entry memo of the last key
 * looked up (found or not) makes the driver's contains-then-access pair of a hit cost one probe,
 * and a miss's contains, miss and insert lookups one probe before the insertion; put, update and
 * remove of that key keep the memo true.
 * Invariants (checkInvariants): every entry is reachable from its home slot without crossing a free
 * slot; size counts the used slots. Not thread-safe.
 */
final class PageIndex {
  static final int NONE = -1;

  private static final long PHI = 0x9E3779B97F4A7C15L;
  private static final int MIN_CAPACITY = 16;

  private static final long DENSE_PAGES = 1L << 22;

  private int[] dense = new int[0];
  private int denseCount;
  private long[] slots;
  private int mask;
  private int shift;
  private int size;
  private long memoKey;
  private int memoNode = NONE;
  private boolean memoValid;

  PageIndex(int expected) {
    int cap = MIN_CAPACITY;
    while (cap < 2L * expected && cap < (1 << 29)) {
      cap <<= 1;
    }
    allocate(cap);
  }

  private void allocate(int cap) {
    slots = new long[2 * cap];
    mask = cap - 1;
    shift = 64 - Integer.numberOfTrailingZeros(cap);
  }

  private int capacity() {
    return mask + 1;
  }

  private int home(long k) {
    return (int) ((k * PHI) >>> shift);
  }

  int size() {
    return size + denseCount;
  }

  private static boolean isDense(long page) {
    return page >= 0 && page < DENSE_PAGES;
  }

  /** The dense array, grown to hold {@code page}. */
  private int[] denseFor(long page) {
    if (page >= dense.length) {
      long len = Math.max(1024, Math.max(page + 1, 2L * dense.length));
      dense = Arrays.copyOf(dense, (int) Math.min(len, DENSE_PAGES));
    }
    return dense;
  }

  /** The node of {@code page}, or {@link #NONE}. */
  int get(long page) {
    if (isDense(page)) {
      int[] d = dense;
      return page < d.length ? d[(int) page] - 1 : NONE;
    }
    if (page == memoKey && memoValid) {
      return memoNode;
    }
    int n = probe(page);
    memoKey = page;
    memoNode = n;
    memoValid = true;
    return n;
  }

  private int probe(long page) {
    long[] t = slots;
    int s = home(page);
    while (true) {
      long n = t[2 * s + 1];
      if (n == 0) {
        return NONE;
      }
      if (t[2 * s] == page) {
        return (int) n - 1;
      }
      s = (s + 1) & mask;
    }
  }

  /** Records {@code page -> node}; the page must not be indexed yet. */
  void put(long page, int node) {
    if (isDense(page)) {
      int[] d = denseFor(page);
      assert d[(int) page] == 0 : "page " + page + " indexed twice";
      d[(int) page] = node + 1;
      denseCount++;
      return;
    }
    if (2 * (size + 1) > capacity()) {
      grow();
    }
    long[] t = slots;
    int s = home(page);
    while (t[2 * s + 1] != 0) {
      assert t[2 * s] != page : "page " + page + " indexed twice";
      s = (s + 1) & mask;
    }
    t[2 * s] = page;
    t[2 * s + 1] = node + 1;
    size++;
    if (page == memoKey) {
      memoNode = node;
    }
  }

  /**
   * Records {@code page -> node} unless the page is indexed already; one probe either way.
   *
   * @return {@link #NONE} when recorded, else the node the page already has (nothing changes)
   */
  int putIfAbsent(long page, int node) {
    if (isDense(page)) {
      int[] d = denseFor(page);
      int had = d[(int) page];
      if (had != 0) {
        return had - 1;
      }
      d[(int) page] = node + 1;
      denseCount++;
      return NONE;
    }
    if (2 * (size + 1) > capacity()) {
      grow();
    }
    long[] t = slots;
    int s = home(page);
    while (t[2 * s + 1] != 0) {
      if (t[2 * s] == page) {
        return (int) t[2 * s + 1] - 1;
      }
      s = (s + 1) & mask;
    }
    t[2 * s] = page;
    t[2 * s + 1] = node + 1;
    size++;
    if (page == memoKey) {
      memoNode = node;
    }
    return NONE;
  }

  /** Changes the node of {@code page}, which must be indexed. */
  void update(long page, int node) {
    if (isDense(page)) {
      dense[(int) page] = node + 1;
      return;
    }
    long[] t = slots;
    int s = home(page);
    while (t[2 * s] != page || t[2 * s + 1] == 0) {
      s = (s + 1) & mask;
    }
    t[2 * s + 1] = node + 1;
    if (page == memoKey) {
      memoNode = node;
    }
  }

  /** Forgets {@code page}; returns its node, or {@link #NONE}. */
  int remove(long page) {
    if (isDense(page)) {
      if (page >= dense.length || dense[(int) page] == 0) {
        return NONE;
      }
      int found = dense[(int) page] - 1;
      dense[(int) page] = 0;
      denseCount--;
      return found;
    }
    if (page == memoKey) {
      memoNode = NONE;
    }
    long[] t = slots;
    int m = mask;
    int s = home(page);
    while (true) {
      if (t[2 * s + 1] == 0) {
        return NONE;
      }
      if (t[2 * s] == page) {
        break;
      }
      s = (s + 1) & m;
    }
    int found = (int) t[2 * s + 1] - 1;
    // backward-shift deletion: move later entries of the run into the hole when their home allows
    int hole = s;
    for (int j = (s + 1) & m; t[2 * j + 1] != 0; j = (j + 1) & m) {
      int h = home(t[2 * j]);
      // the entry at j may fill the hole when the hole lies on its probe path from h to j
      if (((j - h) & m) >= ((j - hole) & m)) {
        t[2 * hole] = t[2 * j];
        t[2 * hole + 1] = t[2 * j + 1];
        hole = j;
      }
    }
    t[2 * hole + 1] = 0;
    size--;
    return found;
  }

  private void grow() {
    long[] old = slots;
    allocate(capacity() * 2);
    long[] t = slots;
    for (int i = 0; i < old.length; i += 2) {
      if (old[i + 1] != 0) {
        int s = home(old[i]);
        while (t[2 * s + 1] != 0) {
          s = (s + 1) & mask;
        }
        t[2 * s] = old[i];
        t[2 * s + 1] = old[i + 1];
      }
    }
  }

  void checkInvariants() {
    int used = 0;
    for (int s = 0; s < capacity(); s++) {
      if (slots[2 * s + 1] == 0) {
        continue;
      }
      used++;
      long k = slots[2 * s];
      for (int t = home(k); t != s; t = (t + 1) & mask) {
        if (slots[2 * t + 1] == 0) {
          throw new AssertionError("page " + k + " in slot " + s + " cut off at slot " + t);
        }
      }
    }
    if (used != size || 2 * size > capacity()) {
      throw new AssertionError(
          "index: " + used + " used slots, size " + size + ", capacity " + capacity());
    }
    int denseSeen = 0;
    for (int v : dense) {
      denseSeen += v != 0 ? 1 : 0;
    }
    if (denseSeen != denseCount) {
      throw new AssertionError("index: " + denseSeen + " dense pages, count " + denseCount);
    }
    if (memoValid && probe(memoKey) != memoNode) {
      throw new AssertionError("index memo of page " + memoKey + " is stale");
    }
  }

  @Override
  public String toString() {
    return "PageIndex" + Arrays.toString(new int[] {size(), capacity()});
  }
}
