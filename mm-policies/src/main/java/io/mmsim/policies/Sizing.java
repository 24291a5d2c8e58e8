package io.mmsim.policies;

import io.mmsim.api.spi.ProviderContext;

/** The initial table size of a new policy; tables double as pages arrive. */
final class Sizing {
  private Sizing() {}

  private static final int MAX_INITIAL = 1 << 12;

  static int expected(ProviderContext ctx) {
    long frames = ctx == null || ctx.layout() == null ? 64 : ctx.layout().frames();
    return (int) Math.max(64, Math.min(MAX_INITIAL, frames));
  }
}
