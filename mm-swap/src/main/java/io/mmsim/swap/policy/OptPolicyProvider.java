package io.mmsim.swap.policy;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.reclaim.PolicyContext;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provider of the {@code opt} replacement policy (Belady's optimal). It needs the workload's future
 * references: the kernel must pass a {@link PolicyContext} whose {@link PolicyContext#future()} is
 * not {@code null}, as in trace replay.
 */
@AutoService(ReplacementPolicyProvider.class)
public final class OptPolicyProvider implements ReplacementPolicyProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public OptPolicyProvider() {}

  @Override
  public String name() {
    return "opt";
  }

  @Override
  public String description() {
    return "Belady's optimal: evicts the page used furthest in the future (trace replay only)";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Map<String, String> defaultSettings() {
    return Map.of();
  }

  /**
   * An OPT policy over the context's future references.
   *
   * @throws ConfigurationException (key {@code reclaim.policy}) when the future is not known
   */
  @Override
  public ReplacementPolicy create(ProviderContext ctx) {
    if (!(ctx instanceof PolicyContext pc) || pc.future() == null) {
      throw new ConfigurationException(
          "reclaim.policy",
          "reclaim.policy=opt needs the whole"
              + " reference string in advance: it works only when a trace is replayed (the kernel"
              + " passes its future references in a PolicyContext)");
    }
    return new OptPolicy(pc.future(), PolicySizing.initialCapacity(ctx));
  }
}
