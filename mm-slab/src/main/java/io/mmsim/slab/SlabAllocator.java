package io.mmsim.slab;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.NumaTopology;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.object.KmallocSizes;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.object.ObjectConstructor;
import io.mmsim.api.object.SlabAlignment;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.api.trace.Tracer;

/**
 * The SLAB object allocator (Linux 6.7 and earlier; deprecated in 6.5, removed in 6.8): kmem caches
 * with per-CPU array caches over any {@link PageAllocator}, plus kmalloc.
 *
 * <h2>kmalloc</h2>
 *
 * Size classes from {@link KmallocSizes} with SLAB's smallest class 32 ({@code KMALLOC_SHIFT_LOW}
 * 5): kmalloc-32 .. kmalloc-8k plus kmalloc-96 and kmalloc-192. As in the kernel, the kmalloc
 * caches are created with {@code SLAB_HWCACHE_ALIGN} ({@code ARCH_KMALLOC_FLAGS}), and each class
 * exists three times by GFP type ({@code kmalloc_type}): {@code kmalloc-*} for ordinary requests,
 * {@code kmalloc-rcl-*} ({@code SLAB_RECLAIM_ACCOUNT}) for {@code __GFP_RECLAIMABLE} and {@code
 * dma-kmalloc-*} ({@code SLAB_CACHE_DMA}) for {@code __GFP_DMA}. The memory-cgroup variant {@code
 * kmalloc-cg-*} is not modelled ({@code __GFP_ACCOUNT} uses the ordinary caches). Requests above 8
 * KiB take {@code get_order(size)} pages straight from the page allocator; the page map remembers
 * the order, so {@code kfree} and {@code ksize} work on them and they count as unreclaimable slab
 * memory, as {@code kmalloc_large} accounts them.
 *
 * <h2>Page lookup</h2>
 *
 * {@link SlabPageMap} maps every frame this allocator holds to its cache and slab, so a free finds
 * and validates its object with two array loads, a multiply and a bit test.
 *
 * <h2>Cache list</h2>
 *
 * Caches are listed newest first, as the kernel's {@code slab_caches} list (new caches are added at
 * its head) prints in /proc/slabinfo. The kmalloc caches are created in the kernel's order: first
 * the class holding {@code struct kmem_cache_node} (kmalloc-128), then every class from small to
 * large, ordinary, reclaimable, DMA. SLAB never merges caches in this simulator.
 *
 * <h2>Not modelled</h2>
 *
 * The caches' own metadata ({@code struct kmem_cache}, {@code kmem_cache_node}, array caches) is
 * not allocated from simulated memory; periodic reaping ({@code cache_reap}) does not run, since
 * the simulator has no clock ({@link KmemCache#shrink} is the way to give memory back), so alien
 * caches are emptied only when full or shrunk ({@code reap_alien} never runs); memory policies for
 * slab objects ({@code alternate_node_alloc}) and {@code kmem_cache_alloc_node}; {@code
 * CONFIG_DEBUG_SLAB} red zones and poisoning (debug flags are accepted and reported but change
 * nothing); {@code SLAB_TYPESAFE_BY_RCU} slabs are freed at once.
 *
 * <p>Not thread-safe: one kernel, one thread; {@code cpu} selects the simulated CPU.
 */
final class SlabAllocator implements ObjectAllocator {
  private static final Logger LOG = LoggerFactory.getLogger(SlabAllocator.class);

  /** {@code kmalloc_type}: ordinary. */
  static final int KMALLOC_NORMAL = 0;

  /** {@code kmalloc_type}: {@code __GFP_RECLAIMABLE}. */
  static final int KMALLOC_RECLAIM = 1;

  /** {@code kmalloc_type}: {@code __GFP_DMA}. */
  static final int KMALLOC_DMA = 2;

  private static final String[] TYPE_PREFIX = {"kmalloc-", "kmalloc-rcl-", "dma-kmalloc-"};
  private static final int[] TYPE_FLAGS = {0, SlabFlags.RECLAIM_ACCOUNT, SlabFlags.CACHE_DMA};

  /** {@code ARCH_KMALLOC_FLAGS} of SLAB. */
  static final int ARCH_KMALLOC_FLAGS = SlabFlags.HWCACHE_ALIGN;

