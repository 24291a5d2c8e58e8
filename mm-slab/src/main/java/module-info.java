/**
 * The SLAB object allocator (Linux 6.7 and earlier; deprecated 6.5, removed 6.8), found through
 * {@link java.util.ServiceLoader} as the {@code slab} object allocator.
 */
module io.mmsim.slab {
  requires io.mmsim.api;
  requires org.slf4j;
  // @AutoService is a class-retention annotation: compile time only
  requires static com.google.auto.service;

  provides io.mmsim.api.spi.ObjectAllocatorProvider with
      io.mmsim.slab.SlabProvider;
}
