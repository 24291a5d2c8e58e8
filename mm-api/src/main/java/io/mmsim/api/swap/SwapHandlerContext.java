package io.mmsim.api.swap;

import io.mmsim.api.spi.ProviderContext;

/**
 * The context the kernel passes to providers that work with swap, such as the {@code swap} fault
 * handler: a {@link ProviderContext} that also reaches the kernel's {@link SwapSystem}.
 *
 * @since 1.0
 */
public interface SwapHandlerContext extends ProviderContext {

  /** The kernel's swap subsystem. */
  SwapSystem swapSystem();
}
