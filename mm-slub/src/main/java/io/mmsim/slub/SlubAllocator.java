package io.mmsim.slub;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.ConfigurationException;
import io.mmsim.api.Sizes;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.NumaTopology;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.object.BadCacheException;
import io.mmsim.api.object.KmallocSizes;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.object.ObjectConstructor;
import io.mmsim.api.object.SlabAlignment;
import io.mmsim.api.object.SlabBugException;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.api.trace.Tracer;
import io.mmsim.api.util.Bits;

/**
 * The SLUB allocator: the kmalloc caches, cache creation with merging, large kmalloc, and the
 * page-to-slab map shared by every cache ({@code mm/slub.c}, {@code mm/slab_common.c}; per-CPU
 * slabs as in Linux 6.17 and before).
 *
 * <h2>Algorithm</h2>
 *
 * <ul>
 *   <li>At construction the kmalloc caches {@code kmalloc-8} .. {@code kmalloc-8k} (with 96 and
 *       192) are created, each with the debug flags {@code slub.debug} gives its name. A request of
 *       up to 8 KiB is routed by a 1024-entry table indexed by {@code (size - 1) / 8} to its class;
 *       larger requests (up to 4 MiB) take {@code 2^get_order(size)} pages straight from the page
 *       allocator and are marked in the page map so that kfree and ksize know them.
 *   <li>{@link #kmemCacheCreate} first looks for a cache to merge with ({@code find_mergeable}): no
 *       constructor, no debug, RCU or NO_MERGE flag on either side, the same RECLAIM_ACCOUNT /
 *       CACHE_DMA / ACCOUNT flags, an aligned size within one word below the existing cache's, the
 *       oldest such cache first. The kmalloc caches are merge targets (a kernel without
 *       CONFIG_HARDENED_USERCOPY, which would make them unmergeable).
 *   <li>Freeing finds the slab through the page map ({@code virt_to_slab}): one array read.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * Pages taken from the page allocator = pages of live slabs + pages of live large kmalloc blocks =
 * {@link #reclaimablePages()} + {@link #unreclaimablePages()}; every frame of those is marked in
 * the page map and no other frame is.
 *
 * <p>Not thread-safe: one kernel, one thread.
 */
final class SlubAllocator implements ObjectAllocator {
  static final String NAME = "slub";

  /** Where the caller ids of user tracking live, like kernel text addresses. */
  private static final long CALLER_BASE = 0xffffffff81000000L;

  /** Flags that never merge ({@code SLAB_NEVER_MERGE}). */
  private static final int NEVER_MERGE =
      SlabFlags.DEBUG_FLAGS | SlabFlags.TYPESAFE_BY_RCU | SlabFlags.NO_MERGE;

  /** Flags that must be equal to merge ({@code SLAB_MERGE_SAME}). */
  private static final int MERGE_SAME =
      SlabFlags.RECLAIM_ACCOUNT | SlabFlags.CACHE_DMA | SlabFlags.ACCOUNT;

  /** The flags {@link #kmemCacheCreate} accepts. */
  private static final int KNOWN_FLAGS =
      SlabFlags.CONSISTENCY_CHECKS
          | SlabFlags.RED_ZONE
          | SlabFlags.POISON
          | SlabFlags.HWCACHE_ALIGN
          | SlabFlags.CACHE_DMA
          | SlabFlags.STORE_USER
          | SlabFlags.PANIC
          | SlabFlags.TYPESAFE_BY_RCU
          | SlabFlags.TRACE
          | SlabFlags.NO_MERGE
          | SlabFlags.RECLAIM_ACCOUNT
          | SlabFlags.ACCOUNT;

  private final Logger log;
  final SlabTable table;

  final PhysicalMemory memory;
  final PageAllocator pages;
  final int nrCpus;

  /** NUMA nodes (one kmem_cache_node per node in every cache). */
  final int nrNodes;

  /** The node of each CPU, and each node's others by distance (get_any_partial's order). */
  private final int[] cpuNode;

  final int[][] nodeOrder;

  /** The node of each 4 MiB of memory (node ranges are multiples of it). */
  private final byte[] nodeOfChunk;

  private final MemoryContext ctx;

  /** The kernel's tracer (kmalloc, kfree, kmem_cache_* and the slab steps). */
  final Tracer trace;

