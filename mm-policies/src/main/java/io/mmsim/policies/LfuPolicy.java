package io.mmsim.policies;

import java.util.Arrays;

import io.mmsim.api.reclaim.ReplacementPolicy;

/*
 * LFU, least frequently used: evict the resident page with the fewest references since it became
 * resident; among pages with equal counts, the one that reached that count first. Counts start at
 * 1 on insert and are forgotten on eviction ("in-cache" LFU). The O(1) layout of Shah, Mitra and
 * Matani, "An O(1) algorithm for implementing the LFU cache eviction scheme" (2010):
 *
 *   buckets, by increasing count:  [1] <-> [2] <-> [5] <-> [9]       (only counts in use)
 *                                   |       |       |       |
 *   pages, newest first:           p7 p3   p8      p1 p4   p2
 *
 * A reference moves the page from bucket c to bucket c+1 (created next to c when missing, c
 * dropped when it empties) as its newest page; the victim is the oldest page of the lowest bucket.
 *
 * Parity: libCacheSim's LFU.c (a hash of frequency nodes, objects appended to the tail of their
 * node and evicted from its head, counts from 1): the same victims. No parameters.
 * Invariants: bucket counts strictly increase from the lowest; every bucket is non-empty; each
 * page is on the bucket its node names; the index holds exactly the pages on buckets.
 */
final class LfuPolicy implements ReplacementPolicy {
  private static final int NIL = -1;

  private final PageIndex index;
  // pages
  private long[] key;
  private int[] newer;
  private int[] older;
  private int[] bucketOf;
  private int freePage = NIL;
  private int pageHighWater;
  private int resident;
  // buckets
  private long[] count;
  private int[] newest;
  private int[] oldest;
  private int[] up;
  private int[] down;
  private int freeBucket = NIL;
  private int bucketHighWater;
  private int lowest = NIL;
  private long scanned;

  LfuPolicy(int expected) {
    int cap = Math.max(16, expected);
    index = new PageIndex(cap);
    key = new long[cap];
    newer = new int[cap];
    older = new int[cap];
    bucketOf = new int[cap];
    count = new long[16];
    newest = new int[16];
    oldest = new int[16];
    up = new int[16];
    down = new int[16];
  }

  @Override
  public String name() {
    return "lfu";
  }

  @Override
  public boolean wantsEveryReference() {
    return true;
  }

  @Override
  public void insert(long page) {
    int n = newPage(page);
    if (n == NIL) {
      throw new IllegalArgumentException("lfu: page " + page + " is already resident");
    }
    int b = lowest;
    if (b == NIL || count[b] != 1) {
      b = newBucket(1, NIL, lowest);
    }
    pushNewest(b, n);
    resident++;
  }

  @Override
  public void access(long page) {
    int n = index.get(page);
    if (n == PageIndex.NONE) {
      return;
    }
    int b = bucketOf[n];
    long c = count[b] + 1;
    int u = up[b];
    int target = u != NIL && count[u] == c ? u : newBucket(c, b, u);
    unlinkPage(n);
    pushNewest(target, n);
    if (newest[b] == NIL) {
      dropBucket(b);
    }
  }

  @Override
  public void remove(long page) {
    int n = index.get(page);
    if (n != PageIndex.NONE) {
      release(n);
    }
  }

  @Override
  public long victim(ReferenceBits bits) {
    if (lowest == NIL) {
      return NO_VICTIM;
    }
    scanned++;
    int n = oldest[lowest];
    long page = key[n];
    release(n);
    return page;
  }

  private void release(int n) {
    int b = bucketOf[n];
    unlinkPage(n);
    if (newest[b] == NIL) {
      dropBucket(b);
    }
    index.remove(key[n]);
    older[n] = freePage;
    freePage = n;
    resident--;
  }

