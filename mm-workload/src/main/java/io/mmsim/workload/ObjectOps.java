package io.mmsim.workload;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectAllocator;

/**
 * Object-allocator operations: kmalloc and kmem caches, and raw kernel-memory access through the
 * direct map ({@code kwrite}, {@code kread}) with which a workload can overrun a buffer.
 */
final class ObjectOps {
  private ObjectOps() {}

  static void register(Operations ops) {
    ops.add("kmalloc", "kmalloc HANDLE SIZE [zero]", ObjectOps::kmalloc);
    ops.add("kfree", "kfree ADDR", ObjectOps::kfree);
    ops.add("kmem_cache_create", "kmem_cache_create NAME SIZE [align=N]", ObjectOps::cacheCreate);
    ops.add("kmem_cache_alloc", "kmem_cache_alloc HANDLE NAME", ObjectOps::cacheAlloc);
    ops.add("kmem_cache_free", "kmem_cache_free NAME ADDR", ObjectOps::cacheFree);
    ops.add("kmem_cache_shrink", "kmem_cache_shrink NAME|all", ObjectOps::cacheShrink);
    ops.add("kmem_cache_destroy", "kmem_cache_destroy NAME", ObjectOps::cacheDestroy);
    ops.add("kwrite", "kwrite ADDR BYTES", ObjectOps::kwrite);
    ops.add("kread", "kread ADDR LENGTH", ObjectOps::kread);
  }

  private static ObjectAllocator objects(Replay r, String op) {
    return Replay.require(
        r.kernel().objectAllocator(), op, "object allocator (object-allocator=none)");
  }

  /** {@code kmalloc HANDLE SIZE [zero]}. */
  static void kmalloc(Replay r, Args a) {
    a.expect(2, 3, "kmalloc HANDLE SIZE [zero]");
    a.allowOptions();
    String name = r.newHandleName(a.get(0, "HANDLE"));
    long size = a.size(1, "SIZE");
    int gfp = Gfp.KERNEL;
    if (a.positional() == 3) {
      if (!a.get(2, "flag").equals("zero")) {
        throw new BadLineException("kmalloc: unknown flag '" + a.get(2, "flag") + "' (zero)");
      }
      gfp |= Gfp.ZERO;
    }
    ObjectAllocator oa = objects(r, "kmalloc");
    if (size == 0) {
      throw new BadLineException(
          "kmalloc: size 0 returns ZERO_SIZE_PTR; give a size of at least 1");
    }
    long addr;
    try {
      addr = oa.kmalloc(r.cpu(), size, gfp);
    } catch (IllegalArgumentException e) {
      throw new BadLineException("kmalloc: " + e.getMessage());
    }
    if (addr == 0) {
      throw new BadLineException("kmalloc: out of memory for " + size + " bytes");
    }
    r.put(name, new Handle(Handle.Kind.KMALLOC, addr, size, 0, null, 0));
    r.allocated(size);
  }

  /** {@code kfree ADDR}. */
  static void kfree(Replay r, Args a) {
    a.expect(1, 1, "kfree ADDR");
    a.allowOptions();
    long addr = r.address(a.get(0, "ADDR"));
    objects(r, "kfree").kfree(r.cpu(), addr);
    Handle h = r.markFreed(a.get(0, "ADDR"), addr);
    if (h != null) {
      r.released(h.size);
    }
  }

  /** {@code kmem_cache_create NAME SIZE [align=N]}. */
  static void cacheCreate(Replay r, Args a) {
    a.expect(2, 2, "kmem_cache_create NAME SIZE [align=N]");
    a.allowOptions("align");
    String name = a.get(0, "NAME");
    long size = a.size(1, "SIZE");
    int align = 0;
    String al = a.option("align");
    if (al != null) {
      try {
        align = (int) io.mmsim.api.Sizes.parseSize(al);
      } catch (NumberFormatException e) {
        throw new BadLineException("kmem_cache_create: align '" + al + "' is not a number");
      }
      if (align <= 0 || Integer.bitCount(align) != 1) {
        throw new BadLineException("kmem_cache_create: align " + align + " is not a power of two");
      }
    }
    if (size < 1 || size > Integer.MAX_VALUE) {
      throw new BadLineException("kmem_cache_create: size " + size + " is out of range");
    }
    ObjectAllocator oa = objects(r, "kmem_cache_create");
    if (oa.findCache(name) != null) {
      throw new BadLineException("kmem_cache_create: a cache named '" + name + "' exists");
    }
    try {
      oa.kmemCacheCreate(name, (int) size, align, 0, null);
    } catch (IllegalArgumentException e) {
      throw new BadLineException("kmem_cache_create: " + e.getMessage());
    }
  }

