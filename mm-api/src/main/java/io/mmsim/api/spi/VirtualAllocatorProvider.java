package io.mmsim.api.spi;

import io.mmsim.api.vmalloc.VirtualAllocator;

/**
 * Creates vmalloc allocators (config key {@code virtual-allocator}).
 *
 * @since 1.0
 */
public interface VirtualAllocatorProvider extends Provider {

  /** A new allocator over the context's page allocator and page tables. */
  VirtualAllocator create(VirtualAllocatorContext ctx);
}
