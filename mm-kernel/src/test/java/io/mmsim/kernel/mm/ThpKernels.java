package io.mmsim.kernel.mm;

import io.mmsim.kernel.Kernel;

/**
 * The kernel the huge-page tests boot: 256 MiB, THP on madvise, no object or virtual allocator (so
 * nothing but the test's own mappings takes memory). Later keys override these.
 */
final class ThpKernels {
  private ThpKernels() {}

  static Kernel boot(String... keys) {
    Kernel.Builder b =
        Kernel.builder()
            .set("memory.size", "256M")
            .set("object-allocator", "none")
            .set("virtual-allocator", "none")
            .set("thp.enabled", "madvise");
    for (String k : keys) {
      b.set(k);
    }
    return b.boot();
  }
}
