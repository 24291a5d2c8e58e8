package io.mmsim.buddy;

import static io.mmsim.buddy.Pageblocks.MIGRATE_HIGHATOMIC;
import static io.mmsim.buddy.Pageblocks.MIGRATE_MOVABLE;
import static io.mmsim.buddy.Pageblocks.MIGRATE_PCPTYPES;
import static io.mmsim.buddy.Pageblocks.MIGRATE_TYPES;
import static io.mmsim.buddy.Pageblocks.PAGEBLOCK_NR_PAGES;
import static io.mmsim.buddy.Pageblocks.PAGEBLOCK_ORDER;

import java.util.Arrays;

import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.Memmap;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.trace.Tracer;

/*
 * The free lists of every zone: one doubly linked list per zone, migrate type and order, with the
 * per-frame state they need (struct free_area and struct page in include/linux/mmzone.h and
 * mm_types.h; mm/page_alloc.c: __add_to_free_list, __del_page_from_free_list, move_to_free_list,
 * expand, __rmqueue_smallest, __free_one_page, buddy_merge_likely, split_large_buddy,
 * prep_move_freepages_block, __move_freepages_block, move_freepages_block).
 *
 * Links: int next[], prev[], the machine's Memmap words (struct page's lru, reused by whoever holds
 * an allocated block). A link is a node-relative PFN or a sentinel (a list head); the entry of
 * link x is at index lb + x, lb being the node's first PFN, so that each frame's links are the
 * words of its machine PFN. The sentinels follow the machine's frames, each node's after those of
 * the nodes before it; as node-relative values they lie past every frame of the node. Free list
 * (zone z, migratetype mt, order o) has id (z * MIGRATE_TYPES + mt) * NR_PAGE_ORDERS + o and
 * sentinel sentinels + id; the owner may ask for more sentinels after those (the per-CPU lists use
 * them). A frame leaves a list with both words 0, so that a block is handed out with clear words
 * and a free finds them clear again.
 *
 * meta, one byte per frame:
 *
 *    7   6   5   4   3   2   1   0
 *  +-------+-------+---------------+
 *  |allocmt| state |     order     |
 *  +-------+-------+---------------+
 *
 *   state    NONE       not a block head: inside a block, or reserved (never handed over at
 *                       boot); the other bits are 0
 *            BUDDY      head of a free block of `order` on a free list (PageBuddy)
 *            PCP        an order-0 page on a per-CPU list (free, but not mergeable)
 *            ALLOCATED  head of a block of `order` handed out by allocPages
 *   allocmt  for an ALLOCATED head, the migrate type the allocation asked for (0..2); 0 otherwise.
 *            A MOVABLE allocation stands for what the kernel finds with PageLRU or movable_ops
 *            when it counts a pageblock's movable pages: the simulator's movable allocations are
 *            user and page-cache pages, which go on the LRU as soon as they are mapped.
 *
 * Freelist hygiene (Linux 6.10+): a free block always sits on the list of its pageblock's
 * migratetype, and a free block larger than a pageblock covers pageblocks of one type. Whoever
 * changes a pageblock's type moves its free blocks along (moveFreepagesBlock), or retypes a whole
 * free block together with its list (the claim of a block >= pageblock_order, merging).
 *
 * Merging (__free_one_page): buddies merge whatever their type below pageblock_order (they share a
 * pageblock); at pageblock_order, two pageblocks of different types merge only when both types
 * are mergeable (below MIGRATE_PCPTYPES), and the buddy's pageblock takes the freed block's type.
 * HIGHATOMIC and ISOLATE pageblocks therefore never merge with their neighbours.
 */
final class FreeArea {

  static final int MAX_ORDER = Page.MAX_PAGE_ORDER;
  static final int NR_ORDERS = Page.NR_PAGE_ORDERS;
  static final int NR_ZONES = Zone.count();
  static final int ZONE_DMA = Zone.DMA.ordinal();
  static final int ZONE_DMA32 = Zone.DMA32.ordinal();
  static final int ZONE_NORMAL = Zone.NORMAL.ordinal();

  /** Number of free lists: zones x migrate types x orders. */
  static final int NR_FREE_LISTS = NR_ZONES * MIGRATE_TYPES * NR_ORDERS;

  // ---------------------------------------------------------------- meta byte layout

  static final int ORDER_BITS = 4;
  static final int STATE_BITS = 2;
  static final int ALLOCMT_BITS = 2;
  static final int ORDER_MASK = (1 << ORDER_BITS) - 1;
  static final int STATE_SHIFT = ORDER_BITS;
  static final int STATE_MASK = (1 << STATE_BITS) - 1;
  static final int ALLOCMT_SHIFT = STATE_SHIFT + STATE_BITS;
  static final int ALLOCMT_MASK = (1 << ALLOCMT_BITS) - 1;

