package io.mmsim.swap.policy;

/**
 * An open-addressing hash map from {@code long} keys to non-negative {@code int} values, without
 * boxing: the page-key index of the replacement policies.
 *
 * <p>Linear probing over a power-of-two table kept at most half full; a value slot holds
 * {@code value + 1}, so 0 marks an empty slot and every {@code long} is a legal key. Removal
 * shifts later entries of the probe run back (no tombstones), so lookups never degrade. Keys are
 * spread with the 64-bit golden-ratio multiplier, which scatters the dense runs of page numbers
 * that workloads produce.
 *
 * <p>Invariant: for every stored key, no empty slot lies between its home slot and its slot.
 */
final class LongIntMap {
  /** Returned by {@link #get} for a missing key. */
  static final int MISSING = -1;

  private long[] keys;
  private int[] vals;
  private int mask;
  private int size;

  LongIntMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(8, expected) * 2 - 1) << 1;
    keys = new long[cap];
    vals = new int[cap];
    mask = cap - 1;
  }

  int size() {
    return size;
  }

  private static int home(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29)) & mask;
  }

  /** The value of {@code key}, or {@link #MISSING}. */
  int get(long key) {
    int i = home(key, mask);
    while (true) {
      int v = vals[i];
      if (v == 0) {
        return MISSING;
      }
      if (keys[i] == key) {
        return v - 1;
      }
      i = (i + 1) & mask;
    }
  }

  /** Stores {@code value} (>= 0) under {@code key}, replacing any previous value. */
  void put(long key, int value) {
    assert value >= 0 : value;
    int i = home(key, mask);
    while (true) {
      int v = vals[i];
      if (v == 0) {
        keys[i] = key;
        vals[i] = value + 1;
        if (++size * 2 > keys.length) {
          grow();
        }
        return;
      }
      if (keys[i] == key) {
        vals[i] = value + 1;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Stores {@code value} (>= 0) under {@code key} unless the key is present.
   *
   * @return the value already stored, or {@link #MISSING} when {@code value} was stored
   */
  int putIfAbsent(long key, int value) {
    assert value >= 0 : value;
    int i = home(key, mask);
    while (true) {
      int v = vals[i];
      if (v == 0) {
        keys[i] = key;
        vals[i] = value + 1;
        if (++size * 2 > keys.length) {
          grow();
        }
        return MISSING;
      }
      if (keys[i] == key) {
        return v - 1;
      }
      i = (i + 1) & mask;
    }
  }

  /** Removes {@code key}; returns its value or {@link #MISSING}. */
  int remove(long key) {
    int i = home(key, mask);
    while (true) {
      int v = vals[i];
      if (v == 0) {
        return MISSING;
      }
      if (keys[i] == key) {
        deleteAt(i);
        size--;
        return v - 1;
      }
      i = (i + 1) & mask;
    }
  }

  private void deleteAt(int hole) {
    int i = hole;
    while (true) {
      i = (i + 1) & mask;
      if (vals[i] == 0) {
        vals[hole] = 0;
        return;
      }
      int h = home(keys[i], mask);
      // the entry at i may move into the hole when its home is not in (hole, i] cyclically
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
    int[] ov = vals;
    keys = new long[ok.length * 2];
    vals = new int[ov.length * 2];
    mask = keys.length - 1;
    for (int j = 0; j < ok.length; j++) {
      if (ov[j] != 0) {
        int i = home(ok[j], mask);
        while (vals[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = ok[j];
        vals[i] = ov[j];
      }
    }
  }

  /** Recounts the entries and checks every key is reachable from its home slot. */
  void checkInvariants() {
    int n = 0;
    for (int j = 0; j < keys.length; j++) {
      if (vals[j] != 0) {
        n++;
        if (get(keys[j]) != vals[j] - 1) {
          throw new AssertionError("key " + keys[j] + " at slot " + j + " is not reachable");
        }
      }
    }
    if (n != size) {
      throw new AssertionError("map size " + size + " but " + n + " entries");
    }
  }
}
