package io.mmsim.swap.policy;

import io.mmsim.api.reclaim.ReferenceString;

/** Miss counts of the policy simulation, for tests in other packages. */
public final class PolicyMisses {
  private PolicyMisses() {}

  /** Misses of policy {@code name} over {@code refs} with {@code frames} frames. */
  public static long misses(String name, long[] refs, int frames) {
    ReferenceString f = ReferenceString.of(refs);
    return switch (name) {
      case "fifo" -> Simulate.misses(new FifoPolicy(4), refs, frames);
      case "lru" -> Simulate.misses(new LruPolicy(4), refs, frames);
      case "clock" -> Simulate.misses(new ClockPolicy(4), refs, frames);
      case "opt" -> Simulate.misses(new OptPolicy(f, 4), refs, frames, f, false);
      default -> throw new IllegalArgumentException(name);
    };
  }
}
