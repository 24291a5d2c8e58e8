package io.mmsim.workload;

import java.util.Locale;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;

/**
 * Page-allocator operations: {@code alloc_pages}, {@code free_pages}, {@code cpu}, {@code drain},
 * {@code compact_memory}, {@code sleep}.
 */
final class PageOps {
  private PageOps() {}

  static void register(Operations ops) {
    ops.add("alloc_pages", "alloc_pages HANDLE ORDER [zone=dma|dma32|normal]", PageOps::allocPages);
    ops.add("free_pages", "free_pages HANDLE", PageOps::freePages);
    ops.add("cpu", "cpu N", PageOps::cpu);
    ops.add("drain", "drain", PageOps::drain);
    ops.add("compact_memory", "compact_memory", PageOps::compactMemory);
    ops.add("sleep", "sleep MS", PageOps::sleep);
  }

  /** {@code alloc_pages HANDLE ORDER [zone=dma|dma32|normal]}. */
  static void allocPages(Replay r, Args a) {
    a.expect(2, 2, "alloc_pages HANDLE ORDER [zone=dma|dma32|normal]");
    a.allowOptions("zone");
    String name = r.newHandleName(a.get(0, "HANDLE"));
    int order = a.intIn(1, "ORDER", 0, Page.MAX_PAGE_ORDER);
    int gfp = Gfp.KERNEL;
    String zone = a.option("zone");
    Zone z = Zone.NORMAL;
    if (zone != null) {
      switch (zone.toLowerCase(Locale.ROOT)) {
        case "dma" -> {
          gfp |= Gfp.DMA;
          z = Zone.DMA;
        }
        case "dma32" -> {
          gfp |= Gfp.DMA32;
          z = Zone.DMA32;
        }
        case "normal" -> z = Zone.NORMAL;
        default ->
            throw new BadLineException(
                "alloc_pages: unknown zone '" + zone + "' (dma, dma32 or normal)");
      }
    }
    PageAllocator pa = r.kernel().pageAllocator();
    long pfn = r.kernel().allocPages(r.cpu(), gfp, order);
    if (pfn == PageAllocator.NO_PAGE) {
      throw new BadLineException(
          String.format(
              "alloc_pages: out of memory: no block of order %d for zone %s and below"
                  + " (free %d pages, gfp %s)",
              order, z.kernelName(), pa.nrFreePages(), Gfp.format(gfp)));
    }
    r.put(
        name,
        new Handle(Handle.Kind.PAGES, pfn, Page.pagesOf(order) << Page.PAGE_SHIFT, order, null, 0));
  }

  /** {@code free_pages HANDLE}. */
  static void freePages(Replay r, Args a) {
    a.expect(1, 1, "free_pages HANDLE");
    a.allowOptions();
    Handle h = r.handle(a.get(0, "HANDLE"), Handle.Kind.PAGES);
    r.kernel().pageAllocator().freePages(r.cpu(), h.value, h.order);
    h.live = false;
  }

  /** {@code compact_memory}: every zone compacted whole (echo 1 > /proc/sys/vm/compact_memory). */
  static void compactMemory(Replay r, Args a) {
    a.expect(0, 0, "compact_memory");
    a.allowOptions();
    r.kernel().compactMemory();
  }

  /**
   * {@code sleep MS}: MS milliseconds of simulated time pass with only the daemons running
   * (kcompactd's timer, khugepaged). Every line stands for one millisecond; this one for MS.
   */
  static void sleep(Replay r, Args a) {
    a.expect(1, 1, "sleep MS");
    a.allowOptions();
    long ms = a.number(0, "MS");
    if (ms < 1 || ms > io.mmsim.kernel.Kernel.MAX_SLEEP_MS) {
      throw new BadLineException(
          "sleep: MS " + ms + " is out of range [1, " + io.mmsim.kernel.Kernel.MAX_SLEEP_MS + "]");
    }
    // the replay ticks once after every line: the other MS - 1 milliseconds pass here
    r.kernel().sleep(ms - 1);
  }

  /** {@code cpu N}: the simulated CPU for the following lines. */
  static void cpu(Replay r, Args a) {
    a.expect(1, 1, "cpu N");
    a.allowOptions();
    r.setCpu(a.intIn(0, "N", 0, r.kernel().layout().cpus() - 1));
  }

  /** {@code drain}: every per-CPU list back to the buddy lists (drain_all_pages). */
  static void drain(Replay r, Args a) {
    a.expect(0, 0, "drain");
    a.allowOptions();
    r.kernel().pageAllocator().drainAllPages();
  }
}
