package io.mmsim.api.trace;

/**
 * The tracepoints of {@code include/trace/events/huge_memory.h}: what khugepaged reports while it
 * scans page tables for runs of small pages and collapses them into a huge page ({@code
 * mm/khugepaged.c: hpage_collapse_scan_pmd, collapse_huge_page, __collapse_huge_page_isolate,
 * __collapse_huge_page_swapin}). Each one does nothing when {@code trace} has no listener; guard it
 * with {@link Tracer#on()} as any other.
 */
public final class HugeMemoryEvents {

  private HugeMemoryEvents() {}

  /**
   * {@code trace_mm_khugepaged_scan_pmd}: {@code mm} the process's {@code mm->pgd}, {@code pfn} the
   * last page looked at or -1, {@code status} the {@code SCAN_STATUS} name ({@code succeeded},
   * {@code exceed_none_pte}, ...).
   */
  public static void mmKhugepagedScanPmd(
      Tracer trace,
      long mm,
      long pfn,
      boolean writable,
      int referenced,
      int noneOrZero,
      String status,
      int unmapped) {
    trace.emit(
        Tracepoint.MM_KHUGEPAGED_SCAN_PMD,
        Tracer.CURRENT_CPU,
        mm,
        pfn,
        writable ? 1 : 0,
        referenced,
        noneOrZero,
        unmapped,
        0,
        0,
        status,
        null);
  }

  /** {@code trace_mm_collapse_huge_page}: isolated is true when the collapse succeeded. */
  public static void mmCollapseHugePage(Tracer trace, long mm, boolean isolated, String status) {
    trace.emit(
        Tracepoint.MM_COLLAPSE_HUGE_PAGE,
        Tracer.CURRENT_CPU,
        mm,
        isolated ? 1 : 0,
        0,
        0,
        0,
        0,
        0,
        0,
        status,
        null);
  }

  /** {@code trace_mm_collapse_huge_page_isolate}: {@code pfn} the last page looked at or -1. */
  public static void mmCollapseHugePageIsolate(
      Tracer trace, long pfn, int noneOrZero, int referenced, boolean writable, String status) {
    trace.emit(
        Tracepoint.MM_COLLAPSE_HUGE_PAGE_ISOLATE,
        Tracer.CURRENT_CPU,
        pfn,
        noneOrZero,
        referenced,
        writable ? 1 : 0,
        0,
        0,
        0,
        0,
        status,
        null);
  }

  /** {@code trace_mm_collapse_huge_page_swapin}: {@code ret} the scan result code. */
  public static void mmCollapseHugePageSwapin(
      Tracer trace, long mm, int swappedIn, int referenced, int ret) {
    trace.emit(
        Tracepoint.MM_COLLAPSE_HUGE_PAGE_SWAPIN,
        Tracer.CURRENT_CPU,
        mm,
        swappedIn,
        referenced,
        ret,
        0,
        0,
        0,
        0,
        null,
        null);
  }
}
