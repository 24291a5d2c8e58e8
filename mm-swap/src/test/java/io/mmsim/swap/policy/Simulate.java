package io.mmsim.swap.policy;

import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.reclaim.ReferenceString;
import io.mmsim.api.reclaim.ReplacementPolicy;

/**
 * Runs a policy through mm-api's {@link PolicySimulator} (the driver the ReplacementPolicy contract
 * describes), optionally checking the policy's invariants after every reference.
 */
final class Simulate {
  private Simulate() {}

  /** Misses of {@code policy} over {@code refs} with {@code frames} frames. */
  static int misses(ReplacementPolicy policy, long[] refs, int frames) {
    return misses(policy, refs, frames, null, false);
  }

  /**
   * Misses, moving {@code future} along when given, and checking the policy's invariants after
   * every reference when {@code check} is set.
   */
  static int misses(
      ReplacementPolicy policy, long[] refs, int frames, ReferenceString future, boolean check) {
    PolicySimulator s = new PolicySimulator(policy, frames);
    for (int i = 0; i < refs.length; i++) {
      if (future != null) {
        future.seek(i);
      }
      s.reference(refs[i]);
      if (check) {
        policy.checkInvariants();
        if (policy.resident() > frames) {
          throw new AssertionError(policy.resident() + " resident with " + frames + " frames");
        }
      }
    }
    return Math.toIntExact(s.misses());
  }
}
