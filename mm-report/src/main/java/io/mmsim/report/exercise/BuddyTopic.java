package io.mmsim.report.exercise;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.PageAllocatorProvider;
import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.Settings;
import io.mmsim.kernel.Kernel;

/**
 * Buddy allocation: a sequence of {@code alloc_pages} and {@code free_pages} on one small zone; the
 * student gives each allocation's pfn and the free blocks per order after every step. The solution
 * runs the {@code buddy} provider itself (mm/page_alloc.c: __rmqueue_smallest, expand,
 * __free_one_page) on a zone of 64 pages with no watermark reserve, so nothing hides a block.
 */
final class BuddyTopic implements Topic {
  static final int ORDERS = 7; // a 64-page zone: orders 0..6
  static final long BASE = 0x100; // the zone's frames handed to the allocator: [0x100, 0x140)

  @Override
  public String name() {
    return "buddy";
  }

  @Override
  public String summary() {
    return "alloc_pages and free_pages: each pfn and the free blocks per order after each step";
  }

  @Override
  public int defaultCount() {
    return 8;
  }

  @Override
  public void write(Text t, Rng rng, int n) {
    PageAllocator a = boot();
    t.q(
        "Buddy allocator: one zone of 64 pages (pfn 0x%x to 0x%x), all free at the start.",
        BASE, BASE + 63);
    t.q("Requests always succeed while a big enough block is free (no watermark reserve).");
    t.q("Free blocks per order are written as /proc/buddyinfo does, order 0 first; orders 7 to");
    t.q("10 stay empty in a zone this small and are left out.");
    t.q("");
    t.q("  start: %s", counts(a));
    t.q("");
    List<String> names = new ArrayList<>();
    List<long[]> live = new ArrayList<>(); // {pfn, order}
    int letter = 0;
    for (int step = 1; step <= n; step++) {
      boolean alloc = live.isEmpty() || (live.size() < 5 && rng.chance(60));
      long[] before = freeBlocks(a);
      if (alloc) {
        int order = rng.pick(List.of(0, 0, 1, 1, 2, 3));
        String name = String.valueOf((char) ('A' + letter++ % 26));
        long pfn = a.allocPages(0, Gfp.HIGHUSER_MOVABLE, order);
        t.q("  %d. %s = alloc_pages(order %d)", step, name, order);
        if (pfn < 0) {
          t.a(
              "  %d. %s = alloc_pages(order %d) fails: no free block of order %d or more",
              step, name, order, order);
          continue;
        }
        names.add(name);
        live.add(new long[] {pfn, order});
        t.a("  %d. %s = alloc_pages(order %d) -> pfn 0x%x", step, name, order, pfn);
        t.a("     %s", counts(a));
        explainAlloc(t, before, freeBlocks(a), order);
      } else {
        int i = rng.nextInt(live.size());
        long[] b = live.remove(i);
        String name = names.remove(i);
        a.freePages(0, b[0], (int) b[1]);
        t.q("  %d. free_pages(%s)", step, name);
        t.a("  %d. free_pages(%s), pfn 0x%x order %d", step, name, b[0], b[1]);
        t.a("     %s", counts(a));
        explainFree(t, before, freeBlocks(a), b[0], (int) b[1]);
      }
    }
    t.q("");
    t.q("For each alloc_pages, which pfn does it return? After each step, how many free blocks");
    t.q("of each order are there? (A block of order k is 2^k pages; its buddy starts at");
    t.q("pfn ^ (1 << k) counted from the zone's aligned start.)");
  }

  private static void explainAlloc(Text t, long[] before, long[] after, int order) {
    int from = -1;
    for (int o = order; o < ORDERS; o++) {
      if (before[o] > 0) {
        from = o;
        break;
      }
    }
    if (from == order) {
      t.a("     why: the order-%d free list had a block: taken as it is, no split.", order);
    } else if (from > order) {
      String below = from - 1 == order ? "order " + order : "orders " + order + " to " + (from - 1);
      t.a(
          "     why: no free block of %s; the smallest bigger one, order %d, is split",
          below, from);
      t.a(
          "          %s, the unused upper halves going to the free list%s of %s.",
          from - order == 1 ? "once" : (from - order) + " times",
          from - 1 == order ? "" : "s",
          below);
    }
  }

  private static void explainFree(Text t, long[] before, long[] after, long pfn, int order) {
    int top = order;
    for (int o = order; o < ORDERS; o++) {
      if (after[o] == before[o] + 1) {
        top = o;
      }
    }
    if (top == order) {
      t.a(
          "     why: its buddy, pfn 0x%x, is not free as a whole order-%d block: no merge.",
          buddy(pfn, order), order);
      return;
    }
    StringBuilder s = new StringBuilder("     why: merges");
    long p = pfn;
    for (int o = order; o < top; o++) {
      s.append(String.format(" with buddy 0x%x (order %d)", buddy(p, o), o));
      s.append(o + 1 < top ? "," : "");
      p = BASE + ((p - BASE) & ~(1L << o));
    }
    t.a("%s;", s);
    t.a("          one order-%d block at pfn 0x%x goes on the free list.", top, p);
  }

  /** The buddy of the block at {@code pfn}, counted from the zone's aligned start. */
  private static long buddy(long pfn, int order) {
    return BASE + ((pfn - BASE) ^ (1L << order));
  }

  private static long[] freeBlocks(PageAllocator a) {
    return Arrays.copyOf(a.zoneStats(Zone.DMA).freeBlocks(), ORDERS);
  }

  private static String counts(PageAllocator a) {
    StringBuilder s = new StringBuilder("Node 0, zone      DMA");
    for (long c : freeBlocks(a)) {
      s.append(String.format("%7d", c));
    }
    return s.toString();
  }

  /** The buddy provider's allocator over 64 free frames [BASE, BASE + 64). */
  private static PageAllocator boot() {
    MemoryLayout layout = new MemoryLayout(BASE + 64, 1);
    PageAllocatorProvider p = null;
    for (Provider x : Kernel.discoverProviders().get("PageAllocatorProvider")) {
      if (x.name().equals("buddy")) {
        p = (PageAllocatorProvider) x;
      }
    }
    if (p == null) {
      throw new IllegalStateException("the buddy page allocator (mm-buddy) is not installed");
    }
    Settings s =
        new Settings(
            "buddy",
            Map.of(
                "min-free-kbytes",
                "0",
                "watermark-scale-factor",
                "10",
                "check-invariants",
                "true"));
    PageAllocator a =
        p.create(
            new ProviderContext() {
              @Override
              public MemoryLayout layout() {
                return layout;
              }

              @Override
              public Settings settings() {
                return s;
              }

              @Override
              public String loggerName() {
                return "io.mmsim.buddy";
              }

              @Override
              public long seed() {
                return 0;
              }
            });
    a.freeBootPages(BASE, 6);
    a.completeBoot();
    return a;
  }
}
