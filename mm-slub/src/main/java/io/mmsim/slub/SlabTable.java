package io.mmsim.slub;

import java.util.Arrays;

import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Memmap;
import io.mmsim.api.mem.Page;
import io.mmsim.api.util.IntList;

/**
 * The {@code struct slab} of every slab of one allocator, as parallel primitive arrays indexed by a
 * slab id, plus the page-to-slab map that {@code virt_to_slab} reads.
 *
 * <h2>Layout</h2>
 *
 * Slab ids start at 1; 0 is "no slab" (the kernel's NULL). A freed id goes on a free-id stack and
 * is reused. Per id:
 *
 * <pre>
 *   base      long   direct-map address of the slab's first byte (slab_address)
 *   span      long   bytes of the slab (PAGE_SIZE &lt;&lt; order)
 *   order     byte   page order of the slab
 *   objects   int    objects the slab holds (slab-&gt;objects)
 *   inuse     int    objects handed out and not freed (exactly: bits set in allocBits)
 *   freelist  long   the slab's own freelist head, 0 = empty (slab-&gt;freelist)
 *   state     byte   where the slab is: CPU, CPU_PARTIAL, NODE_PARTIAL, FULL, FULL_TRACKED
 *   cpu       int    the CPU of a CPU or CPU_PARTIAL slab
 *   next/prev int    links of the node partial list or the full list (debug), IntList lists
 *                    whose heads are ids in state LIST_HEAD; or of the CPU partial list (next
 *                    only, 0-terminated)
 *   allocBits long[] one bit per object, set while the object is allocated
 *   cache     SlubCache  the owning cache (slab-&gt;slab_cache)
 * </pre>
 *
 * <h2>Page map</h2>
 *
 * {@code owner[pfn]}, the first of the machine's per-frame words ({@link Memmap#word0()}, where the
 * kernel keeps {@code slab} in struct page), for every frame SLUB holds:
 *
 * <pre>
 *   owner  &gt; 0          frame belongs to slab id owner (every frame of a multi-page slab)
 *   owner in [-11, -1]  first frame of a large kmalloc block of order -owner - 1
 *   owner == LARGE_TAIL another frame of a large kmalloc block
 * </pre>
 *
 * The word is SLUB's only while SLUB holds the frame: the page allocator keeps its free-list links
 * there and the process side its reverse-map key. So a value read for an address that may not be
 * ours is checked before it is believed ({@link #ownerOf}): a positive one must name a live slab
 * that spans the frame (the kernel's PageSlab test); the negative marks are written by SLUB alone.
 * SLUB clears the words of its frames before it gives them back. Not thread-safe.
 */
final class SlabTable {
  static final byte STATE_UNUSED = 0;

  /** The current slab of a CPU (frozen: only that CPU allocates from it). */
  static final byte STATE_CPU = 1;

  /** On a CPU's partial list. */
  static final byte STATE_CPU_PARTIAL = 2;

  /** On the node's partial list. */
  static final byte STATE_NODE_PARTIAL = 3;

  /** Every object allocated, on no list (the kernel does not track full slabs). */
  static final byte STATE_FULL = 4;

  /** Every object allocated, on the node's full list (debug caches with SLAB_STORE_USER). */
  static final byte STATE_FULL_TRACKED = 5;

  /** Not a slab: the sentinel head of a cache's node partial or full list (see IntList). */
  static final byte STATE_LIST_HEAD = 6;

  static final int LARGE_TAIL = -100;

  private static final String[] STATE_NAMES = {
    "unused", "cpu", "cpu-partial", "node-partial", "full", "full-tracked", "list-head"
  };

  final int[] owner;
  final long memoryBytes;

  long[] base = new long[64];
  long[] span = new long[64];
  byte[] order = new byte[64];
  int[] objects = new int[64];
  int[] inuse = new int[64];
  long[] freelist = new long[64];
  byte[] state = new byte[64];
  int[] cpu = new int[64];
  int[] next = new int[64];
  int[] prev = new int[64];
  long[][] allocBits = new long[64][];
  SlubCache[] cache = new SlubCache[64];

  private int[] freeIds = new int[64];
  private int freeIdCount;
  private int highestId;
  private int live;

  /** The second word of every frame: SLUB leaves it 0 on its frames. */
  final int[] word1;

  /** Number of frames of the machine (the owner array may be longer). */
  final int frames;

  SlabTable(Memmap memmap) {
    this.owner = memmap.word0();
    this.word1 = memmap.word1();
    this.frames = memmap.frames();
    this.memoryBytes = (long) frames << Page.PAGE_SHIFT;
  }

  /**
   * What SLUB keeps in the word of frame {@code pfn} (a frame of the machine): a live slab's id, a
   * large kmalloc mark, or 0 when the frame is not SLUB's and its word belongs to someone else.
   */
  int ownerOf(int pfn) {
    int o = owner[pfn];
    if (o > 0) {
      return o < cache.length
              && cache[o] != null
              && Integer.compareUnsigned(pfn - firstPfn(o), 1 << order[o]) < 0
          ? o
          : 0;
    }
    return o == LARGE_TAIL || o >= -(Page.MAX_PAGE_ORDER + 1) ? o : 0;
  }

