package io.mmsim.slob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.object.BadCacheException;
import io.mmsim.api.object.KmallocSizes;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.object.ObjectConstructor;
import io.mmsim.api.object.SlabAlignment;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.trace.Tracer;
import io.mmsim.api.util.Bits;
import io.mmsim.api.util.LongLongHashMap;

/*
 * SLOB's kmalloc and kmem_cache front end (Linux 6.3 and before; deprecated in 6.2, removed in
 * 6.4). Kernel source to look up: mm/slob.c (__do_kmalloc_node, kfree, __ksize, slob_alloc_node,
 * kmem_cache_free), mm/slab_common.c (kmem_cache_create_usercopy, calculate_alignment), mm/slab.h
 * (CACHE_CREATE_MASK).
 *
 * kmalloc(size):
 *   - size < PAGE_SIZE - 8: a heap block of size + 8 bytes whose first 4 bytes hold the size (the
 *     rest of the 8-byte header, max(ARCH_KMALLOC_MINALIGN, ARCH_SLAB_MINALIGN) on x86-64, is
 *     padding); the object starts after the header, aligned to 8, or to its own size when that is
 *     a power of two. ksize = size rounded up to whole 2-byte units.
 *   - otherwise whole pages of order get_order(size) from the page allocator; ksize = their size.
 * kmem_cache_alloc: objects below PAGE_SIZE are heap blocks of exactly size bytes (no header)
 *   aligned to the cache alignment; bigger ones take get_order(size) pages each. The constructor
 *   runs on every allocation (SLOB has no slabs to construct ahead of time).
 *
 * Checking. SLOB itself trusts its callers; the simulator does not. A compact primitive record of
 * every live allocation (LongLongHashMap: address -> packed record) validates each free before any
 * memory or list is touched, so double frees, interior or foreign pointers, frees into the wrong
 * cache, kfree of a cache object and kmem_cache_free of a kmalloc object all throw
 * BadAddressException naming the address (and cache) with the allocator unchanged.
 *
 * Live record (one long per live allocation, keyed by its address):
 *
 *   63  56 55                  32 31                            0
 *  +------+----------------------+-------------------------------+
 *  | kind |    cache id + 1      |     size in bytes             |
 *  +------+----------------------+-------------------------------+
 *
 *   kind 1 = heap block, 2 = whole pages; cache id + 1 = 0 for kmalloc; size = the kmalloc
 *   request, or the cache's size.
 *
 * Accounting. The kernel's SLOB counts every page it holds, heap or whole-page, in
 * NR_SLAB_UNRECLAIMABLE_B, and its CACHE_CREATE_MASK drops SLAB_RECLAIM_ACCOUNT at cache creation,
 * so SReclaimable is always 0 and Slab = SUnreclaim = every page held here.
 *
 * Not thread-safe: one kernel, one thread; cpu only selects the page allocator's per-CPU lists.
 */
final class SlobAllocator implements ObjectAllocator {
  private static final Logger LOG = LoggerFactory.getLogger(SlobAllocator.class);

  /** kmalloc's size header, max(ARCH_KMALLOC_MINALIGN, ARCH_SLAB_MINALIGN) on x86-64. */
  static final int MINALIGN = 8;

  /** {@code sizeof(struct slob_rcu)} on 64-bit: an rcu_head (16 bytes) and an int, padded. */
  static final int SLOB_RCU_FOOTER = 24;

  /** The flags SLOB keeps at cache creation ({@code CACHE_CREATE_MASK} without SLAB/SLUB). */
  static final int CACHE_CREATE_MASK =
      SlabFlags.HWCACHE_ALIGN | SlabFlags.CACHE_DMA | SlabFlags.PANIC | SlabFlags.TYPESAFE_BY_RCU;

  /** Every flag kmem_cache_create accepts ({@code SLAB_FLAGS_PERMITTED}, as mm-api names them). */
  static final int FLAGS_PERMITTED =
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

  private static final int SIZE_BITS = 32;
  private static final int CACHE_BITS = 24;
  private static final int CACHE_SHIFT = SIZE_BITS;
  private static final int KIND_SHIFT = SIZE_BITS + CACHE_BITS;
  private static final long SIZE_MASK = (1L << SIZE_BITS) - 1;
  private static final long CACHE_MASK = (1L << CACHE_BITS) - 1;
  private static final int MAX_CACHES = (int) CACHE_MASK - 1;
  private static final long KIND_HEAP = 1;
  private static final long KIND_PAGES = 2;

