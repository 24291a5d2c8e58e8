package io.mmsim.slab;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.NumaTopology;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.object.BadCacheException;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectConstructor;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.trace.Tracer;

/**
 * One SLAB cache ({@code struct kmem_cache}): a LIFO {@link ArrayCache} per CPU, the slabs, and a
 * {@link KmemCacheNode} per NUMA node holding that node's full, partial and free lists, its
 * counters, its shared array and its alien caches. This class runs the allocation and free paths
 * over them, with the NUMA paths in {@link SlabNuma} and new and destroyed slabs in {@link
 * CacheGrow}; {@link SlabInvariants} recounts it all.
 *
 * <h2>Algorithm</h2>
 *
 * (Bonwick 1994, "The Slab Allocator: An Object-Caching Kernel Memory Allocator"; Linux {@code
 * mm/slab.c}, 6.7 and earlier.)
 *
 * <ul>
 *   <li><b>Allocation</b> pops the CPU's array cache. An empty array is refilled ({@code
 *       cache_alloc_refill}) with up to {@code batchcount} objects (16 when the array was not
 *       touched since the last reap): first from the shared array, else from the first partial
 *       slab, then free slabs, each slab giving objects in freelist order; when no slab has a free
 *       object a new slab is grown from the page allocator.
 *   <li><b>Free</b> pushes onto the CPU's array (another node's object goes to an alien cache). A
 *       full array first flushes its {@code batchcount} oldest objects ({@code cache_flusharray}):
 *       into the shared array when it has room, else back into their slabs ({@code free_block}). A
 *       slab that becomes empty goes to the head of the free list, one that stays partial to the
 *       tail of the partial list; free slabs beyond {@code free_limit = (1 + cpus) * batchcount +
 *       num} free objects are given back to the page allocator at once ({@code free_limit = (1 +
 *       the node's cpus) * batchcount + num} on a machine with several nodes).
 *   <li><b>Growing</b> ({@code cache_grow_begin}/{@code _end}) takes {@code 2^order} pages, picks
 *       the next colour ({@code colour_next} is advanced first, so the first slab of a cache with
 *       several colours starts at offset {@code colour_off}), sets up the freelist (identity
 *       order), runs the constructor on every object and files the slab.
 *   <li><b>Shrink</b> ({@code __kmem_cache_shrink}, {@code drain_cpu_caches}) drains every CPU
 *       array, then every alien cache, then every shared array into the slabs and gives every free
 *       slab back.
 *   <li><b>NUMA</b> (the complexity SLUB was written to shed): a slab belongs to the node of its
 *       pages and sits on that node's lists; a CPU refills only from its own node and grows slabs
 *       there with {@code gfp_exact_node} ({@code __GFP_THISNODE}, no reclaim); alien caches and
 *       {@code fallback_alloc} are in {@link SlabNuma}. {@code free_limit} counts the node's CPUs.
 *       On one node the cache behaves exactly as with a single {@code kmem_cache_node}.
 * </ul>
 *
 * <h2>Object handles</h2>
 *
 * Array caches hold handles instead of addresses, so that taking an object needs no page lookup:
 *
 * <pre>
 *   63                                  8 7          0
 *   +-------------------------------------+------------+
 *   |   slab index in this cache (s)      |  object i  |
 *   +-------------------------------------+------------+
 *   address = sMem[s] + i * size
 * </pre>
 *
 * <h2>Per-slab state (primitive arrays indexed by slab)</h2>
 *
 * {@code slabPfn}, {@code sMem} (first object, colour included), {@code active} (objects taken from
 * the slab: in use or sitting in an array cache), {@code freelist} ({@code num} bytes per slab:
 * entries {@code [active, num)} are the free object indices, taken from {@code active} upwards),
 * {@code inUse} (one bit per object handed to a caller and not yet freed: the double-free check),
 * {@code mgmt} (address of an off-slab freelist's kmalloc object). The list links ({@code
 * slab_list}) are the node's, indexed the same way. The fast paths read only the CPU's array and
 * these arrays, all held by this class.
 *
 * <h2>Invariants (checked by {@link #checkInvariants})</h2>
 *
 * For every slab: {@code active} = objects in use + objects in array caches; a full slab has {@code
 * active == num}, a partial one {@code 0 < active < num}, a free one {@code active == 0}; {@code
 * free_objects} = sum of {@code num - active}; {@code total_slabs} and {@code free_slabs} match the
 * lists; every page of a slab maps to it; no object is in two array caches ({@link
 * SlabInvariants}).
 *
 * <p>The freelist indices are kept in these arrays rather than in the simulated slab bytes; the
 * bytes an on-slab freelist would take are left out of the object area exactly as in the kernel,
 * and an off-slab freelist is a real kmalloc object of this allocator.
 *
 * <p>Not thread-safe: one kernel, one thread; {@code cpu} selects the simulated CPU.
 */
