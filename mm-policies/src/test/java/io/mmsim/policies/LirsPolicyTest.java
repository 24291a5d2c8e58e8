package io.mmsim.policies;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/** LIRS through the replacement-policy contract. */
final class LirsPolicyTest extends ReplacementPolicyContract {

  @Override
  protected ReplacementPolicyProvider provider() {
    return new LirsPolicyProvider();
  }

  /*
   * 5 frames: h = 1, L = 4. 1..4 enter as LIR, 5 as resident HIR. 6 evicts Q's only page, 5,
   * which stays in S as non-resident, and enters as resident HIR. The miss on 5 finds it in S:
   * it evicts 6 (Q's end) and becomes LIR; the bottom LIR page, 1, turns resident HIR.
   */
  @Test
  void lirs_missOnANonResidentPageInTheStack_makesItLir() {
    PolicySimulator s = Policies.run(new LirsPolicyProvider(), 5, 1, 2, 3, 4, 5, 6);
    LirsPolicy p = (LirsPolicy) s.policy();
    assertThat(p.status(5)).isEqualTo("non-resident");
    assertThat(p.status(6)).isEqualTo("HIR");
    s.reference(5);
    assertThat(p.status(5)).isEqualTo("LIR");
    assertThat(p.status(1)).isEqualTo("HIR");
    assertThat(p.status(6)).isEqualTo("non-resident");
    p.checkInvariants();
  }

  /* A hit on a resident HIR page in S makes it LIR; one not in S stays HIR (the paper's rule). */
  @Test
  void lirs_hitOnResidentHir_promotedOnlyWhenInTheStack() {
    PolicySimulator s = Policies.run(new LirsPolicyProvider(), 5, 1, 2, 3, 4, 5, 5);
    LirsPolicy p = (LirsPolicy) s.policy();
    assertThat(p.status(5)).isEqualTo("LIR");
    assertThat(p.status(1)).isEqualTo("HIR");
    assertThat(p.inStack(1)).isFalse(); // pruned off the bottom
    s.reference(1); // resident HIR, not in S: stays HIR, back on top of S
    assertThat(p.status(1)).isEqualTo("HIR");
    assertThat(p.inStack(1)).isTrue();
    assertThat(p.resident()).isEqualTo(5);
  }
}
