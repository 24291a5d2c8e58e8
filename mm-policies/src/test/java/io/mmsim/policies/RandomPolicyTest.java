package io.mmsim.policies;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/** random through the replacement-policy contract. */
final class RandomPolicyTest extends ReplacementPolicyContract {

  @Override
  protected ReplacementPolicyProvider provider() {
    return new RandomPolicyProvider();
  }

  @Test
  void random_victimsOverManySeeds_areSpreadEvenly() {
    int[] chosen = new int[10];
    for (long seed = 0; seed < 10_000; seed++) {
      ReplacementPolicy p = Policies.create(new RandomPolicyProvider(), seed);
      for (long page = 0; page < 10; page++) {
        p.insert(page);
      }
      chosen[(int) p.victim(page -> false)]++;
    }
    for (int c : chosen) {
      assertThat(c).isBetween(850, 1150); // 1000 expected; 5 standard deviations is 150
    }
  }

  @Test
  void random_differentSeeds_differentMisses() {
    long[] refs = PageStrings.zipf(7, 5000, 500, 0.9);
    PolicySimulator a = new PolicySimulator(Policies.create(new RandomPolicyProvider(), 1), 50);
    PolicySimulator b = new PolicySimulator(Policies.create(new RandomPolicyProvider(), 2), 50);
    a.run(refs, 0, refs.length);
    b.run(refs, 0, refs.length);
    assertThat(a.misses()).isNotEqualTo(b.misses());
  }
}
