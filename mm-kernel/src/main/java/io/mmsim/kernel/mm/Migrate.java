package io.mmsim.kernel.mm;

import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageMigrator;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.swap.SwapSystem;

/*
 * Moving one user page to another frame for compaction (mm/migrate.c: migrate_pages,
 * migrate_folio_unmap, move_to_new_folio, folio_migrate_mapping, folio_migrate_flags,
 * remove_migration_ptes; mm/compaction.c: isolate_migratepages_block's checks).
 *
 *   isolate(pfn)     a user frame the kernel accounts for entirely: mapped at least once (on the
 *                    LRU), and every reference explained by a mapping, the page cache or the swap
 *                    cache (page_count == expected: no other pin)
 *   migrate(src, dst)
 *     1. a swap-cache page: the swap system moves its cache entry first (the only step that may
 *        refuse; then nothing has changed)
 *     2. the bytes: dst becomes a copy of src (folio_copy)
 *     3. references, reverse map, page-cache slot, dirty bit and global policy key move to dst
 *        (PageRefs.move)
 *     4. every PTE that mapped src now maps dst with the same bits, and its TLB entry is flushed
 *        (the kernel goes through migration entries and remove_migration_ptes; with one thread
 *        the direct rewrite is the same end state)
 *
 * Unmapped cache pages (an orphan swap-cache page waiting for reclaim, a shmem page no one maps)
 * are not on the simulator's LRU and are not moved. Not thread-safe.
 */
final class Migrate implements PageMigrator {
  private final PageRefs refs;
  private final Tasks tasks;
  private final PageTable pageTable;
  private final PhysicalMemory memory;
  private final Vmscan vmscan;

  Migrate(PageRefs refs, Tasks tasks, PageTable pageTable, PhysicalMemory memory, Vmscan vmscan) {
    this.refs = refs;
    this.tasks = tasks;
    this.pageTable = pageTable;
    this.memory = memory;
    this.vmscan = vmscan;
  }

  @Override
  public boolean isolate(long pfn) {
    if (pfn == refs.zeroPfn() || pfn >= refs.frames()) {
      return false;
    }
    int count = refs.refCount((int) pfn);
    int maps = refs.mapCount(pfn);
    if (count == 0 || maps == 0) {
      return false;
    }
    int expected = maps + (refs.cache().contains(pfn) ? 1 : 0);
    SwapSystem swap = vmscan.swap();
    if (swap != null && swap.inSwapCache(pfn)) {
      expected++;
    }
    return count == expected;
  }

  @Override
  public boolean migrate(long src, long dst) {
    SwapSystem swap = vmscan.swap();
    if (swap != null && swap.inSwapCache(src) && !swap.migrateSwapCache(src, dst)) {
      return false;
    }
    memory.copyPage(src, dst);
    long[] keys = refs.rmap().keys(src);
    refs.move(src, dst);
    for (long k : keys) {
      MmStruct mm = tasks.mmOf(Rmap.pid(k));
      long va = Rmap.vpn(k) << Page.PAGE_SHIFT;
      long pte = pageTable.readPte(mm.root(), va);
      if (!Pte.present(pte) || Pte.pfn(pte) != src) {
        throw new AssertionError(
            String.format(
                "migrating pfn 0x%x: pid %d vpn 0x%x maps %016x", src, mm.pid(), Rmap.vpn(k), pte));
      }
      pageTable.writePte(mm.root(), va, Pte.make(dst, Pte.flags(pte)));
      pageTable.flushTlbPage(va);
    }
    return true;
  }
}