  /** The state and order bits: what a free checks against. */
  static final int HEAD_MASK = (1 << ALLOCMT_SHIFT) - 1;

  static final int NONE = 0;
  static final int BUDDY = 1;
  static final int PCP = 2;
  static final int ALLOCATED = 3;

  static byte meta(int state, int order) {
    return (byte) (state << STATE_SHIFT | order);
  }

  static byte allocated(int order, int migratetype) {
    return (byte) (ALLOCATED << STATE_SHIFT | order | migratetype << ALLOCMT_SHIFT);
  }

  static int stateOf(byte m) {
    return (m >>> STATE_SHIFT) & STATE_MASK;
  }

  static int orderOf(byte m) {
    return m & ORDER_MASK;
  }

  static int allocMtOf(byte m) {
    return (m >>> ALLOCMT_SHIFT) & ALLOCMT_MASK;
  }

  static final byte META_PCP = meta(PCP, 0);

  // ---------------------------------------------------------------- state

  final int nFrames;
  final int[] next;
  final int[] prev;

  /** The index of the node's first frame in next and prev: the entry of link x is at lb + x. */
  final int lb;

  final byte[] meta;
  final Pageblocks blocks;

  /** The kernel's tracer: splits, merges and list takes are reported when someone listens. */
  final Tracer trace;

  /** Index of the first free-list sentinel (= nFrames). */
  final int sentinels;

  /** Index of the first sentinel after the free lists, for the owner's lists. */
  final int extraSentinels;

  /** Free blocks per free list ({@code free_list} lengths), indexed like the list ids. */
  final long[] nrFree = new long[NR_FREE_LISTS];

  /** Free pages per zone and migrate type, by z * MIGRATE_TYPES + mt. */
  final long[] freePages = new long[NR_ZONES * MIGRATE_TYPES];

  /** Free pages per zone on the free lists ({@code NR_FREE_PAGES}). */
  final long[] zoneFree = new long[NR_ZONES];

  /**
   * Free pages per zone not on a HIGHATOMIC list: what a request without reserve rights counts on
   * (NR_FREE_PAGES - nr_free_highatomic), kept so that the order-0 fast path reads one number.
   */
  final long[] zoneUsable = new long[NR_ZONES];

  /**
   * The first frame's PFN on the machine: a node's frames are indexed from its first PFN, so that
   * the arrays hold that node's frames only. A multiple of the largest block, so the buddy
   * arithmetic is the same on node-relative PFNs.
   */
  final long base;

  /** Node-relative PFNs where DMA and DMA32 end (may be 0 or negative on a high node). */
  private final long dmaLimit;

  private final long dma32Limit;

  /** Free lists for {@code frames} frames plus {@code extraLists} more list heads. */
  FreeArea(int frames, int extraLists) {
    this(
        frames,
        extraLists,
        0,
        frames,
        new Tracer(),
        new Memmap(frames, sentinelCount(extraLists)),
        frames);
  }

  /** The number of list heads after the frames: the free lists and {@code extraLists}. */
  static int sentinelCount(int extraLists) {
    return NR_FREE_LISTS + extraLists;
  }

  /**
   * Free lists for the {@code frames} frames of a node starting at PFN {@code base}, on a machine
   * of {@code machineFrames} frames, plus {@code extraLists} more list heads; the links are the
   * words of {@code memmap} (the machine's frames and every node's list heads), this node's list
   * heads from index {@code sentinelStart} on ({@link #sentinelCount} of them).
   */
  FreeArea(
      int frames,
      int extraLists,
      long base,
      long machineFrames,
      Tracer trace,
      Memmap memmap,
      int sentinelStart) {
    this.trace = trace;
    if ((base & ((1L << MAX_ORDER) - 1)) != 0) {
      throw new IllegalArgumentException(
          "a node must start at a multiple of " + (1 << MAX_ORDER) + " frames, not " + base);
    }
    this.base = base;
    this.dmaLimit = Zone.DMA.limitPfn() - base;
    this.dma32Limit = Zone.DMA32.limitPfn() - base;
    this.nFrames = frames;
    int heads = sentinelCount(extraLists);
    if (memmap.frames() != machineFrames
        || base + frames > machineFrames
        || sentinelStart < machineFrames
        || (long) sentinelStart + heads > memmap.word0().length) {
      throw new IllegalArgumentException(
          String.format(
              "a memmap of %d frames and %d words for frames [%d, %d) and list heads from %d",
              memmap.frames(), memmap.word0().length, base, base + frames, sentinelStart));
    }
    this.next = memmap.word0();
    this.prev = memmap.word1();
    this.lb = (int) base;
    this.sentinels = sentinelStart - lb;
    this.extraSentinels = sentinels + NR_FREE_LISTS;
    for (int s = sentinels; s < sentinels + heads; s++) {
      next[lb + s] = s;
      prev[lb + s] = s;
    }
    this.meta = new byte[frames];
    this.blocks = new Pageblocks(frames, machineFrames);
  }

