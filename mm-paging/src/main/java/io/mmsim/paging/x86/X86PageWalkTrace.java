package io.mmsim.paging.x86;

import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.trace.Tracer;

/**
 * A page walk as the tracer sees it: the {@code page_walk} event, then one {@code walk_step} per
 * entry read from CR3 down to the leaf or the first entry that ends the walk (not present, or a 1
 * GiB / 2 MiB leaf), much as {@code arch/x86/mm/fault.c: dump_pagetable} prints the entries of a
 * faulting address. Kept apart from {@link X86Mmu}'s walk, which calls it only while someone
 * listens: the walk proper stays the tuned code of a TLB miss, this a plain reading of the tables.
 */
final class X86PageWalkTrace {
  private X86PageWalkTrace() {}

  /**
   * Reports the walk that {@code cpu} is about to make for {@code linear} from the root table in
   * frame {@code root}, entry by entry, before the walk sets any Accessed bit.
   */
  static void pageWalk(
      Tracer trace,
      PhysicalMemory mem,
      int cpu,
      int levels,
      long root,
      long linear,
      int access,
      boolean user) {
    long table = root;
    trace.pageWalk(
        cpu,
        table,
        linear,
        access == Access.WRITE ? "write" : access == Access.EXECUTE ? "exec" : "read",
        user);
    for (int level = levels; level > 0; level--) {
      int index = X86Mmu.tableIndex(linear, level);
      long e = mem.readEntry(table, index);
      trace.walkStep(cpu, level, table, index, e);
      if ((e & Pte.PRESENT) == 0 || (level <= 3 && (e & Pte.PS) != 0)) {
        return;
      }
      table = X86Mmu.nextTable(e);
    }
  }
}
