package io.mmsim.policies;

import java.util.Arrays;

/*
 * Page -> node number, the index every policy here keeps of the pages it knows (resident pages and
 * the remembered ones on ghost lists).
 *
 * Open addressing with linear probing, as in Knuth, TAOCP vol. 3, 6.4 (Algorithm L, and R for
 * deletion):
 *
 *   keys[s]   the page in slot s
 *   nodes[s]  its node number + 1; 0 = free slot (so every long is a legal page)
 *   home(k)   = top log2(capacity) bits of k * 0x9E3779B97F4A7C15 (Fibonacci hashing scatters the
 *               dense runs of page numbers that reference strings are made of)
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

  private long[] keys;
  private int[] nodes;
  private int mask;
  private int shift;
  private int size;
  private long memoKey;
  private int memoNode = NONE;
  private boolean memoValid;

  PageIndex(int expected) {
    int cap = MIN_CAPACITY;
    while (cap < 2L * expected && cap < (1 << 30)) {
      cap <<= 1;
    }
    allocate(cap);
  }

  private void allocate(int cap) {
    keys = new long[cap];
    nodes = new int[cap];
    mask = cap - 1;
    shift = 64 - Integer.numberOfTrailingZeros(cap);
  }

  private int home(long k) {
    return (int) ((k * PHI) >>> shift);
  }

  int size() {
    return size;
  }

  /** The node of {@code page}, or {@link #NONE}. */
  int get(long page) {
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
    int s = home(page);
    while (true) {
      int n = nodes[s];
      if (n == 0) {
        return NONE;
      }
      if (keys[s] == page) {
        return n - 1;
      }
      s = (s + 1) & mask;
    }
  }

  /** Records {@code page -> node}; the page must not be indexed yet. */
  void put(long page, int node) {
    if (2 * (size + 1) > keys.length) {
      grow();
    }
    int s = home(page);
    while (nodes[s] != 0) {
      assert keys[s] != page : "page " + page + " indexed twice";
      s = (s + 1) & mask;
    }
    keys[s] = page;
    nodes[s] = node + 1;
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
    if (2 * (size + 1) > keys.length) {
      grow();
    }
    int s = home(page);
    while (nodes[s] != 0) {
      if (keys[s] == page) {
        return nodes[s] - 1;
      }
      s = (s + 1) & mask;
    }
    keys[s] = page;
    nodes[s] = node + 1;
    size++;
    if (page == memoKey) {
      memoNode = node;
    }
    return NONE;
  }

  /** Changes the node of {@code page}, which must be indexed. */
  void update(long page, int node) {
    int s = home(page);
    while (keys[s] != page || nodes[s] == 0) {
      s = (s + 1) & mask;
    }
    nodes[s] = node + 1;
    if (page == memoKey) {
      memoNode = node;
    }
  }

  /** Forgets {@code page}; returns its node, or {@link #NONE}. */
  int remove(long page) {
    if (page == memoKey) {
      memoNode = NONE;
    }
    int s = home(page);
    while (true) {
      int n = nodes[s];
      if (n == 0) {
        return NONE;
      }
      if (keys[s] == page) {
        break;
      }
      s = (s + 1) & mask;
    }
    int found = nodes[s] - 1;
    // backward-shift deletion: move later entries of the run into the hole when their home allows
    int hole = s;
    int j = s;
    while (true) {
      j = (j + 1) & mask;
      if (nodes[j] == 0) {
        break;
      }
      int h = home(keys[j]);
      // the entry at j may move to hole when its home is not cyclically in (hole, j]
      boolean stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
      if (!stays) {
        keys[hole] = keys[j];
        nodes[hole] = nodes[j];
        hole = j;
      }
    }
    nodes[hole] = 0;
    size--;
    return found;
  }

  private void grow() {
    long[] ok = keys;
    int[] on = nodes;
    allocate(ok.length * 2);
    for (int i = 0; i < ok.length; i++) {
      if (on[i] != 0) {
        int s = home(ok[i]);
        while (nodes[s] != 0) {
          s = (s + 1) & mask;
        }
        keys[s] = ok[i];
        nodes[s] = on[i];
      }
    }
  }

  void checkInvariants() {
    int used = 0;
    for (int s = 0; s < keys.length; s++) {
      if (nodes[s] == 0) {
        continue;
      }
      used++;
      for (int t = home(keys[s]); t != s; t = (t + 1) & mask) {
        if (nodes[t] == 0) {
          throw new AssertionError("page " + keys[s] + " in slot " + s + " cut off at slot " + t);
        }
      }
    }
    if (used != size || 2 * size > keys.length) {
      throw new AssertionError(
          "index: " + used + " used slots, size " + size + ", capacity " + keys.length);
    }
    if (memoValid && probe(memoKey) != memoNode) {
      throw new AssertionError("index memo of page " + memoKey + " is stale");
    }
  }

  @Override
  public String toString() {
    return "PageIndex" + Arrays.toString(new int[] {size, keys.length});
  }
}
