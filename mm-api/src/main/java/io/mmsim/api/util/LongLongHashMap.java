package io.mmsim.api.util;

import java.util.Arrays;

/**
 * An open-addressing hash map from {@code long} keys to {@code long} values, without boxing: the
 * side tables of the simulator (the swap cache's two indexes, swap-count continuations, SLOB's live
 * allocations and heap pages, the replacement policies' page index).
 *
 * <h2>Layout</h2>
 *
 * One {@code long[]} holds the slots, the key of a slot next to its value so that a probe reads one
 * cache line:
 *
 * <pre>
 *   entries:  | key 0 | value 0 | key 1 | value 1 | ... | key c-1 | value c-1 |
 *   slot s    = entries[2s], entries[2s + 1]          c = capacity, a power of two
 *   free slot : value == missingValue (its key is ignored)
 *   home(key) = top log2(c) bits of key * 0x9E3779B97F4A7C15   (Fibonacci hashing)
 * </pre>
 *
 * <h2>Algorithm</h2>
 *
 * Linear probing from the key's home slot: a lookup walks slot after slot (wrapping at the end)
 * until it finds the key or a free slot. Fibonacci hashing scatters the dense runs of page numbers
 * and the aligned addresses the simulator stores. The table is kept at most half full and doubles
 * when an insertion passes that. Removal shifts later entries of the probe run back into the hole
 * (Knuth, TAOCP vol. 3, 6.4, Algorithm R), so there are no tombstones and lookups never degrade
 * after many removals.
 *
 * <h2>Sentinel</h2>
 *
 * Every {@code long} is a legal key. The value chosen at construction as {@link #missingValue()}
 * (such as {@code -1} when values are non-negative, {@code 0} when they are never zero) is what
 * {@link #get} and {@link #remove} return for a missing key, and it marks free slots, so it can
 * never be stored as a value.
 *
 * <h2>Invariants</h2>
 *
 * For every stored key, no free slot lies between its home slot and its slot (cyclically); {@link
 * #size()} is the number of used slots, at most half of {@link #capacity()}. {@link
 * #checkInvariants()} recomputes both.
 *
 * <p>{@link #get}, {@link #containsKey}, {@link #put}, {@link #putIfAbsent} and {@link #remove}
 * take expected O(1) time and allocate only when the table doubles. Iteration order is the slot
 * order, which depends only on the sequence of operations (deterministic). Not thread-safe.
 */
public final class LongLongHashMap {
  /** The multiplier of Fibonacci hashing: 2^64 divided by the golden ratio, odd. */
  private static final long PHI = 0x9E3779B97F4A7C15L;

  private static final int MIN_CAPACITY = 16;

  /** The largest capacity: the entries array has twice as many elements. */
  private static final int MAX_CAPACITY = 1 << 29;

  private final long missingValue;
  private long[] entries;
  private int mask;
  private int shift;
  private int size;

  /**
   * A map that holds about {@code expectedSize} entries before it first grows.
   *
   * @param expectedSize entries expected; the capacity is the next power of two of twice that, at
   *     least 16
   * @param missingValue returned for missing keys; never storable as a value
   * @throws IllegalArgumentException when {@code expectedSize} is negative or too large
   */
  public LongLongHashMap(int expectedSize, long missingValue) {
    if (expectedSize < 0 || expectedSize > MAX_CAPACITY / 2) {
      throw new IllegalArgumentException(
          "expected size " + expectedSize + " out of [0, " + MAX_CAPACITY / 2 + "]");
    }
    this.missingValue = missingValue;
    allocate((int) Math.max(MIN_CAPACITY, Bits.roundUpPowerOfTwo(2L * expectedSize)));
  }

  /** The value that {@link #get} returns for a missing key and that can never be stored. */
  public long missingValue() {
    return missingValue;
  }

  /** Number of entries. */
  public int size() {
    return size;
  }

  /** True when the map holds no entry. */
  public boolean isEmpty() {
    return size == 0;
  }

  /** The value stored under {@code key}, or {@link #missingValue()} when there is none. */
  public long get(long key) {
    int s = slotOf(key);
    return s < 0 ? missingValue : entries[2 * s + 1];
  }

  /** True when {@code key} has a value. */
  public boolean containsKey(long key) {
    return slotOf(key) >= 0;
  }

  /**
   * Stores {@code value} under {@code key}, replacing any previous value.
   *
   * @return the previous value, or {@link #missingValue()} when the key was new
   * @throws IllegalArgumentException when {@code value} is {@link #missingValue()} (nothing
   *     changes)
   * @throws IllegalStateException when a new key would need more than 2^28 entries (nothing
   *     changes)
   */
  public long put(long key, long value) {
    return insert(key, value, true);
  }

  /**
   * Stores {@code value} under {@code key} unless the key has a value already: the check and the
   * insertion in one probe.
   *
   * @return the value already stored (then nothing changed), or {@link #missingValue()} when {@code
   *     value} was stored
   * @throws IllegalArgumentException when {@code value} is {@link #missingValue()} (nothing
   *     changes)
   * @throws IllegalStateException when a new key would need more than 2^28 entries (nothing
   *     changes)
   */
  public long putIfAbsent(long key, long value) {
    return insert(key, value, false);
  }

  /**
   * Removes {@code key}.
   *
   * @return its value, or {@link #missingValue()} when it had none (nothing changes then)
   */
  public long remove(long key) {
    int s = slotOf(key);
    if (s < 0) {
      return missingValue;
    }
    long v = entries[2 * s + 1];
    deleteAt(s);
    return v;
  }

