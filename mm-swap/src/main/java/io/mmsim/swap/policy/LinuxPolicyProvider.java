package io.mmsim.swap.policy;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.Priority;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provider of the {@code linux} replacement policy (the default): the kernel's active/inactive
 * lists with second chance through the PTE accessed bit.
 */
@AutoService(ReplacementPolicyProvider.class)
public final class LinuxPolicyProvider implements ReplacementPolicyProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public LinuxPolicyProvider() {}

  @Override
  public String name() {
    return "linux";
  }

  @Override
  public String description() {
    return "the kernel's active/inactive lists with second chance through the PTE accessed bit";
  }

  /** The default policy: chosen when {@code reclaim.policy} names none. */
  @Override
  public int priority() {
    return Priority.PREFERRED;
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
    return PolicySizing.sized(new LinuxPolicy(PolicySizing.initialCapacity(ctx)), ctx);
  }
}
