package io.mmsim.paging.demand;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.fault.FaultHandler;
import io.mmsim.api.spi.FaultHandlerProvider;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.SpiVersion;

/**
 * The {@code demand} fault handler: demand paging as Linux's {@code handle_mm_fault} does it for
 * missing and write-protected pages: the shared zero page, zeroed anonymous pages, page-cache pages
 * of files (major faults when read), copy-on-write and reuse of exclusive pages, and the SIGSEGV /
 * SIGBUS decisions. Swap entries are left to a handler earlier in the chain.
 *
 * <p>It has no settings of its own; {@code vm.zero-page} reaches it through {@link
 * io.mmsim.api.fault.FaultContext#zeroPfn()}.
 */
@AutoService(FaultHandlerProvider.class)
public final class DemandPagingProvider implements FaultHandlerProvider {

  /** Creates the provider; it does nothing until {@link #create}. */
  public DemandPagingProvider() {}

  @Override
  public String name() {
    return DemandFaultHandler.NAME;
  }

  @Override
  public String description() {
    return "demand paging: zero page, anonymous and file pages, copy-on-write, SIGSEGV/SIGBUS";
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
  public FaultHandler create(ProviderContext ctx) {
    return new DemandFaultHandler(ctx.tracer());
  }
}
