package io.mmsim.bench;

import java.util.EnumSet;
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
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.trace.TraceListener;
import io.mmsim.api.trace.Tracepoint;
import io.mmsim.kernel.Kernel;

/**
 * What tracing costs on the two hottest paths, the order-0 page pair and the demand-zero minor
 * fault: {@code tracing=off} is the kernel as every other benchmark runs it (no listener: each
 * tracepoint is one branch on a field), {@code tracing=noop} subscribes a listener that ignores
 * every event, so each tracepoint fills the reused event and makes one call. The {@code off} rows
 * are the figures BuddyBench.buddyOrder0Pair and MmuBench.faultInAnonymous measure; the gap to
 * {@code noop} is the price of turning tracing on, not of having it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class TraceBench {

  /** A listener that drops every event. */
  private static final TraceListener NOOP = e -> {};

  private static void listen(Kernel k, String tracing) {
    switch (tracing) {
      case "off" -> {
        // nobody subscribes: Tracer.on() stays false
      }
      case "noop" -> k.tracer().subscribe(EnumSet.allOf(Tracepoint.class), NOOP);
      default -> throw new IllegalArgumentException("tracing=" + tracing + ": off or noop");
    }
  }

  /** The page allocator alone, traced or not. */
  @State(Scope.Thread)
  public static class Pages {
    @Param({"off", "noop"})
    String tracing;

    PageAllocator pa;

    @Setup(Level.Trial)
    public void boot() {
      Kernel k = Bench.pagesOnly("4G");
      listen(k, tracing);
      pa = k.pageAllocator();
    }
  }

  /** One order-0 page allocated and freed on CPU 0, as BuddyBench.buddyOrder0Pair. */
  @Benchmark
  public long order0Pair(Pages s) {
    long pfn = s.pa.allocPages(0, Gfp.KERNEL, 0);
    s.pa.freePages(0, pfn, 0);
    return pfn;
  }

  /** A process writing each page of a 1 GiB anonymous mapping once, as MmuBench.Faulting. */
  @State(Scope.Thread)
  public static class Faulting {
    @Param({"off", "noop"})
    String tracing;

    AnonFaults faults;

    @Setup(Level.Trial)
    public void setup() {
      Kernel kernel = Bench.full("2G");
      listen(kernel, tracing);
      faults = new AnonFaults(kernel);
    }

    @Setup(Level.Invocation)
    public void room() {
      faults.room();
    }
  }

  /** Faults in 256 pages of anonymous memory with writes (per-page cost reported). */
  @Benchmark
  @OperationsPerInvocation(AnonFaults.PER_INVOCATION)
  public int minorFault(Faulting f) {
    return f.faults.faultIn();
  }
}
