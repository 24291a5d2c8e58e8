package io.mmsim.buddy;

import java.util.Map;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.page.BootHandOff;

/** Builds buddy allocators for the tests. */
final class Buddies {
  private Buddies() {}

  static final String LOGGER = "io.mmsim.buddy";

  /** An empty allocator with default settings. */
  static BuddyAllocator create(MemoryLayout layout) {
    return new BuddyAllocator(layout, -1, 10, false, LOGGER);
  }

  /** An allocator with default settings booted with every frame but the reserved ranges. */
  static BuddyAllocator booted(MemoryLayout layout, long... reserved) {
    BuddyAllocator a = create(layout);
    BootHandOff.boot(a, layout, reserved);
    return a;
  }

  /** An allocator with a fixed min_free_kbytes, booted with every frame. */
  static BuddyAllocator bootedWithMinFree(MemoryLayout layout, long minFreeKbytes) {
    BuddyAllocator a = new BuddyAllocator(layout, minFreeKbytes, 10, false, LOGGER);
    BootHandOff.boot(a, layout);
    return a;
  }

  /** A provider context with the given buddy settings. */
  static ProviderContext context(MemoryLayout layout, Map<String, String> settings) {
    return new ProviderContext() {
      @Override
      public MemoryLayout layout() {
        return layout;
      }

      @Override
      public Settings settings() {
        return new Settings(BuddyProvider.NAME, settings);
      }

      @Override
      public String loggerName() {
        return LOGGER;
      }

      @Override
      public long seed() {
        return 1;
      }
    };
  }
}
