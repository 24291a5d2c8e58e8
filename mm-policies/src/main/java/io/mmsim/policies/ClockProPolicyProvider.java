package io.mmsim.policies;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provider of the {@code clock-pro} replacement policy ({@code reclaim.policy=clock-pro}): a clock
 * with hot, cold and test hands, reuse distance as in LIRS (Jiang, Chen and Zhang, USENIX ATC '05).
 * Keys: {@code clock-pro.cold-ratio} (default 1.0).
 */
@AutoService(ReplacementPolicyProvider.class)
public final class ClockProPolicyProvider implements ReplacementPolicyProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public ClockProPolicyProvider() {}

  @Override
  public String name() {
    return "clock-pro";
  }

  @Override
  public String description() {
    return "CLOCK-Pro: a clock with hot, cold and test hands, reuse distance as in LIRS (Jiang, Chen and Zhang, USENIX ATC '05)";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Map<String, String> defaultSettings() {
    return Map.of("cold-ratio", "1.0");
  }

  @Override
  public ReplacementPolicy create(ProviderContext ctx) {
    Settings s = ctx.settings();
    int expected = Sizing.expected(ctx);
    return new ClockProPolicy(PolicySettings.ratio(s, "cold-ratio", 0, 1), expected);
  }
}
