package io.mmsim.paging.x86;

import java.util.Arrays;

/*
 * The live address spaces of one page table: root PFN -> number of table frames the address space
 * owns (its root plus the tables of its user half).
 *
 * Open addressing with linear probing over two parallel primitive arrays; EMPTY (-1, never a PFN)
 * marks a free slot; removal shifts the following run back so that lookups never need tombstones.
 * The table doubles when it is half full. Iteration is by slot (slot(i), rootAt(i)), in an order
 * that depends only on the sequence of operations, never on identity hashes.
 *
 * Invariants: size == number of non-EMPTY keys; every key is reachable from its home slot without
 * crossing an EMPTY slot.
 */
final class RootMap {
  static final long EMPTY = -1L;

  private long[] keys;
  private long[] counts;
  private int size;

  RootMap() {
    keys = new long[16];
    counts = new long[16];
    Arrays.fill(keys, EMPTY);
  }

  int size() {
    return size;
  }

  /** Number of slots, for iteration with {@link #rootAt(int)}. */
  int capacity() {
    return keys.length;
  }

  /** The root in slot {@code i}, or {@link #EMPTY}. */
  long rootAt(int i) {
    return keys[i];
  }

  boolean contains(long root) {
    return find(root) >= 0;
  }

  /** The table count of {@code root}; the root must be present. */
  long count(long root) {
    int i = find(root);
    assert i >= 0 : "no root " + root;
    return counts[i];
  }

  void add(long root, long delta) {
    int i = find(root);
    assert i >= 0 : "no root " + root;
    counts[i] += delta;
  }

  /** Inserts a new root with count {@code count}. */
  void put(long root, long count) {
    assert root >= 0 && find(root) < 0 : "bad or duplicate root " + root;
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int i = home(root, mask);
    while (keys[i] != EMPTY) {
      i = (i + 1) & mask;
    }
    keys[i] = root;
    counts[i] = count;
    size++;
  }

  /** Removes {@code root}, which must be present. */
  void remove(long root) {
    int i = find(root);
    assert i >= 0 : "no root " + root;
    int mask = keys.length - 1;
    keys[i] = EMPTY;
    counts[i] = 0;
    size--;
    // Shift back every entry of the run that follows and whose home is not in (i, j].
    int j = (i + 1) & mask;
    while (keys[j] != EMPTY) {
      int h = home(keys[j], mask);
      boolean movable = i <= j ? (h <= i || h > j) : (h <= i && h > j);
      if (movable) {
        keys[i] = keys[j];
        counts[i] = counts[j];
        keys[j] = EMPTY;
        counts[j] = 0;
        i = j;
      }
      j = (j + 1) & mask;
    }
  }

  private int find(long root) {
    int mask = keys.length - 1;
    int i = home(root, mask);
    while (true) {
      long k = keys[i];
      if (k == root) {
        return i;
      }
      if (k == EMPTY) {
        return -1;
      }
      i = (i + 1) & mask;
    }
  }

  private static int home(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldCounts = counts;
    keys = new long[oldKeys.length * 2];
    counts = new long[oldKeys.length * 2];
    Arrays.fill(keys, EMPTY);
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) {
        put(oldKeys[i], oldCounts[i]);
      }
    }
  }
}
