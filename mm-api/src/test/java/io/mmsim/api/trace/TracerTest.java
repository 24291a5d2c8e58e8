package io.mmsim.api.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mmsim.api.mem.Gfp;

/** The tracer: subscriptions, context stamping, and the kernel's trace_pipe layout. */
final class TracerTest {

  private static List<String> lines(Tracer t, Set<Tracepoint> points) {
    List<String> out = new ArrayList<>();
    t.subscribe(points, e -> out.add(e.line()));
    return out;
  }

  // ================================================================ on and off

  @Test
  void newTracer_isOff_andEmittingCallsNobody() {
    Tracer t = new Tracer();
    assertThat(t.on()).isFalse();
    t.mmPageAlloc(0, 1, 0, 0, Gfp.KERNEL);
    assertThat(t.clockNanos()).as("no listener: nothing happens, not even the clock").isZero();
  }

  @Test
  void subscribe_turnsOn_unsubscribeOfTheLastTurnsOff() {
    Tracer t = new Tracer();
    TraceListener a = e -> {};
    TraceListener b = e -> {};
    t.subscribe(EnumSet.allOf(Tracepoint.class), a);
    t.subscribe(EnumSet.allOf(Tracepoint.class), b);
    assertThat(t.on()).isTrue();
    t.unsubscribe(a);
    assertThat(t.on()).isTrue();
    t.unsubscribe(b);
    assertThat(t.on()).isFalse();
  }

  @Test
  void anyOn_countsEachTracerWithListenersOnce() {
    // other tests leave tracers listening: count from what is there now
    int before = Tracer.listeningTracers();
    Tracer t = new Tracer();
    Tracer u = new Tracer();
    TraceListener a = e -> {};
    TraceListener b = e -> {};
    t.subscribe(EnumSet.allOf(Tracepoint.class), a);
    t.subscribe(EnumSet.of(Tracepoint.MM_PAGE_FREE), a);
    t.subscribe(EnumSet.allOf(Tracepoint.class), b);
    assertThat(Tracer.listeningTracers()).as("one tracer, two listeners").isEqualTo(before + 1);
    assertThat(Tracer.anyOn()).isTrue();
    u.subscribe(EnumSet.allOf(Tracepoint.class), a);
    assertThat(Tracer.listeningTracers()).isEqualTo(before + 2);
    t.unsubscribe(a);
    t.unsubscribe(b);
    t.unsubscribe(b);
    assertThat(Tracer.listeningTracers()).isEqualTo(before + 1);
    assertThat(Tracer.anyOn()).as("u still listens").isTrue();
    u.unsubscribe(a);
    assertThat(Tracer.listeningTracers()).isEqualTo(before);
    assertThat(Tracer.anyOn()).isEqualTo(before > 0);
  }

  @Test
  void listener_getsOnlyItsTracepoints_butTheClockCountsEveryEvent() {
    Tracer t = new Tracer();
    List<Long> stamps = new ArrayList<>();
    t.subscribe(EnumSet.of(Tracepoint.MM_PAGE_FREE), e -> stamps.add(e.timestampNanos()));
    t.mmPageAlloc(0, 5, 0, 0, Gfp.KERNEL);
    t.mmPageFree(0, 5, 0);
    t.mmPageAlloc(0, 6, 0, 0, Gfp.KERNEL);
    t.mmPageFree(0, 6, 0);
    assertThat(stamps).containsExactly(2 * Tracer.TICK_NANOS, 4 * Tracer.TICK_NANOS);
  }

  @Test
  void event_namedFields_readBack() {
    Tracer t = new Tracer();
    List<TraceEvent> got = new ArrayList<>();
    t.subscribe(EnumSet.allOf(Tracepoint.class), e -> got.add(e.copy()));
    t.kmemCacheAlloc(1, "w.trace:3", 0xffff888000100000L, "dentry", 192, 192, Gfp.KERNEL, -1);
    TraceEvent e = got.get(0);
    assertThat(e.tracepoint()).isEqualTo(Tracepoint.KMEM_CACHE_ALLOC);
    assertThat(e.cpu()).isEqualTo(1);
    assertThat(e.arg("bytes_alloc")).isEqualTo(192);
    assertThat(e.text("name")).isEqualTo("dentry");
    assertThat(e.text("call_site")).isEqualTo("w.trace:3");
    assertThatThrownBy(() -> e.arg("pfn")).hasMessageContaining("kmem:kmem_cache_alloc");
  }

