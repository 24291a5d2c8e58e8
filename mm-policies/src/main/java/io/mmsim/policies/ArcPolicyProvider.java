package io.mmsim.policies;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provider of the {@code arc} replacement policy ({@code reclaim.policy=arc}): LRU lists for pages
 * seen once and twice, sized by ghost hits (Megiddo and Modha, FAST '03).
 */
@AutoService(ReplacementPolicyProvider.class)
public final class ArcPolicyProvider implements ReplacementPolicyProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public ArcPolicyProvider() {}

  @Override
  public String name() {
    return "arc";
  }

  @Override
  public String description() {
    return "ARC, adaptive replacement cache: LRU lists for pages seen once and twice, sized by ghost hits (Megiddo and Modha, FAST '03)";
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
    return new ArcPolicy(expected);
  }
}
