package io.mmsim.api.page;

import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;

/**
 * What one compaction run of a zone is for ({@code struct compact_control} in {@code
 * mm/internal.h}).
 *
 * @param zone the zone to compact
 * @param order the order the run should make a free block of, or -1 to compact the whole zone
 *     ({@code compact_memory}, proactive compaction)
 * @param migratetype the migrate type of the allocation that asks (direct compaction); {@link
 *     MigrateType#MOVABLE} otherwise
 * @param mode how hard to try
 * @param direct true for direct compaction (an allocation waits for it)
 * @param proactiveScore for proactive compaction, the fragmentation score at or below which the run
 *     stops ({@code fragmentation_score_wmark(true)}); -1 otherwise
 * @since 1.2
 */
public record CompactControl(
    Zone zone,
    int order,
    MigrateType migratetype,
    MigrateMode mode,
    boolean direct,
    int proactiveScore) {

  /** Validates the order, the type and the score. */
  public CompactControl {
    if (order < -1 || order > Page.MAX_PAGE_ORDER) {
      throw new IllegalArgumentException(
          "compaction order " + order + " is outside -1.." + Page.MAX_PAGE_ORDER);
    }
    if (migratetype.ordinal() >= MigrateType.PCPTYPES) {
      throw new IllegalArgumentException(
          "compaction for migrate type " + migratetype.kernelName() + ": only allocations' types");
    }
    if (proactiveScore < -1 || proactiveScore > 100) {
      throw new IllegalArgumentException(
          "proactive score " + proactiveScore + " is outside 0..100");
    }
  }

  /** A whole-zone run, as writing 1 to {@code /proc/sys/vm/compact_memory} starts. */
  public static CompactControl wholeZone(Zone zone) {
    return new CompactControl(zone, -1, MigrateType.MOVABLE, MigrateMode.SYNC, false, -1);
  }
}
