package io.mmsim.kernel.mm;

import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.reclaim.PageTableScan;

/*
 * The page-table walks of the multi-gen LRU, the kernel's half (mm/vmscan.c: walk_mm,
 * walk_pmd_range, walk_pte_range, lru_gen_look_around). A policy gets them through its reclaim
 * scope (ReferenceBits.walkPageTables, lookAround) and hears of them through PageTableScan.
 *
 * walkMm: for each area of the address space, for each 2 MiB range under one PMD entry that points
 * to a PTE table (huge and missing entries are skipped), the policy first says whether the table is
 * worth walking (its Bloom filter); a walked table's present entries with the Accessed bit set have
 * it cleared (and their TLB entry flushed) and are reported young, by the key the scope uses (the
 * frame number globally, the virtual page number for a process). The zero page is skipped, as
 * get_pte_pfn does. A table's identity is its frame number. An absent upper-level entry (PGD, P4D,
 * PUD) skips the whole range it covers, as walk_page_range does, so large sparse areas cost little.
 *
 * lookAround: the window of at most MIN_LRU_BATCH (64) pages around the address, inside its area
 * and its PTE table, centred on the address when the area is larger.
 */
final class LruGenWalk {
  private static final long PMD_SIZE = 1L << 21;
  private static final int MIN_LRU_BATCH = 64;
  private static final long WINDOW = (long) MIN_LRU_BATCH << Page.PAGE_SHIFT;

  private final PageTable pageTable;
  private final long zeroPfn;

  LruGenWalk(PageTable pageTable, long zeroPfn) {
    this.pageTable = pageTable;
    this.zeroPfn = zeroPfn;
  }

  /** Walks every PTE table of {@code mm} the scan accepts. */
  void walkMm(MmStruct mm, PageTableScan scan, boolean pfnKeys) {
    for (VmAreaStruct v : mm.areas()) {
      for (long a = v.start; a < v.end; ) {
        long next = Math.min(v.end, (a | (PMD_SIZE - 1)) + 1);
        long span = emptySpan(mm, a);
        if (span > PMD_SIZE) {
          // no table at an upper level: the whole range it would map holds no PTE table
          a = Math.min(v.end, (a | (span - 1)) + 1);
          continue;
        }
        long table = table(mm, a);
        if (table >= 0 && scan.enterTable(table)) {
          int young = walkPtes(mm, a, next, scan, pfnKeys);
          scan.leaveTable(table, (int) ((next - a) >>> Page.PAGE_SHIFT), young);
        }
        a = next;
      }
    }
  }

  /** The entries around {@code vpn} in its area and PTE table. */
  void lookAround(MmStruct mm, long vpn, PageTableScan scan, boolean pfnKeys) {
    long addr = vpn << Page.PAGE_SHIFT;
    VmAreaStruct v = mm.find(addr);
    long table = table(mm, addr);
    if (v == null || table < 0) {
      return;
    }
    long start = Math.max(addr & ~(PMD_SIZE - 1), v.start);
    long end = Math.min((addr | (PMD_SIZE - 1)) + 1, v.end);
    if (end - start > WINDOW) {
      if (addr - start < WINDOW / 2) {
        end = start + WINDOW;
      } else if (end - addr < WINDOW / 2) {
        start = end - WINDOW;
      } else {
        start = addr - WINDOW / 2;
        end = addr + WINDOW / 2;
      }
    }
    if (!scan.enterTable(table)) {
      return;
    }
    int young = walkPtes(mm, start, end, scan, pfnKeys);
    scan.leaveTable(table, (int) ((end - start) >>> Page.PAGE_SHIFT), young);
  }

  /**
   * The size of the range around {@code addr} that an absent (or huge) upper-level entry covers, so
   * a walk of a large sparse area skips it at once; 0 when the walk reaches the PMD level.
   */
  private long emptySpan(MmStruct mm, long addr) {
    for (int level = pageTable.levels(); level > 2; level--) {
      long e = pageTable.readEntry(mm.root(), addr, level);
      if (!Pte.present(e) || (e & Pte.PS) != 0) {
        return 1L << (Page.PAGE_SHIFT + 9 * (level - 1));
      }
    }
    return 0;
  }

  /** The frame of the PTE table mapping {@code addr}, or -1 when there is none. */
  private long table(MmStruct mm, long addr) {
    long pmd = pageTable.readEntry(mm.root(), addr, 2);
    if (!Pte.present(pmd) || (pmd & Pte.PS) != 0) {
      return -1;
    }
    return Pte.pfn(pmd);
  }

  private int walkPtes(MmStruct mm, long start, long end, PageTableScan scan, boolean pfnKeys) {
    int young = 0;
    for (long a = start; a < end; a += Page.PAGE_SIZE) {
      long pte = pageTable.readPte(mm.root(), a);
      if (!Pte.present(pte) || (pte & Pte.ACCESSED) == 0) {
        continue;
      }
      long pfn = Pte.pfn(pte);
      if (pfn == zeroPfn) {
        continue;
      }
      pageTable.writePte(mm.root(), a, pte & ~Pte.ACCESSED);
      pageTable.flushTlbPage(a);
      young++;
      scan.young(pfnKeys ? pfn : a >>> Page.PAGE_SHIFT);
    }
    return young;
  }
}
