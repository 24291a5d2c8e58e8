package io.mmsim.policies;

/*
 * SIEVE: Zhang, Yang, Yue, Vigfusson and Rashmi, "SIEVE is Simpler than LRU: an Efficient
 * Turn-Key Eviction Algorithm for Web Caches", NSDI '24.
 *
 * One FIFO queue, newest at the head, and a hand that moves from the tail toward the head:
 *
 *   head (new) [p9 0] [p7 1] [p4 0] [p2 1] [p1 1] tail (old)
 *                              ^ hand
 *
 * A new page goes to the head, not visited. A hit sets its visited bit and moves nothing. To
 * evict, the hand (at the tail when it has none) clears visited bits as it passes, moving toward
 * the head and wrapping to the tail, and evicts the first page it finds not visited; the hand
 * then rests on the page newer than the victim (none past the head: it restarts at the tail).
 * Unlike CLOCK, surviving pages stay where they are, so new pages at the head are judged soon.
 *
 * Parity: libCacheSim's Sieve.c (eviction from the hand or the tail, visited kept as a counter
 * that is only ever 0 or 1); no parameters. The visited bit comes from access(), not from the
 * accessed bits: a fault sets the page's accessed bit, and SIEVE inserts pages unvisited.
 * Cost: O(1) per reference; an eviction passes each visited page once.
 * Invariants: the queue holds exactly the resident pages; the hand is NIL or on the queue.
 */
final class SievePolicy extends ListedPolicy {
  private static final int QUEUE = 0;
  private static final int VISITED = 1;

  private int hand = PageLists.NIL;

  SievePolicy(int expected) {
    super("sieve", 1, 1, expected);
  }

  @Override
  public void insert(long page) {
    pages.pushHead(QUEUE, track(page));
  }

  @Override
  public void access(long page) {
    int n = pages.find(page);
    if (n != PageLists.NIL) {
      pages.setMeta(n, VISITED);
    }
  }

  @Override
  public void remove(long page) {
    int n = pages.find(page);
    if (n == PageLists.NIL) {
      return;
    }
    if (n == hand) {
      hand = pages.newer(n);
    }
    pages.drop(n);
  }

  @Override
  public long victim(ReferenceBits bits) {
    if (pages.size(QUEUE) == 0) {
      return NO_VICTIM;
    }
    int n = hand == PageLists.NIL ? pages.tail(QUEUE) : hand;
    while (pages.meta(n) == VISITED) {
      scanned++;
      pages.setMeta(n, 0);
      n = pages.newer(n);
      if (n == PageLists.NIL) {
        n = pages.tail(QUEUE);
      }
    }
    scanned++;
    hand = pages.newer(n);
    return pages.drop(n);
  }

  @Override
  void checkOwn() {
    if (hand != PageLists.NIL && pages.listOf(hand) != QUEUE) {
      throw new AssertionError("sieve: the hand rests on node " + hand + ", which is not queued");
    }
  }
}
