package io.mmsim.slub;

import java.util.List;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.object.BadCacheException;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectConstructor;
import io.mmsim.api.object.SlabBugException;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.trace.Tracer;

/**
 * One SLUB cache ({@code struct kmem_cache}), modelled on {@code mm/slub.c} with per-CPU slabs as
 * in Linux 6.17 and before (not the 6.18 "sheaves"). This class runs the per-CPU fast paths and the
 * slow paths; its {@link KmemCacheCpu} per CPU and its {@link KmemCacheNode} hold the lists, {@link
 * SlubDebug} the debug caches' paths, checks and reports, {@link SlubFlush} the return of a CPU's
 * slabs to the node, {@link SlubInvariants} the full check.
 *
 * <h2>Algorithm</h2>
 *
 * <ul>
 *   <li><b>Free objects are threaded through themselves.</b> A free object holds the address of the
 *       next free object of its slab at {@code offset} in its own bytes (simulated memory), 0
 *       ending the list. There are two kinds of list: the CPU freelist of a CPU's current slab, and
 *       each slab's own freelist (objects freed by other CPUs, or all free objects of a slab not in
 *       use by a CPU).
 *   <li><b>Fast path</b> ({@code slab_alloc_node}, {@code do_slab_free}). {@link #alloc} pops the
 *       head of the CPU freelist (reading the next pointer from the object); {@link #free} of an
 *       object of the CPU's current slab pushes it (writing the pointer). No allocation, no map, no
 *       boxing. The fields these paths read live in this class and in {@link KmemCacheCpu}.
 *   <li><b>Slow path</b> ({@code ___slab_alloc}): take the current slab's remote frees; else the
 *       slab is full and leaves the CPU untracked; take a slab from the CPU partial list; else from
 *       the local node's partial list, or another node's by distance holding more than {@code
 *       min_partial} ({@code get_any_partial}), moving up to half the CPU partial limit more onto
 *       the CPU partial list; else a new slab from the page allocator (preferred order, then the
 *       minimum order), on the CPU's node when it has room. A slab belongs to the node of its
 *       pages: frees put it back on that node's lists, whichever CPU frees.
 *   <li><b>Frees to other slabs</b> ({@code __slab_free}): a CPU's frozen slab just gains a free
 *       object; a full slab goes to the freeing CPU's partial list (draining that list to the node
 *       when it holds {@code cpu_partial_slabs}); a node-partial slab that becomes empty is freed
 *       when the node already holds {@code min_partial} slabs.
 *   <li><b>Debug caches</b> (any of F, Z, P, U, T) have no per-CPU slabs: their allocations and
 *       frees leave the fast path at once for {@link SlubDebug}.
 *   <li><b>Misuse</b> is detected before any change: a pointer that is not an object boundary of a
 *       slab of this cache, a double free (a per-object allocated bit, cheaper than the kernel's
 *       freelist walk and exact), a free into the wrong cache, a corrupt free pointer met while
 *       allocating. Each throws {@link SlabBugException} with the kernel's report.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * For every slab: allocated bits = {@code inuse}; free objects on its freelists (the CPU freelist
 * too if it is a CPU slab) = objects - inuse, each at an object boundary with its bit clear; the
 * slab is on exactly the list its state names. Node counters (slabs, objects, pages, nr_partial)
 * equal what the lists hold. {@link #checkInvariants} recomputes all of it.
 *
 * <p>Not thread-safe: one simulated kernel, one Java thread; {@code cpu} selects per-CPU state.
 */
final class SlubCache implements KmemCache {
  /** {@code MIN_PARTIAL} and {@code MAX_PARTIAL}. */
  private static final int MIN_PARTIAL = 5;

  private static final int MAX_PARTIAL = 10;

  /** Where the fast paths take and put objects, as the trace names it. */
  private static final String ALLOC_FAST = "the CPU freelist (fast path)";

  private static final String FREE_FAST = "the CPU freelist (fast path)";

  final SlubAllocator allocator;
  private final SlabTable table;

  private final PhysicalMemory memory;
  private final Tracer trace;
  private final PageAllocator pages;
  final String name;
  final SlubLayout layout;
  final int flags;
  final ObjectConstructor ctor;
  final boolean kmalloc;
  final boolean debug;
  private final int size;
  private final int offset;
  private final int redLeftPad;
  private final long recip;
  private final int cacheGfp;
  final int minPartial;
  final int cpuPartialObjects;
  final int cpuPartialSlabs;
  private final int nrCpus;

