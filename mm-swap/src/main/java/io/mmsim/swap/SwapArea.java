package io.mmsim.swap;

import io.mmsim.api.util.LongLongHashMap;

/*
 * One active swap area: its slot map (swap_map), cluster allocator and device.
 *
 * swap_map, one byte per slot (mm/swapfile.c, include/linux/swap.h):
 *
 *     7         6            5 ........ 0
 *   +---------+------------+-------------+
 *   | COUNT_  | SWAP_HAS_  |  count      |   count 0 = free (when HAS_CACHE is clear too),
 *   | CONTINUED| CACHE     |  0..0x3e    |   1..0x3e = swap PTEs holding the slot,
 *   +---------+------------+-------------+   0x3f = SWAP_MAP_BAD (header page, bad pages)
 *
 * Counts beyond SWAP_MAP_MAX (0x3e) keep 0x3e in the byte, set COUNT_CONTINUED and hold the rest
 * in a side table (the kernel chains continuation pages; the count seen is the same).
 *
 * Clusters (SWAPFILE_CLUSTER = 256 slots): usage[c] counts the slots of cluster c that are not
 * free, counting the header, bad pages and the slots past the end of the area in the last
 * cluster, so such clusters are never "free". Allocation (scan_swap_map_slots, classic cluster
 * scheme):
 *   1. the next free slot of the current cluster, from where the last allocation stopped;
 *   2. else the first cluster of the free-cluster queue becomes current, its first slot is taken;
 *   3. else a scan of the whole map from a rotating cursor (fragmented space).
 * A cluster whose usage drops to 0 joins the tail of the free queue (unless it is current).
 *
 * Invariants: inuse = number of slots with a non-zero byte other than BAD; 0 <= inuse <= pages;
 * usage[c] = non-free slots of cluster c (+ slots past the end); the free queue holds exactly the
 * clusters with usage 0 other than the current one; slot 0 is always BAD.
 */
final class SwapArea {
  static final int SWAPFILE_CLUSTER = 256;
  static final int SWAP_MAP_MAX = 0x3e;
  static final int SWAP_MAP_BAD = 0x3f;
  static final int SWAP_HAS_CACHE = 0x40;
  static final int COUNT_CONTINUED = 0x80;
  static final int COUNT_MASK = 0x3f;

  /** Largest slot count an area can have here (the map is one Java array). */
  static final int MAX_SLOTS = Integer.MAX_VALUE - SWAPFILE_CLUSTER;

  private static final int NONE = -1;

  final int type;
  final SwapDevice device;
  final SwapHeader header;
  int priority;
  final boolean autoPriority;
  final int max;
  final long pages;
  private final byte[] map;
  private long inuse;
  private final int[] usage;
  private final int[] freeNext;
  private final boolean[] onFreeList;
  private int freeHead = NONE;
  private int freeTail = NONE;
  private int current = NONE;
  private int currentNext;
  private int scanCursor = 1;
  private final LongLongHashMap continued = new LongLongHashMap(8, 0);

  /**
   * An area of {@code maxSlots} slots (header included) with the header's bad pages marked.
   *
   * @param maxSlots maxpages, at most {@link #MAX_SLOTS}
   */
  SwapArea(
      int type,
      SwapDevice device,
      SwapHeader header,
      int maxSlots,
      int priority,
      boolean autoPriority) {
    this.type = type;
    this.device = device;
    this.header = header;
    this.max = maxSlots;
    this.priority = priority;
    this.autoPriority = autoPriority;
    this.map = new byte[maxSlots];
    int nrClusters = (int) ((maxSlots + (long) SWAPFILE_CLUSTER - 1) / SWAPFILE_CLUSTER);
    this.usage = new int[nrClusters];
    this.freeNext = new int[nrClusters];
    this.onFreeList = new boolean[nrClusters];
    long good = maxSlots - 1L;
    markBad(0);
    for (int b : header.badPages()) {
      long page = Integer.toUnsignedLong(b);
      if (page < maxSlots && map[(int) page] != SWAP_MAP_BAD) {
        markBad((int) page);
        good--;
      }
    }
    this.pages = good;
    long tail = (long) nrClusters * SWAPFILE_CLUSTER - maxSlots;
    if (tail > 0) {
      usage[nrClusters - 1] += (int) tail;
    }
    for (int c = 0; c < nrClusters; c++) {
      if (usage[c] == 0) {
        enqueueFree(c);
      }
    }
  }

