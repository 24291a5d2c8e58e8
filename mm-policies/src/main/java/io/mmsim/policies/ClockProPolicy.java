package io.mmsim.policies;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.mmsim.api.Statistics;
import io.mmsim.api.reclaim.ReplacementPolicy;

/*
 * CLOCK-Pro: Jiang, Chen and Zhang, "CLOCK-Pro: An Effective Improvement of the CLOCK
 * Replacement", USENIX ATC '05 (LIRS's reuse-distance idea on a clock, as Linux tried it).
 *
 * One circular list holds resident hot pages, resident cold pages and non-resident cold pages
 * still in their test period ("test" pages), each resident page with a reference bit. New pages
 * enter at the head, just behind HAND_hot, which therefore meets the oldest page first. Three
 * hands move the same way round:
 *
 *   HAND_cold  on a miss, until it evicts: a cold page with its bit clear is evicted (it stays
 *              as a test page if its test period runs, else it leaves the clock); with its bit
 *              set, in its test period, it turns hot (and the cold target m_c grows by one); with
 *              its bit set after its test period, it starts a new one; either way its bit is
 *              cleared and it moves to the head
 *   HAND_hot   while hot pages exceed m - m_c: a hot page with its bit set has it cleared, the
 *              first with its bit clear turns cold; cold pages it passes end their test period
 *              (test pages leave the clock), each such end shrinks m_c by one
 *   HAND_test  while test pages exceed m: ends the test period of the next cold page (a test
 *              page leaves the clock) and shrinks m_c by one
 *
 * A miss first frees a frame (HAND_cold); then a test page that faulted turns hot at the head (m_c
 * grows by one), any other page enters as a cold page in its test period. m_c starts at m and stays
 * in [1, m]. A hit only sets the page's bit.
 *
 * Parity: libCacheSim at the commit the parity tests name has no CLOCK-Pro; its later ClockPro.c
 * (2025) refuses to insert once cold pages reach their target, which a page fault cannot do, so
 * this class follows the paper. Where the paper leaves room: each victim() evicts exactly one
 * page (HAND_test never drives HAND_cold, which in some versions of the authors' simulator can
 * free a second frame), the targets are counted in pages, and m_c starts at cold-ratio * m (1.0
 * by default: all pages cold, as in libCacheSim's init-ratio-cold=1), at least 1.
 * Invariants: the circle holds hot, cold and test pages whose counts match; resident pages number
 * hot + cold; every hand is on the circle (or NIL when it is empty).
 */
final class ClockProPolicy implements ReplacementPolicy {
  private static final int NIL = -1;
  private static final byte HOT = 1;
  private static final byte COLD = 2;
  private static final byte TEST = 3;

  private final double coldRatio;
  private final PageIndex index;
  private long[] key;
  private byte[] kind;
  private boolean[] referenced;
  private boolean[] inTest;
  private int[] cw; // the direction the hands move: from older to newer pages
  private int[] ccw;
  private int freeNode = NIL;
  private int highWater;

  private int handHot = NIL;
  private int handCold = NIL;
  private int handTest = NIL;
  private int countHot;
  private int countCold;
  private int countTest;
  private long capacity;
  private long coldTarget;
  private long scanned;
  private long promotions;
  private long demotions;

  ClockProPolicy(double coldRatio, int expected) {
    this.coldRatio = coldRatio;
    int cap = Math.max(16, expected);
    index = new PageIndex(cap);
    key = new long[cap];
    kind = new byte[cap];
    referenced = new boolean[cap];
    inTest = new boolean[cap];
    cw = new int[cap];
    ccw = new int[cap];
  }

  @Override
  public String name() {
    return "clock-pro";
  }

  @Override
  public boolean wantsEveryReference() {
    return true;
  }

  @Override
  public void setCapacity(long frames) {
    if (frames < 1) {
      throw new IllegalArgumentException("clock-pro: capacity " + frames + " is not positive");
    }
    boolean first = capacity == 0;
    capacity = frames;
    long start = Math.max(1, PolicySettings.share(frames, coldRatio));
    coldTarget = first ? start : Math.max(1, Math.min(coldTarget, frames));
  }

  // ---------------------------------------------------------------- references

  @Override
  public void access(long page) {
    int n = index.get(page);
    if (n != PageIndex.NONE && kind[n] != TEST) {
      referenced[n] = true;
    }
  }

  /** A fault on a test page: it is reused within its test period, so cold pages get more room. */
  private void promoteTestPage(int n) {
    if (capacity == 0) {
      setCapacity(resident() + 1);
    }
    coldTarget = Math.min(coldTarget + 1, capacity);
    unlinkNode(n);
    countTest--;
    kind[n] = HOT;
    referenced[n] = false;
    inTest[n] = false;
    pushHead(n);
    countHot++;
    promotions++;
    balanceHot();
  }

