package io.mmsim.experiment.mrc;

/*
 * The result of one stack-algorithm pass: how many references had each stack distance, and how many
 * were first references (cold misses, infinite distance). A cache of c frames faults on the cold
 * references and on every reference whose distance exceeds c:
 *
 *   faults(c) = cold + sum over d > c of counts[d]
 */
final class DistanceHistogram {
  /** counts[d] = references at stack distance d, for d in 1..distinct; counts[0] is unused. */
  final long[] counts;

  long cold;
  long references;

  DistanceHistogram(int distinct) {
    counts = new long[distinct + 1];
  }

  /** The fault counts of caches of 1..distinct frames. */
  MissRatioCurve curve(String policy) {
    int distinct = counts.length - 1;
    int[] frames = new int[distinct];
    long[] faults = new long[distinct];
    long misses = cold;
    for (int d = distinct; d >= 1; d--) {
      frames[d - 1] = d;
      faults[d - 1] = misses;
      misses += counts[d];
    }
    return new MissRatioCurve(policy, references, frames, faults, 1.0);
  }
}
