/**
 * Test support for mmsim implementations: contract test suites (abstract JUnit 5 classes with one
 * factory method each, in sub-packages such as {@code io.mmsim.testkit.page}), a seeded, shrinking,
 * stateful random-test harness and an invariant-checking JUnit extension, for the implementations
 * in this repository and for anyone who writes another.
 *
 * <h2>Stateful random tests</h2>
 *
 * A {@link io.mmsim.testkit.Scenario} says how to create the implementation with a reference model,
 * how to draw one {@link io.mmsim.testkit.Op} from a {@link java.util.SplittableRandom}, how to
 * apply it to both and how to check invariants. {@link io.mmsim.testkit.StatefulRunner} runs a
 * fixed number of seeds (system property {@code mmsim.test.runs}), shrinks the first failing
 * sequence (drop chunks, then single operations, then lower arguments) and reports the seed and the
 * minimal sequence; {@code -Dmmsim.test.seed=0x...} replays one seed. jqwik is deliberately not
 * used (its licence excludes automated coding tools).
 *
 * <h2>Invariant checks after each test</h2>
 *
 * {@link io.mmsim.testkit.InvariantCheckExtension} calls {@code checkInvariants()} on every subject
 * a test tracked, after the test.
 */
package io.mmsim.testkit;