  @Override
  public void insert(long page) {
    int n = index.get(page);
    if (n != PageIndex.NONE && kind[n] != TEST) {
      throw new IllegalArgumentException("clock-pro: page " + page + " is already resident");
    }
    if (n != PageIndex.NONE) {
      promoteTestPage(n);
      return;
    }
    n = newNode(page);
    kind[n] = COLD;
    referenced[n] = false;
    inTest[n] = true;
    pushHead(n);
    countCold++;
  }

  @Override
  public void remove(long page) {
    int n = index.get(page);
    if (n != PageIndex.NONE && kind[n] != TEST) {
      forget(n);
    }
  }

  private void forget(int n) {
    if (kind[n] == HOT) {
      countHot--;
    } else if (kind[n] == COLD) {
      countCold--;
    } else {
      countTest--;
    }
    unlinkNode(n);
    release(n);
  }

  // ---------------------------------------------------------------- the hands

  @Override
  public long victim(ReferenceBits bits) {
    if (resident() == 0) {
      return NO_VICTIM;
    }
    if (capacity == 0) {
      setCapacity(resident());
    }
    while (true) {
      if (countCold == 0) {
        demoteOneHot(); // every resident page hot: the coldest hot page gives way
      }
      int n = handCold;
      scanned++;
      if (kind[n] != COLD) {
        handCold = cw[n];
        continue;
      }
      if (!referenced[n]) {
        handCold = cw[n];
        long page = key[n];
        countCold--;
        if (inTest[n]) {
          kind[n] = TEST;
          countTest++;
          while (countTest > capacity) {
            runHandTest();
          }
        } else {
          unlinkNode(n);
          release(n);
        }
        return page;
      }
      handCold = cw[n];
      referenced[n] = false;
      if (inTest[n]) { // reused within its test period
        coldTarget = Math.min(coldTarget + 1, capacity);
        kind[n] = HOT;
        inTest[n] = false;
        countCold--;
        countHot++;
        promotions++;
        moveToHead(n);
        balanceHot();
      } else {
        inTest[n] = true;
        moveToHead(n);
      }
    }
  }

  /** Runs HAND_hot while hot pages exceed their share m - m_c. */
  private void balanceHot() {
    while (countHot > capacity - coldTarget) {
      runHandHot();
    }
  }

  /** Runs HAND_hot until one hot page turns cold, whatever the target (countCold is 0). */
  private void demoteOneHot() {
    while (!runHandHot()) {
      // a pass over set bits clears them; the next meets a clear one
    }
  }

  /**
   * One step of HAND_hot: true when it turned a hot page cold (or there is none to turn), false
   * when it must go on.
   */
  private boolean runHandHot() {
    if (countHot == 0) {
      return true;
    }
    int n = handHot;
    scanned++;
    if (kind[n] == HOT) {
      handHot = cw[n];
      if (referenced[n]) {
        referenced[n] = false;
        return false;
      }
      kind[n] = COLD;
      inTest[n] = false;
      countHot--;
      countCold++;
      demotions++;
      return true;
    }
    if (kind[n] == TEST) {
      handHot = cw[n];
      endTest(n);
    } else {
      if (kind[n] == COLD && inTest[n]) {
        inTest[n] = false;
        shrinkColdTarget();
      }
      handHot = cw[n];
    }
    return false;
  }

  /** One step of HAND_test: ends the test period of the next cold page. */
  private void runHandTest() {
    for (int seen = 0; seen <= highWater; seen++) {
      int n = handTest;
      handTest = cw[n];
      if (kind[n] == TEST) {
        endTest(n);
        return;
      }
      if (kind[n] == COLD && inTest[n]) {
        inTest[n] = false;
        shrinkColdTarget();
        return;
      }
    }
  }

  /** A test page's period ends without a reuse: it leaves the clock and m_c shrinks. */
  private void endTest(int n) {
    countTest--;
    unlinkNode(n);
    release(n);
    shrinkColdTarget();
  }

  private void shrinkColdTarget() {
    if (coldTarget > 1) {
      coldTarget--;
    }
  }

  /** A page reclaim could not evict comes back as a hot page at the head. */
  @Override
  public void putBack(long page) {
    int n = index.get(page);
    if (n != PageIndex.NONE && kind[n] != TEST) {
      throw new IllegalArgumentException("clock-pro: page " + page + " is already resident");
    }
    if (n != PageIndex.NONE) {
      countTest--;
      unlinkNode(n);
    } else {
      n = newNode(page);
    }
    kind[n] = HOT;
    referenced[n] = false;
    inTest[n] = false;
    pushHead(n);
    countHot++;
  }

  // ---------------------------------------------------------------- the circle

