package io.mmsim.api.trace;

import java.util.Objects;
import java.util.Set;

/**
 * The sink a kernel's parts report events to, and the place listeners subscribe: one per kernel,
 * handed to every part through its provider context ({@link
 * io.mmsim.api.spi.ProviderContext#tracer()}).
 *
 * <h2>Emitting</h2>
 *
 * A part keeps the tracer in a final field and guards each tracepoint with {@link #on()}, before it
 * computes anything for the event:
 *
 * <pre>{@code
 * if (trace.on()) {
 *   trace.mmPageAlloc(cpu, pfn, order, migratetype, gfp);
 * }
 * }</pre>
 *
 * With no listener {@code on()} is false and that is all the tracepoint costs: one load of a field
 * and a branch the CPU predicts, no call, no allocation, no boxing. The emitting methods take
 * primitives (and strings that already exist, such as a cache's name), one method per tracepoint,
 * named after the kernel's {@code trace_*} function; each does nothing when no one listens. A part
 * passes the simulated CPU where it knows it, or {@link #CURRENT_CPU} for the CPU of the last
 * event. The tracepoints of the kernel threads that rearrange memory have a class each, named after
 * their header: {@link CompactionEvents} and {@link HugeMemoryEvents}, as has vmalloc, {@link
 * VmallocEvents} (static methods that take the tracer); the values some events carry are in {@link
 * TlbFlushReason}, {@link LruList} and {@link ReclaimWb}.
 *
 * <h2>Context</h2>
 *
 * Each event is stamped with the running task, the CPU and a deterministic clock. The task is the
 * one the kernel entered last ({@link #enterTask}, {@link #leaveTask}): a process ({@code
 * proc1-1}), {@code kswapd0}, or, outside both, the workload's own kernel-mode lines ({@code
 * mm-0}). The clock is simulated: it starts at 0 when the tracer is created and advances by {@link
 * #TICK_NANOS} at every event, whichever events are listened to, so the same workload stamps the
 * same events with the same times.
 *
 * <h2>Listening</h2>
 *
 * {@link #subscribe} adds a listener for a set of tracepoints (see {@link Tracepoint#select}). It
 * is called on the kernel's thread, in the middle of the operation that emitted, with an event that
 * is valid only during the call; it may read the kernel but must not change it. A listener that
 * throws is removed, and its exception is kept ({@link #failure()}): the kernel's operation itself
 * goes on, so its state stays consistent.
 *
 * <p>Not thread-safe: one tracer belongs to one kernel and runs on its thread.
 */
public final class Tracer {

  /** Passed as the CPU by a part that does not know it: the CPU of the last event. */
  public static final int CURRENT_CPU = -1;

  /** The simulated time one event takes, in nanoseconds. */
  public static final long TICK_NANOS = 1000;

  /** {@code NUMA_NO_NODE}: the node of an allocation that asked for none. */
  public static final int NUMA_NO_NODE = -1;

  /** {@code TLB_FLUSH_ALL}: the pages of a full TLB flush. */
  public static final long TLB_FLUSH_ALL = -1;

  /** The command name of the workload's kernel-mode lines and of API calls outside a process. */
  public static final String BASE_COMM = "mm";

  /** The command name of the reclaim thread of node 0. */
  public static final String KSWAPD_COMM = "kswapd0";

  /** The command name of the compaction thread of node 0. */
  public static final String KCOMPACTD_COMM = "kcompactd0";

  /** The pid events of the kernel's own threads carry: mmsim does not number kernel threads. */
  public static final int KTHREAD_PID = 0;

  private static final String[] KSWAPD_COMMS = new String[64];
  private static final String[] KCOMPACTD_COMMS = new String[64];

  static {
    for (int i = 0; i < KSWAPD_COMMS.length; i++) {
      KSWAPD_COMMS[i] = "kswapd" + i;
      KCOMPACTD_COMMS[i] = "kcompactd" + i;
    }
  }

  /** How deep task switches may nest (a process, then kswapd on its way out, ...). */
  private static final int MAX_DEPTH = 8;