  /** The zone of the node-relative {@code pfn}. */
  int zoneOf(int pfn) {
    return pfn < dmaLimit ? ZONE_DMA : pfn < dma32Limit ? ZONE_DMA32 : ZONE_NORMAL;
  }

  static int listId(int z, int mt, int order) {
    return (z * MIGRATE_TYPES + mt) * NR_ORDERS + order;
  }

  // ---------------------------------------------------------------- list primitives

  // IntList's operations, with the entry of link x at lb + x

  void insertHead(int sentinel, int x) {
    int n = next[lb + sentinel];
    next[lb + x] = n;
    prev[lb + x] = sentinel;
    prev[lb + n] = x;
    next[lb + sentinel] = x;
  }

  void insertTail(int sentinel, int x) {
    int p = prev[lb + sentinel];
    prev[lb + x] = p;
    next[lb + x] = sentinel;
    next[lb + p] = x;
    prev[lb + sentinel] = x;
  }

  private void del(int x) {
    int n = next[lb + x];
    int p = prev[lb + x];
    next[lb + p] = n;
    prev[lb + n] = p;
  }

  /** Takes x off its list; its words are left 0, as a frame off every list keeps them. */
  void unlink(int x) {
    del(x);
    next[lb + x] = 0;
    prev[lb + x] = 0;
  }

  /** The head block of a free list, or -1 ({@code get_page_from_free_area}). */
  int head(int z, int mt, int order) {
    int s = sentinels + listId(z, mt, order);
    int p = next[lb + s];
    return p == s ? -1 : p;
  }

  /** The machine PFNs on the list of {@code sentinel}, head first (a view for tests). */
  long[] listContents(int sentinel) {
    long[] out = new long[16];
    int n = 0;
    for (int x = next[lb + sentinel]; x != sentinel; x = next[lb + x]) {
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = base + x;
      if (n > nFrames) {
        throw new AssertionError("list " + (sentinel - nFrames) + " has a cycle");
      }
    }
    return Arrays.copyOf(out, n);
  }

  boolean empty(int z, int mt, int order) {
    return nrFree[listId(z, mt, order)] == 0;
  }

