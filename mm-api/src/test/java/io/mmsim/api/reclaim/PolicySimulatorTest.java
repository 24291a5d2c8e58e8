package io.mmsim.api.reclaim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The driver of the policy-only path: the calls it makes, in the order the ReplacementPolicy
 * contract states, its accessed bits, and its refusal of policies that break the contract. The
 * policies here are small and written for the test (a FIFO on a deque, a second-chance FIFO that
 * reads the accessed bits).
 */
final class PolicySimulatorTest {
  private static final long[] BELADY = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

  /** FIFO on a deque that logs every call it receives. */
  private static class LoggingFifo implements ReplacementPolicy {
    final ArrayDeque<Long> queue = new ArrayDeque<>();
    final List<String> log = new ArrayList<>();
    boolean everyReference;

    @Override
    public String name() {
      return "test-fifo";
    }

    @Override
    public void insert(long page) {
      if (queue.contains(page)) {
        throw new IllegalArgumentException("page " + page + " already tracked");
      }
      log.add("insert " + page);
      queue.addLast(page);
    }

    @Override
    public void access(long page) {
      log.add("access " + page);
    }

    @Override
    public void remove(long page) {
      queue.remove(page);
    }

    @Override
    public long victim(ReferenceBits bits) {
      Long v = queue.pollFirst();
      log.add("victim " + v);
      return v == null ? NO_VICTIM : v;
    }

    @Override
    public void miss(long page) {
      log.add("miss " + page);
    }

    @Override
    public void setCapacity(long frames) {
      log.add("capacity " + frames);
    }

    @Override
    public long resident() {
      return queue.size();
    }

    @Override
    public boolean contains(long page) {
      return queue.contains(page);
    }

    @Override
    public boolean wantsEveryReference() {
      return everyReference;
    }
  }

  /** FIFO with second chance through the accessed bits the driver keeps (clock). */
  private static final class SecondChance extends LoggingFifo {
    @Override
    public long victim(ReferenceBits bits) {
      while (true) {
        long p = queue.pollFirst();
        if (!bits.testAndClearYoung(p)) {
          return p;
        }
        queue.addLast(p);
      }
    }
  }

  @Test
  void misses_fifoOnBeladysString_9With3Frames10With4() {
    assertThat(PolicySimulator.misses(new LoggingFifo(), BELADY, 3)).isEqualTo(9);
    assertThat(PolicySimulator.misses(new LoggingFifo(), BELADY, 4)).isEqualTo(10);
  }

  @Test
  void reference_callsCapacityThenMissVictimInsert_andAccessOnlyOnHitsWhenWanted() {
    LoggingFifo fifo = new LoggingFifo();
    fifo.everyReference = true;
    PolicySimulator s = new PolicySimulator(fifo, 2);
    for (long p : new long[] {1, 2, 1, 3}) {
      s.reference(p);
    }
    assertThat(fifo.log)
        .containsExactly(
            "capacity 2",
            "miss 1",
            "insert 1",
            "miss 2",
            "insert 2",
            "access 1",
            "miss 3",
            "victim 1",
            "insert 3");
    assertThat(s.references()).isEqualTo(4);
    assertThat(s.misses()).isEqualTo(3);
    assertThat(s.hits()).isEqualTo(1);
    assertThat(s.resident()).isEqualTo(2);
  }

  @Test
  void reference_policyNotWantingEveryReference_getsNoAccessCalls() {
    LoggingFifo fifo = new LoggingFifo();
    PolicySimulator s = new PolicySimulator(fifo, 2);
    s.run(new long[] {1, 1, 1}, 0, 3);
    assertThat(fifo.log).containsExactly("capacity 2", "miss 1", "insert 1");
  }

  /*
   * Second chance by hand, 3 frames, Belady's string: 1 2 3 (3 misses, all bits set); 4 clears
   * 1, 2, 3 and evicts 1 (4); 1 evicts 2 (5); 2 evicts 3 (6); 5: 4, 1, 2 young, cleared, then 4
   * goes (7); 1, 2 hit; 3: 1, 2, 5 young, cleared, then 1 goes (8); 4: 2 goes (9); 5 hits.
   */
  @Test
  void accessedBits_setByEveryReference_testedAndClearedByTheVictimSearch() {
    assertThat(PolicySimulator.misses(new SecondChance(), BELADY, 3)).isEqualTo(9);
    SecondChance sc = new SecondChance();
    PolicySimulator s = new PolicySimulator(sc, 2);
    s.reference(1);
    s.reference(2);
    assertThat(s.young(1)).isTrue();
    s.reference(3); // both young: cleared, then 1 goes
    assertThat(s.young(2)).isFalse();
    assertThat(s.young(3)).isTrue();
    assertThat(sc.contains(1)).isFalse();
  }

  @Test
  void run_referenceString_movesThePositionBeforeEachReference() {
    ReferenceString refs = ReferenceString.of(7, 8, 7, 9);
    List<Long> positions = new ArrayList<>();
    LoggingFifo fifo =
        new LoggingFifo() {
          @Override
          public void insert(long page) {
            positions.add(refs.position());
            super.insert(page);
          }
        };
    assertThat(PolicySimulator.misses(fifo, refs, 3)).isEqualTo(3);
    assertThat(positions).containsExactly(0L, 1L, 3L);
  }

  @Test
  void reference_policyWithoutAVictimWhenFull_throwsNamingThePolicyAndReference() {
    LoggingFifo stubborn =
        new LoggingFifo() {
          @Override
          public long victim(ReferenceBits bits) {
            return NO_VICTIM;
          }
        };
    PolicySimulator s = new PolicySimulator(stubborn, 1);
    s.reference(1);
    assertThatThrownBy(() -> s.reference(2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("test-fifo broke the ReplacementPolicy contract at reference 2")
        .hasMessageContaining("victim -1");
  }

  @Test
  void reference_victimStillTracked_throws() {
    LoggingFifo liar =
        new LoggingFifo() {
          @Override
          public long victim(ReferenceBits bits) {
            return queue.peekFirst();
          }
        };
    PolicySimulator s = new PolicySimulator(liar, 1);
    s.reference(1);
    assertThatThrownBy(() -> s.reference(2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("victim 1 is still tracked");
  }

  @Test
  void constructor_noFramesOrUsedPolicy_refused() {
    assertThatThrownBy(() -> new PolicySimulator(new LoggingFifo(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 frame");
    LoggingFifo used = new LoggingFifo();
    used.insert(5);
    assertThatThrownBy(() -> new PolicySimulator(used, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already tracks 1 pages");
  }

  @Test
  void reference_noVictimKey_isNotAPage() {
    PolicySimulator s = new PolicySimulator(new LoggingFifo(), 4);
    assertThatThrownBy(() -> s.reference(ReplacementPolicy.NO_VICTIM))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(s.references()).isZero();
  }
}
