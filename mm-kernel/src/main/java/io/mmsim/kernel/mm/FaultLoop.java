package io.mmsim.kernel.mm;

import java.util.List;

import io.mmsim.api.fault.AddressSpace;
import io.mmsim.api.fault.FaultContext;
import io.mmsim.api.fault.FaultHandler;
import io.mmsim.api.fault.FaultOutcome;
import io.mmsim.api.fault.FileBacking;
import io.mmsim.api.mem.Gfp;
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
import io.mmsim.api.trace.Tracer;
import io.mmsim.kernel.stat.VmEvent;
import io.mmsim.kernel.stat.VmEvents;

/*
 * The access loop of a user-mode access (arch/x86/mm/fault.c: exc_page_fault, do_user_addr_fault;
 * mm/memory.c: handle_mm_fault), as a CPU and the kernel run it together:
 *
 *   pa = mmu.translate(linear, access, user)
 *   hit                     -> the policies hear of the reference (those that want every one)
 *   #GP (non-canonical)     -> SIGSEGV, SI_KERNEL; no handler runs
 *   #PF on a kernel address -> SIGSEGV, SEGV_MAPERR (do_kern_addr_fault from user mode)
 *   #PF                     -> under rss.limit, a fault that adds a resident page is charged
 *                              first (the limit's reclaim); a shmem page swapped out is brought
 *                              back into the page cache (Shmem); then each handler of the chain
 *                              in order until one does not decline:
 *     MINOR / MAJOR         -> counted (pgfault, pgmajfault), the access is retried
 *     SIGSEGV / SIGBUS      -> the process is killed, the run goes on
 *     OOM                   -> direct reclaim and a retry while reclaim frees pages (up to
 *                              MAX_RECLAIM_RETRIES rounds); then the OOM killer; when it chose
 *                              another process, the fault is retried
 *     BAD_PAGETABLE         -> "corrupted page table", SIGKILL (pgtable_bad)
 *
 * A handler that keeps reporting faults resolved while the access keeps faulting would loop
 * forever; after MAX_RESOLVED_FAULTS the process is killed with a report naming the chain.
 *
 * kswapd, which the page allocator wakes when an allocation finds its zones below the low
 * watermark (Kswapd), runs once the access has completed (finishAccess): it runs beside the
 * faulting task, so it cannot take back the page between the fault and the retried access. With a
 * page allocator that cannot wake it, the low watermarks are checked after each access that
 * faulted instead.
 *
 * Not thread-safe: the kernel facade serialises calls.
 */
final class FaultLoop {
  /**
   * Resolved faults one access may take: a swap-in, a copy-on-write and a protection fault need
   * three; more means a handler reports faults resolved that it did not resolve.
   */
  static final int MAX_RESOLVED_FAULTS = 16;

  /**
   * Direct-reclaim rounds a fault that ran out of memory may retry after while they free pages
   * ({@code MAX_RECLAIM_RETRIES} of mm/page_alloc.c) before the OOM killer runs.
   */
  static final int MAX_RECLAIM_RETRIES = 16;

  private final PageTable pageTable;
  private final PhysicalMemory memory;
  private final PageRefs refs;
  private final Vmscan vmscan;
  private final Tasks tasks;
  private final OomKiller oom;
  private final Shmem shmem;
  private final VmEvents events;
  private final long zeroPfn;
  private final boolean zeroPageEnabled;
  private final Ctx ctx = new Ctx();

  /**
   * The fault being handled, refilled for each one (handlers run one at a time and keep no
   * reference, as with the kernel's on-stack struct vm_fault).
   */
  private final PageFault pageFault =
      new PageFault(0, 0, new Regs(0, Processes.STACK_TOP, 0, true));

  private MempolicyAlloc mpol;

  /** The MMU of the CPU the accesses run on ({@code refs.cpu}), and that CPU (-1: none yet). */
  private int mmuCpu = -1;

  private Mmu mmu;
  private Regs[] userRegs = new Regs[0];
  private List<FaultHandler> chain = List.of();
  private int swapHandler = -1;
  private Kswapd kswapd;

  /** True when the low watermarks are checked after an access that faulted (see setKswapd). */
  private boolean pollWatermarks;

  /** A fault resolved during this access, and the watermarks are to be checked after it. */
  private boolean pollPending;

  private final HugeMemory huge;
  private Hugetlb hugetlb;

  FaultLoop(
      PageTable pageTable,
      PhysicalMemory memory,
      PageRefs refs,
      Vmscan vmscan,
      Tasks tasks,
      OomKiller oom,
      Shmem shmem,
      VmEvents events,
      boolean zeroPageEnabled,
      HugeMemory huge) {
    this.huge = huge;
    this.pageTable = pageTable;
    this.memory = memory;
    this.refs = refs;
    this.vmscan = vmscan;
    this.tasks = tasks;
    this.oom = oom;
    this.shmem = shmem;
    this.events = events;
    this.zeroPfn = refs.zeroPfn();
    this.zeroPageEnabled = zeroPageEnabled;
  }

