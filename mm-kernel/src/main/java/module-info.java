/**
 * The mmsim kernel facade: assembles a simulated kernel from providers chosen by name in a
 * configuration, boots it, runs processes and renders the /proc views.
 *
 * <p>Every SPI is discovered here, so this module declares every {@code uses}.
 */
module io.mmsim.kernel {
  requires transitive io.mmsim.api;
  requires org.slf4j;

  exports io.mmsim.kernel;
  exports io.mmsim.kernel.mm;
  exports io.mmsim.kernel.plugin;
  exports io.mmsim.kernel.stat;

  uses io.mmsim.api.spi.PageAllocatorProvider;
  uses io.mmsim.api.spi.ObjectAllocatorProvider;
  uses io.mmsim.api.spi.VirtualAllocatorProvider;
  uses io.mmsim.api.spi.PageTableProvider;
  uses io.mmsim.api.spi.FaultHandlerProvider;
  uses io.mmsim.api.spi.ReplacementPolicyProvider;
  uses io.mmsim.api.swap.SwapProvider;
}
