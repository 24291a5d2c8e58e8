package io.mmsim.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.Settings;
import io.mmsim.kernel.Kernel;
import io.mmsim.workload.MemoryTrace;
import io.mmsim.workload.Workload;

/**
 * The policy-only path: {@link PolicySimulator} driving one replacement policy over 10 M page
 * references, in references per second (throughput, one operation per reference; each invocation
 * replays the whole string on a new policy). Every policy but OPT (which needs the string's future
 * and is measured under the kernel), with its default settings.
 *
 * <ul>
 *   <li>{@code zipf}: a seeded Zipf string (exponent 1.0) over 1 M distinct pages, with 4 Ki or 64
 *       Ki frames;
 *   <li>{@code sortLackey}: the first 10 M page references of the lackey trace of {@code sort -n}
 *       that {@link ReplayHarness} makes (or the file in {@code -Dmmsim.bench.lackey=PATH}), with
 *       48 or 256 frames.
 * </ul>
 *
 * <p>The same strings, written one page a line, are what libCacheSim's {@code cachesim} replays for
 * the comparison in BENCHMARKS.md ({@code -Dmmsim.bench.write=DIR} writes them in the trial setup).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xmx2g"})
public class PolicyOnlyBench {
  static final int REFS = 10_000_000;

  /** A factory of new policies named {@code name}, with their default settings. */
  static java.util.function.Supplier<ReplacementPolicy> factory(String name) {
    for (Map.Entry<String, List<Provider>> e : Kernel.discoverProviders().entrySet()) {
      for (Provider p : e.getValue()) {
        if (p instanceof ReplacementPolicyProvider rp && p.name().equals(name)) {
          Settings s = new Settings(p.name(), p.defaultSettings());
          ProviderContext ctx =
              new ProviderContext() {
                @Override
                public MemoryLayout layout() {
                  return new MemoryLayout(1 << 20, 1);
                }

                @Override
                public Settings settings() {
                  return s;
                }

                @Override
                public String loggerName() {
                  return "io.mmsim.bench";
                }

                @Override
                public long seed() {
                  return 1;
                }
              };
          return () -> rp.create(ctx);
        }
      }
    }
    throw new IllegalArgumentException("no replacement policy named " + name);
  }

  /** A seeded Zipf string: page k (ranks shuffled over 0..pages-1) with weight 1 / (k + 1). */
  static long[] zipf(long seed, int length, int pages) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    double[] cdf = new double[pages];
    double sum = 0;
    for (int k = 0; k < pages; k++) {
      sum += 1.0 / (k + 1);
      cdf[k] = sum;
    }
    long[] rank = new long[pages];
    for (int k = 0; k < pages; k++) {
      rank[k] = k;
    }
    for (int k = pages - 1; k > 0; k--) {
      int j = r.nextInt(k + 1);
      long t = rank[k];
      rank[k] = rank[j];
      rank[j] = t;
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
      refs[i] = rank[lo];
    }
    return refs;
  }

  static void writeIfAsked(String name, long[] pages) throws java.io.IOException {
    String dir = System.getProperty("mmsim.bench.write");
    if (dir == null) {
      return;
    }
    Path file = Path.of(dir).resolve(name + ".txt");
    java.nio.file.Files.createDirectories(file.getParent());
    try (java.io.PrintWriter w =
        new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(file))) {
      for (long p : pages) {
        w.println(p);
      }
    }
  }

  /** The Zipf string, made once per trial. */
  @State(Scope.Benchmark)
  public static class Zipf {
    @Param({
      "fifo",
      "lru",
      "clock",
      "linux",
      "mglru",
      "arc",
      "2q",
      "lirs",
      "clock-pro",
      "s3fifo",
      "sieve",
      "lfu",
      "mru",
      "random"
    })
    public String policy;

    @Param({"4096", "65536"})
    public int frames;

    long[] pages;
    java.util.function.Supplier<ReplacementPolicy> policies;

    @Setup(Level.Trial)
    public void make() throws java.io.IOException {
      pages = zipf(42, REFS, 1 << 20);
      writeIfAsked("zipf", pages);
      policies = factory(policy);
    }
  }

  /** The page string of the sort lackey trace, read once per trial. */
  @State(Scope.Benchmark)
  public static class SortTrace {
    @Param({
      "fifo",
      "lru",
      "clock",
      "linux",
      "mglru",
      "arc",
      "2q",
      "lirs",
      "clock-pro",
      "s3fifo",
      "sieve",
      "lfu",
      "mru",
      "random"
    })
    public String policy;

    @Param({"48", "256"})
    public int frames;

    long[] pages;
    java.util.function.Supplier<ReplacementPolicy> policies;

    @Setup(Level.Trial)
    public void read() throws Exception {
      String given = System.getProperty("mmsim.bench.lackey");
      Path trace = given != null ? Path.of(given) : ReplayHarness.makeTrace();
      MemoryTrace w = (MemoryTrace) Workload.open(trace);
      if (w.touches() < REFS) {
        throw new IllegalStateException(
            trace + " has " + w.touches() + " page references, fewer than " + REFS);
      }
      pages = new long[REFS];
      for (int i = 0; i < REFS; i++) {
        pages[i] = w.page(i);
      }
      writeIfAsked("sort-lackey", pages);
      policies = factory(policy);
    }
  }

  /** 10 M references of the Zipf string through a new policy. */
  @Benchmark
  @OperationsPerInvocation(REFS)
  public long zipf(Zipf s) {
    PolicySimulator sim = new PolicySimulator(s.policies.get(), s.frames);
    return sim.run(s.pages, 0, REFS);
  }

  /** 10 M references of the sort lackey trace's page string through a new policy. */
  @Benchmark
  @OperationsPerInvocation(REFS)
  public long sortLackey(SortTrace s) {
    PolicySimulator sim = new PolicySimulator(s.policies.get(), s.frames);
    return sim.run(s.pages, 0, REFS);
  }
}
