package io.mmsim.experiment.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mmsim.workload.RunResult;

/** Sweeps of real kernels over Belady's reference string, whose fault counts are textbook. */
final class SweepTest {
  @TempDir Path tmp;

  private Path belady() throws IOException {
    Path p = tmp.resolve("belady.refs");
    if (!Files.exists(p)) {
      Files.writeString(p, "1,2,3,4,1,2,5,1,2,3,4,5\n");
    }
    return p;
  }

  private Sweep.Builder grid(String out) throws IOException {
    return Sweep.builder()
        .set("memory.size=64M")
        .set("vm.zero-page=false")
        .set("swap.memory=16M")
        .vary(Vary.parse("reclaim.policy=fifo,lru,opt"))
        .vary(Vary.parse("rss.limit=3,4"))
        .workload(belady())
        .out(tmp.resolve(out));
  }

  private static int pgfault(RunRow r) {
    return (int) r.counters()[RunResult.COUNTERS.indexOf("pgfault")];
  }

  /** results.csv without the two timing columns. */
  private static List<String> withoutTiming(Path csv) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(csv)) {
      int cut = l.lastIndexOf(',', l.lastIndexOf(',') - 1);
      out.add(l.substring(0, cut));
    }
    return out;
  }

  @Test
  void run_beladyGrid_textbookFaultsInGridOrder() throws IOException {
    Sweep.Result r = grid("a").jobs(2).build().run(null);
    assertThat(r.rows()).hasSize(6);
    assertThat(r.failed()).isZero();
    // Silberschatz: FIFO 9 then 10 (Belady's anomaly), LRU 10 then 8, OPT 7 then 6
    assertThat(r.rows().stream().map(SweepTest::pgfault)).containsExactly(9, 10, 10, 8, 7, 6);
    assertThat(r.rows().get(2).values()).containsExactly("lru", "3");
    List<String> csv = Files.readAllLines(tmp.resolve("a/results.csv"));
    assertThat(csv.get(0))
        .startsWith("workload,workload_sha256,reclaim.policy,rss.limit,outcome,pgfault,")
        .endsWith(",tlb_hits,tlb_misses,page_walks,wall_ms,refs_per_s");
    assertThat(csv.get(1)).contains(",fifo,3,ok,9,");
    // sha256sum of the 25 bytes "1,2,3,4,1,2,5,1,2,3,4,5\n"
    assertThat(csv.get(1))
        .contains(",0512e29ec2c21465e375c739f66532cb0a05c166cefb338c1a9e93937476054a,");
    JsonNode json = new ObjectMapper().readTree(tmp.resolve("a/results.json").toFile());
    assertThat(json.size()).isEqualTo(6);
    assertThat(json.get(0).get("rss.limit").isNumber()).isTrue();
    assertThat(json.get(0).get("reclaim.policy").asText()).isEqualTo("fifo");
    assertThat(json.get(5).get("pgfault").asInt()).isEqualTo(6);
    assertThat(Files.readAllLines(tmp.resolve("a/runs.jsonl"))).hasSize(6);
    assertThat(tmp.resolve("a/charts/belady.refs-pgfault.png")).exists();
    assertThat(tmp.resolve("a/charts/belady.refs-pgfault.svg")).exists();
  }

  @Test
  void run_anyJobs_sameBytesButTiming() throws IOException {
    grid("j1").jobs(1).build().run(null);
    grid("j3").jobs(3).build().run(null);
    assertThat(withoutTiming(tmp.resolve("j3/results.csv")))
        .isEqualTo(withoutTiming(tmp.resolve("j1/results.csv")));
    assertThat(Files.readAllBytes(tmp.resolve("j3/charts/belady.refs-pgfault.svg")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("j1/charts/belady.refs-pgfault.svg")));
    assertThat(Files.readAllBytes(tmp.resolve("j3/charts/belady.refs-pgfault.png")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("j1/charts/belady.refs-pgfault.png")));
  }

  @Test
  void merge_threeShards_equalsTheWholeSweep() throws IOException {
    grid("all").jobs(2).build().run(null);
    List<Path> dirs = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      Sweep.Result r = grid("s" + i).shard(i, 3).jobs(1).build().run(null);
      assertThat(r.rows()).hasSize(2);
      dirs.add(tmp.resolve("s" + i));
    }
    // shards in any order
    SweepMerge.merge(tmp.resolve("m"), List.of(dirs.get(2), dirs.get(0), dirs.get(1)));
    assertThat(withoutTiming(tmp.resolve("m/results.csv")))
        .isEqualTo(withoutTiming(tmp.resolve("all/results.csv")));
    assertThatThrownBy(() -> SweepMerge.merge(tmp.resolve("m2"), dirs.subList(0, 2)))
        .isInstanceOf(SweepException.class)
        .hasMessageContaining("2 of the grid's 6 runs are in none of the folders");
    assertThat(tmp.resolve("m2")).doesNotExist();
  }

  @Test
  void resume_afterAKilledSweep_runsOnlyTheRest() throws IOException {
    grid("r").jobs(1).build().run(null);
    Path journal = tmp.resolve("r/runs.jsonl");
    List<String> lines = Files.readAllLines(journal);
    String before = String.join("\n", withoutTiming(tmp.resolve("r/results.csv")));
    // as if killed while writing the third record
    Files.writeString(
        journal,
        lines.get(0) + "\n" + lines.get(1) + "\n" + lines.get(2).substring(0, 20),
        StandardCharsets.UTF_8);
    Files.delete(tmp.resolve("r/results.csv"));
    Sweep.Result r = grid("r").resume(true).build().run(null);
    assertThat(r.skipped()).isEqualTo(2);
    assertThat(r.ran()).isEqualTo(4);
    assertThat(String.join("\n", withoutTiming(tmp.resolve("r/results.csv")))).isEqualTo(before);
  }

  @Test
  void run_existingSweepWithoutResume_isRefused() throws IOException {
    grid("x").jobs(1).build().run(null);
    assertThatThrownBy(() -> grid("x").build().run(null))
        .isInstanceOf(SweepException.class)
        .hasMessageContaining("--resume");
  }

  @Test
  void run_badValue_refusedBeforeAnythingIsWritten() throws IOException {
    Sweep s =
        Sweep.builder()
            .set("swap.memory=16M")
            .vary(Vary.parse("reclaim.policy=lru,nosuch"))
            .workload(belady())
            .out(tmp.resolve("bad"))
            .build();
    assertThatThrownBy(() -> s.run(null))
        .isInstanceOf(SweepException.class)
        .hasMessageContaining("nosuch")
        .satisfies(e -> assertThat(((SweepException) e).key()).isEqualTo("reclaim.policy"));
    assertThat(tmp.resolve("bad")).doesNotExist();
    assertThatThrownBy(
            () ->
                Sweep.builder()
                    .vary(Vary.parse("rss.limit=1,2"))
                    .vary(Vary.parse("rss.limit=3"))
                    .workload(belady())
                    .out(tmp)
                    .build())
        .hasMessageContaining("given twice");
  }

  @Test
  void run_failingWorkload_becomesAnErrorRowAndTheSweepGoesOn() throws IOException {
    Path w = tmp.resolve("fails.trace");
    Files.writeString(w, "alloc_pages a 0\nfree_pages nosuch\n");
    Sweep.Result r =
        Sweep.builder()
            .vary(Vary.parse("cpus=1,2"))
            .workload(w)
            .workload(belady())
            .set("swap.memory=16M")
            .set("rss.limit=3")
            .out(tmp.resolve("f"))
            .jobs(2)
            .build()
            .run(null);
    assertThat(r.rows()).hasSize(4);
    assertThat(r.failed()).isEqualTo(2);
    assertThat(r.rows().get(0).outcome()).startsWith("error: " + w + ":2: ");
    assertThat(r.rows().get(2).outcome()).isEqualTo("ok");
    assertThat(Files.readString(tmp.resolve("f/results.csv")))
        .contains(",error: " + w + ":2: unknown handle");
  }
}
