package io.mmsim.bench;

import io.mmsim.kernel.Kernel;

/** Kernels the benchmarks share. */
final class Bench {
  private Bench() {}

  /** A kernel of {@code size} memory with just the page allocator. */
  static Kernel pagesOnly(String size) {
    return Kernel.builder()
        .set("memory.size", size)
        .set("cpus", "1")
        .set("object-allocator", "none")
        .set("virtual-allocator", "none")
        .set("page-table", "none")
        .set("fault-handler", "none")
        .boot();
  }

  /** A kernel of {@code size} memory with the given object allocator and no page tables. */
  static Kernel objects(String size, String allocator) {
    return Kernel.builder()
        .set("memory.size", size)
        .set("cpus", "1")
        .set("object-allocator", allocator)
        .set("virtual-allocator", "none")
        .set("page-table", "none")
        .set("fault-handler", "none")
        .boot();
  }

  /** The default kernel on {@code size} of memory with one CPU. */
  static Kernel full(String size) {
    return Kernel.builder().set("memory.size", size).set("cpus", "1").boot();
  }
}
