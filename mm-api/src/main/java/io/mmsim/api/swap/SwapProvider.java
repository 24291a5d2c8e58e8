package io.mmsim.api.swap;

import io.mmsim.api.spi.Provider;

/**
 * Creates the swap subsystem (settings prefix {@code swap}: {@code swap.files}, {@code
 * swap.memory}, fault injection). The kernel creates one per boot when a provider is found and
 * hands it to the providers that need it through {@link SwapHandlerContext}.
 *
 * @since 1.0
 */
public interface SwapProvider extends Provider {

  /**
   * A swap subsystem with the configured areas active.
   *
   * @throws SwapException when a configured swap file is refused
   * @throws io.mmsim.api.ConfigurationException when a setting does not parse
   */
  SwapSystem create(SwapContext ctx);
}
