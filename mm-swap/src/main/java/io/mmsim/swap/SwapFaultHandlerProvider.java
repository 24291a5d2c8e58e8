package io.mmsim.swap;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.fault.FaultHandler;
import io.mmsim.api.spi.FaultHandlerProvider;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.SpiVersion;
import io.mmsim.api.swap.SwapHandlerContext;

/**
 * Provider of the {@code swap} fault handler, which sits in front of {@code demand} in the chain
 * ({@code fault-handler=swap,demand}) and turns swap PTEs back into present ones. It reads no
 * settings of its own (the {@code swap.*} keys belong to the swap subsystem) and needs the kernel's
 * swap subsystem: the kernel passes a {@link SwapHandlerContext}.
 */
@AutoService(FaultHandlerProvider.class)
public final class SwapFaultHandlerProvider implements FaultHandlerProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public SwapFaultHandlerProvider() {}

  @Override
  public String name() {
    return "swap";
  }

  @Override
  public String description() {
    return "swap-in of non-present PTEs holding swap entries (do_swap_page); use before demand";
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
   * The handler over the context's swap subsystem.
   *
   * @throws ConfigurationException (key {@code fault-handler}) when the kernel has no swap
   *     subsystem to give
   */
  @Override
  public FaultHandler create(ProviderContext ctx) {
    if (!(ctx instanceof SwapHandlerContext sc) || sc.swapSystem() == null) {
      throw new ConfigurationException(
          "fault-handler",
          "fault handler 'swap' needs the swap"
              + " subsystem, but the kernel has none (is the swap provider on the module path?)");
    }
    return new SwapFaultHandler(sc.swapSystem(), ctx.tracer());
  }
}
