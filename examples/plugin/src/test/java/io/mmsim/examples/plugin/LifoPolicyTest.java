package io.mmsim.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.reclaim.ReplacementPolicy.ReferenceBits;

/**
 * lifo against the ReplacementPolicy contract's rules, hand-computed reference strings and a
 * reference model (a deque used as a stack).
 */
final class LifoPolicyTest {

  /** The contract's driver: a miss evicts when {@code frames} pages are resident, then inserts. */
  private static int misses(ReplacementPolicy p, int frames, long... refs) {
    int misses = 0;
    for (long page : refs) {
      if (p.contains(page)) {
        if (p.wantsEveryReference()) {
          p.access(page);
        }
        continue;
      }
      misses++;
      if (p.resident() == frames) {
        assertThat(p.victim(ReferenceBits.NONE)).isNotEqualTo(ReplacementPolicy.NO_VICTIM);
      }
      p.insert(page);
      p.checkInvariants();
    }
    return misses;
  }

  // ================================================================ textbook strings

  @Test
  void misses_beladyString_matchHandCount() {
    long[] refs = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
    // 3 frames: 1 2 3 miss; 4 evicts 3; 1 2 hit; 5 evicts 4; 1 2 hit; 3 evicts 5; 4 evicts 3;
    // 5 evicts 4: 8 misses. 4 frames: 1 2 3 4; 5 evicts 4; 1 2 3 hit; 4 evicts 5; 5 evicts 4: 7.

    assertThat(misses(new LifoPolicy(), 3, refs)).isEqualTo(8);
    assertThat(misses(new LifoPolicy(), 4, refs)).isEqualTo(7);
    assertThat(PolicySimulator.misses(new LifoPolicy(), refs, 3))
        .as("mm-api's policy-only simulator")
        .isEqualTo(8);
    assertThat(PolicySimulator.misses(new LifoPolicy(), refs, 4)).isEqualTo(7);
  }

  @Test
  void misses_loopLargerThanMemory_keepTheFirstPagesResident() {
    LifoPolicy p = new LifoPolicy();
    long[] loop = new long[40];
    for (int i = 0; i < loop.length; i++) {
      loop[i] = i % 5;
    }

    // pages 0..3 stay; page 4 replaces the newest each time round: 4 + 2 misses per later loop
    assertThat(misses(p, 4, loop)).isEqualTo(5 + 7 * 2);
    assertThat(p.contains(0) && p.contains(1) && p.contains(2)).isTrue();
  }

  // ================================================================ contract rules

  @Test
  void victim_empty_returnsNoVictim() {
    assertThat(new LifoPolicy().victim(ReferenceBits.NONE)).isEqualTo(ReplacementPolicy.NO_VICTIM);
  }

  @Test
  void victim_returnsNewestAndForgetsIt() {
    LifoPolicy p = new LifoPolicy();
    p.insert(10);
    p.insert(20);
    p.insert(30);
    p.access(10);

    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(30);
    assertThat(p.contains(30)).isFalse();
    assertThat(p.resident()).isEqualTo(2);
    assertThat(p.scanned()).isEqualTo(1);
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(20);
  }

  @Test
  void insert_alreadyResident_throwsAndChangesNothing() {
    LifoPolicy p = new LifoPolicy();
    p.insert(1);
    p.insert(2);

    assertThatThrownBy(() -> p.insert(1)).isInstanceOf(IllegalArgumentException.class);

    p.checkInvariants();
    assertThat(p.resident()).isEqualTo(2);
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(2);
  }

  @Test
  void removeAndAccess_unknownPage_doNothing() {
    LifoPolicy p = new LifoPolicy();
    p.insert(7);

    p.remove(8);
    p.access(8);

    assertThat(p.resident()).isEqualTo(1);
    assertThat(p.contains(7)).isTrue();
  }

  @Test
  void remove_middlePage_leavesTheOrderOfTheOthers() {
    LifoPolicy p = new LifoPolicy();
    for (long i = 1; i <= 4; i++) {
      p.insert(i);
    }

    p.remove(3);

    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(4);
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(2);
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(1);
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(ReplacementPolicy.NO_VICTIM);
  }

  @Test
  void putBack_victimThatCouldNotLeave_goesToTheBottom() {
    LifoPolicy p = new LifoPolicy();
    p.insert(1);
    p.insert(2);
    p.insert(3);
    long v = p.victim(ReferenceBits.NONE);

    p.putBack(v);

    assertThat(p.contains(3)).isTrue();
    assertThat(p.victim(ReferenceBits.NONE)).as("the next-newest page").isEqualTo(2);
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(1);
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(3);
  }

  @Test
  void putBack_resident_throws() {
    LifoPolicy p = new LifoPolicy();
    p.insert(1);

    assertThatThrownBy(() -> p.putBack(1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(p.resident()).isEqualTo(1);
  }

  // ================================================================ against a model

  @Test
  void randomOperations_agreeWithAStack() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      LifoPolicy p = new LifoPolicy();
      Deque<Long> model = new ArrayDeque<>(); // first = top (newest)
      List<String> ops = new ArrayList<>();
      for (int step = 0; step < 3000; step++) {
        // keys spread wide so the index sees collisions, growth and deletions in probe runs
        long page = r.nextInt(400) * 1_000_003L;
        int k = r.nextInt(10);
        if (k < 5) {
          ops.add("insert " + page);
          if (model.contains(page)) {
            assertThatThrownBy(() -> p.insert(page)).isInstanceOf(IllegalArgumentException.class);
          } else {
            p.insert(page);
            model.addFirst(page);
          }
        } else if (k < 7) {
          ops.add("remove " + page);
          p.remove(page);
          model.remove(page);
        } else if (k < 9) {
          ops.add("victim");
          long expected = model.isEmpty() ? ReplacementPolicy.NO_VICTIM : model.removeFirst();
          assertThat(p.victim(ReferenceBits.NONE))
              .as("seed %d after %s", seed, ops)
              .isEqualTo(expected);
        } else if (!model.contains(page)) {
          ops.add("putBack " + page);
          p.putBack(page);
          model.addLast(page);
        }
        p.checkInvariants();
        assertThat(p.resident()).isEqualTo(model.size());
        assertThat(p.contains(page)).isEqualTo(model.contains(page));
      }
    }
  }
}
