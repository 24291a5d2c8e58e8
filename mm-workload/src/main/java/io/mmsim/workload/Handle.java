package io.mmsim.workload;

/**
 * What a workload handle names: a block of pages, a kernel object, a vmalloc area, a mapping. A
 * handle outlives what it names (it stays usable as an address after a free, as a dangling pointer
 * would), so {@link #live} records whether the thing still exists.
 */
final class Handle {
  /** The kinds of things a handle can name. */
  public enum Kind {
    /** A block from alloc_pages: value = PFN, order = order. */
    PAGES,
    /** A kmalloc object: value = address, size = requested size. */
    KMALLOC,
    /** A kmem_cache object: value = address, cache = its cache. */
    CACHE_OBJECT,
    /** A vmalloc area: value = address, size = requested size. */
    VMALLOC,
    /** A user mapping: value = address, size = length, pid = its process. */
    MAPPING
  }

  final Kind kind;
  final long value;
  final long size;
  final int order;
  final String cache;
  final int pid;
  boolean live = true;

  Handle(Kind kind, long value, long size, int order, String cache, int pid) {
    this.kind = kind;
    this.value = value;
    this.size = size;
    this.order = order;
    this.cache = cache;
    this.pid = pid;
  }

  /** The address a handle stands for in {@code HANDLE+OFFSET}. */
  long address() {
    return kind == Kind.PAGES ? io.mmsim.api.mem.KernelLayout.va(value << 12) : value;
  }
}