  private static KmemCache cache(Replay r, String op, String name) {
    KmemCache c = objects(r, op).findCache(name);
    if (c == null) {
      throw new BadLineException(op + ": no cache named '" + name + "'");
    }
    return c;
  }

  /** {@code kmem_cache_alloc HANDLE NAME}. */
  static void cacheAlloc(Replay r, Args a) {
    a.expect(2, 2, "kmem_cache_alloc HANDLE NAME");
    a.allowOptions();
    String handle = r.newHandleName(a.get(0, "HANDLE"));
    KmemCache c = cache(r, "kmem_cache_alloc", a.get(1, "NAME"));
    long addr = c.alloc(r.cpu(), Gfp.KERNEL);
    if (addr == 0) {
      throw new BadLineException("kmem_cache_alloc: out of memory in cache " + c.name());
    }
    r.put(handle, new Handle(Handle.Kind.CACHE_OBJECT, addr, c.objectSize(), 0, c.name(), 0));
    r.allocated(c.objectSize());
  }

  /** {@code kmem_cache_free NAME ADDR}. */
  static void cacheFree(Replay r, Args a) {
    a.expect(2, 2, "kmem_cache_free NAME ADDR");
    a.allowOptions();
    KmemCache c = cache(r, "kmem_cache_free", a.get(0, "NAME"));
    long addr = r.address(a.get(1, "ADDR"));
    c.free(r.cpu(), addr);
    Handle h = r.markFreed(a.get(1, "ADDR"), addr);
    if (h != null) {
      r.released(h.size);
    }
  }

  /** {@code kmem_cache_shrink NAME|all}. */
  static void cacheShrink(Replay r, Args a) {
    a.expect(1, 1, "kmem_cache_shrink NAME|all");
    a.allowOptions();
    String name = a.get(0, "NAME");
    if (name.equals("all")) {
      objects(r, "kmem_cache_shrink").shrinkAll();
    } else {
      cache(r, "kmem_cache_shrink", name).shrink();
    }
  }

  /** {@code kmem_cache_destroy NAME}. */
  static void cacheDestroy(Replay r, Args a) {
    a.expect(1, 1, "kmem_cache_destroy NAME");
    a.allowOptions();
    cache(r, "kmem_cache_destroy", a.get(0, "NAME")).destroy();
  }

  /** {@code kwrite ADDR BYTES}: write kernel memory through the direct map. */
  static void kwrite(Replay r, Args a) {
    a.expect(2, 2, "kwrite ADDR BYTES");
    a.allowOptions();
    long addr = r.address(a.get(0, "ADDR"));
    byte[] data = a.bytes(1, "BYTES");
    checkDirectMap(r, "kwrite", addr, data.length);
    r.kernel().memory().write(KernelLayout.pa(addr), data, 0, data.length);
  }

  /** {@code kread ADDR LENGTH}: print kernel memory as {@code LINE: ADDR: HEX}. */
  static void kread(Replay r, Args a) {
    a.expect(2, 2, "kread ADDR LENGTH");
    a.allowOptions();
    long addr = r.address(a.get(0, "ADDR"));
    long len = a.size(1, "LENGTH");
    if (len < 1 || len > (1 << 20)) {
      throw new BadLineException("kread: LENGTH " + len + " is out of range [1, 1M]");
    }
    checkDirectMap(r, "kread", addr, len);
    byte[] buf = new byte[(int) len];
    r.kernel().memory().read(KernelLayout.pa(addr), buf, 0, buf.length);
    r.printBytes(addr, buf);
  }

  private static void checkDirectMap(Replay r, String op, long addr, long len) {
    long bytes = r.kernel().memory().size();
    if (!KernelLayout.inDirectMap(addr, bytes)
        || !KernelLayout.inDirectMap(addr + len - 1, bytes)) {
      throw new BadAddressException(
          addr,
          String.format(
              "%s: 0x%x (+%d) is not in the direct map of this machine's %d MiB",
              op, addr, len, bytes >>> 20));
    }
  }
}
