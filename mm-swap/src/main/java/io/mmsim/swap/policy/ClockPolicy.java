package io.mmsim.swap.policy;

/*
 * Clock (second chance) replacement.
 *
 * Algorithm: the resident pages sit in a circle with a hand. A reference sets the page's accessed
 * bit. On a miss with the resident set full, the hand looks at the page under it: a set bit is
 * cleared and the hand moves on; the first page with a clear bit is evicted, the new page takes
 * its place with its bit set, and the hand moves one past it.
 *
 *        hand
 *         v
 *   ... [p3 1] [p4 0] [p1 1] ...        circle = list, oldest end = under the hand,
 *                                       newest end = just behind the hand
 *
 * The circle is kept as a list whose oldest end is the page under the hand: advancing the hand
 * moves that page to the newest end; evicting removes it, so the hand is then on the next page;
 * the new page is appended at the newest end, which is the slot just behind the hand - exactly
 * where the evicted page stood, with the hand one past it. A page leaving otherwise (remove) is
 * taken out of the circle; if the hand was on it, it moves to the next page.
 * The accessed bit is the OR of the policy's own bit (set by insert and access) and the page's
 * hardware bit (ReferenceBits.testAndClearYoung, tested and cleared as the hand passes).
 * Invariants: the list holds exactly the tracked pages, in circle order starting at the hand.
 * Reference: Corbato, "A paging experiment with the Multics system", MIT Project MAC MAC-M-384,
 * 1968; Tanenbaum, Modern Operating Systems, "The Clock Page Replacement Algorithm".
 */
final class ClockPolicy extends ListPolicy {
  private static final int CIRCLE = 0;
  private static final int REFERENCED = 1;

  ClockPolicy(int expected) {
    super("clock", 1, expected);
  }

  @Override
  public void insert(long page) {
    int n = track(page);
    nodes.setFlags(n, REFERENCED);
    nodes.pushNewest(CIRCLE, n);
  }

  @Override
  public void access(long page) {
    int n = nodes.find(page);
    if (n != NodeTable.NIL) {
      nodes.setFlags(n, REFERENCED);
    }
  }

  /** Pages the hand passed over (bit set, cleared) before the last victim. */
  private long lastPassed;

  @Override
  public String victimReason(long page) {
    return lastPassed == 0
        ? "clock: the page under the hand has its referenced bit clear"
        : "clock: the hand cleared the referenced bit of "
            + lastPassed
            + " page"
            + (lastPassed == 1 ? "" : "s")
            + " (a second chance) and stopped at the first whose bit was clear";
  }

  @Override
  public long victim(ReferenceBits bits) {
    lastPassed = 0;
    // two full turns clear every bit; a third means the bits do not clear (a broken
    // ReferenceBits): evict under the hand rather than spin
    long limit = 2L * nodes.size(CIRCLE) + 1;
    for (long step = 0; ; step++) {
      int n = nodes.oldest(CIRCLE);
      if (n == NodeTable.NIL) {
        return NO_VICTIM;
      }
      scanned++;
      // evaluate both so that the hardware bit is cleared too
      boolean young = bits.testAndClearYoung(nodes.key(n));
      if (((nodes.flags(n) & REFERENCED) != 0 || young) && step < limit) {
        nodes.setFlags(n, 0);
        nodes.moveToNewest(CIRCLE, n); // the hand moves past it
        lastPassed++;
        continue;
      }
      return evict(n);
    }
  }

  /** The page under the hand, or {@link #NO_VICTIM} when the circle is empty (for tests). */
  long hand() {
    int n = nodes.oldest(CIRCLE);
    return n == NodeTable.NIL ? NO_VICTIM : nodes.key(n);
  }
}
