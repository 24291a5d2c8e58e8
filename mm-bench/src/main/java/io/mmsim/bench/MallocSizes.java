package io.mmsim.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The request sizes of a real program: the malloc/calloc sizes (up to 8 KiB) that valgrind {@code
 * --trace-malloc=yes} recorded for CPython 3.11 (PYTHONMALLOC=malloc) building, dumping and parsing
 * a JSON document ({@code tools/json_workload.py}). Stored as a histogram of {@code size count}
 * lines made by {@code tools/malloc-histogram.py}; BENCHMARKS.md has the commands.
 */
final class MallocSizes {
  private MallocSizes() {}

  /** {@code n} sizes drawn from the histogram with a fixed seed. */
  static int[] sample(int n, long seed) {
    List<int[]> hist = new ArrayList<>();
    long total = 0;
    try (InputStream in = MallocSizes.class.getResourceAsStream("python-json-malloc-sizes.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] p = line.trim().split("\\s+");
        int size = Integer.parseInt(p[0]);
        int count = Integer.parseInt(p[1]);
        hist.add(new int[] {size, count});
        total += count;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      long pick = rnd.nextLong(total);
      for (int[] h : hist) {
        pick -= h[1];
        if (pick < 0) {
          out[i] = h[0];
          break;
        }
      }
    }
    return out;
  }
}
