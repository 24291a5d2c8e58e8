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
import org.openjdk.jmh.annotations.Param;
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
 *       mrcOpt} (target at most 5x);
 *   <li>{@code shardsRate001} (SHARDS at rate 0.01) against {@code mrcLru} (target at least 20x
 *       faster); the teardown prints its mean absolute miss-ratio error against the exact curve
 *       over every size from 1 frame to the trace's distinct pages (target at most 0.005), the
 *       sampled curve read as a step function that is 1 below its first row (a sampled distance k
 *       stands for k / rate frames, so no hit is predicted in a smaller cache), and, for comparison
 *       with earlier figures, the error at the sampled curve's own rows only;
 *   <li>{@code sweep8Jobs1} against {@code sweep8Jobs2}: 8 runs (4 policies x 2 sizes) of a 300 000
 *       reference string (target: 2 jobs at least 1.7x faster on 2 cores);
 *   <li>{@code sweepTinyPerRun}: a sweep of 20 runs of a 12-reference string, per run (boot, the
 *       configuration check, the journal and the results; target at most 20 ms).
 * </ul>
 *
 * The trace of the first two pairs is a {@link Trace} parameter: {@code pareto}, 3 000 000
 * references generated with a fixed seed (80 % Pareto(1.05) over 5000 pages, 20 % uniform over 20
 * 000; or the file named by {@code -Dmmsim.bench.trace=FILE}), and {@code sort}, the lackey trace
 * of {@code sort -n} that {@link ReplayHarness} makes (or the file in {@code
 * -Dmmsim.bench.lackey=FILE}). The trace is read once per trial, and the curves are all computed
 * from one {@link MissRatioCurves} of it (its page ids, prepared in the setup), so the exact and
 * the sampled curve start from the same parsed page string and their ratio is that of the two
 * algorithms: SHARDS hashes each distinct page once and reads two arrays for a reference outside
 * its sample. The JVM runs with the serial collector, as the {@code mm} launcher runs it. Check
 * quickly with {@code -f 1 -wi 1 -i 1}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx4g", "-XX:+UseSerialGC", "-Djava.awt.headless=true"})
@State(Scope.Benchmark)
public class ExperimentBench {
  private Path dir;
  private Path mid;
  private Path tiny;
  private int sweeps;

  /** Writes the sweeps' reference strings. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("mmsim-experiment-bench");
    mid = dir.resolve("mid.refs");
    write(mid, 300_000, 2);
    tiny = dir.resolve("tiny.refs");
    Files.writeString(tiny, "1,2,3,4,1,2,5,1,2,3,4,5\n");
  }

  /** The big trace, read once per trial, and its page ids for the curves. */
  @State(Scope.Benchmark)
  public static class Trace {
    /** {@code pareto} (generated) or {@code sort} (the sort lackey trace). */
    @Param({"pareto", "sort"})
    public String trace;

    MemoryTrace parsed;
    MissRatioCurves curves;
    MissRatioCurve exact;
    MissRatioCurve sampled;

    /** Reads the trace and prepares its page ids. */
    @Setup(Level.Trial)
    public void read() throws IOException, InterruptedException {
      Path file;
      if (trace.equals("sort")) {
        String given = System.getProperty("mmsim.bench.lackey");
        file = given != null ? Path.of(given) : ReplayHarness.makeTrace();
      } else {
        String given = System.getProperty("mmsim.bench.trace");
        if (given != null) {
          file = Path.of(given);
        } else {
          file = Files.createTempFile("mmsim-experiment-bench", ".refs");
          file.toFile().deleteOnExit();
          write(file, 3_000_000, 1);
        }
      }
      parsed = (MemoryTrace) Workload.open(file);
      curves = MissRatioCurves.of(parsed);
    }

    /** Prints SHARDS's error against the exact curve. */
    @TearDown(Level.Trial)
    public void report() {
      if (exact == null) {
        exact = curves.lru();
      }
      if (sampled == null) {
        sampled = curves.shardsFixedRate(0.01);
      }
      double all = 0;
      for (int i = 0; i < exact.size(); i++) {
        long f = sampled.faultsAt(exact.frames()[i]);
        double estimate = f < 0 ? 1.0 : (double) f / sampled.references();
        all += Math.abs(estimate - exact.missRatio(i));
      }
      double rows = 0;
      for (int i = 0; i < sampled.size(); i++) {
        int f = Math.min(sampled.frames()[i], exact.size());
        rows += Math.abs((double) exact.faultsAt(f) / exact.references() - sampled.missRatio(i));
      }
      System.out.printf(
          "%nSHARDS rate 0.01 on %s (%d distinct pages, %d references): sampled rate %.5f (about"
              + " %d pages), %d rows; mean absolute miss-ratio error %.5f over all %d sizes,"
              + " %.5f at its own rows%n",
          trace,
          curves.distinctPages(),
          curves.references(),
          sampled.samplingRate(),
          Math.round(sampled.samplingRate() * curves.distinctPages()),
          sampled.size(),
          exact.size() == 0 ? 0 : all / exact.size(),
          exact.size(),
          sampled.size() == 0 ? 0 : rows / sampled.size());
    }
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
  public long replayOneSize(Trace t) {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "1G")
            .set("vm.zero-page", "false")
            .set("swap.memory", "256M")
            .set("reclaim.policy", "lru")
            .set("rss.limit", "256")
            .boot();
    return t.parsed.replay(k).counter("pgfault");
  }

  /** The exact LRU curve at every size. */
  @Benchmark
  public MissRatioCurve mrcLru(Trace t) {
    t.exact = t.curves.lru();
    return t.exact;
  }

  /** The exact OPT curve at every size. */
  @Benchmark
  public MissRatioCurve mrcOpt(Trace t) {
    return t.curves.opt();
  }

  /** SHARDS at rate 0.01. */
  @Benchmark
  public MissRatioCurve shardsRate001(Trace t) {
    t.sampled = t.curves.shardsFixedRate(0.01);
    return t.sampled;
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
}
