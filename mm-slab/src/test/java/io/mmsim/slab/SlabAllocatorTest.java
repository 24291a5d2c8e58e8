package io.mmsim.slab;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.object.KmallocSizes;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.testkit.object.ObjectAllocatorContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

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

  /**
   * The contract's version counts on freed objects leaving {@code active_objs}; SLAB's slabinfo
   * counts objects parked in array caches as active (they are taken from their slabs), so objects
   * freed by an earlier case and reused here would not raise the count. Draining the arrays with
   * a shrink before each case keeps the contract's point (the request lands in the kernel's
   * class) with SLAB's counting.
   */
  @Override
  @Test
  public void kmalloc_sizeBetweenClasses_landsInTheKernelClassCache() {
    long[][] cases = {{70, 96}, {96, 96}, {100, 128}, {130, 192}, {200, 256}, {1000, 1024},
      {3, 32}};
    for (long[] c : cases) {
      String name = KmallocSizes.name(KmallocSizes.index(c[1], kmallocMinShift()));
      KmemCache cache = allocator.findCache(name);
      assertThat(cache).as("kmalloc cache %s", name).isNotNull();
      cache.shrink();
      long before = cache.info().activeObjs();
      List<Long> objs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        objs.add(allocator.kmalloc(0, c[0], Gfp.KERNEL));
      }
      assertThat(cache.info().activeObjs()).as("active objects of %s after 200 kmalloc(%d)",
          name, c[0]).isGreaterThanOrEqualTo(before + 200);
      for (long o : objs) {
        allocator.kfree(1, o);
      }
    }
    allocator.shrinkAll();
    assertAllPagesBack();
  }
}
