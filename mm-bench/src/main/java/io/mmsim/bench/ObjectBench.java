package io.mmsim.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectAllocator;

/**
 * The object allocators side by side: a kmem_cache alloc+free pair of one object, and kmalloc over
 * the size mix of a real program's malloc trace (a steady state of 4096 live objects: each
 * operation frees the oldest and allocates the next size). Netty's pooled allocator runs the same
 * operations in {@link NettyPooledBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class ObjectBench {
  static final int LIVE = 4096;
  static final int SIZES = 1 << 16;

  @Param({"slub", "slab", "slob"})
  public String allocator;

  @Param({"64"})
  public int size;

  ObjectAllocator oa;
  KmemCache cache;
  int[] sizes;
  long[] ring;
  int next;

  @Setup(Level.Trial)
  public void boot() {
    oa = Bench.objects("1G", allocator).objectAllocator();
    cache = oa.kmemCacheCreate("bench", size, 0, 0, null);
    sizes = MallocSizes.sample(SIZES, 7);
    ring = new long[LIVE];
    for (int i = 0; i < LIVE; i++) {
      ring[i] = oa.kmalloc(0, sizes[i], Gfp.KERNEL);
    }
    next = LIVE;
  }

  /** kmem_cache_alloc + kmem_cache_free of one object on CPU 0. */
  @Benchmark
  public long kmemCachePair() {
    long a = cache.alloc(0, Gfp.KERNEL);
    cache.free(0, a);
    return a;
  }

  /** kfree of the oldest live object and kmalloc of the next size from the trace's mix. */
  @Benchmark
  @OperationsPerInvocation(256)
  public long kmallocTraceMix() {
    long sum = 0;
    for (int k = 0; k < 256; k++) {
      int i = next++;
      int slot = i & (LIVE - 1);
      oa.kfree(0, ring[slot]);
      long a = oa.kmalloc(0, sizes[i & (SIZES - 1)], Gfp.KERNEL);
      ring[slot] = a;
      sum += a;
    }
    return sum;
  }
}
