package io.mmsim.swap.policy;

import java.util.HashSet;
import java.util.Set;

import io.mmsim.api.reclaim.ReferenceString;
import io.mmsim.api.reclaim.ReplacementPolicy;

/**
 * The small simulation that drives a policy over a reference string with N frames and counts
 * misses, as ReplacementPolicy's contract describes: a miss with N pages resident asks for a victim
 * first; every reference sets the page's accessed bit (a set the victim search may test and clear);
 * hits call access() when the policy wants every reference.
 */
final class PolicySimulator {
  private PolicySimulator() {}

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
    Set<Long> young = new HashSet<>();
    ReplacementPolicy.ReferenceBits bits = young::remove;
    int misses = 0;
    for (int i = 0; i < refs.length; i++) {
      if (future != null) {
        future.seek(i);
      }
      long page = refs[i];
      if (policy.contains(page)) {
        if (policy.wantsEveryReference()) {
          policy.access(page);
        }
      } else {
        misses++;
        if (policy.resident() == frames) {
          long v = policy.victim(bits);
          if (v == ReplacementPolicy.NO_VICTIM || policy.contains(v)) {
            throw new AssertionError("bad victim " + v + " at reference " + i);
          }
          young.remove(v);
        }
        policy.insert(page);
      }
      young.add(page);
      if (check) {
        policy.checkInvariants();
        if (policy.resident() > frames) {
          throw new AssertionError(policy.resident() + " resident with " + frames + " frames");
        }
      }
    }
    return misses;
  }
}
