package io.mmsim.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Runs a {@link Scenario} as a seeded, shrinking, stateful random test.
 *
 * <h2>What one run does</h2>
 *
 * A seed drives a {@link SplittableRandom} that generates a fixed number of operations ({@link
 * Scenario#generate}). The sequence is applied to a fresh state ({@link Scenario#create}), with
 * {@link Scenario#checkInvariants} after creation and after every step. A run fails when any step
 * or check throws.
 *
 * <h2>Shrinking</h2>
 *
 * A failing sequence is cut after the failing step, then shrunk while the failure persists (the
 * same exception class): first chunks of operations are dropped (halves, quarters, ... down to
 * single operations), then each argument is lowered towards {@link Scenario#shrinkFloor} (the floor
 * itself, halfway, one less). The phases repeat until nothing changes or the attempt budget is
 * spent. The {@link AssertionError} thrown at the end names the seed, how to replay it and the
 * minimal sequence, one operation a line, and has the minimal failure as its cause.
 *
 * <h2>Seeds and system properties</h2>
 *
 * <ul>
 *   <li>{@value #SEED_PROPERTY}: run only this seed (decimal or {@code 0x} hex), as printed by a
 *       failure report;
 *   <li>{@value #RUNS_PROPERTY}: number of runs (overrides {@link #runs(int)}; default {@value
 *       #DEFAULT_RUNS});
 *   <li>{@value #STEPS_PROPERTY}: operations per run (overrides {@link #steps(int)}; default
 *       {@value #DEFAULT_STEPS}).
 * </ul>
 *
 * The seeds of the runs come from a master seed that by default is derived from the test name only,
 * so every build runs the same sequences.
 *
 * <pre>{@code
 * StatefulRunner.of("buddy random ops", new BuddyScenario()).steps(300).check();
 * }</pre>
 *
 * @param <S> the scenario's state type
 */
public final class StatefulRunner<S> {

  /** System property that replays one seed. */
  public static final String SEED_PROPERTY = "mmsim.test.seed";

  /** System property that sets the number of runs. */
  public static final String RUNS_PROPERTY = "mmsim.test.runs";

  /** System property that sets the number of operations per run. */
  public static final String STEPS_PROPERTY = "mmsim.test.steps";

  /** Runs per test when nothing else is configured. */
  public static final int DEFAULT_RUNS = 20;

  /** Operations per run when nothing else is configured. */
  public static final int DEFAULT_STEPS = 200;

  /** Executions the shrinker may spend on one failure. */
  public static final int SHRINK_BUDGET = 3000;

  private static final long MASTER_SALT = 0x6d6d73696d5eedL;

  private final String name;
  private final Scenario<S> scenario;
  private int runs = DEFAULT_RUNS;
  private int steps = DEFAULT_STEPS;
  private long masterSeed;

  private StatefulRunner(String name, Scenario<S> scenario) {
    this.name = Objects.requireNonNull(name, "name");
    this.scenario = Objects.requireNonNull(scenario, "scenario");
    this.masterSeed = MASTER_SALT ^ name.hashCode();
  }

  /** A runner for {@code scenario}; {@code name} appears in failure reports and seeds the runs. */
  public static <S> StatefulRunner<S> of(String name, Scenario<S> scenario) {
    return new StatefulRunner<>(name, scenario);
  }

  /** Sets the number of runs ({@value #RUNS_PROPERTY} still wins). */
  public StatefulRunner<S> runs(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("runs must be positive, not " + n);
    }
    this.runs = n;
    return this;
  }

  /** Sets the number of operations per run ({@value #STEPS_PROPERTY} still wins). */
  public StatefulRunner<S> steps(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("steps must be positive, not " + n);
    }
    this.steps = n;
    return this;
  }

  /** Replaces the master seed from which the runs' seeds are drawn. */
  public StatefulRunner<S> masterSeed(long seed) {
    this.masterSeed = seed;
    return this;
  }

  /** The number of runs in effect (the system property, else the configured value). */
  public int effectiveRuns() {
    return intProperty(RUNS_PROPERTY, runs);
  }

  /** The number of steps per run in effect (the system property, else the configured value). */
  public int effectiveSteps() {
    return intProperty(STEPS_PROPERTY, steps);
  }

  /** The seeds {@link #check()} will run, in order. */
  public long[] seeds() {
    String replay = System.getProperty(SEED_PROPERTY);
    if (replay != null && !replay.isBlank()) {
      return new long[] {parseSeed(replay)};
    }
    int n = effectiveRuns();
    SplittableRandom master = new SplittableRandom(masterSeed);
    long[] seeds = new long[n];
    for (int i = 0; i < n; i++) {
      seeds[i] = master.nextLong();
    }
    return seeds;
  }

  /**
   * Runs every seed; returns normally when all pass.
   *
   * @throws AssertionError describing the first failing seed with its shrunk sequence
   */
  public void check() {
    long[] seeds = seeds();
    int n = effectiveSteps();
    for (int run = 0; run < seeds.length; run++) {
      List<Op> ops = generate(seeds[run], n);
      Failure failure = execute(ops);
      if (failure != null) {
        throw report(seeds[run], run, seeds.length, ops, failure);
      }
    }
  }

  /** Runs one seed (for a regression test that pins a seed that once failed). */
  public void checkSeed(long seed) {
    List<Op> ops = generate(seed, effectiveSteps());
    Failure failure = execute(ops);
    if (failure != null) {
      throw report(seed, 0, 1, ops, failure);
    }
  }

  /** The operations seed {@code seed} generates, {@code count} of them. */
  public List<Op> generate(long seed, int count) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Op> ops = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ops.add(Objects.requireNonNull(scenario.generate(random, i), "generate returned null"));
    }
    return Collections.unmodifiableList(ops);
  }

  /**
   * Runs {@code ops} against a fresh state.
   *
   * @return {@code null} when every step and check passed, else where and how it failed
   */
  public Failure execute(List<Op> ops) {
    S state;
    state = scenario.create(ops);
    try {
      scenario.checkInvariants(state);
    } catch (OutOfMemoryError e) {
      throw e;
    } catch (Throwable t) {
      return new Failure(-1, t);
    }
    for (int i = 0; i < ops.size(); i++) {
      try {
        scenario.apply(state, ops.get(i));
        scenario.checkInvariants(state);
      } catch (OutOfMemoryError e) {
        throw e;
      } catch (Throwable t) {
        return new Failure(i, t);
      }
    }
    return null;
  }

  /**
   * Shrinks a failing sequence: the shortest, smallest sequence found that still fails with the
   * same exception class.
   */
  public Shrunk shrink(List<Op> ops, Failure failure) {
    Shrinker s = new Shrinker(ops, failure);
    s.run();
    return new Shrunk(List.copyOf(s.ops), s.failure, s.attempts);
  }

  /**
   * Where a sequence failed.
   *
   * @param step index of the failing operation, or -1 when the check after creation failed
   * @param cause what was thrown
   */
  public record Failure(int step, Throwable cause) {}

  /**
   * The result of shrinking.
   *
   * @param ops the minimal sequence
   * @param failure how it fails
   * @param attempts executions spent
   */
  public record Shrunk(List<Op> ops, Failure failure, int attempts) {}

  // ---------------------------------------------------------------- shrinking

  private final class Shrinker {
    List<Op> ops;
    Failure failure;
    int attempts;
    private final Class<?> kind;

    Shrinker(List<Op> ops, Failure failure) {
      this.kind = failure.cause().getClass();
      this.ops = new ArrayList<>(ops.subList(0, Math.max(0, failure.step() + 1)));
      this.failure = failure;
    }

    void run() {
      boolean progress = true;
      while (progress && attempts < SHRINK_BUDGET) {
        progress = dropChunks();
        progress |= lowerArguments();
      }
    }

    private boolean dropChunks() {
      boolean any = false;
      for (int chunk = Math.max(1, ops.size() / 2); chunk >= 1; chunk /= 2) {
        int i = 0;
        while (i + chunk <= ops.size() && attempts < SHRINK_BUDGET) {
          List<Op> candidate = new ArrayList<>(ops.subList(0, i));
          candidate.addAll(ops.subList(i + chunk, ops.size()));
          if (tryCandidate(candidate)) {
            any = true;
          } else {
            i += chunk;
          }
        }
        if (chunk == 1) {
          break;
        }
      }
      return any;
    }

    private boolean lowerArguments() {
      boolean any = false;
      for (int i = 0; i < ops.size(); i++) {
        for (int a = 0; i < ops.size() && a < ops.get(i).arity(); a++) {
          boolean lowered = true;
          while (lowered && attempts < SHRINK_BUDGET && i < ops.size()) {
            lowered = false;
            Op op = ops.get(i);
            long v = op.arg(a);
            long floor = scenario.shrinkFloor(op, a);
            if (v <= floor) {
              break;
            }
            long[] candidates = {floor, floor + (v - floor) / 2, v - 1};
            for (long c : candidates) {
              if (c >= v || c < floor) {
                continue;
              }
              List<Op> candidate = new ArrayList<>(ops);
              candidate.set(i, op.withArg(a, c));
              if (tryCandidate(candidate)) {
                lowered = true;
                any = true;
                break;
              }
            }
          }
        }
      }
      return any;
    }

    /** Runs a candidate; keeps it (cut after its failing step) when it fails the same way. */
    private boolean tryCandidate(List<Op> candidate) {
      attempts++;
      Failure f = execute(candidate);
      if (f == null || f.cause().getClass() != kind) {
        return false;
      }
      ops = new ArrayList<>(candidate.subList(0, Math.max(0, f.step() + 1)));
      failure = f;
      return true;
    }
  }

  // ---------------------------------------------------------------- reporting

  private AssertionError report(long seed, int run, int of, List<Op> ops, Failure original) {
    Shrunk shrunk = shrink(ops, original);
    StringBuilder sb = new StringBuilder();
    sb.append(name)
        .append(": failed with seed ")
        .append(formatSeed(seed))
        .append(" (run ")
        .append(run + 1)
        .append(" of ")
        .append(of)
        .append(", ")
        .append(ops.size())
        .append(" operations, first failure at ")
        .append(stepName(original.step()))
        .append(")\n");
    sb.append("replay with -D")
        .append(SEED_PROPERTY)
        .append('=')
        .append(formatSeed(seed))
        .append('\n');
    sb.append("minimal sequence (")
        .append(shrunk.ops().size())
        .append(" operations, found in ")
        .append(shrunk.attempts())
        .append(" executions):\n");
    if (shrunk.failure().step() < 0) {
      sb.append("  (none: the check right after creation fails)\n");
    }
    for (int i = 0; i < shrunk.ops().size(); i++) {
      sb.append(String.format(Locale.ROOT, "  %3d. %s", i + 1, shrunk.ops().get(i)));
      if (i == shrunk.failure().step()) {
        sb.append("   <-- fails");
      }
      sb.append('\n');
    }
    Throwable cause = shrunk.failure().cause();
    sb.append("failure: ").append(cause);
    AssertionError error = new AssertionError(sb.toString(), cause);
    if (original.cause() != cause) {
      error.addSuppressed(original.cause());
    }
    return error;
  }

  private static String stepName(int step) {
    return step < 0 ? "creation" : "operation " + (step + 1);
  }

  /** Prints a seed the way {@value #SEED_PROPERTY} accepts it. */
  public static String formatSeed(long seed) {
    return String.format(Locale.ROOT, "0x%016x", seed);
  }

  /** Parses a seed in decimal or {@code 0x} hex (all 64 bits). */
  public static long parseSeed(String text) {
    String t = text.trim();
    try {
      if (t.startsWith("0x") || t.startsWith("0X")) {
        return Long.parseUnsignedLong(t.substring(2), 16);
      }
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(SEED_PROPERTY + ": not a seed: '" + text + "'", e);
    }
  }

  private static int intProperty(String key, int fallback) {
    String v = System.getProperty(key);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 1) {
        throw new IllegalArgumentException(key + " must be positive, not " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": not a number: '" + v + "'", e);
    }
  }
}