  /** The object size; grows when a larger compatible cache merges in. */
  int objectSize;

  /** Caches merged into this one, itself included ({@code refcount}). */
  int refcount = 1;

  boolean destroyed;

  /** The sysfs directory id of a mergeable cache ({@code :0000064}), or null. */
  final String uniqueId;

  /** {@code cpu_slab}: one {@link KmemCacheCpu} per CPU. */
  final KmemCacheCpu[] cpus;

  /**
   * {@code node[]}: per NUMA node, the node partial list, the full list and the slab counters. A
   * slab belongs to the node its pages came from ({@code slab_nid}).
   */
  final KmemCacheNode[] nodes;

  /** Debug caches' paths, the checks and the reports. */
  final SlubDebug slubDebug;

  /** How the slabs a CPU holds go back to the node lists. */
  final SlubFlush flush;

  // ---------------------------------------------------------------- statistics (slub_def.h)
  // (the fast-path counters are per CPU, in KmemCacheCpu, as the kernel keeps them all)
  long allocSlowpath;
  long freeSlowpath;
  long freeFrozen;

  /** Partial slabs taken from another node's lists ({@code get_any_partial}). */
  long remotePartial;

  long freeAddPartial;
  long freeRemovePartial;
  long allocFromPartial;
  long allocSlab;
  long allocRefill;
  long freeSlab;
  long cpuslabFlush;
  long deactivateFull;
  long deactivateEmpty;
  long orderFallback;
  long cpuPartialAlloc;
  long cpuPartialFree;
  long cpuPartialNode;
  long cpuPartialDrain;

  SlubCache(
      SlubAllocator allocator,
      String name,
      SlubLayout layout,
      ObjectConstructor ctor,
      boolean kmalloc,
      String uniqueId) {
    this.allocator = allocator;
    this.table = allocator.table;
    this.memory = allocator.memory;
    this.trace = allocator.trace;
    this.pages = allocator.pages;
    this.name = name;
    this.layout = layout;
    this.flags = layout.flags;
    this.ctor = ctor;
    this.kmalloc = kmalloc;
    this.uniqueId = uniqueId;
    this.objectSize = layout.objectSize;
    this.debug = (flags & SlabFlags.DEBUG_FLAGS) != 0;
    this.size = layout.size;
    this.offset = layout.offset;
    this.redLeftPad = layout.redLeftPad;
    // ceil(2^32 / size): exact object indices for every object boundary of slabs up to 4 MiB
    this.recip = ((1L << 32) + size - 1) / size;
    int g = 0;
    if ((flags & SlabFlags.CACHE_DMA) != 0) {
      g |= Gfp.DMA;
    }
    if ((flags & SlabFlags.RECLAIM_ACCOUNT) != 0) {
      g |= Gfp.RECLAIMABLE;
    }
    this.cacheGfp = g;
    this.minPartial = Math.max(MIN_PARTIAL, Math.min(MAX_PARTIAL, log2(size) / 2));
    int cpuPartialObjs;
    if (debug) {
      cpuPartialObjs = 0;
    } else if (size >= Page.PAGE_SIZE) {
      cpuPartialObjs = 6;
    } else if (size >= 1024) {
      cpuPartialObjs = 24;
    } else if (size >= 256) {
      cpuPartialObjs = 52;
    } else {
      cpuPartialObjs = 120;
    }
    this.cpuPartialObjects = cpuPartialObjs;
    this.cpuPartialSlabs = (cpuPartialObjs * 2 + layout.objects - 1) / layout.objects;
    this.nrCpus = allocator.nrCpus;
    this.cpus = new KmemCacheCpu[nrCpus];
    for (int cpu = 0; cpu < nrCpus; cpu++) {
      cpus[cpu] = new KmemCacheCpu();
    }
    this.nodes = new KmemCacheNode[allocator.nrNodes];
    for (int n = 0; n < nodes.length; n++) {
      nodes[n] = new KmemCacheNode(this, table, (flags & SlabFlags.STORE_USER) != 0);
    }
    // last: they copy the fields above
    this.slubDebug = new SlubDebug(this);
    this.flush = new SlubFlush(this);
  }

