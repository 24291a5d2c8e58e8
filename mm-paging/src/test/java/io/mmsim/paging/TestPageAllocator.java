package io.mmsim.paging;

import java.util.BitSet;

import io.mmsim.api.BadPageException;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.ZoneStats;

/**
 * A trivial page allocator for tests: one bitmap, lowest free aligned block first, no zones rules,
 * no per-CPU lists. {@link #failAfter(long)} makes it run dry on cue.
 */
public final class TestPageAllocator implements PageAllocator {
  private final MemoryLayout layout;
  private final BitSet used = new BitSet();
  private final int[] orderOf;
  private final long first;
  private long free;
  private long allocations;
  private long frees;
  private long budget = Long.MAX_VALUE;

  /** Manages frames {@code [first, layout.frames())}; frames below {@code first} stay reserved. */
  public TestPageAllocator(MemoryLayout layout, long first) {
    this.layout = layout;
    this.first = first;
    this.orderOf = new int[Math.toIntExact(layout.frames())];
    used.set(0, Math.toIntExact(first));
    this.free = layout.frames() - first;
  }

  /** After {@code n} more successful allocations, every allocation fails. */
  public void failAfter(long n) {
    budget = n;
  }

  /** Allocations succeed again. */
  public void neverFail() {
    budget = Long.MAX_VALUE;
  }

  /** True when {@code pfn} is allocated. */
  public boolean allocated(long pfn) {
    return pfn >= first && used.get(Math.toIntExact(pfn));
  }

  /** Successful allocations so far. */
  public long allocations() {
    return allocations;
  }

  /** Frees so far. */
  public long frees() {
    return frees;
  }

  @Override
  public String name() {
    return "test";
  }

  @Override
  public Statistics statistics() {
    return Statistics.builder()
        .put("free", free)
        .put("allocations", allocations)
        .put("frees", frees)
        .build();
  }

  @Override
  public void checkInvariants() {
    long counted = layout.frames() - used.cardinality();
    if (counted != free) {
      throw new AssertionError("free counted " + counted + ", recorded " + free);
    }
  }

  @Override
  public long allocPages(int cpu, int gfp, int order) {
    if (order < 0 || order > Page.MAX_PAGE_ORDER) {
      throw new IllegalArgumentException("order " + order);
    }
    if (budget == 0) {
      return NO_PAGE;
    }
    int n = 1 << order;
    for (int pfn = (int) ((first + n - 1) & -n); pfn + n <= layout.frames(); pfn += n) {
      int next = used.nextSetBit(pfn);
      if (next < 0 || next >= pfn + n) {
        used.set(pfn, pfn + n);
        orderOf[pfn] = order;
        free -= n;
        allocations++;
        budget--;
        return pfn;
      }
    }
    return NO_PAGE;
  }

  @Override
  public void freePages(int cpu, long pfn, int order) {
    if (pfn < first || pfn >= layout.frames() || !used.get((int) pfn)) {
      throw new BadPageException(pfn, order, "freeing a page that is not allocated");
    }
    if (orderOf[(int) pfn] != order) {
      throw new BadPageException(pfn, order, "freeing with the wrong order");
    }
    used.clear((int) pfn, (int) pfn + (1 << order));
    free += 1L << order;
    frees++;
  }

  @Override
  public void freeBootPages(long pfn, int order) {
    throw new UnsupportedOperationException("the test allocator starts with its frames free");
  }

  @Override
  public void completeBoot() {}

  @Override
  public void drainPages(int cpu) {}

  @Override
  public void drainAllPages() {}

  @Override
  public long nrFreePages() {
    return free;
  }

  @Override
  public long nrFreePages(Zone zone) {
    long start = layout.zoneStart(zone);
    long end = layout.zoneEnd(zone);
    long n = 0;
    for (long p = Math.max(start, first); p < end; p++) {
      if (!used.get((int) p)) {
        n++;
      }
    }
    return n;
  }

  @Override
  public long managedPages() {
    return layout.frames() - first;
  }

  @Override
  public long watermark(Zone zone, Watermark mark) {
    return 0;
  }

  @Override
  public ZoneStats zoneStats(Zone zone) {
    long[] blocks = new long[Page.NR_PAGE_ORDERS];
    blocks[0] = nrFreePages(zone);
    return new ZoneStats(
        zone,
        layout.zoneStart(zone),
        layout.zoneSpanned(zone),
        layout.zoneSpanned(zone),
        layout.zoneSpanned(zone),
        blocks[0],
        0,
        0,
        0,
        blocks,
        new int[layout.cpus()],
        0,
        0);
  }

  @Override
  public int metadataBytesPerFrame() {
    return 4;
  }
}
