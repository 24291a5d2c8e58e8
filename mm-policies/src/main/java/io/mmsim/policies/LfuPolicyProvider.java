package io.mmsim.policies;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provider of the {@code lfu} replacement policy ({@code reclaim.policy=lfu}): evicts the resident
 * page with the fewest references, the oldest of them on a tie.
 */
@AutoService(ReplacementPolicyProvider.class)
public final class LfuPolicyProvider implements ReplacementPolicyProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public LfuPolicyProvider() {}

  @Override
  public String name() {
    return "lfu";
  }

  @Override
  public String description() {
    return "LFU: evicts the resident page with the fewest references, the oldest of them on a tie";
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
    int expected = Sizing.expected(ctx);
    return new LfuPolicy(expected);
  }
}
