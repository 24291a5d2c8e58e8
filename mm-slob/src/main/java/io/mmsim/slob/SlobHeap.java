package io.mmsim.slob;

import java.util.Arrays;
import java.util.BitSet;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.util.Bits;
import io.mmsim.api.util.LongLongHashMap;

/*
 * The SLOB heap proper: a K&R-style first-fit heap on whole order-0 pages, with every free block
 * described in the page's own simulated bytes. Kernel source to look up: mm/slob.c (Linux 6.3 and
 * before; SLOB was deprecated in 6.2 and removed in 6.4): slob_alloc, slob_page_alloc, slob_free,
 * set_slob, slob_next.
 *
 * Units. The heap counts in SLOB_UNIT = 2 bytes; a page has PAGE_UNITS = 2048 units, addressed by
 * their offset from the page base. Offset 2048 (the end of the page) means "no next block".
 *
 * Free blocks, in the page bytes (little-endian signed 16-bit units, offsets from the page base):
 *
 *     block of n > 1 units at offset b          block of 1 unit at offset b
 *     +------------+-------------+---------+    +-------------+
 *     | unit b: n  | unit b+1:   | ...     |    | unit b:     |
 *     |            | next offset |         |    | -next offset|
 *     +------------+-------------+---------+    +-------------+
 *
 * so a positive first unit is a size (and the next offset follows) and a negative one is a
 * one-unit block holding the negated next offset. The list of a page is sorted by offset and ends
 * with next offset 2048.
 *
 * Per-page metadata (the kernel keeps it in struct slab) lives in primitive arrays indexed by a
 * slot number, never in an object per page: the page's PFN, its free units, the offset of its
 * first free block, and its links on one of three circular page lists. A PFN -> slot hash map
 * finds the slot of an address.
 *
 * Page lists. Requests under SLOB_BREAK1 (256 bytes) use the small list, under SLOB_BREAK2 (1024)
 * the medium one, anything bigger the large one. A page is on a list exactly while it has free
 * units; a full page is on none, and when a free makes it partly free again it joins the list of
 * the size being freed. Allocation walks the chosen list from its head, skipping pages with fewer
 * free units than the request, and tries a first-fit scan of each page (next fit across pages):
 * when a page succeeds and stays on the list, the head moves to it, so the next search starts
 * there (Knuth vol. 1, 2.5). With no page able to serve, a fresh page is taken from the page
 * allocator and put at the front of the list.
 *
 * Alignment: a block is usable when the address block + alignOffset rounded up to align leaves
 * room: the `delta` units skipped in front stay free as a block of their own (kmalloc passes
 * alignOffset 8 so that the object after its size header is aligned).
 *
 * Free: a block goes back in address order and merges with the free blocks right before and after
 * it; a page whose every unit is free returns to the page allocator at once.
 *
 * Invariants (checkInvariants): each page's in-memory list is sorted, inside the page, free of
 * adjacent (uncoalesced) blocks and sums to the page's free-unit counter; a page is on a list iff
 * it has free units; list links are consistent; the live blocks handed in by the front end and the
 * free blocks together cover every unit of every page exactly once.
 *
 * Corruption: the free lists are ordinary memory, so a write after free can damage them. Every
 * block read on the alloc and free paths is range-checked before anything is written, and a
 * damaged list raises BadAddressException naming the page and offset, leaving the heap unchanged.
 *
 * Not thread-safe: one kernel, one thread.
 */
final class SlobHeap {
  /** Bytes per heap unit ({@code SLOB_UNIT}, the size of a 16-bit {@code slobidx_t}). */
  static final int SLOB_UNIT = 2;

  /** Units per page. */
  static final int PAGE_UNITS = Page.PAGE_SIZE / SLOB_UNIT;

  /** Requests below this many bytes use the small list ({@code SLOB_BREAK1}). */
  static final int SLOB_BREAK1 = 256;

  /** Requests below this many bytes (and not small) use the medium list ({@code SLOB_BREAK2}). */
  static final int SLOB_BREAK2 = 1024;

  /** The list of requests under 256 bytes ({@code free_slob_small}). */
  static final int LIST_SMALL = 0;

  /** The list of requests of 256..1023 bytes ({@code free_slob_medium}). */
  static final int LIST_MEDIUM = 1;

  /** The list of requests of 1024 bytes and more ({@code free_slob_large}). */
  static final int LIST_LARGE = 2;

  /** Number of page lists. */
  static final int NR_LISTS = 3;

