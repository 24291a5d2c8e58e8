package io.mmsim.policies;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/** S3-FIFO through the replacement-policy contract. */
final class S3FifoPolicyTest extends ReplacementPolicyContract {

  @Override
  protected ReplacementPolicyProvider provider() {
    return new S3FifoPolicyProvider();
  }

  /*
   * 20 frames: S = 2, M = 18, G = 18. Pages 1..20 all enter S (it is bounded only by the cache).
   * 21 misses: M (0) is within its share, so S's oldest, 1 (no hits), is evicted into G.
   */
  @Test
  void s3fifo_newPagesFillSmallThenTheOldestGoesToTheGhosts() {
    long[] refs = new long[21];
    for (int i = 0; i < 21; i++) {
      refs[i] = i + 1;
    }
    PolicySimulator s = Policies.run(new S3FifoPolicyProvider(), 20, refs);
    S3FifoPolicy p = (S3FifoPolicy) s.policy();
    assertThat(p.contains(1)).isFalse();
    assertThat(p.statistics().get("nr_small")).isEqualTo(20);
    assertThat(p.statistics().get("nr_ghost")).isEqualTo(1);
    s.reference(1); // a ghost hit: straight to M; S's oldest, 2, goes
    assertThat(p.statistics().get("nr_main")).isEqualTo(1);
    assertThat(p.statistics().get("ghost_hits")).isEqualTo(1);
    assertThat(p.contains(2)).isFalse();
  }

  /* A page hit twice in S moves to M when it reaches S's end; once is not enough (the code's 2). */
  @Test
  void s3fifo_twoHitsInSmall_moveAPageToMainOneDoesNot() {
    long[] refs = new long[20];
    for (int i = 0; i < 20; i++) {
      refs[i] = i + 1;
    }
    PolicySimulator s = Policies.run(new S3FifoPolicyProvider(), 20, refs);
    s.reference(1);
    s.reference(1);
    s.reference(2);
    s.reference(21); // 1 (2 hits) moves to M, 2 (1 hit) is evicted
    S3FifoPolicy p = (S3FifoPolicy) s.policy();
    assertThat(p.contains(1)).isTrue();
    assertThat(p.contains(2)).isFalse();
    assertThat(p.statistics().get("moved_to_main")).isEqualTo(1);
  }
}
