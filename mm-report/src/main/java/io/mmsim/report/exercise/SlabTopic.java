package io.mmsim.report.exercise;

import java.util.List;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.object.KmallocSizes;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.object.SlabInfo;

/**
 * kmalloc size classes: for each request, which cache serves it and how many objects one slab of
 * that cache holds. The solution calls {@code kmalloc} on a booted kernel with the SLUB or SLAB
 * allocator and reads the cache back from {@code ksize} and slabinfo (mm/slab_common.c:
 * kmalloc_slab, calculate_sizes in mm/slub.c, cache_estimate in mm/slab.c).
 */
final class SlabTopic implements Topic {
  @Override
  public String name() {
    return "slab";
  }

  @Override
  public String summary() {
    return "kmalloc: which cache serves each size, and how many objects one slab holds";
  }

  @Override
  public int defaultCount() {
    return 6;
  }

  @Override
  public void write(Text t, Rng rng, int n) {
    String allocator = rng.pick(List.of("slub", "slab"));
    Machine m = new Machine("memory.size=64M", "cpus=1", "object-allocator=" + allocator);
    ObjectAllocator oa = m.kernel().objectAllocator();
    t.q(
        "The kernel runs the %s object allocator (%s). Its kmalloc caches are",
        allocator, allocator.equals("slub") ? "mm/slub.c" : "mm/slab.c");
    t.q("kmalloc-8, -16, -32, -64, -96, -128, -192, -256, -512, -1k, -2k, -4k and -8k.");
    t.q("");
    for (int i = 1; i <= n; i++) {
      int size = size(rng);
      t.q("  %d. kmalloc(%d)", i, size);
      long addr = oa.kmalloc(0, size, Gfp.KERNEL);
      long ksize = oa.ksize(addr);
      if (size > KmallocSizes.KMALLOC_MAX_CACHE_SIZE) {
        int order = 64 - Long.numberOfLeadingZeros((ksize >> Page.PAGE_SHIFT) - 1);
        t.a(
            "  %d. kmalloc(%d): no cache; %d bytes are more than kmalloc-8k holds, so the page"
                + " allocator serves it: order %d, %d pages (ksize %d).",
            i, size, size, order, 1 << order, ksize);
        continue;
      }
      KmemCache c =
          oa.findCache(
              m.kernel().frameMap().owner((addr - KernelLayout.PAGE_OFFSET) >>> Page.PAGE_SHIFT));
      SlabInfo info = c.info();
      long slabBytes = (long) info.pagesPerSlab() << Page.PAGE_SHIFT;
      t.a(
          "  %d. kmalloc(%d) -> %s: %d objects per slab of %d page(s)",
          i, size, c.name(), info.objPerSlab(), info.pagesPerSlab());
      t.a(
          "      why: %s%s; %d bytes / %d = %d objects, %d bytes left over%s.",
          sizeClass(size, c.name()),
          info.objSize() != classSize(c.name())
              ? String.format(", its objects take %d bytes (aligned)", info.objSize())
              : "",
          slabBytes,
          info.objSize(),
          info.objPerSlab(),
          slabBytes - (long) info.objPerSlab() * info.objSize(),
          allocator.equals("slab")
                  && slabBytes - (long) info.objPerSlab() * info.objSize() >= info.objPerSlab()
              ? " (SLAB keeps a one-byte free index per object inside the slab)"
              : "");
    }
    t.q("");
    t.q("For each request: which cache serves it, and how many objects fit in one slab of that");
    t.q("cache (how many pages is the slab)?");
  }

  private static String sizeClass(int size, String cache) {
    int cls = classSize(cache);
    if (cls == 96 || cls == 192) {
      return size + " bytes fit the size class " + cls + " (between two powers of two)";
    }
    return size + " bytes round up to the size class " + cls;
  }

  /** The size class a kmalloc cache's name gives: kmalloc-96, kmalloc-2k. */
  private static int classSize(String cache) {
    String s = cache.substring(cache.lastIndexOf('-') + 1);
    return s.endsWith("k")
        ? Integer.parseInt(s.substring(0, s.length() - 1)) << 10
        : Integer.parseInt(s);
  }

  /** Mostly small requests, some between 256 bytes and 8 KiB, now and then a larger one. */
  private static int size(Rng rng) {
    int r = rng.nextInt(100);
    if (r < 60) {
      return rng.between(1, 256);
    }
    if (r < 92) {
      return rng.between(257, 8192);
    }
    return rng.between(8193, 40000);
  }
}