  /** Removes every entry; the capacity stays. */
  public void clear() {
    Arrays.fill(entries, missingValue);
    size = 0;
  }

  /**
   * Number of slots, for allocation-free iteration: slot {@code s} in {@code [0, capacity())} holds
   * an entry when {@link #valueAt valueAt(s)} is not {@link #missingValue()}.
   */
  public int capacity() {
    return mask + 1;
  }

  /** The key in slot {@code slot}; meaningless when the slot is free. */
  public long keyAt(int slot) {
    return entries[2 * slot];
  }

  /** The value in slot {@code slot}, or {@link #missingValue()} when the slot is free. */
  public long valueAt(int slot) {
    return entries[2 * slot + 1];
  }

  /**
   * Calls {@code visitor} for every entry in slot order. The visitor must not change the map. Not
   * for hot paths when the visitor captures state.
   */
  public void forEach(EntryVisitor visitor) {
    long[] e = entries;
    for (int i = 0; i < e.length; i += 2) {
      if (e[i + 1] != missingValue) {
        visitor.visit(e[i], e[i + 1]);
      }
    }
  }

  /** Receives the entries of {@link #forEach}. */
  @FunctionalInterface
  public interface EntryVisitor {
    /** One entry of the map. */
    void visit(long key, long value);
  }

  /**
   * Recounts the entries and checks that each one is reachable from its home slot. Slow: for tests
   * and debug settings.
   *
   * @throws AssertionError naming the key and slots when the table is inconsistent
   */
  public void checkInvariants() {
    int n = 0;
    for (int s = 0; s <= mask; s++) {
      if (valueAt(s) == missingValue) {
        continue;
      }
      n++;
      long key = keyAt(s);
      for (int j = home(key); j != s; j = (j + 1) & mask) {
        if (valueAt(j) == missingValue) {
          throw new AssertionError(
              "key "
                  + key
                  + " in slot "
                  + s
                  + " is cut off from its home "
                  + home(key)
                  + " by the free slot "
                  + j
                  + " (capacity "
                  + capacity()
                  + ")");
        }
        if (keyAt(j) == key) {
          throw new AssertionError("key " + key + " in slots " + j + " and " + s);
        }
      }
    }
    if (n != size || 2L * size > capacity()) {
      throw new AssertionError("size " + size + " but " + n + " used slots of " + capacity());
    }
  }

  @Override
  public String toString() {
    return "LongLongHashMap[size "
        + size
        + ", capacity "
        + capacity()
        + ", missing "
        + missingValue
        + "]";
  }

  private int home(long key) {
    return (int) ((key * PHI) >>> shift);
  }

  /** The slot holding {@code key}, or -1. */
  private int slotOf(long key) {
    long[] e = entries;
    int m = mask;
    for (int i = home(key); ; i = (i + 1) & m) {
      if (e[2 * i + 1] == missingValue) {
        return -1;
      }
      if (e[2 * i] == key) {
        return i;
      }
    }
  }

  /** put ({@code replace}) and putIfAbsent: one probe finds the key or the free slot for it. */
  private long insert(long key, long value, boolean replace) {
    checkValue(key, value);
    long[] e = entries;
    int m = mask;
    for (int i = home(key); ; i = (i + 1) & m) {
      long v = e[2 * i + 1];
      if (v == missingValue) {
        insertAt(i, key, value);
        return missingValue;
      }
      if (e[2 * i] == key) {
        if (replace) {
          e[2 * i + 1] = value;
        }
        return v;
      }
    }
  }

  private void checkValue(long key, long value) {
    if (value == missingValue) {
      throw new IllegalArgumentException(
          "key " + key + ": value " + value + " is this map's missing value and cannot be stored");
    }
  }

  private void insertAt(int slot, long key, long value) {
    if (2L * (size + 1) > capacity() && capacity() == MAX_CAPACITY) {
      throw new IllegalStateException("key " + key + ": the map is full at " + size + " entries");
    }
    entries[2 * slot] = key;
    entries[2 * slot + 1] = value;
    if (++size * 2 > capacity()) {
      grow();
    }
  }

  /** Empties slot {@code hole} and moves later entries of its probe run back into holes. */
  private void deleteAt(int hole) {
    long[] e = entries;
    int m = mask;
    for (int j = (hole + 1) & m; e[2 * j + 1] != missingValue; j = (j + 1) & m) {
      int h = home(e[2 * j]);
      // the entry in j may fill the hole when the hole lies on its probe path from h to j
      if (((j - h) & m) >= ((j - hole) & m)) {
        e[2 * hole] = e[2 * j];
        e[2 * hole + 1] = e[2 * j + 1];
        hole = j;
      }
    }
    e[2 * hole + 1] = missingValue;
    size--;
  }

  private void allocate(int capacity) {
    entries = new long[2 * capacity];
    if (missingValue != 0) {
      Arrays.fill(entries, missingValue);
    }
    mask = capacity - 1;
    shift = 64 - Integer.numberOfTrailingZeros(capacity);
  }

  private void grow() {
    long[] old = entries;
    allocate(capacity() * 2);
    long[] e = entries;
    int m = mask;
    for (int k = 0; k < old.length; k += 2) {
      if (old[k + 1] != missingValue) {
        int i = home(old[k]);
        while (e[2 * i + 1] != missingValue) {
          i = (i + 1) & m;
        }
        e[2 * i] = old[k];
        e[2 * i + 1] = old[k + 1];
      }
    }
  }
}
