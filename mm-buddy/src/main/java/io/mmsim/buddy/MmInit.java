package io.mmsim.buddy;

import static io.mmsim.buddy.AllocFlags.ALLOC_NOFRAGMENT;
import static io.mmsim.buddy.FreeArea.MAX_ORDER;
import static io.mmsim.buddy.FreeArea.NR_ZONES;
import static io.mmsim.buddy.FreeArea.ZONE_NORMAL;

import java.util.Arrays;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mmsim.api.BadPageException;

/*
 * One node's boot, after mm/mm_init.c: the boot allocator's hand-off of free blocks
 * (memblock_free_pages, __free_pages_core: each block goes to the tail of its free list and counts
 * as managed), the record of which frames it released, and the zone setup that ends boot
 * (init_per_zone_wmark_min, setup_per_cpu_pageset, and alloc_flags_nofragment's preferred zone).
 *
 * Separate from BuddyAllocator because none of it runs once the node has booted: the allocation
 * and free paths only read what it leaves behind (the managed counts, the fast pass's
 * ALLOC_NOFRAGMENT by zone, the watermarks and per-CPU sizes it has the parts compute). The
 * allocator keeps the booted flag and the pgfree counter itself, so its hot paths read no field
 * of this class.
 */
final class MmInit {
  private final Logger log;
  private final long base;
  private final int nFrames;
  private final FreeArea area;
  private final PerCpuPages pcp;
  private final Watermarks wm;

  /** Managed pages by zone (BuddyAllocator's array, shared): the boot hand-off counts them. */
  private final long[] managed;

  /** ALLOC_NOFRAGMENT or 0 for the fast pass by highest zone (BuddyAllocator's, filled here). */
  private final int[] nofragment;

  /** Bit f set when the boot hand-off released frame f (unset bits are the reserved frames). */
  final long[] given;

  MmInit(
      FreeArea area,
      PerCpuPages pcp,
      Watermarks wm,
      long[] managed,
      int[] nofragment,
      long base,
      int nFrames,
      String loggerName) {
    this.log = LoggerFactory.getLogger(loggerName);
    this.area = area;
    this.pcp = pcp;
    this.wm = wm;
    this.managed = managed;
    this.nofragment = nofragment;
    this.base = base;
    this.nFrames = nFrames;
    this.given = new long[(nFrames + 63) >>> 6];
  }

  /**
   * {@code memblock_free_pages}: checks the block, then frees it to the tail of its free list and
   * counts it as managed; every check runs before the first write.
   *
   * @return the pages freed, for the allocator's pgfree
   */
  int freeBootPages(long pfn, int order) {
    if (order < 0 || order > MAX_ORDER) {
      throw new BadPageException(pfn, order, "order " + order + " is outside 0.." + MAX_ORDER);
    }
    long local = pfn - base;
    if (local < 0 || local >= nFrames) {
      throw new BadPageException(
          pfn,
          order,
          String.format("pfn outside memory (frames 0x%x-0x%x)", base, base + nFrames - 1));
    }
    if ((pfn & ((1L << order) - 1)) != 0) {
      throw new BadPageException(
          pfn, order, "misaligned block: the pfn is not a multiple of " + (1 << order) + " pages");
    }
    int n = 1 << order;
    if (local + n > nFrames) {
      throw new BadPageException(pfn, order, "block runs past the end of memory");
    }
    int p = (int) local;
    if (anyGiven(p, n)) {
      throw new BadPageException(
          pfn, order, "boot hand-off of a block with frames already handed over");
    }
    for (int f = p; f < p + n; f++) {
      given[f >>> 6] |= 1L << f;
    }
    int z = area.zoneOf(p);
    managed[z] += n;
    area.freeBlock(z, p, order, true);
    return n;
  }

  boolean isGiven(int f) {
    return (given[f >>> 6] & (1L << f)) != 0;
  }

  private boolean anyGiven(int from, int n) {
    for (int f = from; f < from + n; f++) {
      if (isGiven(f)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The zone setup that ends boot: watermarks and lowmem_reserve from every node's managed pages
   * ({@code machineManaged}), per-CPU list sizes, and the fast pass's ALLOC_NOFRAGMENT by zone.
   */
  void completeBoot(long machineManaged) {
    wm.setup(managed, machineManaged);
    pcp.setup(managed);
    for (int c = 0; c < NR_ZONES; c++) {
      // alloc_flags_nofragment: the preferred zone is the first one with memory
      int preferred = c;
      while (preferred > 0 && managed[preferred] == 0) {
        preferred--;
      }
      nofragment[c] = preferred == ZONE_NORMAL ? ALLOC_NOFRAGMENT : 0;
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "buddy: {} pages managed, mobility grouping {}, min_free_kbytes {}, watermarks"
              + " (min/low/high by zone) {}, lowmem_reserve {}, pcp high {} batch {}",
          Arrays.stream(managed).sum(),
          area.blocks.mobilityDisabled ? "off" : "on",
          wm.minFreeKbytes,
          Arrays.toString(wm.wmark),
          Arrays.toString(wm.lowmemReserve),
          Arrays.toString(pcp.high),
          Arrays.toString(pcp.batch));
    }
  }
}
