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
  private final TreeMap<Integer, Task> tasks = new TreeMap<>();
  private final Ctx ctx = new Ctx();
  private final int cpus;
  private Consumer<String> reporter = s -> {};
  private long shmemIds;
  private int cpu;

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
    long root = pageTable.createAddressSpace();
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
    if (isAlive(childPid) || childPid <= 0) {
      throw new IllegalArgumentException("fork: pid " + childPid + " is in use or invalid");
    }
    long root = pageTable.createAddressSpace();
    if (root == PageTable.NO_ROOT) {
      throw new IllegalArgumentException("fork: out of memory for the child's page tables");
    }
    MmStruct pm = parent.mm;
    MmStruct cm = new MmStruct(childPid, root);
    attachPolicy(cm, null);
    cm.startBrk = pm.startBrk;
    cm.brk = pm.brk;
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
      throw new IllegalArgumentException(
          "fork: out of memory copying the page tables of process " + parentPid);
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
      backing = new DiskFile(file);
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
    }
    if (mm.policy != null) {
      mm.policy.insert(vpn);
    }
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
    if (mm.policy != null) {
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
    return translate(t, addr, Access.EXECUTE) >= 0;
  }

  /**
   * One access of the page holding {@code addr}, without moving data: the fast path of trace
   * replay.
   *
   * @return false when the process was killed by the access
   */
  public boolean touch(Task t, int cpu, long addr, int access) {
    this.cpu = cpu;
    return t.alive && translate(t, addr, access) >= 0;
  }

  private boolean copy(Task t, long addr, byte[] buf, int access) {
    int done = 0;
    while (done < buf.length) {
      long a = addr + done;
      int n = (int) Math.min(buf.length - done, Page.PAGE_SIZE - (a & Page.PAGE_OFFSET_MASK));
      long phys = translate(t, a, access);
      if (phys < 0) {
        return false;
      }
      if (access == Access.WRITE) {
        memory.write(phys, buf, done, n);
      } else {
        memory.read(phys, buf, done, n);
      }
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

  /** Translates with faults handled; -1 when the process died. */
  private long translate(Task t, long linear, int access) {
    Mmu mmu = pageTable.mmu(cpu);
    MmStruct mm = t.mm;
    if (mmu.cr3() != mm.root()) {
      mmu.loadCr3(mm.root());
    }
    for (int attempt = 0; attempt < 8; attempt++) {
      long phys = mmu.translate(linear, access, true);
      if (phys >= 0) {
        // a hit; after a fault the page's insert stood for this reference
        if (attempt == 0 && mm.everyReference) {
          mm.policy.access(linear >>> Page.PAGE_SHIFT);
        }
        if (attempt == 0 && globalEveryReference) {
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
      if ((err & ErrorCode.PROT) == 0
          && mm.reclaim != null
          && Long.compareUnsigned(cr2, STACK_TOP) < 0
          && mm.find(cr2) != null) {
        // the policy hears of the page first (a ghost hit may steer its choice of victim); a
        // memory cgroup at its limit reclaims before it charges the new page
        mm.policy.miss(cr2 >>> Page.PAGE_SHIFT);
        if (mm.rss() >= rssLimit) {
          swap.shrink(mm.policy, mm.reclaim, (int) (mm.rss() - rssLimit + 1), ReclaimMode.LIMIT);
        }
      }
      if (Long.compareUnsigned(cr2, STACK_TOP) >= 0) {
        // do_kern_addr_fault from user mode: no handler may map kernel addresses for a process
        kill(t, new SignalInfo(t.pid, "SIGSEGV", cr2, "SEGV_MAPERR", err));
        return -1;
      }
      PageFault fault =
          new PageFault(
              cr2, err, new Regs(access == Access.EXECUTE ? linear : 0, STACK_TOP, cpu, true));
      FaultOutcome outcome = handle(mm, fault);
      switch (outcome) {
        case MINOR -> {
          events.count(VmEvent.PGFAULT);
          kswapd();
        }
        case MAJOR -> {
          events.count(VmEvent.PGFAULT);
          events.count(VmEvent.PGMAJFAULT);
          kswapd();
        }
        case SIGSEGV_MAPERR -> {
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
          Task victim = oomKill();
          if (victim == null || victim == t || !t.alive) {
            if (t.alive) {
              kill(t, new SignalInfo(t.pid, "SIGKILL", cr2, "OOM", err));
            }
            return -1;
          }
        }
        case BAD_PAGETABLE -> {
          reporter.accept(
              String.format("pid %d: corrupted page table at address 0x%x", t.pid, cr2));
          kill(t, new SignalInfo(t.pid, "SIGKILL", cr2, "Corrupted page table", err));
          return -1;
        }
        case DECLINED -> {
          kill(t, new SignalInfo(t.pid, "SIGSEGV", cr2, "SEGV_MAPERR", err));
          return -1;
        }
        default -> throw new AssertionError(outcome);
      }
    }
    throw new IllegalStateException(
        String.format("the access at 0x%x kept faulting after its faults were resolved", linear));
  }

  private FaultOutcome handle(MmStruct mm, PageFault fault) {
    ctx.mm = mm;
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
      long pfn = pages.allocPages(cpu, Gfp.HIGHUSER_MOVABLE, 0);
      if (pfn == PageAllocator.NO_PAGE
          && swap != null
          && global != null
          && swap.tryToFreePages(global, globalScope, 0) > 0) {
        pfn = pages.allocPages(cpu, Gfp.HIGHUSER_MOVABLE, 0);
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
