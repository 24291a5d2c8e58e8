/** mmsim's vmalloc module; its provider is found through ServiceLoader. */
module io.mmsim.vmalloc {
  requires io.mmsim.api;
  requires org.slf4j;
  // @AutoService: class-retention annotation, needed only at compile time
  requires static com.google.auto.service;

  provides io.mmsim.api.spi.VirtualAllocatorProvider with
      io.mmsim.vmalloc.VmallocProvider;
}
