package io.mmsim.api.trace;

/**
 * The tracepoints of {@code include/trace/events/vmalloc.h}: a range of the vmalloc space found or
 * not ({@code mm/vmalloc.c: alloc_vmap_area}), freed lazily ({@code free_vmap_area_noflush}) and
 * purged with one TLB flush ({@code __purge_vmap_area_lazy}). Each one does nothing when {@code
 * trace} has no listener; guard it with {@link Tracer#on()} as any other.
 */
public final class VmallocEvents {

  private VmallocEvents() {}

  /** {@code trace_alloc_vmap_area}. */
  public static void allocVmapArea(
      Tracer trace, long addr, long size, long align, long vstart, long vend, boolean failed) {
    trace.emit(
        Tracepoint.ALLOC_VMAP_AREA,
        Tracer.CURRENT_CPU,
        addr,
        size,
        align,
        vstart,
        vend,
        failed ? 1 : 0,
        0,
        0,
        null,
        null);
  }

  /** {@code trace_purge_vmap_area_lazy}. */
  public static void purgeVmapAreaLazy(Tracer trace, long start, long end, int npurged) {
    trace.emit(
        Tracepoint.PURGE_VMAP_AREA_LAZY,
        Tracer.CURRENT_CPU,
        start,
        end,
        npurged,
        0,
        0,
        0,
        0,
        0,
        null,
        null);
  }

  /** {@code trace_free_vmap_area_noflush}. */
  public static void freeVmapAreaNoflush(Tracer trace, long vaStart, long nrLazy, long nrLazyMax) {
    trace.emit(
        Tracepoint.FREE_VMAP_AREA_NOFLUSH,
        Tracer.CURRENT_CPU,
        vaStart,
        nrLazy,
        nrLazyMax,
        0,
        0,
        0,
        0,
        0,
        null,
        null);
  }
}
