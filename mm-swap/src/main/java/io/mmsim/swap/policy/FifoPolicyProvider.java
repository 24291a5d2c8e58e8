package io.mmsim.swap.policy;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provider of the {@code fifo} replacement policy: first in, first out (shows Belady's anomaly).
 */
@AutoService(ReplacementPolicyProvider.class)
public final class FifoPolicyProvider implements ReplacementPolicyProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public FifoPolicyProvider() {}

  @Override
  public String name() {
    return "fifo";
  }

  @Override
  public String description() {
    return "first in, first out (shows Belady's anomaly)";
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
    return PolicySizing.sized(new FifoPolicy(PolicySizing.initialCapacity(ctx)), ctx);
  }
}
