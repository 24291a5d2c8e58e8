/**
 * mmsim's SLOB object allocator (provider {@code slob}): the "simple list of blocks" allocator of
 * Linux 6.3 and before, deprecated in 6.2 and removed in 6.4.
 *
 * @provides io.mmsim.api.spi.ObjectAllocatorProvider the {@code slob} object allocator
 */
module io.mmsim.slob {
  requires io.mmsim.api;
  requires org.slf4j;
  // AutoService writes META-INF/services at compile time; nothing is needed at run time
  requires static com.google.auto.service;

  provides io.mmsim.api.spi.ObjectAllocatorProvider with
      io.mmsim.slob.SlobProvider;
}