  /** Guards the two fields below: tracers of other kernels may listen on other threads. */
  private static final Object LISTENING = new Object();

  /** Tracers of this JVM with at least one listener. */
  private static int listening;

  /** {@code listening > 0}, read without the lock by {@link #anyOn}. */
  private static boolean anyOn;

  private boolean on;

  /** The listeners; one that throws is unsubscribed through this tracer, so {@link #on} follows. */
  private final TraceProbes probes = new TraceProbes(this::unsubscribe);

  private long clock;
  private int cpu;
  private final String[] comms = new String[MAX_DEPTH];
  private final int[] pids = new int[MAX_DEPTH];
  private int depth;

  /** A tracer nobody listens to yet, its clock at 0, in the task {@code mm-0} on CPU 0. */
  public Tracer() {
    comms[0] = BASE_COMM;
  }

  // ------------------------------------------------------------------ listening

  /** True while at least one listener is subscribed: guard every tracepoint with it. */
  public boolean on() {
    return on;
  }

  /**
   * False when no tracer of this JVM has a listener. The hottest paths may test it before {@link
   * #on()}, as {@code Tracer.anyOn() && trace.on()}: one load of a static field when nobody
   * listens, where {@code on()} loads the tracer and then its field. A tracer that gets its first
   * listener on this thread makes it true for this thread at once; it turns false again only when
   * no tracer listens.
   */
  public static boolean anyOn() {
    return anyOn;
  }

  /** Tracers of this JVM with at least one listener; for tests. */
  static int listeningTracers() {
    synchronized (LISTENING) {
      return listening;
    }
  }

  /** Counts this tracer in or out of {@link #anyOn} when its {@code on} changes. */
  private void setOn(boolean value) {
    if (value == on) {
      return;
    }
    on = value;
    synchronized (LISTENING) {
      listening += value ? 1 : -1;
      anyOn = listening > 0;
    }
  }

  /**
   * Subscribes {@code listener} to the tracepoints in {@code points} (subscribing it again replaces
   * its set).
   */
  public void subscribe(Set<Tracepoint> points, TraceListener listener) {
    Objects.requireNonNull(listener, "listener");
    probes.register(points, listener);
    setOn(true);
  }

  /** Removes {@code listener}; tracing stops costing anything when the last one goes. */
  public void unsubscribe(TraceListener listener) {
    if (probes.unregister(listener)) {
      setOn(probes.any());
    }
  }

  /** The exception of the first listener that threw (and was removed), or null. */
  public RuntimeException failure() {
    return probes.failure();
  }

  // ------------------------------------------------------------------ context

  /** The simulated clock: nanoseconds of the last event. */
  public long clockNanos() {
    return clock;
  }

  /** The CPU events without one of their own are stamped with (the last CPU seen). */
  public int currentCpu() {
    return cpu;
  }

  /** The command name of the running task. */
  public String currentComm() {
    return comms[depth];
  }

  /** The pid of the running task. */
  public int currentPid() {
    return pids[depth];
  }

  /** The command name of node {@code nid}'s kswapd ({@code kswapd0}, {@code kswapd1}, ...). */
  public static String kswapdComm(int nid) {
    return nid >= 0 && nid < KSWAPD_COMMS.length ? KSWAPD_COMMS[nid] : "kswapd" + nid;
  }

  /** The command name of node {@code nid}'s kcompactd. */
  public static String kcompactdComm(int nid) {
    return nid >= 0 && nid < KCOMPACTD_COMMS.length ? KCOMPACTD_COMMS[nid] : "kcompactd" + nid;
  }

  /**
   * The simulated process {@code pid} runs now (0: the workload's own kernel-mode lines): events
   * outside any {@link #enterTask} are stamped {@code mm-PID}. One store, so the kernel calls it on
   * every entry from a process, traced or not.
   */
  public void setCurrentPid(int pid) {
    pids[0] = pid;
  }

