package io.mmsim.testkit.paging;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;

/**
 * A deliberately simple {@link PageTable} of the kernel half only, for testing the parts that map
 * kernel memory (vmalloc) without an MMU.
 *
 * <h2>Model</h2>
 *
 * Leaf entries live in a sorted map keyed by page address. The tables a real x86-64 page table
 * would need for them are accounted as frames taken from the page allocator: one page table per 2
 * MiB, one PMD table per 1 GiB, one PUD table per 512 GiB and, with 5 levels, one P4D table per 256
 * TiB. The second-level tables of the whole vmalloc range exist from the start, as the kernel
 * preallocates them at boot ({@code arch/x86/mm/init_64.c: preallocate_vmalloc_pages}); any other
 * table appears with the first entry below it. {@link #freeEmptyTables} frees the tables below the
 * second level that hold nothing (the second-level tables stay, as the kernel keeps the top-level
 * entries every address space shares). Entries are not stored in the frames, so {@link #readEntry}
 * above level 1 answers a link entry ({@link Pte#KERNPG_TABLE}) to the table's frame.
 *
 * <h2>What it does not model</h2>
 *
 * No user address spaces (only {@link #kernelRoot()} exists), no direct map, no MMU: {@link
 * #createAddressSpace}, {@link #destroyAddressSpace}, {@link #mmu}, {@link #flushTlbMm} and writes
 * in the user half throw {@link UnsupportedOperationException} saying so. TLB shootdowns ({@link
 * #flushTlbPage}) are only counted, per page, for tests to read back.
 *
 * <p>Test hooks: {@link #failAfterWrites} makes non-zero PTE writes fail (return false) on cue;
 * {@link #flushes}, {@link #flushCount} and {@link #mappedPages} report what happened. Not
 * thread-safe.
 */
public final class SimplePageTable implements PageTable {
  private final PageAllocator frames;
  private final int levels;
  private final long root;

  /** Leaf entries by page address: all in the kernel half, so signed order is address order. */
  private final TreeMap<Long, Long> ptes = new TreeMap<>();

  /**
   * Per table level 1..levels-1 (index level-1): covered span (address >> span shift, signed) to
   * the table's frame.
   */
  private final List<Map<Long, Long>> tables = new ArrayList<>();

  private final Map<Long, Integer> flushes = new HashMap<>();
  private long flushCount;
  private long writeBudget = Long.MAX_VALUE;

  /**
   * A kernel page table of {@code levels} (4 or 5) levels whose root and tables are frames of
   * {@code frames}.
   *
   * @throws IllegalStateException when no frame can be had for the root
   */
  public SimplePageTable(PageAllocator frames, int levels) {
    if (levels != 4 && levels != 5) {
      throw new IllegalArgumentException("levels " + levels + " is neither 4 nor 5");
    }
    this.frames = frames;
    this.levels = levels;
    this.root = frames.allocPages(0, Gfp.KERNEL | Gfp.ZERO, 0);
    if (root == PageAllocator.NO_PAGE) {
      throw new IllegalStateException("no frame for the root table");
    }
    for (int i = 1; i < levels; i++) {
      tables.add(new HashMap<>());
    }
    long vmStart = levels == 5 ? KernelLayout.VMALLOC_START_L5 : KernelLayout.VMALLOC_START;
    long vmEnd = levels == 5 ? KernelLayout.VMALLOC_END_L5 : KernelLayout.VMALLOC_END;
    int sh = spanShift(levels - 1);
    for (long span = vmStart >> sh; span <= vmEnd >> sh; span++) {
      long pfn = frames.allocPages(0, Gfp.KERNEL | Gfp.ZERO, 0);
      if (pfn == PageAllocator.NO_PAGE) {
        throw new IllegalStateException("no frame for the vmalloc range's second-level tables");
      }
      tables.get(levels - 2).put(span, pfn);
    }
  }

  /** The bit where the span of one table of {@code level} starts (a PT covers 2^21 bytes). */
  private static int spanShift(int level) {
    return Page.PAGE_SHIFT + 9 * level;
  }

  // ---------------------------------------------------------------- test hooks

  /** From now on only {@code writes} more non-zero PTE writes succeed; later ones return false. */
  public void failAfterWrites(long writes) {
    writeBudget = writes;
  }

  /** How many times the TLB entry of the page holding {@code linear} was shot down. */
  public int flushes(long linear) {
    return flushes.getOrDefault(linear & ~Page.PAGE_OFFSET_MASK, 0);
  }

