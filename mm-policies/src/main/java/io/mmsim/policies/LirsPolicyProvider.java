package io.mmsim.policies;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provider of the {@code lirs} replacement policy ({@code reclaim.policy=lirs}): pages with short
 * reuse distances (LIR) keep memory, the rest share 1 % of it (Jiang and Zhang, SIGMETRICS '02).
 * Keys: {@code lirs.hir-ratio} (default 0.01), {@code lirs.stack-ratio} (default 2), {@code
 * lirs.variant} ({@code libcachesim}, the default: libCacheSim's LIRS.c, which may hold a few pages
 * beyond the frames; or {@code paper}: never more pages than frames).
 */
@AutoService(ReplacementPolicyProvider.class)
public final class LirsPolicyProvider implements ReplacementPolicyProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public LirsPolicyProvider() {}

  @Override
  public String name() {
    return "lirs";
  }

  @Override
  public String description() {
    return "LIRS: pages with short reuse distances (LIR) keep memory, the rest share 1 % of it (Jiang and Zhang, SIGMETRICS '02); lirs.variant=libcachesim (default) is libCacheSim's LIRS.c, which may hold a few pages beyond the frames, paper never does";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Map<String, String> defaultSettings() {
    return Map.of("hir-ratio", "0.01", "stack-ratio", "2", "variant", "libcachesim");
  }

  @Override
  public ReplacementPolicy create(ProviderContext ctx) {
    Settings s = ctx.settings();
    int expected = Sizing.expected(ctx);
    return new LirsPolicy(
        PolicySettings.ratio(s, "hir-ratio", 0, 1),
        PolicySettings.ratio(s, "stack-ratio", 1, 1024),
        PolicySettings.choice(s, "variant", "libcachesim", "paper").equals("libcachesim"),
        expected);
  }
}
