/**
 * x86-64 paging for mmsim: the {@code x86_64} page tables and MMUs, and the {@code demand} fault
 * handler. Both are found through {@link java.util.ServiceLoader}; the module exports nothing.
 */
module io.mmsim.paging {
  requires io.mmsim.api;
  requires org.slf4j;
  // AutoService's annotation is needed only at compile time (class retention).
  requires static com.google.auto.service;

  provides io.mmsim.api.spi.PageTableProvider with
      io.mmsim.paging.x86.X86PageTableProvider;
  provides io.mmsim.api.spi.FaultHandlerProvider with
      io.mmsim.paging.demand.DemandPagingProvider;
}
