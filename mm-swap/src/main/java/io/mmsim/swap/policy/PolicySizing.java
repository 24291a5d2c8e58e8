package io.mmsim.swap.policy;

import io.mmsim.api.spi.ProviderContext;

/** The initial table size of a new policy; tables double as pages arrive. */
final class PolicySizing {
  private PolicySizing() {}

  private static final int MAX_INITIAL = 1 << 12;

  /**
   * {@code policy}, with frame numbers indexed by array: a policy of the whole machine tracks frame
   * numbers below the machine's frame count (a process's policy tracks virtual page numbers, which
   * mostly lie above it and are hashed).
   */
  static <P extends ListPolicy> P sized(P policy, ProviderContext ctx) {
    if (ctx != null && ctx.layout() != null) {
      policy.nodes.denseKeysBelow(ctx.layout().frames());
    }
    return policy;
  }

  static int initialCapacity(ProviderContext ctx) {
    long frames = ctx == null || ctx.layout() == null ? 64 : ctx.layout().frames();
    return (int) Math.max(64, Math.min(MAX_INITIAL, frames));
  }
}
