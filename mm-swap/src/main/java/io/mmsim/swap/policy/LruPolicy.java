package io.mmsim.swap.policy;

import io.mmsim.api.reclaim.ReplacementPolicy;

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
final class LruPolicy implements ReplacementPolicy {
  private static final int STACK = 0;

  private final NodeTable nodes;
  private long scanned;

  LruPolicy(int expected) {
    nodes = new NodeTable(expected);
  }

  @Override
  public String name() {
    return "lru";
  }

  @Override
  public boolean wantsEveryReference() {
    return true;
  }

  @Override
  public void insert(long page) {
    int n = nodes.addIfAbsent(page);
    if (n == NodeTable.NIL) {
      throw new IllegalArgumentException("lru: page " + page + " is already resident");
    }
    nodes.pushNewest(STACK, n);
  }

  @Override
  public void access(long page) {
    int n = nodes.find(page);
    if (n != NodeTable.NIL) {
      nodes.moveToNewest(STACK, n);
    }
  }

  @Override
  public void remove(long page) {
    int n = nodes.find(page);
    if (n != NodeTable.NIL) {
      nodes.unlink(n);
      nodes.release(n);
    }
  }

  @Override
  public long victim(ReferenceBits bits) {
    int n = nodes.oldest(STACK);
    if (n == NodeTable.NIL) {
      return NO_VICTIM;
    }
    scanned++;
    long page = nodes.key(n);
    nodes.unlink(n);
    nodes.release(n);
    return page;
  }

  @Override
  public long resident() {
    return nodes.tracked();
  }

  @Override
  public boolean contains(long page) {
    return nodes.find(page) != NodeTable.NIL;
  }

  @Override
  public long scanned() {
    return scanned;
  }

  @Override
  public void checkInvariants() {
    nodes.checkInvariants(1);
  }
}
