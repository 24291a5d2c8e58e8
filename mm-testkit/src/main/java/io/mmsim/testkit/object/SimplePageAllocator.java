package io.mmsim.testkit.object;

import java.util.Arrays;
import java.util.BitSet;

import io.mmsim.api.BadPageException;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.ZoneStats;

/**
 * A deliberately trivial {@link PageAllocator} for tests of object allocators: first fit over a
 * bitmap of frames, so that a slab allocator can be tested without mm-buddy.
 *
 * <h2>Algorithm</h2>
 *
 * One bit per frame ({@code 1} = handed out) and one byte per frame holding the order of the block
 * that starts there ({@code -1} elsewhere). {@link #allocPages} scans upwards from the lowest free
 * frame for the first naturally aligned run of {@code 2^order} free frames below the highest zone
 * the GFP flags allow; {@link #freePages} checks that the PFN starts a block of exactly that order
 * and clears its bits. There are no per-CPU lists, no watermarks (all read 0) and no migrate types;
 * zones only limit where a block may come from and are reported from the bitmap.
 *
 * <h2>Invariants</h2>
 *
 * Every set bit belongs to exactly one live block or to a frame never handed over at boot
 * (reserved); the free counter equals the number of clear bits; a clear bit is always a managed
 * frame.
 *
 * <p>Not thread-safe. Honest in every method: nothing here pretends to be more than it is.
 */
public final class SimplePageAllocator implements PageAllocator {
  private static final byte NO_BLOCK = -1;

  private final MemoryLayout layout;
  private final BitSet used;
  private final byte[] blockOrder;
  private final BitSet managedFrames;
  private long free;
  private long managed;
  private boolean booted;
  private long allocCalls;
  private long allocFailures;
  private long freeCalls;
  private long budget = Long.MAX_VALUE;

