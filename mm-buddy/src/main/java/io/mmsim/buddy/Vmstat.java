package io.mmsim.buddy;

import static io.mmsim.buddy.FreeArea.NR_ORDERS;
import static io.mmsim.buddy.FreeArea.NR_ZONES;
import static io.mmsim.buddy.FreeArea.ZONE_DMA;
import static io.mmsim.buddy.FreeArea.ZONE_DMA32;
import static io.mmsim.buddy.FreeArea.ZONE_NORMAL;
import static io.mmsim.buddy.Pageblocks.MIGRATE_HIGHATOMIC;
import static io.mmsim.buddy.Pageblocks.MIGRATE_TYPES;

import java.util.Arrays;
import java.util.Optional;

import io.mmsim.api.Statistics;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageTypeInfo;
import io.mmsim.api.page.ZoneStats;

/*
 * What one node's buddy allocator shows of itself, after mm/vmstat.c: the numbers behind
 * /proc/zoneinfo (zoneinfo_show_print), /proc/pagetypeinfo (pagetypeinfo_showfree_print,
 * pagetypeinfo_showblockcount_print) and the allocator's vmstat-style counters. Every method only
 * reads: the counters are bumped where the work happens (BuddyAllocator's pgalloc on its fast
 * path, the parts' own counters), and this class sums them when asked.
 */
final class Vmstat {
  private final MemoryLayout layout;
  private final int nid;
  private final long base;
  private final int cpus;
  private final FreeArea area;
  private final Pageblocks blocks;
  private final PerCpuPages pcp;
  private final HighAtomic highAtomic;
  private final Fallback fallback;
  private final Compaction compaction;
  private final long[] managed;
  private final long[] pgalloc;
  private final long[] zoneFree;
  private final long[] freePages;
  private final long[] wmark;
  private final long[] lowmemReserve;
  private final int[] pcpCount;

  /** The views of node {@code nid}; the arrays are the allocator's own, read when asked. */
  Vmstat(
      MemoryLayout layout,
      int nid,
      FreeArea area,
      PerCpuPages pcp,
      Watermarks wm,
      HighAtomic highAtomic,
      Fallback fallback,
      Compaction compaction,
      long[] managed,
      long[] pgalloc) {
    this.layout = layout;
    this.nid = nid;
    this.base = layout.numa().nodeStart(nid);
    this.cpus = layout.cpus();
    this.area = area;
    this.blocks = area.blocks;
    this.pcp = pcp;
    this.highAtomic = highAtomic;
    this.fallback = fallback;
    this.compaction = compaction;
    this.managed = managed;
    this.pgalloc = pgalloc;
    this.zoneFree = area.zoneFree;
    this.freePages = area.freePages;
    this.wmark = wm.wmark;
    this.lowmemReserve = wm.lowmemReserve;
    this.pcpCount = pcp.count;
  }

  /** {@code zoneinfo_show_print}: one zone of this node, as /proc/zoneinfo shows it. */
  ZoneStats zoneStats(Zone zone) {
    int z = zone.ordinal();
    long[] blocksPerOrder = new long[NR_ORDERS];
    for (int o = 0; o < NR_ORDERS; o++) {
      blocksPerOrder[o] = area.nrFree(z, o);
    }
    int[] counts = new int[cpus];
    for (int c = 0; c < cpus; c++) {
      counts[c] = pcpCount[PerCpuPages.slot(c, z)];
    }
    long spanned = layout.zoneSpanned(nid, zone);
    return new ZoneStats(
        zone,
        layout.zoneStart(nid, zone),
        spanned,
        spanned,
        managed[z],
        zoneFree[z],
        wmark[z * 3],
        wmark[z * 3 + 1],
        wmark[z * 3 + 2],
        blocksPerOrder,
        counts,
        pcp.high[z],
        pcp.batch[z],
        Arrays.copyOfRange(lowmemReserve, z * NR_ZONES, (z + 1) * NR_ZONES));
  }

