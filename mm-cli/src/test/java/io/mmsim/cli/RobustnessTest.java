package io.mmsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Hostile command lines: each gets one clean message and its documented exit status, never a Java
 * stack trace. (The tests run with the last-resort handler set to rethrow, so a bug that reached it
 * would fail them.)
 */
final class RobustnessTest extends CommandLineTest {
  @Test
  void emptyProcDirectory_isAUsageError() throws IOException {
    int rc = mm("run", "--proc", "", file("e.trace", "drain\n").toString());

    assertThat(rc).isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr()).isEqualTo("mm: --proc needs a directory, not an empty name\n");
  }

  @Test
  void procDirectoryThatIsAFile_isAUsageErrorBeforeAnythingRuns() throws IOException {
    Path notDir = file("notdir", "x");

    int rc = mm("run", "--proc", notDir.toString(), file("e.trace", "drain\n").toString());

    assertThat(rc).isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr()).startsWith("mm: cannot write /proc views to " + notDir);
    assertThat(stdout()).doesNotContain("operations run");
  }

  @Test
  void reusedProcDirectory_dropsTheViewsOfAnEarlierRun() throws IOException {
    Path proc = tmp.resolve("proc");
    Path userFile = file("proc-notes", "");
    Files.createDirectories(proc);
    Files.move(userFile, proc.resolve("notes.txt"));
    assertThat(
            mm(
                "run",
                "--set",
                "swap.memory=8M",
                "--proc",
                proc.toString(),
                file("a.trace", "spawn 7\nspawn 8\nexit 8\n").toString()))
        .isZero();
    assertThat(proc.resolve("7/maps")).exists();
    assertThat(proc.resolve("swaps")).exists();

    assertThat(mm("run", "--proc", proc.toString(), file("b.trace", "spawn 9\n").toString()))
        .isZero();

    assertThat(proc.resolve("9/maps")).exists();
    assertThat(proc.resolve("7")).doesNotExist();
    assertThat(proc.resolve("notes.txt")).as("not a view: left alone").exists();
  }

  @Test
  void directoryAsWorkload_failsLikeAMissingFile_namingIt() {
    int missing = mm("run", tmp.resolve("nosuch.trace").toString());
    String missingErr = stderr();
    int dir = mm("run", tmp.toString());

    assertThat(dir).isEqualTo(missing).isEqualTo(Main.EXIT_USAGE);
    assertThat(missingErr).contains("nosuch.trace").contains("no such file");
    assertThat(stderr()).contains(tmp.toString()).contains("directory");
  }

  @Test
  void invalidUtf8_reportsFileLine_afterRunningTheLinesBefore() throws IOException {
    Path p = tmp.resolve("bad.trace");
    Files.write(
        p, new byte[] {'d', 'r', 'a', 'i', 'n', '\n', 'd', 'r', (byte) 0xff, 'a', 'i', 'n', '\n'});

    int rc = mm("run", p.toString());

    assertThat(rc).isEqualTo(Main.EXIT_WORKLOAD);
    assertThat(stderr()).startsWith(p + ":2: not UTF-8 text\n");
    assertThat(stdout()).contains("operations run: 1\n");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void devZero_asWorkloadOrConfiguration_isACleanError() {
    assertThat(mm("run", "/dev/zero")).isEqualTo(Main.EXIT_WORKLOAD);
    assertThat(stderr()).startsWith("/dev/zero:1: not UTF-8 text\n");
    assertThat(mm("run", "--config", "/dev/zero")).isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr()).isEqualTo("mm: /dev/zero:1: not UTF-8 text\n");
  }

  @Test
  void optPolicyOnATextWorkload_isRefusedWithExit2BeforeAnythingRuns() throws IOException {
    int rc =
        mm(
            "run",
            "--set",
            "reclaim.policy=opt",
            "--set",
            "swap.memory=8M",
            file("t.trace", "alloc_pages a 0\n").toString());

    assertThat(rc).isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr()).startsWith("mm: reclaim.policy: opt must know every future reference");
    assertThat(stdout()).doesNotContain("operations run");
  }

  @Test
  void traceOnAKernelWithoutPageTables_isAWorkloadError() throws IOException {
    Path refs = file("t.refs", "1,2,3\n");

    int rc = mm("run", "--set", "page-table=none", "--set", "virtual-allocator=none", refs + "");

    assertThat(rc).isEqualTo(Main.EXIT_WORKLOAD);
    assertThat(stderr())
        .startsWith(
            refs + ":1: reference string: this kernel has no page tables (page-table=none)");
  }

  @Test
  void mkswapLabelLongerThanTheHeaderHolds_isRefused() {
    Path f = tmp.resolve("swapfile");

    int rc = mm("mkswap", f.toString(), "1M", "--label", "a-label-of-20-bytes!");

    assertThat(rc).isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr()).contains("20 bytes").contains("at most 15");
    assertThat(f).doesNotExist();
    assertThat(mm("mkswap", f.toString(), "1M", "--label", "fifteen-bytes!!")).isZero();
  }

  @Test
  void lastResortHandler_printsOneLineAndExits70() {
    String saved = System.getProperty(Main.INTERNAL_ERROR_PROPERTY);
    System.clearProperty(Main.INTERNAL_ERROR_PROPERTY);
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int rc =
          Main.internalError(
              new IllegalStateException("invariant broken\n  detail line"),
              new PrintStream(b, true, StandardCharsets.UTF_8));

      assertThat(rc).isEqualTo(70);
      assertThat(b.toString(StandardCharsets.UTF_8))
          .startsWith("mm: internal error: IllegalStateException: invariant broken (")
          .hasLineCount(1)
          .doesNotContain("\tat ");
    } finally {
      System.setProperty(Main.INTERNAL_ERROR_PROPERTY, saved == null ? "throw" : saved);
    }
  }
}
