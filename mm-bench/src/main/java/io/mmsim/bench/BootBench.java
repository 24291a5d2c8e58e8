package io.mmsim.bench;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.mmsim.kernel.Kernel;

/**
 * Boot of 64 GiB of simulated memory with the default parts (buddy, SLUB, x86-64 page tables with
 * the direct map, vmalloc), in a JVM limited to 512 MiB of heap: the run itself proves the heap
 * bound.
 *
 * <p>Each boot's kernel is handed to JMH's blackhole and dropped, so that no two kernels are alive
 * at once; the garbage of the previous boot is collected before each iteration, outside the
 * measurement. The trial's teardown boots one more kernel and prints the heap it keeps after a full
 * GC. With {@code -wi 0 -i 1 -f N} every score is the cold boot of a fresh JVM.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(
    value = 3,
    jvmArgsAppend = {"-Xmx512m"})
@State(Scope.Benchmark)
public class BootBench {

  /** Boots 64 GiB. */
  @Benchmark
  public Kernel boot64GiB() {
    return Kernel.builder().set("memory.size", "64G").boot();
  }

  /** Collects the previous iteration's kernel so that its GC is not timed. */
  @Setup(Level.Iteration)
  public void collect() {
    System.gc();
  }

  /** Prints the heap a booted 64 GiB kernel keeps. */
  @TearDown(Level.Trial)
  public void heap() {
    System.gc();
    long before = usedHeap();
    Kernel k = Kernel.builder().set("memory.size", "64G").boot();
    System.gc();
    long used = usedHeap() - before;
    Reference.reachabilityFence(k);
    System.out.printf(
        "%n[boot64GiB] heap kept by one booted 64 GiB kernel: %d MiB" + " (max heap %d MiB)%n",
        used >> 20, Runtime.getRuntime().maxMemory() >> 20);
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
