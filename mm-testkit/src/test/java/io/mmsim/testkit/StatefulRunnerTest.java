package io.mmsim.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class StatefulRunnerTest {

  static final OpKind PUSH = new OpKind("push", "value");
  static final OpKind POP = new OpKind("pop");

  /**
   * A stack whose bug is that pushing a value of 50 or more right after a pop loses it: the
   * smallest reproducer is pop() (on the empty stack), push(50), pop().
   */
  static final class BuggyStack {
    final List<Long> items = new ArrayList<>();
    final List<Long> model = new ArrayList<>();
    boolean lastWasPop;
  }

  static final class StackScenario implements Scenario<BuggyStack> {
    final int bound;
    int creations;

    StackScenario() {
      this(100);
    }

    StackScenario(int bound) {
      this.bound = bound;
    }

    @Override
    public BuggyStack create() {
      creations++;
      return new BuggyStack();
    }

    @Override
    public Op generate(SplittableRandom random, int step) {
      return random.nextInt(3) == 0 ? POP.op() : PUSH.op(random.nextInt(bound));
    }

    @Override
    public void apply(BuggyStack s, Op op) {
      if (op.is(PUSH)) {
        if (!(s.lastWasPop && op.arg(0) >= 50)) {
          s.items.add(op.arg(0));
        }
        s.model.add(op.arg(0));
        s.lastWasPop = false;
      } else {
        if (!s.model.isEmpty()) {
          long want = s.model.remove(s.model.size() - 1);
          long got = s.items.isEmpty() ? -1 : s.items.remove(s.items.size() - 1);
          assertThat(got).as("popped").isEqualTo(want);
        }
        s.lastWasPop = true;
      }
    }

    @Override
    public void checkInvariants(BuggyStack s) {
      assertThat(s.items.size()).isLessThanOrEqualTo(s.model.size());
    }
  }

  @AfterEach
  void clearProperties() {
    System.clearProperty(StatefulRunner.SEED_PROPERTY);
    System.clearProperty(StatefulRunner.RUNS_PROPERTY);
    System.clearProperty(StatefulRunner.STEPS_PROPERTY);
  }

  @Test
  void check_buggySubject_reportsSeedAndShrunkSequence() {
    StatefulRunner<BuggyStack> runner = StatefulRunner.of("stack", new StackScenario()).steps(60);

    Throwable t = null;
    try {
      runner.check();
    } catch (AssertionError e) {
      t = e;
    }

    assertThat(t).isNotNull();
    assertThat(t.getMessage())
        .contains("stack: failed with seed 0x")
        .contains("-Dmmsim.test.seed=0x")
        .contains("minimal sequence (3 operations")
        .contains("1. pop()")
        .contains("2. push(value=50)")
        .contains("3. pop()   <-- fails");
    assertThat(t.getCause()).isInstanceOf(AssertionError.class);
  }

  @Test
  void check_seedProperty_replaysExactlyThatSeed() {
    StatefulRunner<BuggyStack> runner = StatefulRunner.of("stack", new StackScenario());
    long seed = runner.seeds()[3];
    System.setProperty(StatefulRunner.SEED_PROPERTY, StatefulRunner.formatSeed(seed));

    assertThat(runner.seeds()).containsExactly(seed);
  }

  @Test
  void seeds_runsProperty_overridesConfiguredRuns() {
    StatefulRunner<BuggyStack> runner = StatefulRunner.of("stack", new StackScenario()).runs(5);
    assertThat(runner.seeds()).hasSize(5);

    System.setProperty(StatefulRunner.RUNS_PROPERTY, "7");

    assertThat(runner.seeds()).hasSize(7);
    assertThat(runner.seeds()).doesNotHaveDuplicates();
  }

  @Test
  void seeds_sameName_areTheSameInEveryRun() {
    long[] a = StatefulRunner.of("x", new StackScenario()).seeds();
    long[] b = StatefulRunner.of("x", new StackScenario()).seeds();
    long[] c = StatefulRunner.of("y", new StackScenario()).seeds();

    assertThat(a).containsExactly(b).hasSize(StatefulRunner.DEFAULT_RUNS);
    assertThat(a).isNotEqualTo(c);
  }

  @Test
  void check_correctSubject_passesEverySeed() {
    StackScenario scenario = new StackScenario(50);

    StatefulRunner.of("stack below 50", scenario).runs(10).steps(100).check();

    assertThat(scenario.creations).isEqualTo(10);
  }

  @Test
  void generate_sameSeed_sameOperations() {
    StatefulRunner<BuggyStack> runner = StatefulRunner.of("stack", new StackScenario());

    assertThat(runner.generate(99, 50)).isEqualTo(runner.generate(99, 50));
    assertThat(runner.generate(99, 50)).isNotEqualTo(runner.generate(100, 50));
  }

  @Test
  void parseSeed_hexAndDecimal_roundTrip() {
    assertThat(StatefulRunner.parseSeed("0xffffffffffffffff")).isEqualTo(-1L);
    assertThat(StatefulRunner.parseSeed(" 42 ")).isEqualTo(42L);
    assertThat(StatefulRunner.parseSeed(StatefulRunner.formatSeed(-5L))).isEqualTo(-5L);
    assertThatThrownBy(() -> StatefulRunner.parseSeed("seed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mmsim.test.seed");
  }

  @Test
  void op_wrongArity_throwsAndPrintsReadably() {
    assertThatThrownBy(() -> PUSH.op())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("push takes 1 arguments [value]");
    assertThat(PUSH.op(3)).hasToString("push(value=3)");
    assertThat(PUSH.op(3).withArg(0, 1)).isEqualTo(PUSH.op(1));
  }
}
