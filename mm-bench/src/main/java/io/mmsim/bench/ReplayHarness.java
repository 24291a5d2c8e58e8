package io.mmsim.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.mm.Processes;
import io.mmsim.kernel.stat.VmEvent;
import io.mmsim.workload.MemoryTrace;
import io.mmsim.workload.Workload;

/**
 * The documented harness for trace replay and swap throughput (the figures in BENCHMARKS.md), run
 * with {@code java -cp mm-bench/target/benchmarks.jar io.mmsim.bench.ReplayHarness [LACKEY_FILE]}.
 *
 * <ol>
 *   <li><b>Replay</b>: a valgrind lackey trace of a real program ({@code sort -n} of 3000 shuffled
 *       numbers, made with {@code valgrind --tool=lackey --trace-mem=yes} when no file is given)
 *       replayed as one process on a 512 MiB machine with {@code rss.limit=48}, no zero page and
 *       256 MiB of swap, under each replacement policy of {@code -Dmmsim.bench.policies} (default
 *       {@code clock,linux,mglru}: the kernel's two policies against the one the earlier figures
 *       used). Reading and parsing the file ({@code Workload.open}) and replaying the parsed trace
 *       are timed apart. Each is run five times after two warm-up runs; the best and the median are
 *       printed in references per second, with the page faults and swap traffic of one replay. A
 *       trace file cut short (no valgrind exit summary at its end) is refused: it would be timed as
 *       a shorter program.
 *   <li><b>Swap</b>: 256 MiB of anonymous memory written through 64 MiB of RAM to a swap file on
 *       disk (swap-out rate: pages written out per second of the writing pass), then read back in a
 *       second pass (swap-in rate). The whole pass runs once unmeasured first, so that the swap-out
 *       and swap-in paths are compiled when it is measured; the fault and swap counts are printed.
 * </ol>
 *
 * Wall-clock time with {@link System#nanoTime()}; the JVM is warmed by the warm-up runs.
 */
public final class ReplayHarness {
  private ReplayHarness() {}

  /** Runs both measurements and prints one line per figure. */
  public static void main(String[] args) throws Exception {
    Path trace;
    if (args.length > 0) {
      trace = Path.of(args[0]);
      String why = truncation(trace);
      if (why != null) {
        System.err.println("ReplayHarness: " + trace + ": " + why);
        System.exit(2);
      }
    } else {
      trace = makeTrace();
    }
    for (String policy :
        System.getProperty("mmsim.bench.policies", "clock,linux,mglru").split(",")) {
      replay(trace, policy.strip());
    }
    referenceString(trace);
    swap(false);
    swap(true);
  }

  /**
   * Why {@code trace} is not a whole lackey trace, or null when it is: valgrind writes its exit
   * summary ({@code ==PID== Exit code: N}, padded, then statistics) at the end, so a file without
   * it, or ending inside a line, was cut short (an interrupted run, a full disk, a partial copy)
   * and would be timed as a shorter program.
   */
  static String truncation(Path trace) throws IOException {
    long size = Files.size(trace);
    if (size == 0) {
      return "empty file";
    }
    int tail = (int) Math.min(size, 64 * 1024);
    byte[] end = new byte[tail];
    try (var ch = Files.newByteChannel(trace)) {
      ch.position(size - tail);
      var buf = java.nio.ByteBuffer.wrap(end);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // read the tail
      }
    }
    String text = new String(end, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (!text.endsWith("\n")) {
      return "truncated: the last line has no end";
    }
    if (!java.util.regex.Pattern.compile("(?m)^==\\d+== Exit code: +-?\\d+$")
        .matcher(text)
        .find()) {
      return "truncated: no '==PID== Exit code:' line, which valgrind writes when the program ends";
    }
    return null;
  }

