package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.trace.Tracepoint;
import io.mmsim.kernel.Kernel;

/**
 * khugepaged's huge_memory tracepoints as trace_pipe lines, in the TP_printk layout of {@code
 * include/trace/events/huge_memory.h}, for ranges worked out by hand: process 1 maps 2 MiB at
 * 0x40000000 without THP, writes the first N pages (each PTE young, dirty and writable), then
 * advises it hugepage; the next tick runs one khugepaged pass, as task khugepaged.
 *
 * <p>{@code mm=%p} is the process's {@code mm->pgd} (the direct-map address of its top-level
 * table), {@code scan_pfn} the frame of the last page the check looked at.
 */
final class KhugepagedTraceTest {
  private static final int RW = Prot.READ | Prot.WRITE;
  private static final long MB2 = 2L << 20;
  private static final long AT = 0x4000_0000L;

  private static Kernel boot(String... keys) {
    return ThpKernels.boot(keys);
  }

  private static List<String> capture(Kernel k) {
    List<String> lines = new ArrayList<>();
    k.tracer()
        .subscribe(
            Tracepoint.select("huge_memory:*"),
            e -> lines.add(e.line().replaceFirst(" +\\d+\\.\\d{6}: ", " T: ")));
    return lines;
  }

  private static String line(String event) {
    return String.format("%16s-%-7d [%03d] %s T: %s", "khugepaged", 0, 0, ".....", event);
  }

  /** Writes the first {@code touched} pages of 2 MiB at {@link #AT}; the frame of the last one. */
  private static long prepare(Kernel k, int touched) {
    Processes p = k.processes();
    p.spawn(1);
    assertThat(p.mmap(1, MB2, RW, null, 0, false, AT, false)).isEqualTo(AT);
    for (int i = 0; i < touched; i++) {
      assertThat(p.write(1, 0, AT + ((long) i << Page.PAGE_SHIFT), new byte[] {1})).isTrue();
    }
    p.madvise(1, AT, MB2, true);
    long last = k.pageTable().readPte(root(k), AT + ((long) (touched - 1) << Page.PAGE_SHIFT));
    assertThat(Pte.present(last)).isTrue();
    return Pte.pfn(last);
  }

  private static long root(Kernel k) {
    return k.processes().task(1).mm.root();
  }

  /** {@code mm=%p}: 16 hex digits of mm->pgd, PAGE_OFFSET plus the table's physical address. */
  private static String mm(Kernel k) {
    return String.format("%016x", 0xffff888000000000L + (root(k) << Page.PAGE_SHIFT));
  }

  @Test
  void collapse_eightPagesOf512_isolateCollapseAndScanLines() {
    Kernel k = boot();
    long pfn = prepare(k, 8);
    List<String> lines = capture(k);

    k.tick();

    // 8 present pages, all young and writable; 504 empty entries (at most 511 allowed)
    assertThat(lines)
        .containsExactly(
            line(
                String.format(
                    "mm_collapse_huge_page_isolate: scan_pfn=0x%x, none_or_zero=504,"
                        + " referenced=8, writable=1, status=succeeded",
                    pfn)),
            line(
                String.format("mm_collapse_huge_page: mm=%s, isolated=1, status=succeeded", mm(k))),
            line(
                String.format(
                    "mm_khugepaged_scan_pmd: mm=%s, scan_pfn=0x%x, writable=1, referenced=8,"
                        + " none_or_zero=504, status=succeeded, unmapped=0",
                    mm(k), pfn)));
  }

  @Test
  void scan_oneEmptyEntryTooMany_scanLineOnlyWithExceedNonePte() {
    // max_ptes_none 500: 11 written pages leave 501 empty entries; the check stops at the last
    Kernel k = boot("thp.max-ptes-none=500");
    long pfn = prepare(k, 11);
    List<String> lines = capture(k);

    k.tick();

    assertThat(lines)
        .containsExactly(
            line(
                String.format(
                    "mm_khugepaged_scan_pmd: mm=%s, scan_pfn=0x%x, writable=1, referenced=11,"
                        + " none_or_zero=501, status=exceed_none_pte, unmapped=0",
                    mm(k), pfn)));
  }

  @Test
  void scan_noFreeOrder9Block_collapseFailsWithAllocHugePageFailed() {
    Kernel k = boot("thp.khugepaged-defrag=false");
    long pfn = prepare(k, 8);
    // take every block of order 9 and above
    for (int order = Page.MAX_PAGE_ORDER; order >= 9; order--) {
      while (k.pageAllocator().allocPages(0, io.mmsim.api.mem.Gfp.KERNEL, order)
          != io.mmsim.api.page.PageAllocator.NO_PAGE) {
        // held until the end of the test
      }
    }
    List<String> lines = capture(k);

    k.tick();

    assertThat(lines)
        .containsExactly(
            line(
                String.format(
                    "mm_collapse_huge_page: mm=%s, isolated=0, status=alloc_huge_page_failed",
                    mm(k))),
            line(
                String.format(
                    "mm_khugepaged_scan_pmd: mm=%s, scan_pfn=0x%x, writable=1, referenced=8,"
                        + " none_or_zero=504, status=alloc_huge_page_failed, unmapped=0",
                    mm(k), pfn)));
  }
}