  private final SlubTunables tunables;
  private final SlubDebugOptions debugOptions;

  /** Real caches in creation order ({@code slab_caches}, read backwards by slabinfo). */
  private final List<SlubCache> caches = new ArrayList<>();

  private final Map<String, KmemCache> byName = new HashMap<>();
  private final TreeMap<String, SlubAlias> aliases = new TreeMap<>();

  /** kmalloc cache for a request of s bytes at index (s - 1) >>> 3. */
  private final SlubCache[] kmallocBySize =
      new SlubCache[KmallocSizes.KMALLOC_MAX_CACHE_SIZE >>> 3];

  private long reclaimableSlabPages;
  private long unreclaimableSlabPages;
  private long largePages;
  private long largeAllocs;
  private long largeFrees;

  private long clock;
  private final List<String> callers = new ArrayList<>();
  private final Map<String, Integer> callerIds = new HashMap<>();

  /** {@code numa_mem_id()} on {@code cpu}. */
  int cpuNode(int cpu) {
    return cpuNode[cpu];
  }

  /** {@code slab_nid}: the node of the frame {@code pfn}. */
  int nodeOfPfn(long pfn) {
    return nodeOfChunk[(int) (pfn >>> Page.MAX_PAGE_ORDER)];
  }

  SlubAllocator(MemoryContext ctx) {
    this.ctx = ctx;
    this.trace = ctx.tracer();
    this.log =
        LoggerFactory.getLogger(
            ctx.loggerName() == null ? SlubAllocator.class.getName() : ctx.loggerName());
    this.memory = ctx.memory();
    this.pages = ctx.pageAllocator();
    this.nrCpus = ctx.layout().cpus();
    NumaTopology numa = ctx.layout().numa();
    this.nrNodes = numa.nodes();
    this.cpuNode = new int[nrCpus];
    for (int c = 0; c < nrCpus; c++) {
      cpuNode[c] = numa.cpuNode(c);
    }
    this.nodeOrder = new int[nrNodes][];
    for (int n = 0; n < nrNodes; n++) {
      nodeOrder[n] = numa.nodeOrder(n);
    }
    this.nodeOfChunk = new byte[(int) ((ctx.layout().frames() >>> Page.MAX_PAGE_ORDER) + 1)];
    for (int i = 0; i < nodeOfChunk.length; i++) {
      nodeOfChunk[i] =
          (byte) numa.nodeOf(Math.min((long) i << Page.MAX_PAGE_ORDER, ctx.layout().frames() - 1));
    }
    this.table = new SlabTable(ctx.memmap());
    Map<String, String> s = ctx.settings().asMap();
    this.debugOptions = SlubDebugOptions.parse(setting(s, "debug"), fullKey("debug"));
    int minOrder = intSetting(s, "min-order", 0, Page.MAX_PAGE_ORDER);
    int maxOrder = intSetting(s, "max-order", 0, Page.MAX_PAGE_ORDER);
    if (minOrder > maxOrder) {
      throw new ConfigurationException(
          fullKey("min-order"),
          fullKey("min-order")
              + " ("
              + minOrder
              + ") is above "
              + fullKey("max-order")
              + " ("
              + maxOrder
              + ")");
    }
    int minObjects = intSetting(s, "min-objects", 0, SlubLayout.MAX_OBJS_PER_PAGE);
    boolean nomerge = boolSetting(s, "nomerge");
    this.tunables = new SlubTunables(minOrder, maxOrder, minObjects, nomerge);
    for (int index : KmallocSizes.indices(KmallocSizes.KMALLOC_SHIFT_LOW)) {
      int size = KmallocSizes.size(index);
      int align = Bits.isPowerOfTwo(size) ? size : SlabAlignment.ARCH_SLAB_MINALIGN;
      SlubCache c = createReal(KmallocSizes.name(index), size, align, 0, null, true);
      for (int i = 0; i < kmallocBySize.length; i++) {
        if (kmallocBySize[i] == null && (i + 1) * 8 <= size) {
          kmallocBySize[i] = c;
        }
      }
    }
    if (debugOptions.enabled() && log.isDebugEnabled()) {
      log.debug("slub debug options: {}", debugOptions);
    }
  }

