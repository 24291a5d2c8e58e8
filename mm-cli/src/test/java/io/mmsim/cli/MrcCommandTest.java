package io.mmsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;

/**
 * {@code mm mrc} against {@code mm run}: the curve's fault count at N frames is the {@code pgfault}
 * that a replay of the same trace reports with {@code rss.limit=N}.
 *
 * <p>The trace is real: {@code valgrind --tool=lackey --trace-mem=yes /bin/true} (valgrind 3.19,
 * Debian 12), 167 481 lines, 169 093 page touches over 138 distinct pages.
 */
final class MrcCommandTest extends CommandLineTest {
  private Path lackeyTrace() throws IOException {
    Path p = tmp.resolve("true.lackey");
    try (InputStream in =
        new GZIPInputStream(MrcCommandTest.class.getResourceAsStream("true.lackey.gz"))) {
      Files.copy(in, p);
    }
    return p;
  }

  /** policy -> frames -> faults, from the CSV on stdout. */
  private Map<String, Map<Integer, Long>> curves(String csv) {
    Map<String, Map<Integer, Long>> m = new HashMap<>();
    List<String> lines = csv.lines().toList();
    assertThat(lines.get(0)).isEqualTo("policy,frames,faults,miss_ratio");
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",");
      m.computeIfAbsent(f[0], k -> new HashMap<>())
          .put(Integer.parseInt(f[1]), Long.parseLong(f[2]));
    }
    return m;
  }

  private long runFaults(Path trace, String policy, int frames) {
    int rc =
        mm(
            "run",
            "--set",
            "memory.size=256M",
            "--set",
            "swap.memory=64M",
            "--set",
            "vm.zero-page=false",
            "--set",
            "reclaim.policy=" + policy,
            "--set",
            "rss.limit=" + frames,
            trace.toString());
    assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
    Matcher m =
        Pattern.compile("page faults: (\\d+)").matcher(out.toString(StandardCharsets.UTF_8));
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void mrc_realLackeyTrace_equalsRunPgfaultAtManySizes() throws IOException {
    Path trace = lackeyTrace();
    assertThat(mm("mrc", "--policy", "lru,opt", trace.toString())).isZero();
    Map<String, Map<Integer, Long>> c = curves(out.toString(StandardCharsets.UTF_8));
    assertThat(c.get("lru")).hasSize(138);
    assertThat(c.get("opt")).hasSize(138);
    for (int n : new int[] {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 137, 138}) {
      assertThat(c.get("lru").get(n))
          .as("lru at %d frames", n)
          .isEqualTo(runFaults(trace, "lru", n));
      assertThat(c.get("opt").get(n))
          .as("opt at %d frames", n)
          .isEqualTo(runFaults(trace, "opt", n));
    }
  }

  @Test
  void mrc_referenceString_equalsRunPgfault() throws IOException {
    Path refs = tmp.resolve("belady.refs");
    Files.writeString(refs, "1,2,3,4,1,2,5,1,2,3,4,5\n");
    assertThat(mm("mrc", "--policy", "opt,lru", refs.toString())).isZero();
    String csv = out.toString(StandardCharsets.UTF_8);
    // rows in the order the policies were given
    assertThat(csv.lines().skip(1).findFirst()).hasValue("opt,1,12,1.000000");
    Map<String, Map<Integer, Long>> c = curves(csv);
    for (int n = 1; n <= 5; n++) {
      assertThat(c.get("lru").get(n)).isEqualTo(runFaults(refs, "lru", n));
      assertThat(c.get("opt").get(n)).isEqualTo(runFaults(refs, "opt", n));
    }
  }

  @Test
  void mrc_out_writesCsvFile() throws IOException {
    Path refs = tmp.resolve("r.refs");
    Files.writeString(refs, "1\n2\n1\n3\n");
    Path dir = tmp.resolve("mrc");
    assertThat(mm("mrc", "--out", dir.toString(), refs.toString())).isZero();
    assertThat(Files.readString(dir.resolve("mrc.csv")))
        .isEqualTo(
            "policy,frames,faults,miss_ratio\nlru,1,4,1.000000\nlru,2,3,0.750000\nlru,3,3,0.750000\n");
    assertThat(out.size()).isZero();
  }

  @Test
  void mrc_sample_reportsRateOnStderr() throws IOException {
    Path refs = tmp.resolve("r.refs");
    Files.writeString(refs, "1\n2\n1\n3\n2\n1\n");
    assertThat(mm("mrc", "--sample", "1", refs.toString())).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("SHARDS sampled pages at rate 1");
  }

  @Test
  void mrc_badInput_exitsWithSpecificMessages() throws IOException {
    Path refs = tmp.resolve("r.refs");
    Files.writeString(refs, "1\n2\n");
    assertThat(mm("mrc", "--policy", "fifo", refs.toString())).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown policy 'fifo'");
    assertThat(mm("mrc", "--policy", "opt", "--sample", "0.1", refs.toString()))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(mm("mrc", "--sample", "1.5", refs.toString())).isEqualTo(Main.EXIT_USAGE);
    assertThat(mm("mrc", tmp.resolve("missing").toString())).isEqualTo(Main.EXIT_USAGE);
    Path bad = tmp.resolve("bad.refs");
    Files.writeString(bad, "1\n2\nx\n");
    assertThat(mm("mrc", bad.toString())).isEqualTo(Main.EXIT_WORKLOAD);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(bad + ":3: 'x' is not a page number");
    Path workload = tmp.resolve("w.trace");
    Files.writeString(workload, "alloc_pages a 0\n");
    assertThat(mm("mrc", workload.toString())).isEqualTo(Main.EXIT_WORKLOAD);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("has no page references");
  }
}
