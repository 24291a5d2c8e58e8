package io.mmsim.policies;

import java.util.LinkedHashMap;
import java.util.Map;

import io.mmsim.api.Statistics;

/*
 * ARC, the adaptive replacement cache: Megiddo and Modha, "ARC: A Self-Tuning, Low Overhead
 * Replacement Cache", FAST '03.
 *
 *   T1  resident pages seen once recently       (LRU lists, newest at the head)
 *   T2  resident pages seen at least twice
 *   B1  ghosts of pages evicted from T1         (history only, no frame)
 *   B2  ghosts of pages evicted from T2
 *   p   the target size of T1, 0 <= p <= c (c = capacity), a double
 *
 * Hit in T1 or T2: the page moves to T2's head. Miss on a page in B1: p grows by
 * max(|B2| / |B1|, 1) (at most c), in B2: p shrinks by max(|B1| / |B2|, 1) (at least 0); the ghost
 * is dropped, REPLACE frees a frame, and the page enters T2. REPLACE evicts T1's LRU page into B1
 * when T1 is not empty and holds more than p pages (or exactly p on a B2 hit), or when T2 is
 * empty; otherwise T2's LRU page into B2. Miss on a page nowhere (case IV): when |T1| + |B1| has
 * reached c, B1's oldest ghost is dropped and REPLACE runs, or, with B1 empty, T1's LRU page is
 * evicted without a ghost; otherwise, when the four lists hold 2c pages, B2's oldest ghost is
 * dropped, and REPLACE runs. The page enters T1.
 *
 * Parity: libCacheSim's ARC.c (no parameters): p is a double adapted by the ratios above and
 * compared with the integer list sizes, case IV tests |T1| + |B1| + 1 > c and the directory
 * against >= 2c, and ghost maintenance happens only when a frame must be freed (the paper's
 * Figure 4 runs case IV's list trimming on every miss). The choice of victim depends on whether
 * the incoming page is a ghost, so the policy listens to miss(page), which the kernel and
 * PolicySimulator call before victim(); a caller that does not (global reclaim) gets case IV's
 * victim, and the ghost hit is taken into account when the page is inserted.
 * Invariants: T1 and T2 hold exactly the resident pages; B1 and B2 hold no resident page; p is in
 * [0, c].
 */
final class ArcPolicy extends ListedPolicy {
  private static final int T1 = 0;
  private static final int T2 = 1;
  private static final int B1 = 2;
  private static final int B2 = 3;

  private double p;

  /** The page announced by miss() whose ghost hit was taken into account; NIL if none. */
  private long admitted;

  private boolean admitting;
  private boolean admittedFromB2;
  private long ghostHitsB1;
  private long ghostHitsB2;

  ArcPolicy(int expected) {
    super("arc", 4, 2, expected);
  }

  @Override
  void sizeLists(long frames) {
    p = Math.min(p, frames);
  }

  @Override
  public void miss(long page) {
    admitting = false;
    int n = pages.find(page);
    if (n != PageLists.NIL && isGhost(n)) {
      ghostHit(n);
      admitting = true;
      admitted = page;
    }
  }

  /** Adapts p to a hit on ghost {@code n} and forgets the ghost. */
  private void ghostHit(int n) {
    long b1 = pages.size(B1);
    long b2 = pages.size(B2);
    if (pages.listOf(n) == B1) {
      ghostHitsB1++;
      double delta = Math.max((double) b2 / b1, 1);
      double q = p + delta;
      p = q < capacity ? q : capacity;
      admittedFromB2 = false;
    } else {
      ghostHitsB2++;
      double delta = Math.max((double) b1 / b2, 1);
      double q = p - delta;
      p = q > 0 ? q : 0;
      admittedFromB2 = true;
    }
    pages.drop(n);
  }

  @Override
  public void insert(long page) {
    int n = ghostOf(page);
    boolean frequent = admitting && admitted == page;
    if (n != PageLists.NIL) { // a ghost hit nobody announced
      if (capacity == 0) {
        setCapacity(resident() + 1);
      }
      ghostHit(n);
      frequent = true;
    }
    admitting = false;
    pages.pushHead(frequent ? T2 : T1, pages.add(page));
  }

  @Override
  public void access(long page) {
    int n = pages.find(page);
    if (n != PageLists.NIL && !isGhost(n)) {
      pages.moveToHead(T2, n);
    }
  }

  @Override
  public long victim(ReferenceBits bits) {
    if (!anyResident()) {
      return NO_VICTIM;
    }
    scanned++;
    if (admitting) {
      return replace(admittedFromB2);
    }
    long t1 = pages.size(T1);
    long b1 = pages.size(B1);
    if (t1 + b1 + 1 > capacity) {
      if (b1 > 0) {
        pages.drop(pages.tail(B1));
        return replace(false);
      }
      return pages.drop(pages.tail(T1));
    }
    if (t1 + b1 + pages.size(T2) + pages.size(B2) >= 2 * capacity && pages.size(B2) > 0) {
      pages.drop(pages.tail(B2));
    }
    return replace(false);
  }

  /** REPLACE: T1's or T2's LRU page becomes a ghost in B1 or B2; returns its page. */
  private long replace(boolean hitInB2) {
    long t1 = pages.size(T1);
    int n;
    int ghosts;
    if ((t1 > 0 && (t1 > p || (t1 == p && hitInB2))) || pages.size(T2) == 0) {
      n = pages.tail(T1);
      ghosts = B1;
    } else {
      n = pages.tail(T2);
      ghosts = B2;
    }
    pages.unlink(n);
    pages.pushHead(ghosts, n);
    return pages.key(n);
  }

  /** A page reclaim could not evict goes to T2's head; its ghost is forgotten. */
  @Override
  public void putBack(long page) {
    pages.pushHead(T2, reviveOrAdd(page));
  }

  /** The target size of T1 (for tests). */
  double target() {
    return p;
  }

  /** The list a page is on (for tests): "T1", "T2", "B1", "B2" or null. */
  String listOf(long page) {
    int n = pages.find(page);
    return n == PageLists.NIL ? null : new String[] {"T1", "T2", "B1", "B2"}[pages.listOf(n)];
  }

  @Override
  public Statistics statistics() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("pgscan", scanned);
    m.put("nr_t1", (long) pages.size(T1));
    m.put("nr_t2", (long) pages.size(T2));
    m.put("nr_b1", (long) pages.size(B1));
    m.put("nr_b2", (long) pages.size(B2));
    m.put("ghost_hits_b1", ghostHitsB1);
    m.put("ghost_hits_b2", ghostHitsB2);
    m.put("target_t1", (long) p);
    return new Statistics(m);
  }

  @Override
  void checkOwn() {
    if (!(p >= 0 && (capacity == 0 || p <= capacity))) {
      throw new AssertionError("arc: target " + p + " outside [0, " + capacity + "]");
    }
  }
}
