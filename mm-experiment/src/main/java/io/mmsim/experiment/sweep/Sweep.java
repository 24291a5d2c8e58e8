package io.mmsim.experiment.sweep;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.MmException;
import io.mmsim.experiment.chart.SweepCharts;
import io.mmsim.kernel.Kernel;
import io.mmsim.workload.Replay;
import io.mmsim.workload.RunResult;
import io.mmsim.workload.Workload;
import io.mmsim.workload.WorkloadException;

/**
 * A grid of configurations run against workloads, each run on its own freshly booted kernel.
 *
 * <pre>{@code
 * Sweep.Result r = Sweep.builder()
 *     .set("swap.memory=64M")
 *     .vary(Vary.parse("reclaim.policy=fifo,lru,opt"))
 *     .vary(Vary.parse("rss.limit=8..64*2"))
 *     .workload(Path.of("trace.refs"))
 *     .jobs(4)
 *     .out(Path.of("results"))
 *     .build()
 *     .run(null);
 * }</pre>
 *
 * <h2>Order of work</h2>
 *
 * <ol>
 *   <li>Checks, before anything is written: the varied keys are distinct, every workload opens, and
 *       every combination's configuration boots (a kernel is booted for each combination, in
 *       parallel), so a bad key or value fails naming the key. A kernel booted for this check is
 *       kept for its combination's first run, while the kept kernels' memory stays under {@value
 *       #SPARE_FRAMES} frames in all (16 GiB of simulated RAM); the others are booted again when
 *       they run. A booted kernel is the same whenever it is booted, so this changes no result.
 *   <li>The runs of this shard that the journal does not hold yet run on {@code jobs} threads. Each
 *       finished run is appended to {@code runs.jsonl} at once.
 *   <li>All of this shard's runs, sorted by run number, are written to {@code results.csv} and
 *       {@code results.json}, and charts to {@code charts/}.
 * </ol>
 *
 * Runs are independent and each kernel is deterministic, so every file except the timing columns
 * ({@code wall_ms}, {@code refs_per_s}) and the journal's line order is the same for any number of
 * threads.
 */
public final class Sweep {
  private final Path config;
  private final List<String> sets;
  private final Grid grid;
  private final List<Path> workloadPaths;
  private final int jobs;
  private final int shard;
  private final int shards;
  private final boolean resume;
  private final Path out;

  /** Frames of simulated memory, over all kept kernels, that the configuration check may keep. */
  static final long SPARE_FRAMES = 1L << 22;

