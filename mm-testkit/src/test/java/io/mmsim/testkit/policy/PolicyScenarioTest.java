package io.mmsim.testkit.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;
import io.mmsim.testkit.StatefulRunner;

/**
 * The contract's own parts: its brute-force OPT against the textbooks, and its random runs, which
 * pass a correct FIFO and catch (and shrink) a FIFO that forgets to forget removed pages.
 */
final class PolicyScenarioTest {

  /** FIFO on a deque; with {@code leaky}, remove() of the newest page does nothing. */
  static final class DequeFifo implements ReplacementPolicy {
    final ArrayDeque<Long> queue = new ArrayDeque<>();
    final boolean leaky;

    DequeFifo(boolean leaky) {
      this.leaky = leaky;
    }

    @Override
    public String name() {
      return leaky ? "leaky-fifo" : "deque-fifo";
    }

    @Override
    public void insert(long page) {
      if (queue.contains(page)) {
        throw new IllegalArgumentException("page " + page + " already resident");
      }
      queue.addLast(page);
    }

    @Override
    public void access(long page) {}

    @Override
    public void remove(long page) {
      if (leaky && queue.size() > 1 && queue.peekLast() == page) {
        return;
      }
      queue.remove(page);
    }

    @Override
    public long victim(ReferenceBits bits) {
      Long v = queue.pollFirst();
      return v == null ? NO_VICTIM : v;
    }

    @Override
    public long resident() {
      return queue.size();
    }

    @Override
    public boolean contains(long page) {
      return queue.contains(page);
    }
  }

  static final class Contract extends ReplacementPolicyContract {
    final boolean leaky;

    Contract(boolean leaky) {
      this.leaky = leaky;
    }

    @Override
    protected ReplacementPolicyProvider provider() {
      return new ReplacementPolicyProvider() {
        @Override
        public String name() {
          return leaky ? "leaky-fifo" : "deque-fifo";
        }

        @Override
        public String description() {
          return "a FIFO for the testkit's own tests";
        }

        @Override
        public int spiVersion() {
          return SpiVersion.CURRENT;
        }

        @Override
        public ReplacementPolicy create(ProviderContext ctx) {
          return new DequeFifo(leaky);
        }
      };
    }
  }

  @Test
  void beladyOpt_textbookStrings_giveTheTextbookCounts() {
    long[] belady = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
    long[] osc = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
    assertThat(BeladyOpt.misses(belady, 3)).isEqualTo(7);
    assertThat(BeladyOpt.misses(belady, 4)).isEqualTo(6);
    assertThat(BeladyOpt.misses(osc, 3)).isEqualTo(9);
  }

  @Test
  void randomRuns_correctFifo_pass() {
    StatefulRunner.of("deque fifo", new PolicyScenario(new Contract(false), 4, 10)).check();
  }

  @Test
  void randomRuns_fifoThatKeepsARemovedPage_failWithAShortReproducer() {
    assertThatThrownBy(
            () ->
                StatefulRunner.of("leaky fifo", new PolicyScenario(new Contract(true), 4, 10))
                    .check())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("minimal sequence")
        .hasMessageContaining("unmap(");
  }
}