  /**
   * The fault handlers, in order.
   *
   * @param swapHandlerIndex the index of the swap-in handler (whose resolved faults turn a swap PTE
   *     back into a present one), or -1
   */
  void setFaultHandlers(List<FaultHandler> handlers, int swapHandlerIndex) {
    this.chain = List.copyOf(handlers);
    this.swapHandler = swapHandlerIndex;
  }

  /** The hugetlb pool, whose areas fault through {@code hugetlb_fault}. */
  void setHugetlb(Hugetlb hugetlb) {
    this.hugetlb = hugetlb;
  }

  /**
   * The kswapd the page allocator wakes; with {@code poll} (an allocator that cannot wake it) the
   * low watermarks are checked after each access that faulted.
   */
  void setKswapd(Kswapd kswapd, boolean poll) {
    this.kswapd = kswapd;
    this.pollWatermarks = poll;
  }

  /** Where user pages come from under the NUMA memory policies. */
  void setMempolicyAlloc(MempolicyAlloc mpol) {
    this.mpol = mpol;
  }

  /** Sets the CPU the next accesses run on. */
  void onCpu(int cpu) {
    refs.cpu = cpu;
  }

  /**
   * Translates {@code linear} for a user-mode access of {@code t} on the current CPU, with faults
   * handled; -1 when the process died. Call {@link #finishAccess} once the access is done.
   */
  long translate(Task t, long linear, int access) {
    Mmu mmu = this.mmu;
    if (refs.cpu != mmuCpu) {
      mmu = pageTable.mmu(refs.cpu);
      this.mmu = mmu;
      mmuCpu = refs.cpu;
    }
    MmStruct mm = t.mm;
    if (mmu.cr3() != mm.root()) {
      mmu.loadCr3(mm.root());
    }
    int resolved = 0;
    int reclaimRetries = 0;
    mm.insertedVpn = -1;
    refs.globalInserted = -1;
    boolean restart = false;
    while (true) {
      // the access restarted after a fault handler ran: the MMU may know the levels above the
      // leaf from its faulting walk (Mmu.retryTranslate)
      long phys =
          restart ? mmu.retryTranslate(linear, access, true) : mmu.translate(linear, access, true);
      restart = true;
      if (phys >= 0) {
        hit(mm, linear >>> Page.PAGE_SHIFT, phys >>> Page.PAGE_SHIFT);
        return phys;
      }
      if (phys == Mmu.GP_FAULT) {
        // a non-canonical address: #GP, SIGSEGV with si_code SI_KERNEL, no handler runs
        tasks.kill(t, new SignalInfo(t.pid, "SIGSEGV", linear, "SI_KERNEL", -1));
        return -1;
      }
      int err = mmu.errorCode();
      long cr2 = mmu.cr2();
      if (Long.compareUnsigned(cr2, Processes.STACK_TOP) >= 0) {
        // do_kern_addr_fault from user mode: no handler may map kernel addresses for a process
        tasks.kill(t, new SignalInfo(t.pid, "SIGSEGV", cr2, "SEGV_MAPERR", err));
        return -1;
      }
      if (mm.reclaim != null && mm.find(cr2) != null && addsResidentPage(mm, cr2, err)) {
        vmscan.charge(mm, cr2 >>> Page.PAGE_SHIFT);
      }
      // a shmem page the object holds as a swap entry comes back first (shmem_swapin_folio in
      // the shmem ->fault), then the handlers find it in the page cache
      int swapIn = Shmem.NOT_SWAPPED;
      if ((err & ErrorCode.PROT) == 0 && shmem.swappedPages() > 0) {
        swapIn = shmem.swapIn(mm, cr2);
      }
      FaultOutcome outcome;
      if (swapIn == Shmem.NO_MEMORY) {
        outcome = FaultOutcome.OOM;
      } else if (swapIn == Shmem.IO_ERROR) {
        outcome = FaultOutcome.SIGBUS;
      } else {
        VmAreaStruct hv = hugetlb != null && hugetlb.active() ? mm.find(cr2) : null;
        if (hv != null && hv.hugetlb != null) {
          // handle_mm_fault hands a hugetlb area to hugetlb_fault
          outcome = hugetlb.fault(mm, hv, cr2, err, refs.cpu);
        } else {
          // __handle_mm_fault tries the PMD level first (a THP), then the PTE level, where the
          // handlers get the entry the faulting walk stopped at when the tables still hold it
          outcome =
              huge.mayHandle(mm, err) && huge.handleFault(mm, cr2, err, refs.cpu)
                  ? hugeDone(mm, cr2)
                  : handle(
                      mm,
                      pageFault.reset(
                          cr2,
                          err,
                          access == Access.EXECUTE ? execRegs(linear) : userRegs(refs.cpu),
                          mmu.faultPteSlot(cr2)));
        }
        if (swapIn == Shmem.READ && outcome == FaultOutcome.MINOR) {
          outcome = FaultOutcome.MAJOR;
        }
      }
      switch (outcome) {
        case MINOR, MAJOR -> {
          events.count(VmEvent.PGFAULT);
          if (outcome == FaultOutcome.MAJOR) {
            events.count(VmEvent.PGMAJFAULT);
          }
          pollPending = pollWatermarks;
          if (++resolved > MAX_RESOLVED_FAULTS) {
            tasks.report(
                String.format(
                    "pid %d: the fault at 0x%x was reported resolved %d times but the access"
                        + " still faults (fault-handler chain %s)",
                    t.pid, cr2, resolved - 1, chainNames()));
            tasks.kill(t, new SignalInfo(t.pid, "SIGKILL", cr2, "unresolved fault", err));
            return -1;
          }
        }
        case SIGSEGV_MAPERR, DECLINED -> {
          tasks.kill(t, new SignalInfo(t.pid, "SIGSEGV", cr2, "SEGV_MAPERR", err));
          return -1;
        }
        case SIGSEGV_ACCERR -> {
          tasks.kill(t, new SignalInfo(t.pid, "SIGSEGV", cr2, "SEGV_ACCERR", err));
          return -1;
        }
        case SIGBUS -> {
          events.count(VmEvent.PGFAULT);
          tasks.kill(t, new SignalInfo(t.pid, "SIGBUS", cr2, "BUS_ADRERR", err));
          return -1;
        }
        case OOM -> {
          events.count(VmEvent.PGFAULT);
          if (reclaimRetries++ < MAX_RECLAIM_RETRIES && vmscan.directReclaim() > 0) {
            continue; // reclaim made progress: the allocation may succeed now
          }
          Task victim = oom.oomKill();
          if (victim == null || victim == t || !t.alive) {
            if (t.alive) {
              tasks.kill(t, new SignalInfo(t.pid, "SIGKILL", cr2, "OOM", err));
            }
            return -1;
          }
          reclaimRetries = 0;
        }
        case BAD_PAGETABLE -> {
          tasks.report(String.format("pid %d: corrupted page table at address 0x%x", t.pid, cr2));
          tasks.kill(t, new SignalInfo(t.pid, "SIGKILL", cr2, "Corrupted page table", err));
          return -1;
        }
        default -> throw new AssertionError(outcome);
      }
    }
  }