  /**
   * The kernel switches to task {@code comm}-{@code pid} (a process's system call or access,
   * kswapd) until the matching {@link #leaveTask}.
   */
  public void enterTask(String comm, int pid) {
    if (depth + 1 < MAX_DEPTH) {
      depth++;
      comms[depth] = comm;
      pids[depth] = pid;
    }
  }

  /** Back to the task that ran before the last {@link #enterTask}. */
  public void leaveTask() {
    if (depth > 0) {
      comms[depth] = null;
      depth--;
    }
  }

  // ------------------------------------------------------------------ emitting

  void emit(
      Tracepoint tp,
      int onCpu,
      long a0,
      long a1,
      long a2,
      long a3,
      long a4,
      long a5,
      long a6,
      long a7,
      String s0,
      String s1) {
    if (!on) {
      return;
    }
    // a TLB flush is stamped with the CPU whose TLB it clears, which may be another CPU's (a
    // shootdown the running task asked for): it does not move the running task there
    int stamp = onCpu >= 0 ? onCpu : cpu;
    if (onCpu >= 0 && tp != Tracepoint.TLB_FLUSH) {
      cpu = onCpu;
    }
    clock += TICK_NANOS;
    TraceEvent e = probes.event();
    e.tracepoint = tp;
    e.timestamp = clock;
    e.cpu = stamp;
    e.comm = comms[depth];
    e.pid = pids[depth];
    long[] a = e.args;
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    a[3] = a3;
    a[4] = a4;
    a[5] = a5;
    a[6] = a6;
    a[7] = a7;
    e.texts[0] = s0;
    e.texts[1] = s1;
    probes.call(e);
  }

  // ------------------------------------------------------------------ kmem

  /** {@code trace_mm_page_alloc}: pfn -1 for a failed allocation. */
  public void mmPageAlloc(int cpu, long pfn, int order, int migratetype, int gfp) {
    emit(Tracepoint.MM_PAGE_ALLOC, cpu, pfn, order, migratetype, gfp, 0, 0, 0, 0, null, null);
  }

  /** {@code trace_mm_page_free}. */
  public void mmPageFree(int cpu, long pfn, int order) {
    emit(Tracepoint.MM_PAGE_FREE, cpu, pfn, order, 0, 0, 0, 0, 0, 0, null, null);
  }

  /** {@code trace_mm_page_alloc_zone_locked}. */
  public void mmPageAllocZoneLocked(
      int cpu, long pfn, int order, int migratetype, boolean percpuRefill) {
    emit(
        Tracepoint.MM_PAGE_ALLOC_ZONE_LOCKED,
        cpu,
        pfn,
        order,
        migratetype,
        percpuRefill ? 1 : 0,
        0,
        0,
        0,
        0,
        null,
        null);
  }

  /** {@code trace_mm_page_pcpu_drain}. */
  public void mmPagePcpuDrain(int cpu, long pfn, int order, int migratetype) {
    emit(Tracepoint.MM_PAGE_PCPU_DRAIN, cpu, pfn, order, migratetype, 0, 0, 0, 0, 0, null, null);
  }

  /** {@code trace_mm_page_alloc_extfrag}. */
  public void mmPageAllocExtfrag(
      int cpu,
      long pfn,
      int allocOrder,
      int fallbackOrder,
      int allocMigratetype,
      int fallbackMigratetype,
      boolean changeOwnership) {
    emit(
        Tracepoint.MM_PAGE_ALLOC_EXTFRAG,
        cpu,
        pfn,
        allocOrder,
        fallbackOrder,
        allocMigratetype,
        fallbackMigratetype,
        changeOwnership ? 1 : 0,
        0,
        0,
        null,
        null);
  }

  /** {@code trace_kmalloc}. */
  public void kmalloc(
      int cpu, String callSite, long ptr, long bytesReq, long bytesAlloc, int gfp, int node) {
    emit(Tracepoint.KMALLOC, cpu, ptr, bytesReq, bytesAlloc, gfp, node, 0, 0, 0, callSite, null);
  }

  /** {@code trace_kfree}. */
  public void kfree(int cpu, String callSite, long ptr) {
    emit(Tracepoint.KFREE, cpu, ptr, 0, 0, 0, 0, 0, 0, 0, callSite, null);
  }

