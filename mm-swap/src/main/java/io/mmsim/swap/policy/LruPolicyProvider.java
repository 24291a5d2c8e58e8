package io.mmsim.swap.policy;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provider of the {@code lru} replacement policy: exact least-recently-used, every reference
 * counts.
 */
@AutoService(ReplacementPolicyProvider.class)
public final class LruPolicyProvider implements ReplacementPolicyProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public LruPolicyProvider() {}

  @Override
  public String name() {
    return "lru";
  }

  @Override
  public String description() {
    return "exact least-recently-used, every reference counts";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Map<String, String> defaultSettings() {
    return Map.of();
  }

  @Override
  public ReplacementPolicy create(ProviderContext ctx) {
    return PolicySizing.sized(new LruPolicy(PolicySizing.initialCapacity(ctx)), ctx);
  }
}