  /** A node for {@code page}, indexed; NIL when the page is resident already (one probe). */
  private int newPage(long page) {
    int n;
    if (freePage != NIL) {
      n = freePage;
    } else {
      if (pageHighWater == key.length) {
        int cap = key.length * 2;
        key = Arrays.copyOf(key, cap);
        newer = Arrays.copyOf(newer, cap);
        older = Arrays.copyOf(older, cap);
        bucketOf = Arrays.copyOf(bucketOf, cap);
      }
      n = pageHighWater;
    }
    if (index.putIfAbsent(page, n) != PageIndex.NONE) {
      return NIL;
    }
    if (n == freePage) {
      freePage = older[n];
    } else {
      pageHighWater++;
    }
    key[n] = page;
    return n;
  }

  private void pushNewest(int b, int n) {
    int h = newest[b];
    newer[n] = NIL;
    older[n] = h;
    if (h == NIL) {
      oldest[b] = n;
    } else {
      newer[h] = n;
    }
    newest[b] = n;
    bucketOf[n] = b;
  }

  private void unlinkPage(int n) {
    int b = bucketOf[n];
    int p = newer[n];
    int o = older[n];
    if (p == NIL) {
      newest[b] = o;
    } else {
      older[p] = o;
    }
    if (o == NIL) {
      oldest[b] = p;
    } else {
      newer[o] = p;
    }
  }

  /** A new, empty bucket for count {@code c} between {@code below} and {@code above}. */
  private int newBucket(long c, int below, int above) {
    int b;
    if (freeBucket != NIL) {
      b = freeBucket;
      freeBucket = up[b];
    } else {
      if (bucketHighWater == count.length) {
        int cap = count.length * 2;
        count = Arrays.copyOf(count, cap);
        newest = Arrays.copyOf(newest, cap);
        oldest = Arrays.copyOf(oldest, cap);
        up = Arrays.copyOf(up, cap);
        down = Arrays.copyOf(down, cap);
      }
      b = bucketHighWater++;
    }
    count[b] = c;
    newest[b] = NIL;
    oldest[b] = NIL;
    down[b] = below;
    up[b] = above;
    if (below == NIL) {
      lowest = b;
    } else {
      up[below] = b;
    }
    if (above != NIL) {
      down[above] = b;
    }
    return b;
  }

  private void dropBucket(int b) {
    int d = down[b];
    int u = up[b];
    if (d == NIL) {
      lowest = u;
    } else {
      up[d] = u;
    }
    if (u != NIL) {
      down[u] = d;
    }
    up[b] = freeBucket;
    freeBucket = b;
  }

  /** The reference count of a resident page (for tests), or 0. */
  long count(long page) {
    int n = index.get(page);
    return n == PageIndex.NONE ? 0 : count[bucketOf[n]];
  }

  @Override
  public long resident() {
    return resident;
  }

  @Override
  public boolean contains(long page) {
    return index.get(page) != PageIndex.NONE;
  }

  @Override
  public long scanned() {
    return scanned;
  }

  @Override
  public void checkInvariants() {
    index.checkInvariants();
    int pagesSeen = 0;
    long last = 0;
    int below = NIL;
    for (int b = lowest; b != NIL; b = up[b]) {
      if (count[b] <= last || down[b] != below || newest[b] == NIL) {
        throw new AssertionError(
            "lfu: bucket " + b + " (count " + count[b] + ") out of order or empty after " + last);
      }
      int prev = NIL;
      for (int n = newest[b]; n != NIL; n = older[n]) {
        if (bucketOf[n] != b || newer[n] != prev || index.get(key[n]) != n) {
          throw new AssertionError("lfu: page " + key[n] + " badly linked in bucket " + count[b]);
        }
        prev = n;
        if (++pagesSeen > resident) {
          throw new AssertionError("lfu: more pages on buckets than the " + resident + " resident");
        }
      }
      if (oldest[b] != prev) {
        throw new AssertionError("lfu: bucket " + count[b] + " has a wrong oldest page");
      }
      last = count[b];
      below = b;
    }
    if (pagesSeen != resident || index.size() != resident) {
      throw new AssertionError(
          "lfu: " + pagesSeen + " pages on buckets, " + index.size() + " indexed, " + resident);
    }
  }
}