final class SlabCache implements KmemCache {
  static final int IDX_BITS = 8;
  static final int IDX_MASK = (1 << IDX_BITS) - 1;

  /** {@code BATCHREFILL_LIMIT}: refill size of an untouched array. */
  static final int BATCHREFILL_LIMIT = 16;

  /** The GFP bits a slab allocation keeps from the caller ({@code GFP_RECLAIM_MASK}). */
  static final int GFP_RECLAIM_MASK =
      Gfp.RECLAIM
          | Gfp.HIGH
          | Gfp.IO
          | Gfp.FS
          | Gfp.NOWARN
          | Gfp.NOFAIL
          | Gfp.NORETRY
          | Gfp.MEMALLOC
          | Gfp.NOMEMALLOC
          | Gfp.ATOMIC;

  private final SlabAllocator owner;
  final SlabPageMap map;
  private final PhysicalMemory memory;
  private final PageAllocator pages;
  final Tracer trace;
  final int id;
  final String name;
  private final int flags;
  final CacheGeometry g;
  private final ObjectConstructor ctor;
  private final boolean kmalloc;
  final int cpus;

  /** {@code cpus} while the cache lives, 0 once destroyed: one check guards both. */
  private int usableCpus;

  // copies of the geometry for the hot paths
  private final int objectSize;
  private final int size;
  final int num;
  final int order;
  final int words;
  private final long magic;
  private final int pageGfp;

  // tunables (enable_cpucache)
  private final int limit;
  private final int batchcount;
  private final int shared;
  final ArrayCache[] cpuCache;

  /** {@code node[]}: per NUMA node, slab lists, node counters, colour, shared and alien caches. */
  final KmemCacheNode[] nodes;

  /** {@code numa_mem_id()} of each CPU. */
  final int[] cpuNode;

  // slabs (the list links are in their node)
  long[] slabPfn;
  long[] sMem;
  long[] mgmt;
  int[] active;

  /** {@code slab_nid}: the node of each slab's pages, whose lists it is on. */
  byte[] slabNode;

  byte[] freelist;
  long[] inUse;
  int[] spareIds;
  int spareCount;
  int highest;
  int capacity;

  long live;
  private boolean destroyed;

  // counters
  private long refills;
  private long flushes;

  /** The NUMA paths: alien caches and fallback_alloc. */
  final SlabNuma numaPaths;

  /** New slabs and their destruction: cache_grow_begin/end, slab_destroy. */
  final CacheGrow grow;

