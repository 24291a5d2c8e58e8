package io.mmsim.swap;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.Sizes;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.swap.ReclaimContext;
import io.mmsim.api.swap.ReclaimMode;
import io.mmsim.api.swap.SwapAreaInfo;
import io.mmsim.api.swap.SwapContext;
import io.mmsim.api.swap.SwapException;
import io.mmsim.api.swap.SwapSystem;

/*
 * The swap subsystem's facade: the SwapSystem the kernel drives, assembled from one part per
 * kernel file:
 *
 *   SwapAreas  mm/swapfile.c    active areas, priorities, slot allocation and counts, /proc/swaps
 *   SwapCache  mm/swap_state.c  pages standing for slots, by entry and by frame
 *   PageIo     mm/page_io.c     reads and writes of slots, fault injection
 *   Reclaimer  mm/vmscan.c      swap-out of policy victims, kswapd, direct reclaim
 *
 * This class holds only what crosses those parts: a slot freed while a cache page still stands
 * for it (free_swap_and_cache), a swap-in that reads a slot into a new cache page
 * (read_swap_cache_async), the cache pages a swapoff drops, and the configured areas activated at
 * creation (swap.files, swap.memory, as swapon -a activates /etc/fstab's).
 *
 * Invariants: the union of the parts' checkInvariants.
 *
 * Single-threaded: one kernel, one thread.
 */
final class SwapSubsystem implements SwapSystem {
  private final SwapContext ctx;
  private final SwapAreas areas;
  private final SwapCache cache;
  private final PageIo io;
  private final Reclaimer reclaimer;
  private boolean closed;

  SwapSubsystem(SwapContext ctx) {
    this.ctx = ctx;
    Logger log = LoggerFactory.getLogger(ctx.loggerName());
    this.areas = new SwapAreas(log, ctx.seed());
    this.cache = new SwapCache(areas, ctx);
    this.io = new PageIo(log, ctx.memory(), ctx.settings(), ctx.seed());
    this.reclaimer = new Reclaimer(areas, cache, io, ctx);
  }

  // ================================================================ configuration

