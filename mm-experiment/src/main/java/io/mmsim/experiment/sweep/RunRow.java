package io.mmsim.experiment.sweep;

import java.util.Arrays;
import java.util.List;

/**
 * The result of one run of a sweep: one row of {@code results.csv}.
 *
 * @param index the run's place in the grid (workloads slowest, then each varied key in the order
 *     given, the first slowest); rows are sorted by it
 * @param workload the workload's file name as given
 * @param sha256 the workload file's SHA-256, in hex
 * @param values the varied keys' values, in {@code --vary} order
 * @param outcome {@code ok}, {@code oom}, or {@code error: FILE:LINE: reason}
 * @param counters the run's counters, in the order of {@link io.mmsim.workload.RunResult#COUNTERS}
 * @param wallMs the run's wall time (boot and replay) in milliseconds
 * @param refsPerS memory-trace references replayed per second of wall time
 */
public record RunRow(
    int index,
    String workload,
    String sha256,
    List<String> values,
    String outcome,
    long[] counters,
    double wallMs,
    double refsPerS) {

  /** The outcome of a run that completed. */
  public static final String OK = "ok";

  /** The outcome of a run in which the OOM killer killed a process. */
  public static final String OOM = "oom";

  /** Copies the lists. */
  public RunRow {
    values = List.copyOf(values);
    counters = counters.clone();
  }

  /** Whether the run failed (its outcome is an error). */
  public boolean failed() {
    return outcome.startsWith("error");
  }

  /** Whether two rows agree on everything but the timing columns. */
  public boolean sameResult(RunRow o) {
    return index == o.index
        && workload.equals(o.workload)
        && sha256.equals(o.sha256)
        && values.equals(o.values)
        && outcome.equals(o.outcome)
        && Arrays.equals(counters, o.counters);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunRow r
        && sameResult(r)
        && Double.compare(wallMs, r.wallMs) == 0
        && Double.compare(refsPerS, r.refsPerS) == 0;
  }

  @Override
  public int hashCode() {
    return index * 31 + Arrays.hashCode(counters);
  }

  @Override
  public String toString() {
    return "run " + index + " " + workload + " " + values + ": " + outcome;
  }
}