  @Test
  void copy_staysValid_afterTheTracerReusesItsEvent() {
    Tracer t = new Tracer();
    List<TraceEvent> copies = new ArrayList<>();
    List<TraceEvent> views = new ArrayList<>();
    t.subscribe(
        EnumSet.allOf(Tracepoint.class),
        e -> {
          copies.add(e.copy());
          views.add(e);
        });
    t.mmPageFree(0, 0x10, 0);
    t.mmPageFree(0, 0x20, 3);
    assertThat(copies.get(0).arg("pfn")).isEqualTo(0x10);
    assertThat(views.get(0)).as("the listener's view is one reused object").isSameAs(views.get(1));
  }

  @Test
  void throwingListener_isRemoved_othersGoOn_andTheFailureIsKept() {
    Tracer t = new Tracer();
    List<String> good = new ArrayList<>();
    RuntimeException boom = new IllegalStateException("boom");
    t.subscribe(
        EnumSet.allOf(Tracepoint.class),
        e -> {
          throw boom;
        });
    t.subscribe(EnumSet.allOf(Tracepoint.class), e -> good.add(e.tracepoint().event()));
    t.mmPageFree(0, 1, 0);
    t.mmPageFree(0, 2, 0);
    assertThat(good).hasSize(2);
    assertThat(t.failure()).isSameAs(boom);
  }

  // ================================================================ task, CPU, clock

  @Test
  void context_tasksNest_andTheCpuOfTheLastEventCarriesOver() {
    Tracer t = new Tracer();
    List<TraceEvent> got = new ArrayList<>();
    t.subscribe(EnumSet.allOf(Tracepoint.class), e -> got.add(e.copy()));
    t.mmPageFree(1, 1, 0);
    t.enterTask("proc7", 7);
    t.mmPageFree(Tracer.CURRENT_CPU, 2, 0);
    t.enterTask(Tracer.KSWAPD_COMM, 0);
    t.mmVmscanKswapdWake(0, 2, 0);
    t.leaveTask();
    t.mmPageFree(0, 3, 0);
    t.leaveTask();
    t.leaveTask(); // one more than entered: stays at the base task
    t.mmPageFree(0, 4, 0);
    assertThat(got)
        .extracting(e -> e.comm() + "-" + e.pid() + "@" + e.cpu())
        .containsExactly("mm-0@1", "proc7-7@1", "kswapd0-0@1", "proc7-7@0", "mm-0@0");
  }

  @Test
  void currentPid_stampsTheBaseTask_kernelThreadsNestOverIt() {
    Tracer t = new Tracer();
    List<TraceEvent> got = new ArrayList<>();
    t.subscribe(EnumSet.allOf(Tracepoint.class), e -> got.add(e.copy()));
    t.setCurrentPid(3);
    t.mmPageFree(0, 1, 0);
    t.enterTask(Tracer.kswapdComm(1), Tracer.KTHREAD_PID);
    t.mmVmscanKswapdWake(1, 2, 0);
    t.leaveTask();
    t.enterTask(Tracer.kcompactdComm(0), Tracer.KTHREAD_PID);
    CompactionEvents.mmCompactionKcompactdSleep(t, 0);
    t.leaveTask();
    t.mmPageFree(0, 2, 0);
    t.setCurrentPid(0);
    t.mmPageFree(0, 3, 0);
    assertThat(got)
        .extracting(e -> e.comm() + "-" + e.pid())
        .containsExactly("mm-3", "kswapd1-0", "kcompactd0-0", "mm-3", "mm-0");
  }

