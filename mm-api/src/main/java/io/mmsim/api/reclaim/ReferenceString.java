package io.mmsim.api.reclaim;

import java.util.Arrays;

/**
 * A reference string held in memory, with the next-use index of every reference precomputed, so
 * that OPT's question "when is this page used next?" costs one array read.
 *
 * <pre>
 *   index   0  1  2  3  4  5  6  7  8  9 10 11
 *   page    1  2  3  4  1  2  5  1  2  3  4  5
 *   next    4  5  9 10  7  8 11  -  -  -  -  -      (- = NEVER)
 * </pre>
 *
 * <p>{@code next} is built by one backward pass with an open-addressing map from page to the last
 * index seen (no boxing; sized by the distinct pages): O(n) time, 12 bytes per reference in total
 * (the page as a {@code long}, its next use as an {@code int}). At most {@link Integer#MAX_VALUE} -
 * 1 references.
 *
 * <p>The position starts at -1, before the first reference; {@link #advance} and {@link #seek} move
 * it. Not thread-safe.
 */
public final class ReferenceString implements FutureReferences {
  private static final int NONE = -1;

  private final long[] pages;
  private final int[] next;
  private long position = -1;

  private ReferenceString(long[] pages) {
    if (pages.length >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a reference string holds at most " + (Integer.MAX_VALUE - 1) + " references");
    }
    this.pages = pages;
    this.next = computeNext(pages);
  }

  /** A reference string of {@code pages} (copied). */
  public static ReferenceString of(long... pages) {
    return new ReferenceString(pages.clone());
  }

  /** A reference string of the first {@code length} entries of {@code pages} (copied). */
  public static ReferenceString of(long[] pages, int length) {
    return new ReferenceString(Arrays.copyOf(pages, length));
  }

  private static int[] computeNext(long[] pages) {
    int n = pages.length;
    int[] nx = new int[n];
    // page -> last index seen, open addressing sized by the distinct pages (grows as they come)
    long[] keys = new long[1024];
    int[] last = new int[1024]; // index + 1; 0 = empty slot
    int mask = keys.length - 1;
    int size = 0;
    for (int i = n - 1; i >= 0; i--) {
      long k = pages[i];
      int slot = mix(k) & mask;
      while (last[slot] != 0 && keys[slot] != k) {
        slot = (slot + 1) & mask;
      }
      if (last[slot] != 0) {
        nx[i] = last[slot] - 1;
        last[slot] = i + 1;
        continue;
      }
      nx[i] = NONE;
      keys[slot] = k;
      last[slot] = i + 1;
      if (++size * 2 > keys.length) {
        long[] ok = keys;
        int[] ol = last;
        keys = new long[ok.length * 2];
        last = new int[ol.length * 2];
        mask = keys.length - 1;
        for (int j = 0; j < ok.length; j++) {
          if (ol[j] != 0) {
            int t = mix(ok[j]) & mask;
            while (last[t] != 0) {
              t = (t + 1) & mask;
            }
            keys[t] = ok[j];
            last[t] = ol[j];
          }
        }
      }
    }
    return nx;
  }

  private static int mix(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  @Override
  public long length() {
    return pages.length;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public long pageAt(long index) {
    return pages[Math.toIntExact(index)];
  }

  @Override
  public long nextUse(long index) {
    int n = next[Math.toIntExact(index)];
    return n == NONE ? NEVER : n;
  }

  /**
   * Moves to reference {@code index} (-1 .. length - 1).
   *
   * @throws IndexOutOfBoundsException when the index is outside the string
   */
  public void seek(long index) {
    if (index < -1 || index >= pages.length) {
      throw new IndexOutOfBoundsException(
          "reference " + index + " outside 0.." + (pages.length - 1));
    }
    position = index;
  }

  /**
   * Moves to the next reference and returns its page.
   *
   * @throws IndexOutOfBoundsException past the end
   */
  public long advance() {
    if (position + 1 >= pages.length) {
      throw new IndexOutOfBoundsException("no reference after " + position);
    }
    return pages[(int) ++position];
  }
}
