package io.mmsim.slob;

/*
 * An open-addressing hash map from long keys to long values, for SLOB's side tables (live
 * allocations by address, heap pages by PFN) without boxing.
 *
 * Algorithm: linear probing in a power-of-two table kept at most half full; the home slot of a key
 * is the top bits of key * 2^64/phi (Fibonacci hashing), which spreads the 8-byte-aligned
 * addresses and consecutive PFNs SLOB stores. Removal shifts later entries of the probe run back
 * into the hole (Knuth 6.4, algorithm R), so there are no tombstones and lookups stay short.
 *
 * Sentinels: key 0 marks an empty slot and value 0 means "absent", so callers store only non-zero
 * keys and non-zero values (SLOB's keys are direct-map addresses or PFNs + 1; its values are
 * packed records whose kind field is never 0).
 *
 * Invariants: every stored key sits in the probe run that starts at its home slot, with no empty
 * slot in between; size equals the number of non-zero keys.
 */
final class LongLongMap {
  private static final long PHI = 0x9E3779B97F4A7C15L;
  private static final int MIN_CAPACITY = 16;

  private long[] keys;
  private long[] values;
  private int shift;
  private int mask;
  private int size;

  /** A map sized for about {@code expected} entries before its first growth. */
  LongLongMap(int expected) {
    int capacity = MIN_CAPACITY;
    while (capacity < expected * 2) {
      capacity <<= 1;
    }
    allocate(capacity);
  }

  /** Number of entries. */
  int size() {
    return size;
  }

  /** The value stored for {@code key}, or 0 when there is none. */
  long get(long key) {
    int i = home(key);
    while (true) {
      long k = keys[i];
      if (k == key) {
        return values[i];
      }
      if (k == 0) {
        return 0;
      }
      i = (i + 1) & mask;
    }
  }

  /** Stores {@code value} (non-zero) for {@code key} (non-zero), replacing any previous value. */
  void put(long key, long value) {
    assert key != 0 && value != 0 : "key " + key + " value " + value;
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int i = home(key);
    while (keys[i] != 0) {
      if (keys[i] == key) {
        values[i] = value;
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
    size++;
  }

  /** Removes {@code key}; returns its value, or 0 when it was absent. */
  long remove(long key) {
    int i = home(key);
    while (true) {
      long k = keys[i];
      if (k == 0) {
        return 0;
      }
      if (k == key) {
        break;
      }
      i = (i + 1) & mask;
    }
    long old = values[i];
    int hole = i;
    int j = (i + 1) & mask;
    while (keys[j] != 0) {
      int h = home(keys[j]);
      // the entry at j may fill the hole when the hole lies on its probe path [h, j]
      if (((j - h) & mask) >= ((j - hole) & mask)) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        hole = j;
      }
      j = (j + 1) & mask;
    }
    keys[hole] = 0;
    values[hole] = 0;
    size--;
    return old;
  }

  /** Number of table slots, for iteration with {@link #keyAt} and {@link #valueAt}. */
  int capacity() {
    return keys.length;
  }

  /** The key in table slot {@code i}, 0 when the slot is empty. */
  long keyAt(int i) {
    return keys[i];
  }

  /** The value in table slot {@code i}. */
  long valueAt(int i) {
    return values[i];
  }

  /** Recomputes the size and checks that every key is reachable from its home slot. */
  void checkInvariants(String what) {
    int n = 0;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] == 0) {
        continue;
      }
      n++;
      if (values[i] == 0) {
        throw new AssertionError(what + ": key 0x" + Long.toHexString(keys[i]) + " has value 0");
      }
      for (int j = home(keys[i]); j != i; j = (j + 1) & mask) {
        if (keys[j] == 0) {
          throw new AssertionError(what + ": key 0x" + Long.toHexString(keys[i]) + " at slot " + i
              + " is cut off from its home slot by an empty slot " + j);
        }
      }
    }
    if (n != size) {
      throw new AssertionError(what + ": size " + size + " but " + n + " keys in the table");
    }
  }

  private int home(long key) {
    return (int) ((key * PHI) >>> shift);
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    values = new long[capacity];
    mask = capacity - 1;
    shift = 64 - Integer.numberOfTrailingZeros(capacity);
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldValues = values;
    allocate(oldKeys.length << 1);
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        put(oldKeys[i], oldValues[i]);
      }
    }
  }
}
