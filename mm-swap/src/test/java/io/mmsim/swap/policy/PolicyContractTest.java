package io.mmsim.swap.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.ReferenceString;
import io.mmsim.api.reclaim.ReplacementPolicy;

/** What every policy promises: duplicate inserts refused, unknown keys ignored, exact counts. */
final class PolicyContractTest {

  private static List<Supplier<ReplacementPolicy>> policies(ReferenceString future) {
    return List.of(
        () -> new FifoPolicy(2),
        () -> new LruPolicy(2),
        () -> new ClockPolicy(2),
        () -> new LinuxPolicy(2),
        () -> new OptPolicy(future, 2));
  }

  @Test
  void insert_duplicate_throwsAndChangesNothing() {
    ReferenceString future = ReferenceString.of(1, 2, 1);
    for (Supplier<ReplacementPolicy> s : policies(future)) {
      ReplacementPolicy p = s.get();
      future.seek(0);
      p.insert(1);
      future.seek(2);
      assertThatThrownBy(() -> p.insert(1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(p.name())
          .hasMessageContaining("page 1");
      assertThat(p.resident()).as(p.name()).isEqualTo(1);
      p.checkInvariants();
    }
  }

  @Test
  void removeAndAccess_unknownPage_doNothing() {
    ReferenceString future = ReferenceString.of(5, 6);
    for (Supplier<ReplacementPolicy> s : policies(future)) {
      ReplacementPolicy p = s.get();
      future.seek(0);
      p.insert(5);
      p.remove(99);
      future.seek(1);
      p.access(6);
      assertThat(p.resident()).as(p.name()).isEqualTo(1);
      assertThat(p.contains(5)).isTrue();
      assertThat(p.contains(99)).isFalse();
      p.checkInvariants();
    }
  }

  @Test
  void victim_empty_returnsNoVictim() {
    for (Supplier<ReplacementPolicy> s : policies(ReferenceString.of(1))) {
      ReplacementPolicy p = s.get();
      assertThat(p.victim(ReplacementPolicy.ReferenceBits.NONE))
          .as(p.name())
          .isEqualTo(ReplacementPolicy.NO_VICTIM);
    }
  }

  @Test
  void randomInsertRemoveVictim_againstASetModel_keepsExactMembership() {
    SplittableRandom r = new SplittableRandom(77);
    long[] refs = new long[4000];
    for (int i = 0; i < refs.length; i++) {
      refs[i] = r.nextInt(300);
    }
    ReferenceString future = ReferenceString.of(refs);
    for (Supplier<ReplacementPolicy> s : policies(future)) {
      ReplacementPolicy p = s.get();
      java.util.Set<Long> model = new java.util.HashSet<>();
      for (int i = 0; i < refs.length; i++) {
        future.seek(i);
        long page = refs[i];
        if (model.contains(page)) {
          p.access(page); // every reference reaches the policy, as OPT requires
        }
        int op = r.nextInt(10);
        if (op < 6) {
          if (model.add(page)) {
            p.insert(page);
          }
        } else if (op < 8) {
          model.remove(page);
          p.remove(page);
        } else if (!model.isEmpty()) {
          long v = p.victim(ReplacementPolicy.ReferenceBits.NONE);
          assertThat(model.remove(v)).as("%s victim %d", p.name(), v).isTrue();
        }
        assertThat(p.resident()).as(p.name()).isEqualTo(model.size());
        if (i % 97 == 0) {
          p.checkInvariants();
          for (long m : model) {
            assertThat(p.contains(m)).isTrue();
          }
        }
      }
      p.checkInvariants();
    }
  }
}