  /** List names for statistics and messages. */
  static final String[] LIST_NAMES = {"small", "medium", "large"};

  /** What {@link #alloc} returns when no page could be had. */
  static final long NO_BLOCK = -1L;

  /** No slot, no list entry. */
  static final int NIL = -1;

  private final PageAllocator pageAllocator;
  private final PhysicalMemory memory;

  private long[] slotPfn;
  private int[] slotFreeUnits;
  private int[] slotFreeHead;
  private int[] slotNext;
  private int[] slotPrev;
  private byte[] slotList;
  private int slotHigh;
  private int[] unusedSlots;
  private int unusedCount;
  private final LongLongHashMap pfnToSlot = new LongLongHashMap(64, NIL);

  private final int[] listHead = {NIL, NIL, NIL};
  private final long[] listPages = new long[NR_LISTS];
  private final long[] homePages = new long[NR_LISTS];
  private long pages;
  private long freeUnits;
  private long pagesTaken;
  private long pagesReturned;

  SlobHeap(PageAllocator pageAllocator, PhysicalMemory memory) {
    this.pageAllocator = pageAllocator;
    this.memory = memory;
    int n = 64;
    slotPfn = new long[n];
    slotFreeUnits = new int[n];
    slotFreeHead = new int[n];
    slotNext = new int[n];
    slotPrev = new int[n];
    slotList = new byte[n];
    unusedSlots = new int[n];
  }

  // ---------------------------------------------------------------- sizes

  /** Units that a request of {@code bytes} takes ({@code SLOB_UNITS}). */
  static int units(int bytes) {
    return (bytes + SLOB_UNIT - 1) / SLOB_UNIT;
  }

  /** The list that serves a request of {@code bytes}. */
  static int listFor(int bytes) {
    if (bytes < SLOB_BREAK1) {
      return LIST_SMALL;
    }
    return bytes < SLOB_BREAK2 ? LIST_MEDIUM : LIST_LARGE;
  }

  // ---------------------------------------------------------------- allocation

  /**
   * Allocates a block of {@code bytes} (below PAGE_SIZE) whose address plus {@code alignOffset} is
   * a multiple of {@code align} ({@code slob_alloc}).
   *
   * @param align a power of two not above PAGE_SIZE
   * @return the physical address of the block, or {@link #NO_BLOCK} when no page could be had
   */
  long alloc(int cpu, int bytes, int gfp, int align, int alignOffset) {
    assert bytes > 0 && bytes <= Page.PAGE_SIZE : bytes;
    assert Bits.isPowerOfTwo(align) && align <= Page.PAGE_SIZE : align;
    int units = units(bytes);
    int list = listFor(bytes);
    int first = listHead[list];
    if (first != NIL) {
      int s = first;
      do {
        int next = slotNext[s];
        if (slotFreeUnits[s] >= units) {
          long block = allocInPage(s, units, align, alignOffset);
          if (block != NO_BLOCK) {
            if (slotNext[s] != NIL) {
              listHead[list] = s; // next fit: the next search starts at this page
            }
            return block;
          }
        }
        s = next;
      } while (s != first);
    }
    long pfn = pageAllocator.allocPages(cpu, gfp & ~Gfp.ZERO, 0);
    if (pfn == PageAllocator.NO_PAGE) {
      return NO_BLOCK;
    }
    pagesTaken++;
    int slot = newSlot(pfn, list);
    writeBlock(Page.pfnToPhys(pfn), 0, PAGE_UNITS, PAGE_UNITS);
    slotFreeUnits[slot] = PAGE_UNITS;
    slotFreeHead[slot] = 0;
    freeUnits += PAGE_UNITS;
    pushFront(slot, list);
    long block = allocInPage(slot, units, align, alignOffset);
    if (block == NO_BLOCK) {
      throw new AssertionError(
          "a fresh page pfn "
              + pfn
              + " cannot hold "
              + units
              + " units aligned to "
              + align
              + " at offset "
              + alignOffset);
    }
    return block;
  }