  /** {@code get_node(s, slab_nid(slab))}: the node lists {@code slab} belongs on. */
  KmemCacheNode nodeOf(int slab) {
    return nodes.length == 1 ? nodes[0] : nodes[allocator.nodeOfPfn(table.pfn(slab))];
  }

  /**
   * {@code get_partial} for a request on {@code cpu}: the local node's lists when they hold a
   * partial slab, else ({@code get_any_partial}) the first other node, by distance, holding more
   * than {@code min_partial} partial slabs; null when none will give one. The kernel skips the
   * remote search at random ({@code remote_node_defrag_ratio}, 98 % of searches go ahead by
   * default); mmsim always searches, so that runs stay deterministic.
   */
  KmemCacheNode partialNode(int cpu) {
    if (nodes.length == 1) {
      return nodes[0].hasPartial() ? nodes[0] : null;
    }
    int local = allocator.cpuNode(cpu);
    if (nodes[local].hasPartial()) {
      return nodes[local];
    }
    for (int n : allocator.nodeOrder[local]) {
      if (n != local && nodes[n].nrPartial > minPartial) {
        remotePartial++;
        return nodes[n];
      }
    }
    return null;
  }

  private static int log2(int v) {
    return 31 - Integer.numberOfLeadingZeros(v);
  }

