package io.mmsim.experiment.sweep;

import java.util.ArrayList;
import java.util.List;

/**
 * The runs of a sweep: every combination of the varied values against every workload, numbered in
 * the order of the results: workloads slowest, then the varied keys in {@code --vary} order, the
 * first slowest, so run {@code r} is workload {@code r / combinations()} with combination {@code r
 * % combinations()}.
 *
 * <p>Shard {@code i} of {@code n} (1-based) takes the runs with {@code r % n == i - 1}: every n-th
 * run, so each shard gets a similar mix of cheap and costly configurations.
 */
final class Grid {
  final List<Vary> varies;
  final int workloads;
  final int combinations;

  Grid(List<Vary> varies, int workloads) {
    this.varies = List.copyOf(varies);
    this.workloads = workloads;
    long c = 1;
    for (Vary v : varies) {
      c *= v.values().size();
      if (c * Math.max(1, workloads) > Integer.MAX_VALUE / 2) {
        throw new SweepException(v.key(), "the grid has too many runs (more than 2^30)");
      }
    }
    this.combinations = (int) c;
  }

  int runs() {
    return workloads * combinations;
  }

  int workloadOf(int run) {
    return run / combinations;
  }

  int combinationOf(int run) {
    return run % combinations;
  }

  /** The varied values of combination {@code c}: the last key varies fastest. */
  List<String> values(int c) {
    String[] out = new String[varies.size()];
    int rest = c;
    for (int k = varies.size() - 1; k >= 0; k--) {
      List<String> vs = varies.get(k).values();
      out[k] = vs.get(rest % vs.size());
      rest /= vs.size();
    }
    return List.of(out);
  }

  List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (Vary v : varies) {
      keys.add(v.key());
    }
    return keys;
  }

  static boolean inShard(int run, int shard, int shards) {
    return run % shards == shard - 1;
  }
}