  SlabCache(
      SlabAllocator owner,
      int id,
      String name,
      int flags,
      CacheGeometry g,
      ObjectConstructor ctor,
      boolean kmalloc) {
    this.owner = owner;
    this.map = owner.pageMap();
    this.memory = owner.memory();
    this.pages = owner.pageAllocator();
    this.trace = owner.trace;
    this.id = id;
    this.name = name;
    this.flags =
        (flags & ~(CacheGeometry.CFLGS_OFF_SLAB | CacheGeometry.CFLGS_OBJFREELIST_SLAB))
            | g.internalFlag();
    this.g = g;
    this.ctor = ctor;
    this.kmalloc = kmalloc;
    this.cpus = owner.cpus();
    this.usableCpus = cpus;
    this.objectSize = g.objectSize;
    this.size = g.size;
    this.num = g.num;
    this.order = g.order;
    this.words = (g.num + 63) >>> 6;
    this.magic = CacheGeometry.magic(g.size);
    int gfp = Gfp.COMP;
    if ((flags & SlabFlags.CACHE_DMA) != 0) {
      gfp |= Gfp.DMA;
    }
    if ((flags & SlabFlags.RECLAIM_ACCOUNT) != 0) {
      gfp |= Gfp.RECLAIMABLE;
    }
    this.pageGfp = gfp;

    this.limit = CacheGeometry.cpuLimit(g.size);
    this.batchcount = CacheGeometry.batchCount(limit);
    this.shared = CacheGeometry.sharedFactor(g.size, cpus);
    this.cpuCache = new ArrayCache[cpus];
    for (int c = 0; c < cpus; c++) {
      cpuCache[c] = new ArrayCache(limit, batchcount);
    }
    this.capacity = 8;
    NumaTopology numa = owner.numa();
    int nrNodes = numa.nodes();
    this.cpuNode = new int[cpus];
    for (int c = 0; c < cpus; c++) {
      cpuNode[c] = numa.cpuNode(c);
    }
    this.nodes = new KmemCacheNode[nrNodes];
    for (int n = 0; n < nrNodes; n++) {
      // init_cache_node: free_limit = (1 + nr_cpus_node) * batchcount + num
      nodes[n] =
          new KmemCacheNode(
              capacity,
              shared == 0 ? null : new ArrayCache(shared * batchcount, 0xbaadf00d),
              (1L + (nrNodes == 1 ? cpus : numa.cpusOn(n))) * batchcount + num,
              SlabNuma.alienCaches(n, nrNodes, limit));
    }
    this.numaPaths = new SlabNuma(this, numa);
    this.slabNode = new byte[capacity];
    this.slabPfn = new long[capacity];
    this.sMem = new long[capacity];
    this.mgmt = new long[capacity];
    this.active = new int[capacity];
    this.freelist = new byte[capacity * num];
    this.inUse = new long[capacity * words];
    this.spareIds = new int[capacity];
    this.highest = KmemCacheNode.FIRST_SLAB;
    this.grow = new CacheGrow(this, owner, pages, ctor, g.size, pageGfp);
  }

  // ------------------------------------------------------------------ KmemCache

  @Override
  public String name() {
    return name;
  }

