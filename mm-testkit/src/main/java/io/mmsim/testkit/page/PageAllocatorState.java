package io.mmsim.testkit.page;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.ZoneStats;

/**
 * Everything a page allocator shows from outside, as comparable values: free pages, managed pages,
 * every zone's snapshot (arrays as lists) and the statistics counters. Two snapshots are equal when
 * nothing observable changed, which is what a rejected call must leave behind.
 *
 * @param free {@link PageAllocator#nrFreePages()}
 * @param managed {@link PageAllocator#managedPages()}
 * @param zones one line per zone: every field of its {@link ZoneStats} and its watermarks
 * @param counters the statistics counters
 */
public record PageAllocatorState(
    long free, long managed, List<List<Object>> zones, Map<String, Long> counters) {

  /** Copies the lists. */
  public PageAllocatorState {
    zones = List.copyOf(zones);
    counters = Map.copyOf(counters);
  }

  /** A snapshot of {@code allocator}. */
  public static PageAllocatorState of(PageAllocator allocator) {
    List<List<Object>> zones = new ArrayList<>();
    for (Zone z : Zone.values()) {
      ZoneStats s = allocator.zoneStats(z);
      List<Object> row = new ArrayList<>();
      row.add(z);
      row.add(allocator.nrFreePages(z));
      row.add(s.startPfn());
      row.add(s.spanned());
      row.add(s.present());
      row.add(s.managed());
      row.add(s.free());
      row.add(s.min());
      row.add(s.low());
      row.add(s.high());
      for (long b : s.freeBlocks()) {
        row.add(b);
      }
      for (int c : s.pcpCount()) {
        row.add(c);
      }
      row.add(s.pcpHigh());
      row.add(s.pcpBatch());
      for (Watermark w : Watermark.values()) {
        row.add(allocator.watermark(z, w));
      }
      zones.add(List.copyOf(row));
    }
    return new PageAllocatorState(
        allocator.nrFreePages(),
        allocator.managedPages(),
        zones,
        allocator.statistics().counters());
  }
}