  /** First fit within one page ({@code slob_page_alloc}); {@link #NO_BLOCK} when nothing fits. */
  private long allocInPage(int slot, int units, int align, int alignOffset) {
    long base = Page.pfnToPhys(slotPfn[slot]);
    int prev = NIL;
    int prevUnits = 0;
    int cur = slotFreeHead[slot];
    while (cur < PAGE_UNITS) {
      long blk = readBlock(slot, cur);
      int avail = blockUnits(blk);
      int next = blockNext(blk);
      long at = base + ((long) cur << 1);
      int delta = (int) ((Bits.alignUp(at + alignOffset, align) - alignOffset - at) >> 1);
      if (avail >= units + delta) {
        if (delta != 0) {
          // split off the units in front of the aligned address; they stay a free block
          writeBlock(base, cur + delta, avail - delta, next);
          writeBlock(base, cur, delta, cur + delta);
          prev = cur;
          prevUnits = delta;
          cur += delta;
          avail -= delta;
        }
        int after;
        if (avail == units) {
          after = next;
        } else {
          after = cur + units;
          writeBlock(base, after, avail - units, next);
        }
        if (prev == NIL) {
          slotFreeHead[slot] = after;
        } else {
          writeBlock(base, prev, prevUnits, after);
        }
        slotFreeUnits[slot] -= units;
        freeUnits -= units;
        if (slotFreeUnits[slot] == 0) {
          unlink(slot);
        }
        return base + ((long) cur << 1);
      }
      prev = cur;
      prevUnits = avail;
      cur = next;
    }
    return NO_BLOCK;
  }

  // ---------------------------------------------------------------- free

  /**
   * Frees the block of {@code bytes} at physical address {@code block}, which the caller knows to
   * be live ({@code slob_free}). A page left wholly free goes back to the page allocator.
   *
   * @return pages given back to the page allocator (0 or 1)
   * @throws BadAddressException when the page's free list is corrupt; nothing changes
   */
  int free(int cpu, long block, int bytes) {
    long pfn = Page.physToPfn(block);
    int slot = slotOf(pfn);
    assert slot != NIL : "free of 0x" + Long.toHexString(block) + " outside the heap";
    long base = Page.pfnToPhys(pfn);
    int b = (int) ((block - base) >> 1);
    int units = units(bytes);
    int pageFree = slotFreeUnits[slot];
    if (pageFree + units == PAGE_UNITS) {
      pageAllocator.freePages(cpu, pfn, 0);
      pagesReturned++;
      if (slotNext[slot] != NIL) {
        unlink(slot);
      }
      freeUnits -= pageFree;
      releaseSlot(slot);
      return 1;
    }
    if (pageFree == 0) {
      // a full page becomes partly free: one block, on the list of the size being freed
      writeBlock(base, b, units, PAGE_UNITS);
      slotFreeHead[slot] = b;
      slotFreeUnits[slot] = units;
      freeUnits += units;
      pushFront(slot, listFor(bytes));
      return 0;
    }
    int head = slotFreeHead[slot];
    if (b < head) {
      int merged = units;
      int after = head;
      if (b + units == head) {
        long hb = readBlock(slot, head);
        merged += blockUnits(hb);
        after = blockNext(hb);
      }
      writeBlock(base, b, merged, after);
      slotFreeHead[slot] = b;
    } else {
      // find the free blocks around b; reads only, so corruption is caught before any write
      int prev = head;
      long pb = readBlock(slot, prev);
      int next = blockNext(pb);
      while (b > next) {
        prev = next;
        pb = readBlock(slot, prev);
        next = blockNext(pb);
      }
      int prevUnits = blockUnits(pb);
      int bUnits = units;
      int bNext = next;
      if (next < PAGE_UNITS && b + units == next) {
        long nb = readBlock(slot, next);
        bUnits += blockUnits(nb);
        bNext = blockNext(nb);
      }
      writeBlock(base, b, bUnits, bNext);
      if (prev + prevUnits == b) {
        writeBlock(base, prev, prevUnits + bUnits, bNext);
      } else {
        writeBlock(base, prev, prevUnits, b);
      }
    }
    slotFreeUnits[slot] += units;
    freeUnits += units;
    return 0;
  }

  // ---------------------------------------------------------------- block encoding

  /*
   * A block read from memory is returned packed in a long so that the walk allocates nothing:
   *
   *   63           32 31            0
   *  +---------------+---------------+
   *  |  units        |  next offset  |
   *  +---------------+---------------+
   */
  private static final int BLOCK_NEXT_BITS = 32;
  private static final long BLOCK_NEXT_MASK = (1L << BLOCK_NEXT_BITS) - 1;

  private static int blockUnits(long blk) {
    return (int) (blk >>> BLOCK_NEXT_BITS);
  }

  private static int blockNext(long blk) {
    return (int) (blk & BLOCK_NEXT_MASK);
  }