  @Test
  void tlbFlushOfAnotherCpu_isStampedWithIt_butTheTaskStaysOnItsCpu() {
    Tracer t = new Tracer();
    List<TraceEvent> got = new ArrayList<>();
    t.subscribe(EnumSet.allOf(Tracepoint.class), e -> got.add(e.copy()));
    t.mmPageFree(0, 1, 0);
    t.tlbFlush(1, TlbFlushReason.TLB_LOCAL_SHOOTDOWN, 1);
    t.mmPageFree(Tracer.CURRENT_CPU, 2, 0);
    assertThat(got).extracting(TraceEvent::cpu).containsExactly(0, 1, 0);
  }

  // ================================================================ trace_pipe layout

  @Test
  void line_followsTracePrintContext_thenTheEventsTpPrintk() {
    Tracer t = new Tracer();
    List<String> out = lines(t, EnumSet.allOf(Tracepoint.class));
    t.enterTask("proc1", 1);
    t.mmPageAlloc(0, 0x1234, 0, 1, Gfp.HIGHUSER_MOVABLE);
    // "%16s-%-7d [%03d] " then the 5 flag columns, " %5lu.%06lu: ", "name: ", the fields;
    // struct page of pfn 0x1234 is at vmemmap + 0x1234 * 64
    assertThat(out.get(0))
        .isEqualTo(
            "           proc1-1       [000] .....     0.000001: mm_page_alloc:"
                + " page=ffffea0000048d00 pfn=0x1234 order=0 migratetype=1"
                + " gfp_flags=GFP_HIGHUSER_MOVABLE");
  }

  @Test
  void line_zoneLockedEvents_showInterruptsOffAndOneLockHeld() {
    Tracer t = new Tracer();
    List<String> out = lines(t, EnumSet.allOf(Tracepoint.class));
    t.mmPageAllocZoneLocked(2, 0x8000, 3, 0, false);
    assertThat(out.get(0))
        .isEqualTo(
            "              mm-0       [002] d..1.     0.000001: mm_page_alloc_zone_locked:"
                + " page=ffffea0000200000 pfn=0x8000 order=3 migratetype=0 percpu_refill=0");
  }

  @Test
  void failedAllocation_printsANullPageAndPfnZero() {
    Tracer t = new Tracer();
    List<String> out = lines(t, EnumSet.of(Tracepoint.MM_PAGE_ALLOC));
    t.mmPageAlloc(0, -1, 10, 0, Gfp.KERNEL);
    assertThat(out.get(0))
        .endsWith("page=0000000000000000 pfn=0x0 order=10 migratetype=0 gfp_flags=GFP_KERNEL");
  }

  @Test
  void timestamp_printsSecondsAndMicroseconds() {
    Tracer t = new Tracer();
    List<String> out = lines(t, EnumSet.of(Tracepoint.MM_PAGE_FREE));
    for (int i = 0; i < 1_234_567; i++) {
      t.mmPageFree(0, i, 0);
    }
    assertThat(out.get(out.size() - 1)).contains("     1.234567: mm_page_free: ");
  }

  @Test
  void slabEvents_followKmemH() {
    Tracer t = new Tracer();
    List<String> out = lines(t, EnumSet.allOf(Tracepoint.class));
    long p = 0xffff888003c45e00L;
    t.kmalloc(0, "w.trace:2", p, 50, 64, Gfp.KERNEL, Tracer.NUMA_NO_NODE);
    t.kfree(0, "w.trace:3", p);
    t.kmemCacheAlloc(0, "w.trace:4", p, "foo", 40, 40, Gfp.KERNEL | Gfp.ZERO, -1);
    t.kmemCacheFree(0, "w.trace:5", p, "foo");
    assertThat(out.get(0))
        .endsWith(
            "kmalloc: call_site=w.trace:2 ptr=ffff888003c45e00 bytes_req=50 bytes_alloc=64"
                + " gfp_flags=GFP_KERNEL node=-1 accounted=false");
    assertThat(out.get(1)).endsWith("kfree: call_site=w.trace:3 ptr=ffff888003c45e00");
    assertThat(out.get(2))
        .endsWith(
            "kmem_cache_alloc: call_site=w.trace:4 ptr=ffff888003c45e00 name=foo bytes_req=40"
                + " bytes_alloc=40 gfp_flags=GFP_KERNEL|__GFP_ZERO node=-1 accounted=false");
    assertThat(out.get(3))
        .endsWith("kmem_cache_free: call_site=w.trace:5 ptr=ffff888003c45e00 name=foo");
  }

