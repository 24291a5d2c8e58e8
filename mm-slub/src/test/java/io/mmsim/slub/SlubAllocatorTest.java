package io.mmsim.slub;

import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.testkit.object.ObjectAllocatorContract;

/** SLUB against the object-allocator contract, over the trivial SimplePageAllocator. */
final class SlubAllocatorTest extends ObjectAllocatorContract {

  @Override
  protected ObjectAllocator createAllocator(MemoryContext ctx) {
    return new SlubProvider().create(ctx);
  }
}