  /** Reads and range-checks the free block at unit offset {@code off} of {@code slot}'s page. */
  private long readBlock(int slot, int off) {
    long base = Page.pfnToPhys(slotPfn[slot]);
    int first;
    int second;
    if (off + 1 < PAGE_UNITS) {
      int both = memory.readInt(base + ((long) off << 1)); // units off and off + 1, little-endian
      first = (short) both;
      second = both >> 16;
    } else {
      first = readUnit(base, off);
      second = -1;
    }
    int units;
    int next;
    if (first > 0) {
      units = first;
      next = second;
    } else {
      units = 1;
      next = -first;
    }
    if (off + units > PAGE_UNITS || next < off + units || next > PAGE_UNITS) {
      throw corrupt(slot, off, first, next);
    }
    return ((long) units << BLOCK_NEXT_BITS) | next;
  }

  private BadAddressException corrupt(int slot, int off, int first, int next) {
    long addr = KernelLayout.va(Page.pfnToPhys(slotPfn[slot]) + ((long) off << 1));
    return new BadAddressException(
        addr,
        String.format(
            "SLOB free list of page pfn 0x%x is"
                + " corrupt at byte %d (0x%x): unit value %d, next offset %d; was memory written after"
                + " it was freed?",
            slotPfn[slot], off << 1, addr, first, next));
  }

  private int readUnit(long base, int off) {
    return (short) memory.readShort(base + ((long) off << 1));
  }

  /** Encodes a free block of {@code units} at {@code off} whose successor is at {@code next}. */
  private void writeBlock(long base, int off, int units, int next) {
    long at = base + ((long) off << 1);
    if (units > 1) {
      memory.writeShort(at, units);
      memory.writeShort(at + SLOB_UNIT, next);
    } else {
      memory.writeShort(at, -next);
    }
  }

  // ---------------------------------------------------------------- page lists and slots

  private void pushFront(int slot, int list) {
    int h = listHead[list];
    if (h == NIL) {
      slotNext[slot] = slot;
      slotPrev[slot] = slot;
    } else {
      int tail = slotPrev[h];
      slotNext[tail] = slot;
      slotPrev[slot] = tail;
      slotNext[slot] = h;
      slotPrev[h] = slot;
    }
    listHead[list] = slot;
    listPages[list]++;
    int home = slotList[slot];
    if (home != list) {
      homePages[home]--;
      homePages[list]++;
      slotList[slot] = (byte) list;
    }
  }

  private void unlink(int slot) {
    int list = slotList[slot];
    int n = slotNext[slot];
    int p = slotPrev[slot];
    if (n == slot) {
      listHead[list] = NIL;
    } else {
      slotNext[p] = n;
      slotPrev[n] = p;
      if (listHead[list] == slot) {
        listHead[list] = n;
      }
    }
    slotNext[slot] = NIL;
    slotPrev[slot] = NIL;
    listPages[list]--;
  }

  private int newSlot(long pfn, int list) {
    int slot;
    if (unusedCount > 0) {
      slot = unusedSlots[--unusedCount];
    } else {
      if (slotHigh == slotPfn.length) {
        int n = slotHigh * 2;
        slotPfn = Arrays.copyOf(slotPfn, n);
        slotFreeUnits = Arrays.copyOf(slotFreeUnits, n);
        slotFreeHead = Arrays.copyOf(slotFreeHead, n);
        slotNext = Arrays.copyOf(slotNext, n);
        slotPrev = Arrays.copyOf(slotPrev, n);
        slotList = Arrays.copyOf(slotList, n);
        unusedSlots = Arrays.copyOf(unusedSlots, n);
      }
      slot = slotHigh++;
    }
    slotPfn[slot] = pfn;
    slotNext[slot] = NIL;
    slotPrev[slot] = NIL;
    slotList[slot] = (byte) list;
    homePages[list]++;
    pages++;
    pfnToSlot.put(pfn, slot);
    return slot;
  }

  private void releaseSlot(int slot) {
    pfnToSlot.remove(slotPfn[slot]);
    homePages[slotList[slot]]--;
    pages--;
    slotList[slot] = NIL;
    slotPfn[slot] = -1;
    slotFreeUnits[slot] = 0;
    unusedSlots[unusedCount++] = slot;
  }

  /** Marks every heap page in {@code map}, owned by its list ({@code slob small}). */
  void describeFrames(FrameMap map) {
    for (int slot = 0; slot < slotHigh; slot++) {
      if (slotPfn[slot] >= 0) {
        map.mark(slotPfn[slot], 1, FrameUse.SLAB, "slob " + LIST_NAMES[slotList[slot]]);
      }
    }
  }