  private final PageAllocator pageAllocator;
  private final PhysicalMemory memory;
  private final int cpus;
  private final boolean checkEveryCall;
  private final SlobHeap heap;
  private final LongLongHashMap live = new LongLongHashMap(1024, 0);

  private final List<SlobCache> cacheList = new ArrayList<>();
  private final Map<String, SlobCache> cachesByName = new HashMap<>();
  private SlobCache[] cachesById = new SlobCache[16];
  private int[] freeCacheIds = new int[16];
  private int freeCacheIdCount;
  private int cacheIdHigh;

  private long heapObjects;
  private long heapBytesRequested;
  private long kmallocObjects;
  private long cacheObjects;
  private long largeBlocks;
  private long largePages;
  private long kmallocCalls;
  private long kmallocLarge;
  private long cacheAllocCalls;
  private long frees;
  private long allocFailures;
  private long largePagesTaken;
  private long largePagesReturned;

  /** The kernel's tracer (kmalloc, kfree, kmem_cache_*). */
  private final Tracer trace;

  private final Supplier<String> caller;

  SlobAllocator(
      PageAllocator pageAllocator, PhysicalMemory memory, int cpus, boolean checkEveryCall) {
    this(pageAllocator, memory, cpus, checkEveryCall, new Tracer(), () -> null);
  }

  /** An allocator that reports to {@code trace}, naming {@code caller}'s answer as call site. */
  SlobAllocator(
      PageAllocator pageAllocator,
      PhysicalMemory memory,
      int cpus,
      boolean checkEveryCall,
      Tracer trace,
      Supplier<String> caller) {
    this.trace = trace;
    this.caller = caller;
    this.pageAllocator = pageAllocator;
    this.memory = memory;
    this.cpus = cpus;
    this.checkEveryCall = checkEveryCall;
    this.heap = new SlobHeap(pageAllocator, memory);
  }

  @Override
  public String name() {
    return SlobProvider.NAME;
  }

  // ---------------------------------------------------------------- kmalloc

  @Override
  public long kmalloc(int cpu, long size, int gfp) {
    if (size <= 0 || size > KmallocSizes.KMALLOC_MAX_SIZE) {
      throw new IllegalArgumentException(
          "kmalloc size " + size + " is outside [1, " + KmallocSizes.KMALLOC_MAX_SIZE + "]");
    }
    checkCpu(cpu);
    long addr;
    if (size < Page.PAGE_SIZE - MINALIGN) {
      int s = (int) size;
      int align = Bits.isPowerOfTwo(s) ? Math.max(MINALIGN, s) : MINALIGN;
      long block = heap.alloc(cpu, s + MINALIGN, gfp, align, MINALIGN);
      kmallocCalls++; // counted once the heap has answered: a refused call changes nothing
      if (block == SlobHeap.NO_BLOCK) {
        allocFailures++;
        return 0;
      }
      if ((gfp & Gfp.ZERO) != 0) {
        memory.fill(block, s + MINALIGN, (byte) 0);
      }
      memory.writeInt(block, s);
      addr = KernelLayout.va(block + MINALIGN);
      live.put(addr, record(KIND_HEAP, 0, s));
      heapObjects++;
      heapBytesRequested += s;
    } else {
      int order = Page.getOrder(size);
      long pfn = pageAllocator.allocPages(cpu, order == 0 ? gfp : gfp | Gfp.COMP, order);
      kmallocCalls++;
      if (pfn == PageAllocator.NO_PAGE) {
        allocFailures++;
        return 0;
      }
      if ((gfp & Gfp.ZERO) != 0) {
        memory.fill(Page.pfnToPhys(pfn), (long) Page.PAGE_SIZE << order, (byte) 0);
      }
      addr = KernelLayout.va(Page.pfnToPhys(pfn));
      live.put(addr, record(KIND_PAGES, 0, size));
      tookPages(order);
      kmallocLarge++;
    }
    kmallocObjects++;
    afterCall();
    if (trace.on()) {
      // slob_alloc's block carries its size in front: the request plus the minimum alignment
      long bytes =
          size < Page.PAGE_SIZE - MINALIGN
              ? size + MINALIGN
              : Page.PAGE_SIZE << Page.getOrder(size);
      trace.kmalloc(cpu, callSite(), addr, size, bytes, gfp, Tracer.NUMA_NO_NODE);
    }
    return addr;
  }

