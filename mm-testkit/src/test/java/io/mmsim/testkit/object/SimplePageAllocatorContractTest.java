package io.mmsim.testkit.object;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.testkit.page.PageAllocatorContract;

/** The page-allocator contract, run against the testkit's own first-fit double. */
final class SimplePageAllocatorContractTest extends PageAllocatorContract {

  @Override
  protected PageAllocator createAllocator(MemoryLayout layout) {
    return new SimplePageAllocator(layout);
  }

  /** The double never reclaims, so it keeps no watermarks (its class comment says so). */
  @Override
  protected boolean keepsWatermarks() {
    return false;
  }
}
