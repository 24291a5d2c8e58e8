package io.mmsim.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.page.PageAllocator;

/**
 * The buddy page allocator: the order-0 alloc+free pair (the per-CPU list fast path), and a seeded
 * random mix of orders 0-3 at about 50% occupancy of 4 GiB.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class BuddyBench {

  /** A booted kernel with only the page allocator. */
  @State(Scope.Thread)
  public static class Pages {
    PageAllocator pa;

    @Setup(Level.Trial)
    public void boot() {
      pa = Bench.pagesOnly("4G").pageAllocator();
    }
  }

  /** One order-0 page allocated and freed on CPU 0: the per-CPU list pop and push. */
  @Benchmark
  public long buddyOrder0Pair(Pages s) {
    long pfn = s.pa.allocPages(0, Gfp.KERNEL, 0);
    s.pa.freePages(0, pfn, 0);
    return pfn;
  }

  /** State for the mix: slots holding live blocks, pre-filled to about half of memory. */
  @State(Scope.Thread)
  public static class Mix {
    static final int OPS = 1 << 20;
    PageAllocator pa;
    long[] slotPfn;
    int[] slotOrder;
    int[] opSlot;
    int[] opOrder;
    int next;

    @Setup(Level.Trial)
    public void boot() {
      pa = Bench.pagesOnly("4G").pageAllocator();
      long pages = pa.nrFreePages();
      // on average an order 0-3 block is 3.75 pages: twice the slots needed for 50% occupancy
      int slots = (int) (pages / 3.75);
      slotPfn = new long[slots];
      slotOrder = new int[slots];
      Arrays.fill(slotPfn, -1);
      SplittableRandom r = new SplittableRandom(42);
      for (int i = 0; i < slots; i++) {
        if (r.nextBoolean()) {
          int order = r.nextInt(4);
          long pfn = pa.allocPages(0, Gfp.KERNEL, order);
          if (pfn >= 0) {
            slotPfn[i] = pfn;
            slotOrder[i] = order;
          }
        }
      }
      opSlot = new int[OPS];
      opOrder = new int[OPS];
      for (int i = 0; i < OPS; i++) {
        opSlot[i] = r.nextInt(slots);
        opOrder[i] = r.nextInt(4);
      }
    }
  }

  /**
   * One operation of the mix: a random slot is freed when it holds a block, else filled with a
   * block of a random order 0-3 (averaged over 1024 operations per invocation).
   */
  @Benchmark
  @OperationsPerInvocation(1024)
  public long buddyMixOrders0to3(Mix m) {
    long sum = 0;
    PageAllocator pa = m.pa;
    for (int k = 0; k < 1024; k++) {
      int i = m.next;
      m.next = (i + 1) & (Mix.OPS - 1);
      int slot = m.opSlot[i];
      long pfn = m.slotPfn[slot];
      if (pfn >= 0) {
        pa.freePages(0, pfn, m.slotOrder[slot]);
        m.slotPfn[slot] = -1;
      } else {
        int order = m.opOrder[i];
        pfn = pa.allocPages(0, Gfp.KERNEL, order);
        if (pfn >= 0) {
          m.slotPfn[slot] = pfn;
          m.slotOrder[slot] = order;
        }
      }
      sum += pfn;
    }
    return sum;
  }
}