  /** The keys this allocator reads and their defaults. */
  static Map<String, String> defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("debug", "");
    m.put("nomerge", "false");
    m.put("min-order", "0");
    m.put("max-order", "3");
    m.put("min-objects", "0");
    return m;
  }

  private static String fullKey(String key) {
    return NAME + "." + key;
  }

  private static String setting(Map<String, String> s, String key) {
    String v = s.get(key);
    return v == null ? defaults().get(key) : v;
  }

  private static int intSetting(Map<String, String> s, String key, int min, int max) {
    String v = setting(s, key);
    long n;
    try {
      n = Sizes.parseNumber(v);
    } catch (NumberFormatException e) {
      throw new ConfigurationException(fullKey(key), fullKey(key) + ": " + e.getMessage());
    }
    if (n < min || n > max) {
      throw new ConfigurationException(
          fullKey(key), fullKey(key) + ": " + n + " is out of range [" + min + ", " + max + "]");
    }
    return (int) n;
  }

  private static boolean boolSetting(Map<String, String> s, String key) {
    String v = setting(s, key).trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "true", "1", "yes", "on" -> {
        return true;
      }
      case "false", "0", "no", "off" -> {
        return false;
      }
      default ->
          throw new ConfigurationException(
              fullKey(key), fullKey(key) + ": '" + v + "' is not a boolean (true or false)");
    }
  }

  // ================================================================ ObjectAllocator

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public KmemCache kmemCacheCreate(
      String name, int size, int align, int flags, ObjectConstructor ctor) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a kmem cache needs a name");
    }
    if (byName.containsKey(name)) {
      throw new IllegalArgumentException(
          "kmem_cache_create(" + name + "): a cache of that name" + " exists");
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
    if (align < 0 || (align != 0 && !Bits.isPowerOfTwo(align)) || align > Page.PAGE_SIZE) {
      throw new IllegalArgumentException(
          "kmem_cache_create("
              + name
              + "): align "
              + align
              + " is not 0 or a power of two up to "
              + Page.PAGE_SIZE);
    }
    if ((flags & ~KNOWN_FLAGS) != 0) {
      throw new IllegalArgumentException(
          String.format("kmem_cache_create(%s): unknown flags 0x%x", name, flags & ~KNOWN_FLAGS));
    }
    int f = flags | debugOptions.flagsFor(name);
    SlubCache target = findMergeable(size, align, f, ctor);
    if (target != null) {
      target.refcount++;
      target.objectSize = Math.max(target.objectSize, size);
      SlubAlias alias = new SlubAlias(name, size, target);
      aliases.put(name, alias);
      byName.put(name, alias);
      return alias;
    }
    return createReal(name, size, align, f, ctor, false);
  }

  private SlubCache createReal(
      String name, int size, int align, int flags, ObjectConstructor ctor, boolean kmalloc) {
    int f = flags | (kmalloc ? debugOptions.flagsFor(name) : 0);
    int a = SlabAlignment.calculateAlignment(f, align, size);
    SlubLayout layout = SlubLayout.of(size, a, f, ctor != null, kmalloc, tunables, nrCpus);
    if (layout != null
        && debugOptions.skipHigherOrder()
        && (f & (SlabFlags.RED_ZONE | SlabFlags.STORE_USER)) != 0
        && Page.getOrder(layout.size) > Page.getOrder(size)) {
      f &= ~(SlabFlags.RED_ZONE | SlabFlags.STORE_USER);
      layout = SlubLayout.of(size, a, f, ctor != null, kmalloc, tunables, nrCpus);
    }
    if (layout == null) {
      throw new IllegalArgumentException(
          "kmem_cache_create("
              + name
              + "): objects of "
              + size
              + " bytes do not fit a slab of order "
              + Page.MAX_PAGE_ORDER);
    }
    String id = unmergeable(f, ctor) ? null : uniqueId(f, layout.size);
    SlubCache c = new SlubCache(this, name, layout, ctor, kmalloc, id);
    caches.add(c);
    byName.put(name, c);
    return c;
  }

  private boolean unmergeable(int flags, ObjectConstructor ctor) {
    return tunables.nomerge() || (flags & NEVER_MERGE) != 0 || ctor != null;
  }

  /** {@code find_mergeable}: the oldest compatible cache, or null. */
  private SlubCache findMergeable(int size, int align, int flags, ObjectConstructor ctor) {
    if (unmergeable(flags, ctor)) {
      return null;
    }
    int s = (int) Bits.alignUp(size, SlubLayout.WORD);
    int a = SlabAlignment.calculateAlignment(flags, align, s);
    s = (int) Bits.alignUp(s, a);
    for (SlubCache c : caches) {
      if (c.destroyed || unmergeable(c.flags, c.ctor)) {
        continue;
      }
      if (s > c.size() || (flags & MERGE_SAME) != (c.flags & MERGE_SAME)) {
        continue;
      }
      if ((c.size() & ~(a - 1)) != c.size() || c.size() - s >= SlubLayout.WORD) {
        continue;
      }
      return c;
    }
    return null;
  }

  /**
   * {@code create_unique_id} (mm/slub.c): ':' then flag letters (d DMA, a RECLAIM_ACCOUNT, A
   * ACCOUNT) and '-' if any, then the slot size in 7 digits ({@code :0000064}, {@code :a-0000104}).
   * The kernel also writes D for SLAB_CACHE_DMA32 and F for SLAB_CONSISTENCY_CHECKS; mmsim has no
   * DMA32 caches and never merges a cache with debug flags, so those letters cannot occur here.
   */
  private static String uniqueId(int flags, int size) {
    StringBuilder sb = new StringBuilder(":");
    if ((flags & SlabFlags.CACHE_DMA) != 0) {
      sb.append('d');
    }
    if ((flags & SlabFlags.RECLAIM_ACCOUNT) != 0) {
      sb.append('a');
    }
    if ((flags & SlabFlags.CONSISTENCY_CHECKS) != 0) {
      sb.append('F');
    }
    if ((flags & SlabFlags.ACCOUNT) != 0) {
      sb.append('A');
    }
    if (sb.length() > 1) {
      sb.append('-');
    }
    sb.append(String.format(Locale.ROOT, "%07d", size));
    return sb.toString();
  }

  @Override
  public KmemCache findCache(String name) {
    return byName.get(name);
  }

  @Override
  public List<KmemCache> caches() {
    List<KmemCache> out = new ArrayList<>(caches.size());
    for (int i = caches.size() - 1; i >= 0; i--) {
      out.add(caches.get(i));
    }
    return out;
  }

  @Override
  public long kmalloc(int cpu, long size, int gfp) {
    if (size > 0 && size <= KmallocSizes.KMALLOC_MAX_CACHE_SIZE) {
      SlubCache c = kmallocBySize[(int) (size - 1) >>> 3];
      if (Tracer.anyOn() && trace.on()) {
        long obj = c.allocateTraced(cpu, gfp, (int) size);
        trace.kmalloc(cpu, callSite(), obj, size, c.size(), gfp, Tracer.NUMA_NO_NODE);
        return obj;
      }
      return c.allocate(cpu, gfp, (int) size);
    }
    if (size <= 0 || size > KmallocSizes.KMALLOC_MAX_SIZE) {
      throw new IllegalArgumentException(
          "kmalloc size " + size + " is outside [1, " + KmallocSizes.KMALLOC_MAX_SIZE + "]");
    }
    long obj = kmallocLarge(cpu, size, gfp);
    if (trace.on()) {
      long bytes = obj == 0 ? 0 : (long) Page.PAGE_SIZE << Page.getOrder(size);
      trace.kmalloc(cpu, callSite(), obj, size, bytes, gfp, Tracer.NUMA_NO_NODE);
    }
    return obj;
  }

  /** The caller the trace names as {@code call_site}: the workload line, or {@code api}. */
  String callSite() {
    String caller = ctx.caller();
    return caller == null ? "api" : caller;
  }

  /** {@code kmalloc_large}: whole pages from the page allocator. */
  private long kmallocLarge(int cpu, long size, int gfp) {
    checkCpu(cpu);
    int order = Page.getOrder(size);
    long pfn = pages.allocPages(cpu, (gfp & ~Gfp.ZERO) | Gfp.COMP, order);
    if (pfn == PageAllocator.NO_PAGE) {
      return 0;
    }
    int p = (int) pfn;
    table.owner[p] = -(order + 1);
    for (int i = 1; i < 1 << order; i++) {
      table.owner[p + i] = SlabTable.LARGE_TAIL;
    }
    if ((gfp & Gfp.ZERO) != 0) {
      for (int i = 0; i < 1 << order; i++) {
        memory.zeroPage(pfn + i);
      }
    }
    largePages += 1L << order;
    largeAllocs++;
    return KernelLayout.va(Page.pfnToPhys(pfn));
  }

  @Override
  public void kfree(int cpu, long addr) {
    if (trace.on()) {
      trace.kfree(cpu, callSite(), addr);
    }
    long pfn = (addr - KernelLayout.PAGE_OFFSET) >>> Page.PAGE_SHIFT; // NULL: no frame
    if (pfn < table.frames && cpu >= 0 && cpu < nrCpus) {
      int o = table.ownerOf((int) pfn);
      if (o > 0) {
        table.cache[o].freeObject(cpu, addr, o);
        return;
      }
    }
    kfreeSlow(cpu, addr);
  }

  /** kfree of NULL or ZERO_SIZE_PTR, a large block, or a bad CPU or address. */
  private void kfreeSlow(int cpu, long addr) {
    if (KmallocSizes.zeroOrNullPtr(addr)) {
      return;
    }
    checkCpu(cpu);
    long pa = addr - KernelLayout.PAGE_OFFSET;
    if (pa < 0 || pa >= table.memoryBytes) {
      throw new BadAddressException(
          addr, String.format("kfree: 0x%016x is not a direct-map address of this machine", addr));
    }
    int pfn = (int) (pa >>> Page.PAGE_SHIFT);
    int o = table.ownerOf(pfn);
    if (o > 0) {
      table.cache[o].freeObject(cpu, addr, o);
      return;
    }
    if (o == 0) {
      throw SlubCache.notASlabObject("kfree", addr);
    }
    if (o == SlabTable.LARGE_TAIL || (pa & Page.PAGE_OFFSET_MASK) != 0) {
      throw new BadAddressException(
          addr,
          String.format(
              "kfree: 0x%016x points inside the kmalloc'd block at 0x%016x", addr, largeHead(pfn)));
    }
    int order = -o - 1;
    // the words go back clear, as the page allocator lent them
    table.owner[pfn] = 0;
    for (int i = 1; i < 1 << order; i++) {
      table.owner[pfn + i] = 0;
    }
    pages.freePages(cpu, pfn, order);
    largePages -= 1L << order;
    largeFrees++;
  }

  private long largeHead(int pfn) {
    int p = pfn;
    while (p > 0 && table.ownerOf(p) == SlabTable.LARGE_TAIL) {
      p--;
    }
    return KernelLayout.va(Page.pfnToPhys(p));
  }

  @Override
  public long ksize(long addr) {
    if (KmallocSizes.zeroOrNullPtr(addr)) {
      return 0;
    }
    long pa = addr - KernelLayout.PAGE_OFFSET;
    if (pa < 0 || pa >= table.memoryBytes) {
      throw new BadAddressException(
          addr, String.format("ksize: 0x%016x is not a direct-map address of this machine", addr));
    }
    int pfn = (int) (pa >>> Page.PAGE_SHIFT);
    int o = table.ownerOf(pfn);
    if (o > 0) {
      SlubCache c = table.cache[o];
      int idx = c.objectIndex(o, addr);
      if (idx < 0 || !table.isAllocated(o, idx)) {
        throw new BadAddressException(
            addr, String.format("ksize: 0x%016x is not a live object of %s", addr, c.name));
      }
      return slabKsize(c);
    }
    if (o < 0 && o != SlabTable.LARGE_TAIL && (pa & Page.PAGE_OFFSET_MASK) == 0) {
      return (long) Page.PAGE_SIZE << (-o - 1);
    }
    throw new BadAddressException(
        addr, String.format("ksize: 0x%016x is not a kmalloc'd object", addr));
  }

  /** {@code slab_ksize}: how much of the slot a caller may use. */
  private static long slabKsize(SlubCache c) {
    if ((c.flags & (SlabFlags.RED_ZONE | SlabFlags.POISON)) != 0) {
      return c.objectSize;
    }
    if ((c.flags & (SlabFlags.TYPESAFE_BY_RCU | SlabFlags.STORE_USER)) != 0) {
      return c.layout.inuse;
    }
    return c.size();
  }

  @Override
  public long shrinkAll() {
    long n = 0;
    for (SlubCache c : caches) {
      n += c.shrink();
    }
    return n;
  }

  @Override
  public List<SlabInfo> slabinfo() {
    List<SlabInfo> rows = new ArrayList<>(caches.size());
    for (int i = caches.size() - 1; i >= 0; i--) {
      rows.add(caches.get(i).info());
    }
    return rows;
  }

  @Override
  public void describeFrames(FrameMap map) {
    table.describeFrames(map);
  }

  @Override
  public long reclaimablePages() {
    return reclaimableSlabPages;
  }

  @Override
  public long unreclaimablePages() {
    return unreclaimableSlabPages + largePages;
  }

  @Override
  public SortedMap<String, String> aliases() {
    TreeMap<String, String> m = new TreeMap<>();
    for (SlubAlias a : aliases.values()) {
      m.put(a.name(), a.target.name);
    }
    return Collections.unmodifiableSortedMap(m);
  }

  @Override
  public SortedMap<String, String> sysfsLinks() {
    TreeMap<String, String> m = new TreeMap<>();
    for (SlubCache c : caches) {
      if (c.uniqueId != null && byName.get(c.name) == c) {
        m.put(c.name, c.uniqueId);
      }
    }
    for (SlubAlias a : aliases.values()) {
      if (a.target.uniqueId != null) {
        m.put(a.name(), a.target.uniqueId);
      }
    }
    return Collections.unmodifiableSortedMap(m);
  }

  // ================================================================ destroy

  void destroyCache(SlubCache c, String handleName) {
    if (c.kmalloc) {
      throw new BadCacheException(
          c.name,
          "kmem_cache_destroy("
              + c.name
              + "): a kmalloc cache is the allocator's own and is never destroyed");
    }
    c.checkUsable();
    if (byName.get(handleName) != c) {
      throw new BadCacheException(
          handleName, "kmem_cache_destroy(" + handleName + "): already destroyed");
    }
    release(c);
    byName.remove(handleName);
  }

  void destroyAlias(SlubAlias a) {
    if (a.destroyed) {
      throw new BadCacheException(a.name(), "kmem cache " + a.name() + " has been destroyed");
    }
    release(a.target);
    a.destroyed = true;
    aliases.remove(a.name());
    byName.remove(a.name());
  }

  /** Drops one reference; the last one shuts the cache down, which must then be empty. */
  private void release(SlubCache c) {
    if (c.refcount == 1) {
      if (!c.isEmpty()) {
        throw c.objectsRemaining();
      }
      c.shutdown();
      c.destroyed = true;
      caches.remove(c);
    }
    c.refcount--;
  }

  // ================================================================ helpers for caches

  /** Keeps the reclaimable / unreclaimable page counters as slabs come and go. */
  void slabPagesChanged(SlubCache c, long delta) {
    if ((c.flags & SlabFlags.RECLAIM_ACCOUNT) != 0) {
      reclaimableSlabPages += delta;
    } else {
      unreclaimableSlabPages += delta;
    }
  }

  /** The exception for a kmem_cache_free of an address that is not an object of {@code c}. */
  RuntimeException badCacheFree(SlubCache c, long addr, int owner) {
    if (owner > 0) {
      SlubCache other = table.cache[owner];
      String reason = "Wrong slab cache. " + c.name + " but object is from " + other.name;
      SlubReport r = new SlubReport().bug(c.name, reason);
      r.line("kmem_cache_free: " + reason);
      other.slubDebug.trailer(r, owner, addr);
      return new SlabBugException(addr, c.name, reason, r.lines());
    }
    if (owner < 0) {
      return new BadAddressException(
          addr,
          String.format(
              "kmem_cache_free(%s): 0x%016x is a kmalloc'd page block, not a slab object",
              c.name, addr));
    }
    return SlubCache.notASlabObject("kmem_cache_free(" + c.name + ")", addr);
  }

  /** The id of the current caller for user tracking, stored like a return address. */
  long callerId() {
    String caller = ctx.caller();
    if (caller == null) {
      caller = "api";
    }
    Integer id = callerIds.get(caller);
    if (id == null) {
      callers.add(caller);
      id = callers.size();
      callerIds.put(caller, id);
    }
    return CALLER_BASE + id;
  }

  /** The caller a tracking address stands for ({@code %pS}). */
  String callerName(long addr) {
    long id = addr - CALLER_BASE;
    if (id >= 1 && id <= callers.size()) {
      return callers.get((int) id - 1);
    }
    return "0x" + Long.toHexString(addr);
  }

  /** Advances and returns the logical clock ({@code jiffies}) of user tracking. */
  long tick() {
    return ++clock;
  }

  long now() {
    return clock;
  }

  /** {@code trace()} of SLAB_TRACE: one line per alloc or free of a traced cache. */
  void trace(String cache, String what, long obj, int inuse, long fp) {
    if (log.isInfoEnabled()) {
      // INFO on purpose: the user asked for tracing with slub.debug=T, as the kernel prints it
      log.info(
          "TRACE {} {} 0x{} inuse={} fp=0x{}",
          cache,
          what,
          SlubReport.hex16(obj),
          inuse,
          SlubReport.hex16(fp));
    }
  }

  private void checkCpu(int cpu) {
    if (cpu < 0 || cpu >= nrCpus) {
      throw new IllegalArgumentException("cpu " + cpu + " is outside [0, " + nrCpus + ")");
    }
  }

  // ================================================================ statistics, invariants

  /** The sums over every cache of SLUB's event counters: see {@link SlubStat}. */
  @Override
  public Statistics statistics() {
    return SlubStat.sum(caches, aliases.size(), largePages, largeAllocs, largeFrees);
  }

  @Override
  public void checkInvariants() {
    long reclaimable = 0;
    long unreclaimable = 0;
    for (SlubCache c : caches) {
      c.checkInvariants();
      if ((c.flags & SlabFlags.RECLAIM_ACCOUNT) != 0) {
        reclaimable += c.nrPages();
      } else {
        unreclaimable += c.nrPages();
      }
    }
    if (reclaimable != reclaimableSlabPages || unreclaimable != unreclaimableSlabPages) {
      throw new AssertionError(
          "SLUB: slab pages reclaimable "
              + reclaimable
              + "/"
              + reclaimableSlabPages
              + " unreclaimable "
              + unreclaimable
              + "/"
              + unreclaimableSlabPages);
    }
    long slabFrames = 0;
    long large = 0;
    for (int pfn = 0; pfn < table.frames; pfn++) {
      int o = table.ownerOf(pfn);
      if (o > 0) {
        if (!table.isLive(o) || table.cache[o].destroyed) {
          throw new AssertionError("SLUB: frame " + pfn + " maps to dead slab " + o);
        }
        slabFrames++;
      } else if (o < 0) {
        large++;
        if (o != SlabTable.LARGE_TAIL) {
          int order = -o - 1;
          for (int i = 1; i < 1 << order; i++) {
            if (table.ownerOf(pfn + i) != SlabTable.LARGE_TAIL) {
              throw new AssertionError(
                  "SLUB: large kmalloc at pfn "
                      + pfn
                      + " order "
                      + order
                      + " has an unmarked frame "
                      + (pfn + i));
            }
          }
        } else if (pfn == 0 || table.ownerOf(pfn - 1) >= 0) {
          throw new AssertionError("SLUB: large kmalloc tail frame " + pfn + " without a head");
        }
      }
    }
    if (slabFrames != reclaimable + unreclaimable || large != largePages) {
      throw new AssertionError(
          "SLUB: page map has "
              + slabFrames
              + " slab frames and "
              + large
              + " large frames; counters say "
              + (reclaimable + unreclaimable)
              + " and "
              + largePages);
    }
    long live = 0;
    for (int s = 1; s < table.idLimit(); s++) {
      if (table.isLive(s)) {
        live++;
      }
    }
    if (live != table.liveSlabs()) {
      throw new AssertionError(
          "SLUB: " + live + " live slab ids but " + table.liveSlabs() + " counted");
    }
  }

  /** The kmalloc cache of class {@code index} ({@link KmallocSizes} numbering). */
  SlubCache kmallocCache(int index) {
    return (SlubCache) byName.get(KmallocSizes.name(index));
  }

  /** The settings in force, for tests. */
  SlubTunables tunables() {
    return tunables;
  }
}
