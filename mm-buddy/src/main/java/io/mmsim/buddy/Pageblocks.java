package io.mmsim.buddy;

import java.util.Arrays;

import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.Page;

/*
 * The migrate type of every pageblock (include/linux/pageblock-flags.h, mm/page_alloc.c:
 * set_pageblock_migratetype, change_pageblock_range; mm/mm_init.c: memmap_init_range).
 *
 * A pageblock is 2^pageblock_order = 512 frames (2 MiB), aligned; pageblock i covers PFNs
 * [i * 512, (i + 1) * 512). The last one may run past the end of memory: it still has a type (the
 * kernel's bitmap covers the whole section), but no whole-block operation touches it because it
 * does not lie wholly inside its zone.
 *
 * One byte per pageblock:
 *
 *    7   6   5   4   3   2   1   0
 *  +---+---+---+---+---+-----------+
 *  |   reserved (0)    | migratetype|
 *  +---+---+---+---+---+-----------+
 *
 *   migratetype  MIGRATE_UNMOVABLE 0, MOVABLE 1, RECLAIMABLE 2, HIGHATOMIC 3, ISOLATE 4, in the
 *                kernel's enum order; the upper bits stay free for the other pageblock flags
 *                (compaction's PB_migrate_skip).
 *
 * At boot every pageblock is MOVABLE, as memmap_init_range leaves it, so the boot hand-off fills
 * the MOVABLE lists. When the machine is too small for grouping by mobility to work
 * (build_all_zonelists: fewer present pages than pageblock_nr_pages * MIGRATE_TYPES), the kernel
 * sets page_group_by_mobility_disabled; then every type below MIGRATE_PCPTYPES is stored as
 * UNMOVABLE and every allocation asks for UNMOVABLE.
 */
final class Pageblocks {

  static final int PAGEBLOCK_ORDER = Page.PAGEBLOCK_ORDER;
  static final int PAGEBLOCK_NR_PAGES = 1 << PAGEBLOCK_ORDER;

  static final int MIGRATE_UNMOVABLE = MigrateType.UNMOVABLE.ordinal();
  static final int MIGRATE_MOVABLE = MigrateType.MOVABLE.ordinal();
  static final int MIGRATE_RECLAIMABLE = MigrateType.RECLAIMABLE.ordinal();
  static final int MIGRATE_PCPTYPES = MigrateType.PCPTYPES;
  static final int MIGRATE_HIGHATOMIC = MigrateType.HIGHATOMIC.ordinal();
  static final int MIGRATE_ISOLATE = MigrateType.ISOLATE.ordinal();
  static final int MIGRATE_TYPES = MigrateType.count();

  static final int MT_BITS = 3;
  static final int MT_MASK = (1 << MT_BITS) - 1;

  /** One byte per pageblock, by pfn >>> PAGEBLOCK_ORDER (layout above). */
  final byte[] flags;

  /** {@code page_group_by_mobility_disabled}. */
  final boolean mobilityDisabled;

  /**
   * Pageblocks covering {@code frames} frames, all MOVABLE (UNMOVABLE when grouping by mobility is
   * off).
   */
  Pageblocks(int frames) {
    this(frames, frames);
  }

  /**
   * Pageblocks covering the {@code frames} frames of one node of a machine of {@code
   * machineFrames}: grouping by mobility is a machine-wide decision.
   */
  Pageblocks(int frames, long machineFrames) {
    this.mobilityDisabled = mobilityDisabled(machineFrames);
    this.flags = new byte[(frames + PAGEBLOCK_NR_PAGES - 1) >>> PAGEBLOCK_ORDER];
    byte init = (byte) (mobilityDisabled ? MIGRATE_UNMOVABLE : MIGRATE_MOVABLE);
    Arrays.fill(flags, init);
  }

  /**
   * {@code build_all_zonelists}: grouping by mobility is off when the machine has fewer pages than
   * one pageblock per migrate type. At that point of boot the zones' managed counts are their
   * present pages and no watermark is set yet, so the kernel compares the present pages.
   */
  static boolean mobilityDisabled(long presentPages) {
    return presentPages < (long) PAGEBLOCK_NR_PAGES * MIGRATE_TYPES;
  }

  /** {@code get_pageblock_migratetype} of the pageblock holding {@code pfn}. */
  int get(int pfn) {
    return flags[pfn >>> PAGEBLOCK_ORDER] & MT_MASK;
  }

  /** {@code set_pageblock_migratetype} of the pageblock holding {@code pfn}. */
  void set(int pfn, int migratetype) {
    int mt = mobilityDisabled && migratetype < MIGRATE_PCPTYPES ? MIGRATE_UNMOVABLE : migratetype;
    int i = pfn >>> PAGEBLOCK_ORDER;
    flags[i] = (byte) ((flags[i] & ~MT_MASK) | mt);
  }

  /**
   * {@code change_pageblock_range}: sets every pageblock of the block of {@code order} >=
   * pageblock_order at {@code pfn}.
   */
  void changeRange(int pfn, int order, int migratetype) {
    int n = 1 << (order - PAGEBLOCK_ORDER);
    for (int i = 0; i < n; i++) {
      set(pfn + i * PAGEBLOCK_NR_PAGES, migratetype);
    }
  }

  /** First PFN of the pageblock holding {@code pfn} ({@code pageblock_start_pfn}). */
  static int startPfn(int pfn) {
    return pfn & -PAGEBLOCK_NR_PAGES;
  }

  /**
   * Pageblocks by type whose first frame lies in {@code [startPfn, endPfn)}, stepping from {@code
   * startPfn} as {@code pagetypeinfo_showblockcount_print} does.
   */
  long[] count(long startPfn, long endPfn) {
    long[] count = new long[MIGRATE_TYPES];
    for (long pfn = startPfn; pfn < endPfn; pfn += PAGEBLOCK_NR_PAGES) {
      count[get((int) pfn)]++;
    }
    return count;
  }

  /** Kernel name of a migrate type index, for messages. */
  static String name(int migratetype) {
    return migratetype >= 0 && migratetype < MIGRATE_TYPES
        ? MigrateType.ofIndex(migratetype).kernelName()
        : "migratetype " + migratetype;
  }
}
