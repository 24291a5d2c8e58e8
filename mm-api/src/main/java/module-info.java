/**
 * The contracts of mmsim: value types, SPI and provider interfaces, exceptions.
 *
 * <p>Every SPI is discovered by {@code io.mmsim.kernel}, which declares the {@code uses}: {@link
 * io.mmsim.api.spi.PageAllocatorProvider}, {@link io.mmsim.api.spi.ObjectAllocatorProvider}, {@link
 * io.mmsim.api.spi.VirtualAllocatorProvider}, {@link io.mmsim.api.spi.PageTableProvider}, {@link
 * io.mmsim.api.spi.FaultHandlerProvider} and {@link io.mmsim.api.spi.ReplacementPolicyProvider}.
 */
module io.mmsim.api {
  exports io.mmsim.api;
  exports io.mmsim.api.fault;
  exports io.mmsim.api.mem;
  exports io.mmsim.api.object;
  exports io.mmsim.api.page;
  exports io.mmsim.api.paging;
  exports io.mmsim.api.reclaim;
  exports io.mmsim.api.spi;
  exports io.mmsim.api.swap;
  exports io.mmsim.api.util;
  exports io.mmsim.api.vmalloc;
}
