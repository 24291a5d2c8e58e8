package io.mmsim.policies;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provider of the {@code mru} replacement policy ({@code reclaim.policy=mru}): evicts the most
 * recently used page, the right choice for loops larger than memory.
 */
@AutoService(ReplacementPolicyProvider.class)
public final class MruPolicyProvider implements ReplacementPolicyProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public MruPolicyProvider() {}

  @Override
  public String name() {
    return "mru";
  }

  @Override
  public String description() {
    return "MRU: evicts the most recently used page, the right choice for loops larger than memory";
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
    return new MruPolicy(expected);
  }
}