  @Test
  void otherKernelEvents_followTheirHeaders() {
    Tracer t = new Tracer();
    List<String> out = lines(t, EnumSet.allOf(Tracepoint.class));
    t.pageFaultUser(0, 0x7f0000001000L, 0, 6);
    t.mmVmscanKswapdWake(0, 2, 0);
    t.mmVmscanDirectReclaimBegin(0, Gfp.HIGHUSER_MOVABLE);
    t.mmVmscanDirectReclaimEnd(32);
    t.mmVmscanLruIsolate(2, 0, 32, 40, 0, 32, 0, LruList.LRU_INACTIVE_ANON);
    t.mmVmscanWriteFolio(0x42, ReclaimWb.RECLAIM_WB_ANON | ReclaimWb.RECLAIM_WB_ASYNC);
    t.markVictim(3, "proc3", 40960, 1024, 0, 0, 0, 16, 0);
    t.tlbFlush(0, TlbFlushReason.TLB_FLUSH_ON_TASK_SWITCH, Tracer.TLB_FLUSH_ALL);
    VmallocEvents.allocVmapArea(
        t, 0xffffc90000000000L, 8192, 4096, 0xffffc90000000000L, 0xffffe90000000000L, false);
    VmallocEvents.freeVmapAreaNoflush(t, 0xffffc90000000000L, 2, 16384);
    VmallocEvents.purgeVmapAreaLazy(t, 0xffffc90000000000L, 0xffffc90000003000L, 1);
    t.mmPageAllocExtfrag(0, 0x9000, 0, 9, 1, 0, true);
    t.mmVmscanWakeupKswapd(0, 1, 3, Gfp.HIGHUSER_MOVABLE);
    t.mmVmscanKswapdSleep(0);
    CompactionEvents.mmCompactionBegin(t, 0x1000, 0x1000, 0x3e00, 0x4000, true);
    CompactionEvents.mmCompactionMigratepages(t, 30, 2);
    CompactionEvents.mmCompactionEnd(
        t,
        0x1000,
        0x2600,
        0x3a00,
        0x4000,
        false,
        io.mmsim.api.page.CompactResult.CONTENDED.ordinal());
    CompactionEvents.mmCompactionKcompactdWake(t, 0, 9, 1);
    CompactionEvents.mmCompactionKcompactdSleep(t, 0);
    assertThat(out)
        .extracting(l -> l.substring(l.indexOf(": ") + 2))
        .containsExactly(
            "page_fault_user: address=0x7f0000001000 ip=0x0 error_code=0x6",
            "mm_vmscan_kswapd_wake: nid=0 order=0",
            "mm_vmscan_direct_reclaim_begin: order=0 gfp_flags=GFP_HIGHUSER_MOVABLE",
            "mm_vmscan_direct_reclaim_end: nr_reclaimed=32",
            "mm_vmscan_lru_isolate: isolate_mode=0 classzone=2 order=0 nr_requested=32"
                + " nr_scanned=40 nr_skipped=0 nr_taken=32 lru=inactive_anon",
            "mm_vmscan_write_folio: page=ffffea0000001080 pfn=0x42"
                + " flags=RECLAIM_WB_ANON|RECLAIM_WB_ASYNC",
            "mark_victim: pid=3 comm=proc3 total-vm=40960kB anon-rss=1024kB file-rss:0kB"
                + " shmem-rss:0kB uid=0 pgtables=16kB oom_score_adj=0",
            "tlb_flush: pages:-1 reason:flush on task switch (0)",
            "alloc_vmap_area: va_start: 18446683600570023936 size=8192 align=4096"
                + " vstart=0xffffc90000000000 vend=0xffffe90000000000 failed=0",
            "free_vmap_area_noflush: va_start=0xffffc90000000000 nr_lazy=2 nr_lazy_max=16384",
            "purge_vmap_area_lazy: start=0xffffc90000000000 end=0xffffc90000003000"
                + " num_purged=1",
            "mm_page_alloc_extfrag: page=ffffea0000240000 pfn=0x9000 alloc_order=0"
                + " fallback_order=9 pageblock_order=9 alloc_migratetype=1"
                + " fallback_migratetype=0 fragmenting=0 change_ownership=1",
            "mm_vmscan_wakeup_kswapd: nid=0 order=3 gfp_flags=GFP_HIGHUSER_MOVABLE",
            "mm_vmscan_kswapd_sleep: nid=0",
            "mm_compaction_begin: zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x3e00"
                + " zone_end=0x4000, mode=sync",
            "mm_compaction_migratepages: nr_migrated=30 nr_failed=2",
            "mm_compaction_end: zone_start=0x1000 migrate_pfn=0x2600 free_pfn=0x3a00"
                + " zone_end=0x4000, mode=async status=contended",
            // classzone_idx is %-8s: the zone name padded to 8
            "mm_compaction_kcompactd_wake: nid=0 order=9 classzone_idx=DMA32   ",
            "mm_compaction_kcompactd_sleep: nid=0");
  }

