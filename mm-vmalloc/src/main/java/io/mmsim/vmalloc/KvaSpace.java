package io.mmsim.vmalloc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.mmsim.api.mem.Page;

/*
 * Kernel virtual address (KVA) space of the vmalloc range: which page-aligned ranges are free,
 * which are lazily freed and waiting for a purge. Busy ranges are whatever is in neither set; the
 * allocator (Vmalloc) keeps them with their areas.
 *
 *   base                                                                              limit
 *    |--busy--|.....free.....|--busy--|~~lazy~~|--busy--|.............free.............|
 *
 * Algorithm
 *   - Allocation is lowest-address first fit: the free ranges are visited in address order and
 *     the first one at least `size` long gives its left edge (every request is page-aligned, so
 *     no alignment padding is ever needed). Linux keeps the free ranges in an rb-tree augmented
 *     with the largest free size of each subtree, which finds the same range in O(log n)
 *     (find_vmap_lowest_match); this class scans a TreeMap in O(n) because vmalloc is not a hot
 *     path and n (free fragments) is bounded by the number of busy plus lazy areas plus one.
 *   - Freeing inserts the range and merges it with an adjacent free neighbour on either side
 *     (merge_or_add_vmap_area), so no two free ranges ever touch.
 *   - Lazy freeing parks a range, one entry per freed area and unmerged, as Linux 6.9+ keeps
 *     them on a node's lazy list; purgeLazy() moves every parked range to the free set.
 *
 * Invariants (checkInvariants)
 *   - every range is page-aligned, non-empty and inside [base, limit);
 *   - free ranges are disjoint and never adjacent; lazy ranges are disjoint from each other and
 *     from free ones;
 *   - freeBytes and lazyBytes equal the sums of their ranges.
 *
 * Addresses are negative as Java longs (the kernel half); inside one vmalloc range they all have
 * the same sign, so signed order is address order and TreeMap's natural order is right.
 *
 * Kernel source to look up: mm/vmalloc.c (alloc_vmap_area, __alloc_vmap_area, va_clip,
 * merge_or_add_vmap_area, free_vmap_area_noflush, __purge_vmap_area_lazy).
 */

/** The free and lazily freed ranges of one vmalloc address range. Not thread-safe. */
final class KvaSpace {
  /** Returned by {@link #allocLowest} when no free range is large enough (0 is never in range). */
  static final long NO_SPACE = 0L;

  private final long base;
  private final long limit;

  /** Free ranges: start to end (exclusive), disjoint, never adjacent. */
  private final TreeMap<Long, Long> free = new TreeMap<>();

  /** Lazily freed ranges: start to end (exclusive), one per freed area. */
  private final TreeMap<Long, Long> lazy = new TreeMap<>();

  private long freeBytes;
  private long lazyBytes;

  /** A space that is entirely free: {@code [base, limit)}, both page-aligned. */
  KvaSpace(long base, long limit) {
    if ((base & Page.PAGE_OFFSET_MASK) != 0
        || (limit & Page.PAGE_OFFSET_MASK) != 0
        || limit - base <= 0
        || base == NO_SPACE
        || (base < 0) != (limit - 1 < 0)) {
      throw new IllegalArgumentException(
          String.format(
              "bad vmalloc range [0x%x, 0x%x): page-aligned, non-empty, one sign", base, limit));
    }
    this.base = base;
    this.limit = limit;
    free.put(base, limit);
    freeBytes = limit - base;
  }

  /** First address of the range. */
  long base() {
    return base;
  }

  /** First address after the range. */
  long limit() {
    return limit;
  }

  /** Bytes in free ranges (lazily freed ones not included). */
  long freeBytes() {
    return freeBytes;
  }

  /** Bytes in lazily freed ranges. */
  long lazyBytes() {
    return lazyBytes;
  }

  /** Pages in lazily freed ranges ({@code vmap_lazy_nr}). */
  long lazyPages() {
    return lazyBytes >>> Page.PAGE_SHIFT;
  }

  /** Number of free ranges. */
  int freeRanges() {
    return free.size();
  }

  /** Number of lazily freed ranges. */
  int lazyRanges() {
    return lazy.size();
  }

  /** The largest free range in bytes, 0 when none (slow: a scan). */
  long largestFree() {
    long best = 0;
    for (Map.Entry<Long, Long> e : free.entrySet()) {
      best = Math.max(best, e.getValue() - e.getKey());
    }
    return best;
  }

  /**
   * Takes {@code size} bytes (page-aligned, positive) from the lowest free range that holds them.
   *
   * @return the start of the taken range, or {@link #NO_SPACE}
   */
  long allocLowest(long size) {
    assert size > 0 && (size & Page.PAGE_OFFSET_MASK) == 0 : size;
    for (Map.Entry<Long, Long> e : free.entrySet()) {
      long start = e.getKey();
      long end = e.getValue();
      if (end - start >= size) {
        free.remove(start);
        if (end - start > size) {
          free.put(start + size, end);
        }
        freeBytes -= size;
        return start;
      }
    }
    return NO_SPACE;
  }

