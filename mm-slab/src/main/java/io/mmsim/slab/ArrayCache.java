package io.mmsim.slab;

/**
 * A SLAB array cache ({@code struct array_cache}): a LIFO stack of free objects, one per CPU and
 * one shared per node.
 *
 * <p>Entries are object handles, not addresses: {@code slab << 8 | index} in the owning cache (see
 * {@link SlabCache}), so that taking an object needs no page lookup. {@code entry[avail - 1]} is
 * the most recently freed (cache-warm) object and the next one handed out; refills append at the
 * top, flushes take from the bottom ({@code entry[0]}), as the kernel does.
 */
final class ArrayCache {
  /** Objects held ({@code avail}). */
  int avail;

  /** Capacity ({@code limit}). */
  final int limit;

  /** Objects moved per refill or flush ({@code batchcount}). */
  final int batchcount;

  /** Set on every allocation from this array; cleared by reaping ({@code touched}). */
  boolean touched;

  /** The stack ({@code entry[]}). */
  final long[] entry;

  ArrayCache(int limit, int batchcount) {
    this.limit = limit;
    this.batchcount = batchcount;
    this.entry = new long[limit];
  }

  /**
   * {@code transfer_objects}: moves up to {@code max} objects from the top of {@code from} to the
   * top of this array, as many as fit; returns how many moved.
   */
  int transferFrom(ArrayCache from, int max) {
    int nr = Math.min(Math.min(from.avail, max), limit - avail);
    if (nr <= 0) {
      return 0;
    }
    System.arraycopy(from.entry, from.avail - nr, entry, avail, nr);
    from.avail -= nr;
    avail += nr;
    return nr;
  }

  /** Removes the {@code n} oldest objects (the bottom), as {@code cache_flusharray} does. */
  void dropBottom(int n) {
    avail -= n;
    System.arraycopy(entry, n, entry, 0, avail);
  }
}