  // ================================================================ show_gfp_flags

  @ParameterizedTest
  @CsvSource({
    // GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS = 0xcc0
    "0xcc0, GFP_KERNEL",
    "0xdc0, GFP_KERNEL|__GFP_ZERO",
    "0xcc4, GFP_KERNEL|GFP_DMA32",
    "0xcc1, GFP_KERNEL|GFP_DMA",
    // GFP_ATOMIC (before 6.3) = __GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM
    "0xa20, GFP_ATOMIC",
    "0x800, GFP_NOWAIT",
    "0, none",
    // SLUB's first try for a new slab: no reclaim, no warning, no retry, no reserves
    "0xd20c0, __GFP_IO|__GFP_FS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_NOMEMALLOC",
    "0x1000cc0, GFP_KERNEL|0x1000000",
    "0x400, __GFP_DIRECT_RECLAIM"
  })
  void gfpFlags_printAsShowGfpFlags(String flags, String expected) {
    StringBuilder sb = new StringBuilder();
    TpPrintk.gfp(sb, Integer.decode(flags));
    assertThat(sb.toString()).isEqualTo(expected);
  }

  // ================================================================ selection

  @Test
  void select_allAndSystemWildcards() {
    assertThat(Tracepoint.select("all")).containsExactlyInAnyOrderElementsOf(Tracepoint.all());
    assertThat(Tracepoint.select("kmem:*"))
        .contains(Tracepoint.MM_PAGE_ALLOC, Tracepoint.KFREE)
        .allMatch(p -> p.system().equals("kmem"));
    assertThat(Tracepoint.select(" kmem:mm_page_alloc , tlb:tlb_flush"))
        .containsExactlyInAnyOrder(Tracepoint.MM_PAGE_ALLOC, Tracepoint.TLB_FLUSH);
    assertThat(Tracepoint.select("mmsim:*")).noneMatch(Tracepoint::kernel);
  }

  @Test
  void select_unknown_namesItAndListsWhatExists() {
    assertThatThrownBy(() -> Tracepoint.select("kmem:mm_page_alloc,no:such_event"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no:such_event")
        .hasMessageContaining("kmem: mm_page_alloc mm_page_free")
        .hasMessageContaining("mm_vmscan_kswapd_wake");
    assertThatThrownBy(() -> Tracepoint.select("kmem:")).hasMessageContaining("'kmem:'");
    assertThatThrownBy(() -> Tracepoint.select("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyTracepoint_printsWithoutError_andHasAUniqueName() {
    Tracer t = new Tracer();
    List<String> out = lines(t, EnumSet.allOf(Tracepoint.class));
    TraceEvent probe = new TraceEvent();
    probe.comm = "mm";
    probe.texts[0] = "x";
    probe.texts[1] = "y";
    for (Tracepoint p : Tracepoint.all()) {
      probe.tracepoint = p;
      assertThat(probe.line()).contains(" " + p.event() + ": ");
      assertThat(Tracepoint.byName(p.fullName())).isSameAs(p);
    }
    assertThat(out).isEmpty();
  }
}
