package io.mmsim.policies;

import java.util.ArrayList;
import java.util.List;

/**
 * CLOCK-Pro as ClockProPolicy's header states it, written again for the tests in the plainest form:
 * the clock is an ArrayList (index + 1 is the direction the hands move), the hands are indices,
 * every lookup is a linear search. Slow, and independent of the policy's arrays.
 */
final class ClockProModel {
  private static final int HOT = 1;
  private static final int COLD = 2;
  private static final int TEST = 3;

  private static final class Page {
    final long key;
    int kind;
    boolean ref;
    boolean inTest;

    Page(long key, int kind) {
      this.key = key;
      this.kind = kind;
    }
  }

  private final List<Page> clock = new ArrayList<>();
  private final int m;
  private int coldTarget;
  private int hot;
  private int cold;
  private int test;
  private int handHot;
  private int handCold;
  private int handTest;

  ClockProModel(int frames, double coldRatio) {
    m = frames;
    coldTarget = (int) Math.max(1, (long) (frames * coldRatio));
  }

  private int find(long key) {
    for (int i = 0; i < clock.size(); i++) {
      if (clock.get(i).key == key) {
        return i;
      }
    }
    return -1;
  }

  /** One reference; true on a miss. */
  boolean reference(long key) {
    int i = find(key);
    if (i >= 0 && clock.get(i).kind != TEST) {
      clock.get(i).ref = true;
      return false;
    }
    if (hot + cold == m) {
      evict();
      i = find(key);
    }
    if (i >= 0) { // a test page faulted: hot at the head
      coldTarget = Math.min(coldTarget + 1, m);
      Page p = removeAt(i);
      test--;
      p.kind = HOT;
      p.ref = false;
      p.inTest = false;
      insertAtHead(p);
      hot++;
      while (hot > m - coldTarget) {
        handHotStep();
      }
    } else {
      Page p = new Page(key, COLD);
      p.inTest = true;
      insertAtHead(p);
      cold++;
    }
    return true;
  }

  private void evict() {
    while (true) {
      if (cold == 0) {
        while (!handHotStep()) {
          // until a hot page turns cold
        }
      }
      Page p = clock.get(handCold);
      if (p.kind != COLD) {
        handCold = (handCold + 1) % clock.size();
        continue;
      }
      if (!p.ref) {
        int at = handCold;
        handCold = (handCold + 1) % clock.size();
        cold--;
        if (p.inTest) {
          p.kind = TEST;
          test++;
          while (test > m) {
            handTestStep();
          }
        } else {
          removeAt(at);
        }
        return;
      }
      int at = handCold;
      handCold = (handCold + 1) % clock.size();
      p.ref = false;
      if (p.inTest) {
        coldTarget = Math.min(coldTarget + 1, m);
        p.kind = HOT;
        p.inTest = false;
        cold--;
        hot++;
        toHead(at);
        while (hot > m - coldTarget) {
          handHotStep();
        }
      } else {
        p.inTest = true;
        toHead(at);
      }
    }
  }

  /** True when a hot page turned cold (or none is hot). */
  private boolean handHotStep() {
    if (hot == 0) {
      return true;
    }
    Page p = clock.get(handHot);
    int at = handHot;
    handHot = (handHot + 1) % clock.size();
    if (p.kind == HOT) {
      if (p.ref) {
        p.ref = false;
        return false;
      }
      p.kind = COLD;
      p.inTest = false;
      hot--;
      cold++;
      return true;
    }
    if (p.kind == TEST) {
      removeAt(at);
      test--;
      shrink();
    } else if (p.inTest) {
      p.inTest = false;
      shrink();
    }
    return false;
  }

  private void handTestStep() {
    for (int seen = 0; seen < clock.size(); seen++) {
      Page p = clock.get(handTest);
      int at = handTest;
      handTest = (handTest + 1) % clock.size();
      if (p.kind == TEST) {
        removeAt(at);
        test--;
        shrink();
        return;
      }
      if (p.kind == COLD && p.inTest) {
        p.inTest = false;
        shrink();
        return;
      }
    }
  }

  private void shrink() {
    if (coldTarget > 1) {
      coldTarget--;
    }
  }

  /** Moves the page at {@code at} to just behind HAND_hot, unless it is there already. */
  private void toHead(int at) {
    if ((at + 1) % clock.size() == handHot && at != handHot) {
      return;
    }
    Page p = removeAt(at);
    insertAtHead(p);
  }

  private void insertAtHead(Page p) {
    if (clock.isEmpty()) {
      clock.add(p);
      handHot = 0;
      handCold = 0;
      handTest = 0;
      return;
    }
    int at = handHot;
    clock.add(at, p);
    if (handCold >= at) {
      handCold++;
    }
    if (handTest >= at) {
      handTest++;
    }
    handHot++;
  }

  private Page removeAt(int at) {
    Page p = clock.remove(at);
    int size = clock.size();
    handHot = adjust(handHot, at, size);
    handCold = adjust(handCold, at, size);
    handTest = adjust(handTest, at, size);
    return p;
  }

  private static int adjust(int hand, int removed, int size) {
    if (size == 0) {
      return 0;
    }
    if (hand > removed) {
      hand--;
    }
    return hand >= size ? 0 : hand;
  }

  /** Misses over {@code refs}. */
  static long misses(long[] refs, int frames) {
    ClockProModel c = new ClockProModel(frames, 1.0);
    long misses = 0;
    for (long r : refs) {
      if (c.reference(r)) {
        misses++;
      }
    }
    return misses;
  }
}
