package io.mmsim.api.spi;

import io.mmsim.api.object.ObjectAllocator;

/**
 * Creates object allocators (config key {@code object-allocator}).
 *
 * @since 1.0
 */
public interface ObjectAllocatorProvider extends Provider {

  /** A new allocator over {@code ctx.pageAllocator()}, with its kmalloc caches created. */
  ObjectAllocator create(MemoryContext ctx);
}
