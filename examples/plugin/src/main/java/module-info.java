/**
 * An mmsim plug-in, written as anyone outside the project writes one: a page allocator ({@code
 * firstfit}) and a replacement policy ({@code lifo}).
 *
 * <p>It needs only mm-api at compile time. Each provider is registered twice: {@code provides} here
 * (the module path) and {@code @AutoService} (META-INF/services, the class path).
 */
module io.mmsim.examples.plugin {
  requires io.mmsim.api;
  // AutoService writes META-INF/services at compile time; nothing is needed at run time
  requires static com.google.auto.service;

  provides io.mmsim.api.spi.PageAllocatorProvider with
      io.mmsim.examples.plugin.FirstFitProvider;
  provides io.mmsim.api.spi.ReplacementPolicyProvider with
      io.mmsim.examples.plugin.LifoPolicyProvider;
}
