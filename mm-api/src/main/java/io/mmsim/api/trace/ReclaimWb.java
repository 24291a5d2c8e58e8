package io.mmsim.api.trace;

/**
 * The bits of the {@code reclaim_flags} of {@link Tracer#mmVmscanWriteFolio}: the {@code
 * RECLAIM_WB_*} flags of {@code include/trace/events/vmscan.h}, which says what a page written back
 * by reclaim held and whether the write waits. {@link TpPrintk} prints them as {@code
 * show_reclaim_flags} does.
 */
public final class ReclaimWb {

  /** {@code RECLAIM_WB_ANON}: an anonymous page. */
  public static final int RECLAIM_WB_ANON = 0x1;

  /** {@code RECLAIM_WB_FILE}: a file page. */
  public static final int RECLAIM_WB_FILE = 0x2;

  /** {@code RECLAIM_WB_MIXED}. */
  public static final int RECLAIM_WB_MIXED = 0x10;

  /** {@code RECLAIM_WB_SYNC}: the write is waited for. */
  public static final int RECLAIM_WB_SYNC = 0x4;

  /** {@code RECLAIM_WB_ASYNC}: the write is not waited for. */
  public static final int RECLAIM_WB_ASYNC = 0x8;

  private ReclaimWb() {}
}
