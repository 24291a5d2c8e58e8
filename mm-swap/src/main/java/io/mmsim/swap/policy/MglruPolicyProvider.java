package io.mmsim.swap.policy;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provider of the {@code mglru} replacement policy ({@code reclaim.policy=mglru}): the kernel's
 * multi-generational LRU (Linux 6.1+, {@code CONFIG_LRU_GEN}; mm/vmscan.c), whose aging walks page
 * tables for accessed bits. Keys: {@code mglru.swappiness} (0..200, default 60: the weight of anon
 * against file pages, {@code vm.swappiness}) and {@code mglru.min-ttl-ms} (default 0: the working
 * set protection of {@code /sys/kernel/mm/lru_gen/min_ttl_ms}).
 */
@AutoService(ReplacementPolicyProvider.class)
public final class MglruPolicyProvider implements ReplacementPolicyProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public MglruPolicyProvider() {}

  @Override
  public String name() {
    return "mglru";
  }

  @Override
  public String description() {
    return "the kernel's multi-gen LRU: generations aged by page-table walks with Bloom filters,"
        + " tiers balanced by refaults (Linux 6.1+, mm/vmscan.c lru_gen; Zhao, LWN 2021)";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Map<String, String> defaultSettings() {
    return Map.of("swappiness", "60", "min-ttl-ms", "0");
  }

  @Override
  public ReplacementPolicy create(ProviderContext ctx) {
    Settings s = ctx.settings();
    int swappiness = s.getInt("swappiness", 0, 200);
    long minTtl = s.getInt("min-ttl-ms", 0, Integer.MAX_VALUE);
    return PolicySizing.sized(
        new MglruPolicy(PolicySizing.initialCapacity(ctx), swappiness, minTtl), ctx);
  }
}
