package io.mmsim.swap.policy;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provider of the {@code clock} replacement policy: clock (second chance): a hand clears accessed
 * bits until it finds a clear one.
 */
@AutoService(ReplacementPolicyProvider.class)
public final class ClockPolicyProvider implements ReplacementPolicyProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public ClockPolicyProvider() {}

  @Override
  public String name() {
    return "clock";
  }

  @Override
  public String description() {
    return "clock (second chance): a hand clears accessed bits until it finds a clear one";
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
    return PolicySizing.sized(new ClockPolicy(PolicySizing.initialCapacity(ctx)), ctx);
  }
}
