package io.mmsim.vmalloc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.PageTable.PteVisitor;

/**
 * A test double of the page-table contract for vmalloc: the kernel root's leaf entries in a map
 * keyed by linear page, and the intermediate tables they would need (one PT per 2 MiB, one PMD
 * table per 1 GiB, one PUD table per 512 GiB, one P4D table per 256 TiB with 5 levels) accounted as
 * frames taken from a page allocator, so that page-table memory can run out. TLB shootdowns are
 * counted per page.
 *
 * <p>It implements the {@link PageTable} methods vmalloc uses, with their signatures, and {@link
 * #asPageTable()} exposes it through a {@link Delegate} proxy: a call of any other contract method
 * (user address spaces, MMUs, ...) fails loudly, and the double keeps compiling while the contract
 * grows.
 */
final class FakePageTable {
  private static final int[] TABLE_SHIFTS = {21, 30, 39, 48};

  private final PageAllocator frames;
  private final int levels;
  private final long root;

  /** Leaf entries by page address (all in the kernel half: one sign, signed order is fine). */
  private final TreeMap<Long, Long> ptes = new TreeMap<>();

  /** Per table level (PT, PMD, PUD, P4D): index of the covered span to the table's frame. */
  private final List<Map<Long, Long>> tables = new ArrayList<>();

  private final Map<Long, Integer> flushes = new HashMap<>();
  private long flushCount;
  private long writeBudget = Long.MAX_VALUE;

  /** A kernel page table of {@code levels} levels whose frames come from {@code frames}. */
  FakePageTable(PageAllocator frames, int levels) {
    if (levels != 4 && levels != 5) {
      throw new IllegalArgumentException("levels " + levels);
    }
    this.frames = frames;
    this.levels = levels;
    this.root = frames.allocPages(0, Gfp.KERNEL | Gfp.ZERO, 0);
    if (root == PageAllocator.NO_PAGE) {
      throw new IllegalStateException("no frame for the root table");
    }
    for (int i = 0; i < levels - 1; i++) {
      tables.add(new HashMap<>());
    }
  }

  /** This double as the contract (a proxy delegating to it). */
  PageTable asPageTable() {
    return Delegate.of(PageTable.class, this);
  }

  /** From now on, only {@code writes} more non-zero PTE writes succeed; the next ones fail. */
  void failAfterWrites(long writes) {
    writeBudget = writes;
  }

  /** How many times the TLB entry of the page at {@code linear} was shot down. */
  int flushes(long linear) {
    return flushes.getOrDefault(linear & ~0xfffL, 0);
  }

  /** TLB shootdowns in total. */
  long flushCount() {
    return flushCount;
  }

  /** Number of present leaf entries. */
  int mappedPages() {
    return ptes.size();
  }

  public int levels() {
    return levels;
  }

  public int virtualAddressBits() {
    return levels == 5 ? 57 : 48;
  }

  public boolean isCanonical(long linear) {
    int unused = 64 - virtualAddressBits();
    return (linear << unused >> unused) == linear;
  }

  public long supportedPteMask() {
    // the x86-64 layout with EFER.NXE on: every bit, NX included
    return -1L;
  }

  public long kernelRoot() {
    return root;
  }

  public long readPte(long root, long linear) {
    checkRoot(root);
    return ptes.getOrDefault(linear & ~0xfffL, 0L);
  }

  public boolean writePte(long root, long linear, long pte) {
    checkRoot(root);
    if (!isCanonical(linear)) {
      throw new IllegalArgumentException(String.format("non-canonical 0x%x", linear));
    }
    long page = linear & ~0xfffL;
    if (pte == 0) {
      ptes.remove(page);
      return true;
    }
    if (writeBudget <= 0) {
      return false;
    }
    long[] taken = new long[tables.size()];
    int n = 0;
    for (int level = 0; level < tables.size(); level++) {
      if (!tables.get(level).containsKey(page >>> TABLE_SHIFTS[level])) {
        long pfn = frames.allocPages(0, Gfp.KERNEL | Gfp.ZERO, 0);
        if (pfn == PageAllocator.NO_PAGE) {
          for (int i = 0; i < n; i++) {
            frames.freePages(0, taken[i], 0);
          }
          return false;
        }
        taken[n++] = pfn;
      }
    }
    n = 0;
    for (int level = 0; level < tables.size(); level++) {
      long key = page >>> TABLE_SHIFTS[level];
      if (!tables.get(level).containsKey(key)) {
        tables.get(level).put(key, taken[n++]);
      }
    }
    writeBudget--;
    ptes.put(page, pte);
    return true;
  }

  public void walkRange(long root, long start, long end, PteVisitor visitor) {
    checkRoot(root);
    for (Map.Entry<Long, Long> e : new TreeMap<>(ptes.subMap(start, end)).entrySet()) {
      visitor.visit(e.getKey(), e.getValue());
    }
  }

  public long tablePages() {
    long n = 1;
    for (Map<Long, Long> t : tables) {
      n += t.size();
    }
    return n;
  }

  public void flushTlbPage(long linear) {
    flushes.merge(linear & ~0xfffL, 1, Integer::sum);
    flushCount++;
  }

  private void checkRoot(long r) {
    if (r != root) {
      throw new IllegalArgumentException("only the kernel root " + root + " exists, not " + r);
    }
  }
}
