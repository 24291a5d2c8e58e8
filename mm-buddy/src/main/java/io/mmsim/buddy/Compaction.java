package io.mmsim.buddy;

import static io.mmsim.buddy.FreeArea.ALLOCATED;
import static io.mmsim.buddy.FreeArea.BUDDY;
import static io.mmsim.buddy.FreeArea.MAX_ORDER;
import static io.mmsim.buddy.FreeArea.orderOf;
import static io.mmsim.buddy.FreeArea.stateOf;
import static io.mmsim.buddy.Pageblocks.MIGRATE_MOVABLE;
import static io.mmsim.buddy.Pageblocks.PAGEBLOCK_NR_PAGES;
import static io.mmsim.buddy.Pageblocks.PAGEBLOCK_ORDER;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.page.CompactControl;
import io.mmsim.api.page.CompactResult;
import io.mmsim.api.page.MigrateMode;
import io.mmsim.api.page.PageMigrator;
import io.mmsim.api.trace.CompactionEvents;
import io.mmsim.api.trace.Tracer;

/*
 * Memory compaction of one zone, the allocator's half of mm/compaction.c (look up compact_zone,
 * compaction_suit_allocation_order, __compaction_suitable, isolate_migratepages,
 * isolate_migratepages_block, suitable_migration_source, isolate_freepages,
 * isolate_freepages_block, suitable_migration_target, __isolate_free_page, compaction_alloc,
 * compaction_free, release_freepages, __compact_finished, fragmentation_score_zone). The owner's
 * half, moving one page (mm/migrate.c), is the kernel's PageMigrator.
 *
 *   zone start                                                      zone end
 *   | migrate scanner ->  [isolates movable pages]  ...  [isolates free frames]  <- free scanner |
 *
 *   compactZone(cc)
 *     1. compaction_suit_allocation_order: for an order, SUCCESS at once when the zone passes its
 *        low watermark at that order; SKIPPED when free pages (without the HIGHATOMIC reserve) do
 *        not exceed the watermark (low above PAGE_ALLOC_COSTLY_ORDER, else min) plus the gap of
 *        2 << order pages that migration needs to have targets.
 *     2. Every per-CPU list is drained: a free page parked there would sit in the middle of a
 *        pageblock where neither scanner can use it.
 *     3. The migrate scanner starts at the zone's first pageblock, the free scanner at its last;
 *        each step isolates up to COMPACT_CLUSTER_MAX (32) movable pages from the next suitable
 *        pageblock (ASYNC direct compaction: pageblocks of the request's own type; otherwise any),
 *        asking the migrator which allocated order-0 pages are movable and skipping free and
 *        larger blocks whole. For each page a target comes from the free scanner, which walks
 *        pageblocks downward that are MOVABLE and not already a free block of the goal's size,
 *        taking free blocks off the lists (above min watermark + the block) and splitting them to
 *        single frames, until it has as many as there are pages to move.
 *     4. Migration: the target is handed over as an order-0 page and the migrator moves the page;
 *        on success the old frame goes straight to the buddy lists (merging at once, as
 *        compact_zone's drain_local_pages achieves), pgmigrate_success; otherwise the target goes
 *        back to the isolated frames, pgmigrate_fail.
 *     5. __compact_finished, checked at every step: the scanners met (their pageblocks cross):
 *        COMPLETE; proactive: SUCCESS once the zone's fragmentation score is at the goal; an order,
 *        at a pageblock boundary of the migrate scanner: SUCCESS when a free block of that order or
 *        above is on the request type's lists, or on a fallback type's lists it may claim. Free
 *        targets running out before the scanners meet: CONTENDED.
 *     6. Isolated frames that were not used go back to the free lists.
 *
 * Every run scans the whole zone from its ends: the kernel's cached scanner positions
 * (compact_cached_migrate_pfn, compact_cached_free_pfn) and pageblock skip bits, which make later
 * async runs resume where earlier ones stopped, are not modelled; nor is capture_control (the
 * allocation takes the new block from the free lists like any other), nor migration of compound
 * pages (skipped, as the kernel skips them outside alloc_contig_range).
 *
 * Counters (vmstat names): compact_migrate_scanned and compact_free_scanned (frames the scanners
 * walked over, a free or compound block counting all its frames), compact_isolated (movable pages
 * and free frames isolated), pgmigrate_success, pgmigrate_fail. Moving a page is not an allocation
 * or a free: pgalloc_* and pgfree are left alone, so that they still add up to the live pages.
 *
 * NUMA: an instance works on one node's part of a zone, in node-relative frames (the migrator sees
 * machine PFNs).
 *
 * Cost: nothing while idle; a run is linear in the zone's frames plus the pages it moves.
 */
