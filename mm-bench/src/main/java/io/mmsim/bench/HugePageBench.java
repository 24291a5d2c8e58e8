package io.mmsim.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.Mmu;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.mm.Processes;

/**
 * Huge pages and compaction: TLB reach (reads striding 4 KiB through 64 MiB, backed by THPs, by
 * hugetlb pages or by 4 KiB pages: 32 large-page entries cover it, one per 2 MiB, the 4 KiB TLB
 * does not) and compaction throughput (pages migrated per second by {@code compact_memory} on
 * memory where every other page is free).
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HugePageBench {
  static final long REGION = 64L << 20;

  /**
   * A process with 64 MiB of anonymous memory touched: THP {@code always} or {@code never}, or a
   * {@code hugetlb} mapping from a pool of 32 pages.
   */
  @State(Scope.Thread)
  public static class Region {
    @Param({"always", "never", "hugetlb"})
    public String thp;

    Mmu mmu;
    long base;
    long off;

    @Setup(Level.Trial)
    public void setup() {
      boolean hugetlb = thp.equals("hugetlb");
      Kernel k =
          Kernel.builder()
              .set("memory.size", "1G")
              .set("thp.enabled", hugetlb ? "never" : thp)
              .set("hugepages.count", hugetlb ? String.valueOf(REGION >>> 21) : "0")
              .boot();
      Processes p = k.processes();
      p.spawn(1);
      base = p.mmap(1, REGION, Prot.READ | Prot.WRITE, null, 0, false, -1, false, hugetlb);
      for (long o = 0; o < REGION; o += Page.PAGE_SIZE) {
        p.write(1, 0, base + o, new byte[] {1});
      }
      mmu = k.pageTable().mmu(0);
    }
  }

  /** One read translation, the next 4 KiB page of the region each time (round robin). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public long tlbReach(Region r) {
    long o = r.off;
    r.off = (o + Page.PAGE_SIZE) & (REGION - 1);
    return r.mmu.translate(r.base + o, Access.READ, true);
  }

  /** A 64 MiB machine whose user pages were unmapped every other page. */
  @State(Scope.Thread)
  public static class Fragmented {
    Kernel k;

    @Setup(Level.Invocation)
    public void fragment() {
      k = Kernel.builder().set("memory.size", "64M").boot();
      Processes p = k.processes();
      p.spawn(1);
      long n = k.pageAllocator().nrFreePages() * 9 / 10;
      long a = p.mmap(1, n << Page.PAGE_SHIFT, Prot.READ | Prot.WRITE, null, 0, false, -1, true);
      for (long i = 1; i < n; i += 2) {
        p.munmap(1, a + (i << Page.PAGE_SHIFT), Page.PAGE_SIZE);
      }
    }
  }

  /** Pages migrated, as a JMH operations counter: normalised by time, so reported in pages/s. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Migrated {
    public long pages;
  }

  /** {@code compact_memory} of the whole machine. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void compactMemory(Fragmented f, Migrated m) {
    long before = f.k.pageAllocator().statistics().get("pgmigrate_success");
    f.k.compactMemory();
    m.pages += f.k.pageAllocator().statistics().get("pgmigrate_success") - before;
  }
}
