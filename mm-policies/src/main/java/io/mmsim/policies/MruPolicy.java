package io.mmsim.policies;

/*
 * MRU, most recently used: evict the resident page referenced last. It is the best a recency
 * policy can do on a loop larger than memory, where LRU misses every reference: Chou and DeWitt,
 * "An Evaluation of Buffer Management Strategies for Relational Database Systems", VLDB '85.
 *
 * One list in recency order, newest at the head; insert and access move a page to the head; the
 * victim is the head. Parity: libCacheSim's MRU.c (which cachesim does not list, and which crashes
 * with one object; here one frame works). No parameters.
 * Invariants: the list holds exactly the resident pages.
 */
final class MruPolicy extends ListedPolicy {
  private static final int RECENCY = 0;

  MruPolicy(int expected) {
    super("mru", 1, 1, expected);
  }

  @Override
  public void insert(long page) {
    pages.pushHead(RECENCY, track(page));
  }

  @Override
  public void access(long page) {
    int n = pages.find(page);
    if (n != PageLists.NIL) {
      pages.moveToHead(RECENCY, n);
    }
  }

  @Override
  public long victim(ReferenceBits bits) {
    int n = pages.head(RECENCY);
    if (n == PageLists.NIL) {
      return NO_VICTIM;
    }
    scanned++;
    return pages.drop(n);
  }

  /**
   * A page that could not be evicted goes back at the oldest end, so that the next victim is
   * another page (it would otherwise be chosen again at once).
   */
  @Override
  public void putBack(long page) {
    pages.pushTail(RECENCY, track(page));
  }
}