  /** Free blocks of one zone and order over every migrate type ({@code free_area->nr_free}). */
  long nrFree(int z, int order) {
    long n = 0;
    for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
      n += nrFree[listId(z, mt, order)];
    }
    return n;
  }

  /** {@code __add_to_free_list}: marks pfn a free block of order and links it. */
  void add(int z, int mt, int pfn, int order, boolean tail) {
    int id = listId(z, mt, order);
    if (tail) {
      insertTail(sentinels + id, pfn);
    } else {
      insertHead(sentinels + id, pfn);
    }
    meta[pfn] = meta(BUDDY, order);
    nrFree[id]++;
    freePages[z * MIGRATE_TYPES + mt] += 1L << order;
    zoneFree[z] += 1L << order;
    if (mt != MIGRATE_HIGHATOMIC) {
      zoneUsable[z] += 1L << order;
    }
  }

  /** {@code __del_page_from_free_list}: unlinks a free block and clears its head. */
  void del(int z, int mt, int pfn, int order) {
    unlink(pfn);
    meta[pfn] = 0;
    nrFree[listId(z, mt, order)]--;
    freePages[z * MIGRATE_TYPES + mt] -= 1L << order;
    zoneFree[z] -= 1L << order;
    if (mt != MIGRATE_HIGHATOMIC) {
      zoneUsable[z] -= 1L << order;
    }
  }

  /** {@code move_to_free_list}: the block moves to the tail of another type's list. */
  void move(int z, int pfn, int order, int oldMt, int newMt) {
    del(pfn);
    insertTail(sentinels + listId(z, newMt, order), pfn);
    nrFree[listId(z, oldMt, order)]--;
    nrFree[listId(z, newMt, order)]++;
    freePages[z * MIGRATE_TYPES + oldMt] -= 1L << order;
    freePages[z * MIGRATE_TYPES + newMt] += 1L << order;
    if (oldMt == MIGRATE_HIGHATOMIC) {
      zoneUsable[z] += 1L << order;
    } else if (newMt == MIGRATE_HIGHATOMIC) {
      zoneUsable[z] -= 1L << order;
    }
  }

  /**
   * {@code expand}: the block of order {@code high} at pfn (already off its list) is split down to
   * order {@code low}; each upper half goes to the head of the {@code mt} list one order lower and
   * the lowest piece is kept.
   */
  void expand(int z, int pfn, int low, int high, int mt) {
    int size = 1 << high;
    while (high > low) {
      high--;
      size >>>= 1;
      if (trace.on()) {
        trace.buddySplit(base + pfn, high, base + pfn + size, z, mt);
      }
      add(z, mt, pfn + size, high, false);
    }
  }

  /**
   * {@code __rmqueue_smallest}: the head block of the smallest non-empty {@code mt} list at order
   * >= order, split down; returns its PFN (meta cleared) or -1.
   */
  int rmqueueSmallest(int z, int order, int mt) {
    int base = sentinels + listId(z, mt, 0);
    for (int o = order; o <= MAX_ORDER; o++) {
      int s = base + o;
      int pfn = next[lb + s];
      if (pfn == s) {
        continue;
      }
      if (trace.on()) {
        trace.buddyRmqueue(this.base + pfn, order, o, z, mt);
      }
      del(z, mt, pfn, o);
      expand(z, pfn, order, o, mt);
      if (trace.on()) {
        trace.mmPageAllocZoneLocked(
            Tracer.CURRENT_CPU, this.base + pfn, order, mt, order == 0 && mt < MIGRATE_PCPTYPES);
      }
      return pfn;
    }
    return -1;
  }

  // ---------------------------------------------------------------- freeing

  /**
   * {@code split_large_buddy} then {@code __free_one_page}: a block larger than a pageblock is
   * freed one pageblock at a time, each piece with its own pageblock's type (the pieces of an
   * allocated block share one type unless part of it was isolated meanwhile). The head's meta must
   * already be cleared.
   */
  void freeBlock(int z, int pfn, int order, boolean toTail) {
    if (order <= PAGEBLOCK_ORDER) {
      freeOne(z, pfn, order, blocks.get(pfn), toTail);
      return;
    }
    int end = pfn + (1 << order);
    for (int p = pfn; p < end; p += PAGEBLOCK_NR_PAGES) {
      freeOne(z, p, PAGEBLOCK_ORDER, blocks.get(p), toTail);
    }
  }

  /**
   * {@code __free_one_page}: puts the block at pfn (meta cleared) on the {@code mt} free lists,
   * merging with free buddies while the rules allow.
   */
  void freeOne(int z, int pfn, int order, int mt, boolean toTail) {
    while (order < MAX_ORDER) {
      int buddy = pfn ^ (1 << order);
      if (buddy >= nFrames || meta[buddy] != meta(BUDDY, order)) {
        break;
      }
      assert zoneOf(buddy) == z : "buddy " + buddy + " of " + pfn + " in another zone";
      int buddyMt = mt;
      if (order >= PAGEBLOCK_ORDER) {
        buddyMt = blocks.get(buddy);
        if (buddyMt != mt && (!mergeable(mt) || !mergeable(buddyMt))) {
          break;
        }
      }
      if (trace.on()) {
        trace.buddyMerge(base + pfn, base + buddy, order, z);
      }
      del(z, buddyMt, buddy, order);
      if (buddyMt != mt) {
        // the merged block's pieces share the type, so that a later expand lists them right
        blocks.set(buddy, mt);
      }
      pfn &= buddy;
      order++;
    }
    boolean tail = toTail || buddyMergeLikely(pfn, order);
    if (trace.on()) {
      trace.buddyFreeBlock(
          base + pfn, order, z, mt, order < MAX_ORDER ? base + (pfn ^ (1 << order)) : -1, tail);
    }
    add(z, mt, pfn, order, tail);
  }

  /** {@code migratetype_is_mergeable}: only the types allocations ask for. */
  static boolean mergeable(int mt) {
    return mt < MIGRATE_PCPTYPES;
  }

  /**
   * {@code buddy_merge_likely}: true when the buddy of the block one order up is free, so that
   * freeing this block's own buddy would merge two levels; such a block goes to the list tail to
   * stay free longer.
   */
  private boolean buddyMergeLikely(int pfn, int order) {
    if (order >= MAX_ORDER - 1) {
      return false;
    }
    int higher = pfn & ~(1 << order);
    int higherBuddy = higher ^ (1 << (order + 1));
    return higherBuddy < nFrames && meta[higherBuddy] == meta(BUDDY, order + 1);
  }

  // ---------------------------------------------------------------- whole pageblocks

  /**
   * True when the pageblock holding pfn lies wholly inside zone z and memory ({@code
   * prep_move_freepages_block}'s zone_spans_pfn checks on its first and last frame).
   */
  boolean blockInZone(int z, int pfn) {
    int start = Pageblocks.startPfn(pfn);
    int last = start + PAGEBLOCK_NR_PAGES - 1;
    return last < nFrames && zoneOf(start) == z && zoneOf(last) == z;
  }

  /**
   * {@code prep_move_freepages_block}'s count over the pageblock holding pfn, packed: free pages
   * (blocks on the buddy lists) in the upper 32 bits, movable pages in the lower 32. Per-CPU and
   * reserved frames count as neither.
   */
  long countFreeAndMovable(int pfn) {
    int start = Pageblocks.startPfn(pfn);
    int end = start + PAGEBLOCK_NR_PAGES;
    int free = 0;
    int movable = 0;
    int p = start;
    while (p < end) {
      byte m = meta[p];
      int state = stateOf(m);
      if (state == BUDDY || state == ALLOCATED) {
        int n = Math.min(1 << orderOf(m), end - p);
        if (state == BUDDY) {
          free += n;
        } else if (allocMtOf(m) == MIGRATE_MOVABLE) {
          movable += n;
        }
        p += n;
      } else {
        p++;
      }
    }
    return (long) free << 32 | movable;
  }

  static int freeCount(long packed) {
    return (int) (packed >>> 32);
  }

  static int movableCount(long packed) {
    return (int) packed;
  }

  /**
   * {@code __move_freepages_block}: every free block in the pageblock at {@code start} moves from
   * the {@code oldMt} lists to the {@code newMt} lists; returns the pages moved.
   */
  int moveFreepages(int z, int start, int oldMt, int newMt) {
    int end = start + PAGEBLOCK_NR_PAGES;
    int moved = 0;
    int p = start;
    while (p < end) {
      byte m = meta[p];
      if (stateOf(m) != BUDDY) {
        p++;
        continue;
      }
      int order = orderOf(m);
      assert order < PAGEBLOCK_ORDER
          : "free block of order " + order + " inside pageblock " + start;
      move(z, p, order, oldMt, newMt);
      p += 1 << order;
      moved += 1 << order;
    }
    return moved;
  }

  /**
   * {@code move_freepages_block}: moves the free blocks of the pageblock holding pfn from the
   * {@code oldMt} lists to the {@code newMt} lists and retypes the pageblock; -1 (nothing done)
   * when the pageblock is not wholly inside zone z.
   */
  int moveFreepagesBlock(int z, int pfn, int oldMt, int newMt) {
    if (!blockInZone(z, pfn)) {
      return -1;
    }
    int start = Pageblocks.startPfn(pfn);
    int moved = moveFreepages(z, start, oldMt, newMt);
    blocks.set(start, newMt);
    return moved;
  }

  // ---------------------------------------------------------------- frame map

  /**
   * Marks every block head's block in {@code map}: free blocks with their order, owned by their
   * zone and list ({@code Normal Movable}, after {@code prefix}: the node on a NUMA machine),
   * allocated blocks with their order, and per-CPU pages (their CPU is named by PerCpuPages), at
   * their machine PFNs. Frames that were never handed over stay as they are.
   */
  void describeFrames(FrameMap map, String prefix) {
    String[] names = new String[NR_ZONES * MIGRATE_TYPES];
    int p = 0;
    while (p < nFrames) {
      byte m = meta[p];
      int state = stateOf(m);
      int order = orderOf(m);
      if (state == BUDDY) {
        int z = zoneOf(p);
        int mt = blocks.get(p);
        int k = z * MIGRATE_TYPES + mt;
        if (names[k] == null) {
          names[k] = prefix + Zone.values()[z].kernelName() + " " + Pageblocks.name(mt);
        }
        map.markBlock(base + p, order, FrameUse.FREE, names[k]);
        p += 1 << order;
      } else if (state == ALLOCATED) {
        map.markBlock(base + p, order, FrameUse.ALLOCATED, null);
        p += 1 << order;
      } else if (state == PCP) {
        map.markBlock(base + p, 0, FrameUse.PCP, null);
        p++;
      } else {
        p++;
      }
    }
  }
}