  // ================================================================ KmemCache

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
    return layout.align;
  }

  @Override
  public int flags() {
    return flags;
  }

  // With tracing off, kmem_cache_alloc and kmem_cache_free look at the tracer once, first (the
  // static Tracer.anyOn, one load, then the kernel's own tracer), and take paths without
  // tracepoints; the traced twins do the same work and report it. (Four trace.on() checks spread
  // over the fast paths made the pair about 12 % slower, one per call still about 5 %.)

  @Override
  public long alloc(int cpu, int gfp) {
    if (Tracer.anyOn() && trace.on()) {
      return allocTraced(cpu, gfp);
    }
    return allocate(cpu, gfp, objectSize);
  }

  private long allocTraced(int cpu, int gfp) {
    long obj = allocateTraced(cpu, gfp, objectSize);
    trace.kmemCacheAlloc(
        cpu, allocator.callSite(), obj, name, objectSize, size, gfp, Tracer.NUMA_NO_NODE);
    return obj;
  }

  @Override
  public void free(int cpu, long addr) {
    if (Tracer.anyOn() && trace.on()) {
      freeTraced(cpu, addr);
      return;
    }
    // an object of the CPU slab is ours: no need to look at its owner
    if (!freeFast(cpuCache(cpu), addr)) {
      freeOther(cpu, addr);
    }
  }

  private void freeTraced(int cpu, long addr) {
    trace.kmemCacheFree(cpu, allocator.callSite(), addr, name);
    if (!freeFast(cpuCache(cpu), addr)) {
      freeOther(cpu, addr);
    } else {
      trace.slabFree(cpu, name, addr, FREE_FAST);
    }
  }

  /** kmem_cache_free of an address that is no allocated object of the CPU slab. */
  private void freeOther(int cpu, long addr) {
    long pfn = (addr - KernelLayout.PAGE_OFFSET) >>> Page.PAGE_SHIFT; // negative: beyond memory
    int slab = pfn < table.frames ? table.ownerOf((int) pfn) : 0;
    if (slab <= 0 || table.cache[slab] != this) {
      checkUsable();
      throw allocator.badCacheFree(this, addr, slab);
    }
    freeObject(cpu, addr, slab);
  }

  @Override
  public long shrink() {
    checkUsable();
    long before = nrPages();
    flush.flushAll();
    for (KmemCacheNode n : nodes) {
      n.shrink();
    }
    return before - nrPages();
  }

  @Override
  public void destroy() {
    allocator.destroyCache(this, name);
  }

  @Override
  public SlabInfo info() {
    long free = 0;
    long total = 0;
    long slabs = 0;
    for (KmemCacheNode n : nodes) {
      free += n.partialFreeObjects();
      total += n.totalObjects;
      slabs += n.nrSlabs;
    }
    return new SlabInfo(
        name,
        total - free,
        total,
        size,
        layout.objects,
        1 << layout.order,
        0,
        0,
        0,
        slabs,
        slabs,
        0);
  }

  @Override
  public List<String> validate() {
    checkUsable();
    return slubDebug.validate();
  }

  @Override
  public String toString() {
    return "SlubCache["
        + name
        + " size="
        + size
        + " objects="
        + layout.objects
        + " order="
        + layout.order
        + "]";
  }

  // ================================================================ allocation

  /**
   * Allocates one object; {@code origSize} is the kmalloc request size (recorded by U on kmalloc
   * caches).
   */
  long allocate(int cpu, int gfp, int origSize) {
    KmemCacheCpu c = cpuCache(cpu);
    long obj = c.freelist;
    if (obj == 0) {
      // debug caches never have a CPU freelist: they always come here
      return debug ? slubDebug.alloc(cpu, gfp, origSize) : allocSlow(cpu, gfp);
    }
    popCpu(c, obj);
    c.allocFastpath++;
    if ((gfp & Gfp.ZERO) != 0) {
      memory.fill(obj - KernelLayout.PAGE_OFFSET, objectSize, (byte) 0);
    }
    return obj;
  }

  /** {@link #allocate} with the fast path's tracepoint (the slow paths report their own). */
  long allocateTraced(int cpu, int gfp, int origSize) {
    KmemCacheCpu c = cpuCache(cpu);
    long obj = c.freelist;
    if (obj == 0) {
      return debug ? slubDebug.alloc(cpu, gfp, origSize) : allocSlow(cpu, gfp);
    }
    popCpu(c, obj);
    c.allocFastpath++;
    trace.slabAlloc(cpu, name, obj, ALLOC_FAST);
    if ((gfp & Gfp.ZERO) != 0) {
      memory.fill(obj - KernelLayout.PAGE_OFFSET, objectSize, (byte) 0);
    }
    return obj;
  }

  /**
   * Pops {@code obj}, the head of the CPU freelist, after checking that it is a free object of the
   * CPU slab (so that a corrupted free pointer is reported, never followed). The CPU slab's {@code
   * inuse} is not kept up to date here: it is recounted from the bits when the slab leaves the CPU
   * ({@link #inuseOf}).
   */
  private void popCpu(KmemCacheCpu c, long obj) {
    long off = obj - c.base;
    int idx = (int) ((off * recip) >>> 32);
    // off < limit <= 4 MiB: the boundary check may use the low 32 bits
    if (off >= 0 && off < c.limit && idx * size == (int) off) {
      long[] bits = c.bits;
      int w = idx >>> 6;
      long m = 1L << idx;
      long word = bits[w];
      if ((word & m) == 0) {
        bits[w] = word | m;
        c.freelist = memory.readLong(obj - KernelLayout.PAGE_OFFSET + offset);
        return;
      }
    }
    throw slubDebug.freelistCorrupt(c.slab, obj);
  }

  /**
   * The fast free: when {@code addr} is an allocated object of the CPU slab of {@code c}, pushes it
   * on the CPU freelist and returns true. False (nothing changed) when the slow path must decide,
   * and report if the free is bad. Without a CPU slab {@code c.limit} is 0 and nothing matches.
   */
  private boolean freeFast(KmemCacheCpu c, long addr) {
    long off = addr - c.base;
    int idx = (int) ((off * recip) >>> 32);
    // off < limit <= 4 MiB: the boundary check may use the low 32 bits
    if (off >= 0 && off < c.limit && idx * size == (int) off) {
      long[] bits = c.bits;
      int w = idx >>> 6;
      long m = 1L << idx;
      long word = bits[w];
      if ((word & m) != 0) {
        long next = c.freelist;
        bits[w] = word ^ m;
        c.freelist = addr;
        c.freeFastpath++;
        // last, so that nothing is live across the write (it may give the frame its storage)
        memory.writeLong(addr - KernelLayout.PAGE_OFFSET + offset, next);
        return true;
      }
    }
    return false;
  }

  /** The per-CPU state of {@code cpu}, which must be a CPU of the machine. */
  private KmemCacheCpu cpuCache(int cpu) {
    if (cpu < 0 || cpu >= cpus.length) {
      throw badCpu(cpu);
    }
    return cpus[cpu];
  }

  /** Objects allocated from {@code slab}; recounted for a CPU slab, whose counter lags. */
  int inuseOf(int slab) {
    if (table.state[slab] != SlabTable.STATE_CPU) {
      return table.inuse[slab];
    }
    int n = 0;
    for (long w : table.allocBits[slab]) {
      n += Long.bitCount(w);
    }
    return n;
  }

  private long allocSlow(int cpu, int gfp) {
    checkUsable();
    SlabTable t = table;
    KmemCacheCpu c = cpus[cpu];
    int slab = c.slab;
    if (slab != 0) {
      long fl = t.freelist[slab];
      if (fl != 0) {
        requireFreeHead(slab, fl);
        t.freelist[slab] = 0;
        allocRefill++;
        return finishSlow(
            cpu, slab, fl, gfp, "the CPU slab's own freelist (objects freed meanwhile)");
      }
      // the CPU slab is full: it leaves the CPU and nobody tracks it
      t.inuse[slab] = t.objects[slab];
      t.state[slab] = SlabTable.STATE_FULL;
      t.cpu[slab] = -1;
      c.clearSlab();
      deactivateFull++;
    }
    while (c.partial != 0) {
      int p = c.partial;
      long fl = t.freelist[p];
      requireFreeHead(p, fl);
      c.partial = t.next[p];
      c.partialCount--;
      t.next[p] = 0;
      t.freelist[p] = 0;
      cpuPartialAlloc++;
      return finishSlow(cpu, p, fl, gfp, "a slab of the CPU's partial list (the CPU slab is full)");
    }
    KmemCacheNode node = partialNode(cpu);
    if (node != null) {
      int p = node.firstPartial();
      long fl = t.freelist[p];
      requireFreeHead(p, fl);
      node.removePartial(p);
      t.freelist[p] = 0;
      allocFromPartial++;
      int moved = 0;
      while (cpuPartialSlabs > 0 && node.hasPartial()) {
        int q = node.firstPartial();
        node.removePartial(q);
        flush.putCpuPartial(cpu, q, false);
        cpuPartialNode++;
        if (++moved > cpuPartialSlabs / 2) {
          break;
        }
      }
      return finishSlow(cpu, p, fl, gfp, "a slab of the node's partial list (no CPU partial slab)");
    }
    int s = newSlab(cpu, gfp);
    if (s == 0) {
      return 0;
    }
    long fl = t.freelist[s];
    t.freelist[s] = 0;
    allocSlab++;
    return finishSlow(cpu, s, fl, gfp, "a new slab (no partial slab anywhere)");
  }

  /** Makes {@code slab} the CPU slab with freelist {@code fl} and allocates its first object. */
  private long finishSlow(int cpu, int slab, long fl, int gfp, String path) {
    if (trace.on()) {
      trace.slabAlloc(cpu, name, fl, path);
    }
    SlabTable t = table;
    t.state[slab] = SlabTable.STATE_CPU;
    t.cpu[slab] = cpu;
    KmemCacheCpu c = cpus[cpu];
    c.slab = slab;
    c.base = t.base[slab];
    c.limit = (long) t.objects[slab] * size;
    c.bits = t.allocBits[slab];
    c.freelist = fl;
    popCpu(c, fl);
    allocSlowpath++;
    if ((gfp & Gfp.ZERO) != 0) {
      memory.fill(fl - KernelLayout.PAGE_OFFSET, objectSize, (byte) 0);
    }
    return fl;
  }

  /** Throws unless {@code obj} may be popped from a freelist of {@code slab}. */
  private void requireFreeHead(int slab, long obj) {
    int idx = objectIndex(slab, obj);
    if (idx < 0 || table.isAllocated(slab, idx)) {
      throw slubDebug.freelistCorrupt(slab, obj);
    }
  }

  /** The index of the object at {@code addr} in {@code slab}, or -1 when it is no boundary. */
  int objectIndex(int slab, long addr) {
    long off = addr - redLeftPad - table.base[slab];
    if (off < 0 || off >= table.span[slab]) {
      return -1;
    }
    int idx = (int) ((off * recip) >>> 32);
    if ((long) idx * size != off || idx >= table.objects[slab]) {
      return -1;
    }
    return idx;
  }

  /** The object pointer of index {@code idx} in {@code slab}. */
  long objectAt(int slab, int idx) {
    return table.base[slab] + (long) idx * size + redLeftPad;
  }

  // ================================================================ free

  /**
   * Frees {@code addr}, known to lie in {@code slab} of this cache, on {@code cpu} (a CPU of the
   * machine): the fast path when it is an object of the CPU slab.
   */
  void freeObject(int cpu, long addr, int slab) {
    KmemCacheCpu c = cpus[cpu];
    if (slab != c.slab || !freeFast(c, addr)) {
      freeSlow(cpu, addr, slab);
    } else if (trace.on()) {
      trace.slabFree(cpu, name, addr, FREE_FAST);
    }
  }

  /** {@code __slab_free}: {@code addr} lies in {@code slab}, which is not the CPU slab. */
  private void freeSlow(int cpu, long addr, int slab) {
    if (trace.on()) {
      trace.slabFree(cpu, name, addr, "the freelist of its slab (not the CPU slab: slow path)");
    }
    if (debug) {
      slubDebug.free(cpu, addr, slab);
      return;
    }
    SlabTable t = table;
    long off = addr - t.base[slab]; // in [0, span): the check may use the low 32 bits
    int idx = (int) ((off * recip) >>> 32);
    if (idx * size != (int) off || idx >= t.objects[slab]) {
      throw slubDebug.invalidPointer(slab, addr);
    }
    long[] bits = t.allocBits[slab];
    int w = idx >>> 6;
    long m = 1L << idx;
    long word = bits[w];
    if ((word & m) == 0) {
      throw slubDebug.alreadyFree(slab, addr);
    }
    // an allocated object of the CPU slab took the fast path
    assert slab != cpus[cpu].slab : "fast free of a checked object of " + name + " failed";
    bits[w] = word ^ m;
    freeSlowpath++;
    memory.writeLong(addr - KernelLayout.PAGE_OFFSET + offset, t.freelist[slab]);
    t.freelist[slab] = addr;
    byte st = t.state[slab];
    if (st == SlabTable.STATE_CPU) {
      // another CPU's slab: its inuse is recounted when it leaves that CPU
      freeFrozen++;
      return;
    }
    int inuse = --t.inuse[slab];
    if (st == SlabTable.STATE_CPU_PARTIAL) {
      return;
    }
    KmemCacheNode node = nodeOf(slab);
    if (st == SlabTable.STATE_FULL) {
      if (cpuPartialSlabs > 0) {
        flush.putCpuPartial(cpu, slab, true);
        cpuPartialFree++;
        return;
      }
      if (inuse == 0 && node.nrPartial >= minPartial) {
        discardSlab(cpu, slab);
        return;
      }
      node.addPartial(slab, true);
      freeAddPartial++;
      return;
    }
    if (inuse == 0 && node.nrPartial >= minPartial) {
      node.removePartial(slab);
      freeRemovePartial++;
      discardSlab(cpu, slab);
    }
  }

  // ================================================================ slabs and lists

  /** Allocates and sets up a new slab; returns its id, or 0 when memory ran out. */
  int newSlab(int cpu, int gfp) {
    int allocGfp = (gfp & ~Gfp.ZERO) | cacheGfp | Gfp.COMP;
    int first = (allocGfp | Gfp.NOWARN | Gfp.NORETRY) & ~Gfp.NOFAIL;
    if ((first & Gfp.DIRECT_RECLAIM) != 0 && layout.order > layout.minOrder) {
      first = (first | Gfp.NOMEMALLOC) & ~Gfp.RECLAIM;
    }
    int order = layout.order;
    int objects = layout.objects;
    long pfn = pages.allocPages(cpu, first, order);
    if (pfn == PageAllocator.NO_PAGE) {
      order = layout.minOrder;
      objects = layout.minObjects;
      pfn = pages.allocPages(cpu, allocGfp, order);
      if (pfn == PageAllocator.NO_PAGE) {
        return 0;
      }
      orderFallback++;
    }
    SlabTable t = table;
    int id = t.add(this, pfn, order, objects);
    long base = t.base[id];
    if (debug) {
      slubDebug.setupSlab(id);
    }
    for (int i = 0; i < objects; i++) {
      long obj = base + (long) i * size + redLeftPad;
      if (debug) {
        slubDebug.setupObject(obj);
      }
      if (ctor != null) {
        ctor.construct(obj);
      }
      long next = i + 1 < objects ? obj + size : 0;
      memory.writeLong(KernelLayout.pa(obj) + offset, next);
    }
    t.freelist[id] = base + redLeftPad;
    nodeOf(id).incSlabs(objects, order);
    allocator.slabPagesChanged(this, 1L << order);
    if (trace.on()) {
      trace.newSlab(cpu, name, pfn, order, objects);
    }
    return id;
  }

  /** Gives the pages of an empty slab back ({@code discard_slab}). */
  void discardSlab(int cpu, int slab) {
    SlabTable t = table;
    int order = t.order[slab];
    nodeOf(slab).decSlabs(t.objects[slab], order);
    freeSlab++;
    long pfn = t.remove(slab);
    if (trace.on()) {
      trace.discardSlab(cpu, name, pfn, order);
    }
    allocator.slabPagesChanged(this, -(1L << order));
    pages.freePages(cpu, pfn, order);
  }

  /** True when no object of this cache is allocated. */
  boolean isEmpty() {
    for (int s = 1; s < table.idLimit(); s++) {
      if (table.cache[s] == this && inuseOf(s) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Frees every slab; the cache must be empty ({@code __kmem_cache_shutdown}). */
  void shutdown() {
    flush.flushAll();
    for (KmemCacheNode n : nodes) {
      n.shrink();
    }
    for (int s = 1; s < table.idLimit(); s++) {
      if (table.cache[s] == this) {
        throw new AssertionError(
            "slab "
                + s
                + " of "
                + name
                + " survived shutdown: state "
                + SlabTable.stateName(table.state[s])
                + " inuse "
                + table.inuse[s]);
      }
    }
    for (KmemCacheNode n : nodes) {
      n.release();
    }
  }

  private IllegalArgumentException badCpu(int cpu) {
    return new IllegalArgumentException("cpu " + cpu + " is outside [0, " + nrCpus + ")");
  }

  void checkUsable() {
    if (destroyed) {
      throw new BadCacheException(name, "kmem cache " + name + " has been destroyed");
    }
  }

  // ================================================================ statistics and invariants

  long nrPages() {
    long t = 0;
    for (KmemCacheNode n : nodes) {
      t += n.nrPages;
    }
    return t;
  }

  /** {@code alloc_fastpath}: allocations from a CPU freelist, summed over the CPUs. */
  long allocFastpath() {
    long n = 0;
    for (KmemCacheCpu c : cpus) {
      n += c.allocFastpath;
    }
    return n;
  }

  /** {@code free_fastpath}: frees onto a CPU freelist, summed over the CPUs. */
  long freeFastpath() {
    long n = 0;
    for (KmemCacheCpu c : cpus) {
      n += c.freeFastpath;
    }
    return n;
  }

  long nrSlabs() {
    long t = 0;
    for (KmemCacheNode n : nodes) {
      t += n.nrSlabs;
    }
    return t;
  }

  int nrPartial() {
    int t = 0;
    for (KmemCacheNode n : nodes) {
      t += n.nrPartial;
    }
    return t;
  }

  /** nr_partial of node {@code nid}'s lists. */
  int nrPartial(int nid) {
    return nodes[nid].nrPartial;
  }

  /** nr_slabs of node {@code nid}'s lists. */
  long nrSlabs(int nid) {
    return nodes[nid].nrSlabs;
  }

  int cpuPartialCount(int cpu) {
    return cpus[cpu].partialCount;
  }

  int cpuSlab(int cpu) {
    return cpus[cpu].slab;
  }

  long cpuFreelistHead(int cpu) {
    return cpus[cpu].freelist;
  }

  /** The slabs of the node partial list, first to last (for tests). */
  int[] partialSlabs() {
    int[] all = new int[0];
    for (KmemCacheNode n : nodes) {
      int[] one = n.partialSlabs();
      int[] joined = java.util.Arrays.copyOf(all, all.length + one.length);
      System.arraycopy(one, 0, joined, all.length, one.length);
      all = joined;
    }
    return all;
  }

  /** Recomputes every counter and list of this cache; throws AssertionError on a mismatch. */
  void checkInvariants() {
    SlubInvariants.check(this);
  }

  /** The kernel's "Objects remaining" report for a cache that still holds objects. */
  SlabBugException objectsRemaining() {
    return slubDebug.objectsRemaining();
  }

  /** Thrown for frees of addresses that are not objects of any slab. */
  static BadAddressException notASlabObject(String who, long addr) {
    return new BadAddressException(
        addr,
        String.format(
            "%s: 0x%016x is not an object of any slab (Object is not a Slab page!)", who, addr));
  }
}