  static Path makeTrace() throws IOException, InterruptedException {
    Path dir =
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "mmsim-bench"));
    Path trace = dir.resolve("sort.lackey");
    if (Files.exists(trace) && truncation(trace) == null) {
      return trace;
    }
    Files.deleteIfExists(trace);
    Path input = dir.resolve("numbers.txt");
    StringBuilder sb = new StringBuilder();
    int[] n = new int[3000];
    for (int i = 0; i < n.length; i++) {
      n[i] = i + 1;
    }
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    for (int i = n.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = n[i];
      n[i] = n[j];
      n[j] = t;
    }
    for (int v : n) {
      sb.append(v).append('\n');
    }
    Files.writeString(input, sb);
    Process p =
        new ProcessBuilder(
                "valgrind",
                "--tool=lackey",
                "--trace-mem=yes",
                "--log-file=" + trace,
                "sort",
                "-n",
                input.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (p.waitFor() != 0 || truncation(trace) != null) {
      Files.deleteIfExists(trace);
      throw new IOException("valgrind --tool=lackey failed; give a lackey trace as argument");
    }
    return trace;
  }

  private static Kernel replayKernel(String policy) {
    return Kernel.builder()
        .set("memory.size", "512M")
        .set("rss.limit", "48")
        .set("vm.zero-page", "false")
        .set("reclaim.policy", policy)
        .set("swap.memory", "256M")
        .boot();
  }

  /**
   * {@code mm run} on a reference string: the lackey trace's page string (its pages numbered from 0
   * in order of first touch, one a line) written to a temporary file, then read and replayed on the
   * same machine as the lackey replay. Read plus replay is timed as one (what {@code mm run} does
   * after boot); the boot is left out. Five measured rounds after two warm-up rounds.
   */
  private static void referenceString(Path lackey) throws IOException {
    MemoryTrace source = (MemoryTrace) Workload.open(lackey);
    Path refs = Files.createTempFile("mmsim-bench-", ".refs");
    long lines = source.touches();
    try (var out = Files.newBufferedWriter(refs)) {
      for (int i = 0; i < source.touches(); i++) {
        out.write(Integer.toString(source.pageId(i)));
        out.write('\n');
      }
    }
    long bytes = Files.size(refs);
    double[] whole = new double[5];
    try {
      for (int round = -2; round < 5; round++) {
        Kernel k = replayKernel("clock");
        long t0 = System.nanoTime();
        MemoryTrace w = (MemoryTrace) Workload.open(refs);
        w.replay(k);
        long t1 = System.nanoTime();
        if (w.references() != lines) {
          throw new IllegalStateException(refs + ": read " + w.references() + " of " + lines);
        }
        if (round >= 0) {
          whole[round] = lines / ((t1 - t0) / 1e9);
        }
      }
    } finally {
      Files.deleteIfExists(refs);
    }
    Arrays.sort(whole);
    System.out.printf(
        "reference string of %d lines (%d MiB), read and replayed: best %.1f M refs/s, median %.1f M refs/s%n",
        lines, bytes >> 20, whole[4] / 1e6, whole[2] / 1e6);
  }

  private static void replay(Path trace, String policy) throws IOException {
    long lines = 0;
    double[] parse = new double[5];
    double[] replay = new double[5];
    Kernel last = null;
    for (int round = -2; round < 5; round++) {
      long t0 = System.nanoTime();
      MemoryTrace w = (MemoryTrace) Workload.open(trace);
      long t1 = System.nanoTime();
      lines = w.references();
      Kernel k = replayKernel(policy);
      long t2 = System.nanoTime();
      w.replay(k);
      long t3 = System.nanoTime();
      last = k;
      if (round >= 0) {
        parse[round] = lines / ((t1 - t0) / 1e9);
        replay[round] = lines / ((t3 - t2) / 1e9);
      }
    }
    Arrays.sort(parse);
    Arrays.sort(replay);
    System.out.printf("trace: %s, %d references, reclaim.policy=%s%n", trace, lines, policy);
    System.out.printf(
        "parse only: best %.1f M refs/s, median %.1f M refs/s%n", parse[4] / 1e6, parse[2] / 1e6);
    System.out.printf(
        "replay of the parsed trace: best %.1f M refs/s, median %.1f M refs/s%n",
        replay[4] / 1e6, replay[2] / 1e6);
    // what one replay did, the same in every round (the replay is deterministic)
    System.out.printf(
        "each replay: %d page faults (%d major), %d pages swapped out, %d swapped in%n",
        last.events().get(VmEvent.PGFAULT),
        last.events().get(VmEvent.PGMAJFAULT),
        last.swap().statistics().get("pswpout"),
        last.swap().statistics().get("pswpin"));
  }

  /**
   * The swap pass, once to warm the JIT on the swap-out and swap-in paths ({@code print} false),
   * then measured.
   */
  private static void swap(boolean print) throws IOException {
    Path file = Files.createTempFile("mmsim-bench", ".swap");
    try {
      Kernel.mkswap(file, 320L << 20, "bench", new UUID(1, 2));
      Kernel k =
          Kernel.builder()
              .set("memory.size", "64M")
              .set("object-allocator", "none")
              .set("swap.files", file.toString())
              .boot();
      Processes p = k.processes();
      p.spawn(1);
      int pages = 65536;
      long base =
          p.mmap(
              1,
              (long) pages << Page.PAGE_SHIFT,
              Prot.READ | Prot.WRITE,
              null,
              0,
              false,
              -1,
              false);
      byte[] data = new byte[64];
      long t0 = System.nanoTime();
      for (int i = 0; i < pages; i++) {
        data[0] = (byte) i;
        p.write(1, 0, base + ((long) i << Page.PAGE_SHIFT), data);
      }
      long t1 = System.nanoTime();
      long out = k.swap().statistics().get("pswpout");
      for (int i = 0; i < pages; i++) {
        p.read(1, 0, base + ((long) i << Page.PAGE_SHIFT), 1);
      }
      long t2 = System.nanoTime();
      long in = k.swap().statistics().get("pswpin");
      if (!print) {
        return;
      }
      System.out.printf(
          "swap pass: %d page faults (%d major), %d pages swapped out, %d swapped in%n",
          k.events().get(VmEvent.PGFAULT), k.events().get(VmEvent.PGMAJFAULT), out, in);
      System.out.printf(
          "swap to a file area: %d pages out in %.2f s (%.0f pages/s, %.0f MiB/s);"
              + " %d pages in in %.2f s (%.0f pages/s, %.0f MiB/s)%n",
          out,
          (t1 - t0) / 1e9,
          out / ((t1 - t0) / 1e9),
          out / ((t1 - t0) / 1e9) / 256,
          in,
          (t2 - t1) / 1e9,
          in / ((t2 - t1) / 1e9),
          in / ((t2 - t1) / 1e9) / 256);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