  /** The caller the trace names as {@code call_site}: the workload line, or {@code api}. */
  String callSite() {
    String c = caller.get();
    return c == null ? "api" : c;
  }

  Tracer trace() {
    return trace;
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
    long rec = live.get(addr);
    if (rec == 0) {
      throw badFree("kfree", null, addr);
    }
    int cacheId = recordCache(rec);
    if (cacheId != 0) {
      throw new BadAddressException(
          addr,
          String.format(
              "kfree(0x%x): the object belongs to" + " cache %s; free it with kmem_cache_free",
              addr, cachesById[cacheId - 1].name()));
    }
    long size = recordSize(rec);
    if (recordKind(rec) == KIND_HEAP) {
      long block = KernelLayout.pa(addr) - MINALIGN;
      int header = memory.readInt(block);
      if (header != size) {
        throw new BadAddressException(
            addr,
            String.format(
                "kfree(0x%x): the kmalloc size header"
                    + " at 0x%x reads %d but the object was allocated with %d bytes: it was overwritten",
                addr, KernelLayout.va(block), header, size));
      }
      heap.free(cpu, block, (int) size + MINALIGN);
      heapObjects--;
      heapBytesRequested -= size;
    } else {
      int order = Page.getOrder(size);
      pageAllocator.freePages(cpu, Page.physToPfn(KernelLayout.pa(addr)), order);
      returnedPages(order);
    }
    live.remove(addr);
    kmallocObjects--;
    frees++;
    afterCall();
  }

  @Override
  public long ksize(long addr) {
    if (KmallocSizes.zeroOrNullPtr(addr)) {
      return 0;
    }
    long rec = live.get(addr);
    if (rec == 0) {
      throw badFree("ksize", null, addr);
    }
    if (recordCache(rec) != 0) {
      throw new BadAddressException(
          addr,
          String.format(
              "ksize(0x%x): the object belongs to cache"
                  + " %s; SLOB keeps sizes only for kmalloc objects",
              addr, cachesById[recordCache(rec) - 1].name()));
    }
    long size = recordSize(rec);
    if (recordKind(rec) == KIND_HEAP) {
      return (long) SlobHeap.units((int) size) * SlobHeap.SLOB_UNIT;
    }
    return (long) Page.PAGE_SIZE << Page.getOrder(size);
  }

  // ---------------------------------------------------------------- caches

