package io.mmsim.api.spi;

import io.mmsim.api.fault.FaultHandler;

/**
 * Creates fault handlers (config key {@code fault-handler}, a comma-separated chain).
 *
 * @since 1.0
 */
public interface FaultHandlerProvider extends Provider {

  /** A handler; per-fault services arrive with each fault. */
  FaultHandler create(ProviderContext ctx);
}