  /** TLB shootdowns in total. */
  public long flushCount() {
    return flushCount;
  }

  /** Number of non-zero leaf entries. */
  public int mappedPages() {
    return ptes.size();
  }

  // ---------------------------------------------------------------- geometry

  @Override
  public int levels() {
    return levels;
  }

  @Override
  public int virtualAddressBits() {
    return 12 + 9 * levels;
  }

  @Override
  public boolean isCanonical(long linear) {
    int unused = 64 - virtualAddressBits();
    return (linear << unused >> unused) == linear;
  }

  @Override
  public long pageOffset() {
    return levels == 5 ? KernelLayout.PAGE_OFFSET_L5 : KernelLayout.PAGE_OFFSET;
  }

  @Override
  public long taskSizeMax() {
    return levels == 5 ? KernelLayout.TASK_SIZE_MAX_L5 : KernelLayout.TASK_SIZE_MAX;
  }

  /** Every bit: the layout of an x86-64 CPU with EFER.NXE on. */
  @Override
  public long supportedPteMask() {
    return -1L;
  }

  @Override
  public long kernelRoot() {
    return root;
  }

  @Override
  public boolean isRoot(long r) {
    return r == root;
  }

  // ---------------------------------------------------------------- not modelled

  /** Not modelled: this page table has no user address spaces. */
  @Override
  public long createAddressSpace() {
    throw unsupported("user address spaces");
  }

  /** Not modelled: this page table has no user address spaces. */
  @Override
  public void destroyAddressSpace(long r) {
    throw unsupported("user address spaces");
  }

  /** Not modelled: this page table has no MMU. */
  @Override
  public Mmu mmu(int cpu) {
    throw unsupported("MMUs");
  }

  /** Not modelled: this page table has no user address spaces. */
  @Override
  public void flushTlbMm(long r) {
    throw unsupported("user address spaces");
  }

  private static UnsupportedOperationException unsupported(String what) {
    return new UnsupportedOperationException(
        "SimplePageTable models the kernel half only: no " + what);
  }

  // ---------------------------------------------------------------- entries

  @Override
  public long readPte(long r, long linear) {
    checkRoot(r, "readPte");
    checkCanonical(linear, "readPte");
    return ptes.getOrDefault(linear & ~Page.PAGE_OFFSET_MASK, 0L);
  }

  @Override
  public long readEntry(long r, long linear, int level) {
    checkRoot(r, "readEntry");
    checkCanonical(linear, "readEntry");
    if (level < 1 || level > levels) {
      throw new IllegalArgumentException(
          "readEntry: level " + level + " not in [1, " + levels + "]");
    }
    if (level == 1) {
      return readPte(r, linear);
    }
    Long table = tables.get(level - 2).get(linear >> spanShift(level - 1));
    return table == null ? 0 : Pte.make(table, Pte.KERNPG_TABLE);
  }