  @Override
  public KmemCache kmemCacheCreate(
      String name, int size, int align, int flags, ObjectConstructor ctor) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("kmem_cache_create: a cache needs a name");
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
    if (align < 0 || (align != 0 && !Bits.isPowerOfTwo(align))) {
      throw new IllegalArgumentException(
          "kmem_cache_create(" + name + "): align " + align + " is not 0 or a power of two");
    }
    if ((flags & ~FLAGS_PERMITTED) != 0) {
      throw new IllegalArgumentException(
          String.format(
              "kmem_cache_create(%s): unknown flags" + " 0x%x", name, flags & ~FLAGS_PERMITTED));
    }
    if (cachesByName.containsKey(name)) {
      throw new IllegalArgumentException(
          "kmem_cache_create(" + name + "): a cache of that name" + " exists");
    }
    int kept = flags & CACHE_CREATE_MASK;
    int calculated = SlabAlignment.calculateAlignment(kept, align, size);
    int cacheSize = (kept & SlabFlags.TYPESAFE_BY_RCU) != 0 ? size + SLOB_RCU_FOOTER : size;
    if (cacheSize > KmallocSizes.KMALLOC_MAX_SIZE) {
      throw new IllegalArgumentException(
          "kmem_cache_create("
              + name
              + "): size "
              + size
              + " with the "
              + SLOB_RCU_FOOTER
              + "-byte RCU footer is above "
              + KmallocSizes.KMALLOC_MAX_SIZE);
    }
    long room =
        usesWholePages(cacheSize)
            ? (long) Page.PAGE_SIZE << Page.getOrder(cacheSize)
            : Page.PAGE_SIZE;
    if (calculated > room) {
      throw new IllegalArgumentException(
          "kmem_cache_create("
              + name
              + "): SLOB cannot align "
              + cacheSize
              + "-byte objects to "
              + calculated
              + " bytes (at most "
              + room
              + ")");
    }
    if (cacheList.size() >= MAX_CACHES) {
      throw new IllegalArgumentException("kmem_cache_create(" + name + "): too many caches");
    }
    int id = freeCacheIdCount > 0 ? freeCacheIds[--freeCacheIdCount] : cacheIdHigh++;
    if (id >= cachesById.length) {
      cachesById = Arrays.copyOf(cachesById, cachesById.length * 2);
      freeCacheIds = Arrays.copyOf(freeCacheIds, freeCacheIds.length * 2);
    }
    SlobCache cache = new SlobCache(this, id, name, size, cacheSize, calculated, kept, ctor);
    cachesById[id] = cache;
    cacheList.add(cache);
    cachesByName.put(name, cache);
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "kmem_cache_create {}: size {} align {} flags 0x{}",
          name,
          cacheSize,
          calculated,
          Integer.toHexString(kept));
    }
    return cache;
  }

  @Override
  public KmemCache findCache(String name) {
    return cachesByName.get(name);
  }

  /** Every cache, newest first, as the kernel's {@code slab_caches} list runs. */
  @Override
  public List<KmemCache> caches() {
    List<KmemCache> out = new ArrayList<>(cacheList.size());
    for (int i = cacheList.size() - 1; i >= 0; i--) {
      out.add(cacheList.get(i));
    }
    return out;
  }

  long cacheAlloc(SlobCache cache, int cpu, int gfp) {
    checkAlive(cache, "kmem_cache_alloc");
    checkCpu(cpu);
    int size = cache.size();
    long addr;
    long kind;
    if (!usesWholePages(size)) {
      long block = heap.alloc(cpu, size, gfp, cache.align(), 0);
      cacheAllocCalls++;
      if (block == SlobHeap.NO_BLOCK) {
        allocFailures++;
        return 0;
      }
      if ((gfp & Gfp.ZERO) != 0) {
        memory.fill(block, size, (byte) 0);
      }
      addr = KernelLayout.va(block);
      kind = KIND_HEAP;
      heapObjects++;
      heapBytesRequested += size;
    } else {
      int order = Page.getOrder(size);
      long pfn = pageAllocator.allocPages(cpu, gfp, order);
      cacheAllocCalls++;
      if (pfn == PageAllocator.NO_PAGE) {
        allocFailures++;
        return 0;
      }
      if ((gfp & Gfp.ZERO) != 0) {
        memory.fill(Page.pfnToPhys(pfn), (long) Page.PAGE_SIZE << order, (byte) 0);
      }
      addr = KernelLayout.va(Page.pfnToPhys(pfn));
      kind = KIND_PAGES;
      tookPages(order);
    }
    live.put(addr, record(kind, cache.id() + 1, size));
    cache.addLive(1);
    cacheObjects++;
    ObjectConstructor ctor = cache.ctor();
    if (ctor != null) {
      try {
        ctor.construct(addr);
      } catch (RuntimeException | Error e) {
        release(cpu, addr, live.get(addr));
        cache.addLive(-1);
        cacheObjects--;
        throw e;
      }
    }
    afterCall();
    return addr;
  }

  void cacheFree(SlobCache cache, int cpu, long addr) {
    checkAlive(cache, "kmem_cache_free");
    checkCpu(cpu);
    long rec = addr == 0 ? 0 : live.get(addr);
    if (rec == 0) {
      throw badFree("kmem_cache_free", cache.name(), addr);
    }
    int cacheId = recordCache(rec);
    if (cacheId == 0) {
      throw new BadAddressException(
          addr,
          String.format(
              "kmem_cache_free(%s, 0x%x): the object"
                  + " was allocated by kmalloc, not from cache %s; free it with kfree",
              cache.name(), addr, cache.name()));
    }
    if (cacheId != cache.id() + 1) {
      throw new BadAddressException(
          addr,
          String.format(
              "kmem_cache_free: Wrong slab cache. %s but" + " object is from %s (0x%x)",
              cache.name(), cachesById[cacheId - 1].name(), addr));
    }
    release(cpu, addr, rec);
    cache.addLive(-1);
    cacheObjects--;
    frees++;
    afterCall();
  }

  /** Gives back the memory of a live cache object (heap block or pages) and forgets it. */
  private void release(int cpu, long addr, long rec) {
    long size = recordSize(rec);
    if (recordKind(rec) == KIND_HEAP) {
      heap.free(cpu, KernelLayout.pa(addr), (int) size);
      heapObjects--;
      heapBytesRequested -= size;
    } else {
      int order = Page.getOrder(size);
      pageAllocator.freePages(cpu, Page.physToPfn(KernelLayout.pa(addr)), order);
      returnedPages(order);
    }
    live.remove(addr);
  }

  void destroyCache(SlobCache cache) {
    checkAlive(cache, "kmem_cache_destroy");
    if (cache.live() > 0) {
      long any = 0;
      long tag = (long) (cache.id() + 1);
      for (int i = 0; i < live.capacity(); i++) {
        if (live.valueAt(i) != 0 && recordCache(live.valueAt(i)) == tag) {
          any = live.keyAt(i);
          break;
        }
      }
      throw new BadAddressException(
          any,
          String.format(
              "kmem_cache_destroy %s: Slab cache still" + " has objects (%d live, one at 0x%x)",
              cache.name(), cache.live(), any));
    }
    cache.markDestroyed();
    cacheList.remove(cache);
    cachesByName.remove(cache.name());
    cachesById[cache.id()] = null;
    freeCacheIds[freeCacheIdCount++] = cache.id();
  }

  void checkAlive(SlobCache cache, String op) {
    if (cache.destroyed()) {
      throw new BadCacheException(
          cache.name(), op + "(" + cache.name() + "): the cache was destroyed");
    }
  }

  boolean usesWholePages(int size) {
    return size >= Page.PAGE_SIZE;
  }

  int pagesPerObject(int size) {
    return 1 << Page.getOrder(size);
  }

  /** SLOB has nothing to shrink: wholly free pages go back as soon as they are free. */
  @Override
  public long shrinkAll() {
    return 0;
  }

  /** SLOB has no /proc/slabinfo. */
  @Override
  public List<SlabInfo> slabinfo() {
    return List.of();
  }

  /** Always 0: SLOB accounts every page as unreclaimable and drops SLAB_RECLAIM_ACCOUNT. */
  @Override
  public void describeFrames(FrameMap map) {
    heap.describeFrames(map);
    for (int i = 0; i < live.capacity(); i++) {
      long rec = live.valueAt(i);
      if (rec == 0 || recordKind(rec) != KIND_PAGES) {
        continue;
      }
      long pfn = Page.physToPfn(KernelLayout.pa(live.keyAt(i)));
      int order = Page.getOrder(recordSize(rec));
      int tag = recordCache(rec);
      String cache = null;
      for (SlobCache c : cacheList) {
        if (c.id() + 1 == tag) {
          cache = c.name();
        }
      }
      if (tag == 0) {
        map.markBlock(pfn, order, FrameUse.KMALLOC_LARGE, "kmalloc (large)");
      } else {
        map.markBlock(pfn, order, FrameUse.SLAB, cache);
      }
    }
  }

  @Override
  public long reclaimablePages() {
    return 0;
  }

  /** Heap pages plus whole-page objects: everything SLOB holds. */
  @Override
  public long unreclaimablePages() {
    return heap.pages() + largePages;
  }

  // ---------------------------------------------------------------- statistics and checks

  @Override
  public Statistics statistics() {
    Statistics.Builder b =
        Statistics.builder().put("caches", cacheList.size()).put("heap_pages", heap.pages());
    for (int list = 0; list < SlobHeap.NR_LISTS; list++) {
      b.put("heap_pages_" + SlobHeap.LIST_NAMES[list], heap.homePages(list));
    }
    for (int list = 0; list < SlobHeap.NR_LISTS; list++) {
      b.put("partial_pages_" + SlobHeap.LIST_NAMES[list], heap.listPages(list));
    }
    return b.put("free_units", heap.freeUnits())
        .put("free_bytes", heap.freeUnits() * SlobHeap.SLOB_UNIT)
        .put("heap_objects", heapObjects)
        .put("heap_bytes_requested", heapBytesRequested)
        .put("kmalloc_objects", kmallocObjects)
        .put("cache_objects", cacheObjects)
        .put("large_blocks", largeBlocks)
        .put("large_pages", largePages)
        .put("kmalloc_calls", kmallocCalls)
        .put("kmalloc_large_calls", kmallocLarge)
        .put("cache_alloc_calls", cacheAllocCalls)
        .put("frees", frees)
        .put("alloc_failures", allocFailures)
        .put("pages_taken", heap.pagesTaken() + largePagesTaken)
        .put("pages_returned", heap.pagesReturned() + largePagesReturned)
        .build();
  }

  @Override
  public void checkInvariants() {
    live.checkInvariants();
    int heapCount = 0;
    for (int i = 0; i < live.capacity(); i++) {
      if (live.valueAt(i) != 0 && recordKind(live.valueAt(i)) == KIND_HEAP) {
        heapCount++;
      }
    }
    long[] starts = new long[heapCount];
    int[] units = new int[heapCount];
    int n = 0;
    long kmallocSeen = 0;
    long pagesSeen = 0;
    long blocksSeen = 0;
    long bytesSeen = 0;
    long[] perCache = new long[cacheIdHigh];
    for (int i = 0; i < live.capacity(); i++) {
      long rec = live.valueAt(i);
      if (rec == 0) {
        continue;
      }
      long addr = live.keyAt(i);
      long size = recordSize(rec);
      int cacheId = recordCache(rec);
      long kind = recordKind(rec);
      if (!KernelLayout.inDirectMap(addr, memory.size())) {
        throw new AssertionError(
            "live object 0x" + Long.toHexString(addr) + " is outside the direct map");
      }
      if (cacheId == 0) {
        kmallocSeen++;
      } else {
        SlobCache c = cacheId - 1 < cachesById.length ? cachesById[cacheId - 1] : null;
        if (c == null || c.size() != size) {
          throw new AssertionError(
              "live object 0x"
                  + Long.toHexString(addr)
                  + " names cache id "
                  + (cacheId - 1)
                  + " of size "
                  + size
                  + " but that cache is "
                  + c);
        }
        perCache[cacheId - 1]++;
        if (kind == KIND_HEAP && (addr & (c.align() - 1)) != 0) {
          throw new AssertionError(
              "object 0x"
                  + Long.toHexString(addr)
                  + " of "
                  + c.name()
                  + " is not aligned to "
                  + c.align());
        }
      }
      if (kind == KIND_HEAP) {
        long block = KernelLayout.pa(addr) - (cacheId == 0 ? MINALIGN : 0);
        int bytes = (int) size + (cacheId == 0 ? MINALIGN : 0);
        if (cacheId == 0 && memory.readInt(block) != size) {
          throw new AssertionError(
              "kmalloc object 0x"
                  + Long.toHexString(addr)
                  + " of "
                  + size
                  + " bytes has size header "
                  + memory.readInt(block));
        }
        starts[n] = block;
        units[n] = SlobHeap.units(bytes);
        n++;
        bytesSeen += size;
      } else if (kind == KIND_PAGES) {
        if ((addr & Page.PAGE_OFFSET_MASK) != 0) {
          throw new AssertionError(
              "page object 0x" + Long.toHexString(addr) + " is not page aligned");
        }
        pagesSeen += 1L << Page.getOrder(size);
        blocksSeen++;
      } else {
        throw new AssertionError("live object 0x" + Long.toHexString(addr) + " has kind " + kind);
      }
    }
    heap.checkInvariants(starts, units, n);
    if (n != heapObjects || bytesSeen != heapBytesRequested) {
      throw new AssertionError(
          "heap objects "
              + heapObjects
              + " ("
              + heapBytesRequested
              + " bytes) but the live map holds "
              + n
              + " ("
              + bytesSeen
              + " bytes)");
    }
    if (pagesSeen != largePages || blocksSeen != largeBlocks) {
      throw new AssertionError(
          "large pages "
              + largePages
              + " in "
              + largeBlocks
              + " blocks but the live map holds "
              + pagesSeen
              + " in "
              + blocksSeen);
    }
    if (largePages != largePagesTaken - largePagesReturned) {
      throw new AssertionError(
          "large pages "
              + largePages
              + " but taken "
              + largePagesTaken
              + " - returned "
              + largePagesReturned);
    }
    if (kmallocSeen != kmallocObjects || live.size() != kmallocObjects + cacheObjects) {
      throw new AssertionError(
          "kmalloc objects "
              + kmallocObjects
              + ", cache objects "
              + cacheObjects
              + " but the live map holds "
              + live.size()
              + " of which kmalloc "
              + kmallocSeen);
    }
    for (SlobCache c : cacheList) {
      if (perCache[c.id()] != c.live()) {
        throw new AssertionError(
            "cache "
                + c.name()
                + " counts "
                + c.live()
                + " live objects but the live map holds "
                + perCache[c.id()]);
      }
      if (cachesById[c.id()] != c || cachesByName.get(c.name()) != c) {
        throw new AssertionError("cache " + c.name() + " is not indexed consistently");
      }
    }
    if (cachesByName.size() != cacheList.size()) {
      throw new AssertionError(
          "caches by name " + cachesByName.size() + " but listed " + cacheList.size());
    }
  }

  // ---------------------------------------------------------------- helpers

  private static long record(long kind, int cacheTag, long size) {
    assert size > 0 && size <= SIZE_MASK && cacheTag >= 0 && cacheTag <= CACHE_MASK;
    return kind << KIND_SHIFT | (long) cacheTag << CACHE_SHIFT | size;
  }

  private static long recordKind(long rec) {
    return rec >>> KIND_SHIFT;
  }

  private static int recordCache(long rec) {
    return (int) ((rec >>> CACHE_SHIFT) & CACHE_MASK);
  }

  private static long recordSize(long rec) {
    return rec & SIZE_MASK;
  }

  private void tookPages(int order) {
    largeBlocks++;
    largePages += 1L << order;
    largePagesTaken += 1L << order;
  }

  private void returnedPages(int order) {
    largeBlocks--;
    largePages -= 1L << order;
    largePagesReturned += 1L << order;
  }

  private void checkCpu(int cpu) {
    if (cpu < 0 || cpu >= cpus) {
      throw new IllegalArgumentException("cpu " + cpu + " is outside [0, " + cpus + ")");
    }
  }

  private void afterCall() {
    if (checkEveryCall) {
      checkInvariants();
    }
  }

  /**
   * The exception for a free (or ksize) of an address that starts no live allocation, saying as
   * well as the simulator can tell what the address is. Slow: only on the error path.
   */
  private BadAddressException badFree(String op, String cacheName, long addr) {
    String what;
    if (addr == 0) {
      what = "NULL is not an object";
    } else if (!KernelLayout.inDirectMap(addr, memory.size())) {
      what = "the address is not in the direct map of this machine's memory";
    } else {
      long phys = KernelLayout.pa(addr);
      long owner = containing(addr);
      if (owner != 0) {
        long rec = live.get(owner);
        int cacheId = recordCache(rec);
        String kind =
            cacheId == 0 ? "kmalloc object" : "object of cache " + cachesById[cacheId - 1].name();
        what =
            addr < owner
                ? String.format(
                    "the address is inside the size header of the %s at 0x%x", kind, owner)
                : String.format(
                    "interior pointer: %d bytes into the %s at 0x%x", addr - owner, kind, owner);
      } else if (heap.slotOf(Page.physToPfn(phys)) != SlobHeap.NIL) {
        what =
            heap.inFreeBlock(phys)
                ? String.format(
                    "the address lies in a free block of SLOB page pfn 0x%x: double free"
                        + " (or never allocated)",
                    Page.physToPfn(phys))
                : String.format(
                    "no object starts at this address of SLOB page pfn 0x%x", Page.physToPfn(phys));
      } else {
        what = "no live SLOB object starts here: already freed, or never allocated by SLOB";
      }
    }
    String call =
        cacheName == null
            ? String.format("%s(0x%x)", op, addr)
            : String.format("%s(%s, 0x%x)", op, cacheName, addr);
    return new BadAddressException(addr, call + ": " + what);
  }

  /** The live allocation whose block (kmalloc header included) contains {@code addr}, or 0. */
  private long containing(long addr) {
    for (int i = 0; i < live.capacity(); i++) {
      long rec = live.valueAt(i);
      if (rec == 0) {
        continue;
      }
      long start = live.keyAt(i);
      long size = recordSize(rec);
      long from = start;
      long to = start + size;
      if (recordKind(rec) == KIND_HEAP && recordCache(rec) == 0) {
        from -= MINALIGN;
      } else if (recordKind(rec) == KIND_PAGES) {
        to = start + ((long) Page.PAGE_SIZE << Page.getOrder(size));
      }
      if (Long.compareUnsigned(addr, from) >= 0 && Long.compareUnsigned(addr, to) < 0) {
        return start;
      }
    }
    return 0;
  }

  @Override
  public String toString() {
    return "SlobAllocator[heap pages "
        + heap.pages()
        + ", large pages "
        + largePages
        + ", live "
        + live.size()
        + "]";
  }

  // ---------------------------------------------------------------- for white-box tests

  SlobHeap heap() {
    return heap;
  }
}
