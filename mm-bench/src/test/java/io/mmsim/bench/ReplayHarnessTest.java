package io.mmsim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayHarnessTest {
  // the end of a real valgrind 3.19 lackey log: the exit code is padded, and statistics follow it
  private static final String END =
      "==14250== Exit code:       0\n"
          + "==14250== \n"
          + "==14250== Ratios:\n"
          + "==14250==   guest instrs : SB entered  = 56 : 10\n";

  @TempDir Path dir;

  @Test
  void truncation_wholeLackeyLog_isAccepted() throws IOException {
    Path f = Files.writeString(dir.resolve("t.lackey"), " L 04025e90,8\n" + END);
    assertThat(ReplayHarness.truncation(f)).isNull();
  }

  @Test
  void truncation_noExitSummary_isRefused() throws IOException {
    Path f = Files.writeString(dir.resolve("t.lackey"), " L 04025e90,8\n S 1ffefffd58,8\n");
    assertThat(ReplayHarness.truncation(f)).startsWith("truncated: no '==PID== Exit code:'");
  }

  @Test
  void truncation_lastLineCut_isRefused() throws IOException {
    Path f = Files.writeString(dir.resolve("t.lackey"), END + " L 04025e");
    assertThat(ReplayHarness.truncation(f)).isEqualTo("truncated: the last line has no end");
  }

  @Test
  void truncation_emptyFile_isRefused() throws IOException {
    Path f = Files.writeString(dir.resolve("t.lackey"), "");
    assertThat(ReplayHarness.truncation(f)).isEqualTo("empty file");
  }
}
