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

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

/**
 * The peer: Netty's PooledByteBufAllocator (the pooled allocator a Java user would pick) on the
 * same operations as {@link ObjectBench}, at its best: heap buffers, one arena, the thread cache on
 * for every thread ({@code useCacheForAllThreads}), leak detection off (set in code and on the
 * forked JVM's command line, so that neither can be lost).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
@State(Scope.Thread)
public class NettyPooledBench {
  @Param({"64"})
  public int size;

  PooledByteBufAllocator alloc;
  int[] sizes;
  ByteBuf[] ring;
  int next;

  @Setup(Level.Trial)
  public void setup() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    alloc = new PooledByteBufAllocator(false, 1, 0, 8192, 9, 256, 64, true);
    sizes = MallocSizes.sample(ObjectBench.SIZES, 7);
    ring = new ByteBuf[ObjectBench.LIVE];
    for (int i = 0; i < ring.length; i++) {
      ring[i] = alloc.heapBuffer(sizes[i], sizes[i]);
    }
    next = ring.length;
  }

  /** heapBuffer(size) + release(), the peer of kmem_cache alloc+free. */
  @Benchmark
  public ByteBuf nettyPooledPair() {
    ByteBuf b = alloc.heapBuffer(size, size);
    b.release();
    return b;
  }

  /** release of the oldest live buffer and a new one of the next size of the same mix. */
  @Benchmark
  @OperationsPerInvocation(256)
  public int nettyTraceMix() {
    int sum = 0;
    for (int k = 0; k < 256; k++) {
      int i = next++;
      int slot = i & (ring.length - 1);
      ring[slot].release();
      ByteBuf b = alloc.heapBuffer(sizes[i & (ObjectBench.SIZES - 1)]);
      ring[slot] = b;
      sum += b.capacity();
    }
    return sum;
  }
}