  /** Gives {@code [start, end)} back to the free ranges, merging with free neighbours. */
  void release(long start, long end) {
    assert inRange(start, end) : String.format("[0x%x, 0x%x)", start, end);
    long newStart = start;
    long newEnd = end;
    Map.Entry<Long, Long> prev = free.floorEntry(start);
    if (prev != null) {
      assert prev.getValue() <= start : "overlaps free " + prev;
      if (prev.getValue() == start) {
        newStart = prev.getKey();
        free.remove(prev.getKey());
      }
    }
    Long nextEnd = free.get(end);
    if (nextEnd != null) {
      newEnd = nextEnd;
      free.remove(end);
    }
    assert free.ceilingKey(start) == null || free.ceilingKey(start) >= end : "overlaps free";
    free.put(newStart, newEnd);
    freeBytes += end - start;
  }

  /** Parks {@code [start, end)} as lazily freed. */
  void addLazy(long start, long end) {
    assert inRange(start, end) && !lazy.containsKey(start);
    lazy.put(start, end);
    lazyBytes += end - start;
  }

  /** The lazily freed ranges by address, as {@code {start, end}} pairs (a copy). */
  List<long[]> lazyList() {
    List<long[]> out = new ArrayList<>(lazy.size());
    for (Map.Entry<Long, Long> e : lazy.entrySet()) {
      out.add(new long[] {e.getKey(), e.getValue()});
    }
    return out;
  }

  /** The free ranges by address, as {@code {start, end}} pairs (a copy). */
  List<long[]> freeList() {
    List<long[]> out = new ArrayList<>(free.size());
    for (Map.Entry<Long, Long> e : free.entrySet()) {
      out.add(new long[] {e.getKey(), e.getValue()});
    }
    return out;
  }

  /** Moves every lazily freed range to the free ranges. */
  void purgeLazy() {
    for (Map.Entry<Long, Long> e : lazy.entrySet()) {
      release(e.getKey(), e.getValue());
    }
    lazy.clear();
    lazyBytes = 0;
  }

  /** Recomputes the counters and checks every range; throws {@link AssertionError}. */
  void checkInvariants() {
    long sum = 0;
    long prevEnd = Long.MIN_VALUE;
    for (Map.Entry<Long, Long> e : free.entrySet()) {
      long s = e.getKey();
      long t = e.getValue();
      check(s, t, "free");
      if (prevEnd != Long.MIN_VALUE && s <= prevEnd) {
        fail(
            String.format(
                "free range [0x%x, 0x%x) touches or overlaps the previous one ending" + " at 0x%x",
                s, t, prevEnd));
      }
      prevEnd = t;
      sum += t - s;
    }
    if (sum != freeBytes) {
      fail("freeBytes " + freeBytes + " but the free ranges hold " + sum);
    }
    sum = 0;
    prevEnd = Long.MIN_VALUE;
    for (Map.Entry<Long, Long> e : lazy.entrySet()) {
      long s = e.getKey();
      long t = e.getValue();
      check(s, t, "lazy");
      if (prevEnd != Long.MIN_VALUE && s < prevEnd) {
        fail(String.format("lazy range [0x%x, 0x%x) overlaps the previous one", s, t));
      }
      Map.Entry<Long, Long> f = free.floorEntry(t - 1);
      if (f != null && f.getValue() > s) {
        fail(
            String.format(
                "lazy range [0x%x, 0x%x) overlaps free [0x%x, 0x%x)",
                s, t, f.getKey(), f.getValue()));
      }
      prevEnd = t;
      sum += t - s;
    }
    if (sum != lazyBytes) {
      fail("lazyBytes " + lazyBytes + " but the lazy ranges hold " + sum);
    }
  }

  private void check(long s, long t, String what) {
    if (!inRange(s, t)) {
      fail(
          String.format(
              "%s range [0x%x, 0x%x) is empty, unaligned or outside [0x%x, 0x%x)",
              what, s, t, base, limit));
    }
  }

  private boolean inRange(long start, long end) {
    return start >= base
        && end <= limit
        && end > start
        && ((start | end) & Page.PAGE_OFFSET_MASK) == 0;
  }

  private void fail(String message) {
    throw new AssertionError(
        message
            + String.format(
                " (range [0x%x, 0x%x), %d free ranges" + " %d bytes, %d lazy ranges %d bytes)",
                base, limit, free.size(), freeBytes, lazy.size(), lazyBytes));
  }
}
