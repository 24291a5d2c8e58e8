package io.mmsim.slab;

import io.mmsim.api.object.KmallocSizes;
import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.testkit.object.ObjectAllocatorContract;

/** The object allocator contract, run against SLAB (smallest kmalloc class 32). */
final class SlabAllocatorTest extends ObjectAllocatorContract {

  @Override
  protected ObjectAllocator createAllocator(MemoryContext ctx) {
    return new SlabProvider().create(ctx);
  }

  @Override
  protected int kmallocMinShift() {
    return KmallocSizes.KMALLOC_SHIFT_LOW_SLAB;
  }
}
