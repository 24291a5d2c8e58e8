package io.mmsim.swap;

import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.reclaim.ShadowTable;
import io.mmsim.api.swap.SwapContext;
import io.mmsim.api.swap.SwapSystem;
import io.mmsim.api.util.LongLongHashMap;

/*
 * The swap cache (mm/swap_state.c: add_to_swap_cache, delete_from_swap_cache,
 * swap_cache_get_folio): the pages that stand for a swap slot, found by entry and by frame.
 *
 * Two open-addressing maps, entry key -> frame and frame -> entry key, where
 *
 *   entry key = type << 32 | offset
 *
 *   cache value:  63   62     61 ............................ 0
 *               +----+-------+----------------------------------+
 *               |  0 | DIRTY |  pfn                             |
 *               +----+-------+----------------------------------+
 *
 * DIRTY says the page's swap copy is stale or missing, so reclaim must write it before the
 * frame can go. A swap-cache page sets SWAP_HAS_CACHE on its slot (through SwapArea) and holds
 * one frame reference (SwapContext.getPage), dropped when it leaves the cache.
 *
 * Invariants (checkInvariants): both maps are inverse of each other; every cached entry's slot
 * has SWAP_HAS_CACHE and every slot with SWAP_HAS_CACHE is cached.
 *
 * Single-threaded: one kernel, one thread.
 */
final class SwapCache {
  static final long DIRTY = 1L << 62;
  private static final long PFN_MASK = DIRTY - 1;
  private static final long OFFSET_MASK = 0xffff_ffffL;

  /** The maps' missing value: keys and values are never negative. */
  private static final long NOT_CACHED = -1L;

  private final SwapAreas areas;
  private final SwapContext ctx;
  private final LongLongHashMap byEntry = new LongLongHashMap(64, NOT_CACHED);
  private final LongLongHashMap byPfn = new LongLongHashMap(64, NOT_CACHED);
  private final ShadowTable shadows = new ShadowTable();

  /** Shadows taken by pages read back in, until the kernel asks for them (frame -> shadow). */
  private final LongLongHashMap refaults = new LongLongHashMap(16, ShadowTable.NONE);

  private long hits;

  SwapCache(SwapAreas areas, SwapContext ctx) {
    this.areas = areas;
    this.ctx = ctx;
  }

  /** The shadow entries of evicted swap-cache pages, by entry key. */
  ShadowTable shadows() {
    return shadows;
  }

  static long key(int type, long offset) {
    return (long) type << 32 | offset;
  }

  private static long keyOf(long entry) {
    return key(Pte.swapType(entry), Pte.swapOffset(entry));
  }

  private static long entryOfKey(long k) {
    return Pte.makeSwap((int) (k >>> 32), k & OFFSET_MASK);
  }

  /** Marks every cached page in {@code map}, owned by its slot ({@code swap 0:123}). */
  void describeFrames(FrameMap map) {
    for (int i = 0; i < byPfn.capacity(); i++) {
      long pfn = byPfn.keyAt(i);
      long k = byPfn.valueAt(i);
      if (k != NOT_CACHED && pfn >= 0) {
        map.mark(pfn, 1, FrameUse.SWAP_CACHE, "swap " + (k >>> 32) + ":" + (k & OFFSET_MASK));
      }
    }
  }

  // ---------------------------------------------------------------- lookups

  /**
   * The frame of {@code entry}'s cache page, counting a hit; {@link SwapSystem#NO_PAGE} if none.
   */
  long lookup(long entry) {
    if (!Pte.isSwap(entry)) {
      return SwapSystem.NO_PAGE;
    }
    long v = byEntry.get(keyOf(entry));
    if (v == NOT_CACHED) {
      return SwapSystem.NO_PAGE;
    }
    hits++;
    return v & PFN_MASK;
  }

  /** The frame cached for slot {@code offset} of area {@code type} (which must be cached). */
  long pfnOf(int type, int offset) {
    long v = byEntry.get(key(type, offset));
    assert v != NOT_CACHED : "slot " + offset + " of area " + type + " is not cached";
    return v & PFN_MASK;
  }

  /** True when frame {@code pfn} is a swap-cache page. */
  boolean contains(long pfn) {
    return byPfn.containsKey(pfn);
  }

  /** The entry a cache page stands for, or 0 when {@code pfn} is not cached. */
  long entryOf(long pfn) {
    long k = byPfn.get(pfn);
    return k == NOT_CACHED ? 0 : entryOfKey(k);
  }

  /** Pages in the cache. */
  long size() {
    return byPfn.size();
  }

  /** Lookups that found a page. */
  long hits() {
    return hits;
  }

  /** The swap count of the slot behind cache page {@code pfn}. */
  int slotCount(long pfn) {
    long k = byPfn.get(pfn);
    assert k != NOT_CACHED : "pfn " + pfn + " not in the swap cache";
    return areas.area((int) (k >>> 32)).count((int) (k & OFFSET_MASK));
  }

  // ---------------------------------------------------------------- dirty state

  /** True when cache page {@code pfn} must be written before its frame can go. */
  boolean dirty(long pfn) {
    long k = byPfn.get(pfn);
    return k != NOT_CACHED && (byEntry.get(k) & DIRTY) != 0;
  }

