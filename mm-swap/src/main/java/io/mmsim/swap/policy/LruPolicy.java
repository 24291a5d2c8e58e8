package io.mmsim.swap.policy;

/*
 * Exact LRU replacement: evict the page whose last reference is the oldest.
 *
 * Algorithm: one list in recency order; every reference (the caller calls access on each one,
 * wantsEveryReference) moves the page to the newest end, insert appends there, victim takes the
 * oldest end. O(1) per reference: one hash lookup and four link updates.
 * Invariants: the list holds exactly the tracked pages, ordered by last reference.
 * Reference: Mattson, Gecsei, Slutz, Traiger, "Evaluation techniques for storage hierarchies",
 * IBM Systems Journal 9(2), 1970 (LRU as a stack algorithm: no Belady anomaly).
 */
final class LruPolicy extends ListPolicy {
  private static final int STACK = 0;

  LruPolicy(int expected) {
    super("lru", 1, expected);
  }

  @Override
  public boolean wantsEveryReference() {
    return true;
  }

  @Override
  public void insert(long page) {
    nodes.pushNewest(STACK, track(page));
  }

  @Override
  public void access(long page) {
    int n = nodes.find(page);
    if (n != NodeTable.NIL) {
      nodes.moveToNewest(STACK, n);
    }
  }

  @Override
  public long victim(ReferenceBits bits) {
    return evictOldest(STACK);
  }

  @Override
  public String victimReason(long page) {
    return "least recently used: the tail of the LRU list of " + (resident() + 1) + " pages";
  }
}
