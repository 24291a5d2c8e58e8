package io.mmsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mm sweep}, {@code mm sweep merge} and {@code mm plot}: exit statuses and messages. */
final class SweepCommandTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedErr;

  @TempDir Path tmp;

  @BeforeEach
  void capture() {
    savedErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(savedErr);
  }

  private int mm(String... args) {
    err.reset();
    return Main.execute(args);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private Path refs() throws IOException {
    Path p = tmp.resolve("belady.refs");
    Files.writeString(p, "1,2,3,4,1,2,5,1,2,3,4,5\n");
    return p;
  }

  @Test
  void sweep_grid_writesResultsAndOneLinePerRunWhenNotATerminal() throws IOException {
    Path r = refs();
    int rc =
        mm(
            "sweep",
            "--set",
            "swap.memory=16M",
            "--set",
            "vm.zero-page=false",
            "--vary",
            "rss.limit=3..4+1",
            "--jobs",
            "2",
            "--out",
            tmp.resolve("o").toString(),
            r.toString());
    assertThat(rc).as(stderr()).isZero();
    assertThat(stderr()).contains("mm sweep: 1/2 ").contains("mm sweep: 2/2 ").contains("ETA");
    assertThat(Files.readAllLines(tmp.resolve("o/results.csv"))).hasSize(3);
    assertThat(
            mm(
                "plot",
                tmp.resolve("o/results.csv").toString(),
                "--x",
                "rss.limit",
                "--y",
                "pgfault",
                "--out",
                tmp.resolve("p.svg").toString()))
        .isZero();
    assertThat(tmp.resolve("p.svg")).exists();
    assertThat(
            mm(
                "plot",
                tmp.resolve("o/results.csv").toString(),
                "--x",
                "nosuch",
                "--y",
                "pgfault",
                "--out",
                tmp.resolve("q.png").toString()))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr()).contains("no column 'nosuch'");
  }

  @Test
  void sweep_badVary_exits2NamingTheKeyBeforeAnythingRuns() throws IOException {
    Path r = refs();
    assertThat(
            mm(
                "sweep",
                "--vary",
                "rss.limit=9..3*2",
                "--out",
                tmp.resolve("b").toString(),
                r.toString()))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr()).contains("rss.limit");
    assertThat(
            mm(
                "sweep",
                "--vary",
                "no.such.key=1,2",
                "--out",
                tmp.resolve("b").toString(),
                r.toString()))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr()).contains("no.such.key");
    assertThat(
            mm(
                "sweep",
                "--set",
                "rss.limit=abc",
                "--vary",
                "cpus=1",
                "--out",
                tmp.resolve("b").toString(),
                r.toString()))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr()).contains("rss.limit");
    assertThat(
            mm(
                "sweep",
                "--shard",
                "3/2",
                "--vary",
                "cpus=1",
                "--out",
                tmp.resolve("b").toString(),
                r.toString()))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(mm("sweep", "--vary", "cpus=1", r.toString())).isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr()).contains("--out");
    assertThat(tmp.resolve("b")).doesNotExist();
  }

  @Test
  void sweep_failedRun_exits1AfterAllRuns() throws IOException {
    Path bad = tmp.resolve("bad.trace");
    Files.writeString(bad, "kfree 0x1234\n");
    int rc =
        mm("sweep", "--vary", "cpus=1,2", "--out", tmp.resolve("f").toString(), bad.toString());
    assertThat(rc).isEqualTo(Main.EXIT_WORKLOAD);
    assertThat(Files.readString(tmp.resolve("f/results.csv"))).contains("error: " + bad + ":1: ");
    assertThat(stderr()).contains("2 failed");
  }

  @Test
  void sweepMerge_missingShard_exits2() throws IOException {
    Path r = refs();
    assertThat(
            mm(
                "sweep",
                "--set",
                "swap.memory=16M",
                "--vary",
                "rss.limit=3,4,5",
                "--shard",
                "1/2",
                "--out",
                tmp.resolve("s1").toString(),
                r.toString()))
        .isZero();
    assertThat(
            mm(
                "sweep",
                "merge",
                "--out",
                tmp.resolve("m").toString(),
                tmp.resolve("s1").toString()))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr()).contains("runs are in none of the folders");
  }
}
