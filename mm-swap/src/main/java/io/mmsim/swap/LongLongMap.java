package io.mmsim.swap;

/**
 * An open-addressing hash map from non-negative {@code long} keys to {@code long} values, without
 * boxing: the swap cache's two indexes (entry to frame, frame to entry) and the swap-count
 * continuations.
 *
 * <p>Linear probing over a power-of-two table at most half full; {@link #EMPTY} (-1) marks a free
 * slot, so keys must be {@code >= 0}. Removal shifts the rest of the probe run back (no
 * tombstones). Invariant: for every key, no free slot lies between its home slot and its slot.
 */
final class LongLongMap {
  /** Returned by {@link #get} and {@link #remove} for a missing key; also the free-slot mark. */
  static final long EMPTY = -1L;

  private long[] keys;
  private long[] vals;
  private int mask;
  private int size;

  LongLongMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(8, expected) * 2 - 1) << 1;
    keys = new long[cap];
    vals = new long[cap];
    java.util.Arrays.fill(keys, EMPTY);
    mask = cap - 1;
  }

  int size() {
    return size;
  }

  private static int home(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29)) & mask;
  }

  /** The value of {@code key}, or {@link #EMPTY}. */
  long get(long key) {
    int i = home(key, mask);
    while (true) {
      long k = keys[i];
      if (k == key) {
        return vals[i];
      }
      if (k == EMPTY) {
        return EMPTY;
      }
      i = (i + 1) & mask;
    }
  }

  boolean containsKey(long key) {
    int i = home(key, mask);
    while (true) {
      long k = keys[i];
      if (k == key) {
        return true;
      }
      if (k == EMPTY) {
        return false;
      }
      i = (i + 1) & mask;
    }
  }

  /** Stores {@code value} under {@code key} (>= 0). */
  void put(long key, long value) {
    assert key >= 0 : key;
    int i = home(key, mask);
    while (true) {
      long k = keys[i];
      if (k == key) {
        vals[i] = value;
        return;
      }
      if (k == EMPTY) {
        keys[i] = key;
        vals[i] = value;
        if (++size * 2 > keys.length) {
          grow();
        }
        return;
      }
      i = (i + 1) & mask;
    }
  }

  /** Removes {@code key}; returns its value, or {@link #EMPTY} when it was missing. */
  long remove(long key) {
    int i = home(key, mask);
    while (true) {
      long k = keys[i];
      if (k == key) {
        long v = vals[i];
        deleteAt(i);
        size--;
        return v;
      }
      if (k == EMPTY) {
        return EMPTY;
      }
      i = (i + 1) & mask;
    }
  }

  private void deleteAt(int hole) {
    int i = hole;
    while (true) {
      i = (i + 1) & mask;
      if (keys[i] == EMPTY) {
        keys[hole] = EMPTY;
        return;
      }
      int h = home(keys[i], mask);
      boolean stays = hole <= i ? (hole < h && h <= i) : (hole < h || h <= i);
      if (!stays) {
        keys[hole] = keys[i];
        vals[hole] = vals[i];
        hole = i;
      }
    }
  }

  private void grow() {
    long[] ok = keys;
    long[] ov = vals;
    keys = new long[ok.length * 2];
    vals = new long[ov.length * 2];
    java.util.Arrays.fill(keys, EMPTY);
    mask = keys.length - 1;
    for (int j = 0; j < ok.length; j++) {
      if (ok[j] != EMPTY) {
        int i = home(ok[j], mask);
        while (keys[i] != EMPTY) {
          i = (i + 1) & mask;
        }
        keys[i] = ok[j];
        vals[i] = ov[j];
      }
    }
  }

  /** Calls {@code visitor} for every entry (slow, for invariant checks and swapoff). */
  void forEach(Visitor visitor) {
    long[] k = keys.clone();
    long[] v = vals.clone();
    for (int j = 0; j < k.length; j++) {
      if (k[j] != EMPTY) {
        visitor.visit(k[j], v[j]);
      }
    }
  }

  /** One entry of {@link #forEach}. */
  @FunctionalInterface
  interface Visitor {
    void visit(long key, long value);
  }

  void checkInvariants() {
    int n = 0;
    for (int j = 0; j < keys.length; j++) {
      if (keys[j] != EMPTY) {
        n++;
        if (get(keys[j]) != vals[j]) {
          throw new AssertionError("key " + keys[j] + " at slot " + j + " is not reachable");
        }
      }
    }
    if (n != size) {
      throw new AssertionError("map size " + size + " but " + n + " entries");
    }
  }
}