  /** {@code trace_kmem_cache_alloc}. */
  public void kmemCacheAlloc(
      int cpu,
      String callSite,
      long ptr,
      String cache,
      long bytesReq,
      long bytesAlloc,
      int gfp,
      int node) {
    emit(
        Tracepoint.KMEM_CACHE_ALLOC,
        cpu,
        ptr,
        bytesReq,
        bytesAlloc,
        gfp,
        node,
        0,
        0,
        0,
        callSite,
        cache);
  }

  /** {@code trace_kmem_cache_free}. */
  public void kmemCacheFree(int cpu, String callSite, long ptr, String cache) {
    emit(Tracepoint.KMEM_CACHE_FREE, cpu, ptr, 0, 0, 0, 0, 0, 0, 0, callSite, cache);
  }

  // ------------------------------------------------------------------ exceptions

  /** {@code trace_page_fault_user}. */
  public void pageFaultUser(int cpu, long address, long ip, long errorCode) {
    emit(Tracepoint.PAGE_FAULT_USER, cpu, address, ip, errorCode, 0, 0, 0, 0, 0, null, null);
  }

  /** {@code trace_page_fault_kernel}. */
  public void pageFaultKernel(int cpu, long address, long ip, long errorCode) {
    emit(Tracepoint.PAGE_FAULT_KERNEL, cpu, address, ip, errorCode, 0, 0, 0, 0, 0, null, null);
  }

  // ------------------------------------------------------------------ vmscan

  /** {@code trace_mm_vmscan_kswapd_wake}. */
  public void mmVmscanKswapdWake(int nid, int zid, int order) {
    emit(Tracepoint.MM_VMSCAN_KSWAPD_WAKE, CURRENT_CPU, nid, zid, order, 0, 0, 0, 0, 0, null, null);
  }

  /** {@code trace_mm_vmscan_kswapd_sleep}. */
  public void mmVmscanKswapdSleep(int nid) {
    emit(Tracepoint.MM_VMSCAN_KSWAPD_SLEEP, CURRENT_CPU, nid, 0, 0, 0, 0, 0, 0, 0, null, null);
  }

  /** {@code trace_mm_vmscan_wakeup_kswapd}: the running task wakes kswapd of node {@code nid}. */
  public void mmVmscanWakeupKswapd(int nid, int zid, int order, int gfp) {
    emit(
        Tracepoint.MM_VMSCAN_WAKEUP_KSWAPD,
        CURRENT_CPU,
        nid,
        zid,
        order,
        gfp,
        0,
        0,
        0,
        0,
        null,
        null);
  }

  /** {@code trace_mm_vmscan_direct_reclaim_begin}. */
  public void mmVmscanDirectReclaimBegin(int order, int gfp) {
    emit(
        Tracepoint.MM_VMSCAN_DIRECT_RECLAIM_BEGIN,
        CURRENT_CPU,
        order,
        gfp,
        0,
        0,
        0,
        0,
        0,
        0,
        null,
        null);
  }