  /**
   * An allocator for {@code layout} that owns no memory yet: every frame is reserved until the boot
   * hand-off ({@link #freeBootPages}) releases it.
   */
  public SimplePageAllocator(MemoryLayout layout) {
    if (layout.frames() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "SimplePageAllocator handles at most 2^31-1 frames, not " + layout.frames());
    }
    this.layout = layout;
    int n = (int) layout.frames();
    this.used = new BitSet(n);
    this.used.set(0, n);
    this.blockOrder = new byte[n];
    this.managedFrames = new BitSet(n);
    Arrays.fill(blockOrder, NO_BLOCK);
  }

  /**
   * An allocator that has already received every frame from {@code firstFreePfn} to the end of
   * memory and completed its boot (frames below {@code firstFreePfn} stay reserved).
   */
  public static SimplePageAllocator booted(MemoryLayout layout, long firstFreePfn) {
    SimplePageAllocator a = new SimplePageAllocator(layout);
    for (long pfn = firstFreePfn; pfn < layout.frames(); pfn++) {
      a.freeBootPages(pfn, 0);
    }
    a.completeBoot();
    return a;
  }

  @Override
  public String name() {
    return "simple";
  }

  /**
   * Runs dry on cue: after {@code allocations} more successful allocations every allocation returns
   * {@link #NO_PAGE} (as an exhausted allocator does, changing nothing) until {@link #neverFail()}.
   * Frees keep working.
   */
  public void failAfter(long allocations) {
    if (allocations < 0) {
      throw new IllegalArgumentException("failAfter(" + allocations + "): negative");
    }
    budget = allocations;
  }

  /** Ends {@link #failAfter}: allocations succeed again while memory lasts. */
  public void neverFail() {
    budget = Long.MAX_VALUE;
  }

  @Override
  public long allocPages(int cpu, int gfp, int order) {
    checkCpu(cpu);
    if (order < 0 || order > Page.MAX_PAGE_ORDER) {
      throw new IllegalArgumentException(
          "order " + order + " is outside [0, " + Page.MAX_PAGE_ORDER + "]");
    }
    if (!booted) {
      throw new IllegalStateException("allocPages before completeBoot");
    }
    allocCalls++;
    if (budget == 0) {
      allocFailures++;
      return NO_PAGE;
    }
    int size = 1 << order;
    int limit = (int) Math.min(layout.frames(), Gfp.zone(gfp).limitPfn());
    int pfn = used.nextClearBit(0);
    while (pfn < limit) {
      int start = (pfn + size - 1) & -size;
      if (start + size > limit) {
        break;
      }
      int nextUsed = used.nextSetBit(start);
      if (nextUsed < 0 || nextUsed >= start + size) {
        used.set(start, start + size);
        blockOrder[start] = (byte) order;
        free -= size;
        if (budget != Long.MAX_VALUE) {
          budget--;
        }
        return start;
      }
      pfn = used.nextClearBit(nextUsed);
    }
    allocFailures++;
    return NO_PAGE;
  }

  @Override
  public void freePages(int cpu, long pfn, int order) {
    checkCpu(cpu);
    if (!layout.validPfn(pfn)) {
      throw new BadPageException(pfn, order, "free of a pfn beyond the end of memory");
    }
    if (order < 0 || order > Page.MAX_PAGE_ORDER) {
      throw new BadPageException(
          pfn, order, "free with an order outside [0, " + Page.MAX_PAGE_ORDER + "]");
    }
    int p = (int) pfn;
    if (blockOrder[p] == NO_BLOCK) {
      throw new BadPageException(
          pfn,
          order,
          used.get(p)
              ? "free of a frame that starts no allocated block (reserved, or inside a block)"
              : "double free: the frame is already free");
    }
    if (blockOrder[p] != order) {
      throw new BadPageException(
          pfn, order, "free with the wrong order (allocated with order " + blockOrder[p] + ")");
    }
    freeCalls++;
    blockOrder[p] = NO_BLOCK;
    used.clear(p, p + (1 << order));
    free += 1L << order;
  }

  @Override
  public void freeBootPages(long pfn, int order) {
    if (booted) {
      throw new IllegalStateException("freeBootPages after completeBoot");
    }
    if (order < 0
        || order > Page.MAX_PAGE_ORDER
        || !layout.validPfn(pfn)
        || !layout.validPfn(pfn + (1L << order) - 1)
        || (pfn & ((1L << order) - 1)) != 0) {
      throw new BadPageException(
          pfn, order, "boot hand-off of a block outside memory or" + " misaligned");
    }
    int p = (int) pfn;
    int end = p + (1 << order);
    int firstFree = used.nextClearBit(p);
    if (firstFree < end) {
      throw new BadPageException(firstFree, 0, "boot hand-off of a frame already free");
    }
    used.clear(p, end);
    managedFrames.set(p, end);
    free += 1L << order;
    managed += 1L << order;
  }

  @Override
  public void completeBoot() {
    booted = true;
  }

  /** There are no per-CPU lists: nothing to drain. */
  @Override
  public void drainPages(int cpu) {
    checkCpu(cpu);
  }

  /** There are no per-CPU lists: nothing to drain. */
  @Override
  public void drainAllPages() {
    // no per-CPU lists
  }

  @Override
  public long nrFreePages() {
    return free;
  }

  @Override
  public long nrFreePages(Zone zone) {
    int from = (int) layout.zoneStart(zone);
    int to = (int) layout.zoneEnd(zone);
    long count = 0;
    for (int pfn = used.nextClearBit(from); pfn < to; pfn = used.nextClearBit(pfn + 1)) {
      count++;
    }
    return count;
  }

  @Override
  public long managedPages() {
    return managed;
  }

  /** This allocator keeps no watermarks: always 0. */
  @Override
  public long watermark(Zone zone, Watermark mark) {
    return 0;
  }

  /**
   * A snapshot of {@code zone}: free counts from the bitmap; {@code freeBlocks} splits each free
   * run into maximal naturally aligned blocks (what a buddy allocator would show for it); no
   * watermarks and no per-CPU lists.
   */
  @Override
  public ZoneStats zoneStats(Zone zone) {
    int from = (int) layout.zoneStart(zone);
    int to = (int) layout.zoneEnd(zone);
    long[] blocks = new long[Page.NR_PAGE_ORDERS];
    long zoneFree = 0;
    long zoneManaged = 0;
    int pfn = used.nextClearBit(from);
    while (pfn < to) {
      int runEnd = Math.min(to, used.nextSetBit(pfn) < 0 ? to : used.nextSetBit(pfn));
      zoneFree += runEnd - pfn;
      int p = pfn;
      while (p < runEnd) {
        int order = Math.min(Page.MAX_PAGE_ORDER, Integer.numberOfTrailingZeros(p | (1 << 30)));
        while (p + (1 << order) > runEnd) {
          order--;
        }
        blocks[order]++;
        p += 1 << order;
      }
      pfn = runEnd >= to ? to : used.nextClearBit(runEnd);
    }
    for (int i = managedFrames.nextSetBit(from);
        i >= 0 && i < to;
        i = managedFrames.nextSetBit(i + 1)) {
      zoneManaged++;
    }
    return new ZoneStats(
        zone,
        from,
        to - from,
        to - from,
        zoneManaged,
        zoneFree,
        0,
        0,
        0,
        blocks,
        new int[layout.cpus()],
        0,
        0);
  }

  /** One bit and one order byte per frame, rounded up to whole bytes. */
  @Override
  public int metadataBytesPerFrame() {
    return 2;
  }

  @Override
  public Statistics statistics() {
    return Statistics.builder()
        .put("nr_free_pages", free)
        .put("managed_pages", managed)
        .put("alloc_calls", allocCalls)
        .put("alloc_failures", allocFailures)
        .put("free_calls", freeCalls)
        .build();
  }

  @Override
  public void checkInvariants() {
    int n = (int) layout.frames();
    BitSet covered = new BitSet(n);
    for (int pfn = 0; pfn < n; pfn++) {
      int order = blockOrder[pfn];
      if (order == NO_BLOCK) {
        continue;
      }
      int end = pfn + (1 << order);
      if ((pfn & ((1 << order) - 1)) != 0 || end > n) {
        throw new AssertionError("block at pfn " + pfn + " order " + order + " is misaligned");
      }
      if (covered.nextSetBit(pfn) >= 0 && covered.nextSetBit(pfn) < end) {
        throw new AssertionError("blocks overlap at pfn " + covered.nextSetBit(pfn));
      }
      if (used.nextClearBit(pfn) < end) {
        throw new AssertionError(
            "live block at pfn "
                + pfn
                + " order "
                + order
                + " has a clear bit at "
                + used.nextClearBit(pfn));
      }
      covered.set(pfn, end);
    }
    long clear = n - used.cardinality();
    if (clear != free) {
      throw new AssertionError(
          "free counter " + free + " but " + clear + " clear bits; managed " + managed);
    }
    if (managedFrames.cardinality() != managed) {
      throw new AssertionError(
          "managed counter "
              + managed
              + " but "
              + managedFrames.cardinality()
              + " frames were handed over");
    }
    long reserved = n - managed;
    long inBlocks = covered.cardinality();
    if (inBlocks + reserved + free != n) {
      throw new AssertionError(
          "frames "
              + n
              + " != in blocks "
              + inBlocks
              + " + reserved "
              + reserved
              + " + free "
              + free);
    }
  }

  private void checkCpu(int cpu) {
    if (cpu < 0 || cpu >= layout.cpus()) {
      throw new IllegalArgumentException("cpu " + cpu + " is outside [0, " + layout.cpus() + ")");
    }
  }
}
