package io.mmsim.policies;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/** 2Q through the replacement-policy contract. */
final class TwoQueuePolicyTest extends ReplacementPolicyContract {

  @Override
  protected ReplacementPolicyProvider provider() {
    return new TwoQueuePolicyProvider();
  }

  /*
   * 8 frames: Kin = 2, Kout = 4. 1..8 enter A1in; 9 evicts A1in's oldest, 1, into A1out (A1in
   * holds 8 > Kin). A hit in A1in changes nothing; the miss on 1 finds its ghost: 1 enters Am.
   */
  @Test
  void twoQ_pageSeenAgainAfterEviction_entersAm() {
    PolicySimulator s = Policies.run(new TwoQueuePolicyProvider(), 8, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    TwoQueuePolicy p = (TwoQueuePolicy) s.policy();
    assertThat(p.contains(1)).isFalse();
    assertThat(p.statistics().get("nr_a1out")).isEqualTo(1);
    s.reference(2); // a hit in A1in
    s.reference(1); // 2 is A1in's oldest now and goes; 1 comes back into Am
    assertThat(p.contains(2)).isFalse();
    assertThat(p.statistics().get("nr_am")).isEqualTo(1);
    assertThat(p.statistics().get("ghost_hits")).isEqualTo(1);
  }

  @Test
  void twoQ_ghostsBeyondKout_areForgotten() {
    long[] refs = new long[20];
    for (int i = 0; i < 20; i++) {
      refs[i] = i + 1;
    }
    PolicySimulator s = Policies.run(new TwoQueuePolicyProvider(), 8, refs);
    assertThat(s.policy().statistics().get("nr_a1out")).isEqualTo(4);
  }
}