  /** {@code trace_mm_vmscan_direct_reclaim_end}. */
  public void mmVmscanDirectReclaimEnd(long nrReclaimed) {
    emit(
        Tracepoint.MM_VMSCAN_DIRECT_RECLAIM_END,
        CURRENT_CPU,
        nrReclaimed,
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

  /** {@code trace_mm_vmscan_lru_isolate} ({@code lru}: a {@link LruList}). */
  public void mmVmscanLruIsolate(
      int highestZoneidx,
      int order,
      long nrRequested,
      long nrScanned,
      long nrSkipped,
      long nrTaken,
      int isolateMode,
      int lru) {
    emit(
        Tracepoint.MM_VMSCAN_LRU_ISOLATE,
        CURRENT_CPU,
        highestZoneidx,
        order,
        nrRequested,
        nrScanned,
        nrSkipped,
        nrTaken,
        isolateMode,
        lru,
        null,
        null);
  }

  /** {@code DEF_PRIORITY}: the first (and in mmsim the only) scan priority of a reclaim pass. */
  public static final int DEF_PRIORITY = 12;

  /**
   * {@code trace_mm_vmscan_lru_shrink_inactive}: the batch's counts; the kernel's nr_writeback,
   * nr_congested, nr_immediate, nr_ref_keep and nr_unmap_fail have no counterpart in mmsim (no
   * write is in flight, unmapping never fails) and print 0.
   */
  public void mmVmscanLruShrinkInactive(
      int nid,
      long nrScanned,
      long nrReclaimed,
      long nrDirty,
      int nrActivateAnon,
      int nrActivateFile,
      int priority,
      int reclaimFlags) {
    emit(
        Tracepoint.MM_VMSCAN_LRU_SHRINK_INACTIVE,
        CURRENT_CPU,
        nid,
        nrScanned,
        nrReclaimed,
        nrDirty,
        nrActivateAnon,
        nrActivateFile,
        priority,
        reclaimFlags,
        null,
        null);
  }

  /** {@code trace_mm_vmscan_write_folio} ({@code reclaimFlags}: {@link ReclaimWb} bits). */
  public void mmVmscanWriteFolio(long pfn, int reclaimFlags) {
    emit(
        Tracepoint.MM_VMSCAN_WRITE_FOLIO,
        CURRENT_CPU,
        pfn,
        reclaimFlags,
        0,
        0,
        0,
        0,
        0,
        0,
        null,
        null);
  }

  // ------------------------------------------------------------------ oom, tlb

  /** {@code trace_mark_victim}: sizes in kB. */
  public void markVictim(
      int pid,
      String comm,
      long totalVmKb,
      long anonRssKb,
      long fileRssKb,
      long shmemRssKb,
      int uid,
      long pgtablesKb,
      int oomScoreAdj) {
    emit(
        Tracepoint.MARK_VICTIM,
        CURRENT_CPU,
        pid,
        totalVmKb,
        anonRssKb,
        fileRssKb,
        shmemRssKb,
        uid,
        pgtablesKb,
        oomScoreAdj,
        comm,
        null);
  }

  /**
   * {@code trace_tlb_flush} on {@code cpu} for a {@link TlbFlushReason}: {@code pages} or {@link
   * #TLB_FLUSH_ALL}.
   */
  public void tlbFlush(int cpu, int reason, long pages) {
    emit(Tracepoint.TLB_FLUSH, cpu, reason, pages, 0, 0, 0, 0, 0, 0, null, null);
  }

  // ------------------------------------------------------------------ mmsim: buddy

  /** A block taken from the first non-empty free list at or above the requested order. */
  public void buddyRmqueue(long pfn, int order, int fromOrder, int zone, int migratetype) {
    emit(
        Tracepoint.BUDDY_RMQUEUE,
        CURRENT_CPU,
        pfn,
        order,
        fromOrder,
        zone,
        migratetype,
        0,
        0,
        0,
        null,
        null);
  }

  /** A block split into halves of {@code order} at {@code pfn} and {@code buddy}. */
  public void buddySplit(long pfn, int order, long buddy, int zone, int migratetype) {
    emit(
        Tracepoint.BUDDY_SPLIT,
        CURRENT_CPU,
        pfn,
        order,
        buddy,
        zone,
        migratetype,
        0,
        0,
        0,
        null,
        null);
  }

  /** A freed block of {@code order} at {@code pfn} merged with its free buddy. */
  public void buddyMerge(long pfn, long buddy, int order, int zone) {
    emit(Tracepoint.BUDDY_MERGE, CURRENT_CPU, pfn, buddy, order, zone, 0, 0, 0, 0, null, null);
  }

  /** A freed block put on a free list; {@code buddy} is the block it did not merge with, or -1. */
  public void buddyFreeBlock(
      long pfn, int order, int zone, int migratetype, long buddy, boolean toTail) {
    emit(
        Tracepoint.BUDDY_FREE_BLOCK,
        CURRENT_CPU,
        pfn,
        order,
        zone,
        migratetype,
        buddy,
        toTail ? 1 : 0,
        0,
        0,
        null,
        null);
  }

  /** An order-0 page from {@code cpu}'s list; {@code count} pages are left there. */
  public void pcpAlloc(int cpu, long pfn, int zone, int migratetype, int count) {
    emit(Tracepoint.PCP_ALLOC, cpu, pfn, zone, migratetype, count, 0, 0, 0, 0, null, null);
  }

  /** An empty per-CPU list got {@code pages} pages (of a {@code batch}) from the buddy lists. */
  public void pcpRefill(int cpu, int zone, int migratetype, int pages, int batch) {
    emit(Tracepoint.PCP_REFILL, cpu, zone, migratetype, pages, batch, 0, 0, 0, 0, null, null);
  }

  /** An order-0 page freed onto {@code cpu}'s list, which now holds {@code count}. */
  public void pcpFree(int cpu, long pfn, int zone, int migratetype, int count, int high) {
    emit(Tracepoint.PCP_FREE, cpu, pfn, zone, migratetype, count, high, 0, 0, 0, null, null);
  }

  /** {@code pages} per-CPU pages back to the buddy lists (lists reached high, or a drain). */
  public void pcpFreeBulk(int cpu, int zone, int pages, int count, int high, boolean drain) {
    emit(
        Tracepoint.PCP_FREE_BULK,
        cpu,
        zone,
        pages,
        count,
        high,
        drain ? 1 : 0,
        0,
        0,
        0,
        null,
        null);
  }

  // ------------------------------------------------------------------ mmsim: objects

  /** Where an object of {@code cache} came from ({@code path}: the allocator's way). */
  public void slabAlloc(int cpu, String cache, long ptr, String path) {
    emit(Tracepoint.SLAB_ALLOC, cpu, ptr, 0, 0, 0, 0, 0, 0, 0, cache, path);
  }

  /** Where a freed object of {@code cache} went. */
  public void slabFree(int cpu, String cache, long ptr, String path) {
    emit(Tracepoint.SLAB_FREE, cpu, ptr, 0, 0, 0, 0, 0, 0, 0, cache, path);
  }

  /** A new slab of {@code cache}: 2^order pages at {@code pfn} holding {@code objects}. */
  public void newSlab(int cpu, String cache, long pfn, int order, int objects) {
    emit(Tracepoint.NEW_SLAB, cpu, pfn, order, objects, 0, 0, 0, 0, 0, cache, null);
  }

  /** An empty slab of {@code cache} goes back to the page allocator. */
  public void discardSlab(int cpu, String cache, long pfn, int order) {
    emit(Tracepoint.DISCARD_SLAB, cpu, pfn, order, 0, 0, 0, 0, 0, 0, cache, null);
  }

  // ------------------------------------------------------------------ mmsim: translation

  /** A page walk from CR3 (a frame number) for {@code address}. */
  public void pageWalk(int cpu, long cr3, long address, String access, boolean user) {
    emit(Tracepoint.PAGE_WALK, cpu, cr3, address, user ? 1 : 0, 0, 0, 0, 0, 0, access, null);
  }

  /** The entry at {@code index} of the level-{@code level} table in frame {@code table}. */
  public void walkStep(int cpu, int level, long table, int index, long entry) {
    emit(Tracepoint.WALK_STEP, cpu, level, table, index, entry, 0, 0, 0, 0, null, null);
  }

  /** The walk ended at a leaf mapping a page of 2^pageShift bytes. */
  public void walkDone(int cpu, long address, long phys, int pageShift) {
    emit(Tracepoint.WALK_DONE, cpu, address, phys, pageShift, 0, 0, 0, 0, 0, null, null);
  }

  /** A process's access reached physical address {@code phys}. */
  public void userAccess(int cpu, int pid, long address, String access, long phys) {
    emit(Tracepoint.USER_ACCESS, cpu, pid, address, phys, 0, 0, 0, 0, 0, access, null);
  }

  // ------------------------------------------------------------------ mmsim: faults

  /** The area a fault lies in ({@code prot}: Prot bits; {@code backing}: anon or the file). */
  public void faultVma(
      long address, long start, long end, int prot, boolean shared, String backing) {
    emit(
        Tracepoint.FAULT_VMA,
        CURRENT_CPU,
        address,
        start,
        end,
        prot,
        shared ? 1 : 0,
        0,
        0,
        0,
        backing,
        null);
  }

  /** {@code do_anonymous_page}: a new page, or the shared zero page for a read. */
  public void doAnonymousPage(long address, long pfn, boolean zeroPage) {
    emit(
        Tracepoint.DO_ANONYMOUS_PAGE,
        CURRENT_CPU,
        address,
        pfn,
        zeroPage ? 1 : 0,
        0,
        0,
        0,
        0,
        0,
        null,
        null);
  }

  /** {@code do_wp_page}: copied to {@code newPfn}, or reused in place (newPfn = oldPfn). */
  public void doWpPage(long address, long oldPfn, long newPfn, boolean copied) {
    emit(
        Tracepoint.DO_WP_PAGE,
        CURRENT_CPU,
        address,
        oldPfn,
        newPfn,
        copied ? 1 : 0,
        0,
        0,
        0,
        0,
        null,
        null);
  }

  /** A file page at {@code offset} (bytes) mapped: found in the page cache or read in. */
  public void doFilePage(long address, long pfn, long offset, boolean cached) {
    emit(
        Tracepoint.DO_FILE_PAGE,
        CURRENT_CPU,
        address,
        pfn,
        offset,
        cached ? 1 : 0,
        0,
        0,
        0,
        0,
        null,
        null);
  }

  /** {@code do_swap_page}: slot {@code offset} of area {@code type} back in frame {@code pfn}. */
  public void doSwapPage(long address, long pfn, int type, long offset, boolean swapCache) {
    emit(
        Tracepoint.DO_SWAP_PAGE,
        CURRENT_CPU,
        address,
        pfn,
        type,
        offset,
        swapCache ? 1 : 0,
        0,
        0,
        0,
        null,
        null);
  }

  /** The handler of the chain that took a fault, and its outcome. */
  public void faultDone(long address, String handler, String result) {
    emit(Tracepoint.FAULT_DONE, CURRENT_CPU, address, 0, 0, 0, 0, 0, 0, 0, handler, result);
  }

  // ------------------------------------------------------------------ mmsim: reclaim

  /**
   * Reclaim begins a shrink: {@code mode} ({@code kswapd}, {@code direct}, {@code limit}) wants
   * {@code nrToReclaim} pages from {@code policy}, which tracks {@code resident} pages.
   */
  public void shrinkBegin(String mode, String policy, long nrToReclaim, long resident) {
    emit(
        Tracepoint.SHRINK_BEGIN,
        CURRENT_CPU,
        nrToReclaim,
        resident,
        0,
        0,
        0,
        0,
        0,
        0,
        mode,
        policy);
  }

  /** The free pages and watermarks of zone {@code zid} (-1: the node's zones summed), in pages. */
  public void zoneWatermark(int nid, int zid, long free, long min, long low, long high) {
    emit(Tracepoint.ZONE_WATERMARK, CURRENT_CPU, nid, zid, free, min, low, high, 0, 0, null, null);
  }

  /**
   * The policy's victim: page {@code key} in frame {@code pfn}, of {@code kind} (0 anonymous, 1
   * file, 2 unevictable, as {@code ReclaimContext} numbers them), and why it was chosen.
   */
  public void reclaimVictim(String policy, long key, long pfn, int kind, String why) {
    emit(Tracepoint.RECLAIM_VICTIM, CURRENT_CPU, key, pfn, kind, 0, 0, 0, 0, 0, policy, why);
  }

  /** A page got slot {@code offset} of swap area {@code type}. */
  public void swapOut(long pfn, int type, long offset) {
    emit(Tracepoint.SWAP_OUT, CURRENT_CPU, pfn, type, offset, 0, 0, 0, 0, 0, null, null);
  }
}