final class Compaction {

  /** {@code COMPACT_CLUSTER_MAX} (= SWAP_CLUSTER_MAX): pages isolated per migration batch. */
  static final int COMPACT_CLUSTER_MAX = 32;

  private final FreeArea area;
  private final Pageblocks blocks;
  private final Fallback fallback;
  private final PerCpuPages pcp;
  private final Watermarks wm;
  private final MemoryLayout layout;
  private final long[] managed;

  /** The pages isolated by the migrate scanner, {@code cc->migratepages}. */
  private final int[] migratepages = new int[COMPACT_CLUSTER_MAX];

  /** Isolated free frames, {@code cc->freepages}: a stack, lowest PFN on top. */
  private int[] freepages = new int[PAGEBLOCK_NR_PAGES];

  private int nrFreepages;

  // the running control
  private int z;
  private int order;
  private int mt;
  private MigrateMode mode;
  private boolean direct;
  private int proactiveScore;
  private int zoneStart;
  private int zoneEnd;
  private int migratePfn;
  private int freePfn;

  /** Where the free scanner resumes inside the pageblock at {@link #freePfn}. */
  private int freeCursor;

  // counters
  long migrateScanned;
  long freeScanned;
  long isolated;
  long migrateSuccess;
  long migrateFail;

  Compaction(
      FreeArea area,
      Fallback fallback,
      PerCpuPages pcp,
      Watermarks wm,
      MemoryLayout layout,
      long[] managed) {
    this.area = area;
    this.blocks = area.blocks;
    this.fallback = fallback;
    this.pcp = pcp;
    this.wm = wm;
    this.layout = layout;
    this.managed = managed;
  }

  /** {@code compact_zone}; see the class comment. */
  CompactResult compactZone(CompactControl cc, PageMigrator migrator) {
    z = cc.zone().ordinal();
    order = cc.order();
    mt = blocks.mobilityDisabled ? Pageblocks.MIGRATE_UNMOVABLE : cc.migratetype().ordinal();
    mode = cc.mode();
    direct = cc.direct();
    proactiveScore = cc.proactiveScore();
    if (managed[z] == 0) {
      return CompactResult.SKIPPED;
    }
    if (order >= 0) {
      CompactResult suit = suitAllocationOrder();
      if (suit != CompactResult.CONTINUE) {
        return suit;
      }
    }
    // the zone's part of this node, in node-relative frames
    long base = area.base;
    zoneStart = (int) (Math.max(layout.zoneStart(cc.zone()), base) - base);
    zoneEnd = (int) (Math.min(layout.zoneEnd(cc.zone()), base + area.nFrames) - base);
    if (zoneEnd <= zoneStart) {
      return CompactResult.SKIPPED;
    }
    pcp.drainAll();
    migratePfn = zoneStart;
    freePfn = Pageblocks.startPfn(zoneEnd - 1);
    freeCursor = freePfn;
    nrFreepages = 0;
    Tracer trace = area.trace;
    boolean sync = mode != MigrateMode.ASYNC;
    if (trace.on()) {
      CompactionEvents.mmCompactionBegin(
          trace, base + zoneStart, base + migratePfn, base + freePfn, base + zoneEnd, sync);
    }
    CompactResult ret;
    try {
      while ((ret = finished()) == CompactResult.CONTINUE) {
        int n = isolateMigratepages(migrator);
        if (n > 0 && !migratePages(migrator, n)) {
          ret = scannersMet() ? CompactResult.COMPLETE : CompactResult.CONTENDED;
          break;
        }
      }
    } finally {
      releaseFreepages();
    }
    if (trace.on()) {
      CompactionEvents.mmCompactionEnd(
          trace,
          base + zoneStart,
          base + migratePfn,
          base + freePfn,
          base + zoneEnd,
          sync,
          ret.ordinal());
    }
    return ret;
  }

  // ---------------------------------------------------------------- suitability

