package io.mmsim.kernel.mm;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import io.mmsim.api.Statistics;
import io.mmsim.api.fault.FaultHandler;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Memmap;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.PageMigrator;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.reclaim.FutureReferences;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.swap.SwapSystem;
import io.mmsim.api.trace.Tracer;
import io.mmsim.kernel.stat.VmEvents;

/**
 * Processes and their address spaces: spawn, fork with copy-on-write, exit; mmap, munmap, mprotect,
 * brk; and memory accesses that go through the MMU and the fault-handler chain as a CPU's would.
 *
 * <p>This class is the facade of the process side; each concern lives in a class named after the
 * kernel file a reader knows:
 *
 * <ul>
 *   <li>the task list, spawn, fork and exit: {@code Tasks} (kernel/fork.c, kernel/exit.c);
 *   <li>areas and what changing them does: {@code Mmap} (mm/mmap.c, mm/mprotect.c);
 *   <li>the access loop and the fault-handler chain: {@code FaultLoop} (arch/x86/mm/fault.c,
 *       mm/memory.c); user and kernel accesses: {@code UserAccess};
 *   <li>page references and the reverse map: {@code PageRefs} (mm/rmap.c);
 *   <li>reclaim scopes, kswapd and direct reclaim: {@code Vmscan} (mm/vmscan.c);
 *   <li>the OOM killer: {@code OomKiller} (mm/oom_kill.c);
 *   <li>shared anonymous memory under reclaim: {@code Shmem} (mm/shmem.c);
 *   <li>/proc/PID/maps: {@code io.mmsim.kernel.proc.ProcFs}.
 * </ul>
 *
 * <p>Not thread-safe: the kernel facade serialises calls.
 */
public final class Processes {
  /** Top of the user stack ({@code TASK_SIZE_MAX} on 4-level paging). */
  public static final long STACK_TOP = KernelLayout.TASK_SIZE_MAX;

  /** Size of the stack area a new process gets (132 KiB, as a fresh process shows). */
  public static final long STACK_SIZE = 132L << 10;

  /** Where top-down mmap allocation starts without ASLR: 128 MiB below the stack top. */
  public static final long MMAP_BASE = STACK_TOP - (128L << 20);

  /** The lowest address mmap hands out ({@code vm.mmap_min_addr}). */
  public static final long MMAP_MIN_ADDR = 0x10000L;

  /** Where the heap starts (a PIE loaded at 0x555555554000 without ASLR). */
  public static final long START_BRK = 0x555555559000L;

  private final PageRefs refs;
  private final Vmscan vmscan;
  private MemoryLayout layout;
  private final Mmap mmap;
  private final Tasks tasks;
  private final OomKiller oom;
  private final FaultLoop faults;
  private final UserAccess access;
  private final ProcessInvariants invariants;
  private final PageAllocator pages;

  /** NUMA memory policies and the accesses' local/remote cost (one node until setNuma). */
  private MempolicyAlloc mpol;

  private NumaAccessCost accessCost;
  private Consumer<String> reporter = line -> {};
  private final Migrate migrate;
  private final HugeMemory huge;
  private final Khugepaged khugepaged;
  private final Hugetlb hugetlb;

  /**
   * Processes over the kernel's parts; the fault handlers and swap come later (they are created
   * with a context that reaches this object).
   *
   * @param zeroPfn the frame of the shared zero page (in the kernel image)
   * @param zeroPageEnabled {@code vm.zero-page}
   * @param tracer the kernel's tracer: events are stamped with the process a call runs for
   */
  public Processes(
      PageAllocator pages,
      PageTable pageTable,
      PhysicalMemory memory,
      Memmap memmap,
      int cpus,
      long zeroPfn,
      boolean zeroPageEnabled,
      VmEvents events,
      Tracer tracer) {
    this.refs = new PageRefs(pages, pageTable, memory, memmap, zeroPfn);
    this.tasks = new Tasks(pageTable, refs, tracer);
    this.vmscan = new Vmscan(pageTable, refs, tasks);
    refs.setWorkingset(new Workingset(events));
    Shmem shmem = new Shmem(refs, vmscan);
    vmscan.wire(shmem);
    this.huge = new HugeMemory(pageTable, memory, refs, pages, events);
    huge.setVmscan(vmscan);
    this.hugetlb = new Hugetlb(pageTable, memory, pages, new MemoryLayout(memory.frames(), cpus));
    this.mmap = new Mmap(pageTable, refs, vmscan, shmem, cpus, huge, hugetlb);
    tasks.wire(vmscan, mmap, shmem);
    tasks.wireHugetlb(hugetlb);
    this.oom = new OomKiller(tasks, pages, pageTable, vmscan, events);
    this.faults =
        new FaultLoop(
            pageTable, memory, refs, vmscan, tasks, oom, shmem, events, zeroPageEnabled, huge);
    faults.setHugetlb(hugetlb);
    this.access = new UserAccess(pageTable, memory, faults);
    this.khugepaged = new Khugepaged(pageTable, memory, refs, tasks, huge, events);
    khugepaged.wire(access);
    huge.setKhugepaged(khugepaged);
    this.pages = pages;
    this.invariants = new ProcessInvariants(pageTable, refs, tasks, vmscan, shmem, huge);
    invariants.setHugetlb(hugetlb);
    this.migrate = new Migrate(refs, tasks, pageTable, memory, vmscan);
    setNuma(new MemoryLayout(memory.frames(), cpus));
  }

