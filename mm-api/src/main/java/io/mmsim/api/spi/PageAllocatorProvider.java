package io.mmsim.api.spi;

import io.mmsim.api.page.PageAllocator;

/**
 * Creates page allocators (config key {@code page-allocator}).
 *
 * @since 1.0
 */
public interface PageAllocatorProvider extends Provider {

  /** A new, empty allocator for the layout in {@code ctx}; the boot hand-off fills it. */
  PageAllocator create(ProviderContext ctx);
}
