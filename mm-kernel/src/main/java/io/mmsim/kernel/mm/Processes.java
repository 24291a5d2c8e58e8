package io.mmsim.kernel.mm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

import io.mmsim.api.fault.AddressSpace;
import io.mmsim.api.fault.FaultContext;
import io.mmsim.api.fault.FaultHandler;
import io.mmsim.api.fault.FaultOutcome;
import io.mmsim.api.fault.FileBacking;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageFault;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.paging.Regs;
import io.mmsim.api.reclaim.FutureReferences;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.swap.Oom;
import io.mmsim.api.swap.OomCandidate;
import io.mmsim.api.swap.ReclaimContext;
import io.mmsim.api.swap.ReclaimMode;
import io.mmsim.api.swap.SwapSystem;
import io.mmsim.kernel.stat.VmEvent;
import io.mmsim.kernel.stat.VmEvents;

/**
 * Processes and their address spaces: spawn, fork with copy-on-write, exit; mmap, munmap, mprotect,
 * brk; and memory accesses that go through the MMU and the fault-handler chain as a CPU's would.
 *
 * <h2>Accounting</h2>
 *
 * Each user frame has a reference count in a primitive array ({@code page_count}): one per
 * page-table mapping, one held by the page cache for file pages, one held by the swap cache. The
 * mappings themselves are in the reverse map ({@link Rmap}), whose size per frame is the map count.
 * A frame is freed when its count reaches zero; a file page is dropped (written back first when
 * dirty) when no mapping is left; a swap-cache page that loses its last mapping is handed to the
 * swap system. The shared zero page lives in the kernel image and is never counted.
 *
 * <h2>Reclaim</h2>
 *
 * With a swap system, resident pages are tracked by a global replacement policy (keys are PFNs)
 * and, with {@code rss.limit}, by one policy per process (keys are virtual page numbers). A fault
 * that would make a page resident in a process at its limit first reclaims from that process; an
 * allocation that fails runs direct reclaim and retries; after a fault kswapd runs when a zone is
 * below its low watermark; when nothing can be reclaimed the OOM killer chooses a victim by the
 * kernel's badness (resident + swap entries + page tables).
 *
 * <h2>Faults</h2>
 *
 * A failed translation yields the CPU's fault record (CR2, error code, registers). A fault on a
 * kernel address from user mode is a SIGSEGV before any handler runs (as {@code do_kern_addr_fault}
 * decides); a kernel-mode fault the handlers cannot resolve is an oops. Otherwise the configured
 * handlers run in order until one does not decline; a resolved fault is retried, a signal kills the
 * process and the run goes on. Out of memory runs the OOM killer.
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

  private final PageAllocator pages;
  private final PageTable pageTable;
  private final PhysicalMemory memory;
  private List<FaultHandler> chain = List.of();
  private int swapHandler = -1;
  private final long zeroPfn;
  private final boolean zeroPageEnabled;
  private final VmEvents events;
  private final int[] refs;
  private final Rmap rmap = new Rmap();
  private final BitSet dirty = new BitSet();
  private SwapSystem swap;
  private ReplacementPolicy global;
  private boolean globalEveryReference;

  /** Anonymous frames with at least one mapping ({@code NR_ANON_MAPPED}). */
  private long anonMapped;

  /** File frames with at least one mapping ({@code NR_FILE_MAPPED}). */
  private long fileMapped;

  private final GlobalScope globalScope = new GlobalScope();
  private Function<FutureReferences, ReplacementPolicy> processPolicies;
  private long rssLimit;
  private final PageCache cache = new PageCache();
  private DiskFiles diskFiles = new DiskFiles(false);
  private final TreeMap<Integer, Task> tasks = new TreeMap<>();
  private final Ctx ctx = new Ctx();
  private final int cpus;
  private Consumer<String> reporter = s -> {};
  private long shmemIds;
  private int cpu;
  private boolean kswapdPending;

  /** NUMA memory policies and the accesses' local/remote cost (one node until setNuma). */
  private MempolicyAlloc mpol;

  private NumaAccessCost accessCost;

  /** The frame the current access inserted into the global policy, or -1. */
  private long globalInserted = -1;

  /**
   * Processes over the kernel's parts; the fault handlers and swap come later (they are created
   * with a context that reaches this object).
   *
   * @param zeroPfn the frame of the shared zero page (in the kernel image)
   * @param zeroPageEnabled {@code vm.zero-page}
   */
  public Processes(
      PageAllocator pages,
      PageTable pageTable,
      PhysicalMemory memory,
      int cpus,
      long zeroPfn,
      boolean zeroPageEnabled,
      VmEvents events) {
    this.cpus = cpus;
    this.pages = pages;
    this.pageTable = pageTable;
    this.memory = memory;
    this.zeroPfn = zeroPfn;
    this.zeroPageEnabled = zeroPageEnabled;
    this.events = events;
    this.refs = new int[Math.toIntExact(memory.frames())];
    setNuma(new MemoryLayout(memory.frames(), cpus));
  }

  /** The machine's NUMA nodes, for memory policies and the access cost. */
  public void setNuma(MemoryLayout layout) {
    this.mpol = new MempolicyAlloc(pages, layout);
    this.accessCost = new NumaAccessCost(layout);
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
    task(pid).mm.mempolicy = pol;
  }

  /**
   * {@code mbind} without {@code MPOL_MF_MOVE}: the policy of the areas in {@code [addr, addr +
   * length)} (split at the range's ends), for pages faulted in from now on; {@code default} gives
   * them back to the task's policy.
   */
  public void mbind(int pid, long addr, long length, Mempolicy pol) {
    MmStruct mm = task(pid).mm;
    checkRange("mbind", addr, length);
    long end = addr + (Page.pagesFor(length) << Page.PAGE_SHIFT);
    List<VmAreaStruct> hit = mm.intersecting(addr, end);
    long covered = 0;
    for (VmAreaStruct v : hit) {
      covered += Math.min(end, v.end) - Math.max(addr, v.start);
    }
    if (covered != end - addr) {
      throw new IllegalArgumentException(
          String.format("mbind: [0x%x, 0x%x) is not wholly mapped (EFAULT)", addr, end));
    }
    for (VmAreaStruct v : hit) {
      VmAreaStruct mid = split(mm, v, Math.max(addr, v.start), Math.min(end, v.end));
      mid.mempolicy = pol.mode() == Mempolicy.Mode.DEFAULT ? null : pol;
    }
    int n = 0;
    for (VmAreaStruct v : mm.areas()) {
      n += v.mempolicy != null ? 1 : 0;
    }
    mm.areaPolicies = n;
  }

  /**
   * The fault handlers, in order.
   *
   * @param swapHandlerIndex the index of the swap-in handler (whose resolved faults turn a swap PTE
   *     back into a present one), or -1
   */
  public void setFaultHandlers(List<FaultHandler> handlers, int swapHandlerIndex) {
    this.chain = List.copyOf(handlers);
    this.swapHandler = swapHandlerIndex;
  }

  /**
   * Turns on reclaim: the swap system, the global policy (null when the configured policy needs
   * future knowledge it cannot have globally), a factory of per-process policies, and the resident
   * limit per process in pages (0 = none).
   */
  public void setReclaim(
      SwapSystem swap,
      ReplacementPolicy global,
      Function<FutureReferences, ReplacementPolicy> processPolicies,
      long rssLimit) {
    this.swap = swap;
    this.global = global;
    this.globalEveryReference = global != null && global.wantsEveryReference();
    this.processPolicies = processPolicies;
    this.rssLimit = rssLimit;
  }

  /** The swap system, or null. */
  public SwapSystem swap() {
    return swap;
  }

  /** The global replacement policy, or null. */
  public ReplacementPolicy globalPolicy() {
    return global;
  }

  // ------------------------------------------------------------------ frame references
  // (SwapContext)

  /** Adds a reference to a user frame (the swap cache's). */
  public void getPage(long pfn) {
    refs[(int) pfn]++;
  }

  /** Drops a reference to a user frame; at zero the frame goes back to the page allocator. */
  public void putPage(long pfn) {
    int r = --refs[(int) pfn];
    if (r < 0) {
      throw new AssertionError("putPage of pfn " + pfn + " without a reference");
    }
    if (r == 0) {
      if (rmap.count(pfn) != 0) {
        throw new AssertionError("pfn " + pfn + " freed while mapped " + rmap.count(pfn));
      }
      dirty.clear((int) pfn);
      pages.freePages(cpu, pfn, 0);
    }
  }

  /** The number of page-table mappings of a frame ({@code page_mapcount}). */
  public int mapCount(long pfn) {
    return rmap.count(pfn);
  }

  /** Bytes of per-frame metadata this class keeps (the reference counts). */
  public static int metadataBytesPerFrame() {
    return Integer.BYTES;
  }

  /** Where signals and OOM kills are reported, one line each, as they happen. */
  public void setReporter(Consumer<String> reporter) {
    this.reporter = reporter;
  }

  // ------------------------------------------------------------------ tasks

  /** The live process {@code pid}. */
  public Task task(int pid) {
    Task t = tasks.get(pid);
    if (t == null || !t.alive) {
      throw new IllegalArgumentException(
          t == null ? "no process " + pid : "process " + pid + " is dead (" + t.deathReason + ")");
    }
    return t;
  }

  /** True when {@code pid} names a process that has not exited or been killed. */
  public boolean isAlive(int pid) {
    Task t = tasks.get(pid);
    return t != null && t.alive;
  }

  /** Live processes by pid. */
  public List<Task> live() {
    List<Task> out = new ArrayList<>();
    for (Task t : tasks.values()) {
      if (t.alive) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * Creates process {@code pid} with an empty address space and a stack area.
   *
   * @throws IllegalArgumentException when the pid is in use or no memory for its page tables
   */
  public Task spawn(int pid) {
    return spawn(pid, null);
  }

  /**
   * Creates process {@code pid}; with {@code rss.limit}, its resident-set policy learns the
   * process's future references from {@code future} (for OPT), when known.
   */
  public Task spawn(int pid, FutureReferences future) {
    if (pid <= 0 || pid >= (1 << 23)) {
      throw new IllegalArgumentException("pid " + pid + " must be positive");
    }
    if (isAlive(pid)) {
      throw new IllegalArgumentException("process " + pid + " exists");
    }
    long root = createAddressSpace();
    if (root == PageTable.NO_ROOT) {
      throw new IllegalArgumentException(
          "spawn: out of memory for the page tables of process " + pid);
    }
    MmStruct mm = new MmStruct(pid, root);
    attachPolicy(mm, future);
    mm.startBrk = START_BRK;
    mm.brk = START_BRK;
    mm.insert(
        new VmAreaStruct(
            STACK_TOP - STACK_SIZE, STACK_TOP, Prot.READ | Prot.WRITE, false, null, 0, "[stack]"));
    Task t = new Task(pid, "proc" + pid, mm);
    tasks.put(pid, t);
    return t;
  }

  /** A new address space, reclaiming while that frees memory ({@code pgd_alloc}). */
  private long createAddressSpace() {
    long root = pageTable.createAddressSpace();
    for (int r = 0; root == PageTable.NO_ROOT && r < MAX_RECLAIM_RETRIES; r++) {
      if (directReclaim() == 0) {
        break;
      }
      root = pageTable.createAddressSpace();
    }
    return root;
  }

  private void attachPolicy(MmStruct mm, FutureReferences future) {
    if (rssLimit > 0 && processPolicies != null && swap != null) {
      mm.policy = processPolicies.apply(future);
      mm.policy.setCapacity(rssLimit);
      mm.everyReference = mm.policy.wantsEveryReference();
      mm.reclaim = new ProcessScope(mm);
    }
  }

  /**
   * Forks {@code parent} into {@code child}: the areas are copied, private writable pages become
   * read-only in both and are shared until one side writes (copy-on-write).
   */
  public Task fork(int parentPid, int childPid) {
    Task parent = task(parentPid);
    if (isAlive(childPid) || childPid <= 0 || childPid >= (1 << 23)) {
      throw new IllegalArgumentException("fork: pid " + childPid + " is in use or invalid");
    }
    for (int r = 0; ; r++) {
      Task child = copyProcess(parent, childPid);
      if (child != null) {
        return child;
      }
      if (r >= MAX_RECLAIM_RETRIES || directReclaim() == 0) {
        throw new IllegalArgumentException(
            "fork: out of memory copying the page tables of process " + parentPid);
      }
    }
  }

  /** One attempt at fork; null when a page-table frame could not be had (nothing is left). */
  private Task copyProcess(Task parent, int childPid) {
    long root = pageTable.createAddressSpace();
    if (root == PageTable.NO_ROOT) {
      return null;
    }
    MmStruct pm = parent.mm;
    MmStruct cm = new MmStruct(childPid, root);
    attachPolicy(cm, null);
    cm.startBrk = pm.startBrk;
    cm.brk = pm.brk;
    cm.mempolicy = pm.mempolicy;
    cm.areaPolicies = pm.areaPolicies;
    Task child = new Task(childPid, parent.comm, cm);
    boolean[] failed = {false};
    for (VmAreaStruct v : pm.areas()) {
      cm.insert(v.copy());
      boolean cow = !v.shared && (v.prot & Prot.WRITE) != 0;
      pageTable.walkRange(
          pm.root(),
          v.start,
          v.end,
          (linear, pte) -> {
            if (failed[0]) {
              return;
            }
            if (!Pte.present(pte)) {
              // a swap entry: both sides now hold the slot, neither exclusively
              long shared = pte & ~Pte.SWP_EXCLUSIVE;
              if (!pageTable.writePte(root, linear, shared)) {
                failed[0] = true;
                return;
              }
              pageTable.writePte(pm.root(), linear, shared);
              swap.swapDuplicate(pte);
              cm.swapEnts++;
              return;
            }
            long pfn = Pte.pfn(pte);
            long childPte = pte & ~Pte.ACCESSED;
            if (cow && (pte & Pte.RW) != 0) {
              pageTable.writePte(pm.root(), linear, pte & ~Pte.RW);
              pageTable.flushTlbPage(linear);
              childPte &= ~Pte.RW;
            }
            if (v.shared) {
              childPte &= ~Pte.DIRTY;
              if ((pte & Pte.DIRTY) != 0) {
                dirty.set((int) pfn);
              }
            }
            if (!pageTable.writePte(root, linear, childPte)) {
              failed[0] = true;
              return;
            }
            if (pfn != zeroPfn) {
              refs[(int) pfn]++;
              addMapping(cm, linear >>> Page.PAGE_SHIFT, pfn);
            }
          });
      if (failed[0]) {
        break;
      }
    }
    if (failed[0]) {
      teardown(cm);
      return null;
    }
    tasks.put(childPid, child);
    return child;
  }

  /** Process {@code pid} exits: every mapping is removed, its page tables freed. */
  public void exit(int pid) {
    Task t = task(pid);
    teardown(t.mm);
    t.alive = false;
    t.deathReason = "exited";
    dropUnmappedShmem();
  }

  private void teardown(MmStruct mm) {
    for (VmAreaStruct v : mm.areas()) {
      unmapRange(mm, v, v.start, v.end);
      mm.remove(v);
    }
    pageTable.destroyAddressSpace(mm.root());
    for (int c = 0; c < cpus; c++) {
      Mmu m = pageTable.mmu(c);
      if (m.cr3() == mm.root()) {
        m.loadCr3(pageTable.kernelRoot());
      }
    }
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
    Task t = task(pid);
    MmStruct mm = t.mm;
    if (length <= 0) {
      throw new IllegalArgumentException("mmap: length " + length + " must be positive");
    }
    long len = Page.pagesFor(length) << Page.PAGE_SHIFT;
    if ((offset & Page.PAGE_OFFSET_MASK) != 0 || offset < 0) {
      throw new IllegalArgumentException(
          "mmap: file offset " + offset + " is not a multiple of the page size");
    }
    FileBacking backing = null;
    if (file != null) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new IllegalArgumentException("mmap: cannot open " + file);
      }
      backing = diskFiles.open(file);
    } else if (shared) {
      backing = new ShmemFile(++shmemIds, len);
    }
    long start;
    if (fixed >= 0) {
      if ((fixed & Page.PAGE_OFFSET_MASK) != 0
          || fixed < MMAP_MIN_ADDR
          || fixed + len > STACK_TOP
          || fixed + len < fixed) {
        throw new IllegalArgumentException(
            String.format(
                "mmap: MAP_FIXED address 0x%x is unaligned or outside user space", fixed));
      }
      start = fixed;
      for (VmAreaStruct v : mm.intersecting(start, start + len)) {
        unmapArea(mm, v, start, start + len);
      }
    } else {
      start = mm.findGapTopDown(len, MMAP_MIN_ADDR, MMAP_BASE);
      if (start < 0) {
        throw new IllegalArgumentException("mmap: no room for " + len + " bytes");
      }
    }
    mm.insert(new VmAreaStruct(start, start + len, prot, shared, backing, offset, ""));
    if (populate) {
      int access = (prot & Prot.WRITE) != 0 && !shared ? Access.WRITE : Access.READ;
      for (long a = start; a < start + len && t.alive; a += Page.PAGE_SIZE) {
        if ((prot & (Prot.READ | Prot.WRITE)) == 0) {
          break;
        }
        translate(t, a, access);
        finishAccess();
      }
    }
    return start;
  }

  /** Removes the mappings of {@code [addr, addr + length)} ({@code munmap}). */
  public void munmap(int pid, long addr, long length) {
    MmStruct mm = task(pid).mm;
    checkRange("munmap", addr, length);
    long end = addr + (Page.pagesFor(length) << Page.PAGE_SHIFT);
    for (VmAreaStruct v : mm.intersecting(addr, end)) {
      unmapArea(mm, v, addr, end);
    }
    pageTable.freeEmptyTables(mm.root(), addr, end);
    dropUnmappedShmem();
  }

  /** Changes the protection of {@code [addr, addr + length)} ({@code mprotect}). */
  public void mprotect(int pid, long addr, long length, int prot) {
    MmStruct mm = task(pid).mm;
    checkRange("mprotect", addr, length);
    long end = addr + (Page.pagesFor(length) << Page.PAGE_SHIFT);
    List<VmAreaStruct> hit = mm.intersecting(addr, end);
    long covered = 0;
    for (VmAreaStruct v : hit) {
      covered += Math.min(end, v.end) - Math.max(addr, v.start);
    }
    if (covered != end - addr) {
      throw new IllegalArgumentException(
          String.format("mprotect: [0x%x, 0x%x) is not wholly mapped (ENOMEM)", addr, end));
    }
    for (VmAreaStruct v : hit) {
      VmAreaStruct mid = split(mm, v, Math.max(addr, v.start), Math.min(end, v.end));
      mid.prot = prot;
      pageTable.walkRange(
          mm.root(),
          mid.start,
          mid.end,
          (linear, pte) -> {
            if (!Pte.present(pte)) {
              return;
            }
            long p = pte;
            if ((prot & Prot.WRITE) == 0) {
              p &= ~Pte.RW;
            }
            p = (prot & Prot.EXEC) != 0 ? p & ~Pte.NX : p | Pte.NX;
            p = (prot & (Prot.READ | Prot.WRITE | Prot.EXEC)) == 0 ? p & ~Pte.USER : p | Pte.USER;
            if (p != pte) {
              pageTable.writePte(mm.root(), linear, p);
              pageTable.flushTlbPage(linear);
            }
          });
    }
  }

  /** Sets the heap to {@code size} bytes from its start ({@code brk}). */
  public void brk(int pid, long size) {
    MmStruct mm = task(pid).mm;
    if (size < 0) {
      throw new IllegalArgumentException("brk: size " + size + " is negative");
    }
    long newBrk = mm.startBrk + (Page.pagesFor(size) << Page.PAGE_SHIFT);
    long oldBrk = mm.brk;
    if (newBrk > oldBrk) {
      if (!mm.isFree(oldBrk, newBrk)) {
        throw new IllegalArgumentException(
            String.format("brk: the heap cannot grow to 0x%x: something is mapped there", newBrk));
      }
      VmAreaStruct heap = oldBrk > mm.startBrk ? mm.find(oldBrk - 1) : null;
      if (heap != null && "[heap]".equals(heap.name)) {
        mm.remove(heap);
        heap.end = newBrk;
        mm.insert(heap);
      } else {
        mm.insert(
            new VmAreaStruct(oldBrk, newBrk, Prot.READ | Prot.WRITE, false, null, 0, "[heap]"));
      }
    } else if (newBrk < oldBrk) {
      for (VmAreaStruct v : mm.intersecting(newBrk, oldBrk)) {
        unmapArea(mm, v, newBrk, oldBrk);
      }
    }
    mm.brk = newBrk;
  }

  private static void checkRange(String op, long addr, long length) {
    if ((addr & Page.PAGE_OFFSET_MASK) != 0
        || length <= 0
        || addr < 0
        || addr + length > STACK_TOP) {
      throw new IllegalArgumentException(
          String.format(
              "%s: [0x%x, +%d) is not a page-aligned user range (EINVAL)", op, addr, length));
    }
  }

  /** Splits {@code v} so that {@code [from, to)} is an area of its own, and returns it. */
  private VmAreaStruct split(MmStruct mm, VmAreaStruct v, long from, long to) {
    if (from == v.start && to == v.end) {
      return v;
    }
    mm.remove(v);
    if (v.start < from) {
      mm.insert(v.slice(v.start, from));
    }
    if (to < v.end) {
      mm.insert(v.slice(to, v.end));
    }
    VmAreaStruct mid = v.slice(from, to);
    mm.insert(mid);
    return mid;
  }

  private void unmapArea(MmStruct mm, VmAreaStruct v, long from, long to) {
    long s = Math.max(from, v.start);
    long e = Math.min(to, v.end);
    unmapRange(mm, v, s, e);
    mm.remove(v);
    if (v.start < s) {
      mm.insert(v.slice(v.start, s));
    }
    if (e < v.end) {
      mm.insert(v.slice(e, v.end));
    }
  }

  private void unmapRange(MmStruct mm, VmAreaStruct v, long start, long end) {
    pageTable.walkRange(
        mm.root(),
        start,
        end,
        (linear, pte) -> {
          if (!Pte.present(pte)) {
            pageTable.writePte(mm.root(), linear, 0);
            if (swap != null && Pte.isSwap(pte)) {
              swap.swapFree(pte);
              mm.swapEnts--;
            }
            return;
          }
          long pfn = Pte.pfn(pte);
          if ((pte & Pte.DIRTY) != 0 && v.shared && v.file != null && !v.file.shmem()) {
            // MAP_SHARED writes reach the file when the mapping goes (munmap, exit)
            writeBack(pfn);
          }
          pageTable.writePte(mm.root(), linear, 0);
          pageTable.flushTlbPage(linear);
          if (pfn != zeroPfn) {
            removeMapping(mm, linear >>> Page.PAGE_SHIFT, pfn, true);
          }
        });
  }

  // ------------------------------------------------------------------ frames

  private void account(MmStruct mm, long pfn, int delta) {
    if (!cache.contains(pfn)) {
      mm.anonRss += delta;
    } else if (cache.fileOf(pfn).shmem()) {
      mm.shmemRss += delta;
    } else {
      mm.fileRss += delta;
    }
    if (delta > 0) {
      mm.updateHiwaterRss();
    }
  }

  /**
   * A new mapping of {@code pfn} at page {@code vpn} of {@code mm}; the reference is the caller's.
   */
  private void addMapping(MmStruct mm, long vpn, long pfn) {
    boolean first = rmap.count(pfn) == 0;
    rmap.add(pfn, mm.pid(), vpn);
    account(mm, pfn, 1);
    if (first) {
      if (cache.contains(pfn)) {
        fileMapped++;
      } else {
        anonMapped++;
      }
    }
    if (first && global != null) {
      global.insert(pfn);
      globalInserted = pfn;
    }
    if (mm.policy != null && !mm.policy.contains(vpn)) {
      // a copy-on-write maps the new frame before it drops the old one: the page at vpn stays
      // resident, only its frame changes
      mm.policy.insert(vpn);
      mm.insertedVpn = vpn;
    }
  }

  /**
   * True when the PTE at {@code vpn} already maps another counted frame than {@code pfn}: the
   * mapping being dropped was replaced (copy-on-write), so the page at {@code vpn} is still
   * resident.
   */
  private boolean remapped(MmStruct mm, long vpn, long pfn) {
    long pte = pageTable.readPte(mm.root(), vpn << Page.PAGE_SHIFT);
    return Pte.present(pte) && Pte.pfn(pte) != pfn && Pte.pfn(pte) != zeroPfn;
  }

  /**
   * Drops the mapping of {@code pfn} at page {@code vpn} of {@code mm}; with {@code dropRef} also
   * the mapping's reference, freeing the frame, dropping a file page that no one maps any more, or
   * telling the swap system that its cached page lost its last mapping.
   */
  private void removeMapping(MmStruct mm, long vpn, long pfn, boolean dropRef) {
    if (!rmap.remove(pfn, mm.pid(), vpn)) {
      throw new AssertionError(
          String.format("pfn 0x%x is not mapped at vpn 0x%x of pid %d", pfn, vpn, mm.pid()));
    }
    account(mm, pfn, -1);
    if (mm.policy != null && !remapped(mm, vpn, pfn)) {
      mm.policy.remove(vpn);
    }
    boolean last = rmap.count(pfn) == 0;
    if (last) {
      if (cache.contains(pfn)) {
        fileMapped--;
      } else {
        anonMapped--;
      }
    }
    if (last && global != null) {
      global.remove(pfn);
    }
    if (!dropRef) {
      return;
    }
    int r = --refs[(int) pfn];
    if (r < 0) {
      throw new AssertionError("negative reference count on pfn " + pfn);
    }
    if (r == 0) {
      dirty.clear((int) pfn);
      pages.freePages(cpu, pfn, 0);
    } else if (last && cache.contains(pfn)) {
      if (!cache.fileOf(pfn).shmem()) {
        evict(pfn);
      }
    } else if (last && swap != null && swap.inSwapCache(pfn)) {
      swap.pageUnmapped(pfn);
    }
  }

  /**
   * A shmem object lives while some area maps it: once none does, its cached pages (whose only
   * reference is the cache's) are dropped.
   */
  private void dropUnmappedShmem() {
    if (cache.size() == 0) {
      return;
    }
    java.util.Set<FileBacking> mapped = new java.util.HashSet<>();
    for (Task t : tasks.values()) {
      if (t.alive) {
        for (VmAreaStruct v : t.mm.areas()) {
          if (v.file != null && v.file.shmem()) {
            mapped.add(v.file);
          }
        }
      }
    }
    for (long pfn : cache.pagesOfShmemNotIn(mapped)) {
      cache.remove(pfn);
      putPage(pfn);
    }
  }

  private void writeBack(long pfn) {
    FileBacking f = cache.fileOf(pfn);
    byte[] buf = new byte[Page.PAGE_SIZE];
    memory.readPage(pfn, buf, 0);
    f.writePage(cache.offsetOf(pfn), buf);
    dirty.clear((int) pfn);
  }

  private void evict(long pfn) {
    if (dirty.get((int) pfn)) {
      writeBack(pfn);
    }
    cache.remove(pfn);
    putPage(pfn);
  }

  /**
   * The disk behind file mappings; by default pages written back stay in the simulation and never
   * reach the host's files.
   */
  public DiskFiles diskFiles() {
    return diskFiles;
  }

  /** Uses {@code disk} for the files mapped from now on (the kernel sets it at boot). */
  public void setDiskFiles(DiskFiles disk) {
    this.diskFiles = disk;
  }

  /** Pages in the page cache (meminfo Cached). */
  public long cachedPages() {
    return cache.size();
  }

  /** Mapped anonymous frames, each counted once however many processes map it (AnonPages). */
  public long anonPages() {
    return anonMapped;
  }

  /** Mapped file frames, each counted once (meminfo Mapped). */
  public long mappedFilePages() {
    return fileMapped;
  }

  /** Pages of shmem objects in the page cache (meminfo Shmem). */
  public long shmemPages() {
    return cache.shmemPages();
  }

  /**
   * Pages committed by private writable mappings of every live process (meminfo Committed_AS; what
   * the kernel charges as {@code VM_ACCOUNT}).
   */
  public long committedPages() {
    long n = 0;
    for (Task t : live()) {
      for (VmAreaStruct v : t.mm.areas()) {
        if (!v.shared && (v.prot & Prot.WRITE) != 0) {
          n += (v.end - v.start) >>> Page.PAGE_SHIFT;
        }
      }
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
    Task t = task(pid);
    this.cpu = cpu;
    byte[] buf = new byte[len];
    return copy(t, addr, buf, Access.READ) ? buf : null;
  }

  /**
   * Writes {@code data} into process {@code pid} at {@code addr} in user mode.
   *
   * @return false when the process was killed by the access
   */
  public boolean write(int pid, int cpu, long addr, byte[] data) {
    Task t = task(pid);
    this.cpu = cpu;
    return copy(t, addr, data, Access.WRITE);
  }

  /**
   * Fetches an instruction byte of process {@code pid} at {@code addr}.
   *
   * @return false when the process was killed by the fetch
   */
  public boolean exec(int pid, int cpu, long addr) {
    Task t = task(pid);
    this.cpu = cpu;
    long phys = translate(t, addr, Access.EXECUTE);
    if (phys >= 0) {
      accessCost.access(cpu, phys);
    }
    finishAccess();
    return phys >= 0;
  }

  /**
   * One access of the page holding {@code addr}, without moving data: the fast path of trace
   * replay.
   *
   * @return false when the process was killed by the access
   */
  public boolean touch(Task t, int cpu, long addr, int access) {
    this.cpu = cpu;
    long phys = t.alive ? translate(t, addr, access) : -1;
    if (phys >= 0) {
      accessCost.access(cpu, phys);
    }
    finishAccess();
    return phys >= 0;
  }

  private boolean copy(Task t, long addr, byte[] buf, int access) {
    int done = 0;
    while (done < buf.length) {
      long a = addr + done;
      int n = (int) Math.min(buf.length - done, Page.PAGE_SIZE - (a & Page.PAGE_OFFSET_MASK));
      long phys = translate(t, a, access);
      if (phys < 0) {
        finishAccess();
        return false;
      }
      accessCost.access(cpu, phys);
      if (access == Access.WRITE) {
        memory.write(phys, buf, done, n);
      } else {
        memory.read(phys, buf, done, n);
      }
      finishAccess();
      done += n;
    }
    return true;
  }

  /**
   * Kernel-mode access through the kernel's page tables ({@code kernel} in a workload).
   *
   * @throws KernelOopsException when the access faults: the kernel has no fixup for it
   */
  public void kernelAccess(int cpu, long addr, byte[] buf, int access) {
    this.cpu = cpu;
    Mmu mmu = pageTable.mmu(cpu);
    if (mmu.cr3() != pageTable.kernelRoot()) {
      mmu.loadCr3(pageTable.kernelRoot());
    }
    int done = 0;
    while (done < Math.max(1, buf.length)) {
      long a = addr + done;
      int n =
          (int)
              Math.min(
                  Math.max(1, buf.length) - done, Page.PAGE_SIZE - (a & Page.PAGE_OFFSET_MASK));
      long phys = mmu.translate(a, access, false);
      if (phys == Mmu.GP_FAULT) {
        throw new KernelOopsException(
            List.of(
                String.format(
                    "general protection fault, probably for non-canonical address 0x%x", a)));
      }
      if (phys < 0) {
        throw oops(mmu.cr2(), mmu.errorCode(), access);
      }
      if (buf.length > 0) {
        if (access == Access.WRITE) {
          memory.write(phys, buf, done, n);
        } else {
          memory.read(phys, buf, done, n);
        }
      }
      done += n;
    }
  }

  private static KernelOopsException oops(long addr, int err, int access) {
    List<String> r = new ArrayList<>();
    if (Long.compareUnsigned(addr, Page.PAGE_SIZE) < 0) {
      r.add(String.format("BUG: kernel NULL pointer dereference, address: %016x", addr));
    } else {
      r.add(String.format("BUG: unable to handle page fault for address: %016x", addr));
    }
    String what =
        access == Access.EXECUTE
            ? "instruction fetch"
            : access == Access.WRITE ? "write access" : "read access";
    r.add("#PF: supervisor " + what + " in kernel mode");
    r.add(String.format("#PF: error_code(0x%04x) - %s", err, ErrorCode.describe(err)));
    r.add(String.format("CR2: %016x", addr));
    return new KernelOopsException(r);
  }

  /**
   * Resolved faults one access may take: a swap-in, a copy-on-write and a protection fault need
   * three; more means a handler reports faults resolved that it did not resolve.
   */
  private static final int MAX_RESOLVED_FAULTS = 16;

  /**
   * Direct-reclaim rounds a fault that ran out of memory may retry after while they free pages
   * ({@code MAX_RECLAIM_RETRIES} of mm/page_alloc.c) before the OOM killer runs.
   */
  private static final int MAX_RECLAIM_RETRIES = 16;

  /**
   * Translates with faults handled; -1 when the process died. Background reclaim a resolved fault
   * calls for waits until the access has completed ({@link #finishAccess}): kswapd runs beside the
   * faulting task, so it cannot take back the page between the fault and the retried access.
   */
  private long translate(Task t, long linear, int access) {
    Mmu mmu = pageTable.mmu(cpu);
    MmStruct mm = t.mm;
    if (mmu.cr3() != mm.root()) {
      mmu.loadCr3(mm.root());
    }
    int resolved = 0;
    int reclaimRetries = 0;
    mm.insertedVpn = -1;
    globalInserted = -1;
    while (true) {
      long phys = mmu.translate(linear, access, true);
      if (phys >= 0) {
        // a hit; when a fault made the page resident, its insert stood for this reference
        long vpn = linear >>> Page.PAGE_SHIFT;
        if (mm.everyReference && mm.insertedVpn != vpn) {
          mm.policy.access(vpn);
        }
        if (globalEveryReference && globalInserted != phys >>> Page.PAGE_SHIFT) {
          global.access(phys >>> Page.PAGE_SHIFT);
        }
        return phys;
      }
      if (phys == Mmu.GP_FAULT) {
        // a non-canonical address: #GP, SIGSEGV with si_code SI_KERNEL, no handler runs
        kill(t, new SignalInfo(t.pid, "SIGSEGV", linear, "SI_KERNEL", -1));
        return -1;
      }
      int err = mmu.errorCode();
      long cr2 = mmu.cr2();
      if (Long.compareUnsigned(cr2, STACK_TOP) >= 0) {
        // do_kern_addr_fault from user mode: no handler may map kernel addresses for a process
        kill(t, new SignalInfo(t.pid, "SIGSEGV", cr2, "SEGV_MAPERR", err));
        return -1;
      }
      if (mm.reclaim != null && mm.find(cr2) != null && addsResidentPage(mm, cr2, err)) {
        // the policy hears of the page first (a ghost hit may steer its choice of victim); a
        // memory cgroup at its limit reclaims before it charges the new page
        mm.policy.miss(cr2 >>> Page.PAGE_SHIFT);
        if (mm.rss() >= rssLimit) {
          swap.shrink(mm.policy, mm.reclaim, (int) (mm.rss() - rssLimit + 1), ReclaimMode.LIMIT);
        }
      }
      PageFault fault =
          new PageFault(
              cr2, err, new Regs(access == Access.EXECUTE ? linear : 0, STACK_TOP, cpu, true));
      FaultOutcome outcome = handle(mm, fault);
      switch (outcome) {
        case MINOR, MAJOR -> {
          events.count(VmEvent.PGFAULT);
          if (outcome == FaultOutcome.MAJOR) {
            events.count(VmEvent.PGMAJFAULT);
          }
          kswapdPending = true;
          if (++resolved > MAX_RESOLVED_FAULTS) {
            reporter.accept(
                String.format(
                    "pid %d: the fault at 0x%x was reported resolved %d times but the access"
                        + " still faults (fault-handler chain %s)",
                    t.pid, cr2, resolved - 1, chainNames()));
            kill(t, new SignalInfo(t.pid, "SIGKILL", cr2, "unresolved fault", err));
            return -1;
          }
        }
        case SIGSEGV_MAPERR, DECLINED -> {
          kill(t, new SignalInfo(t.pid, "SIGSEGV", cr2, "SEGV_MAPERR", err));
          return -1;
        }
        case SIGSEGV_ACCERR -> {
          kill(t, new SignalInfo(t.pid, "SIGSEGV", cr2, "SEGV_ACCERR", err));
          return -1;
        }
        case SIGBUS -> {
          events.count(VmEvent.PGFAULT);
          kill(t, new SignalInfo(t.pid, "SIGBUS", cr2, "BUS_ADRERR", err));
          return -1;
        }
        case OOM -> {
          events.count(VmEvent.PGFAULT);
          if (reclaimRetries++ < MAX_RECLAIM_RETRIES && directReclaim() > 0) {
            continue; // reclaim made progress: the allocation may succeed now
          }
          Task victim = oomKill();
          if (victim == null || victim == t || !t.alive) {
            if (t.alive) {
              kill(t, new SignalInfo(t.pid, "SIGKILL", cr2, "OOM", err));
            }
            return -1;
          }
          reclaimRetries = 0;
        }
        case BAD_PAGETABLE -> {
          reporter.accept(
              String.format("pid %d: corrupted page table at address 0x%x", t.pid, cr2));
          kill(t, new SignalInfo(t.pid, "SIGKILL", cr2, "Corrupted page table", err));
          return -1;
        }
        default -> throw new AssertionError(outcome);
      }
    }
  }

  private String chainNames() {
    StringBuilder sb = new StringBuilder();
    for (FaultHandler h : chain) {
      sb.append(sb.length() == 0 ? "" : ",").append(h.name());
    }
    return sb.toString();
  }

  /** The end of one access: background reclaim that a fault during it called for runs now. */
  private void finishAccess() {
    if (kswapdPending) {
      kswapdPending = false;
      kswapd();
    }
  }

  /** Direct reclaim of a batch ({@code try_to_free_pages}); pages freed, 0 without swap. */
  private int directReclaim() {
    return swap != null && global != null ? swap.tryToFreePages(global, globalScope, 0) : 0;
  }

  /**
   * True when resolving this fault may make one more page resident in {@code mm}: a missing or
   * swapped-out page, or a write to the zero page (copy-on-write of a page that was not counted).
   * Other write-protect faults replace a resident page by its copy, or only make it writable.
   */
  private boolean addsResidentPage(MmStruct mm, long cr2, int err) {
    if ((err & ErrorCode.PROT) == 0) {
      return true;
    }
    if ((err & ErrorCode.WRITE) == 0) {
      return false;
    }
    long pte = pageTable.readPte(mm.root(), cr2);
    return Pte.present(pte) && Pte.pfn(pte) == zeroPfn;
  }

  private FaultOutcome handle(MmStruct mm, PageFault fault) {
    ctx.mm = mm;
    ctx.address = fault.cr2();
    for (int i = 0; i < chain.size(); i++) {
      FaultOutcome o = chain.get(i).handleMmFault(ctx, fault);
      if (o != FaultOutcome.DECLINED) {
        if (i == swapHandler && o.resolved()) {
          mm.swapEnts--; // the swap PTE became a present one
        }
        return o;
      }
    }
    return FaultOutcome.DECLINED;
  }

  /** Background reclaim when a zone fell below its low watermark (kswapd, run synchronously). */
  private void kswapd() {
    if (swap != null && global != null) {
      swap.kswapd(global, globalScope);
    }
  }

  private void kill(Task t, SignalInfo s) {
    reporter.accept(s.format());
    teardown(t.mm);
    t.alive = false;
    t.deathReason = "killed by " + s.signal();
    dropUnmappedShmem();
  }

  /**
   * The OOM killer: kills the live process with the highest badness (resident pages plus page-table
   * pages) and reports it in the kernel's words.
   *
   * @return the victim, or null when no process can be killed
   */
  public Task oomKill() {
    List<OomCandidate> candidates = new ArrayList<>();
    for (Task t : live()) {
      candidates.add(candidate(t));
    }
    long totalPages = pages.managedPages() + (swap == null ? 0 : swap.totalSwapPages());
    OomCandidate c = Oom.selectBadProcess(candidates, totalPages);
    if (c == null) {
      return null;
    }
    Task victim = tasks.get(c.pid());
    reporter.accept(Oom.killMessage(c));
    events.count(VmEvent.OOM_KILL);
    teardown(victim.mm);
    victim.alive = false;
    victim.deathReason = "killed by the OOM killer";
    dropUnmappedShmem();
    return victim;
  }

  private OomCandidate candidate(Task t) {
    MmStruct mm = t.mm;
    return new OomCandidate(
        t.pid,
        t.comm,
        0,
        mm.totalVm() >>> Page.PAGE_SHIFT,
        mm.anonRss,
        mm.fileRss,
        mm.shmemRss,
        mm.swapEnts,
        Math.max(0, pageTable.tablePages(mm.root()) - 1),
        0,
        false);
  }

  // ------------------------------------------------------------------ invariants

  /**
   * Recomputes what the process side derives from the page tables and compares: every frame's
   * reference count (mappings + page cache + swap cache), the reverse map against the present PTEs,
   * each process's RSS and swap-entry counters, every swap slot's count against the swap PTEs that
   * hold it, the global and per-process policies' resident sets, and the mapped-page totals. Throws
   * {@link AssertionError} naming the first difference. Slow: for tests.
   */
  public void checkInvariants() {
    int frames = refs.length;
    int[] maps = new int[frames];
    java.util.Map<Long, Integer> swapRefs = new java.util.TreeMap<>();
    for (Task t : tasks.values()) {
      if (t.alive) {
        checkAddressSpace(t.mm, maps, swapRefs);
      }
    }
    long anon = 0;
    long file = 0;
    long mappedFrames = 0;
    long swapCached = 0;
    long cacheOnlySlots = 0;
    for (int pfn = 0; pfn < frames; pfn++) {
      boolean cached = cache.contains(pfn);
      boolean swapCache = swap != null && swap.inSwapCache(pfn);
      int want = maps[pfn] + (cached ? 1 : 0) + (swapCache ? 1 : 0);
      if (refs[pfn] != want) {
        throw new AssertionError(
            String.format(
                "pfn 0x%x: page_count %d but %d mappings%s%s",
                pfn,
                refs[pfn],
                maps[pfn],
                cached ? " + page cache" : "",
                swapCache ? " + swap cache" : ""));
      }
      if (rmap.count(pfn) != maps[pfn]) {
        throw new AssertionError(
            String.format(
                "pfn 0x%x: rmap holds %d mappings, the page tables %d",
                pfn, rmap.count(pfn), maps[pfn]));
      }
      if (cached && maps[pfn] == 0 && !cache.fileOf(pfn).shmem()) {
        throw new AssertionError(
            String.format("file page 0x%x stays in the page cache with no mapping", pfn));
      }
      if (dirty.get(pfn) && refs[pfn] == 0) {
        throw new AssertionError(String.format("free pfn 0x%x is marked dirty", pfn));
      }
      if (swapCache) {
        swapCached++;
        if (swap.swapCount(swap.swapEntryOf(pfn)) == 0) {
          cacheOnlySlots++;
        }
      }
      if (maps[pfn] > 0) {
        mappedFrames++;
        if (cached) {
          file++;
        } else {
          anon++;
        }
        if (global != null && !global.contains(pfn)) {
          throw new AssertionError(
              String.format("mapped pfn 0x%x is not tracked by the global policy", pfn));
        }
      }
    }
    if (anon != anonMapped || file != fileMapped) {
      throw new AssertionError(
          String.format(
              "mapped frames: %d anonymous and %d file counted, %d and %d found",
              anonMapped, fileMapped, anon, file));
    }
    if (global != null) {
      if (global.resident() != mappedFrames) {
        throw new AssertionError(
            String.format(
                "the global policy tracks %d frames, %d are mapped",
                global.resident(), mappedFrames));
      }
      global.checkInvariants();
    }
    if (swap != null) {
      if (swap.swapCachePages() != swapCached) {
        throw new AssertionError(
            String.format(
                "the swap cache holds %d pages, %d frames are swap-cache pages",
                swap.swapCachePages(), swapCached));
      }
      for (java.util.Map.Entry<Long, Integer> e : swapRefs.entrySet()) {
        if (swap.swapCount(e.getKey()) != e.getValue()) {
          throw new AssertionError(
              String.format(
                  "swap entry %016x: count %d, held by %d swap PTEs",
                  e.getKey(), swap.swapCount(e.getKey()), e.getValue()));
        }
      }
      long inUse = swap.totalSwapPages() - swap.freeSwapPages();
      if (inUse != swapRefs.size() + cacheOnlySlots) {
        throw new AssertionError(
            String.format(
                "%d swap slots in use, but %d are held by swap PTEs and %d by the swap cache alone",
                inUse, swapRefs.size(), cacheOnlySlots));
      }
      swap.checkInvariants();
    }
    checkShmemMapped();
  }

  /** One address space: its PTEs against its areas, the rmap, its counters and its policy. */
  private void checkAddressSpace(MmStruct mm, int[] maps, java.util.Map<Long, Integer> swapRefs) {
    long[] rss = new long[3]; // anon, file, shmem
    long[] swapEnts = {0};
    List<Long> resident = new ArrayList<>();
    pageTable.walkRange(
        mm.root(),
        0,
        STACK_TOP,
        (linear, pte) -> {
          VmAreaStruct v = mm.find(linear);
          if (v == null) {
            throw new AssertionError(
                String.format(
                    "pid %d: entry %016x at 0x%x lies outside every area", mm.pid(), pte, linear));
          }
          if (!Pte.present(pte)) {
            if (!Pte.isSwap(pte) || swap == null || !swap.validEntry(pte)) {
              throw new AssertionError(
                  String.format(
                      "pid %d: non-present entry %016x at 0x%x is no valid swap entry",
                      mm.pid(), pte, linear));
            }
            swapRefs.merge(pte & ~Pte.SWP_EXCLUSIVE, 1, Integer::sum);
            swapEnts[0]++;
            return;
          }
          long pfn = Pte.pfn(pte);
          if (pfn == zeroPfn) {
            if ((pte & Pte.RW) != 0) {
              throw new AssertionError(
                  String.format("pid %d: the zero page is writable at 0x%x", mm.pid(), linear));
            }
            return;
          }
          long vpn = linear >>> Page.PAGE_SHIFT;
          if (pfn >= maps.length || !contains(rmap.keys(pfn), Rmap.key(mm.pid(), vpn))) {
            throw new AssertionError(
                String.format(
                    "pid %d: 0x%x maps pfn 0x%x without a reverse-map entry",
                    mm.pid(), linear, pfn));
          }
          maps[(int) pfn]++;
          resident.add(vpn);
          if (!cache.contains(pfn)) {
            rss[0]++;
          } else if (cache.fileOf(pfn).shmem()) {
            rss[2]++;
          } else {
            rss[1]++;
          }
        });
    if (mm.anonRss != rss[0] || mm.fileRss != rss[1] || mm.shmemRss != rss[2]) {
      throw new AssertionError(
          String.format(
              "pid %d: rss anon/file/shmem %d/%d/%d counted, %d/%d/%d mapped",
              mm.pid(), mm.anonRss, mm.fileRss, mm.shmemRss, rss[0], rss[1], rss[2]));
    }
    if (mm.swapEnts != swapEnts[0]) {
      throw new AssertionError(
          String.format(
              "pid %d: MM_SWAPENTS %d but %d swap entries in its tables",
              mm.pid(), mm.swapEnts, swapEnts[0]));
    }
    if (mm.policy != null) {
      if (mm.policy.resident() != resident.size()) {
        throw new AssertionError(
            String.format(
                "pid %d: its %s policy tracks %d pages, %d are resident",
                mm.pid(), mm.policy.name(), mm.policy.resident(), resident.size()));
      }
      for (long vpn : resident) {
        if (!mm.policy.contains(vpn)) {
          throw new AssertionError(
              String.format(
                  "pid %d: resident page 0x%x is not tracked by its %s policy",
                  mm.pid(), vpn << Page.PAGE_SHIFT, mm.policy.name()));
        }
      }
      mm.policy.checkInvariants();
    }
  }

  private static boolean contains(long[] keys, long key) {
    for (long k : keys) {
      if (k == key) {
        return true;
      }
    }
    return false;
  }

  /** Every cached shmem page belongs to an object some live area maps. */
  private void checkShmemMapped() {
    java.util.Set<FileBacking> mapped = new java.util.HashSet<>();
    for (Task t : tasks.values()) {
      if (t.alive) {
        for (VmAreaStruct v : t.mm.areas()) {
          if (v.file != null && v.file.shmem()) {
            mapped.add(v.file);
          }
        }
      }
    }
    List<Long> orphans = cache.pagesOfShmemNotIn(mapped);
    if (!orphans.isEmpty()) {
      throw new AssertionError(
          "shmem pages cached for objects no area maps any more: pfns " + orphans);
    }
  }

  // ------------------------------------------------------------------ /proc/PID/maps

  /** /proc/PID/maps of a live process. */
  public String maps(int pid) {
    StringBuilder sb = new StringBuilder();
    for (VmAreaStruct v : task(pid).mm.areas()) {
      sb.append(v.mapsLine()).append('\n');
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ fault context

  /** What the fault handlers see; the address space is set per fault. */
  private final class Ctx implements FaultContext {
    MmStruct mm;

    /** The faulting address, for the memory policy of its area. */
    long address;

    /** A user page as the area's or else the task's memory policy says. */
    private long allocByPolicy() {
      Mempolicy pol = mm.mempolicy;
      if (pol.mode() == Mempolicy.Mode.DEFAULT && mm.areaPolicies == 0) {
        return pages.allocPages(cpu, Gfp.HIGHUSER_MOVABLE, 0);
      }
      VmAreaStruct vma = mm.find(address);
      if (vma != null && vma.mempolicy != null) {
        pol = vma.mempolicy;
      }
      return mpol.alloc(cpu, Gfp.HIGHUSER_MOVABLE, pol, vma, address);
    }

    @Override
    public AddressSpace mm() {
      return mm;
    }

    @Override
    public PageTable pageTable() {
      return pageTable;
    }

    @Override
    public PhysicalMemory memory() {
      return memory;
    }

    @Override
    public long allocUserPage() {
      long pfn = allocByPolicy();
      if (pfn == PageAllocator.NO_PAGE
          && swap != null
          && global != null
          && swap.tryToFreePages(global, globalScope, 0) > 0) {
        pfn = allocByPolicy();
      }
      return pfn;
    }

    @Override
    public long zeroPfn() {
      return zeroPageEnabled ? zeroPfn : -1;
    }

    @Override
    public int pageCount(long pfn) {
      return pfn == zeroPfn ? Integer.MAX_VALUE : refs[(int) pfn];
    }

    @Override
    public void freeUserPage(long pfn) {
      pages.freePages(cpu, pfn, 0);
    }

    @Override
    public boolean pageAnon(long pfn) {
      return pfn != zeroPfn && !cache.contains(pfn);
    }

    @Override
    public void pageAddNewAnonRmap(long pfn, AddressSpace space, long linear) {
      if (refs[(int) pfn] != 0) {
        throw new AssertionError("new anonymous page " + pfn + " already has references");
      }
      refs[(int) pfn] = 1;
      addMapping((MmStruct) space, linear >>> Page.PAGE_SHIFT, pfn);
    }

    @Override
    public long pageCacheFind(FileBacking file, long offset) {
      return cache.find(file, offset);
    }

    @Override
    public void pageCacheAdd(FileBacking file, long offset, long pfn) {
      cache.add(file, offset, pfn);
      refs[(int) pfn] = 1;
    }

    @Override
    public void pageAddRmap(long pfn, AddressSpace space, long linear) {
      if (pfn == zeroPfn) {
        return;
      }
      refs[(int) pfn]++;
      addMapping((MmStruct) space, linear >>> Page.PAGE_SHIFT, pfn);
    }

    @Override
    public void pageRemoveRmap(long pfn, AddressSpace space, long linear) {
      if (pfn == zeroPfn) {
        return;
      }
      removeMapping((MmStruct) space, linear >>> Page.PAGE_SHIFT, pfn, true);
    }
  }

  // ------------------------------------------------------------------ reclaim scopes

  private int kindOf(long pfn) {
    if (pfn == zeroPfn) {
      return ReclaimContext.UNEVICTABLE;
    }
    if (!cache.contains(pfn)) {
      return ReclaimContext.ANON;
    }
    return cache.fileOf(pfn).shmem() ? ReclaimContext.UNEVICTABLE : ReclaimContext.FILE;
  }

  /** Clears the Accessed bit of one PTE mapping {@code pfn}; true when it was set. */
  private boolean clearYoung(MmStruct mm, long vpn, long pfn) {
    long va = vpn << Page.PAGE_SHIFT;
    long pte = pageTable.readPte(mm.root(), va);
    if (!Pte.present(pte) || Pte.pfn(pte) != pfn || (pte & Pte.ACCESSED) == 0) {
      return false;
    }
    pageTable.writePte(mm.root(), va, pte & ~Pte.ACCESSED);
    pageTable.flushTlbPage(va);
    return true;
  }

  /** try_to_unmap_one: the PTE becomes the swap entry; returns its Dirty bit. */
  private boolean unmapOneToSwap(MmStruct mm, long vpn, long pfn, long entry) {
    long va = vpn << Page.PAGE_SHIFT;
    long pte = pageTable.readPte(mm.root(), va);
    if (!Pte.present(pte) || Pte.pfn(pte) != pfn) {
      throw new AssertionError(
          String.format("pid %d vpn 0x%x does not map pfn 0x%x", mm.pid(), vpn, pfn));
    }
    pageTable.writePte(mm.root(), va, entry);
    pageTable.flushTlbPage(va);
    swap.swapDuplicate(entry);
    mm.swapEnts++;
    removeMapping(mm, vpn, pfn, false);
    refs[(int) pfn]--; // the mapping's reference; the swap cache still holds one
    if (refs[(int) pfn] <= 0) {
      throw new AssertionError("unmapping pfn " + pfn + " to swap dropped its last reference");
    }
    return (pte & Pte.DIRTY) != 0;
  }

  /** Drops one mapping of a file page, writing it back when dirty and shared. */
  private void unmapOneFile(MmStruct mm, long vpn, long pfn) {
    long va = vpn << Page.PAGE_SHIFT;
    long pte = pageTable.readPte(mm.root(), va);
    if (!Pte.present(pte) || Pte.pfn(pte) != pfn) {
      return;
    }
    VmAreaStruct v = mm.find(va);
    if ((pte & Pte.DIRTY) != 0 && v != null && v.shared) {
      dirty.set((int) pfn);
    }
    pageTable.writePte(mm.root(), va, 0);
    pageTable.flushTlbPage(va);
    removeMapping(mm, vpn, pfn, true);
  }

  /** The global scope: keys are PFNs, operations act on every mapping through the rmap. */
  private final class GlobalScope implements ReclaimContext {
    @Override
    public long pfnOf(long key) {
      return rmap.count(key) > 0 ? key : SwapSystem.NO_PAGE;
    }

    @Override
    public int kind(long key, long pfn) {
      return kindOf(pfn);
    }

    @Override
    public boolean testAndClearYoung(long pfn) {
      boolean young = false;
      for (long k : rmap.keys(pfn)) {
        young |= clearYoung(tasks.get(Rmap.pid(k)).mm, Rmap.vpn(k), pfn);
      }
      return young;
    }

    @Override
    public boolean unmapToSwap(long key, long pfn, long entry) {
      boolean dirtyPte = false;
      for (long k : rmap.keys(pfn)) {
        dirtyPte |= unmapOneToSwap(tasks.get(Rmap.pid(k)).mm, Rmap.vpn(k), pfn, entry);
      }
      return dirtyPte;
    }

    @Override
    public boolean evictFilePage(long key, long pfn) {
      for (long k : rmap.keys(pfn)) {
        unmapOneFile(tasks.get(Rmap.pid(k)).mm, Rmap.vpn(k), pfn);
      }
      return true;
    }
  }

  /** One process's scope ({@code rss.limit}): keys are its virtual page numbers. */
  private final class ProcessScope implements ReclaimContext {
    private final MmStruct mm;

    ProcessScope(MmStruct mm) {
      this.mm = mm;
    }

    @Override
    public long pfnOf(long vpn) {
      long pte = pageTable.readPte(mm.root(), vpn << Page.PAGE_SHIFT);
      if (!Pte.present(pte) || Pte.pfn(pte) == zeroPfn) {
        return SwapSystem.NO_PAGE;
      }
      return Pte.pfn(pte);
    }

    @Override
    public int kind(long key, long pfn) {
      return kindOf(pfn);
    }

    @Override
    public boolean testAndClearYoung(long vpn) {
      long pfn = pfnOf(vpn);
      return pfn != SwapSystem.NO_PAGE && clearYoung(mm, vpn, pfn);
    }

    @Override
    public boolean unmapToSwap(long vpn, long pfn, long entry) {
      return unmapOneToSwap(mm, vpn, pfn, entry);
    }

    @Override
    public boolean evictFilePage(long vpn, long pfn) {
      unmapOneFile(mm, vpn, pfn);
      return true;
    }
  }
}