  /** {@code ARCH_KMALLOC_MINALIGN} on x86-64. */
  private static final int ARCH_KMALLOC_MINALIGN = 8;

  /** The kmalloc class of {@code struct kmem_cache_node}, created first. */
  private static final int INDEX_NODE = 7;

  /** Requests up to this size look their class up in a table ({@code size_index}). */
  private static final int SIZE_INDEX_MAX = 192;

  /** {@code ZERO_OR_NULL_PTR}: kfree ignores these. */
  private static final long ZERO_SIZE_PTR = 16;

  private final MemoryContext ctx;

  /** The kernel's tracer (kmalloc, kfree, kmem_cache_* and the slab steps). */
  final Tracer trace;

  private final PageAllocator pages;
  private final PhysicalMemory memory;
  private final int cpus;
  private final NumaTopology numa;
  private final int slabMaxOrder;
  private final SlabPageMap map;

  /** Caches by id (index); destroyed caches leave {@code null}. */
  private final ArrayList<SlabCache> byId = new ArrayList<>();

  /** Live caches in creation order (slabinfo prints them reversed). */
  private final ArrayList<SlabCache> created = new ArrayList<>();

  private final Map<String, SlabCache> byName = new HashMap<>();
  private final SlabCache[][] kmallocCaches =
      new SlabCache[TYPE_PREFIX.length][KmallocSizes.NR_KMALLOC_INDEX];
  private final byte[] sizeIndex = new byte[SIZE_INDEX_MAX / 8];

  private long largeBlocks;
  private long largePages;
  private long largeAllocs;
  private long largeFailures;

