package io.mmsim.swap.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/** The two-list LRU's second chance, activation, deactivation and counters. */
final class LinuxPolicyTest extends ReplacementPolicyContract {

  @Override
  protected ReplacementPolicyProvider provider() {
    return new LinuxPolicyProvider();
  }

  private final LinuxPolicy linux = new LinuxPolicy(8);
  private final Set<Long> young = new HashSet<>();
  private final ReplacementPolicy.ReferenceBits bits = young::remove;

  private long counter(String name) {
    return linux.statistics().get(name);
  }

  @Test
  void insert_newPages_goToTheInactiveListUnreferenced() {
    linux.insert(1);
    assertThat(linux.listOf(1)).isEqualTo(LinuxPolicy.INACTIVE);
    assertThat(linux.referenced(1)).isFalse();
  }

  @Test
  void victim_noAccessedBits_evictsTheOldestInactivePage() {
    for (long p = 1; p <= 4; p++) {
      linux.insert(p);
    }
    assertThat(linux.victim(bits)).isEqualTo(1);
    assertThat(linux.victim(bits)).isEqualTo(2);
    assertThat(counter("pgscan")).isEqualTo(2);
    linux.checkInvariants();
  }

  @Test
  void victim_youngOnce_getsPgReferencedAndASecondChance() {
    linux.insert(1);
    linux.insert(2);
    young.add(1L);
    assertThat(linux.victim(bits)).isEqualTo(2);
    assertThat(linux.listOf(1)).isEqualTo(LinuxPolicy.INACTIVE);
    assertThat(linux.referenced(1)).isTrue();
    assertThat(young).doesNotContain(1L); // the accessed bit was cleared
    assertThat(counter("pgactivate")).isZero();
  }

  @Test
  void victim_youngTwice_activatesThePage() {
    linux.insert(1);
    linux.insert(2);
    young.add(1L);
    assertThat(linux.victim(bits)).isEqualTo(2); // 1 rotated with PG_referenced
    linux.insert(3);
    young.add(1L);
    assertThat(linux.victim(bits)).isEqualTo(3); // 1 young again: activated; 3 goes
    assertThat(linux.listOf(1)).isEqualTo(LinuxPolicy.ACTIVE);
    assertThat(counter("pgactivate")).isEqualTo(1);
    linux.checkInvariants();
  }

  @Test
  void victim_referencedButNotYoungAnyMore_isReclaimed() {
    linux.insert(1);
    linux.insert(2);
    young.add(1L);
    assertThat(linux.victim(bits)).isEqualTo(2);
    assertThat(linux.referenced(1)).isTrue();
    assertThat(linux.victim(bits)).isEqualTo(1); // PG_referenced alone does not save an anon page
  }

  @Test
  void access_twice_activatesLikeMarkPageAccessed() {
    linux.insert(1);
    linux.access(1);
    assertThat(linux.referenced(1)).isTrue();
    assertThat(linux.listOf(1)).isEqualTo(LinuxPolicy.INACTIVE);
    linux.access(1);
    assertThat(linux.listOf(1)).isEqualTo(LinuxPolicy.ACTIVE);
    assertThat(linux.referenced(1)).isFalse();
    assertThat(counter("pgactivate")).isEqualTo(1);
  }

  @Test
  void victim_inactiveListLow_deactivatesFromTheActiveTail() {
    for (long p = 1; p <= 4; p++) {
      linux.insert(p);
      linux.access(p);
      linux.access(p); // all four active
    }
    assertThat(counter("nr_active")).isEqualTo(4);
    long v = linux.victim(bits);
    assertThat(v).isEqualTo(1); // the oldest active page, deactivated, not young: evicted
    assertThat(counter("pgdeactivate")).isEqualTo(4);
    assertThat(counter("pgrefill")).isEqualTo(4);
    linux.checkInvariants();
  }

  @Test
  void victim_bitsThatNeverClear_stillReturnsAVictim() {
    for (long p = 1; p <= 5; p++) {
      linux.insert(p);
    }
    long v = linux.victim(page -> true);
    assertThat(v).isBetween(1L, 5L);
    assertThat(linux.resident()).isEqualTo(4);
    linux.checkInvariants();
  }

  @Test
  void victim_everyPageYoungOnce_evictsWithinAFewPasses() {
    for (long p = 1; p <= 50; p++) {
      linux.insert(p);
      young.add(p);
    }
    long v = linux.victim(bits);
    assertThat(v).isEqualTo(1); // one pass sets PG_referenced, the next finds 1 not young
    assertThat(counter("pgscan")).isEqualTo(51);
  }

  @Test
  void victim_empty_returnsNoVictim() {
    assertThat(linux.victim(bits)).isEqualTo(ReplacementPolicy.NO_VICTIM);
  }

  @Test
  void putBack_aPageReclaimCouldNotFree_isActivated() {
    linux.insert(1);
    linux.insert(2);
    long v = linux.victim(bits);
    linux.putBack(v);
    assertThat(linux.listOf(v)).isEqualTo(LinuxPolicy.ACTIVE);
    assertThat(counter("pgactivate")).isEqualTo(1);
    assertThat(linux.victim(bits)).isEqualTo(2);
    linux.checkInvariants();
  }
}
