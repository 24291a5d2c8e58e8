package io.mmsim.bench;

import io.mmsim.kernel.Kernel;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Boot of 64 GiB of simulated memory with the default parts (buddy, SLUB, x86-64 page tables with
 * the direct map, vmalloc), in a JVM limited to 512 MiB of heap: the run itself proves the heap
 * bound, and the teardown prints the heap the booted kernel keeps after a full GC.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@State(Scope.Benchmark)
public class BootBench {
  private Kernel last;

  /** Boots 64 GiB. */
  @Benchmark
  public Kernel boot64GiB() {
    last = Kernel.builder().set("memory.size", "64G").boot();
    return last;
  }

  /** Prints the heap the last booted kernel keeps. */
  @TearDown
  public void heap() {
    System.gc();
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    System.out.printf("%n[boot64GiB] heap in use after GC with a 64 GiB kernel booted: %d MiB"
        + " (max heap %d MiB)%n", used >> 20, Runtime.getRuntime().maxMemory() >> 20);
    last = null;
  }
}
