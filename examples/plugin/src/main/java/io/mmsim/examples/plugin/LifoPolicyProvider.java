package io.mmsim.examples.plugin;

import com.google.auto.service.AutoService;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;

/**
 * The {@code lifo} replacement policy: evicts the page that became resident last.
 *
 * <p>It reads no settings. Select it with {@code reclaim.policy=lifo}.
 */
@AutoService(ReplacementPolicyProvider.class)
public final class LifoPolicyProvider implements ReplacementPolicyProvider {

  /** The provider name. */
  public static final String NAME = "lifo";

  /** Creates the provider; it does nothing until {@link #create}. */
  public LifoPolicyProvider() {
    // a provider is a cheap factory
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "last in, first out: evicts the newest resident page (example plug-in)";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public ReplacementPolicy create(ProviderContext ctx) {
    return new LifoPolicy();
  }
}
