package io.mmsim.policies;

import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ReplacementPolicyProvider;

/** Small helpers of the policy tests: build with defaults, drive by hand. */
final class Policies {
  private Policies() {}

  static ReplacementPolicy create(ReplacementPolicyProvider p) {
    return LibCacheSimParityTest.create(p, 1);
  }

  static ReplacementPolicy create(ReplacementPolicyProvider p, long seed) {
    return LibCacheSimParityTest.create(p, seed);
  }

  /** LIRS with {@code lirs.variant} set to {@code variant}. */
  static ReplacementPolicy lirs(String variant) {
    return LibCacheSimParityTest.create(
        new LirsPolicyProvider(), 1, java.util.Map.of("variant", variant));
  }

  /** A simulator over {@code policy} (new) with {@code frames} frames that has seen refs. */
  static PolicySimulator run(ReplacementPolicy policy, int frames, long... refs) {
    PolicySimulator s = new PolicySimulator(policy, frames);
    s.run(refs, 0, refs.length);
    s.policy().checkInvariants();
    return s;
  }

  /** A simulator over a new policy of {@code p} with {@code frames} frames that has seen refs. */
  static PolicySimulator run(ReplacementPolicyProvider p, int frames, long... refs) {
    PolicySimulator s = new PolicySimulator(create(p), frames);
    s.run(refs, 0, refs.length);
    s.policy().checkInvariants();
    return s;
  }
}
