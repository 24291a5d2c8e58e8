package io.mmsim.policies;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The page-reference strings of the parity tests, generated from seeds by a generator written out
 * here in full (SplitMix64, Steele, Lea and Flood, OOPSLA '14), so that the same strings can be
 * written to files and replayed by libCacheSim.
 *
 * <pre>
 *   java -cp mm-policies/target/test-classes io.mmsim.policies.PageStrings DIR
 * </pre>
 *
 * writes {@code DIR/NAME.txt} for every string of {@link #all()}, one decimal page number a line.
 */
final class PageStrings {
  private PageStrings() {}

  /** SplitMix64: the generator, specified here so that the strings never change. */
  static final class SplitMix64 {
    private long state;

    SplitMix64(long seed) {
      state = seed;
    }

    long nextLong() {
      long z = (state += 0x9E3779B97F4A7C15L);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) from the top 53 bits. */
    double nextDouble() {
      return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound) (bound small: the modulo bias is below 2^-40). */
    int nextInt(int bound) {
      return (int) Long.remainderUnsigned(nextLong(), bound);
    }
  }

  /**
   * {@code length} references to pages 0..pages-1 with Zipf popularity of exponent {@code alpha}
   * (page k with weight 1 / (k + 1)^alpha), the ranks scattered over the page numbers.
   */
  static long[] zipf(long seed, int length, int pages, double alpha) {
    SplitMix64 r = new SplitMix64(seed);
    double[] cdf = new double[pages];
    double sum = 0;
    for (int k = 0; k < pages; k++) {
      sum += 1 / Math.pow(k + 1, alpha);
      cdf[k] = sum;
    }
    long[] rankToPage = new long[pages];
    for (int k = 0; k < pages; k++) {
      rankToPage[k] = k;
    }
    for (int k = pages - 1; k > 0; k--) { // Fisher-Yates
      int j = r.nextInt(k + 1);
      long t = rankToPage[k];
      rankToPage[k] = rankToPage[j];
      rankToPage[j] = t;
    }
    long[] refs = new long[length];
    for (int i = 0; i < length; i++) {
      double u = r.nextDouble() * sum;
      int lo = 0;
      int hi = pages - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cdf[mid] > u) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      refs[i] = rankToPage[lo];
    }
    return refs;
  }

  /** A loop over pages 0..pages-1, repeated to {@code length} references. */
  static long[] loop(int length, int pages) {
    long[] refs = new long[length];
    for (int i = 0; i < length; i++) {
      refs[i] = i % pages;
    }
    return refs;
  }

  /**
   * Zipf references with scans mixed in: every {@code every} references, a run of {@code scan}
   * pages never seen before (a sequential read through a large file).
   */
  static long[] zipfWithScans(long seed, int length, int pages, int every, int scan) {
    long[] base = zipf(seed, length, pages, 0.9);
    long[] refs = new long[length];
    long fresh = 1_000_000;
    int b = 0;
    for (int i = 0; i < length; ) {
      if (i > 0 && i % every == 0) {
        for (int s = 0; s < scan && i < length; s++) {
          refs[i++] = fresh++;
        }
      }
      if (i < length) {
        refs[i++] = base[b++];
      }
    }
    return refs;
  }

  /** Two working sets that alternate in phases, with a shared hot set (a phase change test). */
  static long[] phases(long seed, int length, int hot, int phase) {
    SplitMix64 r = new SplitMix64(seed);
    long[] refs = new long[length];
    for (int i = 0; i < length; i++) {
      int which = (i / phase) % 2;
      refs[i] = r.nextInt(4) == 0 ? r.nextInt(hot) : 10_000 + which * 5_000 + r.nextInt(3 * hot);
    }
    return refs;
  }

  /** Every string of the parity tests, by name. */
  static Map<String, long[]> all() {
    Map<String, long[]> m = new LinkedHashMap<>();
    m.put("zipf-0.8", zipf(1, 20_000, 2_000, 0.8));
    m.put("zipf-1.0", zipf(2, 20_000, 5_000, 1.0));
    m.put("zipf-1.2", zipf(3, 20_000, 1_000, 1.2));
    m.put("loop-300", loop(6_000, 300));
    m.put("scans", zipfWithScans(4, 20_000, 1_500, 500, 120));
    m.put("phases", phases(5, 20_000, 40, 2_500));
    return m;
  }

  /** The frame counts the table covers. */
  static final int[] FRAMES = {20, 24, 50, 64, 100, 128, 250, 400, 1000};

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    for (Map.Entry<String, long[]> e : all().entrySet()) {
      try (PrintWriter w =
          new PrintWriter(
              Files.newBufferedWriter(dir.resolve(e.getKey() + ".txt"), StandardCharsets.UTF_8))) {
        for (long p : e.getValue()) {
          w.println(p);
        }
      }
    }
  }
}
