package io.mmsim.report.exercise;

/**
 * The exercises' random numbers: SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014), written out here so that a seed gives the same problem on every
 * JDK and in every later version that does not change a topic on purpose.
 */
final class Rng {
  private long state;

  Rng(long seed) {
    this.state = seed;
  }

  long nextLong() {
    long z = (state += 0x9e3779b97f4a7c15L);
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A number in {@code [0, bound)}; the small bias of a plain remainder does not matter here. */
  int nextInt(int bound) {
    return (int) Long.remainderUnsigned(nextLong(), bound);
  }

  /** A number in {@code [lo, hi]}. */
  int between(int lo, int hi) {
    return lo + nextInt(hi - lo + 1);
  }

  boolean chance(int percent) {
    return nextInt(100) < percent;
  }

  <T> T pick(java.util.List<T> items) {
    return items.get(nextInt(items.size()));
  }
}
