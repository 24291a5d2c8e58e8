package io.mmsim.policies;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provider of the {@code random} replacement policy ({@code reclaim.policy=random}): evicts a
 * resident page chosen uniformly, seeded from the kernel's seed.
 */
@AutoService(ReplacementPolicyProvider.class)
public final class RandomPolicyProvider implements ReplacementPolicyProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public RandomPolicyProvider() {}

  @Override
  public String name() {
    return "random";
  }

  @Override
  public String description() {
    return "random: evicts a resident page chosen uniformly, seeded from the kernel's seed";
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
    return new RandomPolicy(ctx.seed(), expected);
  }
}