  /** The machine's NUMA nodes, for memory policies and the access cost. */
  public void setNuma(MemoryLayout layout) {
    this.layout = layout;
    if (hugetlb.total() == 0) {
      hugetlb.setLayout(layout);
    }
    this.mpol = new MempolicyAlloc(pages, layout);
    this.accessCost = new NumaAccessCost(layout);
    faults.setMempolicyAlloc(mpol);
    access.setAccessCost(accessCost);
  }

  /** Local and remote user accesses and their summed node distance. */
  public NumaAccessCost accessCost() {
    return accessCost;
  }

  /** numa_interleave of {@code zone} of node {@code nid}: interleaved pages that landed there. */
  public long interleaveHits(int nid, io.mmsim.api.mem.Zone zone) {
    return mpol.interleaveHits(nid, zone);
  }

  /** {@code set_mempolicy}: the policy of process {@code pid}'s future allocations. */
  public void setMempolicy(int pid, Mempolicy pol) {
    tasks.current(pid).mm.mempolicy = pol;
  }

  /**
   * {@code mbind} without {@code MPOL_MF_MOVE}: the policy of the areas in {@code [addr, addr +
   * length)} (split at the range's ends), for pages faulted in from now on; {@code default} gives
   * them back to the task's policy.
   */
  public void mbind(int pid, long addr, long length, Mempolicy pol) {
    mmap.mbind(tasks.current(pid).mm, addr, length, pol);
  }

  /** Page migration for compaction: moves user pages with every mapping ({@code mm/migrate.c}). */
  public PageMigrator migrator() {
    return migrate;
  }

  /**
   * The fault handlers, in order.
   *
   * @param swapHandlerIndex the index of the swap-in handler (whose resolved faults turn a swap PTE
   *     back into a present one), or -1
   */
  public void setFaultHandlers(List<FaultHandler> handlers, int swapHandlerIndex) {
    faults.setFaultHandlers(handlers, swapHandlerIndex);
  }

  /**
   * Turns on reclaim: the swap system, the global policy of each NUMA node (one new instance per
   * node of the layout last given to {@link #setNuma}; null when the configured policy needs future
   * knowledge it cannot have globally), a factory of per-process policies, and the resident limit
   * per process in pages (0 = none).
   *
   * @throws IllegalArgumentException when {@code globals} has not one policy per node
   */
  public void setReclaim(
      SwapSystem swap,
      ReplacementPolicy[] globals,
      Function<FutureReferences, ReplacementPolicy> processPolicies,
      long rssLimit) {
    Lruvecs lru = globals == null ? null : new Lruvecs(globals, layout.numa(), layout.frames());
    refs.setReclaim(swap, lru);
    vmscan.setReclaim(swap, lru, layout.numa(), processPolicies, rssLimit);
    Kswapd kswapd = new Kswapd(pages, layout, vmscan, tasks.trace);
    faults.setKswapd(kswapd, !pages.setKswapdWakeup(kswapd));
  }

  /**
   * Runs the kswapd that allocations since the last access woke (called at the end of each
   * operation: an allocation outside a user access, such as a kmalloc, may have woken it).
   */
  public void runKswapd() {
    faults.finishAccess();
  }

  /** The reclaim side (for tests in this package). */
  Vmscan vmscan() {
    return vmscan;
  }