  /** The registers of a user-mode data access on {@code cpu}: one object per CPU, reused. */
  private Regs userRegs(int cpu) {
    if (cpu >= userRegs.length) {
      userRegs = java.util.Arrays.copyOf(userRegs, cpu + 1);
    }
    Regs r = userRegs[cpu];
    if (r == null) {
      r = new Regs(0, Processes.STACK_TOP, cpu, true);
      userRegs[cpu] = r;
    }
    return r;
  }

  /** The registers of an instruction fetch: the instruction pointer is the faulting address. */
  private Regs execRegs(long ip) {
    return new Regs(ip, Processes.STACK_TOP, refs.cpu, true);
  }

  /** A translation that succeeded: the reference reaches the policies that want every one. */
  private void hit(MmStruct mm, long vpn, long pfn) {
    // when a fault made the page resident, its insert stood for this reference
    if (mm.everyReference) {
      if (mm.insertedVpn != vpn) {
        mm.policy.access(vpn);
      }
      vmscan.afterReference(mm);
    }
    Lruvecs global = vmscan.global();
    if (global != null && vmscan.globalEveryReference() && refs.globalInserted != pfn) {
      global.of(pfn).access(pfn);
    }
  }

  private String chainNames() {
    StringBuilder sb = new StringBuilder();
    for (FaultHandler h : chain) {
      sb.append(sb.length() == 0 ? "" : ",").append(h.name());
    }
    return sb.toString();
  }

  /** The end of one access: a kswapd woken during it runs now. */
  void finishAccess() {
    if (pollPending) {
      pollPending = false;
      kswapd.pollLowWatermarks(Gfp.HIGHUSER_MOVABLE);
    }
    if (kswapd != null && kswapd.pending) {
      runKswapd();
    }
  }

