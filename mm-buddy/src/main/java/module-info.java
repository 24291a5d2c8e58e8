/**
 * The buddy page allocator (provider {@code buddy}): Linux's zoned binary buddy allocator with
 * watermarks and per-CPU page lists.
 */
module io.mmsim.buddy {
  requires io.mmsim.api;
  requires org.slf4j;
  // AutoService writes META-INF/services at compile time; nothing is needed at run time
  requires static com.google.auto.service;

  provides io.mmsim.api.spi.PageAllocatorProvider with
      io.mmsim.buddy.BuddyProvider;
}
