package io.mmsim.swap.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.ReplacementPolicy.ReferenceBits;

/**
 * What the two-list policy says about each victim: the lists left, and what shrink_inactive_list
 * and shrink_active_list did on the way (rotated a young page, activated a referenced one, refilled
 * the inactive list), worked out by hand for three pages.
 */
final class LinuxVictimReasonTest {
  private static final String OLDEST = "the oldest page of the inactive list, accessed bit clear";

  private static ReferenceBits young(long... pages) {
    Set<Long> s = new HashSet<>();
    for (long p : pages) {
      s.add(p);
    }
    return s::remove;
  }

  @Test
  void victimReason_rotateActivateRefill_eachNamedWithItsCount() {
    LinuxPolicy p = new LinuxPolicy(16);
    p.insert(1);
    p.insert(2);
    p.insert(3); // inactive, oldest first: 1 2 3

    // 1 is young without PG_referenced: rotated with the flag set; 2 is old and goes
    assertThat(p.victim(young(1))).isEqualTo(2);
    assertThat(p.victimReason(2))
        .isEqualTo(
            OLDEST + " (inactive 2, active 0 pages left); 1 young, PG_referenced set, rotated");

    // inactive 3 1: 3 young, rotated; 1 young with PG_referenced, activated; 3 (bit now clear) goes
    assertThat(p.victim(young(3, 1))).isEqualTo(3);
    assertThat(p.victimReason(3))
        .isEqualTo(
            OLDEST
                + " (inactive 0, active 1 pages left); 1 young, PG_referenced set, rotated; 1 young"
                + " again, activated");

    // the inactive list is empty: 1 comes back from the active list and goes
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(1);
    assertThat(p.victimReason(1))
        .isEqualTo(
            OLDEST + " (inactive 0, active 0 pages left); first 1 moved from active to inactive");
    assertThat(p.statistics().get("pgrefill")).isEqualTo(1);
    assertThat(p.statistics().get("pgactivate")).isEqualTo(1);
  }

  @Test
  void victimReason_oldestPageOld_nothingElseSaid() {
    LinuxPolicy p = new LinuxPolicy(16);
    p.insert(7);
    p.insert(8);
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(7);
    assertThat(p.victimReason(7)).isEqualTo(OLDEST + " (inactive 1, active 0 pages left)");
  }
}