  /** The swap system, or null. */
  public SwapSystem swap() {
    return vmscan.swap();
  }

  /**
   * The global replacement policy of node 0 (the machine's on one node), or null when reclaim is
   * off or the policy cannot be global.
   */
  public ReplacementPolicy globalPolicy() {
    return globalPolicy(0);
  }

  /** The global replacement policy of node {@code nid} (its lruvec), or null. */
  public ReplacementPolicy globalPolicy(int nid) {
    return vmscan.global() == null ? null : vmscan.global().node(nid);
  }

  /** The global policies' counters, summed over the nodes; null when there is no global policy. */
  public Statistics globalPolicyStatistics() {
    return vmscan.global() == null ? null : vmscan.global().statistics();
  }

  /**
   * Shadow-only nodes of the page cache ({@code workingset_nodes}; the swap system counts its own).
   */
  public long workingsetNodes() {
    return refs.cache().shadows().nodes();
  }

  /** Page-cache shadow nodes the shadow shrinker freed ({@code workingset_nodereclaim}). */
  public long workingsetNodeReclaim() {
    return refs.cache().shadows().nodeReclaim();
  }

  /**
   * The debugfs file {@code lru_gen} ({@code mm/vmscan.c: lru_gen_seq_show}): the global policy's
   * lruvecs (one per node) as the root memory cgroup (id 1, {@code /}), then each live process
   * under {@code rss.limit} as a cgroup of its own ({@code /mm-PID}, id PID + 2); null when neither
   * keeps generations.
   */
  public String lruGen() {
    Lruvecs g = vmscan.global();
    StringBuilder sb = new StringBuilder();
    for (int nid = 0; g != null && nid < g.nodes(); nid++) {
      String v = g.node(nid).lruGenView(nid);
      if (v == null) {
        break;
      }
      if (nid == 0) {
        sb.append(String.format("memcg %5d %s\n", 1, "/"));
      }
      sb.append(v);
    }
    for (Task t : tasks.live()) {
      String v = t.mm.policy == null ? null : t.mm.policy.lruGenView(0);
      if (v != null) {
        sb.append(String.format("memcg %5d /mm-%d\n", t.pid + 2, t.pid)).append(v);
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  // ------------------------------------------------------------------ frame references
  // (the swap system's SwapContext)

  /** Adds a reference to a user frame (the swap cache's). */
  public void getPage(long pfn) {
    refs.getPage(pfn);
  }

  /** Drops a reference to a user frame; at zero the frame goes back to the page allocator. */
  public void putPage(long pfn) {
    refs.putPage(pfn);
  }

  /** The reference count of a user frame ({@code page_count}). */
  int pageCount(long pfn) {
    return refs.pageCount(pfn);
  }

  /** The number of page-table mappings of a frame ({@code page_mapcount}). */
  public int mapCount(long pfn) {
    return refs.mapCount(pfn);
  }

  /**
   * Bytes of per-frame metadata the boot reserves for the process side: the reference counts, two
   * bytes a frame ({@code PageCounts}; the rare count of 0xFFFF or more continues in a map). The
   * reverse map's key of a page mapped once lives in the frame's words ({@code Memmap}), counted
   * with the page allocator's; pages mapped more than once, page-cache slots and dirty bits take
   * maps that grow with use.
   */
  public static int metadataBytesPerFrame() {
    return Character.BYTES;
  }

  /** Where signals and OOM kills are reported, one line each, as they happen. */
  public void setReporter(Consumer<String> reporter) {
    this.reporter = reporter;
    tasks.setReporter(reporter);
    mmap.diskFiles().setReporter(reporter);
  }

  // ------------------------------------------------------------------ tasks

  /**
   * The live process {@code pid}.
   *
   * @throws IllegalArgumentException naming the pid when there is none or it is dead (and how)
   */
  public Task task(int pid) {
    return tasks.task(pid);
  }

  /** True when {@code pid} names a process that has not exited or been killed. */
  public boolean isAlive(int pid) {
    return tasks.isAlive(pid);
  }

  /** Live processes by pid. */
  public List<Task> live() {
    return tasks.live();
  }

  /**
   * Creates process {@code pid} with an empty address space and a stack area.
   *
   * @throws IllegalArgumentException when the pid is in use or no memory for its page tables
   */
  public Task spawn(int pid) {
    tasks.trace.setCurrentPid(pid);
    return tasks.spawn(pid, null);
  }

  /**
   * Creates process {@code pid}; with {@code rss.limit}, its resident-set policy learns the
   * process's future references from {@code future} (for OPT), when known.
   */
  public Task spawn(int pid, FutureReferences future) {
    tasks.trace.setCurrentPid(pid);
    return tasks.spawn(pid, future);
  }

  /**
   * Forks {@code parent} into {@code child}: the areas are copied, private writable pages become
   * read-only in both and are shared until one side writes (copy-on-write).
   *
   * @throws IllegalArgumentException when the child's pid is taken or memory runs out (nothing is
   *     left of the child)
   */
  public Task fork(int parentPid, int childPid) {
    tasks.trace.setCurrentPid(parentPid);
    return tasks.fork(parentPid, childPid);
  }

  /** Process {@code pid} exits: every mapping is removed, its page tables freed. */
  public void exit(int pid) {
    tasks.exit(tasks.current(pid), "exited");
  }

  /**
   * The OOM killer: kills the live process with the highest badness (resident pages, swap entries
   * and page-table pages) and reports it in the kernel's words.
   *
   * @return the victim, or null when no process can be killed
   */
  public Task oomKill() {
    return oom.oomKill();
  }

  // ------------------------------------------------------------------ mappings

  /**
   * Maps {@code length} bytes ({@code mmap}).
   *
   * @param file the file to map, or null for anonymous memory
   * @param fixed the address for MAP_FIXED, or -1 to let the kernel choose (top-down)
   * @param populate MAP_POPULATE: fault every page in now
   * @return the start address
   */
  public long mmap(
      int pid,
      long length,
      int prot,
      Path file,
      long offset,
      boolean shared,
      long fixed,
      boolean populate) {
    return mmap(pid, length, prot, file, offset, shared, fixed, populate, false);
  }

  /**
   * Maps {@code length} bytes ({@code mmap}); with {@code hugetlb} (MAP_HUGETLB) anonymous memory
   * from the hugetlb pool: the length rounded up to 2 MiB, a MAP_FIXED address 2 MiB aligned, each
   * huge page reserved now.
   *
   * @throws IllegalArgumentException naming the errno (EINVAL for a misaligned MAP_FIXED address,
   *     ENOMEM when the pool cannot reserve the pages); nothing changes
   */
  public long mmap(
      int pid,
      long length,
      int prot,
      Path file,
      long offset,
      boolean shared,
      long fixed,
      boolean populate,
      boolean hugetlb) {
    Task t = tasks.current(pid);
    long start = mmap.mmap(t.mm, length, prot, file, offset, shared, fixed, hugetlb);
    tasks.dropUnmappedShmem(); // MAP_FIXED may have replaced the last mapping of a shmem object
    if (populate && (prot & (Prot.READ | Prot.WRITE)) != 0) {
      int how = (prot & Prot.WRITE) != 0 && !shared ? Access.WRITE : Access.READ;
      long end = start + (Page.pagesFor(length) << Page.PAGE_SHIFT);
      if (hugetlb) {
        end = (end + Hugetlb.HPAGE_SIZE - 1) & Hugetlb.HPAGE_MASK;
      }
      for (long a = start; a < end && t.alive; a += Page.PAGE_SIZE) {
        access.populate(t, refs.cpu, a, how);
      }
    }
    return start;
  }

  /** Removes the mappings of {@code [addr, addr + length)} ({@code munmap}). */
  public void munmap(int pid, long addr, long length) {
    mmap.munmap(tasks.current(pid).mm, addr, length);
    tasks.dropUnmappedShmem();
  }

  /** Changes the protection of {@code [addr, addr + length)} ({@code mprotect}). */
  public void mprotect(int pid, long addr, long length, int prot) {
    mmap.mprotect(tasks.current(pid).mm, addr, length, prot);
  }

  /**
   * {@code madvise(MADV_HUGEPAGE)} when {@code hugepage}, else {@code MADV_NOHUGEPAGE}, on {@code
   * [addr, addr + length)} of a live process.
   *
   * @throws IllegalArgumentException when the range is not page-aligned or not wholly mapped
   */
  public void madvise(int pid, long addr, long length, boolean hugepage) {
    mmap.madvise(tasks.current(pid).mm, addr, length, hugepage);
  }

  /**
   * Transparent huge pages for anonymous memory: {@code enabled} is {@code always}, {@code madvise}
   * or {@code never}, {@code defrag} one of {@code always}, {@code defer}, {@code defer+madvise},
   * {@code madvise}, {@code never} (the sysfs files under /sys/kernel/mm/transparent_hugepage); the
   * blocks come through {@code compaction}. THP stays off when the page tables or the page
   * allocator cannot do it.
   *
   * @throws IllegalArgumentException for a value outside those
   */
  public void setTransparentHugepage(String enabled, String defrag, Compaction compaction) {
    HugeMemory.Enabled e;
    try {
      e = HugeMemory.Enabled.valueOf(enabled.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException x) {
      throw new IllegalArgumentException(
          "thp.enabled: '" + enabled + "' is not always, madvise or never");
    }
    HugeMemory.Defrag d = HugeMemory.Defrag.parse(defrag);
    if (d == null) {
      throw new IllegalArgumentException(
          "thp.defrag: '" + defrag + "' is not always, defer, defer+madvise, madvise or never");
    }
    huge.configure(e, d, compaction);
  }

  /**
   * khugepaged's settings, the files under /sys/kernel/mm/transparent_hugepage/khugepaged/: the
   * sleep between passes and after a failed allocation (ms), the PTEs a pass scans, the limits on
   * empty, swap and shared entries in a range it collapses, and whether its allocations may compact
   * directly ({@code defrag}).
   *
   * @throws IllegalArgumentException naming the key of a value out of the kernel's range
   */
  public void setKhugepaged(
      long scanSleepMs,
      long allocSleepMs,
      long pagesToScan,
      long maxPtesNone,
      long maxPtesSwap,
      long maxPtesShared,
      boolean defrag) {
    khugepaged.configure(
        new Khugepaged.Settings(
            scanSleepMs,
            allocSleepMs,
            pagesToScan,
            maxPtesNone,
            maxPtesSwap,
            maxPtesShared,
            defrag));
  }

  /**
   * One millisecond of simulated time for the process side's daemons: khugepaged runs a pass when
   * its sleep is over.
   */
  public void tick() {
    khugepaged.tick();
  }

  /** khugepaged's {@code pages_collapsed}: ranges it collapsed into THPs. */
  public long khugepagedPagesCollapsed() {
    return khugepaged.pagesCollapsed();
  }

  /** khugepaged's {@code full_scans}: passes over every registered address space. */
  public long khugepagedFullScans() {
    return khugepaged.fullScans();
  }

  /**
   * Fills the hugetlb pool at boot with up to {@code count} 2 MiB pages from the page allocator,
   * node after node ({@code hugepages=} on the kernel command line).
   *
   * @return the pages the pool got (fewer when memory lacks)
   */
  public long reserveHugePages(long count) {
    return hugetlb.reserve(count);
  }

  /** {@code HugePages_Total}: pages in the hugetlb pool. */
  public long hugePagesTotal() {
    return hugetlb.total();
  }

  /** {@code HugePages_Free}: pool pages no mapping uses. */
  public long hugePagesFree() {
    return hugetlb.free();
  }

  /** {@code HugePages_Rsvd}: free pool pages promised to mappings that have not faulted them. */
  public long hugePagesRsvd() {
    return hugetlb.reserved();
  }

  /** {@code HugePages_Total} of node {@code nid}. */
  public long hugePagesTotal(int nid) {
    return hugetlb.total(nid);
  }

  /** {@code HugePages_Free} of node {@code nid}. */
  public long hugePagesFree(int nid) {
    return hugetlb.free(nid);
  }

  /** Pages in PMD-mapped transparent huge pages ({@code NR_ANON_THPS} in pages). */
  public long anonHugePages() {
    return huge.anonThps() * HugeMemory.HPAGE_PMD_NR;
  }

  /** Sets the heap to {@code size} bytes from its start ({@code brk}). */
  public void brk(int pid, long size) {
    mmap.brk(tasks.current(pid).mm, size);
  }

  /** The areas of a live process, by address (what /proc/PID/maps shows). */
  public List<VmAreaStruct> areas(int pid) {
    return tasks.task(pid).mm.areas();
  }

  /**
   * The disk behind file mappings; by default pages written back stay in the simulation and never
   * reach the host's files.
   */
  public DiskFiles diskFiles() {
    return mmap.diskFiles();
  }

  /** Uses {@code disk} for the files mapped from now on (the kernel sets it at boot). */
  public void setDiskFiles(DiskFiles disk) {
    disk.setReporter(reporter);
    mmap.setDiskFiles(disk);
  }

  /**
   * Names each live process's address space in {@code map} ({@code pid 3}), for the page tables to
   * use.
   */
  public void labelAddressSpaces(FrameMap map) {
    for (Task t : live()) {
      map.labelAddressSpace(t.mm.root(), "pid " + t.pid);
    }
  }

  /**
   * Marks the user frames in {@code map}: anonymous and page-cache pages, owned by the processes
   * that map them. Not for hot paths.
   */
  public void describeFrames(FrameMap map) {
    refs.describeFrames(map);
  }

  // ------------------------------------------------------------------ counters

  /** Pages in the page cache (meminfo Cached). */
  public long cachedPages() {
    return refs.cachedPages();
  }

  /** Mapped anonymous frames, each counted once however many processes map it (AnonPages). */
  public long anonPages() {
    return refs.anonMapped();
  }

  /** Mapped file frames, each counted once (meminfo Mapped). */
  public long mappedFilePages() {
    return refs.fileMapped();
  }

  /** Pages of shmem objects in the page cache (meminfo Shmem). */
  public long shmemPages() {
    return refs.shmemPages();
  }

  /**
   * Pages committed by private writable mappings of every live process (meminfo Committed_AS; what
   * the kernel charges as {@code VM_ACCOUNT}).
   */
  public long committedPages() {
    long n = 0;
    for (Task t : tasks.live()) {
      n += Mmap.committedPages(t.mm);
    }
    return n;
  }

  // ------------------------------------------------------------------ access

  /**
   * Reads {@code len} bytes of process {@code pid} at {@code addr} in user mode on {@code cpu}.
   *
   * @return the bytes, or null when the process was killed by the access
   */
  public byte[] read(int pid, int cpu, long addr, int len) {
    Task t = tasks.current(pid);
    byte[] buf = new byte[len];
    return access.copy(t, cpu, addr, buf, Access.READ) ? buf : null;
  }

  /** What {@link #peek} found. */
  public enum Peek {
    /** The buffer holds what a read would return. */
    BYTES,
    /** A read would kill the process (no area, one it may not read, or past a file's end). */
    KILLED,
    /** Only a read can tell (a swapped-out page, a huge page, a shmem page not in memory). */
    UNKNOWN
  }

  /**
   * Fills {@code buf} with what {@link #read} of process {@code pid} at {@code addr} would return,
   * changing nothing (no fault, counter, entry, TLB or policy change), so that a check can fail
   * before any state moves.
   */
  public Peek peek(int pid, long addr, byte[] buf) {
    return access.peek(tasks.task(pid), addr, buf, refs.cache());
  }

  /**
   * Writes {@code data} into process {@code pid} at {@code addr} in user mode.
   *
   * @return false when the process was killed by the access
   */
  public boolean write(int pid, int cpu, long addr, byte[] data) {
    return access.copy(tasks.current(pid), cpu, addr, data, Access.WRITE);
  }

  /**
   * Fetches an instruction byte of process {@code pid} at {@code addr}.
   *
   * @return false when the process was killed by the fetch
   */
  public boolean exec(int pid, int cpu, long addr) {
    return access.touch(tasks.current(pid), cpu, addr, Access.EXECUTE);
  }

  /**
   * One access of the page holding {@code addr}, without moving data: the fast path of trace
   * replay.
   *
   * @return false when the process was killed by the access
   */
  public boolean touch(Task t, int cpu, long addr, int access) {
    tasks.trace.setCurrentPid(t.pid);
    return this.access.touch(t, cpu, addr, access);
  }

  /**
   * Kernel-mode access through the kernel's page tables ({@code kernel} in a workload).
   *
   * @throws KernelOopsException when the access faults: the kernel has no fixup for it
   */
  public void kernelAccess(int cpu, long addr, byte[] buf, int access) {
    tasks.trace.setCurrentPid(0);
    this.access.kernelAccess(cpu, addr, buf, access);
  }

  // ------------------------------------------------------------------ invariants

  /**
   * Recomputes what the process side derives from the page tables and compares: every frame's
   * reference count (mappings + page cache + swap cache), the reverse map against the present PTEs,
   * each process's RSS and swap-entry counters, every swap slot's count against the swap PTEs that
   * hold it, the global and per-process policies' resident sets, and the mapped-page totals.
   *
   * @throws AssertionError naming the first difference
   */
  public void checkInvariants() {
    invariants.check();
  }
}
