package io.mmsim.experiment.mrc;

import java.util.Arrays;

/*
 * Page number -> small int id, without boxing: open addressing with linear probing and Fibonacci
 * hashing, kept at most half full, deletion by backward shift (no tombstones), so a map whose
 * pages come and go (SHARDS's fixed-size sample) stays as small as its live content.
 *
 *   keys[slot]   the page number
 *   vals[slot]   its id + 1; 0 marks an empty slot, so any page number (0 included) is a key
 */
final class PageMap {
  /** What {@link #get} returns for a page that is not in the map. */
  static final int MISSING = -1;

  private long[] keys;
  private int[] vals;
  private int mask;
  private int shift;
  private int size;

  PageMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
    keys = new long[cap];
    vals = new int[cap];
    mask = cap - 1;
    shift = 64 - Integer.numberOfTrailingZeros(cap);
  }

  int size() {
    return size;
  }

  private int home(long page) {
    return (int) ((page * 0x9E3779B97F4A7C15L) >>> shift);
  }

  int get(long page) {
    for (int s = home(page); ; s = (s + 1) & mask) {
      int v = vals[s];
      if (v == 0) {
        return MISSING;
      }
      if (keys[s] == page) {
        return v - 1;
      }
    }
  }

  /** Maps {@code page} to {@code id} (id >= 0); the page must not be in the map. */
  void put(long page, int id) {
    int s = home(page);
    while (vals[s] != 0) {
      assert keys[s] != page : page;
      s = (s + 1) & mask;
    }
    keys[s] = page;
    vals[s] = id + 1;
    if (2 * ++size > keys.length) {
      grow();
    }
  }

  /** Removes {@code page}; returns its id or MISSING. */
  int remove(long page) {
    int s = home(page);
    while (true) {
      int v = vals[s];
      if (v == 0) {
        return MISSING;
      }
      if (keys[s] == page) {
        break;
      }
      s = (s + 1) & mask;
    }
    int id = vals[s] - 1;
    // backward shift: pull later entries of the probe run into the hole when that shortens them
    int hole = s;
    for (int j = (hole + 1) & mask; vals[j] != 0; j = (j + 1) & mask) {
      int h = home(keys[j]);
      if (((j - h) & mask) >= ((j - hole) & mask)) {
        keys[hole] = keys[j];
        vals[hole] = vals[j];
        hole = j;
      }
    }
    vals[hole] = 0;
    size--;
    return id;
  }

  private void grow() {
    long[] ok = keys;
    int[] ov = vals;
    keys = new long[ok.length * 2];
    vals = new int[ok.length * 2];
    mask = keys.length - 1;
    shift--;
    Arrays.fill(vals, 0);
    for (int i = 0; i < ok.length; i++) {
      if (ov[i] != 0) {
        int s = home(ok[i]);
        while (vals[s] != 0) {
          s = (s + 1) & mask;
        }
        keys[s] = ok[i];
        vals[s] = ov[i];
      }
    }
  }
}