  /**
   * {@code compaction_suit_allocation_order} without the fragmentation index (the kernel, which
   * owns {@code vm.extfrag_threshold}, asks that first): SUCCESS, SKIPPED or CONTINUE.
   */
  private CompactResult suitAllocationOrder() {
    long low = wm.get(z, Watermark.LOW.ordinal());
    if (wm.ok(z, order, low, z, 0)) {
      return CompactResult.SUCCESS;
    }
    long mark = order > Page.PAGE_ALLOC_COSTLY_ORDER ? low : wm.get(z, Watermark.MIN.ordinal());
    // __compaction_suitable: an order-0 check against the mark plus compact_gap(order)
    if (!wm.ok(z, 0, mark + (2L << order), z, 0)) {
      return CompactResult.SKIPPED;
    }
    return CompactResult.CONTINUE;
  }

  // ---------------------------------------------------------------- the end

  /** {@code compact_scanners_met}: the scanners are in the same pageblock or have crossed. */
  private boolean scannersMet() {
    return (freePfn >>> PAGEBLOCK_ORDER) <= (migratePfn >>> PAGEBLOCK_ORDER);
  }

  /** {@code __compact_finished}. */
  private CompactResult finished() {
    if (scannersMet()) {
      return CompactResult.COMPLETE;
    }
    if (proactiveScore >= 0) {
      return fragmentationScore() <= proactiveScore
          ? CompactResult.SUCCESS
          : CompactResult.CONTINUE;
    }
    if (order < 0 || (migratePfn & (PAGEBLOCK_NR_PAGES - 1)) != 0) {
      // a whole-zone run goes on; an ordered one finishes pageblocks it started
      return CompactResult.CONTINUE;
    }
    for (int o = order; o <= MAX_ORDER; o++) {
      if (!area.empty(z, mt, o)) {
        return CompactResult.SUCCESS;
      }
      if (fallback.findSuitableFallback(z, o, mt, true) >= 0) {
        return CompactResult.SUCCESS;
      }
    }
    return CompactResult.CONTINUE;
  }

  /**
   * {@code fragmentation_score_zone}: {@code extfrag_for_order} at the huge-page order, the
   * percentage of free memory in blocks too small for a 2 MiB page.
   */
  int fragmentationScore() {
    return extfragForOrder(z, PAGEBLOCK_ORDER);
  }

  /** {@code extfrag_for_order}: 0..100. */
  int extfragForOrder(int zone, int ord) {
    long free = 0;
    long suitable = 0;
    for (int o = 0; o <= MAX_ORDER; o++) {
      long blocksAtO = area.nrFree(zone, o);
      free += blocksAtO << o;
      if (o >= ord) {
        suitable += blocksAtO << (o - ord);
      }
    }
    if (free == 0) {
      return 0;
    }
    return (int) ((free - (suitable << ord)) * 100 / free);
  }

  // ---------------------------------------------------------------- migrate scanner

  /** {@code suitable_migration_source} of the pageblock at {@code start}. */
  private boolean suitableSource(int start) {
    if (mode != MigrateMode.ASYNC || !direct) {
      return true;
    }
    int blockMt = blocks.get(start);
    return mt == MIGRATE_MOVABLE ? blockMt == MIGRATE_MOVABLE : blockMt == mt;
  }

  /**
   * {@code isolate_migratepages}: isolates up to COMPACT_CLUSTER_MAX movable pages from the next
   * suitable pageblocks below the free scanner; returns how many.
   */
  private int isolateMigratepages(PageMigrator migrator) {
    byte[] meta = area.meta;
    // unsuitable pageblocks are passed over; the first suitable one is scanned, and the caller
    // checks whether compaction is finished before the next
    while (!scannersMet() && !suitableSource(Pageblocks.startPfn(migratePfn))) {
      migratePfn = Math.min(Pageblocks.startPfn(migratePfn) + PAGEBLOCK_NR_PAGES, zoneEnd);
    }
    if (scannersMet()) {
      return 0;
    }
    int blockEnd = Math.min(Pageblocks.startPfn(migratePfn) + PAGEBLOCK_NR_PAGES, zoneEnd);
    int n = 0;
    int p = migratePfn;
    while (p < blockEnd && n < COMPACT_CLUSTER_MAX) {
      byte m = meta[p];
      int state = stateOf(m);
      int step = 1;
      if (state == BUDDY || state == ALLOCATED) {
        step = 1 << orderOf(m);
        if (state == ALLOCATED && step == 1 && migrator.isolate(area.base + p)) {
          migratepages[n++] = p;
        }
      }
      migrateScanned += step;
      p += step;
    }
    migratePfn = p;
    isolated += n;
    return n;
  }

