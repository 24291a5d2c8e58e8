package io.mmsim.kernel;

import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.PageAllocatorProvider;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.SpiVersion;
import io.mmsim.testkit.object.SimplePageAllocator;

/**
 * A user's own page allocator, from the test sources: registered in the test resources'
 * META-INF/services so that discovery on the class path finds it like any other provider.
 */
public final class TrivialPageAllocatorProvider implements PageAllocatorProvider {
  /** Does nothing, as providers must. */
  public TrivialPageAllocatorProvider() {}

  @Override
  public String name() {
    return "trivial";
  }

  @Override
  public String description() {
    return "first-fit bitmap page allocator from the test sources";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public PageAllocator create(ProviderContext ctx) {
    return new SimplePageAllocator(ctx.layout());
  }
}
