/**
 * The SLUB object allocator (provider {@code slub}): per-CPU slabs, partial lists, merging and
 * slub_debug, modelled on Linux 6.17 and before. Found through ServiceLoader; exports nothing.
 */
module io.mmsim.slub {
  requires io.mmsim.api;
  requires org.slf4j;
  // AutoService generates META-INF/services at compile time only
  requires static com.google.auto.service;

  provides io.mmsim.api.spi.ObjectAllocatorProvider with
      io.mmsim.slub.SlubProvider;
}
