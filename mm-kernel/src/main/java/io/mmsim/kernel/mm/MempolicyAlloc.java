package io.mmsim.kernel.mm;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;

/*
 * alloc_pages_mpol (mm/mempolicy.c): a user page allocated as the memory policy in force says.
 * The default policy is a plain allocation (the faulting CPU's zonelist); preferred and bind pass
 * the page allocator a preferred node or a node mask; interleave picks the node from the page's
 * interleave index and counts numa_interleave (NUMA_INTERLEAVE_HIT) on the zone the page came
 * from when it landed on that node. The allocator cannot tell an interleaved request from
 * another, so that count lives here.
 */
final class MempolicyAlloc {
  private final PageAllocator pages;
  private final MemoryLayout layout;

  /** numa_interleave by nid * zones + zone. */
  private final long[] interleaveHits;

  MempolicyAlloc(PageAllocator pages, MemoryLayout layout) {
    this.pages = pages;
    this.layout = layout;
    this.interleaveHits = new long[layout.nodes() * Zone.count()];
  }

  /** A page for {@code linear} in {@code vma} (may be null) under {@code pol}; or NO_PAGE. */
  long alloc(int cpu, int gfp, Mempolicy pol, VmAreaStruct vma, long linear) {
    switch (pol.mode()) {
      case DEFAULT:
        return pages.allocPages(cpu, gfp, 0);
      case INTERLEAVE:
        {
          long ilx =
              vma == null ? linear >>> Page.PAGE_SHIFT : Mempolicy.interleaveIndex(vma, linear);
          int nid = pol.interleaveNode(ilx);
          long pfn = pages.allocPages(cpu, gfp, 0, nid, PageAllocator.ALL_NODES);
          if (pfn != PageAllocator.NO_PAGE && layout.numa().nodeOf(pfn) == nid) {
            interleaveHits[nid * Zone.count() + Zone.of(pfn).ordinal()]++;
          }
          return pfn;
        }
      default:
        return pages.allocPages(cpu, gfp, 0, pol.preferredNode(), pol.nodemask());
    }
  }

  /** numa_interleave of {@code zone} of node {@code nid}. */
  long interleaveHits(int nid, Zone zone) {
    return interleaveHits[nid * Zone.count() + zone.ordinal()];
  }
}
