package io.mmsim.buddy;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.testkit.page.PageAllocatorContract;

/** The page-allocator contract, run against the buddy allocator with default settings. */
final class BuddyAllocatorTest extends PageAllocatorContract {

  @Override
  protected PageAllocator createAllocator(MemoryLayout layout) {
    return Buddies.create(layout);
  }
}
