package io.mmsim.policies;

import java.util.LinkedHashMap;
import java.util.Map;

import io.mmsim.api.Statistics;

/*
 * 2Q: Johnson and Shasha, "2Q: A Low Overhead High Performance Buffer Management Replacement
 * Algorithm", VLDB '94 (the full version, with A1in, A1out and Am).
 *
 *   A1in   FIFO of pages seen once (resident)          target size Kin  = kin-ratio * N
 *   Am     LRU of pages seen again (resident)          the rest, N - Kin
 *   A1out  FIFO of pages evicted from A1in (ghosts)    at most  Kout = kout-ratio * N
 *
 * A miss on a page remembered in A1out puts it in Am; any other miss puts it in A1in. A hit in Am
 * moves the page to Am's head; a hit in A1in changes nothing (correlated references). To evict:
 * when A1in holds more than Kin pages its oldest goes, remembered in A1out (which forgets its
 * oldest beyond Kout); otherwise Am's least recently used page goes, not remembered.
 *
 * Parity: libCacheSim's TwoQ.c with its defaults Ain-size-ratio 0.25 and Aout-size-ratio 0.5 (the
 * paper's recommended Kin = 25 %, Kout = 50 %), sizes rounded down. Where code and paper differ,
 * the code is followed: the decision compares A1in with Kin strictly ("more than"), and A1in is not
 * bounded before the cache first fills. Two corner cases differ from libCacheSim, which caches
 * nothing when Kin rounds to 0 (fewer than 4 frames by default; here Kin is at least 1) and lets
 * Am evict on its own when a ghost hit arrives while Am holds N - Kin pages (only after pages were
 * removed; here Am then waits for the next victim).
 *
 * Ghost order: libCacheSim removes the incoming page from A1out before it evicts, and victim() runs
 * before insert() here, so A1out may hold Kout + 1 entries between the two calls and is trimmed
 * after the ghost check in insert(); the outcome is the same (see the tests).
 * Invariants: A1in and Am hold exactly the resident pages; A1out holds no resident page.
 */
final class TwoQueuePolicy extends ListedPolicy {
  private static final int A1IN = 0;
  private static final int AM = 1;
  private static final int A1OUT = 2;

  private final double kinRatio;
  private final double koutRatio;
  private long kin;
  private long kout;
  private long ghostHits;

  TwoQueuePolicy(double kinRatio, double koutRatio, int expected) {
    super("2q", 3, 2, expected);
    this.kinRatio = kinRatio;
    this.koutRatio = koutRatio;
  }

  @Override
  void sizeLists(long frames) {
    kin = Math.max(1, PolicySettings.share(frames, kinRatio));
    kout = PolicySettings.share(frames, koutRatio);
  }

  @Override
  public void insert(long page) {
    int n = ghostOf(page);
    if (n != PageLists.NIL) {
      ghostHits++;
      pages.unlink(n);
      pages.pushHead(AM, n);
    } else {
      pages.pushHead(A1IN, pages.add(page));
    }
    trim(A1OUT, kout);
  }

  @Override
  public void access(long page) {
    int n = pages.find(page);
    if (n != PageLists.NIL && pages.listOf(n) == AM) {
      pages.moveToHead(AM, n);
    }
  }

  @Override
  public long victim(ReferenceBits bits) {
    if (!anyResident()) {
      return NO_VICTIM;
    }
    scanned++;
    if (pages.size(A1IN) > kin || pages.size(AM) == 0) {
      int n = pages.tail(A1IN);
      long page = pages.key(n);
      pages.unlink(n);
      if (kout > 0) {
        trim(A1OUT, kout); // the ghost queue may hold one more until insert() looks at it
        pages.pushHead(A1OUT, n);
      } else {
        pages.release(n);
      }
      return page;
    }
    return pages.drop(pages.tail(AM));
  }

  /** A page reclaim could not evict goes to Am's head, and A1out forgets it again. */
  @Override
  public void putBack(long page) {
    pages.pushHead(AM, reviveOrAdd(page));
  }

  @Override
  public Statistics statistics() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("pgscan", scanned);
    m.put("nr_a1in", (long) pages.size(A1IN));
    m.put("nr_am", (long) pages.size(AM));
    m.put("nr_a1out", (long) pages.size(A1OUT));
    m.put("ghost_hits", ghostHits);
    return new Statistics(m);
  }

  @Override
  void checkOwn() {
    if (pages.size(A1OUT) > kout + 1) {
      throw new AssertionError("2q: A1out holds " + pages.size(A1OUT) + " ghosts, Kout " + kout);
    }
  }
}
