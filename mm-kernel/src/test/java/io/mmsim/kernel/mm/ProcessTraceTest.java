package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.trace.Explainer;
import io.mmsim.api.trace.TraceEvent;
import io.mmsim.api.trace.Tracepoint;
import io.mmsim.kernel.Kernel;

/**
 * The events of the fault handlers, reclaim, swap and the OOM killer, as trace_pipe lines, for
 * small cases worked out by hand: which task ran them, in which order, with which numbers.
 */
final class ProcessTraceTest {
  private static final int RW = Prot.READ | Prot.WRITE;
  private static final long PAGE = Page.PAGE_SIZE;

  /** trace_pipe lines with the timestamp replaced by T (it counts every event, traced or not). */
  private static List<String> capture(Kernel k, String spec) {
    List<String> lines = new ArrayList<>();
    k.tracer()
        .subscribe(
            Tracepoint.select(spec),
            e -> lines.add(e.line().replaceFirst(" +\\d+\\.\\d{6}: ", " T: ")));
    return lines;
  }

  /** The line trace_pipe prints: {@code %16s-%-7d [%03d] FLAGS}, then the event. */
  private static String line(String comm, int pid, String flags, String event) {
    return String.format("%16s-%-7d [%03d] %s T: %s", comm, pid, 0, flags, event);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static long pfnAt(Kernel k, int pid, long addr) {
    long pte = k.pageTable().readPte(k.processes().task(pid).pgd(), addr);
    assertThat(Pte.present(pte)).as("PTE of 0x%x present", addr).isTrue();
    return Pte.pfn(pte);
  }

  @Test
  void cowFault_childCopiesThenParentReuses_eachStepInItsTask() {
    Kernel k = Kernel.builder().set("memory.size", "64M").boot();
    Processes p = k.processes();
    List<String> lines =
        capture(
            k,
            "exceptions:page_fault_user,mmsim:fault_vma,mmsim:do_anonymous_page,"
                + "mmsim:do_wp_page,mmsim:fault_done");
    p.spawn(1);
    long a = p.mmap(1, 2 * PAGE, RW, null, 0, false, -1, false);
    p.write(1, 0, a, bytes("x"));
    long parent = pfnAt(k, 1, a);
    p.fork(1, 2);
    p.write(2, 0, a, bytes("y"));
    long child = pfnAt(k, 2, a);
    p.write(1, 0, a, bytes("z"));
    assertThat(pfnAt(k, 1, a)).isEqualTo(parent);
    assertThat(child).isNotEqualTo(parent);

    String vma =
        String.format(
            "fault_vma: address=0x%x vma=0x%x-0x%x prot=rw-p backing=anonymous", a, a, a + 8192);
    String done = String.format("fault_done: address=0x%x handler=demand result=minor", a);
    // error code 0x6 = W|U on a missing page; 0x7 = P|W|U on a write-protected one
    assertThat(lines)
        .containsExactly(
            line(
                "mm",
                1,
                "d....",
                String.format("page_fault_user: address=0x%x ip=0x0 error_code=0x6", a)),
            line("mm", 1, ".....", vma),
            line(
                "mm",
                1,
                ".....",
                String.format("do_anonymous_page: address=0x%x pfn=0x%x zero_page=0", a, parent)),
            line("mm", 1, ".....", done),
            line(
                "mm",
                2,
                "d....",
                String.format("page_fault_user: address=0x%x ip=0x0 error_code=0x7", a)),
            line("mm", 2, ".....", vma),
            line(
                "mm",
                2,
                ".....",
                String.format(
                    "do_wp_page: address=0x%x old_pfn=0x%x new_pfn=0x%x copied=1",
                    a, parent, child)),
            line("mm", 2, ".....", done),
            line(
                "mm",
                1,
                "d....",
                String.format("page_fault_user: address=0x%x ip=0x0 error_code=0x7", a)),
            line("mm", 1, ".....", vma),
            line(
                "mm",
                1,
                ".....",
                String.format(
                    "do_wp_page: address=0x%x old_pfn=0x%x new_pfn=0x%x copied=0",
                    a, parent, parent)),
            line("mm", 1, ".....", done));
  }

  @Test
  void readOfNeverWrittenPage_mapsTheZeroPage() {
    Kernel k = Kernel.builder().set("memory.size", "64M").boot();
    Processes p = k.processes();
    List<String> lines = capture(k, "mmsim:do_anonymous_page");
    p.spawn(1);
    long a = p.mmap(1, PAGE, RW, null, 0, false, -1, false);
    p.read(1, 0, a, 1);
    assertThat(lines)
        .containsExactly(
            line(
                "mm",
                1,
                ".....",
                String.format(
                    "do_anonymous_page: address=0x%x pfn=0x%x zero_page=1", a, k.zeroPfn())));
  }

  /**
   * rss.limit=1: the second page pushes the first out to swap, and reading the first brings it back
   * (after pushing the second out). Slot 0 holds the swap header, so cluster 0 (slots 0-255) is
   * never free and the first slot handed out is the first of cluster 1: 256, then 257. The linux
   * policy finds the written page young once (PG_referenced set, rotated), and evicts it on the
   * second look: 2 pages scanned for 1 taken.
   */
  @Test
  void swapOutAndIn_underTheProcessLimit_namesSlotsAndArea() {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "64M")
            .set("swap.memory", "4M")
            .set("rss.limit", "1")
            .boot();
    Processes p = k.processes();
    List<String> lines =
        capture(
            k,
            "mmsim:reclaim_victim,mmsim:swap_out,vmscan:mm_vmscan_write_folio,"
                + "vmscan:mm_vmscan_lru_isolate,mmsim:do_swap_page,mmsim:fault_done");
    p.spawn(1);
    long a = p.mmap(1, 2 * PAGE, RW, null, 0, false, -1, false);
    long b = a + PAGE;
    p.write(1, 0, a, bytes("x"));
    long pa = pfnAt(k, 1, a);
    p.write(1, 0, b, bytes("y"));
    long pb = pfnAt(k, 1, b);
    byte[] back = p.read(1, 0, a, 1);
    long pa2 = pfnAt(k, 1, a);

    assertThat(back).containsExactly(bytes("x"));
    String why =
        "the oldest page of the inactive list, accessed bit clear (inactive 0, active 0 pages"
            + " left); 1 young, PG_referenced set, rotated";
    // 64 MiB lie below 4 GiB: zones DMA and DMA32, the highest is DMA32 (index 1)
    String isolate =
        "mm_vmscan_lru_isolate: isolate_mode=0 classzone=1 order=0 nr_requested=1 nr_scanned=2"
            + " nr_skipped=0 nr_taken=1 lru=inactive_anon";
    assertThat(lines)
        .containsExactly(
            line(
                "mm",
                1,
                ".....",
                String.format("fault_done: address=0x%x handler=demand result=minor", a)),
            line(
                "mm",
                1,
                ".....",
                String.format(
                    "reclaim_victim: policy=linux key=0x%x pfn=0x%x kind=anon why=\"%s\"",
                    a >>> 12, pa, why)),
            line("mm", 1, ".....", String.format("swap_out: pfn=0x%x type=0 offset=256", pa)),
            line(
                "mm",
                1,
                ".....",
                String.format(
                    "mm_vmscan_write_folio: page=%016x pfn=0x%x flags=RECLAIM_WB_ANON|RECLAIM_WB_ASYNC",
                    0xffffea0000000000L + pa * 64, pa)),
            line("mm", 1, ".....", isolate),
            line(
                "mm",
                1,
                ".....",
                String.format("fault_done: address=0x%x handler=demand result=minor", b)),
            line(
                "mm",
                1,
                ".....",
                String.format(
                    "reclaim_victim: policy=linux key=0x%x pfn=0x%x kind=anon why=\"%s\"",
                    b >>> 12, pb, why)),
            line("mm", 1, ".....", String.format("swap_out: pfn=0x%x type=0 offset=257", pb)),
            line(
                "mm",
                1,
                ".....",
                String.format(
                    "mm_vmscan_write_folio: page=%016x pfn=0x%x flags=RECLAIM_WB_ANON|RECLAIM_WB_ASYNC",
                    0xffffea0000000000L + pb * 64, pb)),
            line("mm", 1, ".....", isolate),
            line(
                "mm",
                1,
                ".....",
                String.format(
                    "do_swap_page: address=0x%x pfn=0x%x type=0 offset=256 swapcache=0", a, pa2)),
            line(
                "mm",
                1,
                ".....",
                String.format("fault_done: address=0x%x handler=swap result=major", a)));
  }

