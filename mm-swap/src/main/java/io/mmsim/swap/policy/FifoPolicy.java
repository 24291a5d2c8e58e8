package io.mmsim.swap.policy;

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
final class FifoPolicy extends ListPolicy {
  private static final int QUEUE = 0;

  FifoPolicy(int expected) {
    super("fifo", 1, expected);
  }

  @Override
  public void insert(long page) {
    nodes.pushNewest(QUEUE, track(page));
  }

  @Override
  public void access(long page) {
    // arrival order only
  }

  @Override
  public long victim(ReferenceBits bits) {
    return evictOldest(QUEUE);
  }

  @Override
  public String victimReason(long page) {
    return "first in, first out: the head of the queue, the oldest of "
        + (resident() + 1)
        + " resident pages";
  }
}
