package io.mmsim.policies;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provider of the {@code sieve} replacement policy ({@code reclaim.policy=sieve}): a FIFO whose
 * hand spares visited pages in place and keeps its position (Zhang et al., NSDI '24).
 */
@AutoService(ReplacementPolicyProvider.class)
public final class SievePolicyProvider implements ReplacementPolicyProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public SievePolicyProvider() {}

  @Override
  public String name() {
    return "sieve";
  }

  @Override
  public String description() {
    return "SIEVE: a FIFO whose hand spares visited pages in place and keeps its position (Zhang et al., NSDI '24)";
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
    return new SievePolicy(expected);
  }
}
