package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** oom_badness, select_bad_process and the kernel's kill report. */
final class OomKillerTest {
  private static final long TOTAL = 262_144; // 1 GiB of RAM + swap in pages

  private static OomCandidate proc(int pid, long anon, long swap, long pgtables, int adj) {
    return new OomCandidate(
        pid, "p" + pid, 1000, anon + 100, anon, 0, 0, swap, pgtables, adj, false);
  }

  @Test
  void badness_rssPlusSwapPlusPageTablesPlusScaledAdj() {
    assertThat(OomKiller.badness(proc(1, 1000, 200, 3, 0), TOTAL)).isEqualTo(1203);
    // adj * (totalpages / 1000) = 500 * 262
    assertThat(OomKiller.badness(proc(1, 1000, 0, 0, 500), TOTAL)).isEqualTo(1000 + 131_000);
    assertThat(OomKiller.badness(proc(1, 1000, 0, 0, -1000), TOTAL)).isEqualTo(Long.MIN_VALUE);
    OomCandidate init = new OomCandidate(1, "init", 0, 10, 10, 0, 0, 0, 1, 0, true);
    assertThat(OomKiller.badness(init, TOTAL)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void selectBadProcess_highestBadnessWins_swapAndPageTablesCount() {
    OomCandidate a = proc(10, 500, 0, 1, 0);
    OomCandidate b = proc(11, 300, 250, 1, 0); // less RSS but more swap
    OomCandidate c = proc(12, 100, 0, 0, 0);
    assertThat(OomKiller.selectBadProcess(List.of(a, b, c), TOTAL)).isEqualTo(b);
  }

  @Test
  void selectBadProcess_tie_laterProcessWins() {
    OomCandidate a = proc(10, 500, 0, 0, 0);
    OomCandidate b = proc(11, 500, 0, 0, 0);
    assertThat(OomKiller.selectBadProcess(List.of(a, b), TOTAL)).isEqualTo(b);
  }

  @Test
  void selectBadProcess_onlyUnkillable_none() {
    assertThat(OomKiller.selectBadProcess(List.of(proc(2, 9999, 0, 0, -1000)), TOTAL)).isNull();
    assertThat(OomKiller.selectBadProcess(List.of(), TOTAL)).isNull();
  }

  @Test
  void selectBadProcess_negativeAdjustment_canMakeALargerProcessSafer() {
    OomCandidate big = proc(10, 5000, 0, 0, -100); // 5000 - 26200 < 0
    OomCandidate small = proc(11, 10, 0, 0, 0);
    assertThat(OomKiller.selectBadProcess(List.of(big, small), TOTAL)).isEqualTo(small);
  }

  @Test
  void killMessage_kernelWording() {
    OomCandidate c = new OomCandidate(4242, "hog", 1000, 2560, 2048, 12, 3, 7, 5, -17, false);
    assertThat(OomKiller.killMessage(c))
        .isEqualTo(
            "Out of memory: Killed process 4242 (hog)"
                + " total-vm:10240kB, anon-rss:8192kB, file-rss:48kB, shmem-rss:12kB, UID:1000"
                + " pgtables:20kB oom_score_adj:-17");
  }

  @Test
  void candidate_badValues_refused() {
    assertThatThrownBy(() -> proc(1, 1, 0, 0, 1001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("oom_score_adj 1001");
    assertThatThrownBy(() -> proc(1, -1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
