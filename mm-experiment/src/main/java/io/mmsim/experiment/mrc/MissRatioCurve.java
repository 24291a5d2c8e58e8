package io.mmsim.experiment.mrc;

import java.util.Arrays;

/**
 * Page faults of one replacement policy at many memory sizes: {@code faults[i]} faults with {@code
 * frames[i]} frames, over {@code references} page references.
 *
 * <p>An exact curve has a row for every frame count from 1 to the trace's distinct pages and {@code
 * samplingRate} 1. A sampled curve (SHARDS) has rows only where its estimate changes, counts scaled
 * back to the whole trace, and the sampling rate it ended with.
 *
 * @param policy the replacement policy's name ({@code lru}, {@code opt})
 * @param references page references in the trace (the denominator of the miss ratio)
 * @param frames memory sizes in frames, ascending
 * @param faults faults at each size, never increasing (both policies are stack algorithms)
 * @param samplingRate the fraction of pages sampled, 1 for an exact curve
 */
public record MissRatioCurve(
    String policy, long references, int[] frames, long[] faults, double samplingRate) {

  /** Checks the arrays agree; the arrays are kept, not copied. */
  public MissRatioCurve {
    if (frames.length != faults.length) {
      throw new IllegalArgumentException(
          frames.length + " frame counts but " + faults.length + " fault counts");
    }
    if (references < 0 || !(samplingRate > 0 && samplingRate <= 1)) {
      throw new IllegalArgumentException(
          "references " + references + ", sampling rate " + samplingRate);
    }
  }

  /** Rows in the curve. */
  public int size() {
    return frames.length;
  }

  /** The fraction of references that fault at row {@code i}; 0 for an empty trace. */
  public double missRatio(int i) {
    return references == 0 ? 0 : (double) faults[i] / references;
  }

  /** The faults at {@code frames} frames: the row at or below it (a step function), or -1. */
  public long faultsAt(int frames) {
    int i = Arrays.binarySearch(this.frames, frames);
    if (i < 0) {
      i = -i - 2;
    }
    if (i < 0) {
      return -1;
    }
    return faults[i];
  }

  /** Whether the curve is exact (every frame count, no sampling). */
  public boolean exact() {
    return samplingRate == 1.0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MissRatioCurve c
        && policy.equals(c.policy)
        && references == c.references
        && Arrays.equals(frames, c.frames)
        && Arrays.equals(faults, c.faults)
        && Double.compare(samplingRate, c.samplingRate) == 0;
  }

  @Override
  public int hashCode() {
    return policy.hashCode() * 31 + Arrays.hashCode(faults);
  }

  @Override
  public String toString() {
    return String.format(
        "%s curve over %d references, %d rows, sampling rate %s",
        policy, references, frames.length, samplingRate);
  }
}
