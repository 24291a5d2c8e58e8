package io.mmsim.examples.plugin;

import com.google.auto.service.AutoService;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.PageAllocatorProvider;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.SpiVersion;

/**
 * The {@code firstfit} page allocator: address-ordered first fit over free extents, zones tried
 * from the highest allowed down, the kernel's min watermark honoured, no per-CPU lists.
 *
 * <p>It reads no settings. Select it with {@code page-allocator=firstfit}.
 */
@AutoService(PageAllocatorProvider.class)
public final class FirstFitProvider implements PageAllocatorProvider {

  /** The provider name. */
  public static final String NAME = "firstfit";

  /** Creates the provider; it does nothing until {@link #create}. */
  public FirstFitProvider() {
    // a provider is a cheap factory
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "address-ordered first fit over free extents, no per-CPU lists (example plug-in)";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public PageAllocator create(ProviderContext ctx) {
    try {
      return new FirstFitAllocator(ctx.layout());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("memory.size", e.getMessage(), e);
    }
  }
}
