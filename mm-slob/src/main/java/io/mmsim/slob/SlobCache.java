package io.mmsim.slob;

import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectConstructor;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.trace.Tracer;

/*
 * A kmem_cache under SLOB: only a descriptor. SLOB keeps no slabs per cache; every cache shares
 * the allocator's three page lists (objects below PAGE_SIZE) or takes whole pages (objects of
 * PAGE_SIZE and more), so this class holds the name, sizes, alignment, flags, constructor and a
 * count of live objects, and hands every call to SlobAllocator. Kernel source to look up:
 * mm/slob.c (slob_alloc_node, kmem_cache_free, __kmem_cache_create), mm/slab_common.c
 * (kmem_cache_create_usercopy, calculate_alignment).
 */
final class SlobCache implements KmemCache {
  private final SlobAllocator owner;
  private final int id;
  private final String name;
  private final int objectSize;
  private final int size;
  private final int align;
  private final int flags;
  private final ObjectConstructor ctor;
  private long live;
  private boolean destroyed;

  SlobCache(
      SlobAllocator owner,
      int id,
      String name,
      int objectSize,
      int size,
      int align,
      int flags,
      ObjectConstructor ctor) {
    this.owner = owner;
    this.id = id;
    this.name = name;
    this.objectSize = objectSize;
    this.size = size;
    this.align = align;
    this.flags = flags;
    this.ctor = ctor;
  }

  int id() {
    return id;
  }

  ObjectConstructor ctor() {
    return ctor;
  }

  long live() {
    return live;
  }

  void addLive(long delta) {
    live += delta;
  }

  boolean destroyed() {
    return destroyed;
  }

  void markDestroyed() {
    destroyed = true;
  }

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
    return align;
  }

  @Override
  public int flags() {
    return flags;
  }

  @Override
  public long alloc(int cpu, int gfp) {
    long obj = owner.cacheAlloc(this, cpu, gfp);
    if (owner.trace().on()) {
      owner
          .trace()
          .kmemCacheAlloc(
              cpu, owner.callSite(), obj, name(), objectSize(), size(), gfp, Tracer.NUMA_NO_NODE);
    }
    return obj;
  }

  @Override
  public void free(int cpu, long addr) {
    if (owner.trace().on()) {
      owner.trace().kmemCacheFree(cpu, owner.callSite(), addr, name());
    }
    owner.cacheFree(this, cpu, addr);
  }

  /** SLOB returns wholly free pages at once and keeps nothing per cache: always 0. */
  @Override
  public long shrink() {
    owner.checkAlive(this, "kmem_cache_shrink");
    return 0;
  }

  @Override
  public void destroy() {
    owner.destroyCache(this);
  }

  /**
   * A row in the /proc/slabinfo shape, although SLOB has no such file: objects in use (SLOB keeps
   * no free objects, so active equals total), the object size, and no slabs for caches on the
   * shared heap; a cache of page-sized objects shows each object as a slab of its pages.
   */
  @Override
  public SlabInfo info() {
    boolean pages = owner.usesWholePages(size);
    int perSlab = pages ? 1 : 0;
    int pagesPerSlab = pages ? owner.pagesPerObject(size) : 0;
    long slabs = pages ? live : 0;
    return new SlabInfo(name, live, live, size, perSlab, pagesPerSlab, 0, 0, 0, slabs, slabs, 0);
  }

  @Override
  public String toString() {
    return "SlobCache[" + name + ", size " + size + ", align " + align + ", live " + live + "]";
  }
}
