package io.mmsim.slab;

import java.util.Arrays;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.object.ObjectConstructor;
import io.mmsim.api.page.PageAllocator;

/**
 * A SLAB cache's slabs coming and going, after {@code mm/slab.c}'s {@code cache_grow_begin}, {@code
 * cache_grow_end} and {@code slab_destroy}: pages from the page allocator (of the CPU's node only
 * when the caller asks for {@code gfp_exact_node}), the next colour offset, an off-slab freelist
 * from kmalloc, the constructor run over every object, and on destruction the pages and the
 * off-slab freelist given back. Slab indices are recycled; the per-slab arrays, which the cache's
 * hot paths index directly, stay in {@link SlabCache} and are grown here (doubling).
 *
 * <p>Not thread-safe, like its cache.
 */
final class CacheGrow {
  private final SlabCache cache;
  private final SlabAllocator owner;
  private final PageAllocator pages;
  private final ObjectConstructor ctor;
  private final int size;
  private final int pageGfp;

  // counters
  long grown;
  long slabsFreed;
  long pagesFreed;
  long growFailures;

  CacheGrow(
      SlabCache cache,
      SlabAllocator owner,
      PageAllocator pages,
      ObjectConstructor ctor,
      int size,
      int pageGfp) {
    this.cache = cache;
    this.owner = owner;
    this.pages = pages;
    this.ctor = ctor;
    this.size = size;
    this.pageGfp = pageGfp;
  }

  /**
   * {@code cache_grow_begin}: a new slab, not yet on a list; -1 when out of memory. With {@code
   * exactNode} the pages must come from the CPU's node, without reclaim ({@code gfp_exact_node}).
   */
  int growBegin(int cpu, int gfp, boolean exactNode) {
    int localGfp = gfp & SlabCache.GFP_RECLAIM_MASK;
    int pageFlags = localGfp | pageGfp;
    if (exactNode) {
      pageFlags = (pageFlags | Gfp.THISNODE | Gfp.NOWARN) & ~(Gfp.RECLAIM | Gfp.NOFAIL);
    }
    long pfn = pages.allocPages(cpu, pageFlags, cache.order);
    if (pfn == PageAllocator.NO_PAGE) {
      growFailures++;
      return -1;
    }
    int nid = cache.nodes.length == 1 ? 0 : owner.numa().nodeOf(pfn);
    KmemCacheNode node = cache.nodes[nid];
    int savedColour = node.colourNext;
    int colour = node.advanceColour(cache.g.colour);
    long base = KernelLayout.va(Page.pfnToPhys(pfn));
    long fl = 0;
    if (cache.g.mode == CacheGeometry.MODE_OFF_SLAB) {
      fl = owner.allocFreelist(cpu, cache.g.freelistSize, localGfp);
      if (fl == 0) {
        pages.freePages(cpu, pfn, cache.order);
        growFailures++;
        return -1;
      }
    }
    int s = newSlabId();
    cache.slabPfn[s] = pfn;
    cache.sMem[s] = base + (long) colour * cache.g.colourOff;
    cache.mgmt[s] = fl;
    cache.active[s] = 0;
    cache.slabNode[s] = (byte) nid;
    node.next[s] = s;
    node.prev[s] = s;
    node.listOf[s] = KmemCacheNode.UNLISTED;
    int fb = s * cache.num;
    for (int i = 0; i < cache.num; i++) {
      cache.freelist[fb + i] = (byte) i;
    }
    Arrays.fill(cache.inUse, s * cache.words, s * cache.words + cache.words, 0L);
    cache.map.set(pfn, 1 << cache.order, SlabPageMap.entry(cache.id + 1, s));
    if (ctor != null) {
      try {
        for (int i = 0; i < cache.num; i++) {
          ctor.construct(cache.sMem[s] + (long) i * size);
        }
      } catch (RuntimeException | Error e) {
        // a failing constructor leaves the cache as it was
        discardSlab(cpu, s);
        if (fl != 0) {
          owner.freeFreelist(cpu, fl);
        }
        node.colourNext = savedColour;
        throw e;
      }
    }
    grown++;
    if (cache.trace.on()) {
      cache.trace.newSlab(cpu, cache.name, pfn, cache.order, cache.num);
    }
    return s;
  }

  /** {@code cache_grow_end}: files a new slab and counts its free objects. */
  void growEnd(int s) {
    KmemCacheNode node = cache.nodes[cache.slabNode[s]];
    node.totalSlabs++;
    if (cache.active[s] == 0) {
      node.linkTail(KmemCacheNode.ON_FREE, s);
      node.freeSlabs++;
    } else {
      cache.fixupSlabList(s);
    }
    node.freeObjects += cache.num - cache.active[s];
  }

  /** {@code slab_destroy}: pages back to the page allocator, off-slab freelist back to kmalloc. */
  void destroySlab(int cpu, int s) {
    if (cache.trace.on()) {
      cache.trace.discardSlab(cpu, cache.name, cache.slabPfn[s], cache.order);
    }
    long fl = cache.mgmt[s];
    discardSlab(cpu, s);
    if (fl != 0) {
      owner.freeFreelist(cpu, fl);
    }
    slabsFreed++;
    pagesFreed += 1L << cache.order;
  }

  /** Unmaps slab {@code s}, gives its pages back and retires its index. */
  private void discardSlab(int cpu, int s) {
    long pfn = cache.slabPfn[s];
    cache.map.set(pfn, 1 << cache.order, SlabPageMap.NONE);
    pages.freePages(cpu, pfn, cache.order);
    cache.mgmt[s] = 0;
    cache.nodes[cache.slabNode[s]].listOf[s] = KmemCacheNode.UNUSED;
    cache.spareIds[cache.spareCount++] = s;
  }

  private int newSlabId() {
    if (cache.spareCount > 0) {
      return cache.spareIds[--cache.spareCount];
    }
    if (cache.highest == cache.capacity) {
      growTables();
    }
    return cache.highest++;
  }

  private void growTables() {
    int c = cache.capacity * 2;
    if (c < 0
        || (long) c * cache.num > Integer.MAX_VALUE
        || (long) c * cache.words > Integer.MAX_VALUE) {
      throw new IllegalStateException(cache.name + ": more slabs than this simulator can index");
    }
    cache.slabPfn = Arrays.copyOf(cache.slabPfn, c);
    cache.sMem = Arrays.copyOf(cache.sMem, c);
    cache.mgmt = Arrays.copyOf(cache.mgmt, c);
    cache.active = Arrays.copyOf(cache.active, c);
    cache.slabNode = Arrays.copyOf(cache.slabNode, c);
    for (KmemCacheNode n : cache.nodes) {
      n.grow(cache.capacity, c);
    }
    cache.freelist = Arrays.copyOf(cache.freelist, c * cache.num);
    cache.inUse = Arrays.copyOf(cache.inUse, c * cache.words);
    cache.spareIds = Arrays.copyOf(cache.spareIds, c);
    cache.capacity = c;
  }
}
