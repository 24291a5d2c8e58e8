package io.mmsim.testkit.object;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;

import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectAllocator;

/**
 * The model of live objects that {@link ObjectAllocatorContract}'s tests keep (start address to
 * size), with the checks made on every object handed out.
 */
final class LiveObjects {
  private LiveObjects() {}

  /**
   * Asserts that the object of {@code size} bytes at {@code addr} lies in the direct map, is
   * aligned to {@code align} and overlaps no object of {@code live}; then records it there.
   */
  static void assertPlaced(
      PhysicalMemory memory, long addr, long size, long align, TreeMap<Long, Long> live) {
    assertThat(KernelLayout.inDirectMap(addr, memory.size()))
        .as("0x%x is in the direct map", addr)
        .isTrue();
    assertThat(KernelLayout.inDirectMap(addr + size - 1, memory.size())).isTrue();
    assertThat(addr & (align - 1)).as("0x%x aligned to %d", addr, align).isZero();
    Map.Entry<Long, Long> below = live.floorEntry(addr);
    if (below != null) {
      assertThat(below.getKey() + below.getValue())
          .as("0x%x overlaps the object at 0x%x (%d bytes)", addr, below.getKey(), below.getValue())
          .isLessThanOrEqualTo(addr);
    }
    Map.Entry<Long, Long> above = live.higherEntry(addr);
    if (above != null) {
      assertThat(addr + size)
          .as("0x%x (%d bytes) overlaps the object at 0x%x", addr, size, above.getKey())
          .isLessThanOrEqualTo(above.getKey());
    }
    live.put(addr, size);
  }

  /**
   * Frees every object of {@code live}, alternating between CPUs 0 and 1, with kfree ({@code owner}
   * null) or into the cache {@code owner} names; then empties {@code live} and shrinks all caches.
   */
  static void freeAll(
      ObjectAllocator allocator, TreeMap<Long, Long> live, Map<Long, KmemCache> owner) {
    int i = 0;
    for (long addr : live.keySet()) {
      if (owner == null) {
        allocator.kfree(i++ % 2, addr);
      } else {
        owner.get(addr).free(i++ % 2, addr);
      }
    }
    live.clear();
    allocator.shrinkAll();
  }
}
