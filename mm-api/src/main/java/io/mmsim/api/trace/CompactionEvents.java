package io.mmsim.api.trace;

/**
 * The tracepoints of {@code include/trace/events/compaction.h}: a compaction run's begin and end
 * with its scanners, each batch of migrated pages, and kcompactd waking and going to sleep ({@code
 * mm/compaction.c: compact_zone, kcompactd}). Each one does nothing when {@code trace} has no
 * listener; guard it with {@link Tracer#on()} as any other.
 */
public final class CompactionEvents {

  private CompactionEvents() {}

  /** {@code trace_mm_compaction_begin}: absolute frame numbers. */
  public static void mmCompactionBegin(
      Tracer trace, long zoneStart, long migratePfn, long freePfn, long zoneEnd, boolean sync) {
    trace.emit(
        Tracepoint.MM_COMPACTION_BEGIN,
        Tracer.CURRENT_CPU,
        zoneStart,
        migratePfn,
        freePfn,
        zoneEnd,
        sync ? 1 : 0,
        0,
        0,
        0,
        null,
        null);
  }

  /** {@code trace_mm_compaction_end}; {@code status} is a {@code CompactResult} ordinal. */
  public static void mmCompactionEnd(
      Tracer trace,
      long zoneStart,
      long migratePfn,
      long freePfn,
      long zoneEnd,
      boolean sync,
      int status) {
    trace.emit(
        Tracepoint.MM_COMPACTION_END,
        Tracer.CURRENT_CPU,
        zoneStart,
        migratePfn,
        freePfn,
        zoneEnd,
        sync ? 1 : 0,
        status,
        0,
        0,
        null,
        null);
  }

  /** {@code trace_mm_compaction_migratepages}. */
  public static void mmCompactionMigratepages(Tracer trace, long nrMigrated, long nrFailed) {
    trace.emit(
        Tracepoint.MM_COMPACTION_MIGRATEPAGES,
        Tracer.CURRENT_CPU,
        nrMigrated,
        nrFailed,
        0,
        0,
        0,
        0,
        0,
        0,
        null,
        null);
  }

  /** {@code trace_mm_compaction_kcompactd_wake}. */
  public static void mmCompactionKcompactdWake(
      Tracer trace, int nid, int order, int highestZoneidx) {
    trace.emit(
        Tracepoint.MM_COMPACTION_KCOMPACTD_WAKE,
        Tracer.CURRENT_CPU,
        nid,
        order,
        highestZoneidx,
        0,
        0,
        0,
        0,
        0,
        null,
        null);
  }

  /** {@code trace_mm_compaction_kcompactd_sleep}. */
  public static void mmCompactionKcompactdSleep(Tracer trace, int nid) {
    trace.emit(
        Tracepoint.MM_COMPACTION_KCOMPACTD_SLEEP,
        Tracer.CURRENT_CPU,
        nid,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        null,
        null);
  }
}