  private void markBad(int slot) {
    map[slot] = (byte) SWAP_MAP_BAD;
    usage[slot / SWAPFILE_CLUSTER]++;
  }

  // ---------------------------------------------------------------- queries

  /** Usable slots in use (a count or a swap-cache page). */
  long inuse() {
    return inuse;
  }

  /** True when {@code offset} is a slot of this area holding a count or a cache flag. */
  boolean inUse(long offset) {
    if (offset <= 0 || offset >= max) {
      return false;
    }
    int b = map[(int) offset] & 0xff;
    return b != 0 && b != SWAP_MAP_BAD;
  }

  /** The raw swap_map byte of {@code offset}. */
  int mapByte(int offset) {
    return map[offset] & 0xff;
  }

  /** Swap PTEs holding {@code offset}. */
  int count(int offset) {
    int b = map[offset] & 0xff;
    if (b == SWAP_MAP_BAD) {
      return 0;
    }
    int c = b & COUNT_MASK;
    if ((b & COUNT_CONTINUED) != 0) {
      c += (int) continued.get(offset);
    }
    return c;
  }

  boolean hasCache(int offset) {
    int b = map[offset] & 0xff;
    return b != SWAP_MAP_BAD && (b & SWAP_HAS_CACHE) != 0;
  }

  // ---------------------------------------------------------------- allocation

  /**
   * Takes a free slot for a swap-cache page (count 0, SWAP_HAS_CACHE set).
   *
   * @return the offset, or -1 when the area is full
   */
  int allocSlot() {
    if (inuse >= pages) {
      return NONE;
    }
    if (current != NONE) {
      int end = clusterEnd(current);
      for (int s = currentNext; s < end; s++) {
        if (map[s] == 0) {
          currentNext = s + 1;
          return take(s);
        }
      }
      int c = current;
      current = NONE;
      if (usage[c] == 0) {
        enqueueFree(c);
      }
    }
    if (freeHead != NONE) {
      int c = dequeueFree();
      current = c;
      int s = c * SWAPFILE_CLUSTER;
      currentNext = s + 1;
      assert map[s] == 0 : "free cluster " + c + " has slot " + s + " in use";
      return take(s);
    }
    for (int i = 0; i < max; i++) {
      int s = scanCursor + i;
      if (s >= max) {
        s -= max - 1; // wrap to slot 1
      }
      if (map[s] == 0) {
        scanCursor = s + 1 >= max ? 1 : s + 1;
        return take(s);
      }
    }
    throw new AssertionError(
        "swap area " + type + ": inuse " + inuse + " of " + pages + " but no free slot found");
  }

  private int clusterEnd(int c) {
    return (int) Math.min((long) (c + 1) * SWAPFILE_CLUSTER, max);
  }

  private int take(int s) {
    map[s] = (byte) SWAP_HAS_CACHE;
    usage[s / SWAPFILE_CLUSTER]++;
    inuse++;
    return s;
  }

  private void release(int s) {
    map[s] = 0;
    inuse--;
    int c = s / SWAPFILE_CLUSTER;
    if (--usage[c] == 0 && c != current) {
      enqueueFree(c);
    }
    device.discard(s);
  }

  private void enqueueFree(int c) {
    assert !onFreeList[c] : "cluster " + c + " queued twice";
    onFreeList[c] = true;
    freeNext[c] = NONE;
    if (freeTail == NONE) {
      freeHead = c;
    } else {
      freeNext[freeTail] = c;
    }
    freeTail = c;
  }

  private int dequeueFree() {
    int c = freeHead;
    freeHead = freeNext[c];
    if (freeHead == NONE) {
      freeTail = NONE;
    }
    onFreeList[c] = false;
    return c;
  }

  // ---------------------------------------------------------------- counts

  /** One more swap PTE holds {@code offset} (swap_duplicate). The slot must be in use. */
  void duplicate(int offset) {
    int b = map[offset] & 0xff;
    assert b != 0 && b != SWAP_MAP_BAD : "duplicate of unused slot " + offset;
    int c = b & COUNT_MASK;
    if (c < SWAP_MAP_MAX) {
      map[offset] = (byte) (b + 1);
    } else {
      continued.put(offset, continued.get(offset) + 1); // a missing count reads as 0
      map[offset] = (byte) (b | COUNT_CONTINUED);
    }
  }

