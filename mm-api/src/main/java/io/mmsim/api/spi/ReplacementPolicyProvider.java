package io.mmsim.api.spi;

import io.mmsim.api.reclaim.ReplacementPolicy;

/**
 * Creates replacement policies (config key {@code reclaim.policy}).
 *
 * @since 1.0
 */
public interface ReplacementPolicyProvider extends Provider {

  /** A new, empty policy. */
  ReplacementPolicy create(ProviderContext ctx);
}
