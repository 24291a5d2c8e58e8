package io.mmsim.slub;

import java.util.ArrayList;
import java.util.List;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.object.BadCacheException;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectConstructor;
import io.mmsim.api.object.SlabBugException;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.util.IntList;

/**
 * One SLUB cache ({@code struct kmem_cache} with its {@code kmem_cache_cpu} and one {@code
 * kmem_cache_node}), modelled on {@code mm/slub.c} with per-CPU slabs as in Linux 6.17 and before
 * (not the 6.18 "sheaves").
 *
 * <h2>Algorithm</h2>
 *
 * <ul>
 *   <li><b>Free objects are threaded through themselves.</b> A free object holds the address of the
 *       next free object of its slab at {@code offset} in its own bytes (simulated memory), 0
 *       ending the list. There are two kinds of list: the CPU freelist of a CPU's current slab, and
 *       each slab's own freelist (objects freed by other CPUs, or all free objects of a slab not in
 *       use by a CPU).
 *   <li><b>Fast path.</b> {@link #alloc} pops the head of the CPU freelist (reading the next
 *       pointer from the object); {@link #free} of an object of the CPU's current slab pushes it
 *       (writing the pointer). No allocation, no map, no boxing.
 *   <li><b>Slow path</b> ({@code ___slab_alloc}): take the current slab's remote frees; else the
 *       slab is full and leaves the CPU untracked; take a slab from the CPU partial list; else from
 *       the node partial list (moving up to half the CPU partial limit more onto the CPU partial
 *       list); else a new slab from the page allocator (preferred order, then the minimum order).
 *   <li><b>Frees to other slabs</b> ({@code __slab_free}): a CPU's frozen slab just gains a free
 *       object; a full slab goes to the freeing CPU's partial list (draining that list to the node
 *       when it holds {@code cpu_partial_slabs}); a node-partial slab that becomes empty is freed
 *       when the node already holds {@code min_partial} slabs.
 *   <li><b>Debug caches</b> (any of F, Z, P, U, T) have no per-CPU slabs (as since Linux 6.2): each
 *       allocation and free works on the node lists with the checks of {@code
 *       alloc_debug_processing} / {@code free_debug_processing}; full slabs are kept on a full list
 *       when U is on.
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
  /** {@code SLUB_RED_INACTIVE}. */
  static final byte RED_INACTIVE = (byte) 0xbb;

  /** {@code SLUB_RED_ACTIVE}. */
  static final byte RED_ACTIVE = (byte) 0xcc;

  /** {@code POISON_INUSE}. */
  static final byte POISON_INUSE = 0x5a;

  /** {@code POISON_FREE}. */
  static final byte POISON_FREE = 0x6b;

  /** {@code POISON_END}. */
  static final byte POISON_END = (byte) 0xa5;

  /** {@code SHRINK_PROMOTE_MAX}. */
  private static final int SHRINK_PROMOTE_MAX = 32;

  /** {@code MIN_PARTIAL} and {@code MAX_PARTIAL}. */
  private static final int MIN_PARTIAL = 5;

  private static final int MAX_PARTIAL = 10;

  final SlubAllocator allocator;
  private final SlabTable table;

  /** {@code table.owner}, the page-to-slab map, held directly for the fast free. */
  private final int[] owner;

  private final PhysicalMemory memory;
  private final PageAllocator pages;
  final String name;
  final SlubLayout layout;
  final int flags;
  final ObjectConstructor ctor;
  final boolean kmalloc;
  final boolean debug;
  private final boolean checks;
  private final boolean storeUser;
  private final boolean redZone;
  private final boolean trace;
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

  // ---------------------------------------------------------------- per-CPU state
  /** {@code cpu_slab}: one {@link CpuCache} per CPU. */
  private final CpuCache[] cpus;

  // ---------------------------------------------------------------- node state (node 0)
  /** The head ids (SlabTable.STATE_LIST_HEAD) of the node partial list and the full list. */
  private final int partialList;

  private int nrPartial;
  private final int fullList;
  private int nrFull;
  private long nrSlabs;
  private long totalObjects;
  private long nrPages;

  // ---------------------------------------------------------------- statistics (slub_def.h)
  // (the fast-path counters are per CPU, in CpuCache, as the kernel keeps them all)
  long allocSlowpath;
  long freeSlowpath;
  long freeFrozen;
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
    this.partialList = table.addListHead();
    this.fullList = table.addListHead();
    this.owner = table.owner;
    this.memory = allocator.memory;
    this.pages = allocator.pages;
    this.name = name;
    this.layout = layout;
    this.flags = layout.flags;
    this.ctor = ctor;
    this.kmalloc = kmalloc;
    this.uniqueId = uniqueId;
    this.objectSize = layout.objectSize;
    this.debug = (flags & SlabFlags.DEBUG_FLAGS) != 0;
    this.checks = (flags & SlabFlags.CONSISTENCY_CHECKS) != 0;
    this.storeUser = (flags & SlabFlags.STORE_USER) != 0;
    this.redZone = (flags & SlabFlags.RED_ZONE) != 0;
    this.trace = (flags & SlabFlags.TRACE) != 0;
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
    this.cpus = new CpuCache[nrCpus];
    for (int cpu = 0; cpu < nrCpus; cpu++) {
      cpus[cpu] = new CpuCache();
    }
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

  @Override
  public long alloc(int cpu, int gfp) {
    return allocate(cpu, gfp, objectSize);
  }

  @Override
  public void free(int cpu, long addr) {
    // an object of the CPU slab is ours: no need to look at its owner
    if (!freeFast(cpuCache(cpu), addr)) {
      freeOther(cpu, addr);
    }
  }

  /** kmem_cache_free of an address that is no allocated object of the CPU slab. */
  private void freeOther(int cpu, long addr) {
    long pfn = (addr - KernelLayout.PAGE_OFFSET) >>> Page.PAGE_SHIFT; // negative: beyond memory
    int slab = pfn < owner.length ? owner[(int) pfn] : 0;
    if (slab <= 0 || table.cache[slab] != this) {
      checkUsable();
      throw allocator.badCacheFree(this, addr, slab);
    }
    freeObject(cpu, addr, slab);
  }

  @Override
  public long shrink() {
    checkUsable();
    long before = nrPages;
    flushAll();
    shrinkNode();
    return before - nrPages;
  }

  @Override
  public void destroy() {
    allocator.destroyCache(this, name);
  }

  @Override
  public SlabInfo info() {
    long free = 0;
    // bounded by nr_partial: after shutdown the list head's id may belong to another slab
    int s = table.next[partialList];
    for (int i = 0; i < nrPartial; i++, s = table.next[s]) {
      free += table.objects[s] - table.inuse[s];
    }
    return new SlabInfo(
        name,
        totalObjects - free,
        totalObjects,
        size,
        layout.objects,
        1 << layout.order,
        0,
        0,
        0,
        nrSlabs,
        nrSlabs,
        0);
  }

  @Override
  public List<String> validate() {
    checkUsable();
    List<String> out = new ArrayList<>();
    for (int s = 1; s < table.idLimit(); s++) {
      if (table.cache[s] == this) {
        validateSlab(s, out);
      }
    }
    return out;
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
    CpuCache c = cpuCache(cpu);
    long obj = c.freelist;
    if (obj == 0) {
      // debug caches never have a CPU freelist: they always come here
      return debug ? allocDebug(cpu, gfp, origSize) : allocSlow(cpu, gfp);
    }
    popCpu(c, obj);
    c.allocFastpath++;
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
  private void popCpu(CpuCache c, long obj) {
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
    throw freelistCorrupt(c.slab, obj);
  }

  /**
   * The fast free: when {@code addr} is an allocated object of the CPU slab of {@code c}, pushes it
   * on the CPU freelist and returns true. False (nothing changed) when the slow path must decide,
   * and report if the free is bad. Without a CPU slab {@code c.limit} is 0 and nothing matches.
   */
  private boolean freeFast(CpuCache c, long addr) {
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
  private CpuCache cpuCache(int cpu) {
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
    CpuCache c = cpus[cpu];
    int slab = c.slab;
    if (slab != 0) {
      long fl = t.freelist[slab];
      if (fl != 0) {
        requireFreeHead(slab, fl);
        t.freelist[slab] = 0;
        allocRefill++;
        return finishSlow(cpu, slab, fl, gfp);
      }
      // the CPU slab is full: it leaves the CPU and nobody tracks it
      t.inuse[slab] = t.objects[slab];
      t.state[slab] = SlabTable.STATE_FULL;
      t.cpu[slab] = -1;
      clearCpuSlab(cpu);
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
      return finishSlow(cpu, p, fl, gfp);
    }
    if (!IntList.isEmpty(t.next, partialList)) {
      int p = t.next[partialList];
      long fl = t.freelist[p];
      requireFreeHead(p, fl);
      removePartial(p);
      t.freelist[p] = 0;
      allocFromPartial++;
      int moved = 0;
      while (cpuPartialSlabs > 0 && !IntList.isEmpty(t.next, partialList)) {
        int q = t.next[partialList];
        removePartial(q);
        putCpuPartial(cpu, q, false);
        cpuPartialNode++;
        if (++moved > cpuPartialSlabs / 2) {
          break;
        }
      }
      return finishSlow(cpu, p, fl, gfp);
    }
    int s = newSlab(cpu, gfp);
    if (s == 0) {
      return 0;
    }
    long fl = t.freelist[s];
    t.freelist[s] = 0;
    allocSlab++;
    return finishSlow(cpu, s, fl, gfp);
  }

  /** Makes {@code slab} the CPU slab with freelist {@code fl} and allocates its first object. */
  private long finishSlow(int cpu, int slab, long fl, int gfp) {
    SlabTable t = table;
    t.state[slab] = SlabTable.STATE_CPU;
    t.cpu[slab] = cpu;
    CpuCache c = cpus[cpu];
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

  /** Allocation for debug caches: one object at a time from the node lists. */
  private long allocDebug(int cpu, int gfp, int origSize) {
    checkUsable();
    SlabTable t = table;
    int slab = t.next[partialList];
    boolean fresh = false;
    if (slab == partialList) {
      slab = newSlab(cpu, gfp);
      if (slab == 0) {
        return 0;
      }
      fresh = true;
    }
    long obj = t.freelist[slab];
    int idx = objectIndex(slab, obj);
    if (idx < 0 || t.isAllocated(slab, idx)) {
      if (fresh) {
        throw new AssertionError("new slab of " + name + " has a bad freelist head");
      }
      throw freelistCorrupt(slab, obj);
    }
    if (checks) {
      List<String> bad = checkObject(slab, obj, RED_INACTIVE, 0);
      if (bad != null) {
        if (fresh) {
          // a constructor wrote outside its object: give the new slab back before reporting
          t.state[slab] = SlabTable.STATE_FULL;
          discardSlab(cpu, slab);
        }
        throw new SlabBugException(obj, name, reasonOf(bad), bad);
      }
    }
    // commit
    long next = memory.readLong(obj - KernelLayout.PAGE_OFFSET + offset);
    t.freelist[slab] = next;
    t.allocBits[slab][idx >>> 6] |= 1L << idx;
    t.inuse[slab]++;
    allocSlowpath++;
    if (fresh) {
      allocSlab++;
      if (t.inuse[slab] == t.objects[slab]) {
        addFull(slab);
      } else {
        addPartial(slab, false);
      }
    } else {
      allocFromPartial++;
      if (t.inuse[slab] == t.objects[slab]) {
        removePartial(slab);
        addFull(slab);
      }
    }
    if (storeUser) {
      setTrack(obj, 0, cpu);
      if (layout.origSizeTracked) {
        memory.writeInt(
            obj - KernelLayout.PAGE_OFFSET + layout.infoEnd + 2L * SlubLayout.TRACK_SIZE, origSize);
      }
    }
    initObject(obj, RED_ACTIVE, layout.origSizeTracked ? origSize : objectSize);
    if (trace) {
      allocator.trace(name, "alloc", obj, t.inuse[slab], next);
    }
    if ((gfp & Gfp.ZERO) != 0) {
      memory.fill(
          obj - KernelLayout.PAGE_OFFSET, layout.origSizeTracked ? origSize : objectSize, (byte) 0);
    }
    return obj;
  }

  /** Throws unless {@code obj} may be popped from a freelist of {@code slab}. */
  private void requireFreeHead(int slab, long obj) {
    int idx = objectIndex(slab, obj);
    if (idx < 0 || table.isAllocated(slab, idx)) {
      throw freelistCorrupt(slab, obj);
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
    CpuCache c = cpus[cpu];
    if (slab != c.slab || !freeFast(c, addr)) {
      freeSlow(cpu, addr, slab);
    }
  }

  /** {@code __slab_free}: {@code addr} lies in {@code slab}, which is not the CPU slab. */
  private void freeSlow(int cpu, long addr, int slab) {
    if (debug) {
      freeDebug(cpu, addr, slab);
      return;
    }
    SlabTable t = table;
    long off = addr - t.base[slab]; // in [0, span): the check may use the low 32 bits
    int idx = (int) ((off * recip) >>> 32);
    if (idx * size != (int) off || idx >= t.objects[slab]) {
      throw invalidPointer(slab, addr);
    }
    long[] bits = t.allocBits[slab];
    int w = idx >>> 6;
    long m = 1L << idx;
    long word = bits[w];
    if ((word & m) == 0) {
      throw alreadyFree(slab, addr);
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
    if (st == SlabTable.STATE_FULL) {
      if (cpuPartialSlabs > 0) {
        putCpuPartial(cpu, slab, true);
        cpuPartialFree++;
        return;
      }
      if (inuse == 0 && nrPartial >= minPartial) {
        discardSlab(cpu, slab);
        return;
      }
      addPartial(slab, true);
      freeAddPartial++;
      return;
    }
    if (inuse == 0 && nrPartial >= minPartial) {
      removePartial(slab);
      freeRemovePartial++;
      discardSlab(cpu, slab);
    }
  }

  private void freeDebug(int cpu, long addr, int slab) {
    SlabTable t = table;
    int idx = objectIndex(slab, addr);
    if (idx < 0) {
      throw invalidPointer(slab, addr);
    }
    if (!t.isAllocated(slab, idx)) {
      throw alreadyFree(slab, addr);
    }
    if (checks) {
      List<String> bad = checkObject(slab, addr, RED_ACTIVE, origSizeOf(addr));
      if (bad != null) {
        bad.add("FIX " + name + ": Object at 0x" + SlubReport.hex16(addr) + " not freed");
        throw new SlabBugException(addr, name, reasonOf(bad), bad);
      }
    }
    // commit
    if (storeUser) {
      setTrack(addr, SlubLayout.TRACK_SIZE, cpu);
    }
    initObject(addr, RED_INACTIVE, objectSize);
    long prior = t.freelist[slab];
    memory.writeLong(addr - KernelLayout.PAGE_OFFSET + offset, prior);
    t.freelist[slab] = addr;
    t.allocBits[slab][idx >>> 6] &= ~(1L << idx);
    t.inuse[slab]--;
    freeSlowpath++;
    if (trace) {
      allocator.trace(name, "free", addr, t.inuse[slab], prior);
    }
    boolean empty = t.inuse[slab] == 0 && nrPartial >= minPartial;
    byte st = t.state[slab];
    if (st == SlabTable.STATE_FULL || st == SlabTable.STATE_FULL_TRACKED) {
      removeFull(slab);
      if (!empty) {
        addPartial(slab, true);
        freeAddPartial++;
      }
    } else if (empty) {
      removePartial(slab);
      freeRemovePartial++;
    }
    if (empty) {
      discardSlab(cpu, slab);
    }
  }

  // ================================================================ slabs and lists

  /** Allocates and sets up a new slab; returns its id, or 0 when memory ran out. */
  private int newSlab(int cpu, int gfp) {
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
    if ((flags & SlabFlags.POISON) != 0) {
      memory.fill(KernelLayout.pa(base), t.span[id], POISON_INUSE);
    }
    for (int i = 0; i < objects; i++) {
      long obj = base + (long) i * size + redLeftPad;
      if (debug) {
        initObject(obj, RED_INACTIVE, objectSize);
        if (storeUser) {
          memory.fill(KernelLayout.pa(obj) + layout.infoEnd, 2L * SlubLayout.TRACK_SIZE, (byte) 0);
        }
      }
      if (ctor != null) {
        ctor.construct(obj);
      }
      long next = i + 1 < objects ? obj + size : 0;
      memory.writeLong(KernelLayout.pa(obj) + offset, next);
    }
    t.freelist[id] = base + redLeftPad;
    nrSlabs++;
    totalObjects += objects;
    nrPages += 1L << order;
    allocator.slabPagesChanged(this, 1L << order);
    return id;
  }

  /** Gives the pages of an empty slab back ({@code discard_slab}). */
  private void discardSlab(int cpu, int slab) {
    SlabTable t = table;
    int order = t.order[slab];
    nrSlabs--;
    totalObjects -= t.objects[slab];
    nrPages -= 1L << order;
    freeSlab++;
    long pfn = t.remove(slab);
    allocator.slabPagesChanged(this, -(1L << order));
    pages.freePages(cpu, pfn, order);
  }

  private void addPartial(int slab, boolean tail) {
    SlabTable t = table;
    t.state[slab] = SlabTable.STATE_NODE_PARTIAL;
    t.cpu[slab] = -1;
    if (tail) {
      IntList.addTail(t.next, t.prev, partialList, slab);
    } else {
      IntList.addHead(t.next, t.prev, partialList, slab);
    }
    nrPartial++;
  }

  private void removePartial(int slab) {
    SlabTable t = table;
    IntList.del(t.next, t.prev, slab);
    t.next[slab] = 0;
    t.prev[slab] = 0;
    t.state[slab] = SlabTable.STATE_UNUSED;
    nrPartial--;
  }

  /** A full slab of a debug cache: on the full list with U, untracked otherwise. */
  private void addFull(int slab) {
    SlabTable t = table;
    t.cpu[slab] = -1;
    if (!storeUser) {
      t.state[slab] = SlabTable.STATE_FULL;
      return;
    }
    t.state[slab] = SlabTable.STATE_FULL_TRACKED;
    IntList.addTail(t.next, t.prev, fullList, slab);
    nrFull++;
  }

  private void removeFull(int slab) {
    SlabTable t = table;
    if (t.state[slab] == SlabTable.STATE_FULL_TRACKED) {
      IntList.del(t.next, t.prev, slab);
      t.next[slab] = 0;
      t.prev[slab] = 0;
      nrFull--;
    }
    t.state[slab] = SlabTable.STATE_UNUSED;
  }

  /** {@code put_cpu_partial}: pushes {@code slab} on {@code cpu}'s partial list. */
  private void putCpuPartial(int cpu, int slab, boolean drain) {
    SlabTable t = table;
    CpuCache c = cpus[cpu];
    int head = c.partial;
    int count = c.partialCount;
    if (head != 0 && drain && count >= cpuPartialSlabs) {
      c.partial = 0;
      c.partialCount = 0;
      putPartials(cpu, head);
      cpuPartialDrain++;
      head = 0;
      count = 0;
    }
    t.state[slab] = SlabTable.STATE_CPU_PARTIAL;
    t.cpu[slab] = cpu;
    t.next[slab] = head;
    t.prev[slab] = 0;
    c.partial = slab;
    c.partialCount = count + 1;
  }

  /** {@code __put_partials}: moves a CPU partial list to the node, freeing surplus empties. */
  private void putPartials(int cpu, int head) {
    SlabTable t = table;
    int s = head;
    while (s != 0) {
      int next = t.next[s];
      t.next[s] = 0;
      if (t.inuse[s] == 0 && nrPartial >= minPartial) {
        discardSlab(cpu, s);
      } else {
        addPartial(s, true);
        freeAddPartial++;
      }
      s = next;
    }
  }

  /** {@code deactivate_slab}: the CPU slab goes back to the node. */
  private void deactivateCpuSlab(int cpu) {
    SlabTable t = table;
    int slab = cpus[cpu].slab;
    if (slab == 0) {
      return;
    }
    long head = cpus[cpu].freelist;
    boolean remoteFrees = t.freelist[slab] != 0;
    if (head != 0) {
      long tail = head;
      int steps = t.objects[slab];
      while (steps-- > 0) {
        long next = memory.readLong(KernelLayout.pa(tail) + offset);
        if (next == 0 || objectIndex(slab, next) < 0) {
          break;
        }
        tail = next;
      }
      memory.writeLong(KernelLayout.pa(tail) + offset, t.freelist[slab]);
      t.freelist[slab] = head;
    }
    t.inuse[slab] = inuseOf(slab);
    clearCpuSlab(cpu);
    t.cpu[slab] = -1;
    cpuslabFlush++;
    if (t.inuse[slab] == 0 && nrPartial >= minPartial) {
      deactivateEmpty++;
      discardSlab(cpu, slab);
    } else if (t.freelist[slab] != 0) {
      addPartial(slab, remoteFrees);
    } else {
      t.state[slab] = SlabTable.STATE_FULL;
      deactivateFull++;
    }
  }

  private void clearCpuSlab(int cpu) {
    CpuCache c = cpus[cpu];
    c.slab = 0;
    c.freelist = 0;
    c.base = 0;
    c.limit = 0;
    c.bits = null;
  }

  /** {@code flush_all}: every CPU slab and CPU partial list goes back to the node. */
  void flushAll() {
    for (int cpu = 0; cpu < nrCpus; cpu++) {
      deactivateCpuSlab(cpu);
      CpuCache c = cpus[cpu];
      int head = c.partial;
      if (head != 0) {
        c.partial = 0;
        c.partialCount = 0;
        putPartials(cpu, head);
      }
    }
  }

  /**
   * {@code __kmem_cache_do_shrink} for node 0: frees every empty partial slab and sorts the rest so
   * that the fullest (fewest free objects) come first.
   */
  private void shrinkNode() {
    SlabTable t = table;
    int[] bucketHead = new int[SHRINK_PROMOTE_MAX];
    int[] bucketTail = new int[SHRINK_PROMOTE_MAX];
    int restHead = 0;
    int restTail = 0;
    // detach the whole partial list: its slabs keep their next links, the last one's leads back to
    // the head, which is empty again from here on
    int s = t.next[partialList];
    IntList.init(t.next, t.prev, partialList);
    nrPartial = 0;
    while (s != partialList) {
      int next = t.next[s];
      t.next[s] = 0;
      t.prev[s] = 0;
      int free = t.objects[s] - t.inuse[s];
      if (free == t.objects[s]) {
        discardSlab(0, s);
      } else if (free <= SHRINK_PROMOTE_MAX) {
        // list_move puts it at the head of its bucket
        int b = free - 1;
        t.next[s] = bucketHead[b];
        bucketHead[b] = s;
        if (bucketTail[b] == 0) {
          bucketTail[b] = s;
        }
      } else {
        if (restTail == 0) {
          restHead = s;
        } else {
          t.next[restTail] = s;
        }
        restTail = s;
      }
      s = next;
    }
    for (int b = 0; b < SHRINK_PROMOTE_MAX; b++) {
      for (int x = bucketHead[b]; x != 0; ) {
        int next = t.next[x];
        addPartial(x, true);
        x = next;
      }
    }
    for (int x = restHead; x != 0; ) {
      int next = t.next[x];
      addPartial(x, true);
      x = next;
    }
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
    flushAll();
    shrinkNode();
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
    table.removeListHead(partialList);
    table.removeListHead(fullList);
  }

  /** The kernel's "Objects remaining" report for a cache that still holds objects. */
  SlabBugException objectsRemaining() {
    String reason = "Objects remaining in " + name + " on __kmem_cache_shutdown()";
    SlubReport r = new SlubReport().bug(name, reason);
    long first = 0;
    for (int s = 1; s < table.idLimit(); s++) {
      if (table.cache[s] != this || inuseOf(s) == 0) {
        continue;
      }
      slabInfoLine(r, s);
      for (int i = 0; i < table.objects[s]; i++) {
        if (table.isAllocated(s, i)) {
          long obj = objectAt(s, i);
          if (first == 0) {
            first = obj;
          }
          r.line("Object 0x" + SlubReport.hex16(obj) + " @offset=" + (obj - table.base[s]));
        }
      }
    }
    return new SlabBugException(first, name, reason, r.lines());
  }

  // ================================================================ debug: object bytes

  /** {@code init_object}: red zones to {@code val}, poison when the cache poisons objects. */
  private void initObject(long obj, byte val, int poisonSize) {
    long p = KernelLayout.pa(obj);
    if (redZone) {
      memory.fill(p - redLeftPad, redLeftPad, val);
    }
    int ps = redZone && layout.origSizeTracked && val == RED_ACTIVE ? poisonSize : objectSize;
    if (layout.objectPoison) {
      memory.fill(p, ps - 1, POISON_FREE);
      memory.writeByte(p + ps - 1, POISON_END);
    }
    if (redZone) {
      memory.fill(p + ps, layout.inuse - ps, val);
    }
  }

  private void setTrack(long obj, int which, int cpu) {
    long t = KernelLayout.pa(obj) + layout.infoEnd + which;
    memory.writeLong(t + SlubLayout.TRACK_ADDR, allocator.callerId());
    memory.writeInt(t + 8, 0);
    memory.writeInt(t + SlubLayout.TRACK_CPU, cpu);
    memory.writeInt(t + SlubLayout.TRACK_PID, 0);
    memory.writeInt(t + 20, 0);
    memory.writeLong(t + SlubLayout.TRACK_WHEN, allocator.tick());
  }

  private int origSizeOf(long obj) {
    if (!layout.origSizeTracked) {
      return objectSize;
    }
    int v = memory.readInt(KernelLayout.pa(obj) + layout.infoEnd + 2L * SlubLayout.TRACK_SIZE);
    return v <= 0 || v > objectSize ? objectSize : v;
  }

  /**
   * {@code check_object}: checks red zones, poison, padding and the free pointer of the object at
   * {@code obj} expected in state {@code val} (RED_ACTIVE or RED_INACTIVE). Returns null when all
   * is well, else the report of the first fault. Only reads.
   */
  List<String> checkObject(int slab, long obj, byte val, int origSize) {
    long p = KernelLayout.pa(obj);
    boolean poison = (flags & SlabFlags.POISON) != 0;
    if (redZone) {
      List<String> r = checkBytes(slab, obj, "Left Redzone", p - redLeftPad, val, redLeftPad);
      if (r != null) {
        return r;
      }
      r = checkBytes(slab, obj, "Right Redzone", p + objectSize, val, layout.inuse - objectSize);
      if (r != null) {
        return r;
      }
      if (layout.origSizeTracked && val == RED_ACTIVE && objectSize > origSize) {
        r = checkBytes(slab, obj, "kmalloc Redzone", p + origSize, val, objectSize - origSize);
        if (r != null) {
          return r;
        }
      }
    } else if (poison && objectSize < layout.inuse) {
      List<String> r =
          checkBytes(
              slab,
              obj,
              "Alignment padding",
              p + objectSize,
              POISON_INUSE,
              layout.inuse - objectSize);
      if (r != null) {
        return r;
      }
    }
    if (poison) {
      if (val != RED_ACTIVE && layout.objectPoison) {
        List<String> r = checkBytes(slab, obj, "Poison", p, POISON_FREE, objectSize - 1);
        if (r != null) {
          return r;
        }
        r = checkBytes(slab, obj, "End Poison", p + objectSize - 1, POISON_END, 1);
        if (r != null) {
          return r;
        }
      }
      int from = layout.padStart;
      int to = layout.sizeFromObject();
      if (to > from) {
        List<String> r = checkBytes(slab, obj, "Object padding", p + from, POISON_INUSE, to - from);
        if (r != null) {
          return r;
        }
      }
    }
    if (layout.freePointerOutside() || val != RED_ACTIVE) {
      long fp = memory.readLong(p + offset);
      if (fp != 0 && objectIndex(slab, fp) < 0) {
        SlubReport rep = new SlubReport().bug(name, "Freepointer corrupt");
        trailer(rep, slab, obj);
        return rep.lines();
      }
    }
    return null;
  }

  /** {@code check_bytes_and_report}: null when all {@code len} bytes equal {@code value}. */
  private List<String> checkBytes(
      int slab, long obj, String what, long start, byte value, long len) {
    if (len <= 0 || memory.allEqual(start, len, value)) {
      return null;
    }
    long fault = start;
    while (memory.readByte(fault) == value) {
      fault++;
    }
    long end = start + len;
    while (end > fault && memory.readByte(end - 1) == value) {
      end--;
    }
    SlubReport r = new SlubReport().bug(name, what + " overwritten");
    long slabPa = KernelLayout.pa(table.base[slab]);
    r.line(
        "0x"
            + SlubReport.hex16(KernelLayout.va(fault))
            + "-0x"
            + SlubReport.hex16(KernelLayout.va(end - 1))
            + " @offset="
            + (fault - slabPa)
            + ". First byte 0x"
            + Integer.toHexString(memory.readByte(fault) & 0xff)
            + " instead of 0x"
            + Integer.toHexString(value & 0xff));
    trailer(r, slab, obj);
    return r.lines();
  }

  /** The reason in a report's BUG line. */
  private String reasonOf(List<String> report) {
    String bug = report.get(1);
    return bug.substring(bug.indexOf("): ") + 3);
  }

  // ================================================================ reports

  /** {@code print_trailer}: tracking, slab info, object line and hex dumps. */
  void trailer(SlubReport r, int slab, long obj) {
    long p = KernelLayout.pa(obj);
    long base = table.base[slab];
    if (storeUser) {
      track(r, "Allocated", p + layout.infoEnd);
      track(r, "Freed", p + layout.infoEnd + SlubLayout.TRACK_SIZE);
    }
    slabInfoLine(r, slab);
    r.line(
        "Object 0x"
            + SlubReport.hex16(obj)
            + " @offset="
            + (obj - base)
            + " fp=0x"
            + SlubReport.hex16(memory.readLong(p + offset)));
    r.line("");
    if (redZone) {
      r.hexDump("Redzone  ", obj - redLeftPad, redLeftPad, memory);
    } else if (obj > base + 16) {
      r.hexDump("Bytes b4 ", obj - 16, 16, memory);
    }
    r.hexDump("Object   ", obj, Math.min(objectSize, Page.PAGE_SIZE), memory);
    if (redZone) {
      r.hexDump("Redzone  ", obj + objectSize, layout.inuse - objectSize, memory);
    }
    int off = layout.padStart;
    if (off != layout.sizeFromObject()) {
      r.hexDump("Padding  ", obj + off, layout.sizeFromObject() - off, memory);
    }
  }

  private void track(SlubReport r, String what, long trackPa) {
    long addr = memory.readLong(trackPa + SlubLayout.TRACK_ADDR);
    if (addr == 0) {
      return;
    }
    long when = memory.readLong(trackPa + SlubLayout.TRACK_WHEN);
    r.line(
        what
            + " in "
            + allocator.callerName(addr)
            + " age="
            + (allocator.now() - when)
            + " cpu="
            + memory.readInt(trackPa + SlubLayout.TRACK_CPU)
            + " pid="
            + memory.readInt(trackPa + SlubLayout.TRACK_PID));
  }

  /**
   * {@code print_slab_info}. The flags word names PG_slab and PG_head and the zone. The bit values
   * are approximate: PG_slab is printed as bit 9 and PG_head as bit 6, but their places in {@code
   * enum pageflags} (include/linux/page-flags.h) differ between kernel versions and configurations,
   * so a real kernel's word may differ; the zone sits in the top bits, where page_zonenum reads it.
   */
  void slabInfoLine(SlubReport r, int slab) {
    long pfn = table.pfn(slab);
    int zone = Zone.of(pfn).ordinal();
    boolean head = table.order[slab] > 0;
    long pageFlags = 0x200L | (head ? 0x40L : 0) | ((long) zone << 62);
    long fl = table.freelist[slab];
    r.line(
        "Slab 0x"
            + SlubReport.hex16(SlubReport.slabPointer(pfn))
            + " objects="
            + table.objects[slab]
            + " used="
            + inuseOf(slab)
            + " fp=0x"
            + SlubReport.hex16(fl)
            + " flags=0x"
            + Long.toHexString(pageFlags)
            + "(slab"
            + (head ? "|head" : "")
            + "|node=0|zone="
            + zone
            + ")");
  }

  private SlabBugException alreadyFree(int slab, long addr) {
    SlubReport r = new SlubReport().bug(name, "Object already free");
    trailer(r, slab, addr);
    r.fix(name, "Object at 0x" + SlubReport.hex16(addr) + " not freed");
    return new SlabBugException(addr, name, "Object already free", r.lines());
  }

  private SlabBugException invalidPointer(int slab, long addr) {
    String reason = "Invalid object pointer 0x" + SlubReport.hex16(addr);
    SlubReport r = new SlubReport().bug(name, reason);
    slabInfoLine(r, slab);
    r.fix(name, "Object at 0x" + SlubReport.hex16(addr) + " not freed");
    return new SlabBugException(addr, name, reason, r.lines());
  }

  private SlabBugException freelistCorrupt(int slab, long obj) {
    SlubReport r = new SlubReport().bug(name, "Freepointer corrupt");
    slabInfoLine(r, slab);
    r.line("Freelist entry 0x" + SlubReport.hex16(obj) + " is not a free object of this slab");
    return new SlabBugException(obj, name, "Freepointer corrupt", r.lines());
  }

  private IllegalArgumentException badCpu(int cpu) {
    return new IllegalArgumentException("cpu " + cpu + " is outside [0, " + nrCpus + ")");
  }

  void checkUsable() {
    if (destroyed) {
      throw new BadCacheException(name, "kmem cache " + name + " has been destroyed");
    }
  }

  // ================================================================ validate

  /** {@code validate_slab}: checks one slab, adding the report lines of what is wrong. */
  private void validateSlab(int slab, List<String> out) {
    SlabTable t = table;
    if ((flags & SlabFlags.POISON) != 0) {
      long span = t.span[slab];
      long remainder = span % size;
      if (remainder != 0) {
        long start = KernelLayout.pa(t.base[slab]);
        long pad = start + span - remainder;
        if (!memory.allEqual(pad, remainder, POISON_INUSE)) {
          long fault = pad;
          while (memory.readByte(fault) == POISON_INUSE) {
            fault++;
          }
          long end = start + span;
          while (end > fault && memory.readByte(end - 1) == POISON_INUSE) {
            end--;
          }
          SlubReport r =
              new SlubReport()
                  .bug(
                      name,
                      "Padding overwritten. 0x"
                          + SlubReport.hex16(KernelLayout.va(fault))
                          + "-0x"
                          + SlubReport.hex16(KernelLayout.va(end - 1))
                          + " @offset="
                          + (fault - start));
          slabInfoLine(r, slab);
          r.hexDump("Padding ", KernelLayout.va(pad), remainder, memory);
          out.addAll(r.lines());
        }
      }
    }
    // walk the freelists (the slab's own, and the CPU's if it is a CPU slab)
    int objects = t.objects[slab];
    long[] free = new long[(objects + 63) >>> 6];
    int counted = 0;
    boolean chainOk = true;
    long[] heads = {
      t.freelist[slab], t.state[slab] == SlabTable.STATE_CPU ? cpus[t.cpu[slab]].freelist : 0
    };
    for (long head : heads) {
      long prevObj = 0;
      long fp = head;
      while (fp != 0 && chainOk) {
        int idx = objectIndex(slab, fp);
        if (idx < 0) {
          SlubReport r;
          if (prevObj == 0) {
            r = new SlubReport().bug(name, "Freepointer corrupt");
            slabInfoLine(r, slab);
          } else {
            r = new SlubReport().bug(name, "Freechain corrupt");
            trailer(r, slab, prevObj);
          }
          out.addAll(r.lines());
          chainOk = false;
          break;
        }
        if ((free[idx >>> 6] & (1L << idx)) != 0) {
          SlubReport r = new SlubReport().bug(name, "Freelist cycle detected");
          slabInfoLine(r, slab);
          out.addAll(r.lines());
          chainOk = false;
          break;
        }
        free[idx >>> 6] |= 1L << idx;
        counted++;
        prevObj = fp;
        fp = memory.readLong(KernelLayout.pa(fp) + offset);
      }
    }
    if (!chainOk) {
      return;
    }
    if (inuseOf(slab) != objects - counted) {
      SlubReport r =
          new SlubReport()
              .bug(
                  name,
                  "Wrong object count. Counter is "
                      + inuseOf(slab)
                      + " but counted were "
                      + (objects - counted));
      slabInfoLine(r, slab);
      out.addAll(r.lines());
      return;
    }
    if (!debug) {
      return;
    }
    for (int i = 0; i < objects; i++) {
      long obj = objectAt(slab, i);
      boolean isFree = (free[i >>> 6] & (1L << i)) != 0;
      List<String> bad =
          checkObject(
              slab, obj, isFree ? RED_INACTIVE : RED_ACTIVE, isFree ? objectSize : origSizeOf(obj));
      if (bad != null) {
        out.addAll(bad);
        return;
      }
    }
  }

  // ================================================================ statistics and invariants

  long nrPages() {
    return nrPages;
  }

  /** {@code alloc_fastpath}: allocations from a CPU freelist, summed over the CPUs. */
  long allocFastpath() {
    long n = 0;
    for (CpuCache c : cpus) {
      n += c.allocFastpath;
    }
    return n;
  }

  /** {@code free_fastpath}: frees onto a CPU freelist, summed over the CPUs. */
  long freeFastpath() {
    long n = 0;
    for (CpuCache c : cpus) {
      n += c.freeFastpath;
    }
    return n;
  }

  long nrSlabs() {
    return nrSlabs;
  }

  int nrPartial() {
    return nrPartial;
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
    int[] out = new int[nrPartial];
    int i = 0;
    for (int s = table.next[partialList]; s != partialList; s = table.next[s]) {
      out[i++] = s;
    }
    return out;
  }

  /** Recomputes every counter and list of this cache; throws AssertionError on a mismatch. */
  void checkInvariants() {
    SlabTable t = table;
    long slabs = 0;
    long objs = 0;
    long pagesHeld = 0;
    for (int s = 1; s < t.idLimit(); s++) {
      if (t.cache[s] != this) {
        continue;
      }
      slabs++;
      objs += t.objects[s];
      pagesHeld += 1L << t.order[s];
      checkSlab(s);
    }
    check(
        slabs == nrSlabs && objs == totalObjects && pagesHeld == nrPages,
        "counters: slabs %d/%d" + " objects %d/%d pages %d/%d",
        slabs,
        nrSlabs,
        objs,
        totalObjects,
        pagesHeld,
        nrPages);
    // node partial list and full list: links both ways (IntList), then each entry's state
    check(
        t.state[partialList] == SlabTable.STATE_LIST_HEAD
            && t.state[fullList] == SlabTable.STATE_LIST_HEAD,
        "list heads %d and %d",
        partialList,
        fullList);
    int n = IntList.checkedLength(t.next, t.prev, partialList, (int) nrSlabs);
    check(n == nrPartial, "nr_partial %d counted %d", nrPartial, n);
    for (int s = t.next[partialList]; s != partialList; s = t.next[s]) {
      check(
          t.cache[s] == this && t.state[s] == SlabTable.STATE_NODE_PARTIAL,
          "partial list entry %d state %s",
          s,
          t.state[s]);
      check(
          t.freelist[s] != 0 && t.inuse[s] < t.objects[s], "partial slab %d has no free object", s);
    }
    n = IntList.checkedLength(t.next, t.prev, fullList, (int) nrSlabs);
    check(n == nrFull, "nr_full %d counted %d", nrFull, n);
    for (int s = t.next[fullList]; s != fullList; s = t.next[s]) {
      check(
          t.cache[s] == this && t.state[s] == SlabTable.STATE_FULL_TRACKED,
          "full list entry %d",
          s);
    }
    for (int cpu = 0; cpu < nrCpus; cpu++) {
      int c = cpus[cpu].slab;
      check(
          c == 0 || (t.cache[c] == this && t.state[c] == SlabTable.STATE_CPU && t.cpu[c] == cpu),
          "cpu %d slab %d",
          cpu,
          c);
      check(c != 0 || cpus[cpu].freelist == 0, "cpu %d has a freelist but no slab", cpu);
      check(!debug || c == 0, "debug cache with a cpu slab");
      int k = 0;
      for (int s = cpus[cpu].partial; s != 0; s = t.next[s]) {
        check(
            t.cache[s] == this
                && t.state[s] == SlabTable.STATE_CPU_PARTIAL
                && t.cpu[s] == cpu
                && t.inuse[s] < t.objects[s],
            "cpu %d partial entry %d",
            cpu,
            s);
        check(++k <= nrSlabs, "cpu partial list cycles");
      }
      check(
          k == cpus[cpu].partialCount,
          "cpu %d partial count %d counted %d",
          cpu,
          cpus[cpu].partialCount,
          k);
    }
  }

  private void checkSlab(int s) {
    SlabTable t = table;
    int objects = t.objects[s];
    int bits = 0;
    for (long w : t.allocBits[s]) {
      bits += Long.bitCount(w);
    }
    check(
        t.state[s] == SlabTable.STATE_CPU || bits == t.inuse[s],
        "slab %d: %d allocated bits but inuse %d",
        s,
        bits,
        t.inuse[s]);
    if (t.state[s] == SlabTable.STATE_CPU) {
      CpuCache c = cpus[t.cpu[s]];
      check(
          c.base == t.base[s] && c.limit == (long) objects * size && c.bits == t.allocBits[s],
          "cpu %d copies of slab %d are stale",
          t.cpu[s],
          s);
    }
    check(objects == SlubLayout.orderObjects(t.order[s], size), "slab %d: objects %d", s, objects);
    long pfn = t.pfn(s);
    for (long f = pfn; f < pfn + (1L << t.order[s]); f++) {
      check(t.owner[(int) f] == s, "frame %d of slab %d maps to %d", f, s, t.owner[(int) f]);
    }
    int free = countChain(s, t.freelist[s]);
    if (t.state[s] == SlabTable.STATE_CPU) {
      free += countChain(s, cpus[t.cpu[s]].freelist);
    }
    check(
        free + bits == objects,
        "slab %d (%s): %d free on lists + %d allocated != %d objects",
        s,
        SlabTable.stateName(t.state[s]),
        free,
        bits,
        objects);
    byte st = t.state[s];
    check(st != SlabTable.STATE_UNUSED, "slab %d on no list", s);
    if (st == SlabTable.STATE_FULL || st == SlabTable.STATE_FULL_TRACKED) {
      check(bits == objects, "full slab %d has free objects", s);
    }
  }

  private int countChain(int s, long head) {
    int n = 0;
    long fp = head;
    while (fp != 0) {
      int idx = objectIndex(s, fp);
      check(idx >= 0, "slab %d: freelist entry 0x%x is no object", s, fp);
      check(!table.isAllocated(s, idx), "slab %d: allocated object 0x%x on a freelist", s, fp);
      check(++n <= table.objects[s], "slab %d: freelist cycles", s);
      fp = memory.readLong(KernelLayout.pa(fp) + offset);
    }
    return n;
  }

  private void check(boolean ok, String fmt, Object... args) {
    if (!ok) {
      throw new AssertionError(
          "SLUB cache "
              + name
              + ": "
              + String.format(fmt, args)
              + " [slabs="
              + nrSlabs
              + " objects="
              + totalObjects
              + " pages="
              + nrPages
              + " nr_partial="
              + nrPartial
              + " nr_full="
              + nrFull
              + "]");
    }
  }

  /** Thrown for frees of addresses that are not objects of any slab. */
  static BadAddressException notASlabObject(String who, long addr) {
    return new BadAddressException(
        addr,
        String.format(
            "%s: 0x%016x is not an object of any slab (Object is not a Slab page!)", who, addr));
  }

  /**
   * {@code struct kmem_cache_cpu}: one CPU's current slab, with copies of the slab's base, the
   * bytes its objects cover and its allocated bits so that the fast paths read one object, and the
   * CPU partial list. Without a CPU slab: slab, freelist, base and limit are 0 and bits is null.
   */
  private static final class CpuCache {
    /** Head of the CPU freelist, 0 = empty. */
    long freelist;

    /** The CPU slab's id, 0 = none. */
    int slab;

    long base;

    /** objects * size: an object's offset from base is below it (unsigned). */
    long limit;

    long[] bits;

    /** Head of the CPU partial list (linked through the slab table's next), 0 = empty. */
    int partial;

    int partialCount;

    /** {@code ALLOC_FASTPATH} and {@code FREE_FASTPATH} of this CPU. */
    long allocFastpath;

    long freeFastpath;
  }
}
