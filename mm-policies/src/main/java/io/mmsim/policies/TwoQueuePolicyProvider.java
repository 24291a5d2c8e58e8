package io.mmsim.policies;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provider of the {@code 2q} replacement policy ({@code reclaim.policy=2q}): a FIFO for new pages,
 * an LRU for pages seen again, a ghost FIFO of pages evicted early (Johnson and Shasha, VLDB '94).
 * Keys: {@code 2q.kin-ratio} (default 0.25), {@code 2q.kout-ratio} (default 0.5).
 */
@AutoService(ReplacementPolicyProvider.class)
public final class TwoQueuePolicyProvider implements ReplacementPolicyProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public TwoQueuePolicyProvider() {}

  @Override
  public String name() {
    return "2q";
  }

  @Override
  public String description() {
    return "2Q: a FIFO for new pages, an LRU for pages seen again, a ghost FIFO of pages evicted early (Johnson and Shasha, VLDB '94)";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Map<String, String> defaultSettings() {
    return Map.of("kin-ratio", "0.25", "kout-ratio", "0.5");
  }

  @Override
  public ReplacementPolicy create(ProviderContext ctx) {
    Settings s = ctx.settings();
    int expected = Sizing.expected(ctx);
    return new TwoQueuePolicy(
        PolicySettings.ratio(s, "kin-ratio", 0, 1),
        PolicySettings.ratio(s, "kout-ratio", 0, 16),
        expected);
  }
}