  /**
   * The same limit of one page: the second page's fault reclaims one batch that scans 2 pages (the
   * written page is young once and rotated), takes the first page, writes it to swap (it is dirty:
   * a fresh swap-cache page) and frees it; nothing is kept back. Reading the first page back
   * reclaims the second the same way. The first and only pass runs at DEF_PRIORITY (12).
   */
  @Test
  void lruShrinkInactive_underTheProcessLimit_countsOneBatch() {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "64M")
            .set("swap.memory", "4M")
            .set("rss.limit", "1")
            .boot();
    Processes p = k.processes();
    List<String> lines = capture(k, "vmscan:mm_vmscan_lru_shrink_inactive");
    p.spawn(1);
    long a = p.mmap(1, 2 * PAGE, RW, null, 0, false, -1, false);
    p.write(1, 0, a, bytes("x"));
    p.write(1, 0, a + PAGE, bytes("y"));
    assertThat(lines)
        .containsExactly(
            line(
                "mm",
                1,
                ".....",
                "mm_vmscan_lru_shrink_inactive: nid=0 nr_scanned=2 nr_reclaimed=1 nr_dirty=1"
                    + " nr_writeback=0 nr_congested=0 nr_immediate=0 nr_activate_anon=0"
                    + " nr_activate_file=0 nr_ref_keep=0 nr_unmap_fail=0 priority=12"
                    + " flags=RECLAIM_WB_ANON|RECLAIM_WB_ASYNC"));
  }

  /**
   * Free pages fall below the low watermark while process 1 faults its pages in. A user page may
   * come from DMA32 or DMA (GFP_HIGHUSER_MOVABLE: highest zone Normal, empty on 64 MiB), so the
   * allocator's fast path fails only once neither zone has more free pages than its low watermark
   * plus its lowmem reserve for Normal (protection[2]); then its slow path wakes kswapd
   * (wake_all_kswapds -> wakeup_kswapd, traced in process 1's task, after the two zones'
   * watermarks), and kswapd0 reclaims until one eligible zone has more than its high watermark plus
   * reserve (pgdat_balanced), then sleeps. Each zone's watermarks are min + k and min + 2k for one
   * k (__setup_per_zone_wmarks).
   */
  @Test
  void kswapd_wokenByTheAllocatorBelowLow_runsAsKswapd0UntilOneZoneIsAboveHigh() {
    Kernel k = Kernel.builder().set("memory.size", "64M").set("swap.memory", "32M").boot();
    Processes p = k.processes();
    List<TraceEvent> events = new ArrayList<>();
    k.tracer()
        .subscribe(
            Tracepoint.select(
                "mmsim:zone_watermark,vmscan:mm_vmscan_wakeup_kswapd,"
                    + "vmscan:mm_vmscan_kswapd_wake,vmscan:mm_vmscan_kswapd_sleep"),
            e -> events.add(e.copy()));
    p.spawn(1);
    p.mmap(1, 48L << 20, RW, null, 0, false, -1, true);

    long[] protection = {
      k.pageAllocator().zoneStats(io.mmsim.api.mem.Zone.DMA).protection()[2],
      k.pageAllocator().zoneStats(io.mmsim.api.mem.Zone.DMA32).protection()[2]
    };
    assertThat(protection[0]).isPositive();
    assertThat(protection[1]).isZero();
    assertThat(events).hasSizeGreaterThanOrEqualTo(8);
    for (int z = 0; z < 2; z++) {
      TraceEvent before = events.get(z);
      assertThat(before.tracepoint()).isEqualTo(Tracepoint.ZONE_WATERMARK);
      assertThat(before.comm() + "-" + before.pid()).isEqualTo("mm-1");
      assertThat(before.arg("zid")).isEqualTo(z);
      long min = before.arg("min");
      long low = before.arg("low");
      long high = before.arg("high");
      assertThat(low - min).isPositive().isEqualTo(high - low);
      assertThat(before.arg("free")).isLessThanOrEqualTo(low + protection[z]);
    }
    assertThat(events.subList(2, 4))
        .extracting(TraceEvent::line)
        .map(l -> l.replaceFirst(" +\\d+\\.\\d{6}: ", " T: "))
        .containsExactly(
            line(
                "mm",
                1,
                ".....",
                "mm_vmscan_wakeup_kswapd: nid=0 order=0 gfp_flags=GFP_HIGHUSER_MOVABLE"),
            line("kswapd0", 0, ".....", "mm_vmscan_kswapd_wake: nid=0 order=0"));
    boolean balanced = false;
    for (int z = 0; z < 2; z++) {
      TraceEvent after = events.get(4 + z);
      assertThat(after.tracepoint()).isEqualTo(Tracepoint.ZONE_WATERMARK);
      assertThat(after.comm()).isEqualTo("kswapd0");
      assertThat(after.arg("zid")).isEqualTo(z);
      balanced |= after.arg("free") > after.arg("high") + protection[z];
    }
    assertThat(balanced).isTrue();
    assertThat(events.get(6).line().replaceFirst(" +\\d+\\.\\d{6}: ", " T: "))
        .isEqualTo(line("kswapd0", 0, ".....", "mm_vmscan_kswapd_sleep: nid=0"));
    // back in process 1 after kswapd slept
    assertThat(events.get(7).comm() + "-" + events.get(7).pid()).isEqualTo("mm-1");
  }

  /**
   * Without swap, process 2 runs out of memory while process 1 holds 30 MiB: process 1 has the
   * higher badness and is killed, in process 2's task. total-vm = 30 MiB + the 132 KiB stack area =
   * 30852 kB; anon-rss = 7680 pages = 30720 kB. Page tables: the area [0x7ffff61ff000,
   * 0x7ffff7fff000) spans 16 2-MiB regions (16 PTE tables), the stack one more, and both lie in one
   * 1-GiB and one 512-GiB region (one PMD and one PUD table): 19 tables = 76 kB.
   */
  @Test
  void oomKill_markVictimInTheAllocatingTask() {
    Kernel k = Kernel.builder().set("memory.size", "64M").boot();
    Processes p = k.processes();
    List<String> lines = capture(k, "oom:mark_victim");
    p.spawn(1);
    p.mmap(1, 30L << 20, RW, null, 0, false, -1, true);
    p.spawn(2);
    p.mmap(2, 40L << 20, RW, null, 0, false, -1, true);

    assertThat(p.task(2).alive()).isTrue();
    assertThat(lines)
        .containsExactly(
            line(
                "mm",
                2,
                ".....",
                "mark_victim: pid=1 comm=proc1 total-vm=30852kB anon-rss=30720kB file-rss:0kB"
                    + " shmem-rss:0kB uid=0 pgtables=72kB oom_score_adj=0"));
  }

  @Test
  void sameWorkloadTwice_sameLinesWithTimestamps() {
    assertThat(swapRun()).isEqualTo(swapRun()).isNotEmpty();
  }

  private static List<String> swapRun() {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "64M")
            .set("swap.memory", "4M")
            .set("rss.limit", "2")
            .boot();
    List<String> lines = new ArrayList<>();
    k.tracer().subscribe(Tracepoint.select("all"), e -> lines.add(e.line()));
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, 8 * PAGE, RW, null, 0, false, -1, false);
    for (int i = 0; i < 8; i++) {
      p.write(1, 0, a + i * PAGE, bytes("w"));
    }
    p.fork(1, 2);
    for (int i = 0; i < 8; i++) {
      p.read(2, 0, a + i * PAGE, 1);
    }
    return lines;
  }

  @Test
  void explain_cowFault_decodesErrorCodeAndNamesTheCopy() {
    Kernel k = Kernel.builder().set("memory.size", "64M").boot();
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, PAGE, RW, null, 0, false, -1, false);
    p.write(1, 0, a, bytes("x"));
    long parent = pfnAt(k, 1, a);
    p.fork(1, 2);
    Explainer explainer = new Explainer();
    k.tracer().subscribe(java.util.EnumSet.allOf(Tracepoint.class), explainer);
    p.write(2, 0, a, bytes("y"));
    long child = pfnAt(k, 2, a);
    String text = String.join("\n", explainer.explain());

    assertThat(text)
        .contains(String.format("page fault at CR2 = 0x%x, error code 0x7", a))
        .contains("bit 0 P=1 (the page was present), bit 1 W=1 (write), bit 2 U=1 (user mode)")
        .contains(
            String.format("the address lies in the area 0x%x-0x%x rw-p (anonymous)", a, a + PAGE))
        .contains(
            String.format(
                "do_wp_page: write to a page shared copy-on-write: copied pfn 0x%x to a new page pfn 0x%x",
                parent, child))
        .contains("handled by the demand handler: minor");
  }

  /**
   * vmalloc(8 KiB) reserves 2 pages and a guard page (12 KiB) at the bottom of the empty vmalloc
   * range; vfree parks those 3 pages lazily, far below the purge threshold (lazy_max_pages = fls(2
   * CPUs) * 32 MiB of pages = 2 * 8192). vstart and vend are VMALLOC_START and VMALLOC_END as the
   * kernel passes them.
   */
  @Test
  void vmallocAndVfree_reserveWithGuardPage_freeLazily() {
    Kernel k = Kernel.builder().set("memory.size", "64M").boot();
    List<String> lines = capture(k, "vmalloc:*");
    long addr = k.virtualAllocator().vmalloc(0, 8192, io.mmsim.api.mem.Gfp.KERNEL);
    k.virtualAllocator().vfree(0, addr);
    assertThat(addr).isEqualTo(io.mmsim.api.mem.KernelLayout.VMALLOC_START);
    assertThat(lines)
        .extracting(l -> l.substring(l.indexOf(" T: ") + 4))
        .containsExactly(
            "alloc_vmap_area: va_start: "
                + Long.toUnsignedString(addr)
                + " size=12288 align=4096 vstart=0xffffc90000000000 vend=0xffffe8ffffffffff"
                + " failed=0",
            String.format("free_vmap_area_noflush: va_start=0x%x nr_lazy=3 nr_lazy_max=", addr)
                + (2 * 8192));
  }

  /**
   * compact_memory on a 64 MiB machine compacts both zones, DMA [0x0, 0x1000) and DMA32 [0x1000,
   * 0x4000) (16 MiB and 64 MiB in 4 KiB frames), from the bottom and the last pageblock, to the
   * end: the pages process 1 left in every other frame move, and the moves the events count are the
   * pages that changed frames.
   */
  @Test
  void compactMemory_eachZoneBeginsAndEnds_movesTheScatteredPages() {
    Kernel k = Kernel.builder().set("memory.size", "64M").boot();
    Processes p = k.processes();
    p.spawn(1);
    int n = 2048;
    long a = p.mmap(1, n * PAGE, RW, null, 0, false, -1, true);
    for (int i = 1; i < n; i += 2) {
      p.munmap(1, a + i * PAGE, PAGE);
    }
    long[] before = new long[n / 2];
    for (int i = 0; i < n; i += 2) {
      before[i / 2] = pfnAt(k, 1, a + i * PAGE);
    }
    List<TraceEvent> events = new ArrayList<>();
    k.tracer().subscribe(Tracepoint.select("compaction:*"), e -> events.add(e.copy()));
    k.compactMemory();
    int moved = 0;
    for (int i = 0; i < n; i += 2) {
      if (pfnAt(k, 1, a + i * PAGE) != before[i / 2]) {
        moved++;
      }
    }
    List<String> bounds = new ArrayList<>();
    long migrated = 0;
    for (TraceEvent e : events) {
      switch (e.tracepoint()) {
        case MM_COMPACTION_BEGIN, MM_COMPACTION_END ->
            bounds.add(
                e.tracepoint().event()
                    + String.format(" 0x%x-0x%x", e.arg("zone_start"), e.arg("zone_end")));
        case MM_COMPACTION_MIGRATEPAGES -> migrated += e.arg("nr_migrated");
        default -> {}
      }
    }
    assertThat(bounds)
        .containsExactlyInAnyOrder(
            "mm_compaction_begin 0x0-0x1000",
            "mm_compaction_end 0x0-0x1000",
            "mm_compaction_begin 0x1000-0x4000",
            "mm_compaction_end 0x1000-0x4000");
    assertThat(moved).isPositive();
    assertThat(migrated).isEqualTo(moved);
  }
}
