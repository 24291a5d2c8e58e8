package io.mmsim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.kernel.Kernel;

/**
 * Workload.openInBackground: a replay that follows the reader replays what a whole read replays.
 * The traces are over 1 MiB, so the reader publishes several blocks while the replay runs.
 */
final class BackgroundReadTest {
  @TempDir Path tmp;

  private static final int LINES = 120_000;

  /** A lackey log of {@code lines} accesses over 3000 pages (seeded), then {@code tail}. */
  private Path lackey(String name, int lines, String tail) throws IOException {
    Path p = tmp.resolve(name);
    SplittableRandom r = new SplittableRandom(7);
    try (Writer w = Files.newBufferedWriter(p, StandardCharsets.US_ASCII)) {
      w.write("==1== Lackey, an example Valgrind tool\n");
      for (int i = 0; i < lines; i++) {
        long page = r.nextInt(10) < 8 ? r.nextInt(64) : r.nextInt(3000);
        long addr = 0x4000000L + page * 4096 + r.nextInt(4000);
        String kind =
            switch (r.nextInt(4)) {
              case 0 -> "I ";
              case 1 -> " L";
              case 2 -> " S";
              default -> " M";
            };
        w.write(kind + " " + Long.toHexString(addr) + "," + (1 + r.nextInt(8)) + "\n");
      }
      w.write(tail);
    }
    return p;
  }

  private static Kernel kernel(String policy) {
    return Kernel.builder()
        .set("memory.size", "64M")
        .set("swap.memory", "32M")
        .set("vm.zero-page", "false")
        .set("reclaim.policy", policy)
        .set("rss.limit", "48")
        .boot();
  }

  @Test
  void lackey_readInBackground_replaysAsAWholeRead() throws IOException {
    Path p = lackey("t.lackey", LINES, "");

    RunResult following = Workload.openInBackground(p).replay(kernel("clock"));
    RunResult whole = Workload.open(p).replay(kernel("clock"));

    assertThat(following.counter("refs")).isEqualTo(LINES);
    assertThat(following.counters()).isEqualTo(whole.counters());
    assertThat(following.counter("pswpout")).isPositive();
  }

  @Test
  void lackey_optReadInBackground_waitsForTheWholeTraceAndCountsTheSame() throws IOException {
    Path p = lackey("o.lackey", LINES / 4, "");

    RunResult following = Workload.openInBackground(p).replay(kernel("opt"));
    RunResult whole = Workload.open(p).replay(kernel("opt"));

    assertThat(following.counters()).isEqualTo(whole.counters());
  }

  @Test
  void lackey_badLineAtTheEnd_replaysTheLinesBeforeItThenNamesIt() throws IOException {
    // line 1 is the banner, then LINES accesses, so the bad line is LINES + 2
    Path p = lackey("bad.lackey", LINES, " L zz,4\n");
    Workload w = Workload.openInBackground(p);
    Replay r = new Replay(kernel("clock"));

    assertThatThrownBy(() -> r.run(w))
        .isInstanceOf(WorkloadException.class)
        .hasMessageStartingWith(p + ":" + (LINES + 2) + ": ");
    assertThat(r.result().counter("refs")).isEqualTo(LINES);
    assertThat(((MemoryTrace) w).references()).isEqualTo(LINES);
  }

  @Test
  void referenceString_readInBackground_replaysAsAWholeRead() throws IOException {
    Path p = tmp.resolve("big.refs");
    SplittableRandom r = new SplittableRandom(3);
    try (Writer w = Files.newBufferedWriter(p, StandardCharsets.US_ASCII)) {
      for (int i = 0; i < LINES; i++) {
        w.write(r.nextInt(500) + (i % 7 == 0 ? "," : "\n"));
      }
    }

    MemoryTrace following = (MemoryTrace) Workload.openInBackground(p);
    RunResult a = following.replay(kernel("lru"));
    RunResult b = Workload.open(p).replay(kernel("lru"));

    assertThat(a.counters()).isEqualTo(b.counters());
    assertThat(a.counter("refs")).isEqualTo(LINES);
    assertThat(following.touches()).isEqualTo(LINES);
  }

  @Test
  void textWorkload_openInBackground_isReadAtOnce() throws IOException {
    Path p = tmp.resolve("w.txt");
    Files.writeString(
        p, "spawn 1\nmmap 1 m 64K rw anon private populate\n", StandardCharsets.UTF_8);

    Workload w = Workload.openInBackground(p);

    assertThat(w.format()).isEqualTo(WorkloadFormat.WORKLOAD);
    assertThat(w.replay(kernel("lru")).counter("pgfault"))
        .isEqualTo(Workload.open(p).replay(kernel("lru")).counter("pgfault"));
  }

  @Test
  void directory_openInBackground_isRefusedAtOnce() {
    assertThatThrownBy(() -> Workload.openInBackground(tmp))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is a directory");
  }
}