  /**
   * One swap PTE less holds {@code offset}; the slot is freed when nothing holds it.
   *
   * @return the new count
   */
  int free(int offset) {
    int b = map[offset] & 0xff;
    assert count(offset) > 0 : "free of slot " + offset + " with count 0";
    if ((b & COUNT_CONTINUED) != 0) {
      long extra = continued.get(offset) - 1;
      if (extra == 0) {
        continued.remove(offset);
        map[offset] = (byte) (b & ~COUNT_CONTINUED);
      } else {
        continued.put(offset, extra);
      }
      return count(offset);
    }
    b--;
    if (b == 0) {
      release(offset);
      return 0;
    }
    map[offset] = (byte) b;
    return b & COUNT_MASK;
  }

  /** The swap-cache page of {@code offset} went away; frees the slot when no PTE holds it. */
  void clearCache(int offset) {
    int b = map[offset] & 0xff;
    assert (b & SWAP_HAS_CACHE) != 0 && b != SWAP_MAP_BAD : "no cache flag on slot " + offset;
    b &= ~SWAP_HAS_CACHE;
    if (b == 0) {
      release(offset);
    } else {
      map[offset] = (byte) b;
    }
  }

  /** Sets SWAP_HAS_CACHE on a slot that has a count (a swap-in). */
  void setCache(int offset) {
    int b = map[offset] & 0xff;
    assert b != 0 && b != SWAP_MAP_BAD && (b & SWAP_HAS_CACHE) == 0 : "slot " + offset;
    map[offset] = (byte) (b | SWAP_HAS_CACHE);
  }

  // ---------------------------------------------------------------- checks

  /** Recomputes inuse, cluster usage and the free queue from the map. */
  void checkInvariants() {
    if (map[0] != (byte) SWAP_MAP_BAD) {
      throw new AssertionError("swap area " + type + ": slot 0 is not marked bad: " + map[0]);
    }
    long used = 0;
    int[] u = new int[usage.length];
    for (int s = 0; s < max; s++) {
      int b = map[s] & 0xff;
      if (b != 0) {
        u[s / SWAPFILE_CLUSTER]++;
        if (b != SWAP_MAP_BAD) {
          used++;
          if ((b & COUNT_MASK) == SWAP_MAP_BAD) {
            throw new AssertionError(
                "swap area "
                    + type
                    + ": slot "
                    + s
                    + " byte 0x"
                    + Integer.toHexString(b)
                    + " mixes BAD with flags");
          }
          if (((b & COUNT_CONTINUED) != 0) != continued.containsKey(s)) {
            throw new AssertionError(
                "swap area " + type + ": slot " + s + " continuation flag and table disagree");
          }
          if ((b & COUNT_CONTINUED) != 0 && (b & COUNT_MASK) != SWAP_MAP_MAX) {
            throw new AssertionError(
                "swap area " + type + ": continued slot " + s + " below SWAP_MAP_MAX");
          }
        }
      } else if (continued.containsKey(s)) {
        throw new AssertionError("swap area " + type + ": free slot " + s + " has a continuation");
      }
    }
    long tail = (long) usage.length * SWAPFILE_CLUSTER - max;
    if (tail > 0) {
      u[usage.length - 1] += (int) tail;
    }
    if (used != inuse || inuse > pages) {
      throw new AssertionError(
          "swap area "
              + type
              + ": inuse "
              + inuse
              + " but "
              + used
              + " slots in use, pages "
              + pages);
    }
    boolean[] queued = new boolean[usage.length];
    int queuedCount = 0;
    for (int c = freeHead; c != NONE; c = freeNext[c]) {
      if (queued[c]) {
        throw new AssertionError("swap area " + type + ": cluster " + c + " queued twice");
      }
      queued[c] = true;
      queuedCount++;
    }
    for (int c = 0; c < usage.length; c++) {
      if (u[c] != usage[c]) {
        throw new AssertionError(
            "swap area "
                + type
                + ": cluster "
                + c
                + " usage "
                + usage[c]
                + " but "
                + u[c]
                + " slots taken");
      }
      boolean shouldQueue = usage[c] == 0 && c != current;
      if (queued[c] != shouldQueue || onFreeList[c] != queued[c]) {
        throw new AssertionError(
            "swap area "
                + type
                + ": cluster "
                + c
                + " usage "
                + usage[c]
                + " current "
                + current
                + " queued "
                + queued[c]
                + " flag "
                + onFreeList[c]);
      }
    }
    if (queuedCount > 0 && freeTail == NONE) {
      throw new AssertionError("swap area " + type + ": free queue without tail");
    }
  }
}
