package io.mmsim.bench;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.Comparator;

import io.mmsim.kernel.Kernel;

/**
 * The heap a booted kernel keeps per frame of simulated RAM, measured: run with {@code java
 * -XX:+UseSerialGC -Xmx2g -cp mm-bench/target/benchmarks.jar io.mmsim.bench.MetadataHarness [SMALL
 * LARGE]} (default sizes 1G and 4G).
 *
 * <p>Method: in one JVM, for each of two memory sizes, a full GC, the used heap, a boot of the
 * default kernel (buddy, SLUB, x86-64 page tables, vmalloc, the process side with its reference
 * counts and reverse map, the global replacement policy), a full GC again with the kernel still
 * reachable, the used heap again. The difference between the two kernels' heaps divided by the
 * difference of their frame counts is the heap per frame: every array sized by the frame count (the
 * frame table of {@code PhysicalMemory}, the buddy's links and state bytes, SLUB's page-to-slab
 * map, the reference counts, the reverse map, the bootmem bitmap) counts, and what does not grow
 * with memory (code, caches of fixed size) cancels out. Each size is booted once unmeasured (class
 * loading, static tables), then three times; the median is kept. The serial collector makes {@code
 * System.gc()} a full, compacting collection, so that the used heap after it is the live data.
 *
 * <p>It also prints what the boot reserves for frame metadata in simulated RAM (the page
 * allocator's and the process side's bytes per frame), which the two should match.
 */
public final class MetadataHarness {
  private MetadataHarness() {}

  /** Prints the heap per frame. */
  public static void main(String[] args) {
    String small = args.length > 0 ? args[0] : "1G";
    String large = args.length > 1 ? args[1] : "4G";
    long[] heapSmall = kept(small);
    long[] heapLarge = kept(large);
    double perFrame = (double) (heapLarge[0] - heapSmall[0]) / (heapLarge[1] - heapSmall[1]);
    System.out.printf(
        "heap kept: %s = %d KiB (%d frames), %s = %d KiB (%d frames)%n",
        small, heapSmall[0] >> 10, heapSmall[1], large, heapLarge[0] >> 10, heapLarge[1]);
    System.out.printf("heap per frame of simulated RAM: %.2f bytes%n", perFrame);
    System.out.printf(
        "frame metadata the boot reserves in simulated RAM: %d bytes per frame%n", heapSmall[2]);
  }

  /**
   * The median heap of three boots of {@code size} (after one unmeasured), its frame count and its
   * reserved bytes.
   */
  private static long[] kept(String size) {
    boot(size); // classes loaded and static tables built before anything is measured
    long[][] m = new long[3][];
    for (int i = 0; i < 3; i++) {
      m[i] = boot(size);
      System.out.printf("  %s: %d KiB%n", size, m[i][0] >> 10);
    }
    Arrays.sort(m, Comparator.comparingLong(r -> r[0]));
    return m[1];
  }

  /**
   * One boot in a frame of its own, so that no earlier kernel is still referenced when the heap is
   * read before it.
   */
  private static long[] boot(String size) {
    fullGc();
    long before = usedHeap();
    Kernel k = Kernel.builder().set("memory.size", size).boot();
    fullGc();
    long used = usedHeap() - before;
    long[] m = {used, k.memory().frames(), k.metadataBytesPerFrame()};
    Reference.reachabilityFence(k);
    return m;
  }

  private static void fullGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
