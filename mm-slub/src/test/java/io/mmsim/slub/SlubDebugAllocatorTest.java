package io.mmsim.slub;

import java.util.Map;

import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.object.ObjectAllocatorContract;

/**
 * SLUB with {@code slub.debug=FZPU} against the object-allocator contract: every cache is a debug
 * cache (no per-CPU slabs, red zones, poison, user tracking), and the contract must still hold.
 */
final class SlubDebugAllocatorTest extends ObjectAllocatorContract {

  @Override
  protected Settings settings() {
    return new Settings("slub", Map.of("debug", "FZPU"));
  }

  @Override
  protected ObjectAllocator createAllocator(MemoryContext ctx) {
    return new SlubProvider().create(ctx);
  }
}
