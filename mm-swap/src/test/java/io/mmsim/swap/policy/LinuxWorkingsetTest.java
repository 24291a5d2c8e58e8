package io.mmsim.swap.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.ReplacementPolicy;

/**
 * The two-list LRU's workingset detection (mm/workingset.c) on hand-computed refault distances:
 * nonresident_age counts evictions and activations; a refault is activated when its distance fits
 * in the workingset of the other lists.
 */
final class LinuxWorkingsetTest {
  private final LinuxPolicy linux = new LinuxPolicy(8);

  private long counter(String name) {
    return linux.statistics().get(name);
  }

  @Test
  void refault_distanceWithinTheActiveAnonPages_isActivated() {
    for (long p = 1; p <= 5; p++) {
      linux.insert(p);
    }
    linux.access(5);
    linux.access(5); // activated: age 1
    assertThat(linux.nonresidentAge()).isEqualTo(1);

    assertThat(linux.victim(ReplacementPolicy.ReferenceBits.NONE)).isEqualTo(1);
    long token = linux.workingsetEviction(1);
    assertThat(token).isEqualTo(1L << 1); // age 1, no PG_workingset
    assertThat(linux.nonresidentAge()).isEqualTo(2);

    linux.insert(1);
    // distance 2 - 1 = 1 <= active anon 1
    assertThat(linux.workingsetRefault(1, token)).isEqualTo(ReplacementPolicy.REFAULT_ACTIVATE);
    assertThat(linux.listOf(1)).isEqualTo(LinuxPolicy.ACTIVE);
    assertThat(linux.nonresidentAge()).isEqualTo(3);
    assertThat(counter("workingset_refault_anon")).isEqualTo(1);
    assertThat(counter("workingset_activate_anon")).isEqualTo(1);
    assertThat(counter("workingset_restore_anon")).isZero();
  }

  @Test
  void refault_distanceBeyondTheWorkingset_staysInactive() {
    for (long p = 1; p <= 5; p++) {
      linux.insert(p);
    }
    linux.access(5);
    linux.access(5); // age 1
    linux.victim(ReplacementPolicy.ReferenceBits.NONE); // 1
    linux.workingsetEviction(1); // age 2
    linux.insert(1);
    linux.workingsetRefault(1, 1L << 1); // activated, age 3; active anon: 5, 1
    assertThat(linux.victim(ReplacementPolicy.ReferenceBits.NONE)).isEqualTo(2);
    long token2 = linux.workingsetEviction(2); // age 3 at eviction, then 4
    assertThat(linux.victim(ReplacementPolicy.ReferenceBits.NONE)).isEqualTo(3);
    linux.workingsetEviction(3); // age 5
    assertThat(linux.victim(ReplacementPolicy.ReferenceBits.NONE)).isEqualTo(4);
    linux.workingsetEviction(4); // age 6

    linux.insert(2);
    // distance 6 - 3 = 3 > active anon 2
    assertThat(linux.workingsetRefault(2, token2)).isZero();
    assertThat(linux.listOf(2)).isEqualTo(LinuxPolicy.INACTIVE);
    assertThat(counter("workingset_refault_anon")).isEqualTo(2);
    assertThat(counter("workingset_activate_anon")).isEqualTo(1);
  }

  @Test
  void refault_deactivatedPageWithinInactiveFilePages_isRestored() {
    linux.insert(1);
    linux.insert(2);
    linux.access(1);
    linux.access(1); // 1 active, age 1
    assertThat(linux.victim(ReplacementPolicy.ReferenceBits.NONE)).isEqualTo(2);
    linux.workingsetEviction(2); // age 2
    // inactive is empty: 1 is deactivated (PG_workingset) and evicted
    assertThat(linux.victim(ReplacementPolicy.ReferenceBits.NONE)).isEqualTo(1);
    long token = linux.workingsetEviction(1);
    assertThat(token).isEqualTo((2L << 1) | 1);
    linux.insert(10, ReplacementPolicy.TYPE_FILE);
    linux.insert(11, ReplacementPolicy.TYPE_FILE);

    linux.insert(1);
    // distance 3 - 2 = 1 <= inactive file 2 (an anon refault competes with file pages)
    assertThat(linux.workingsetRefault(1, token))
        .isEqualTo(ReplacementPolicy.REFAULT_ACTIVATE | ReplacementPolicy.REFAULT_RESTORE);
    assertThat(counter("workingset_restore_anon")).isEqualTo(1);
  }

  @Test
  void refault_filePage_competesWithAnonPagesOnly() {
    linux.insert(1, ReplacementPolicy.TYPE_FILE);
    linux.insert(2, ReplacementPolicy.TYPE_FILE);
    assertThat(linux.victim(ReplacementPolicy.ReferenceBits.NONE)).isEqualTo(1);
    long token = linux.workingsetEviction(1); // age 0 -> 1
    linux.insert(1, ReplacementPolicy.TYPE_FILE);
    // distance 1 > file refault workingset: active file 0 + active anon 0 + inactive anon 0
    assertThat(linux.workingsetRefault(1, token)).isZero();
    assertThat(counter("workingset_refault_file")).isEqualTo(1);
  }

  @Test
  void workingsetEviction_notTheLastVictim_keepsNoShadow() {
    linux.insert(1);
    linux.insert(2);
    assertThat(linux.workingsetEviction(1)).isEqualTo(ReplacementPolicy.NO_SHADOW);
    assertThat(linux.victim(ReplacementPolicy.ReferenceBits.NONE)).isEqualTo(1);
    linux.workingsetEviction(1);
    assertThat(linux.workingsetEviction(1)).isEqualTo(ReplacementPolicy.NO_SHADOW);
  }
}