  private Sweep(Builder b) {
    this.config = b.config;
    this.sets = List.copyOf(b.sets);
    this.workloadPaths = List.copyOf(b.workloads);
    this.jobs = b.jobs;
    this.shard = b.shard;
    this.shards = b.shards;
    this.resume = b.resume;
    this.out = b.out;
    Set<String> keys = new LinkedHashSet<>();
    for (Vary v : b.varies) {
      if (!keys.add(v.key())) {
        throw new SweepException(v.key(), "--vary " + v.key() + " is given twice");
      }
    }
    for (String s : sets) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new SweepException(null, "--set " + s + ": expected KEY=VALUE");
      }
      String k = s.substring(0, eq).strip();
      if (keys.contains(k)) {
        throw new SweepException(k, "--set " + k + " and --vary " + k + ": choose one");
      }
    }
    if (workloadPaths.isEmpty()) {
      throw new SweepException(null, "a sweep needs at least one workload");
    }
    if (jobs < 1) {
      throw new SweepException(null, "--jobs " + jobs + ": at least 1");
    }
    if (shards < 1 || shard < 1 || shard > shards) {
      throw new SweepException(null, "--shard " + shard + "/" + shards + ": I/N with 1 <= I <= N");
    }
    if (out == null) {
      throw new SweepException(null, "a sweep needs an output folder (--out DIR)");
    }
    this.grid = new Grid(b.varies, workloadPaths.size());
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** What a sweep did. */
  public record Result(List<RunRow> rows, int ran, int skipped, int failed) {
    /** Copies the rows. */
    public Result {
      rows = List.copyOf(rows);
    }
  }

  /** Runs in the grid (all shards). */
  public int runs() {
    return grid.runs();
  }

  /**
   * Runs the sweep.
   *
   * @param listener told about progress, or null
   * @throws SweepException before anything runs, for a bad key, value, workload or output folder
   * @throws IOException when the output folder cannot be written
   */
  public Result run(SweepListener listener) throws IOException {
    List<Workload> workloads = new ArrayList<>();
    List<String> sums = new ArrayList<>();
    for (Path p : workloadPaths) {
      try {
        workloads.add(Workload.open(p));
        sums.add(sha256(p));
      } catch (IOException e) {
        throw new SweepException(null, "cannot read workload " + p + ": " + e.getMessage(), e);
      }
    }
    List<String> names = new ArrayList<>();
    for (Path p : workloadPaths) {
      names.add(p.toString());
    }
    ResultFiles.Manifest manifest =
        new ResultFiles.Manifest(names, sums, grid.varies, shard, shards);
    Path journal = out.resolve(ResultFiles.JOURNAL);
    TreeMap<Integer, RunRow> done = new TreeMap<>();
    if (resume && Files.exists(out.resolve(ResultFiles.MANIFEST))) {
      ResultFiles.Manifest old = ResultFiles.readManifest(out.resolve(ResultFiles.MANIFEST));
      if (!old.sameGrid(manifest) || old.shard() != shard || old.shards() != shards) {
        throw new SweepException(
            null, out + " holds a different sweep; --resume continues only the same grid");
      }
      for (RunRow r : ResultFiles.readJournal(journal, grid.keys())) {
        if (r.index() >= 0 && r.index() < grid.runs() && Grid.inShard(r.index(), shard, shards)) {
          done.put(r.index(), r);
        }
      }
    } else if (!resume && Files.exists(journal)) {
      throw new SweepException(
          null, out + " already holds a sweep: use --resume to continue it, or another --out");
    }
    List<Integer> todo = new ArrayList<>();
    for (int r = 0; r < grid.runs(); r++) {
      if (Grid.inShard(r, shard, shards) && !done.containsKey(r)) {
        todo.add(r);
      }
    }
    boolean[] wanted = new boolean[grid.combinations];
    for (int r : todo) {
      wanted[grid.combinationOf(r)] = true;
    }
    AtomicReferenceArray<Kernel> spare = validateConfigurations(wanted);

    Files.createDirectories(out);
    ResultFiles.writeManifest(out.resolve(ResultFiles.MANIFEST), manifest);
    if (listener != null) {
      listener.started(todo.size(), done.size());
    }
    ReentrantLock lock = new ReentrantLock();
    int skipped = done.size();
    try (Writer w =
        Files.newBufferedWriter(
            journal,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
      ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, Math.max(1, todo.size())));
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int r : todo) {
          futures.add(
              pool.submit(
                  () -> {
                    Kernel kept = spare.getAndSet(grid.combinationOf(r), null);
                    RunRow row = runOne(r, kept, workloads.get(grid.workloadOf(r)), names, sums);
                    lock.lock();
                    try {
                      w.write(ResultFiles.jsonObject(grid.keys(), row, true));
                      w.write('\n');
                      w.flush();
                      done.put(r, row);
                      if (listener != null) {
                        listener.finished(row);
                      }
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    } finally {
                      lock.unlock();
                    }
                  }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("the sweep was interrupted", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UncheckedIOException u) {
          throw u.getCause();
        }
        throw new IllegalStateException("a sweep worker failed", e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }
    List<RunRow> rows = new ArrayList<>(done.values());
    writeResults(out, grid.keys(), rows, jobs);
    int failed = 0;
    for (RunRow r : rows) {
      if (r.failed()) {
        failed++;
      }
    }
    return new Result(rows, todo.size(), skipped, failed);
  }

  /** results.csv, results.json and the charts of {@code rows} (sorted by run). */
  static void writeResults(Path out, List<String> keys, List<RunRow> rows) throws IOException {
    writeResults(out, keys, rows, 1);
  }

  /**
   * {@link #writeResults(Path, List, List)} on up to {@code jobs} threads: the four files are
   * independent (each chart format draws its own charts), and in a fresh JVM most of their time is
   * loading and initialising the CSV, JSON and charting libraries, which would otherwise be the
   * longest part of a sweep that no other thread shares.
   */
  static void writeResults(Path out, List<String> keys, List<RunRow> rows, int jobs)
      throws IOException {
    Path charts = out.resolve("charts");
    List<Writing> files =
        List.of(
            () -> ResultFiles.writeCsv(out.resolve(ResultFiles.CSV), keys, rows),
            () -> ResultFiles.writeJson(out.resolve(ResultFiles.JSON), keys, rows),
            () -> SweepCharts.write(charts, keys, rows, "png"),
            () -> SweepCharts.write(charts, keys, rows, "svg"));
    if (jobs <= 1) {
      for (Writing w : files) {
        w.write();
      }
      return;
    }
    Files.createDirectories(charts);
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, files.size()));
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Writing w : files) {
        done.add(
            pool.submit(
                () -> {
                  w.write();
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing the results", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IllegalStateException("writing the results failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** One results file. */
  private interface Writing {
    void write() throws IOException;
  }

  private Kernel.Builder kernelBuilder(List<String> values) {
    Kernel.Builder b = Kernel.builder();
    if (config != null) {
      b.properties(config);
    }
    for (String s : sets) {
      b.set(s);
    }
    for (int k = 0; k < values.size(); k++) {
      b.set(grid.varies.get(k).key(), values.get(k));
    }
    return b;
  }

  /**
   * Boots every combination once, in parallel, so that a bad key or value fails up front.
   *
   * @param wanted the combinations with a run still to do
   * @return per combination, the kernel kept for its first run, or null
   */
  private AtomicReferenceArray<Kernel> validateConfigurations(boolean[] wanted) {
    int n = grid.combinations;
    AtomicReferenceArray<Kernel> spare = new AtomicReferenceArray<>(n);
    AtomicLong keptFrames = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, n));
    try {
      List<Future<SweepException>> checks = new ArrayList<>();
      for (int c = 0; c < n; c++) {
        int combination = c;
        List<String> values = grid.values(c);
        checks.add(
            pool.submit(
                () -> {
                  Kernel[] booted = new Kernel[1];
                  SweepException e = boots(values, booted);
                  if (e == null && wanted[combination]) {
                    long frames = booted[0].layout().frames();
                    if (keptFrames.addAndGet(frames) <= SPARE_FRAMES) {
                      spare.set(combination, booted[0]);
                    } else {
                      keptFrames.addAndGet(-frames);
                    }
                  }
                  return e;
                }));
      }
      for (Future<SweepException> f : checks) {
        SweepException e = f.get();
        if (e != null) {
          throw e;
        }
      }
      return spare;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SweepException(null, "interrupted while checking the configurations", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("checking a configuration failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private SweepException boots(List<String> values, Kernel[] booted) {
    try {
      booted[0] = kernelBuilder(values).boot();
      return null;
    } catch (ConfigurationException e) {
      return new SweepException(e.key(), e.getMessage() + describe(values), e);
    } catch (MmException | IllegalArgumentException | UncheckedIOException e) {
      return new SweepException(null, "cannot boot: " + e.getMessage() + describe(values), e);
    }
  }

  private String describe(List<String> values) {
    if (values.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" (in the combination");
    for (int k = 0; k < values.size(); k++) {
      sb.append(' ').append(grid.varies.get(k).key()).append('=').append(values.get(k));
    }
    return sb.append(')').toString();
  }

  /** Runs {@code r} on {@code kept} (a kernel booted for it by the check) or a new kernel. */
  private RunRow runOne(int r, Kernel kept, Workload w, List<String> names, List<String> sums) {
    List<String> values = grid.values(grid.combinationOf(r));
    String name = names.get(grid.workloadOf(r));
    String sum = sums.get(grid.workloadOf(r));
    long start = System.nanoTime();
    String outcome;
    RunResult result = null;
    try {
      Kernel kernel = kept != null ? kept : kernelBuilder(values).boot();
      Replay replay = new Replay(kernel);
      try {
        replay.run(w);
        result = replay.result();
        outcome = result.oomKills() > 0 ? RunRow.OOM : RunRow.OK;
      } catch (WorkloadException e) {
        result = replay.result();
        outcome = result.oomKills() > 0 ? RunRow.OOM : "error: " + e.getMessage();
      }
    } catch (MmException | IllegalArgumentException | IllegalStateException e) {
      // the kernel refused to boot or the simulator gave up: the row says so, the sweep goes on
      outcome = "error: " + name + ":0: " + e.getMessage();
    }
    double ms = (System.nanoTime() - start) / 1e6;
    long[] counters = new long[RunResult.COUNTERS.size()];
    if (result != null) {
      for (int c = 0; c < counters.length; c++) {
        counters[c] = result.counter(RunResult.COUNTERS.get(c));
      }
    }
    long refs = counters[RunResult.COUNTERS.indexOf("refs")];
    double perS = ms > 0 ? refs / (ms / 1000) : 0;
    return new RunRow(r, name, sum, values, outcome, counters, ms, perS);
  }

  static String sha256(Path p) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(p)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Builds a {@link Sweep}. */
  public static final class Builder {
    private Path config;
    private final List<String> sets = new ArrayList<>();
    private final List<Vary> varies = new ArrayList<>();
    private final List<Path> workloads = new ArrayList<>();
    private int jobs = Runtime.getRuntime().availableProcessors();
    private int shard = 1;
    private int shards = 1;
    private boolean resume;
    private Path out;

    private Builder() {}

    /** A {@code .properties} file every run starts from. */
    public Builder config(Path file) {
      this.config = file;
      return this;
    }

    /** A {@code KEY=VALUE} every run sets. */
    public Builder set(String assignment) {
      sets.add(assignment);
      return this;
    }

    /** A varied key; the first varies slowest. */
    public Builder vary(Vary v) {
      varies.add(v);
      return this;
    }

    /** A workload file; every combination runs against each. */
    public Builder workload(Path p) {
      workloads.add(p);
      return this;
    }

    /** Runs at once (default: the number of cores). */
    public Builder jobs(int n) {
      this.jobs = n;
      return this;
    }

    /** Only shard {@code i} of {@code n} (1-based). */
    public Builder shard(int i, int n) {
      this.shard = i;
      this.shards = n;
      return this;
    }

    /** Skips the runs already in the output folder's journal. */
    public Builder resume(boolean r) {
      this.resume = r;
      return this;
    }

    /** The output folder. */
    public Builder out(Path dir) {
      this.out = dir;
      return this;
    }

    /**
     * Checks the arguments that need no kernel.
     *
     * @throws SweepException for a repeated key, a bad shard or job count, no workload or no --out
     */
    public Sweep build() {
      return new Sweep(this);
    }
  }
}
