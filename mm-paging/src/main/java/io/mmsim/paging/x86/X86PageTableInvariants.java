package io.mmsim.paging.x86;

import static io.mmsim.paging.x86.X86PageTable.ENTRIES;
import static io.mmsim.paging.x86.X86PageTable.GIB;
import static io.mmsim.paging.x86.X86PageTable.KERNEL_FIRST_INDEX;
import static io.mmsim.paging.x86.X86PageTable.MIB2;
import static io.mmsim.paging.x86.X86PageTable.isLeaf;

import java.util.HashSet;
import java.util.Set;

import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.paging.Pte;

/**
 * The invariants of the x86-64 page tables, recounted from the entries in memory: the kernel root
 * and every kernel-half table add up to the recorded kernel count; the direct map holds as many 1
 * GiB, 2 MiB and 4 KiB leaves as boot recorded; each root owns exactly the tables reachable from
 * its entries 0..255 and no table is reachable twice; every root's entries 256..511 equal the
 * kernel root's ({@code arch/x86/mm/init_64.c: sync_global_pgds}); every CPU's CR3 is a live root.
 * The kernel checks only part of this ({@code kernel/fork.c: check_mm} reports a non-zero {@code
 * pgtables_bytes} when an mm is freed); tests and the page table's {@code checkInvariants} run it.
 */
final class X86PageTableInvariants {
  private final X86PageTable pt;
  private final PhysicalMemory mem;
  private final long kernelRoot;
  private final int levels;
  private final long pageOffset;

  private X86PageTableInvariants(X86PageTable pt) {
    this.pt = pt;
    this.mem = pt.memory();
    this.kernelRoot = pt.kernelRoot();
    this.levels = pt.levels();
    this.pageOffset = pt.pageOffset();
  }

  /** Recounts every table of {@code pt}; throws AssertionError on a mismatch. */
  static void check(X86PageTable pt) {
    new X86PageTableInvariants(pt).checkAll();
  }

  private void checkAll() {
    long kernelTables = pt.kernelTablePages();
    long userTables = pt.userTablePages();
    RootMap roots = pt.roots();
    Set<Long> seen = new HashSet<>();
    long kernelRootPhys = Page.pfnToPhys(kernelRoot);
    seen.add(kernelRoot);
    long kernelCount = 1 + countTables(kernelRootPhys, levels, 0, ENTRIES, seen);
    if (kernelCount != kernelTables) {
      throw new AssertionError(
          "kernel tables: counted " + kernelCount + ", recorded " + kernelTables);
    }
    long[] directMap = {
      0, pt.directMapPages(Page.PAGE_SIZE), pt.directMapPages(MIB2), pt.directMapPages(GIB)
    };
    long[] leaves = new long[4];
    countDirectMap(leaves);
    for (int l = 1; l <= 3; l++) {
      if (leaves[l] != directMap[l]) {
        throw new AssertionError(
            "direct map level "
                + l
                + " pages: counted "
                + leaves[l]
                + ", recorded "
                + directMap[l]);
      }
    }
    long sum = 0;
    for (int s = 0; s < roots.capacity(); s++) {
      long r = roots.rootAt(s);
      if (r == RootMap.EMPTY) {
        continue;
      }
      if (!seen.add(r)) {
        throw new AssertionError("root pfn 0x" + Long.toHexString(r) + " is also a table");
      }
      long rp = Page.pfnToPhys(r);
      long owned = 1 + countTables(rp, levels, 0, KERNEL_FIRST_INDEX, seen);
      if (owned != roots.count(r)) {
        throw new AssertionError(
            "root pfn 0x"
                + Long.toHexString(r)
                + ": counted "
                + owned
                + " tables, recorded "
                + roots.count(r));
      }
      sum += owned;
      for (int i = KERNEL_FIRST_INDEX; i < ENTRIES; i++) {
        long mine = mem.readLong(rp + (long) i * Long.BYTES);
        long kernel = mem.readLong(kernelRootPhys + (long) i * Long.BYTES);
        if (mine != kernel) {
          throw new AssertionError(
              String.format(
                  "root pfn 0x%x: kernel entry %d is 0x%x, the" + " kernel root has 0x%x",
                  r, i, mine, kernel));
        }
      }
    }
    if (sum != userTables) {
      throw new AssertionError("user tables: counted " + sum + ", recorded " + userTables);
    }
    for (X86Mmu m : pt.mmus()) {
      if (m != null) {
        if (!pt.isRoot(m.cr3())) {
          throw new AssertionError(
              "cpu "
                  + m.cpu()
                  + ": CR3 pfn 0x"
                  + Long.toHexString(m.cr3())
                  + " is not a live root");
        }
        m.checkInvariants();
      }
    }
  }

  private long countTables(long table, int level, int from, int to, Set<Long> seen) {
    long n = 0;
    for (int i = from; i < to; i++) {
      long e = mem.readLong(table + (long) i * Long.BYTES);
      if (!Pte.present(e) || isLeaf(e, level)) {
        continue;
      }
      long child = Pte.pfn(e);
      if (!seen.add(child)) {
        throw new AssertionError(
            "table pfn 0x"
                + Long.toHexString(child)
                + " is reachable twice (level "
                + (level - 1)
                + ")");
      }
      n += 1 + (level - 1 > 1 ? countTables(e & Pte.PFN_MASK, level - 1, 0, ENTRIES, seen) : 0);
    }
    return n;
  }

  private void countDirectMap(long[] leaves) {
    long bytes = mem.size();
    pt.walkKernel(pageOffset, pageOffset + bytes - 1, (va, e) -> leaves[leafLevelOf(va)]++);
  }

  private int leafLevelOf(long va) {
    for (int level = 3; level >= 1; level--) {
      long e = pt.readEntry(kernelRoot, va, level);
      if (Pte.present(e) && isLeaf(e, level)) {
        return level;
      }
    }
    throw new AssertionError("no leaf at 0x" + Long.toHexString(va));
  }
}
