package io.mmsim.swap.policy;

import io.mmsim.api.reclaim.ReplacementPolicy;

/*
 * FIFO replacement: evict the page that became resident first, whatever its references.
 *
 * Algorithm: one list in arrival order; insert appends at the newest end, victim takes the oldest.
 * References change nothing, so FIFO shows Belady's anomaly (1,2,3,4,1,2,5,1,2,3,4,5: 9 misses
 * with 3 frames, 10 with 4).
 * Invariants: the list holds exactly the tracked pages, in insertion order.
 * Reference: Belady, Nelson, Shedler, "An anomaly in space-time characteristics of certain
 * programs running in a paging machine", CACM 12(6), 1969.
 */
final class FifoPolicy implements ReplacementPolicy {
  private static final int QUEUE = 0;

  private final NodeTable nodes;
  private long scanned;

  FifoPolicy(int expected) {
    nodes = new NodeTable(expected);
  }

  @Override
  public String name() {
    return "fifo";
  }

  @Override
  public void insert(long page) {
    int n = nodes.addIfAbsent(page);
    if (n == NodeTable.NIL) {
      throw new IllegalArgumentException("fifo: page " + page + " is already resident");
    }
    nodes.pushNewest(QUEUE, n);
  }

  @Override
  public void access(long page) {
    // arrival order only
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
    int n = nodes.oldest(QUEUE);
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