  /** Runs every woken kswapd. */
  void runKswapd() {
    if (kswapd.run()) {
      // lru_gen_age_node: every generation is younger than min_ttl_ms, so kswapd leaves the
      // working set alone and the OOM killer frees memory instead
      oom.oomKill();
    }
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
    Tracer trace = tasks.trace;
    if (Tracer.anyOn() && trace.on()) {
      traceVma(trace, mm, fault.cr2());
    }
    for (int i = 0; i < chain.size(); i++) {
      FaultOutcome o = chain.get(i).handleMmFault(ctx, fault);
      if (o != FaultOutcome.DECLINED) {
        if (i == swapHandler && o.resolved()) {
          mm.swapEnts--; // the swap PTE became a present one
        }
        if (Tracer.anyOn() && trace.on()) {
          trace.faultDone(fault.cr2(), chain.get(i).name(), outcomeName(o));
        }
        return o;
      }
    }
    if (trace.on()) {
      trace.faultDone(fault.cr2(), "none", outcomeName(FaultOutcome.DECLINED));
    }
    return FaultOutcome.DECLINED;
  }

  /** A fault the PMD level took (a transparent huge page): traced as the {@code thp} handler's. */
  private FaultOutcome hugeDone(MmStruct mm, long cr2) {
    Tracer trace = tasks.trace;
    if (trace.on()) {
      traceVma(trace, mm, cr2);
      trace.faultDone(cr2, "thp", outcomeName(FaultOutcome.MINOR));
    }
    return FaultOutcome.MINOR;
  }

  /** {@code mmsim:fault_vma}: the area the fault lies in (find_vma), when there is one. */
  private static void traceVma(Tracer trace, MmStruct mm, long cr2) {
    VmAreaStruct v = mm.find(cr2);
    if (v != null) {
      String name = v.name();
      trace.faultVma(cr2, v.start, v.end, v.prot, v.shared, name.isEmpty() ? "anonymous" : name);
    }
  }

  /** How {@code mmsim:fault_done} names an outcome (the VM_FAULT_* or signal it stands for). */
  private static String outcomeName(FaultOutcome o) {
    return switch (o) {
      case MINOR -> "minor";
      case MAJOR -> "major";
      case DECLINED -> "declined";
      case SIGSEGV_MAPERR -> "SIGSEGV/SEGV_MAPERR";
      case SIGSEGV_ACCERR -> "SIGSEGV/SEGV_ACCERR";
      case SIGBUS -> "SIGBUS";
      case OOM -> "VM_FAULT_OOM";
      case BAD_PAGETABLE -> "bad page table";
    };
  }

  // ------------------------------------------------------------------ fault context

  /** What the fault handlers see; the address space is set per fault. */
  private final class Ctx implements FaultContext {
    MmStruct mm;

    /** The faulting address, for the memory policy of its area. */
    long address;

    /**
     * Direct reclaim on the nodes the policy in force allocates from: its preferred node's (or the
     * CPU's) zonelist, within a bind policy's nodes.
     */
    private int reclaimByPolicy() {
      Mempolicy pol = mm.mempolicy;
      if (mm.areaPolicies != 0) {
        VmAreaStruct vma = mm.find(address);
        if (vma != null && vma.mempolicy != null) {
          pol = vma.mempolicy;
        }
      }
      return vmscan.directReclaim(pol.preferredNode(), pol.nodemask());
    }

    /** A user page as the area's or else the task's memory policy says. */
    private long allocByPolicy() {
      Mempolicy pol = mm.mempolicy;
      if (pol.mode() == Mempolicy.Mode.DEFAULT && mm.areaPolicies == 0) {
        return refs.allocPage(Gfp.HIGHUSER_MOVABLE);
      }
      VmAreaStruct vma = mm.find(address);
      if (vma != null && vma.mempolicy != null) {
        pol = vma.mempolicy;
      }
      return mpol.alloc(refs.cpu, Gfp.HIGHUSER_MOVABLE, pol, vma, address);
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
      if (pfn == PageAllocator.NO_PAGE && reclaimByPolicy() > 0) {
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
      return refs.pageCount(pfn);
    }

    @Override
    public void freeUserPage(long pfn) {
      refs.freeUnused(pfn);
    }

    @Override
    public boolean pageAnon(long pfn) {
      return refs.pageAnon(pfn);
    }

    @Override
    public void pageAddNewAnonRmap(long pfn, AddressSpace space, long linear) {
      refs.addNewAnon((MmStruct) space, linear >>> Page.PAGE_SHIFT, pfn);
    }

    @Override
    public long pageCacheFind(FileBacking file, long offset) {
      return refs.cache().find(file, offset);
    }

    @Override
    public void pageCacheAdd(FileBacking file, long offset, long pfn) {
      refs.cacheAdd(file, offset, pfn);
    }

    @Override
    public void pageAddRmap(long pfn, AddressSpace space, long linear) {
      refs.addRmap((MmStruct) space, linear >>> Page.PAGE_SHIFT, pfn);
    }

    @Override
    public void pageRemoveRmap(long pfn, AddressSpace space, long linear) {
      if (pfn == zeroPfn) {
        return;
      }
      refs.removeMapping((MmStruct) space, linear >>> Page.PAGE_SHIFT, pfn, true);
    }
  }
}
