package io.mmsim.kernel.mm;

import io.mmsim.api.util.LongLongHashMap;

/**
 * The reference counts of user frames ({@code page_count}) in two bytes per frame, with a
 * continuation for the rare count that does not fit.
 *
 * <pre>
 *   low[pfn] in 0 .. 0xFFFE   the count itself
 *   low[pfn] == CONTINUED     the count is 0xFFFF or more and lives in continued[pfn]
 * </pre>
 *
 * Almost every frame is mapped a handful of times, so a full int per frame would spend two bytes of
 * every frame on counts that never happen. A page shared by 70,000 forked processes does happen,
 * though, and its count must neither wrap nor stop: from {@code CONTINUED} on it is kept exactly in
 * a small primitive map, entered only when a count reaches the limit and left when it falls back
 * below. The kernel does the same for swap counts: {@code swap_map} keeps one byte per slot, and
 * {@code mm/swapfile.c: add_swap_count_continuation} chains continuation pages that {@code
 * swap_count_continued} carries the higher digits into once a slot's count reaches {@code
 * SWAP_MAP_MAX}.
 *
 * <p>The common path (a count below the limit) is one array load, one compare and one store: no
 * lookup, no boxing, no allocation. A count that would pass {@link Integer#MAX_VALUE} (the width of
 * {@code page_count}) is refused with an exception rather than wrapped.
 *
 * <p>Not thread-safe: the kernel facade serialises calls.
 */
final class PageCounts {
  /** The mark of a count kept in the continuation map; also the smallest count kept there. */
  static final int CONTINUED = 0xFFFF;

  private final char[] low;

  /** Counts of {@code CONTINUED} or more by frame; 0 is never a value here. */
  private final LongLongHashMap continued = new LongLongHashMap(4, 0);

  PageCounts(int frames) {
    this.low = new char[frames];
  }

  /** Frames of the machine. */
  int frames() {
    return low.length;
  }

  /** True when the frame holds at least one reference. */
  boolean held(int pfn) {
    return low[pfn] != 0;
  }

  /** The count of {@code pfn}. */
  int get(int pfn) {
    int c = low[pfn];
    return c != CONTINUED ? c : (int) continued.get(pfn);
  }

  /** Sets the count of a frame to 1 (a fresh page's first reference). */
  void setOne(int pfn) {
    if (low[pfn] == CONTINUED) {
      continued.remove(pfn);
    }
    low[pfn] = 1;
  }

  /** One more reference; returns the new count. */
  int inc(int pfn) {
    int c = low[pfn];
    if (c < CONTINUED - 1) {
      low[pfn] = (char) (c + 1);
      return c + 1;
    }
    return incContinued(pfn, c);
  }

  private int incContinued(int pfn, int c) {
    if (c == CONTINUED - 1) {
      // the count reaches the limit: it moves into the continuation
      continued.put(pfn, CONTINUED);
      low[pfn] = (char) CONTINUED;
      return CONTINUED;
    }
    long n = continued.get(pfn) + 1;
    if (n > Integer.MAX_VALUE) {
      throw new IllegalStateException(
          String.format("page_count of pfn 0x%x would pass %d", pfn, Integer.MAX_VALUE));
    }
    continued.put(pfn, n);
    return (int) n;
  }

  /**
   * One reference less; returns the new count. Throws {@link AssertionError} for a frame that has
   * none (the count is left 0).
   */
  int dec(int pfn) {
    int c = low[pfn];
    // c in 1 .. CONTINUED - 1, one unsigned compare: 0 and CONTINUED take the slow path
    if (Integer.compareUnsigned(c - 1, CONTINUED - 1) < 0) {
      low[pfn] = (char) (c - 1);
      return c - 1;
    }
    return decContinued(pfn, c);
  }

  private int decContinued(int pfn, int c) {
    if (c == 0) {
      throw new AssertionError(String.format("pfn 0x%x dropped a reference it did not hold", pfn));
    }
    long n = continued.get(pfn) - 1;
    if (n < CONTINUED) {
      // back below the limit: the count fits in its two bytes again
      continued.remove(pfn);
      low[pfn] = (char) n;
    } else {
      continued.put(pfn, n);
    }
    return (int) n;
  }

  /** Everything {@code src} counts moves to {@code dst}, whose count is 0; {@code src} gets 0. */
  void move(int src, int dst) {
    char c = low[src];
    low[dst] = c;
    low[src] = 0;
    if (c == CONTINUED) {
      continued.put(dst, continued.remove(src));
    }
  }

  /** Frames whose count is in the continuation. */
  int continuedFrames() {
    return continued.size();
  }

  /**
   * Checks that the continuation holds exactly the frames marked {@code CONTINUED}, each with a
   * count of {@code CONTINUED} or more. Slow: for tests.
   */
  void checkInvariants() {
    continued.checkInvariants();
    int marked = 0;
    for (int pfn = 0; pfn < low.length; pfn++) {
      if (low[pfn] == CONTINUED) {
        marked++;
        long n = continued.get(pfn);
        if (n < CONTINUED || n > Integer.MAX_VALUE) {
          throw new AssertionError(
              String.format("pfn 0x%x: count continued as %d, not from %d", pfn, n, CONTINUED));
        }
      }
    }
    if (marked != continued.size()) {
      throw new AssertionError(
          String.format(
              "%d frames marked as continued, the continuation holds %d",
              marked, continued.size()));
    }
  }
}