  /** The slot of heap page {@code pfn}, or {@link #NIL} when the page is not a heap page. */
  int slotOf(long pfn) {
    return (int) pfnToSlot.get(pfn);
  }

  /** True when physical address {@code phys} lies in a free block of a heap page (slow). */
  boolean inFreeBlock(long phys) {
    int slot = slotOf(Page.physToPfn(phys));
    if (slot == NIL) {
      return false;
    }
    int unit = (int) ((phys & Page.PAGE_OFFSET_MASK) >> 1);
    for (int cur = slotFreeHead[slot]; cur < PAGE_UNITS; ) {
      long blk = readBlock(slot, cur);
      if (unit >= cur && unit < cur + blockUnits(blk)) {
        return true;
      }
      cur = blockNext(blk);
    }
    return false;
  }

  // ---------------------------------------------------------------- counters

  /** Heap pages held. */
  long pages() {
    return pages;
  }

  /** Heap pages whose list (the one they are on or were last on) is {@code list}. */
  long homePages(int list) {
    return homePages[list];
  }

  /** Partly free pages on {@code list}. */
  long listPages(int list) {
    return listPages[list];
  }

  /** Free units over all heap pages. */
  long freeUnits() {
    return freeUnits;
  }

  /** Pages taken from the page allocator since creation. */
  long pagesTaken() {
    return pagesTaken;
  }

  /** Pages given back to the page allocator since creation. */
  long pagesReturned() {
    return pagesReturned;
  }

  /** The PFNs on {@code list} from its head, in list order (for tests and reports; slow). */
  long[] listPfns(int list) {
    long[] out = new long[(int) listPages[list]];
    int h = listHead[list];
    if (h == NIL) {
      return out;
    }
    int i = 0;
    int s = h;
    do {
      out[i++] = slotPfn[s];
      s = slotNext[s];
    } while (s != h && i < out.length);
    return out;
  }

  /** The free units of heap page {@code pfn}; -1 when it is not a heap page. */
  int pageFreeUnits(long pfn) {
    int slot = slotOf(pfn);
    return slot == NIL ? -1 : slotFreeUnits[slot];
  }

  // ---------------------------------------------------------------- invariants

  /**
   * Recomputes everything from the page bytes and the slot arrays. {@code liveStart[i]} (physical)
   * and {@code liveUnits[i]}, for {@code i < n}, are the live heap blocks known to the front end;
   * together with the free blocks they must tile every heap page exactly.
   */
  void checkInvariants(long[] liveStart, int[] liveUnits, int n) {
    pfnToSlot.checkInvariants();
    BitSet[] covered = new BitSet[slotHigh];
    long pagesSeen = 0;
    long freeSeen = 0;
    long[] homeSeen = new long[NR_LISTS];
    for (int s = 0; s < slotHigh; s++) {
      if (slotList[s] == NIL) {
        continue;
      }
      pagesSeen++;
      homeSeen[slotList[s]]++;
      if (slotOf(slotPfn[s]) != s) {
        throw new AssertionError(
            "slot " + s + " pfn " + slotPfn[s] + " maps to slot " + slotOf(slotPfn[s]));
      }
      covered[s] = walkPage(s);
      freeSeen += slotFreeUnits[s];
      boolean onList = slotNext[s] != NIL;
      if (onList != (slotFreeUnits[s] > 0)) {
        throw new AssertionError(
            "page pfn "
                + slotPfn[s]
                + " has "
                + slotFreeUnits[s]
                + " free units but is "
                + (onList ? "" : "not ")
                + "on a list");
      }
      if (slotFreeUnits[s] < 0 || slotFreeUnits[s] >= PAGE_UNITS) {
        throw new AssertionError(
            "page pfn "
                + slotPfn[s]
                + " has "
                + slotFreeUnits[s]
                + " free units (a wholly free page must have been returned)");
      }
    }
    if (pagesSeen != pages || pfnToSlot.size() != pages) {
      throw new AssertionError(
          "pages "
              + pages
              + " but "
              + pagesSeen
              + " slots in use and "
              + pfnToSlot.size()
              + " map entries");
    }
    if (freeSeen != freeUnits) {
      throw new AssertionError("free units " + freeUnits + " but pages hold " + freeSeen);
    }
    if (pages != pagesTaken - pagesReturned) {
      throw new AssertionError(
          "pages " + pages + " but taken " + pagesTaken + " - returned " + pagesReturned);
    }
    for (int list = 0; list < NR_LISTS; list++) {
      if (homeSeen[list] != homePages[list]) {
        throw new AssertionError(
            LIST_NAMES[list]
                + " list: home pages "
                + homePages[list]
                + " but counted "
                + homeSeen[list]);
      }
      checkList(list);
    }
    for (int i = 0; i < n; i++) {
      long pfn = Page.physToPfn(liveStart[i]);
      int s = slotOf(pfn);
      if (s == NIL) {
        throw new AssertionError(
            "live block 0x" + Long.toHexString(liveStart[i]) + " is not in a heap page");
      }
      int off = (int) ((liveStart[i] & Page.PAGE_OFFSET_MASK) >> 1);
      int end = off + liveUnits[i];
      if ((liveStart[i] & 1) != 0 || end > PAGE_UNITS) {
        throw new AssertionError(
            "live block 0x"
                + Long.toHexString(liveStart[i])
                + " of "
                + liveUnits[i]
                + " units leaves its page");
      }
      int clash = covered[s].nextSetBit(off);
      if (clash >= 0 && clash < end) {
        throw new AssertionError(
            "live block 0x"
                + Long.toHexString(liveStart[i])
                + " of "
                + liveUnits[i]
                + " units overlaps a free block or another live block at unit "
                + clash
                + " of page pfn "
                + pfn);
      }
      covered[s].set(off, end);
    }
    for (int s = 0; s < slotHigh; s++) {
      if (slotList[s] != NIL && covered[s].cardinality() != PAGE_UNITS) {
        throw new AssertionError(
            "page pfn "
                + slotPfn[s]
                + ": free and live blocks cover "
                + covered[s].cardinality()
                + " of "
                + PAGE_UNITS
                + " units (free "
                + slotFreeUnits[s]
                + ")");
      }
    }
  }

