/**
 * The contracts of mmsim: value types, SPI and provider interfaces, exceptions.
 *
 * <p>Every SPI is discovered by {@code io.mmsim.kernel}, which declares the {@code uses}: {@link
 * io.mmsim.api.spi.PageAllocatorProvider}, {@link io.mmsim.api.spi.ObjectAllocatorProvider}, {@link
 * io.mmsim.api.spi.VirtualAllocatorProvider}, {@link io.mmsim.api.spi.PageTableProvider}, {@link
 * io.mmsim.api.spi.FaultHandlerProvider}, {@link io.mmsim.api.spi.ReplacementPolicyProvider} and
 * {@link io.mmsim.api.swap.SwapProvider}.
 *
 * <h2>One internal package</h2>
 *
 * {@code io.mmsim.api.util} (bit arithmetic, a primitive {@code long}-to-{@code long} map,
 * int-array lists) is not API: it is code the built-in modules share so that no two of them keep a
 * copy, while the rule that an implementation module never imports another one still holds. It is
 * exported only to those modules, by name, so that nothing outside mmsim can come to depend on it
 * and it can change with them. An outside module (a plug-in) uses the JDK for the same needs. This
 * is the only qualified export; every other package is exported to all. The modules named are built
 * after this one, so the compiler's "module not found" lint is off for this module.
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
  exports io.mmsim.api.trace;
  exports io.mmsim.api.vmalloc;
  exports io.mmsim.api.util to
      io.mmsim.buddy,
      io.mmsim.slab,
      io.mmsim.slub,
      io.mmsim.slob,
      io.mmsim.vmalloc,
      io.mmsim.paging,
      io.mmsim.swap,
      io.mmsim.kernel;
}
