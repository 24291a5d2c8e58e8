package io.mmsim.policies;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provider of the {@code s3fifo} replacement policy ({@code reclaim.policy=s3fifo}): a small FIFO
 * filters pages seen once, a main FIFO with reinsertion, a ghost FIFO (Yang et al., SOSP '23).
 * Keys: {@code s3fifo.small-ratio} (default 0.1), {@code s3fifo.ghost-ratio} (default 0.9), {@code
 * s3fifo.move-threshold} (default 2), {@code s3fifo.freq-cap} (default 3).
 */
@AutoService(ReplacementPolicyProvider.class)
public final class S3FifoPolicyProvider implements ReplacementPolicyProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public S3FifoPolicyProvider() {}

  @Override
  public String name() {
    return "s3fifo";
  }

  @Override
  public String description() {
    return "S3-FIFO: a small FIFO filters pages seen once, a main FIFO with reinsertion, a ghost FIFO (Yang et al., SOSP '23)";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Map<String, String> defaultSettings() {
    return Map.of(
        "small-ratio", "0.1", "ghost-ratio", "0.9", "move-threshold", "2", "freq-cap", "3");
  }

  @Override
  public ReplacementPolicy create(ProviderContext ctx) {
    Settings s = ctx.settings();
    int expected = Sizing.expected(ctx);
    return new S3FifoPolicy(
        PolicySettings.ratio(s, "small-ratio", 0, 1),
        PolicySettings.ratio(s, "ghost-ratio", 0, 16),
        PolicySettings.count(s, "move-threshold", 1, 1 << 20),
        PolicySettings.count(s, "freq-cap", 1, 1 << 20),
        expected);
  }
}