  /** Walks one page's in-memory free list; returns the units it covers. */
  private BitSet walkPage(int s) {
    BitSet covered = new BitSet(PAGE_UNITS);
    long pfn = slotPfn[s];
    int head = slotFreeHead[s];
    if (slotFreeUnits[s] == 0) {
      if (head != PAGE_UNITS) {
        throw new AssertionError("full page pfn " + pfn + " has free head " + head);
      }
      return covered;
    }
    int sum = 0;
    int prevEnd = -1;
    int blocks = 0;
    for (int cur = head; cur < PAGE_UNITS; ) {
      if (++blocks > PAGE_UNITS) {
        throw new AssertionError("free list of page pfn " + pfn + " does not end");
      }
      long blk;
      try {
        blk = readBlock(s, cur);
      } catch (BadAddressException e) {
        throw new AssertionError(e.getMessage(), e);
      }
      int units = blockUnits(blk);
      if (cur <= prevEnd) {
        throw new AssertionError(
            "page pfn "
                + pfn
                + ": free block at unit "
                + cur
                + (cur == prevEnd ? " touches" : " overlaps")
                + " the previous one ending at "
                + prevEnd
                + " (not coalesced)");
      }
      covered.set(cur, cur + units);
      sum += units;
      prevEnd = cur + units;
      cur = blockNext(blk);
    }
    if (sum != slotFreeUnits[s]) {
      throw new AssertionError(
          "page pfn "
              + pfn
              + ": free list holds "
              + sum
              + " units but the counter says "
              + slotFreeUnits[s]);
    }
    return covered;
  }

  private void checkList(int list) {
    int h = listHead[list];
    long count = 0;
    if (h != NIL) {
      int s = h;
      do {
        if (slotList[s] != list) {
          throw new AssertionError(
              "page pfn "
                  + slotPfn[s]
                  + " is on the "
                  + LIST_NAMES[list]
                  + " list but its home is "
                  + slotList[s]);
        }
        if (slotPrev[slotNext[s]] != s) {
          throw new AssertionError(LIST_NAMES[list] + " list links broken at pfn " + slotPfn[s]);
        }
        if (++count > pages) {
          throw new AssertionError(LIST_NAMES[list] + " list does not close");
        }
        s = slotNext[s];
      } while (s != h);
    }
    if (count != listPages[list]) {
      throw new AssertionError(
          LIST_NAMES[list] + " list holds " + count + " pages, counter " + listPages[list]);
    }
  }
}