  private int newNode(long page) {
    int n;
    if (freeNode != NIL) {
      n = freeNode;
      freeNode = cw[n];
    } else {
      if (highWater == key.length) {
        int cap = key.length * 2;
        key = Arrays.copyOf(key, cap);
        kind = Arrays.copyOf(kind, cap);
        referenced = Arrays.copyOf(referenced, cap);
        inTest = Arrays.copyOf(inTest, cap);
        cw = Arrays.copyOf(cw, cap);
        ccw = Arrays.copyOf(ccw, cap);
      }
      n = highWater++;
    }
    key[n] = page;
    index.put(page, n);
    return n;
  }

  private void release(int n) {
    index.remove(key[n]);
    kind[n] = 0;
    cw[n] = freeNode;
    freeNode = n;
  }

  /**
   * Links {@code n} in just behind HAND_hot (the newest place); the first node holds every hand.
   */
  private void pushHead(int n) {
    if (handHot == NIL) {
      cw[n] = n;
      ccw[n] = n;
      handHot = n;
      handCold = n;
      handTest = n;
      return;
    }
    int before = ccw[handHot];
    cw[before] = n;
    ccw[n] = before;
    cw[n] = handHot;
    ccw[handHot] = n;
  }

  /** Takes {@code n} out of the circle; a hand on it moves on. */
  private void unlinkNode(int n) {
    int next = cw[n];
    if (next == n) {
      handHot = NIL;
      handCold = NIL;
      handTest = NIL;
      return;
    }
    if (handHot == n) {
      handHot = next;
    }
    if (handCold == n) {
      handCold = next;
    }
    if (handTest == n) {
      handTest = next;
    }
    int prev = ccw[n];
    cw[prev] = next;
    ccw[next] = prev;
  }

  private void moveToHead(int n) {
    if (cw[n] == handHot && handHot != n) {
      return; // already just behind HAND_hot
    }
    unlinkNode(n);
    pushHead(n);
  }

  // ---------------------------------------------------------------- views

  /** "hot", "cold", "test" or null (for tests). */
  String status(long page) {
    int n = index.get(page);
    if (n == PageIndex.NONE) {
      return null;
    }
    return kind[n] == HOT ? "hot" : kind[n] == COLD ? "cold" : "test";
  }

  /** The cold target m_c (for tests). */
  long coldTarget() {
    return coldTarget;
  }

  @Override
  public long resident() {
    return countHot + countCold;
  }

  @Override
  public boolean contains(long page) {
    int n = index.get(page);
    return n != PageIndex.NONE && kind[n] != TEST;
  }

  @Override
  public long scanned() {
    return scanned;
  }

  @Override
  public Statistics statistics() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("pgscan", scanned);
    m.put("nr_hot", (long) countHot);
    m.put("nr_cold", (long) countCold);
    m.put("nr_test", (long) countTest);
    m.put("cold_target", coldTarget);
    m.put("promotions", promotions);
    m.put("demotions", demotions);
    return new Statistics(m);
  }

  @Override
  public void checkInvariants() {
    index.checkInvariants();
    int hot = 0;
    int cold = 0;
    int test = 0;
    boolean hotSeen = handHot == NIL;
    boolean coldSeen = handCold == NIL;
    boolean testSeen = handTest == NIL;
    if (handHot != NIL) {
      int n = handHot;
      do {
        if (ccw[cw[n]] != n || index.get(key[n]) != n) {
          throw new AssertionError("clock-pro: circle broken at page " + key[n]);
        }
        if (kind[n] == HOT) {
          hot++;
        } else if (kind[n] == COLD) {
          cold++;
        } else if (kind[n] == TEST) {
          test++;
        } else {
          throw new AssertionError("clock-pro: a free node on the circle");
        }
        coldSeen |= n == handCold;
        testSeen |= n == handTest;
        hotSeen = true;
        n = cw[n];
        if (hot + cold + test > highWater) {
          throw new AssertionError("clock-pro: the circle does not close");
        }
      } while (n != handHot);
    }
    if (hot != countHot || cold != countCold || test != countTest) {
      throw new AssertionError(
          "clock-pro: circle holds "
              + hot
              + " hot, "
              + cold
              + " cold, "
              + test
              + " test pages; counts say "
              + countHot
              + ", "
              + countCold
              + ", "
              + countTest);
    }
    if (!hotSeen || !coldSeen || !testSeen) {
      throw new AssertionError("clock-pro: a hand is off the circle");
    }
    if (index.size() != hot + cold + test) {
      throw new AssertionError("clock-pro: " + index.size() + " pages indexed");
    }
    if (capacity > 0 && (coldTarget < 1 || coldTarget > capacity)) {
      throw new AssertionError("clock-pro: cold target " + coldTarget + " outside [1, m]");
    }
  }
}