  @Override
  public int objectSize() {
    return objectSize;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int align() {
    return g.align;
  }

  @Override
  public int flags() {
    return flags;
  }

  @Override
  public long alloc(int cpu, int gfp) {
    long obj = allocate(cpu, gfp);
    if (trace.on()) {
      trace.kmemCacheAlloc(
          cpu, owner.callSite(), obj, name, objectSize, size, gfp, Tracer.NUMA_NO_NODE);
    }
    return obj;
  }

  /** {@code ____cache_alloc}: an object from the CPU's array, refilled when empty; 0 if none. */
  long allocate(int cpu, int gfp) {
    checkCpu(cpu);
    ArrayCache ac = cpuCache[cpu];
    long h;
    int a = ac.avail;
    boolean hit = a > 0;
    if (hit) {
      ac.touched = true;
      h = ac.entry[a - 1];
      ac.avail = a - 1;
    } else {
      h = refill(cpu, ac, gfp);
      if (h < 0 && nodes.length > 1) {
        h = numaPaths.fallbackAlloc(cpu, gfp);
        if (h >= 0) {
          long obj = handOut(h, gfp);
          if (trace.on()) {
            trace.slabAlloc(
                cpu,
                name,
                obj,
                "a slab of node "
                    + slabNode[(int) (h >>> IDX_BITS)]
                    + " (fallback_alloc: the CPU's node had no free object and no free pages)");
          }
          return obj;
        }
      }
      if (h < 0) {
        return 0;
      }
    }
    long obj = handOut(h, gfp);
    if (trace.on()) {
      trace.slabAlloc(
          cpu,
          name,
          obj,
          hit
              ? "the CPU's array cache (hit)"
              : "the CPU's array cache, refilled (from the shared array, the slab lists or a new"
                  + " slab)");
    }
    return obj;
  }

  @Override
  public void free(int cpu, long addr) {
    if (trace.on()) {
      trace.kmemCacheFree(cpu, owner.callSite(), addr, name);
    }
    checkCpu(cpu);
    long e = map.lookup(addr);
    if (SlabPageMap.tag(e) != id + 1) {
      throw owner.notThisCache(this, addr, e);
    }
    release(cpu, handle(addr, SlabPageMap.value(e), "kmem_cache_free"));
  }

  @Override
  public long shrink() {
    checkAlive();
    long before = grow.pagesFreed;
    for (int c = 0; c < cpus; c++) {
      ArrayCache ac = cpuCache[c];
      if (ac.avail > 0) {
        freeBlock(c, cpuNode[c], ac.entry, ac.avail);
        ac.avail = 0;
      }
    }
    // drain_cpu_caches: every alien cache first (into its home's shared array), then the shared
    for (KmemCacheNode n : nodes) {
      if (n.alien != null) {
        for (int home = 0; home < nodes.length; home++) {
          ArrayCache al = n.alien[home];
          if (al != null && al.avail > 0) {
            numaPaths.drainAlien(0, al, home);
          }
        }
      }
    }
    for (int nid = 0; nid < nodes.length; nid++) {
      ArrayCache sh = nodes[nid].shared;
      if (sh != null && sh.avail > 0) {
        freeBlock(0, nid, sh.entry, sh.avail);
        sh.avail = 0;
      }
    }
    for (int nid = 0; nid < nodes.length; nid++) {
      drainFreelist(0, nid, Long.MAX_VALUE);
    }
    return grow.pagesFreed - before;
  }

  @Override
  public void destroy() {
    checkAlive();
    if (kmalloc) {
      throw new BadCacheException(
          name,
          "kmem_cache_destroy("
              + name
              + "): a kmalloc cache is the allocator's own and is never destroyed");
    }
    if (live > 0) {
      long first = firstLiveObject();
      throw new BadAddressException(
          first,
          "kmem_cache_destroy "
              + name
              + ": Slab cache still has objects when called from "
              + owner.caller()
              + " ("
              + live
              + (live == 1 ? " object" : " objects")
              + " in use, the first at "
              + hex(first)
              + ")");
    }
    shrink();
    if (slabCount() != 0) {
      throw new AssertionError(
          name + ": " + slabCount() + " slabs left after draining an empty" + " cache");
    }
    destroyed = true;
    usableCpus = 0;
    owner.unregister(this);
  }

  @Override
  public SlabInfo info() {
    long total = slabCount();
    long freeSlabs = 0;
    for (KmemCacheNode n : nodes) {
      freeSlabs += n.freeSlabs;
    }
    long numObjs = total * num;
    return new SlabInfo(
        name,
        numObjs - freeObjects(),
        numObjs,
        size,
        num,
        1 << order,
        limit,
        batchcount,
        shared,
        total - freeSlabs,
        total,
        sharedAvail());
  }

  @Override
  public String toString() {
    return name
        + " ("
        + g
        + ", limit "
        + limit
        + ", batchcount "
        + batchcount
        + ", shared "
        + shared
        + ")";
  }

  // ------------------------------------------------------------------ accessors for the allocator

  int id() {
    return id;
  }

  /** The machine's NUMA nodes (for the invariants). */
  NumaTopology ownerNuma() {
    return owner.numa();
  }

  CacheGeometry geometry() {
    return g;
  }

  boolean isKmalloc() {
    return kmalloc;
  }

  boolean isDestroyed() {
    return destroyed;
  }

  int limit() {
    return limit;
  }

  int batchcount() {
    return batchcount;
  }

  int sharedFactor() {
    return shared;
  }

  /** Objects in {@code cpu}'s array cache (for tests). */
  int cpuAvail(int cpu) {
    return cpuCache[cpu].avail;
  }

  /** Addresses in {@code cpu}'s array cache, bottom first (for tests). */
  long[] cpuArray(int cpu) {
    ArrayCache ac = cpuCache[cpu];
    long[] out = new long[ac.avail];
    for (int i = 0; i < ac.avail; i++) {
      out[i] = address(ac.entry[i]);
    }
    return out;
  }

  /** Objects in the shared arrays of every node. */
  int sharedAvail() {
    int t = 0;
    for (KmemCacheNode n : nodes) {
      t += n.shared == null ? 0 : n.shared.avail;
    }
    return t;
  }

  /** Objects in node {@code nid}'s shared array. */
  int sharedAvail(int nid) {
    ArrayCache sh = nodes[nid].shared;
    return sh == null ? 0 : sh.avail;
  }

  /** Free objects in slabs ({@code free_objects}), every node. */
  long freeObjects() {
    long t = 0;
    for (KmemCacheNode n : nodes) {
      t += n.freeObjects;
    }
    return t;
  }

  /** Free objects in node {@code nid}'s slabs. */
  long freeObjects(int nid) {
    return nodes[nid].freeObjects;
  }

  /** {@code free_limit} of node 0. */
  long freeLimit() {
    return nodes[0].freeLimit;
  }

  /** {@code free_limit} of node {@code nid}. */
  long freeLimit(int nid) {
    return nodes[nid].freeLimit;
  }

  /** Slabs of node {@code nid} ({@code total_slabs} of its kmem_cache_node). */
  long slabCount(int nid) {
    return nodes[nid].totalSlabs;
  }

  /** Objects handed to callers and not freed. */
  long liveObjects() {
    return live;
  }

  /** Slabs on {@code list} (a {@link KmemCacheNode} list head) of every node. */
  int listLength(int list) {
    int t = 0;
    for (KmemCacheNode n : nodes) {
      t += n.listLength(list);
    }
    return t;
  }

  /** First objects' addresses of the slabs on {@code list}, node by node in list order. */
  long[] listSMem(int list) {
    long[] out = new long[listLength(list)];
    int i = 0;
    for (KmemCacheNode n : nodes) {
      for (int s = n.next[list]; s != list; s = n.next[s]) {
        out[i++] = sMem[s];
      }
    }
    return out;
  }

  /** Pages held by slabs. */
  long pagesHeld() {
    return slabCount() << order;
  }

  long slabCount() {
    long t = 0;
    for (KmemCacheNode n : nodes) {
      t += n.totalSlabs;
    }
    return t;
  }

  long refills() {
    return refills;
  }

  long flushes() {
    return flushes;
  }

  long grown() {
    return grow.grown;
  }

  long slabsFreed() {
    return grow.slabsFreed;
  }

  long growFailures() {
    return grow.growFailures;
  }

  // ------------------------------------------------------------------ free path pieces

  /**
   * Validates that {@code addr}, which lies in slab {@code s} of this cache, is the start of an
   * object handed out and not yet freed; returns its handle. Changes nothing.
   */
  long handle(long addr, int s, String func) {
    long off = addr - sMem[s];
    int idx = CacheGeometry.objectIndex(off, magic, num);
    if (idx < 0) {
      throw invalidPointer(addr, s, off, func);
    }
    if ((inUse[s * words + (idx >>> 6)] & (1L << idx)) == 0) {
      throw doubleFree(addr, func);
    }
    return ((long) s << IDX_BITS) | idx;
  }

  private BadAddressException doubleFree(long addr, String func) {
    if (func.equals("ksize")) {
      return new BadAddressException(
          addr,
          "ksize: object " + hex(addr) + " in cache '" + name + "' is free (Object already free)");
    }
    return new BadAddressException(
        addr,
        func
            + ": double free detected in cache '"
            + name
            + "', objp "
            + hex(addr)
            + " (Object already free)");
  }

  /** Frees the object {@code h} (validated by {@link #handle}) into {@code cpu}'s array. */
  void release(int cpu, long h) {
    int s = (int) (h >>> IDX_BITS);
    int idx = (int) h & IDX_MASK;
    inUse[s * words + (idx >>> 6)] &= ~(1L << idx);
    live--;
    if (nodes.length > 1 && slabNode[s] != cpuNode[cpu]) {
      numaPaths.cacheFreeAlien(cpu, h, slabNode[s]);
      return;
    }
    ArrayCache ac = cpuCache[cpu];
    if (trace.on()) {
      trace.slabFree(
          cpu,
          name,
          address(h),
          ac.avail >= ac.limit
              ? "the CPU's array cache, after a batch of it went back (it was full)"
              : "the CPU's array cache");
    }
    if (ac.avail >= ac.limit) {
      flushArray(cpu, ac);
    }
    ac.entry[ac.avail++] = h;
  }

  /** The usable size of an object ({@code ksize}: SLAB reports {@code object_size}). */
  int usableSize() {
    return objectSize;
  }

  // ------------------------------------------------------------------ internals

  private long handOut(long h, int gfp) {
    int s = (int) (h >>> IDX_BITS);
    int idx = (int) h & IDX_MASK;
    int w = s * words + (idx >>> 6);
    assert (inUse[w] & (1L << idx)) == 0
        : name + ": object " + idx + " of slab " + s + " handed out twice";
    inUse[w] |= 1L << idx;
    live++;
    long addr = sMem[s] + (long) idx * size;
    if ((gfp & Gfp.ZERO) != 0) {
      memory.fill(KernelLayout.pa(addr), objectSize, (byte) 0);
    }
    return addr;
  }

  long address(long h) {
    return sMem[(int) (h >>> IDX_BITS)] + (long) ((int) h & IDX_MASK) * size;
  }

  /** {@code cache_alloc_refill}: returns a handle, or -1 when no memory could be had. */
  private long refill(int cpu, ArrayCache ac, int gfp) {
    refills++;
    int batch = ac.batchcount;
    if (!ac.touched && batch > BATCHREFILL_LIMIT) {
      batch = BATCHREFILL_LIMIT;
    }
    KmemCacheNode node = nodes[cpuNode[cpu]];
    ArrayCache sh = node.shared;
    if (node.freeObjects != 0 || (sh != null && sh.avail != 0)) {
      if (sh != null && ac.transferFrom(sh, batch) > 0) {
        sh.touched = true;
      } else {
        while (batch > 0) {
          int s = node.firstSlab();
          if (s < 0) {
            break;
          }
          batch = allocBlock(ac, s, batch);
          fixupSlabList(s);
        }
        node.freeObjects -= ac.avail;
      }
    }
    if (ac.avail == 0) {
      // several nodes: gfp_exact_node, the CPU's node alone and no reclaim
      int s = grow.growBegin(cpu, gfp, nodes.length > 1);
      if (s >= 0) {
        allocBlock(ac, s, batch);
        grow.growEnd(s);
      }
      if (ac.avail == 0) {
        return -1;
      }
    }
    ac.touched = true;
    return ac.entry[--ac.avail];
  }

  /** {@code alloc_block}: moves objects of slab {@code s} into {@code ac}; returns batch left. */
  private int allocBlock(ArrayCache ac, int s, int batch) {
    int base = s * num;
    long tag = (long) s << IDX_BITS;
    int a = active[s];
    while (a < num && batch > 0) {
      batch--;
      ac.entry[ac.avail++] = tag | (freelist[base + a] & 0xff);
      a++;
    }
    active[s] = a;
    return batch;
  }

  /** {@code fixup_slab_list}: files a slab by its fill after objects were taken from it. */
  void fixupSlabList(int s) {
    KmemCacheNode node = nodes[slabNode[s]];
    node.unlink(s);
    node.linkHead(active[s] == num ? KmemCacheNode.ON_FULL : KmemCacheNode.ON_PARTIAL, s);
  }

  /**
   * {@code free_block}: returns {@code n} objects of node {@code nid} from the bottom of {@code
   * objs} to their slabs, then gives back the node's free slabs beyond {@code free_limit}.
   */
  void freeBlock(int cpu, int nid, long[] objs, int n) {
    KmemCacheNode node = nodes[nid];
    node.freeObjects += n;
    for (int i = 0; i < n; i++) {
      long h = objs[i];
      int s = (int) (h >>> IDX_BITS);
      node.unlink(s);
      int a = --active[s];
      freelist[s * num + a] = (byte) h;
      if (a == 0) {
        node.linkHead(KmemCacheNode.ON_FREE, s);
        node.freeSlabs++;
      } else {
        node.linkTail(KmemCacheNode.ON_PARTIAL, s);
      }
    }
    while (node.freeObjects > node.freeLimit && node.hasFreeSlab()) {
      node.freeObjects -= num;
      int s = node.lastFreeSlab();
      node.unlink(s);
      node.freeSlabs--;
      node.totalSlabs--;
      grow.destroySlab(cpu, s);
    }
  }

  /** {@code cache_flusharray}: makes room in a full array. */
  private void flushArray(int cpu, ArrayCache ac) {
    flushes++;
    int bc = ac.batchcount;
    int nid = cpuNode[cpu];
    ArrayCache sh = nodes[nid].shared;
    int room = sh == null ? 0 : sh.limit - sh.avail;
    if (room > 0) {
      bc = Math.min(bc, room);
      System.arraycopy(ac.entry, 0, sh.entry, sh.avail, bc);
      sh.avail += bc;
    } else {
      freeBlock(cpu, nid, ac.entry, bc);
    }
    ac.dropBottom(bc);
  }

  /** {@code drain_freelist}: gives back up to {@code tofree} of node {@code nid}'s free slabs. */
  private void drainFreelist(int cpu, int nid, long tofree) {
    KmemCacheNode node = nodes[nid];
    long nr = 0;
    while (nr < tofree && node.hasFreeSlab()) {
      int s = node.lastFreeSlab();
      node.unlink(s);
      node.freeSlabs--;
      node.totalSlabs--;
      node.freeObjects -= num;
      grow.destroySlab(cpu, s);
      nr++;
    }
  }

  private long firstLiveObject() {
    for (int s = KmemCacheNode.FIRST_SLAB; s < highest; s++) {
      if (nodes[slabNode[s]].listOf[s] == KmemCacheNode.UNUSED) {
        continue;
      }
      for (int i = 0; i < num; i++) {
        if ((inUse[s * words + (i >>> 6)] & (1L << i)) != 0) {
          return sMem[s] + (long) i * size;
        }
      }
    }
    return 0;
  }

  private BadAddressException invalidPointer(long addr, int s, long off, String func) {
    String where;
    if (off < 0) {
      where = (-off) + " bytes before the first object of its slab (colour area)";
    } else if (off >= (long) num * size) {
      where =
          "past the last object of its slab (offset "
              + off
              + ", "
              + num
              + " objects of "
              + size
              + " bytes)";
    } else {
      where = "offset " + (off % size) + " into object " + (off / size) + " of its slab";
    }
    return new BadAddressException(
        addr,
        func
            + ": Invalid object pointer "
            + hex(addr)
            + " in cache "
            + name
            + ": "
            + where
            + " at "
            + hex(sMem[s]));
  }

  /** Checks the CPU number and that the cache still exists. */
  private void checkCpu(int cpu) {
    if (cpu < 0 || cpu >= usableCpus) {
      throw badCpu(cpu);
    }
  }

  private RuntimeException badCpu(int cpu) {
    if (destroyed) {
      return destroyedError();
    }
    return new IllegalArgumentException("cpu " + cpu + " is outside [0, " + cpus + ")");
  }

  private void checkAlive() {
    if (destroyed) {
      throw destroyedError();
    }
  }

  private BadCacheException destroyedError() {
    return new BadCacheException(name, "kmem cache " + name + " has been destroyed");
  }

  static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }

  /**
   * Recounts everything from the slabs, lists, arrays and page map; throws on a mismatch.
   *
   * @param mappedPages pages the page map attributes to this cache
   */
  void checkInvariants(long mappedPages) {
    SlabInvariants.check(this, mappedPages);
  }
}
