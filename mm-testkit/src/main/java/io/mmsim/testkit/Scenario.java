package io.mmsim.testkit;

import java.util.List;
import java.util.SplittableRandom;

/**
 * What a stateful random test runs: how to build a fresh subject with its reference model, how to
 * generate one operation, how to apply it to both and compare, and how to check invariants.
 *
 * <p>{@link StatefulRunner} generates a sequence of operations from a seed, runs it against a fresh
 * state from {@link #create()}, calls {@link #checkInvariants} after every step, and shrinks a
 * failing sequence. Generation must depend only on the random source (not on the state), so that a
 * sequence can be replayed and shrunk; {@link #apply} interprets arguments against the current
 * state (an index modulo the number of live objects, an operation that does nothing when it does
 * not apply).
 *
 * @param <S> the state of one run: the implementation under test plus its reference model
 */
public interface Scenario<S> {

  /** A fresh implementation and reference model. */
  S create();

  /**
   * A fresh implementation and reference model for a run of {@code ops}: the runner calls this one,
   * so that a subject that must know its inputs in advance (Belady's OPT knows the whole reference
   * string) can be built from them. By default {@link #create()}.
   */
  default S create(List<Op> ops) {
    return create();
  }

  /** Draws the operation for step {@code step} (counted from 0) from {@code random}. */
  Op generate(SplittableRandom random, int step);

  /**
   * Applies {@code op} to the implementation and the model and asserts that they agree; throws
   * (usually {@link AssertionError}) when they do not.
   */
  void apply(S state, Op op);

  /** Checks the implementation's internal invariants ({@code checkInvariants()}) and the model. */
  void checkInvariants(S state);

  /**
   * The smallest value the shrinker may give argument {@code arg} of {@code op}; 0 by default.
   * Arguments already at or below it are left alone.
   */
  default long shrinkFloor(Op op, int arg) {
    return 0;
  }
}
