package io.mmsim.bench;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
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
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * The peer: Netty's PooledByteBufAllocator (the pooled allocator a Java user would pick) on the
 * same operations as {@link ObjectBench}, at its best, as Netty's own microbenchmarks run it: the
 * benchmark threads are Netty's {@code FastThreadLocalThread}s, made by JMH's custom executor
 * ({@code jmh.executor=CUSTOM} with {@link HarnessExecutor}, whose thread factory is Netty's {@code
 * DefaultThreadFactory}), so the allocator's thread cache is on with its default configuration
 * ({@code useCacheForAllThreads} false); heap buffers, one arena; leak detection off. The flags sit
 * in {@code @Fork(jvmArgsAppend)} and the level is set in code too, so that neither can be lost;
 * the setup fails the run when the thread is not a FastThreadLocalThread or the allocator kept no
 * thread cache for it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 3,
    jvmArgsAppend = {
      "-Dio.netty.leakDetection.level=disabled",
      "-Djmh.executor=CUSTOM",
      "-Djmh.executor.class=io.mmsim.bench.NettyPooledBench$HarnessExecutor"
    })
@State(Scope.Thread)
public class NettyPooledBench {
  @Param({"64"})
  public int size;

  PooledByteBufAllocator alloc;
  int[] sizes;
  ByteBuf[] ring;
  int next;

  /**
   * JMH's custom executor for the benchmark threads: a fixed pool whose threads are Netty's {@code
   * FastThreadLocalThread}s (JMH calls this constructor with the thread count and a name prefix).
   */
  public static final class HarnessExecutor extends ThreadPoolExecutor {
    /** The pool JMH asks for. */
    public HarnessExecutor(int maxThreads, String prefix) {
      super(
          maxThreads,
          maxThreads,
          0,
          TimeUnit.MILLISECONDS,
          new LinkedBlockingQueue<>(),
          new DefaultThreadFactory(prefix));
    }
  }

  @Setup(Level.Trial)
  public void setup() {
    if (!(Thread.currentThread() instanceof FastThreadLocalThread)) {
      throw new IllegalStateException(
          "the Netty peer runs on "
              + Thread.currentThread()
              + ", not on a FastThreadLocalThread: run it with -Djmh.executor=CUSTOM"
              + " -Djmh.executor.class="
              + HarnessExecutor.class.getName());
    }
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    alloc = new PooledByteBufAllocator(false, 1, 0, 8192, 9, 256, 64, false);
    sizes = MallocSizes.sample(ObjectBench.SIZES, 7);
    ring = new ByteBuf[ObjectBench.LIVE];
    for (int i = 0; i < ring.length; i++) {
      ring[i] = alloc.heapBuffer(sizes[i], sizes[i]);
    }
    next = ring.length;
    if (alloc.metric().numThreadLocalCaches() == 0) {
      throw new IllegalStateException(
          "the pooled allocator kept no thread cache for " + Thread.currentThread());
    }
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
