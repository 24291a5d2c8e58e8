package io.mmsim.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.mmsim.experiment.mrc.MissRatioCurve;
import io.mmsim.experiment.mrc.MissRatioCurves;
import io.mmsim.experiment.sweep.Sweep;
import io.mmsim.experiment.sweep.Vary;
import io.mmsim.kernel.Kernel;
import io.mmsim.workload.MemoryTrace;
import io.mmsim.workload.Workload;

/**
 * The experiment tools against their baselines, each pair in one run:
 *
 * <ul>
 *   <li>{@code replayOneSize} (one replay of the trace at rss.limit=256 under LRU, boot included)
 *       against {@code mrcLru} (the exact LRU curve at every size; target at most 1.5x) and {@code
 *       mrcOpt} (target at most 5x), both from the same parsed trace;
 *   <li>{@code shardsRate001} (SHARDS at rate 0.01; target at least 20x faster than {@code
 *       mrcLru}); the teardown prints its mean absolute miss-ratio error against the exact curve
 *       (target at most 0.005);
 *   <li>{@code sweep8Jobs1} against {@code sweep8Jobs2}: 8 runs (4 policies x 2 sizes) of a 300 000
 *       reference string (target: 2 jobs at least 1.7x faster on 2 cores);
 *   <li>{@code sweepTinyPerRun}: a sweep of 20 runs of a 12-reference string, per run (boot, the
 *       configuration check, the journal and the results; target at most 20 ms).
 * </ul>
 *
 * The trace is the one named by {@code -Dmmsim.bench.trace=FILE} (a lackey log or reference string,
 * such as the lackey trace of sort that ReplayHarness makes), or else 3 000 000 references
 * generated with a fixed seed: 80 % Pareto(1.05) over 5000 pages, 20 % uniform over 20 000. Check
 * quickly with {@code -f 1 -wi 1 -i 1}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx4g", "-Djava.awt.headless=true"})
@State(Scope.Benchmark)
public class ExperimentBench {
  private Path dir;
  private MemoryTrace trace;
  private long[] pages;
  private Path mid;
  private Path tiny;
  private MissRatioCurve exact;
  private MissRatioCurve sampled;
  private int sweeps;

  /** Writes the traces and reads the big one once. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("mmsim-experiment-bench");
    String given = System.getProperty("mmsim.bench.trace");
    Path big;
    if (given != null) {
      big = Path.of(given);
    } else {
      big = dir.resolve("big.refs");
      write(big, 3_000_000, 1);
    }
    trace = (MemoryTrace) Workload.open(big);
    pages = MissRatioCurves.pages(trace);
    mid = dir.resolve("mid.refs");
    write(mid, 300_000, 2);
    tiny = dir.resolve("tiny.refs");
    Files.writeString(tiny, "1,2,3,4,1,2,5,1,2,3,4,5\n");
  }

  private static void write(Path p, int n, long seed) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    try (Writer w = Files.newBufferedWriter(p, StandardCharsets.US_ASCII)) {
      for (int i = 0; i < n; i++) {
        long page =
            r.nextDouble() < 0.8
                ? (long) Math.pow(1 - r.nextDouble(), -1 / 1.05) % 5000
                : r.nextInt(20_000);
        w.write(Long.toString(page));
        w.write('\n');
      }
    }
  }

  /** Baseline: one replay at one size, boot included. */
  @Benchmark
  public long replayOneSize() {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "1G")
            .set("vm.zero-page", "false")
            .set("swap.memory", "256M")
            .set("reclaim.policy", "lru")
            .set("rss.limit", "256")
            .boot();
    return trace.replay(k).counter("pgfault");
  }

  /** The exact LRU curve at every size. */
  @Benchmark
  public MissRatioCurve mrcLru() {
    exact = MissRatioCurves.of(trace).lru();
    return exact;
  }

  /** The exact OPT curve at every size. */
  @Benchmark
  public MissRatioCurve mrcOpt() {
    return MissRatioCurves.of(trace).opt();
  }

  /** SHARDS at rate 0.01. */
  @Benchmark
  public MissRatioCurve shardsRate001() {
    sampled = MissRatioCurves.shardsFixedRate(pages, pages.length, 0.01);
    return sampled;
  }

  private Sweep.Result sweep(Path workload, int jobs, String... varies) {
    try {
      Sweep.Builder b =
          Sweep.builder()
              .set("memory.size=1G")
              .set("vm.zero-page=false")
              .set("swap.memory=256M")
              .workload(workload)
              .jobs(jobs)
              .out(dir.resolve("sweep-" + sweeps++));
      for (String v : varies) {
        b.vary(Vary.parse(v));
      }
      return b.build().run(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** 8 runs on one thread. */
  @Benchmark
  public Sweep.Result sweep8Jobs1() {
    return sweep(mid, 1, "reclaim.policy=lru,fifo,clock,linux", "rss.limit=64,512");
  }

  /** The same 8 runs on two threads. */
  @Benchmark
  public Sweep.Result sweep8Jobs2() {
    return sweep(mid, 2, "reclaim.policy=lru,fifo,clock,linux", "rss.limit=64,512");
  }

  /**
   * 20 runs of a 12-reference string: the time per run is the sweep's own overhead, once the JVM
   * has warmed up (10 warm-up sweeps; the first sweeps of a JVM also load and compile the classes).
   */
  @Benchmark
  @Warmup(iterations = 10)
  @OperationsPerInvocation(20)
  public Sweep.Result sweepTinyPerRun() {
    return sweep(tiny, 1, "rss.limit=3..22+1");
  }

  /** Prints SHARDS's error against the exact curve, when both ran. */
  @TearDown(Level.Trial)
  public void report() {
    if (exact == null) {
      exact = MissRatioCurves.of(trace).lru();
    }
    if (sampled == null) {
      sampled = MissRatioCurves.shardsFixedRate(pages, pages.length, 0.01);
    }
    double sum = 0;
    for (int i = 0; i < sampled.size(); i++) {
      int f = Math.min(sampled.frames()[i], exact.size());
      sum += Math.abs((double) exact.faultsAt(f) / exact.references() - sampled.missRatio(i));
    }
    System.out.printf(
        "%nSHARDS rate 0.01: %d rows, mean absolute miss-ratio error %.5f against exact (%d rows)%n",
        sampled.size(), sampled.size() == 0 ? 0 : sum / sampled.size(), exact.size());
  }
}
