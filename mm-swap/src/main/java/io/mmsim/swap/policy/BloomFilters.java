package io.mmsim.swap.policy;

import java.util.Arrays;

/*
 * The multi-gen LRU's two Bloom filters of PTE tables worth walking (mm/vmscan.c:
 * test_bloom_filter, update_bloom_filter, reset_bloom_filter), one per max_seq parity.
 *
 * Each filter has 2^BLOOM_FILTER_SHIFT (15) bits in longs; an item sets two bits, taken from the
 * two 15-bit halves of a 30-bit multiplicative hash of its identity (hash_64 with the golden-ratio
 * constant, as the kernel's hash_ptr). A filter that was never reset since it was last invalidated
 * is absent: it answers yes to every test and ignores additions, as the kernel's NULL filter does.
 */
final class BloomFilters {
  static final int BLOOM_FILTER_SHIFT = 15;
  private static final int BITS = 1 << BLOOM_FILTER_SHIFT;
  private static final int MASK = BITS - 1;
  private static final long GOLDEN_RATIO_64 = 0x61C8864680B583EBL;

  private final long[][] filters = {new long[BITS / 64], new long[BITS / 64]};
  private final boolean[] present = new boolean[2];

  private static int slot(long seq) {
    return (int) (seq & 1);
  }

  private static int hash(long item) {
    return (int) ((item * GOLDEN_RATIO_64) >>> (64 - 2 * BLOOM_FILTER_SHIFT));
  }

  /** Clears the filter of {@code seq} and makes it present. */
  void reset(long seq) {
    Arrays.fill(filters[slot(seq)], 0L);
    present[slot(seq)] = true;
  }

  /** Makes the filter of {@code seq} absent (every test passes). */
  void invalidate(long seq) {
    present[slot(seq)] = false;
  }

  boolean present(long seq) {
    return present[slot(seq)];
  }

  /** True when {@code item} may be in the filter of {@code seq}, or that filter is absent. */
  boolean test(long seq, long item) {
    if (!present[slot(seq)]) {
      return true;
    }
    long[] f = filters[slot(seq)];
    int h = hash(item);
    int k0 = h & MASK;
    int k1 = (h >>> BLOOM_FILTER_SHIFT) & MASK;
    return (f[k0 >>> 6] & (1L << k0)) != 0 && (f[k1 >>> 6] & (1L << k1)) != 0;
  }

  /** Adds {@code item} to the filter of {@code seq} when that filter is present. */
  void add(long seq, long item) {
    if (!present[slot(seq)]) {
      return;
    }
    long[] f = filters[slot(seq)];
    int h = hash(item);
    int k0 = h & MASK;
    int k1 = (h >>> BLOOM_FILTER_SHIFT) & MASK;
    f[k0 >>> 6] |= 1L << k0;
    f[k1 >>> 6] |= 1L << k1;
  }
}