  private int firstPfn(int id) {
    return (int) ((base[id] - KernelLayout.PAGE_OFFSET) >>> Page.PAGE_SHIFT);
  }

  /** Number of live slabs. */
  int liveSlabs() {
    return live;
  }

  /** One past the highest id ever handed out (ids below it may be live). */
  int idLimit() {
    return highestId + 1;
  }

  /**
   * Registers a new slab of {@code objects} objects at {@code pfn} for {@code owner}, maps its
   * frames and returns its id.
   */
  int add(SlubCache c, long pfn, int slabOrder, int nrObjects) {
    int id = newId();
    base[id] = KernelLayout.va(Page.pfnToPhys(pfn));
    span[id] = (long) Page.PAGE_SIZE << slabOrder;
    order[id] = (byte) slabOrder;
    objects[id] = nrObjects;
    inuse[id] = 0;
    freelist[id] = 0;
    state[id] = STATE_UNUSED;
    cpu[id] = -1;
    next[id] = 0;
    prev[id] = 0;
    int words = (nrObjects + 63) >>> 6;
    long[] bits = allocBits[id];
    if (bits == null || bits.length < words) {
      allocBits[id] = new long[words];
    } else {
      Arrays.fill(bits, 0L);
    }
    cache[id] = c;
    int p = (int) pfn;
    Arrays.fill(owner, p, p + (1 << slabOrder), id);
    live++;
    return id;
  }

  /**
   * An id that heads an empty list ({@code next[id] == prev[id] == id}): a cache's node partial or
   * full list threads its slabs through next/prev from it. It owns no frame and no cache, so no
   * walk over slabs sees it.
   */
  int addListHead() {
    int id = newId();
    base[id] = 0;
    span[id] = 0;
    order[id] = 0;
    objects[id] = 0;
    inuse[id] = 0;
    freelist[id] = 0;
    state[id] = STATE_LIST_HEAD;
    cpu[id] = -1;
    cache[id] = null;
    IntList.init(next, prev, id);
    return id;
  }

  /** Gives back a list head whose list is empty. */
  void removeListHead(int id) {
    assert state[id] == STATE_LIST_HEAD && IntList.isEmpty(next, id) : "list head " + id;
    state[id] = STATE_UNUSED;
    freeId(id);
  }

  private int newId() {
    if (freeIdCount > 0) {
      return freeIds[--freeIdCount];
    }
    int id = ++highestId;
    if (id >= base.length) {
      grow(base.length * 2);
    }
    return id;
  }

  private void freeId(int id) {
    if (freeIdCount == freeIds.length) {
      freeIds = Arrays.copyOf(freeIds, freeIds.length * 2);
    }
    freeIds[freeIdCount++] = id;
  }

  /** Forgets slab {@code id} and unmaps its frames; returns its first PFN. */
  long remove(int id) {
    long pfn = Page.physToPfn(KernelLayout.pa(base[id]));
    int p = (int) pfn;
    Arrays.fill(owner, p, p + (1 << order[id]), 0);
    cache[id] = null;
    state[id] = STATE_UNUSED;
    freeId(id);
    live--;
    return pfn;
  }

  /** True when {@code id} names a live slab. */
  boolean isLive(int id) {
    return id > 0 && id <= highestId && cache[id] != null;
  }

  /** First PFN of slab {@code id}. */
  long pfn(int id) {
    return Page.physToPfn(KernelLayout.pa(base[id]));
  }

  /**
   * Marks the frames of every live slab ({@code SLAB}, owned by its cache) and of every large
   * kmalloc block in {@code map}.
   */
  void describeFrames(FrameMap map) {
    for (int id = 1; id <= highestId; id++) {
      if (cache[id] != null) {
        map.markBlock(pfn(id), order[id], FrameUse.SLAB, cache[id].name);
      }
    }
    for (int p = 0; p < frames; p++) {
      int o = ownerOf(p);
      if (o < 0 && o != LARGE_TAIL) {
        map.markBlock(p, -o - 1, FrameUse.KMALLOC_LARGE, "kmalloc (large)");
      }
    }
  }

  static String stateName(byte s) {
    return STATE_NAMES[s];
  }

  /** Whether the object with index {@code idx} of slab {@code id} is allocated. */
  boolean isAllocated(int id, int idx) {
    return (allocBits[id][idx >>> 6] & (1L << idx)) != 0;
  }

  private void grow(int n) {
    base = Arrays.copyOf(base, n);
    span = Arrays.copyOf(span, n);
    order = Arrays.copyOf(order, n);
    objects = Arrays.copyOf(objects, n);
    inuse = Arrays.copyOf(inuse, n);
    freelist = Arrays.copyOf(freelist, n);
    state = Arrays.copyOf(state, n);
    cpu = Arrays.copyOf(cpu, n);
    next = Arrays.copyOf(next, n);
    prev = Arrays.copyOf(prev, n);
    allocBits = Arrays.copyOf(allocBits, n);
    cache = Arrays.copyOf(cache, n);
  }
}
