package io.mmsim.swap.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.mmsim.api.Statistics;
import io.mmsim.api.reclaim.ReplacementPolicy;

/**
 * MGLRU's page counts as meminfo shows them: every generation from min_seq to max_seq counts, and
 * the two youngest generations count as Active (mm/vmscan.c: lru_gen_is_active, charged by
 * lru_gen_update_size).
 */
final class MglruStatisticsTest {

  private static void assertCounts(
      ReplacementPolicy p, long anon, long file, long active, long inactive) {
    Statistics s = p.statistics();
    assertThat(s.get("nr_anon")).as("nr_anon").isEqualTo(anon);
    assertThat(s.get("nr_file")).as("nr_file").isEqualTo(file);
    assertThat(s.get("nr_active")).as("nr_active").isEqualTo(active);
    assertThat(s.get("nr_inactive")).as("nr_inactive").isEqualTo(inactive);
  }

  @Test
  void freshPages_allInMaxSeq_allActive() {
    MglruPolicy p = new MglruPolicy(16, 60, 0);
    p.insert(1);
    p.insert(2);
    p.insert(3);
    // lru_gen_init_lruvec: max_seq 3; every page is in it
    assertCounts(p, 3, 0, 3, 0);
  }

  @Test
  void afterTwoAgings_oldGenerationIsInactive_youngestAndNewFilePageActive() {
    MglruPolicy p = new MglruPolicy(16, 60, 0);
    p.insert(1);
    p.insert(2);
    p.insert(3);
    Set<Long> young = new HashSet<>(Set.of(1L));
    // two agings make max_seq 5; 1 is young and moves to 5, 2 is evicted, 3 stays in seq 3
    assertThat(p.victim(young::remove)).isEqualTo(2);
    p.insert(4, ReplacementPolicy.TYPE_FILE); // seq 5
    assertThat(p.maxSeq()).isEqualTo(5);
    // active generations are 4 and 5: pages 1 and 4; page 3 in seq 3 is inactive
    assertCounts(p, 2, 1, 2, 1);
  }
}
