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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.Mmu;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.mm.Processes;

/**
 * The MMU: a translation served by the last-translation copy, translations that hit the TLB's sets
 * (32 resident pages in turn), a full 4-level walk on a TLB miss (more pages than the TLB holds,
 * visited round-robin), and demand faults of anonymous memory (minor faults, each a fresh zeroed
 * frame).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class MmuBench {
  static final int WALK_PAGES = 1 << 14;

  /** A process with a mapping whose pages are faulted in. */
  @State(Scope.Thread)
  public static class Mapped {
    Mmu mmu;
    long base;
    int next;

    @Setup(Level.Trial)
    public void setup() {
      Kernel k = Bench.full("1G");
      Processes p = k.processes();
      p.spawn(1);
      base =
          p.mmap(
              1,
              (long) WALK_PAGES << Page.PAGE_SHIFT,
              Prot.READ | Prot.WRITE,
              null,
              0,
              false,
              -1,
              true);
      mmu = k.pageTable().mmu(0);
      // MAP_POPULATE left CR3 loaded with the process's root
      if (mmu.translate(base, Access.READ, true) == Mmu.FAULT) {
        throw new IllegalStateException("populated page does not translate");
      }
    }
  }

  /**
   * One read translation of the page translated last: served by the MMU's copy of its last
   * translation (the one-entry shortcut in front of the TLB's sets), not by a set lookup.
   */
  @Benchmark
  public long translateLastTranslationShortcut(Mapped m) {
    return m.mmu.translate(m.base + 8, Access.READ, true);
  }

  /**
   * Half the TLB's entries (32 of the default 64), consecutive pages spread over all its sets, all
   * resident: checked after each iteration to have hit the TLB on every translation, none of them
   * served by the last-translation copy.
   */
  @State(Scope.Thread)
  public static class Resident extends Mapped {
    int pages;
    long hits0;
    long misses0;
    long setLookups0;
    long lookupMisses0;

    @Setup(Level.Iteration)
    public void warmAndCount() {
      pages = mmu.tlbSize() / 2;
      if (pages < 32) {
        throw new IllegalStateException(
            "a TLB of "
                + mmu.tlbSize()
                + " entries: the benchmark cycles through at least 32 pages");
      }
      for (int i = 0; i < pages; i++) {
        mmu.translate(base + ((long) i << Page.PAGE_SHIFT), Access.READ, true);
      }
      hits0 = mmu.tlbHits();
      misses0 = mmu.tlbMisses();
      setLookups0 = mmu.tlbSetLookups();
      lookupMisses0 = mmu.tlbLookupMisses();
    }

    @TearDown(Level.Iteration)
    public void check() {
      long hits = mmu.tlbHits() - hits0;
      long walks = mmu.tlbMisses() - misses0;
      long setHits = (mmu.tlbSetLookups() - setLookups0) - (mmu.tlbLookupMisses() - lookupMisses0);
      if (walks != 0 || hits == 0 || setHits != hits) {
        throw new IllegalStateException(
            "the resident-pages benchmark left the TLB's sets: "
                + hits
                + " hits, of which "
                + (hits - setHits)
                + " from the last-translation copy, and "
                + walks
                + " walks");
      }
    }
  }

  /** Read translations cycling through {@link Resident}'s pages: each a TLB set hit. */
  @Benchmark
  @OperationsPerInvocation(64)
  public long translateTlbSetHit(Resident m) {
    long sum = 0;
    for (int k = 0; k < 64; k++) {
      int i = m.next;
      m.next = i + 1 == m.pages ? 0 : i + 1;
      sum += m.mmu.translate(m.base + ((long) i << Page.PAGE_SHIFT), Access.READ, true);
    }
    return sum;
  }

  /** The mapping of {@link Mapped}, checked after each iteration to have missed on every walk. */
  @State(Scope.Thread)
  public static class Walking extends Mapped {
    long hits0;
    long misses0;

    @Setup(Level.Iteration)
    public void counters() {
      hits0 = mmu.tlbHits();
      misses0 = mmu.tlbMisses();
    }

    @TearDown(Level.Iteration)
    public void check() {
      long hits = mmu.tlbHits() - hits0;
      long misses = mmu.tlbMisses() - misses0;
      if (misses == 0 || hits > misses / 1000) {
        throw new IllegalStateException(
            "the walk benchmark hit the TLB: " + hits + " hits, " + misses + " misses");
      }
    }
  }

  /**
   * Read translations of 16384 pages visited with a stride of 97 pages: far more pages than the
   * 64-entry TLB holds, so every one misses the TLB and walks the 4 levels (checked after each
   * iteration).
   */
  @Benchmark
  @OperationsPerInvocation(64)
  public long translateTlbMissWalk(Walking m) {
    long sum = 0;
    for (int k = 0; k < 64; k++) {
      int i = m.next;
      m.next = (i + 97) & (WALK_PAGES - 1);
      sum += m.mmu.translate(m.base + ((long) i << Page.PAGE_SHIFT), Access.READ, true);
    }
    return sum;
  }

  /** A process writing each page of a 1 GiB anonymous mapping once (see {@link AnonFaults}). */
  @State(Scope.Thread)
  public static class Faulting {
    AnonFaults faults;

    @Setup(Level.Trial)
    public void setup() {
      faults = new AnonFaults(Bench.full("2G"));
    }

    @Setup(Level.Invocation)
    public void room() {
      faults.room();
    }
  }

  /** Faults in 256 pages of anonymous memory with writes (per-page cost reported). */
  @Benchmark
  @OperationsPerInvocation(AnonFaults.PER_INVOCATION)
  public int faultInAnonymous(Faulting f) {
    return f.faults.faultIn();
  }
}