  // ---------------------------------------------------------------- free scanner

  /** {@code suitable_migration_target} of the pageblock at {@code start}. */
  private boolean suitableTarget(int start) {
    byte m = area.meta[start];
    if (stateOf(m) == BUDDY && orderOf(m) >= (order > 0 ? order : PAGEBLOCK_ORDER)) {
      // already a free block of the size wanted: filling it would undo the work
      return false;
    }
    return blocks.get(start) == MIGRATE_MOVABLE;
  }

  /**
   * {@code isolate_freepages}: walks pageblocks down from the free scanner until {@code want} free
   * frames are isolated or the scanners meet.
   */
  private void isolateFreepages(int want) {
    byte[] meta = area.meta;
    long min = wm.get(z, Watermark.MIN.ordinal());
    while (nrFreepages < want && !scannersMet()) {
      int start = freePfn;
      int end = Math.min(start + PAGEBLOCK_NR_PAGES, zoneEnd);
      if (freeCursor == start && (start < zoneStart || !suitableTarget(start))) {
        freePfn = start - PAGEBLOCK_NR_PAGES;
        freeCursor = freePfn;
        continue;
      }
      int p = freeCursor;
      boolean belowMark = false;
      while (p < end && nrFreepages < want) {
        byte m = meta[p];
        int state = stateOf(m);
        int step = 1;
        if (state == BUDDY || state == ALLOCATED) {
          step = 1 << orderOf(m);
        }
        if (state == BUDDY) {
          // __isolate_free_page: never below the min watermark
          if (area.zoneUsable[z] <= min + step) {
            belowMark = true;
            break;
          }
          area.del(z, blocks.get(p), p, orderOf(m));
          pushFree(p, step);
          isolated += step;
        }
        freeScanned += step;
        p += step;
      }
      if (belowMark || p >= end) {
        // the next time starts at the pageblock below
        freePfn = start - PAGEBLOCK_NR_PAGES;
        freeCursor = freePfn;
        if (belowMark) {
          return;
        }
      } else {
        freeCursor = p;
      }
    }
  }

  /** Adds {@code n} frames from {@code pfn} to the isolated frames, lowest on top. */
  private void pushFree(int pfn, int n) {
    if (nrFreepages + n > freepages.length) {
      freepages =
          java.util.Arrays.copyOf(freepages, Math.max(freepages.length * 2, nrFreepages + n));
    }
    byte[] meta = area.meta;
    for (int f = pfn + n - 1; f >= pfn; f--) {
      // split_page: each frame an order-0 page, held by compaction
      meta[f] = FreeArea.allocated(0, MIGRATE_MOVABLE);
      freepages[nrFreepages++] = f;
    }
  }

  /** {@code release_freepages}: every unused isolated frame back to the free lists. */
  private void releaseFreepages() {
    byte[] meta = area.meta;
    while (nrFreepages > 0) {
      int f = freepages[--nrFreepages];
      meta[f] = 0;
      area.freeOne(z, f, 0, blocks.get(f), false);
    }
  }

  // ---------------------------------------------------------------- migration

  /**
   * {@code migrate_pages} of the isolated pages; false when free targets ran out (the pages not yet
   * moved stay where they are).
   */
  private boolean migratePages(PageMigrator migrator, int n) {
    long ok = migrateSuccess;
    long failed = migrateFail;
    boolean done = migrateBatch(migrator, n);
    if (area.trace.on()) {
      CompactionEvents.mmCompactionMigratepages(
          area.trace, migrateSuccess - ok, migrateFail - failed);
    }
    return done;
  }

  private boolean migrateBatch(PageMigrator migrator, int n) {
    byte[] meta = area.meta;
    for (int i = 0; i < n; i++) {
      if (nrFreepages == 0) {
        isolateFreepages(n - i);
        if (nrFreepages == 0) {
          return false;
        }
      }
      int src = migratepages[i];
      int dst = freepages[--nrFreepages];
      meta[dst] = FreeArea.allocated(0, FreeArea.allocMtOf(meta[src]));
      if (migrator.migrate(area.base + src, area.base + dst)) {
        migrateSuccess++;
        meta[src] = 0;
        area.freeOne(z, src, 0, blocks.get(src), false);
      } else {
        migrateFail++;
        meta[dst] = FreeArea.allocated(0, MIGRATE_MOVABLE);
        freepages[nrFreepages++] = dst;
      }
    }
    return true;
  }
}