  /**
   * {@code pagetypeinfo_showfree_print} and {@code pagetypeinfo_showblockcount_print}: one zone's
   * free blocks by migrate type and order, and its pageblocks by type.
   */
  Optional<PageTypeInfo> pageTypeInfo(Zone zone) {
    int z = zone.ordinal();
    long[][] free = new long[MIGRATE_TYPES][NR_ORDERS];
    for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
      for (int o = 0; o < NR_ORDERS; o++) {
        free[mt][o] = area.nrFree[FreeArea.listId(z, mt, o)];
      }
    }
    return Optional.of(
        new PageTypeInfo(
            zone,
            free,
            blocks.count(layout.zoneStart(nid, zone) - base, layout.zoneEnd(nid, zone) - base)));
  }

  /**
   * Counters, vmstat-style where the kernel has one: nr_free_pages (buddy lists only),
   * nr_pcp_pages, pgalloc_dma/dma32/normal (pages, 2^order per allocation, by the zone that served
   * it), pgfree (pages, boot hand-off included as in the kernel), pgalloc_fail (allocations that
   * returned NO_PAGE), alloc_drain_retry (failures retried after draining every per-CPU list),
   * pcp_refill / pcp_refill_pages (refills of an empty per-CPU list and the pages they took),
   * pcp_spill (lists that reached high), pcp_drain (non-empty lists drained), pcp_to_buddy_pages
   * (pages spilled or drained back), nr_free_highatomic and nr_reserved_highatomic (pages),
   * extfrag_alloc (blocks taken from another migrate type's lists: the kernel's
   * mm_page_alloc_extfrag events), extfrag_claim_pageblocks (pageblocks that changed type to serve
   * them), extfrag_steal (those that left the pageblock's type alone), highatomic_reserve and
   * highatomic_unreserve (reserve operations that changed a pageblock), and compaction's
   * compact_migrate_scanned, compact_free_scanned, compact_isolated, pgmigrate_success and
   * pgmigrate_fail (see Compaction).
   */
  Statistics statistics(long nrFreePages, long pgfree, long allocFail, long allocDrainRetry) {
    long freeHighatomic = 0;
    long reservedHighatomic = 0;
    for (int z = 0; z < NR_ZONES; z++) {
      freeHighatomic += freePages[z * MIGRATE_TYPES + MIGRATE_HIGHATOMIC];
      reservedHighatomic += highAtomic.nrReserved[z];
    }
    return Statistics.builder()
        .put("nr_free_pages", nrFreePages)
        .put("nr_pcp_pages", pcp.pages())
        .put("pgalloc_dma", pgalloc[ZONE_DMA])
        .put("pgalloc_dma32", pgalloc[ZONE_DMA32])
        .put("pgalloc_normal", pgalloc[ZONE_NORMAL])
        .put("pgfree", pgfree)
        .put("pgalloc_fail", allocFail)
        .put("alloc_drain_retry", allocDrainRetry)
        .put("pcp_refill", pcp.refills)
        .put("pcp_refill_pages", pcp.refillPages)
        .put("pcp_spill", pcp.spills)
        .put("pcp_drain", pcp.drains)
        .put("pcp_to_buddy_pages", pcp.toBuddyPages)
        .put("nr_free_highatomic", freeHighatomic)
        .put("nr_reserved_highatomic", reservedHighatomic)
        .put("extfrag_alloc", fallback.extfrag)
        .put("extfrag_claim_pageblocks", fallback.claimedBlocks)
        .put("extfrag_steal", fallback.steals)
        .put("highatomic_reserve", highAtomic.reserved)
        .put("highatomic_unreserve", highAtomic.unreserved)
        .put("compact_migrate_scanned", compaction.migrateScanned)
        .put("compact_free_scanned", compaction.freeScanned)
        .put("compact_isolated", compaction.isolated)
        .put("pgmigrate_success", compaction.migrateSuccess)
        .put("pgmigrate_fail", compaction.migrateFail)
        .build();
  }
}