  @Override
  public boolean writePte(long r, long linear, long pte) {
    checkRoot(r, "writePte");
    checkCanonical(linear, "writePte");
    if (linear >= 0) {
      throw unsupported("user half (0x" + Long.toHexString(linear) + ")");
    }
    long page = linear & ~Page.PAGE_OFFSET_MASK;
    if (pte == 0) {
      ptes.remove(page);
      return true;
    }
    if (writeBudget <= 0) {
      return false;
    }
    long[] taken = new long[levels - 1];
    int n = 0;
    for (int level = 1; level < levels; level++) {
      if (!tables.get(level - 1).containsKey(page >> spanShift(level))) {
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
    for (int level = 1; level < levels; level++) {
      long span = page >> spanShift(level);
      if (!tables.get(level - 1).containsKey(span)) {
        tables.get(level - 1).put(span, taken[n++]);
      }
    }
    if (writeBudget != Long.MAX_VALUE) {
      writeBudget--;
    }
    ptes.put(page, pte);
    return true;
  }

  @Override
  public void walkRange(long r, long start, long end, PteVisitor visitor) {
    checkRoot(r, "walkRange");
    if (start == end) {
      return;
    }
    checkRange(start, end, "walkRange");
    NavigableMap<Long, Long> range =
        end == 0 ? ptes.tailMap(start, true) : ptes.subMap(start, true, end, false);
    for (Map.Entry<Long, Long> e : new TreeMap<>(range).entrySet()) {
      visitor.visit(e.getKey(), e.getValue());
    }
  }

  @Override
  public long freeEmptyTables(long r, long start, long end) {
    checkRoot(r, "freeEmptyTables");
    if (start == end) {
      return 0;
    }
    long last = checkRange(start, end, "freeEmptyTables");
    long freed = 0;
    for (int level = 1; level <= levels - 2; level++) {
      int sh = spanShift(level);
      for (long span = start >> sh; span <= last >> sh; span++) {
        Long frame = tables.get(level - 1).get(span);
        if (frame != null && !holdsAnything(level, span)) {
          tables.get(level - 1).remove(span);
          frames.freePages(0, frame, 0);
          freed++;
        }
      }
    }
    return freed;
  }

  /** True when an entry or a lower table lies under the level-{@code level} table {@code span}. */
  private boolean holdsAnything(int level, long span) {
    int sh = spanShift(level);
    if (level == 1) {
      Long e = ptes.ceilingKey(span << sh);
      return e != null && (e >> sh) == span;
    }
    for (long child : tables.get(level - 2).keySet()) {
      if ((child >> 9) == span) {
        return true;
      }
    }
    return false;
  }

  @Override
  public long virtToPhys(long r, long linear) {
    checkRoot(r, "virtToPhys");
    if (!isCanonical(linear)) {
      return NO_PHYS;
    }
    long pte = ptes.getOrDefault(linear & ~Page.PAGE_OFFSET_MASK, 0L);
    return Pte.present(pte)
        ? Page.pfnToPhys(Pte.pfn(pte)) | (linear & Page.PAGE_OFFSET_MASK)
        : NO_PHYS;
  }

  // ---------------------------------------------------------------- counts

  @Override
  public long tablePages() {
    long n = 1;
    for (Map<Long, Long> t : tables) {
      n += t.size();
    }
    return n;
  }

  @Override
  public long kernelTablePages() {
    return tablePages();
  }

  @Override
  public long tablePages(long r) {
    checkRoot(r, "tablePages");
    return tablePages();
  }

  /** There is no direct map: 0 for each x86-64 page size. */
  @Override
  public long directMapPages(long pageSize) {
    if (pageSize != Page.PAGE_SIZE && pageSize != 1L << 21 && pageSize != 1L << 30) {
      throw new IllegalArgumentException(
          "directMapPages: no x86-64 page of " + pageSize + " bytes");
    }
    return 0;
  }

  @Override
  public void flushTlbPage(long linear) {
    flushes.merge(linear & ~Page.PAGE_OFFSET_MASK, 1, Integer::sum);
    flushCount++;
  }

  /**
   * Every entry has each table above it, every table below the top has its parent, and no frame
   * serves twice.
   */
  @Override
  public void checkInvariants() {
    Set<Long> seen = new HashSet<>();
    seen.add(root);
    for (int level = 1; level < levels; level++) {
      for (Map.Entry<Long, Long> t : tables.get(level - 1).entrySet()) {
        if (!seen.add(t.getValue())) {
          throw new AssertionError("table frame 0x" + Long.toHexString(t.getValue()) + " twice");
        }
        if (level + 1 < levels) {
          long parent = t.getKey() >> (spanShift(level + 1) - spanShift(level));
          if (!tables.get(level).containsKey(parent)) {
            throw new AssertionError(
                "level-" + level + " table 0x" + Long.toHexString(t.getKey()) + " has no parent");
          }
        }
      }
    }
    for (long page : ptes.keySet()) {
      for (int level = 1; level < levels; level++) {
        if (!tables.get(level - 1).containsKey(page >> spanShift(level))) {
          throw new AssertionError(
              "entry at 0x" + Long.toHexString(page) + " has no level-" + level + " table");
        }
      }
    }
  }

  private void checkRoot(long r, String op) {
    if (r != root) {
      throw new BadAddressException(
          Page.pfnToPhys(r),
          String.format("%s: pfn 0x%x is not the kernel root 0x%x", op, r, root));
    }
  }

  private void checkCanonical(long linear, String op) {
    if (!isCanonical(linear)) {
      throw new BadAddressException(linear, String.format("%s: 0x%x is not canonical", op, linear));
    }
  }

  private long checkRange(long start, long end, String op) {
    long last = end - 1;
    checkCanonical(start, op);
    checkCanonical(last, op);
    if ((start < 0) != (last < 0) || Long.compareUnsigned(start, last) > 0) {
      throw new BadAddressException(
          start, String.format("%s: [0x%x, 0x%x) is not a range within one half", op, start, end));
    }
    return last;
  }
}