  /** Activates {@code swap.files} then {@code swap.memory}; on failure deactivates them all. */
  void activateConfigured() {
    Settings s = ctx.settings();
    try {
      for (String item : s.get("files").split(",")) {
        String t = item.trim();
        if (t.isEmpty()) {
          continue;
        }
        String path = t;
        int prio = AUTO_PRIORITY;
        int colon = t.lastIndexOf(':');
        if (colon > 0 && t.substring(colon + 1).matches("-?[0-9]+")) {
          path = t.substring(0, colon);
          prio = parsePriority(s.fullKey("files"), t.substring(colon + 1));
        }
        swapon(Path.of(path), prio);
      }
      String mem = s.get("memory").trim();
      if (!mem.isEmpty()) {
        String size = mem;
        int prio = AUTO_PRIORITY;
        int colon = mem.lastIndexOf(':');
        if (colon > 0) {
          size = mem.substring(0, colon);
          prio = parsePriority(s.fullKey("memory"), mem.substring(colon + 1));
        }
        long bytes;
        try {
          bytes = Sizes.parseSize(size);
        } catch (NumberFormatException e) {
          throw new ConfigurationException(
              s.fullKey("memory"), s.fullKey("memory") + ": " + e.getMessage());
        }
        if (bytes != 0) {
          try {
            swaponMemory(bytes, prio);
          } catch (SwapException e) {
            throw new ConfigurationException(
                s.fullKey("memory"), s.fullKey("memory") + ": " + e.getMessage(), e);
          }
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private static int parsePriority(String key, String text) {
    int p;
    try {
      p = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new ConfigurationException(key, key + ": priority '" + text + "' is not a number");
    }
    if (p == -1) {
      return AUTO_PRIORITY;
    }
    if (p < 0 || p > MAX_PRIORITY) {
      throw new ConfigurationException(
          key, key + ": priority " + p + " is outside -1.." + MAX_PRIORITY);
    }
    return p;
  }

  // ================================================================ areas

  @Override
  public int swapon(Path file, int priority) {
    checkOpen();
    return areas.swapon(file, priority);
  }

  @Override
  public int swaponMemory(long bytes, int priority) {
    checkOpen();
    return areas.swaponMemory(bytes, priority);
  }

  @Override
  public void swapoff(int type) {
    checkOpen();
    SwapArea a = areas.checkSwapoff(type);
    // no PTE needs any slot: the remaining cache pages are clean copies or garbage
    cache.deleteArea(a);
    areas.deactivate(type);
  }

  @Override
  public List<SwapAreaInfo> areas() {
    return areas.infos();
  }

  @Override
  public String procSwaps() {
    return areas.procSwaps();
  }

  @Override
  public long totalSwapPages() {
    return areas.totalPages();
  }

  @Override
  public long freeSwapPages() {
    return areas.freePages();
  }

  @Override
  public void describeFrames(FrameMap map) {
    cache.describeFrames(map);
  }

  @Override
  public long swapCachePages() {
    return cache.size();
  }

  @Override
  public boolean swapFull() {
    return areas.swapFull();
  }

  // ================================================================ entries

  @Override
  public boolean validEntry(long entry) {
    return areas.validEntry(entry);
  }

  @Override
  public void swapDuplicate(long entry) {
    SwapArea a = areas.checkEntry(entry, "swap_duplicate");
    a.duplicate((int) Pte.swapOffset(entry));
  }

  /** free_swap_and_cache: one PTE reference less, and the cache page too when nothing needs it. */
  @Override
  public void swapFree(long entry) {
    SwapArea a = areas.checkEntry(entry, "swap_free");
    int off = (int) Pte.swapOffset(entry);
    if (a.count(off) == 0) {
      throw new IllegalArgumentException(
          String.format(
              "swap_free: Unused swap offset entry %016x (type %d offset %d)", entry, a.type, off));
    }
    int left = a.free(off);
    if (left == 0 && !a.hasCache(off)) {
      cache.slotFreed(a.type, off); // clear_shadow_from_swap_cache
    }
    if (left == 0 && a.hasCache(off)) {
      long pfn = cache.pfnOf(a.type, off);
      if (ctx.mapCount(pfn) == 0 || areas.swapFull()) {
        cache.delete(pfn);
      }
    }
  }

  @Override
  public int swapCount(long entry) {
    return areas.swapCount(entry);
  }

  // ================================================================ swap cache

  @Override
  public long lookupSwapCache(long entry) {
    return cache.lookup(entry);
  }

  @Override
  public boolean inSwapCache(long pfn) {
    return cache.contains(pfn);
  }

  /**
   * A page queued for reclaim after losing its last mapping stays where it is (the kernel's
   * isolation would find it off the LRU); any other cache page moves with its entry.
   */
  @Override
  public boolean migrateSwapCache(long src, long dst) {
    if (!cache.contains(src) || cache.contains(dst) || reclaimer.queued(src)) {
      return false;
    }
    cache.move(src, dst);
    return true;
  }

  @Override
  public long swapEntryOf(long pfn) {
    return cache.entryOf(pfn);
  }

  /** read_swap_cache_async: the slot read into a new, clean cache page. */
  @Override
  public boolean readIntoSwapCache(long entry, long pfn) {
    SwapArea a = areas.checkEntry(entry, "swap_read");
    int off = (int) Pte.swapOffset(entry);
    if (a.hasCache(off)) {
      throw new IllegalArgumentException(
          String.format(
              "swap entry %016x (type %d offset %d) already has a swap-cache page, pfn 0x%x",
              entry, a.type, off, cache.pfnOf(a.type, off)));
    }
    if (cache.contains(pfn)) {
      throw new IllegalArgumentException(
          String.format("pfn 0x%x is already a swap-cache page", pfn));
    }
    if (!io.read(a, off, pfn)) {
      return false;
    }
    a.setCache(off);
    cache.add(entry, pfn, false);
    return true;
  }

  @Override
  public long takeRefaultShadow(long pfn) {
    return cache.takeRefaultShadow(pfn);
  }

  /** folio_free_swap: the cache page goes when no swap PTE needs its slot. */
  @Override
  public boolean tryToFreeSwap(long pfn) {
    if (!cache.contains(pfn) || cache.slotCount(pfn) > 0) {
      return false;
    }
    cache.delete(pfn);
    return true;
  }

  /** free_swap_cache: an unmapped cache page goes now, or waits for reclaim if PTEs need it. */
  @Override
  public void pageUnmapped(long pfn) {
    if (!cache.contains(pfn) || ctx.mapCount(pfn) > 0) {
      return;
    }
    if (cache.slotCount(pfn) == 0) {
      cache.delete(pfn);
    } else {
      reclaimer.orphan(pfn);
    }
  }

  // ================================================================ reclaim

  @Override
  public int shrink(ReplacementPolicy policy, ReclaimContext rc, int nrPages, ReclaimMode mode) {
    checkOpen();
    return reclaimer.shrink(policy, rc, nrPages, mode);
  }

  @Override
  public int kswapd(ReplacementPolicy policy, ReclaimContext rc) {
    checkOpen();
    return reclaimer.kswapd(policy, rc);
  }

  @Override
  public int kswapd(ReplacementPolicy policy, ReclaimContext rc, int nid) {
    checkOpen();
    return reclaimer.kswapd(policy, rc, nid);
  }

  @Override
  public int balancePgdat(
      ReplacementPolicy policy,
      ReclaimContext rc,
      int nid,
      int order,
      int highestZone,
      java.util.function.IntPredicate balanced) {
    checkOpen();
    return reclaimer.balancePgdat(policy, rc, nid, order, highestZone, balanced);
  }

  @Override
  public int tryToFreePages(ReplacementPolicy policy, ReclaimContext rc, int order) {
    checkOpen();
    return reclaimer.tryToFreePages(policy, rc, order);
  }

  // ================================================================ parts, for tests

  SwapAreas swapAreas() {
    return areas;
  }

  SwapCache swapCache() {
    return cache;
  }

  SwapArea area(int type) {
    return areas.area(type);
  }

  Reclaimer reclaimer() {
    return reclaimer;
  }

  // ================================================================ bookkeeping

  @Override
  public Statistics statistics() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("nr_swapcached", cache.size());
    io.addTransferCounters(m);
    reclaimer.addCounters(m);
    m.put("workingset_nodes", cache.shadows().nodes());
    m.put("workingset_nodereclaim", cache.shadows().nodeReclaim());
    io.addErrorCounters(m);
    m.put("swapcache_hits", cache.hits());
    return new Statistics(m);
  }

  @Override
  public void checkInvariants() {
    areas.checkInvariants();
    cache.checkInvariants();
    io.checkInvariants();
    reclaimer.checkInvariants();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the swap system is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    areas.closeAll();
  }
}
