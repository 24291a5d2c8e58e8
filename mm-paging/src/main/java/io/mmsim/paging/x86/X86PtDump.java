package io.mmsim.paging.x86;

import static io.mmsim.paging.x86.X86PageTable.ENTRIES;
import static io.mmsim.paging.x86.X86PageTable.KERNEL_FIRST_INDEX;
import static io.mmsim.paging.x86.X86PageTable.isLeaf;

import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.paging.Pte;

/**
 * The page-table frames for the frame map, each labelled with its owner (the kernel or an address
 * space) and the kernel's name of its level (PGD, P4D, PUD, PMD, PTE), as {@code
 * arch/x86/mm/dump_pagetables.c} ({@code ptdump_walk_pgd_level}, behind {@code
 * /sys/kernel/debug/page_tables}) walks and names them. The kernel root is walked whole; each
 * address space only through its own entries 0..255, the rest being the kernel's.
 */
final class X86PtDump {
  private final PhysicalMemory mem;
  private final int levels;

  private X86PtDump(X86PageTable pt) {
    this.mem = pt.memory();
    this.levels = pt.levels();
  }

  /** Marks every table frame of {@code pt} in {@code map}. */
  static void describeFrames(X86PageTable pt, FrameMap map) {
    new X86PtDump(pt).describe(pt.kernelRoot(), pt.roots(), map);
  }

  private void describe(long kernelRoot, RootMap roots, FrameMap map) {
    markTables(map, Page.pfnToPhys(kernelRoot), levels, 0, ENTRIES, "kernel");
    for (int s = 0; s < roots.capacity(); s++) {
      long r = roots.rootAt(s);
      if (r != RootMap.EMPTY) {
        markTables(map, Page.pfnToPhys(r), levels, 0, KERNEL_FIRST_INDEX, map.addressSpaceLabel(r));
      }
    }
  }

  /** Marks the table at {@code table} and every table below entries [from, to) of it. */
  private void markTables(FrameMap map, long table, int level, int from, int to, String owner) {
    map.mark(Page.physToPfn(table), 1, FrameUse.PAGE_TABLE, owner + " " + tableName(level));
    for (int i = from; i < to; i++) {
      long e = mem.readLong(table + (long) i * Long.BYTES);
      if (Pte.present(e) && !isLeaf(e, level) && level > 1) {
        markTables(map, e & Pte.PFN_MASK, level - 1, 0, ENTRIES, owner);
      }
    }
  }

  /** The kernel's name of a table of {@code level} (pgd, p4d, pud, pmd, pte). */
  private String tableName(int level) {
    if (level == levels) {
      return "PGD";
    }
    return switch (level) {
      case 4 -> "P4D";
      case 3 -> "PUD";
      case 2 -> "PMD";
      default -> "PTE";
    };
  }
}
