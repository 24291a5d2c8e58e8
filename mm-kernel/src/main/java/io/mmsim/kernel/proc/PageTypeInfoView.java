package io.mmsim.kernel.proc;

import java.util.Optional;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.PageTypeInfo;

/*
 * /proc/pagetypeinfo as mm/vmstat.c prints it (pagetypeinfo_show, pagetypeinfo_showfree,
 * pagetypeinfo_showfree_print, pagetypeinfo_showblockcount, pagetypeinfo_showblockcount_print):
 *
 *   Page block order: 9
 *   Pages per block:  512
 *   <blank>
 *   "%-43s " "Free pages count per migrate type at order", then "%6d " per order 0..10
 *   per populated zone and migrate type: "Node %4d, zone %8s, type %12s ", then per order the
 *     blocks on that free list, "%s%6lu " with the prefix ">" once the kernel's count stops at
 *     100000 (it prints ">100000")
 *   <blank>
 *   "%-23s" "Number of blocks type ", then "%12s " per migrate type
 *   per populated zone: "Node %d, zone %8s ", then "%12lu " pageblocks per migrate type
 *
 * With several nodes the whole of it repeats per node (the seq_file walks the pgdats).
 * The per-node "Number of mixed blocks" table needs page_owner and is not printed.
 */
final class PageTypeInfoView {
  private PageTypeInfoView() {}

  /** The kernel stops counting a free list here (it holds zone->lock meanwhile). */
  static final long COUNT_LIMIT = 100000;

  /** True when the allocator reports migrate types, so that the view exists. */
  static boolean available(MemoryLayout layout, PageAllocator pages) {
    for (Zone z : Zone.values()) {
      if (layout.populated(0, z)) {
        return pages.pageTypeInfo(0, z).isPresent();
      }
    }
    return false;
  }

  static String render(MemoryLayout layout, PageAllocator pages) {
    StringBuilder sb = new StringBuilder();
    for (int nid = 0; nid < layout.nodes(); nid++) {
      renderNode(sb, layout, pages, nid);
    }
    return sb.toString();
  }

  /** pagetypeinfo_show for one node: the headers repeat for every node with memory. */
  private static void renderNode(
      StringBuilder sb, MemoryLayout layout, PageAllocator pages, int nid) {
    sb.append("Page block order: ").append(Page.PAGEBLOCK_ORDER).append('\n');
    sb.append("Pages per block:  ").append(1 << Page.PAGEBLOCK_ORDER).append('\n');
    sb.append('\n');
    sb.append(String.format("%-43s ", "Free pages count per migrate type at order"));
    for (int o = 0; o < Page.NR_PAGE_ORDERS; o++) {
      sb.append(String.format("%6d ", o));
    }
    sb.append('\n');
    for (Zone z : Zone.values()) {
      Optional<PageTypeInfo> info =
          layout.populated(nid, z) ? pages.pageTypeInfo(nid, z) : Optional.empty();
      if (info.isEmpty()) {
        continue;
      }
      for (MigrateType t : MigrateType.values()) {
        sb.append(
            String.format("Node %4d, zone %8s, type %12s ", nid, z.kernelName(), t.kernelName()));
        for (int o = 0; o < Page.NR_PAGE_ORDERS; o++) {
          long n = info.get().freeBlocks(t, o);
          if (n >= COUNT_LIMIT) {
            sb.append(String.format(">%6d ", COUNT_LIMIT));
          } else {
            sb.append(String.format("%6d ", n));
          }
        }
        sb.append('\n');
      }
    }
    sb.append('\n').append(String.format("%-23s", "Number of blocks type "));
    for (MigrateType t : MigrateType.values()) {
      sb.append(String.format("%12s ", t.kernelName()));
    }
    sb.append('\n');
    for (Zone z : Zone.values()) {
      Optional<PageTypeInfo> info =
          layout.populated(nid, z) ? pages.pageTypeInfo(nid, z) : Optional.empty();
      if (info.isEmpty()) {
        continue;
      }
      sb.append(String.format("Node %d, zone %8s ", nid, z.kernelName()));
      for (MigrateType t : MigrateType.values()) {
        sb.append(String.format("%12d ", info.get().pageblocks(t)));
      }
      sb.append('\n');
    }
  }
}