  void setDirty(long pfn, boolean dirty) {
    long k = byPfn.get(pfn);
    assert k != NOT_CACHED : "pfn " + pfn + " not in the swap cache";
    byEntry.put(k, dirty ? pfn | DIRTY : pfn);
  }

  // ---------------------------------------------------------------- add and delete

  /**
   * Puts frame {@code pfn} in the cache under an entry whose slot already has SWAP_HAS_CACHE,
   * taking the cache's frame reference (add_to_swap_cache).
   */
  void add(long entry, long pfn, boolean dirty) {
    long k = keyOf(entry);
    assert !byEntry.containsKey(k) && !byPfn.containsKey(pfn) : "already cached";
    ctx.getPage(pfn);
    byEntry.put(k, dirty ? pfn | DIRTY : pfn);
    byPfn.put(pfn, k);
    long shadow = shadows.take(k);
    if (shadow != ShadowTable.NONE) {
      refaults.put(pfn, shadow);
    }
    shadows.pageAdded(k);
  }

  /** The shadow page {@code pfn} found in its slot when it was added, handed over once. */
  long takeRefaultShadow(long pfn) {
    // most faults bring in fresh pages while no refault is pending: no probe then
    return refaults.isEmpty() ? ShadowTable.NONE : refaults.remove(pfn);
  }

  /** The slot of {@code type}/{@code offset} was freed: its shadow goes too. */
  void slotFreed(int type, long offset) {
    shadows.take(key(type, offset));
  }

  /**
   * Removes a cache page: clears SWAP_HAS_CACHE (freeing a slot no PTE holds) and drops the frame
   * reference (delete_from_swap_cache, then put_swap_folio).
   */
  void delete(long pfn) {
    delete(pfn, ShadowTable.NONE);
  }

  /**
   * {@link #delete(long)} by reclaim: {@code shadow} stays in the slot while swap PTEs still hold
   * it ({@code __delete_from_swap_cache} with the shadow of {@code workingset_eviction}).
   */
  void delete(long pfn, long shadow) {
    long k = byPfn.remove(pfn);
    assert k != NOT_CACHED : "pfn " + pfn + " not in the swap cache";
    byEntry.remove(k);
    refaults.remove(pfn);
    SwapArea a = areas.area((int) (k >>> 32));
    int off = (int) (k & OFFSET_MASK);
    shadows.pageRemoved(k, a.count(off) > 0 ? shadow : ShadowTable.NONE);
    a.clearCache(off);
    ctx.putPage(pfn);
  }

  /** Deletes every cache page of area {@code a} (swapoff, after checking no PTE needs them). */
  void deleteArea(SwapArea a) {
    for (int off = 1; off < a.max; off++) {
      if (a.inUse(off) && a.hasCache(off)) {
        delete(pfnOf(a.type, off));
      }
    }
  }

  /** Cache page {@code src} is now frame {@code dst}, under the same entry and dirty state. */
  void move(long src, long dst) {
    long k = byPfn.remove(src);
    assert k != NOT_CACHED && !byPfn.containsKey(dst) : "moving " + src + " to " + dst;
    byPfn.put(dst, k);
    long v = byEntry.get(k);
    byEntry.put(k, (v & DIRTY) | dst);
  }

  // ---------------------------------------------------------------- checks

  /** The two maps agree with each other and with every area's SWAP_HAS_CACHE flags. */
  void checkInvariants() {
    shadows.checkInvariants();
    refaults.forEach(
        (pfn, shadow) -> {
          if (!byPfn.containsKey(pfn)) {
            throw new AssertionError(
                "swap cache: refault shadow kept for frame " + pfn + " not cached");
          }
        });
    byEntry.checkInvariants();
    byPfn.checkInvariants();
    if (byEntry.size() != byPfn.size()) {
      throw new AssertionError(
          "swap cache: " + byEntry.size() + " entries but " + byPfn.size() + " frames");
    }
    byPfn.forEach(
        (pfn, k) -> {
          long v = byEntry.get(k);
          if (v == NOT_CACHED || (v & PFN_MASK) != pfn) {
            throw new AssertionError(
                "swap cache: frame " + pfn + " -> entry key " + k + " -> " + v);
          }
          SwapArea a = areas.area((int) (k >>> 32));
          if (a == null || !a.hasCache((int) (k & OFFSET_MASK))) {
            throw new AssertionError(
                "swap cache: frame " + pfn + " cached for slot " + k + " without SWAP_HAS_CACHE");
          }
        });
    int flagged = 0;
    for (int t = 0; t < SwapAreas.MAX_SWAPFILES; t++) {
      SwapArea a = areas.area(t);
      if (a == null) {
        continue;
      }
      for (int off = 1; off < a.max; off++) {
        if (a.hasCache(off)) {
          flagged++;
          if (!byEntry.containsKey(key(a.type, off))) {
            throw new AssertionError(
                "swap area "
                    + a.type
                    + ": slot "
                    + off
                    + " has SWAP_HAS_CACHE but no swap-cache page");
          }
        }
      }
    }
    if (flagged != byPfn.size()) {
      throw new AssertionError(
          "swap cache: " + byPfn.size() + " pages but " + flagged + " slots flagged");
    }
  }
}
