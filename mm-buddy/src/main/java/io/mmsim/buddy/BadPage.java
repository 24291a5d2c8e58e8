package io.mmsim.buddy;

import static io.mmsim.buddy.FreeArea.ALLOCATED;
import static io.mmsim.buddy.FreeArea.BUDDY;
import static io.mmsim.buddy.FreeArea.MAX_ORDER;
import static io.mmsim.buddy.FreeArea.NONE;
import static io.mmsim.buddy.FreeArea.PCP;
import static io.mmsim.buddy.FreeArea.orderOf;
import static io.mmsim.buddy.FreeArea.stateOf;

import io.mmsim.api.BadPageException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MigrateType;

/*
 * Why a page allocator call was refused: the reason a kernel reader knows from mm/page_alloc.c's
 * bad_page() and page_bad_reason() (free_page_is_bad, the checks of free_pages_prepare), named
 * for the machine PFN. The kernel reports and taints; here the call throws and changes nothing,
 * so every method only reads. A free is diagnosed in a fixed order, the first failing check
 * naming the reason: the order, the PFN's range and alignment, the frame's own state (a different
 * order, a double free of a free block or of a per-CPU page), a frame inside another block, a
 * frame the boot hand-off never released.
 *
 * Only the refusals run here: BuddyAllocator's hot methods test their arguments inline and call in
 * only to build the exception.
 */
final class BadPage {
  private final long base;
  private final int nFrames;
  private final int cpus;
  private final byte[] meta;

  /** Bit f set when the boot hand-off released frame f (BuddyAllocator's bitmap, shared). */
  private final long[] given;

  /** The frames' words (the free-list links, lent to a block's owner): 0 on a block freed. */
  private final int[] word0;

  private final int[] word1;

  /** The index of the node's first frame in the words. */
  private final int lb;

  BadPage(
      long base,
      int nFrames,
      int cpus,
      byte[] meta,
      long[] given,
      int[] word0,
      int[] word1,
      int lb) {
    this.base = base;
    this.lb = lb;
    this.word0 = word0;
    this.word1 = word1;
    this.nFrames = nFrames;
    this.cpus = cpus;
    this.meta = meta;
    this.given = given;
  }

  /** The exception for a rejected allocPages call: the first of its arguments that is wrong. */
  RuntimeException badAlloc(int cpu, int gfp, int order) {
    if (order < 0 || order > MAX_ORDER) {
      return new IllegalArgumentException("order " + order + " is outside 0.." + MAX_ORDER);
    }
    if (cpu < 0 || cpu >= cpus) {
      return badCpu(cpu);
    }
    if ((gfp & MigrateType.GFP_MOVABLE_MASK) == MigrateType.GFP_MOVABLE_MASK) {
      return new IllegalArgumentException(
          "gfp " + Gfp.format(gfp) + ": __GFP_MOVABLE and __GFP_RECLAIMABLE exclude each other");
    }
    return new IllegalStateException("allocPages before completeBoot");
  }

  /** The exception for a CPU number outside the machine. */
  IllegalArgumentException badCpu(int cpu) {
    return new IllegalArgumentException("cpu " + cpu + " is outside 0.." + (cpus - 1));
  }

  /**
   * The exception for a free that cannot be right, naming the machine PFN; reads state only.
   *
   * @param local the node-relative PFN
   */
  BadPageException badFree(long local, int order) {
    long pfn = base + local;
    if (order < 0 || order > MAX_ORDER) {
      return new BadPageException(pfn, order, "order " + order + " is outside 0.." + MAX_ORDER);
    }
    if (local < 0 || local >= nFrames) {
      return new BadPageException(
          pfn,
          order,
          String.format("pfn outside memory (frames 0x%x-0x%x)", base, base + nFrames - 1));
    }
    if ((pfn & ((1L << order) - 1)) != 0) {
      return new BadPageException(
          pfn, order, "misaligned block: the pfn is not a multiple of " + (1 << order) + " pages");
    }
    int p = (int) local;
    byte m = meta[p];
    switch (stateOf(m)) {
      case ALLOCATED:
        if (orderOf(m) == order) {
          // free_page_is_bad: "non-NULL mapping", the owner still holds the frame's words
          return new BadPageException(
              pfn,
              order,
              String.format(
                  "page still in use: its words were not cleared by its owner (0x%x, 0x%x)",
                  word0[lb + p], word1[lb + p]));
        }
        return new BadPageException(
            pfn, order, "wrong order: the block was allocated with order " + orderOf(m));
      case BUDDY:
        return new BadPageException(
            pfn, order, "double free of a free block (order " + orderOf(m) + " on the free list)");
      case PCP:
        return new BadPageException(pfn, order, "double free of a free page on a per-CPU list");
      default:
        break;
    }
    for (int o = 1; o <= MAX_ORDER; o++) {
      int head = p & -(1 << o);
      byte hm = meta[head];
      if (stateOf(hm) != NONE && head + (1 << orderOf(hm)) > p) {
        int ho = orderOf(hm);
        if (stateOf(hm) == ALLOCATED) {
          return new BadPageException(
              pfn,
              order,
              String.format(
                  "not a block head: the frame lies inside the order-%d block allocated at pfn 0x%x",
                  ho, base + head));
        }
        return new BadPageException(
            pfn,
            order,
            String.format(
                "double free: the frame lies inside a free block of order %d at pfn 0x%x",
                ho, base + head));
      }
    }
    if ((given[p >>> 6] & (1L << p)) == 0) {
      return new BadPageException(pfn, order, "reserved frame: never handed to the page allocator");
    }
    throw new AssertionError(
        "frame 0x" + Integer.toHexString(p) + " was handed over at boot but no block covers it");
  }
}