  SlabAllocator(MemoryContext ctx, int slabMaxOrder) {
    this.ctx = ctx;
    this.trace = ctx.tracer();
    this.pages = ctx.pageAllocator();
    this.memory = ctx.memory();
    this.cpus = ctx.layout().cpus();
    this.numa = ctx.layout().numa();
    this.slabMaxOrder = slabMaxOrder;
    this.map = new SlabPageMap(memory.frames());
    for (int i = 0; i < sizeIndex.length; i++) {
      sizeIndex[i] = (byte) KmallocSizes.index(i * 8L + 8, KmallocSizes.KMALLOC_SHIFT_LOW_SLAB);
    }
    createKmallocCache(KMALLOC_NORMAL, INDEX_NODE);
    for (int type = KMALLOC_NORMAL; type <= KMALLOC_DMA; type++) {
      for (int idx : KmallocSizes.indices(KmallocSizes.KMALLOC_SHIFT_LOW_SLAB)) {
        if (kmallocCaches[type][idx] == null) {
          createKmallocCache(type, idx);
        }
      }
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "SLAB: {} kmalloc caches, slab_max_order {}, {} cpus",
          created.size(),
          slabMaxOrder,
          cpus);
    }
  }

  // ------------------------------------------------------------------ collaborators for caches

  SlabPageMap pageMap() {
    return map;
  }

  PhysicalMemory memory() {
    return memory;
  }

  PageAllocator pageAllocator() {
    return pages;
  }

  int cpus() {
    return cpus;
  }

  /** The machine's NUMA nodes. */
  NumaTopology numa() {
    return numa;
  }

  int slabMaxOrder() {
    return slabMaxOrder;
  }

  String caller() {
    return ctx.caller();
  }

  /** The caller the trace names as {@code call_site}: the workload line, or {@code api}. */
  String callSite() {
    String caller = ctx.caller();
    return caller == null ? "api" : caller;
  }

  /** {@code alloc_slabmgmt} for OFF_SLAB caches: a kmalloc object holding a freelist. */
  long allocFreelist(int cpu, int bytes, int gfp) {
    return kmalloc(cpu, bytes, gfp & ~(Gfp.DMA | Gfp.RECLAIMABLE | Gfp.ZERO));
  }

  /** Frees an off-slab freelist when its slab is destroyed. */
  void freeFreelist(int cpu, long addr) {
    kfree(cpu, addr);
  }

  void unregister(SlabCache c) {
    created.remove(c);
    byName.remove(c.name());
    byId.set(c.id(), null);
  }

  // ------------------------------------------------------------------ caches

  @Override
  public String name() {
    return "slab";
  }

  @Override
  public KmemCache kmemCacheCreate(
      String name, int size, int align, int flags, ObjectConstructor ctor) {
    if (name == null || name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "kmem_cache_create: invalid cache name '"
              + name
              + "' (must be non-empty without white space)");
    }
    if (byName.containsKey(name)) {
      throw new IllegalArgumentException(
          "kmem_cache_create(" + name + "): a cache of that name exists");
    }
    if (size < 1 || size > KmallocSizes.KMALLOC_MAX_SIZE) {
      throw new IllegalArgumentException(
          "kmem_cache_create("
              + name
              + "): size "
              + size
              + " is outside [1, "
              + KmallocSizes.KMALLOC_MAX_SIZE
              + "]");
    }
    if (align < 0 || align != 0 && Integer.bitCount(align) != 1) {
      throw new IllegalArgumentException(
          "kmem_cache_create(" + name + "): alignment " + align + " is not 0 or a power of two");
    }
    int a = SlabAlignment.calculateAlignment(flags, align, size);
    CacheGeometry g = geometry(name, size, a, flags, ctor != null);
    return register(name, flags, g, ctor, false);
  }

  @Override
  public KmemCache findCache(String name) {
    return byName.get(name);
  }

  @Override
  public List<KmemCache> caches() {
    List<KmemCache> out = new ArrayList<>(created.size());
    for (int i = created.size() - 1; i >= 0; i--) {
      out.add(created.get(i));
    }
    return Collections.unmodifiableList(out);
  }

  /** The kmalloc cache of class {@code index} and type {@code type} (for tests and tools). */
  SlabCache kmallocCache(int type, int index) {
    return kmallocCaches[type][index];
  }

  private SlabCache createKmallocCache(int type, int idx) {
    int size = KmallocSizes.size(idx);
    String name = TYPE_PREFIX[type] + KmallocSizes.name(idx).substring("kmalloc-".length());
    int flags = ARCH_KMALLOC_FLAGS | TYPE_FLAGS[type];
    // create_boot_cache: power-of-two kmalloc sizes are naturally aligned
    int align =
        Integer.bitCount(size) == 1 ? Math.max(ARCH_KMALLOC_MINALIGN, size) : ARCH_KMALLOC_MINALIGN;
    int a = SlabAlignment.calculateAlignment(flags, align, size);
    SlabCache c = register(name, flags, geometry(name, size, a, flags, false), null, true);
    kmallocCaches[type][idx] = c;
    return c;
  }

  private CacheGeometry geometry(String name, int size, int align, int flags, boolean ctor) {
    CacheGeometry g =
        CacheGeometry.compute(size, align, flags, ctor, slabMaxOrder, this::freelistCacheSize);
    if (g == null) {
      throw new IllegalArgumentException(
          "kmem_cache_create("
              + name
              + ") failed with error -7"
              + " (E2BIG): no slab of order <= "
              + CacheGeometry.MAX_ORDER
              + " holds an object of "
              + size
              + " bytes");
    }
    return g;
  }

  /** {@code kmalloc_slab(bytes)->size}, or -1 when that cache is missing or off-slab. */
  private int freelistCacheSize(int bytes) {
    int idx = kmallocIndex(bytes);
    SlabCache c = idx <= 0 ? null : kmallocCaches[KMALLOC_NORMAL][idx];
    if (c == null || c.geometry().mode == CacheGeometry.MODE_OFF_SLAB) {
      return -1;
    }
    return c.size();
  }

  private SlabCache register(
      String name, int flags, CacheGeometry g, ObjectConstructor ctor, boolean kmalloc) {
    SlabCache c = new SlabCache(this, byId.size(), name, flags, g, ctor, kmalloc);
    byId.add(c);
    created.add(c);
    byName.put(name, c);
    if (LOG.isDebugEnabled()) {
      LOG.debug("kmem_cache_create {}", c);
    }
    return c;
  }

  // ------------------------------------------------------------------ kmalloc

  private int kmallocIndex(long size) {
    if (size <= SIZE_INDEX_MAX) {
      return sizeIndex[(int) (size - 1) >>> 3];
    }
    return 64 - Long.numberOfLeadingZeros(size - 1);
  }

  private static int kmallocType(int gfp) {
    if ((gfp & (Gfp.DMA | Gfp.RECLAIMABLE)) == 0) {
      return KMALLOC_NORMAL;
    }
    return (gfp & Gfp.DMA) != 0 ? KMALLOC_DMA : KMALLOC_RECLAIM;
  }

  /** The cache kmalloc uses for {@code size} bytes and {@code gfp}, or null above 8 KiB. */
  SlabCache kmallocSlab(long size, int gfp) {
    if (size < 1 || size > KmallocSizes.KMALLOC_MAX_CACHE_SIZE) {
      return null;
    }
    return kmallocCaches[kmallocType(gfp)][kmallocIndex(size)];
  }

  @Override
  public long kmalloc(int cpu, long size, int gfp) {
    if (size <= KmallocSizes.KMALLOC_MAX_CACHE_SIZE && size > 0) {
      SlabCache c = kmallocCaches[kmallocType(gfp)][kmallocIndex(size)];
      long obj = c.allocate(cpu, gfp);
      if (trace.on()) {
        trace.kmalloc(cpu, callSite(), obj, size, c.size(), gfp, Tracer.NUMA_NO_NODE);
      }
      return obj;
    }
    if (size <= 0 || size > KmallocSizes.KMALLOC_MAX_SIZE) {
      throw new IllegalArgumentException(
          "kmalloc: size " + size + " is outside [1, " + KmallocSizes.KMALLOC_MAX_SIZE + "]");
    }
    long obj = kmallocLarge(cpu, size, gfp);
    if (trace.on()) {
      long bytes = obj == 0 ? 0 : (long) Page.PAGE_SIZE << KmallocSizes.largeOrder(size);
      trace.kmalloc(cpu, callSite(), obj, size, bytes, gfp, Tracer.NUMA_NO_NODE);
    }
    return obj;
  }

  /** {@code kmalloc_large}: whole pages from the page allocator. */
  private long kmallocLarge(int cpu, long size, int gfp) {
    checkCpu(cpu);
    int order = KmallocSizes.largeOrder(size);
    largeAllocs++;
    // kmalloc_fix_flags: __GFP_DMA32 and __GFP_HIGHMEM are not for kmalloc (GFP_SLAB_BUG_MASK)
    long pfn = pages.allocPages(cpu, (gfp & ~(Gfp.DMA32 | Gfp.HIGHMEM)) | Gfp.COMP, order);
    if (pfn == PageAllocator.NO_PAGE) {
      largeFailures++;
      return 0;
    }
    int n = 1 << order;
    map.set(pfn, 1, SlabPageMap.entry(SlabPageMap.LARGE_HEAD, order));
    for (int i = 1; i < n; i++) {
      map.set(pfn + i, 1, SlabPageMap.entry(SlabPageMap.LARGE_TAIL, i));
    }
    largeBlocks++;
    largePages += n;
    long phys = Page.pfnToPhys(pfn);
    if ((gfp & Gfp.ZERO) != 0) {
      memory.fill(phys, (long) n << Page.PAGE_SHIFT, (byte) 0);
    }
    return KernelLayout.va(phys);
  }

  @Override
  public void kfree(int cpu, long addr) {
    if (trace.on()) {
      trace.kfree(cpu, callSite(), addr);
    }
    if (KmallocSizes.zeroOrNullPtr(addr)) {
      return;
    }
    checkCpu(cpu);
    long e = map.lookup(addr);
    int tag = SlabPageMap.tag(e);
    SlabCache c = tag > 0 && tag <= byId.size() ? byId.get(tag - 1) : null;
    if (c != null) {
      c.release(cpu, c.handle(addr, SlabPageMap.value(e), "kfree"));
      return;
    }
    if (tag == SlabPageMap.LARGE_HEAD && (addr & Page.PAGE_OFFSET_MASK) == 0) {
      int order = SlabPageMap.value(e);
      long pfn = Page.physToPfn(KernelLayout.pa(addr));
      map.set(pfn, 1 << order, SlabPageMap.NONE);
      largeBlocks--;
      largePages -= 1L << order;
      pages.freePages(cpu, pfn, order);
      return;
    }
    throw notAnObject("kfree", addr, e);
  }

  @Override
  public long ksize(long addr) {
    if (KmallocSizes.zeroOrNullPtr(addr)) {
      return 0;
    }
    long e = map.lookup(addr);
    int tag = SlabPageMap.tag(e);
    SlabCache c = tag > 0 && tag <= byId.size() ? byId.get(tag - 1) : null;
    if (c != null) {
      c.handle(addr, SlabPageMap.value(e), "ksize");
      return c.usableSize();
    }
    if (tag == SlabPageMap.LARGE_HEAD && (addr & Page.PAGE_OFFSET_MASK) == 0) {
      return (long) Page.PAGE_SIZE << SlabPageMap.value(e);
    }
    throw notAnObject("ksize", addr, e);
  }

  /** The exception for a kmem_cache_free whose object is not in {@code c}. */
  BadAddressException notThisCache(SlabCache c, long addr, long e) {
    int tag = SlabPageMap.tag(e);
    if (tag > 0 && tag <= byId.size() && byId.get(tag - 1) != null) {
      return new BadAddressException(
          addr,
          "kmem_cache_free: Wrong slab cache. "
              + c.name()
              + " but object is from "
              + byId.get(tag - 1).name()
              + " (object "
              + SlabCache.hex(addr)
              + ")");
    }
    return notAnObject("kmem_cache_free(" + c.name() + ")", addr, e);
  }

  private BadAddressException notAnObject(String func, long addr, long e) {
    int tag = SlabPageMap.tag(e);
    String why;
    if (tag == SlabPageMap.LARGE_HEAD || tag == SlabPageMap.LARGE_TAIL) {
      long head =
          tag == SlabPageMap.LARGE_HEAD
              ? addr & -Page.PAGE_SIZE
              : (addr & -Page.PAGE_SIZE) - ((long) SlabPageMap.value(e) << Page.PAGE_SHIFT);
      why =
          tag == SlabPageMap.LARGE_HEAD && !func.startsWith("kfree") && !func.equals("ksize")
              ? "it is a large kmalloc block, not a slab object"
              : "inside the large kmalloc block at " + SlabCache.hex(head);
    } else if (addr > 0 && addr <= ZERO_SIZE_PTR) {
      why = "ZERO_SIZE_PTR / NULL-page pointer";
    } else if (!KernelLayout.inDirectMap(addr, memory.size())) {
      why = "not a direct-map address of this machine";
    } else {
      why =
          "Object is not a Slab page (page frame "
              + Page.physToPfn(KernelLayout.pa(addr))
              + " does not belong to the SLAB allocator)";
    }
    return new BadAddressException(
        addr, func + ": Invalid object pointer " + SlabCache.hex(addr) + ": " + why);
  }

  // ------------------------------------------------------------------ whole-allocator views

  @Override
  public long shrinkAll() {
    long freed = 0;
    // newest first, as the kernel walks slab_caches: off-slab freelists of user caches land in
    // kmalloc caches, which come later in that order and give those pages back too
    for (int i = created.size() - 1; i >= 0; i--) {
      freed += created.get(i).shrink();
    }
    return freed;
  }

  @Override
  public List<SlabInfo> slabinfo() {
    List<SlabInfo> out = new ArrayList<>(created.size());
    for (int i = created.size() - 1; i >= 0; i--) {
      out.add(created.get(i).info());
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public void describeFrames(FrameMap frames) {
    for (long pfn = 0; pfn < map.frames(); pfn++) {
      long e = map.get(pfn);
      int tag = SlabPageMap.tag(e);
      if (tag == SlabPageMap.LARGE_HEAD) {
        frames.markBlock(pfn, SlabPageMap.value(e), FrameUse.KMALLOC_LARGE, "kmalloc (large)");
      } else if (tag > 0 && tag != SlabPageMap.LARGE_TAIL) {
        SlabCache c = tag <= byId.size() ? byId.get(tag - 1) : null;
        frames.mark(pfn, 1, FrameUse.SLAB, c != null ? c.name() : null);
      }
    }
  }

  @Override
  public long reclaimablePages() {
    long n = 0;
    for (SlabCache c : created) {
      if ((c.flags() & SlabFlags.RECLAIM_ACCOUNT) != 0) {
        n += c.pagesHeld();
      }
    }
    return n;
  }

  @Override
  public long unreclaimablePages() {
    long n = largePages;
    for (SlabCache c : created) {
      if ((c.flags() & SlabFlags.RECLAIM_ACCOUNT) == 0) {
        n += c.pagesHeld();
      }
    }
    return n;
  }

  @Override
  public Statistics statistics() {
    long slabs = 0;
    long slabPages = 0;
    long activeObjs = 0;
    long numObjs = 0;
    long live = 0;
    long refills = 0;
    long flushes = 0;
    long grown = 0;
    long freed = 0;
    long failures = 0;
    long alienFrees = 0;
    long alienDrains = 0;
    long fallbacks = 0;
    for (SlabCache c : created) {
      alienFrees += c.numaPaths.alienFrees();
      alienDrains += c.numaPaths.alienDrains();
      fallbacks += c.numaPaths.fallbackAllocs();
      SlabInfo i = c.info();
      slabs += c.slabCount();
      slabPages += c.pagesHeld();
      activeObjs += i.activeObjs();
      numObjs += i.numObjs();
      live += c.liveObjects();
      refills += c.refills();
      flushes += c.flushes();
      grown += c.grown();
      freed += c.slabsFreed();
      failures += c.growFailures();
    }
    return Statistics.builder()
        .put("caches", created.size())
        .put("slabs", slabs)
        .put("slab_pages", slabPages)
        .put("active_objs", activeObjs)
        .put("num_objs", numObjs)
        .put("objects_in_use", live)
        .put("array_refills", refills)
        .put("array_flushes", flushes)
        .put("slabs_grown", grown)
        .put("slabs_freed", freed)
        .put("grow_failures", failures)
        .put("alien_frees", alienFrees)
        .put("alien_drains", alienDrains)
        .put("fallback_allocs", fallbacks)
        .put("large_kmalloc_blocks", largeBlocks)
        .put("large_kmalloc_pages", largePages)
        .put("large_kmalloc_allocs", largeAllocs)
        .put("large_kmalloc_failures", largeFailures)
        .put("slab_max_order", slabMaxOrder)
        .build();
  }

  @Override
  public void checkInvariants() {
    // one pass over the page map: pages per cache, large kmalloc heads and tails
    long[] pagesByCache = new long[byId.size()];
    long heads = 0;
    long tails = 0;
    long headPages = 0;
    for (long pfn = 0; pfn < map.frames(); pfn++) {
      long e = map.get(pfn);
      if (e == SlabPageMap.NONE) {
        continue;
      }
      int tag = SlabPageMap.tag(e);
      if (tag == SlabPageMap.LARGE_HEAD) {
        heads++;
        int n = 1 << SlabPageMap.value(e);
        headPages += n;
        for (int i = 1; i < n; i++) {
          if (map.get(pfn + i) != SlabPageMap.entry(SlabPageMap.LARGE_TAIL, i)) {
            throw new AssertionError(
                "SLAB: large kmalloc block at pfn "
                    + pfn
                    + " order "
                    + SlabPageMap.value(e)
                    + " has a bad tail at page "
                    + i);
          }
        }
      } else if (tag == SlabPageMap.LARGE_TAIL) {
        tails++;
      } else if (tag < 1 || tag > byId.size() || byId.get(tag - 1) == null) {
        throw new AssertionError("SLAB: pfn " + pfn + " maps to unknown cache tag " + tag);
      } else {
        pagesByCache[tag - 1]++;
      }
    }
    if (heads != largeBlocks || headPages != largePages || heads + tails != largePages) {
      throw new AssertionError(
          "SLAB: large kmalloc: "
              + heads
              + " heads / "
              + tails
              + " tails in the page map, counters "
              + largeBlocks
              + " blocks / "
              + largePages
              + " pages");
    }
    for (SlabCache c : created) {
      if (c.isDestroyed() || byId.get(c.id()) != c || byName.get(c.name()) != c) {
        throw new AssertionError("SLAB: cache " + c.name() + " is listed but not registered");
      }
      c.checkInvariants(pagesByCache[c.id()]);
    }
    if (byName.size() != created.size()) {
      throw new AssertionError(
          "SLAB: " + byName.size() + " names for " + created.size() + " caches");
    }
  }

  private void checkCpu(int cpu) {
    if (cpu < 0 || cpu >= cpus) {
      throw new IllegalArgumentException("cpu " + cpu + " is outside [0, " + cpus + ")");
    }
  }
}
