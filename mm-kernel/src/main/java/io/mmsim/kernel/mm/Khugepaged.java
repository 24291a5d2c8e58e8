package io.mmsim.kernel.mm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.trace.HugeMemoryEvents;
import io.mmsim.api.trace.Tracer;
import io.mmsim.kernel.stat.VmEvent;
import io.mmsim.kernel.stat.VmEvents;

/*
 * khugepaged, the daemon that collapses 4 KiB anonymous pages into transparent huge pages
 * (mm/khugepaged.c: khugepaged_enter_vma, khugepaged_do_scan, khugepaged_scan_mm_slot,
 * hpage_collapse_scan_pmd, collapse_huge_page, __collapse_huge_page_swapin,
 * __collapse_huge_page_isolate, __collapse_huge_page_copy; Documentation/admin-guide/mm/
 * transhuge.rst, section "khugepaged will be automatically started").
 *
 *   mm slots  an address space is registered (once, at the tail) when one of its areas becomes
 *             eligible for THP: mmap, brk, madvise(MADV_HUGEPAGE), a THP fault, fork of a
 *             registered parent. Slots of exited processes are dropped when the scan reaches them.
 *   timer     one pass every scan_sleep_millisecs of simulated time (one tick is a millisecond);
 *             after a failed huge-page allocation the next pass waits alloc_sleep_millisecs.
 *             With no slot the daemon waits for work; the first slot wakes it for a pass at the
 *             next tick (khugepaged_wait_work, wake_up_interruptible in __khugepaged_enter).
 *   pass      up to pages_to_scan PTEs: slot after slot in registration order, area after area,
 *             each 2 MiB-aligned range inside an eligible area counting 512, each ineligible area
 *             counting 1; where the pass stops (slot and address) the next one resumes.
 *   scan      a range whose PMD links a page table is a candidate when: at most max_ptes_none
 *             entries are empty or map the zero page, at most max_ptes_swap are swap entries, at
 *             most max_ptes_shared map a page mapped elsewhere too, every present page is
 *             anonymous, one entry at least is writable, one page at least was referenced (the
 *             Accessed bit), and at least 256 were when swap entries are present.
 *   collapse  an order-9 block (GFP_TRANSHUGE with khugepaged's defrag on, which allows direct
 *             reclaim and compaction, HugeMemory.allocHuge; GFP_TRANSHUGE_LIGHT without):
 *             thp_collapse_alloc, or
 *             thp_collapse_alloc_failed and the pass ends. The swap entries are read back in,
 *             the range is checked again, every page is copied into the block (zeros for the
 *             empty and zero-page entries), the PTEs are cleared and their pages released, the
 *             emptied page table is freed, one huge PMD maps the block, and the TLB is flushed.
 *
 * Simplifications, each a documented choice: the swap-in goes through the ordinary fault path,
 * so it counts pgfault as well as pgmajfault (the kernel calls do_swap_page directly and counts
 * only pgmajfault); the block comes from the CPU's node, not from the node most of the small
 * pages are on (hpage_collapse_find_target_node); an allocation failure ends the pass and delays
 * the next by alloc_sleep_millisecs, where the kernel sleeps that long once inside the pass and
 * retries.
 *
 * Not thread-safe: the kernel facade serialises calls.
 */
final class Khugepaged {
  /** The daemon's task name, as its events show it. */
  static final String KHUGEPAGED_COMM = "khugepaged";

  /** {@code HPAGE_PMD_NR}. */
  private static final int NR = HugeMemory.HPAGE_PMD_NR;

  /** The sysfs files under /sys/kernel/mm/transparent_hugepage/khugepaged/. */
  record Settings(
      long scanSleepMs,
      long allocSleepMs,
      long pagesToScan,
      long maxPtesNone,
      long maxPtesSwap,
      long maxPtesShared,
      boolean defrag) {

    /** The kernel's defaults. */
    static final Settings DEFAULTS =
        new Settings(10_000, 60_000, 8 * NR, NR - 1, NR / 8, NR / 2, true);

    Settings {
      check("thp.scan-sleep-ms", scanSleepMs, 0, 0xffff_ffffL);
      check("thp.alloc-sleep-ms", allocSleepMs, 0, 0xffff_ffffL);
      check("thp.pages-to-scan", pagesToScan, 1, 0xffff_ffffL);
      check("thp.max-ptes-none", maxPtesNone, 0, NR - 1);
      check("thp.max-ptes-swap", maxPtesSwap, 0, NR - 1);
      check("thp.max-ptes-shared", maxPtesShared, 0, NR - 1);
    }

    private static void check(String key, long v, long min, long max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(
            key + ": " + v + " is out of range [" + min + ", " + max + "]");
      }
    }
  }

  /**
   * Why a range was not collapsed ({@code enum scan_result}, the cases the simulator meets), with
   * the name the huge_memory tracepoints print for it ({@code SCAN_STATUS}).
   */
  enum Result {
    SUCCEED("succeeded"),
    PMD_NULL("pmd_null"),
    PMD_NONE("pmd_none"),
    PMD_MAPPED("page_pmd_mapped"),
    EXCEED_NONE_PTE("exceed_none_pte"),
    EXCEED_SWAP_PTE("exceed_swap_pte"),
    EXCEED_SHARED_PTE("exceed_shared_pte"),
    PTE_NON_PRESENT("pte_non_present"),
    PAGE_RO("no_writable_page"),
    LACK_REFERENCED_PAGE("lack_referenced_page"),
    PAGE_ANON("page_not_anon"),
    VMA_NULL("vma_null"),
    VMA_CHECK("vma_check_failed"),
    ADDRESS_RANGE("not_suitable_address_range"),
    ALLOC_HUGE_PAGE_FAIL("alloc_huge_page_failed");

    final String status;

    Result(String status) {
      this.status = status;
    }
  }

  /** What one check of a range counted, for the tracepoints. */
  private static final class Scan {
    int referenced;
    int unmapped;
    int noneOrZero;
    boolean writable;

    /** The last page looked at ({@code folio}), or -1. */
    long pfn = -1;
  }

  private final PageTable pageTable;
  private final PhysicalMemory memory;
  private final PageRefs refs;
  private final Tasks tasks;
  private final HugeMemory huge;
  private final VmEvents events;
  private UserAccess access;
  private Settings settings = Settings.DEFAULTS;

  /** Registered address spaces, in registration order ({@code khugepaged_scan.mm_head}). */
  private final List<MmStruct> slots = new ArrayList<>();

  private final Set<MmStruct> registered = Collections.newSetFromMap(new IdentityHashMap<>());

  /** The slot being scanned ({@code khugepaged_scan.mm_slot}), or null. */
  private MmStruct cursor;

  /** Where the scan of {@link #cursor} resumes ({@code khugepaged_scan.address}). */
  private long address;

  /** Milliseconds until the next pass. */
  private long sleepLeft = Settings.DEFAULTS.scanSleepMs;

  private long pagesCollapsed;
  private long fullScans;
  private final long[] ptes = new long[NR];

  Khugepaged(
      PageTable pageTable,
      PhysicalMemory memory,
      PageRefs refs,
      Tasks tasks,
      HugeMemory huge,
      VmEvents events) {
    this.pageTable = pageTable;
    this.memory = memory;
    this.refs = refs;
    this.tasks = tasks;
    this.huge = huge;
    this.events = events;
  }

  /** The path swapped-out pages of a candidate range are read back through. */
  void wire(UserAccess access) {
    this.access = access;
  }

  void configure(Settings s) {
    this.settings = s;
    this.sleepLeft = s.scanSleepMs;
  }

  Settings settings() {
    return settings;
  }

  /** {@code khugepaged/pages_collapsed}. */
  long pagesCollapsed() {
    return pagesCollapsed;
  }

  /** {@code khugepaged/full_scans}. */
  long fullScans() {
    return fullScans;
  }

  /** The registered address spaces, in scan order. */
  List<MmStruct> slots() {
    return List.copyOf(slots);
  }

  // ------------------------------------------------------------------ registration

  /** {@code khugepaged_enter_vma}: registers {@code mm} when {@code v} may hold THPs. */
  void enterVma(MmStruct mm, VmAreaStruct v) {
    if (!registered.contains(mm) && huge.allowed(mm, v)) {
      enter(mm);
    }
  }

  /** {@code khugepaged_fork}: a child of a registered parent is registered too. */
  void fork(MmStruct parent, MmStruct child) {
    if (registered.contains(parent)) {
      enter(child);
    }
  }

  private void enter(MmStruct mm) {
    if (slots.isEmpty()) {
      // khugepaged waits on khugepaged_wait while it has no work; the first slot wakes it
      sleepLeft = 1;
    }
    registered.add(mm);
    slots.add(mm);
  }

  // ------------------------------------------------------------------ the timer

  /** One millisecond of simulated time: a pass when the sleep is over. */
  void tick() {
    if (slots.isEmpty() || huge.enabled() == HugeMemory.Enabled.NEVER) {
      return;
    }
    if (--sleepLeft > 0) {
      return;
    }
    boolean allocFailed;
    tasks.trace.enterTask(KHUGEPAGED_COMM, Tracer.KTHREAD_PID);
    try {
      allocFailed = doScan();
    } finally {
      tasks.trace.leaveTask();
    }
    sleepLeft = Math.max(1, allocFailed ? settings.allocSleepMs : settings.scanSleepMs);
  }

  /**
   * {@code khugepaged_do_scan}: one pass of up to pages_to_scan PTEs.
   *
   * @return true when a huge-page allocation failed (the pass ended there)
   */
  boolean doScan() {
    long pages = settings.pagesToScan;
    long progress = 0;
    int passThroughHead = 0;
    while (progress < pages) {
      if (cursor == null) {
        passThroughHead++;
      }
      if (slots.isEmpty() || passThroughHead >= 2) {
        break;
      }
      long[] done = {0};
      Result r = scanMmSlot(pages - progress, done);
      progress += done[0];
      if (r == Result.ALLOC_HUGE_PAGE_FAIL) {
        return true;
      }
    }
    return false;
  }

  /** {@code khugepaged_scan_mm_slot}: scans the current slot from where it stopped. */
  private Result scanMmSlot(long pages, long[] progress) {
    if (cursor == null) {
      cursor = slots.get(0);
      address = 0;
    }
    MmStruct mm = cursor;
    Task t = liveTask(mm);
    Result result = Result.SUCCEED;
    if (t != null) {
      for (VmAreaStruct v : mm.intersecting(address, Processes.STACK_TOP)) {
        if (!huge.allowed(mm, v)) {
          progress[0]++;
          continue;
        }
        long hstart = (v.start + HugeMemory.HPAGE_PMD_SIZE - 1) & HugeMemory.HPAGE_PMD_MASK;
        long hend = v.end & HugeMemory.HPAGE_PMD_MASK;
        if (address > hend) {
          progress[0]++;
          continue;
        }
        address = Math.max(address, hstart);
        while (address < hend) {
          if (!t.alive) {
            break;
          }
          // the area may have changed under a swap-in: look it up again
          VmAreaStruct now = mm.find(address);
          if (now == null
              || address + HugeMemory.HPAGE_PMD_SIZE > now.end
              || !huge.allowed(mm, now)) {
            address += HugeMemory.HPAGE_PMD_SIZE;
            progress[0] += NR;
            if (progress[0] >= pages) {
              return result;
            }
            continue;
          }
          result = scanPmd(t, now, address);
          address += HugeMemory.HPAGE_PMD_SIZE;
          progress[0] += NR;
          if (result == Result.ALLOC_HUGE_PAGE_FAIL || progress[0] >= pages) {
            return result;
          }
        }
      }
    }
    // the whole address space is done (or it is gone): on to the next slot
    int i = slots.indexOf(mm);
    MmStruct next = i + 1 < slots.size() ? slots.get(i + 1) : null;
    if (t == null) {
      slots.remove(i);
      registered.remove(mm);
    }
    cursor = next;
    address = 0;
    if (next == null) {
      fullScans++;
    }
    return result;
  }

  private Task liveTask(MmStruct mm) {
    if (!tasks.isAlive(mm.pid())) {
      return null;
    }
    Task t = tasks.task(mm.pid());
    return t.mm == mm ? t : null;
  }

  // ------------------------------------------------------------------ one range

  /** Reads the 512 entries of the range at {@code haddr} into {@link #ptes}. */
  private void readPtes(MmStruct mm, long haddr) {
    java.util.Arrays.fill(ptes, 0);
    pageTable.walkRange(
        mm.root(),
        haddr,
        haddr + HugeMemory.HPAGE_PMD_SIZE,
        (linear, pte) -> ptes[(int) ((linear - haddr) >>> Page.PAGE_SHIFT)] = pte);
  }

  /**
   * The checks of {@code hpage_collapse_scan_pmd} (and of {@code __collapse_huge_page_isolate},
   * with {@code swapAllowed} false) over {@link #ptes}, in the kernel's order; {@code scan}
   * receives what they counted.
   */
  private Result check(boolean swapAllowed, Scan scan) {
    long zeroPfn = refs.zeroPfn();
    int shared = 0;
    for (int i = 0; i < NR; i++) {
      long pte = ptes[i];
      if (pte == 0 || (Pte.present(pte) && Pte.pfn(pte) == zeroPfn)) {
        if (++scan.noneOrZero > settings.maxPtesNone) {
          return Result.EXCEED_NONE_PTE;
        }
        continue;
      }
      if (!Pte.present(pte)) {
        if (!swapAllowed) {
          return Result.PTE_NON_PRESENT;
        }
        if (!Pte.isSwap(pte) || ++scan.unmapped > settings.maxPtesSwap) {
          return Result.EXCEED_SWAP_PTE;
        }
        continue;
      }
      if ((pte & Pte.RW) != 0) {
        scan.writable = true;
      }
      long pfn = Pte.pfn(pte);
      if (refs.mapCount(pfn) > 1 && ++shared > settings.maxPtesShared) {
        return Result.EXCEED_SHARED_PTE;
      }
      scan.pfn = pfn;
      if (!refs.pageAnon(pfn)) {
        return Result.PAGE_ANON;
      }
      if ((pte & Pte.ACCESSED) != 0) {
        scan.referenced++;
      }
    }
    if (!scan.writable) {
      return Result.PAGE_RO;
    }
    if (scan.referenced == 0 || (scan.unmapped > 0 && scan.referenced < NR / 2)) {
      return Result.LACK_REFERENCED_PAGE;
    }
    return Result.SUCCEED;
  }

  /** {@code mm=%p} of the huge_memory events: the process's {@code mm->pgd}. */
  private long mmPointer(MmStruct mm) {
    return pageTable.pageOffset() + (mm.root() << Page.PAGE_SHIFT);
  }

  /**
   * {@code hpage_collapse_scan_pmd} and, when it finds a candidate, {@code collapse_huge_page};
   * traced as {@code mm_khugepaged_scan_pmd} with the final result.
   */
  Result scanPmd(Task t, VmAreaStruct v, long haddr) {
    MmStruct mm = t.mm;
    Scan scan = new Scan();
    Result r = scanRange(t, v, haddr, scan);
    Tracer trace = tasks.trace;
    if (trace.on()) {
      HugeMemoryEvents.mmKhugepagedScanPmd(
          trace,
          mmPointer(mm),
          scan.pfn,
          scan.writable,
          scan.referenced,
          scan.noneOrZero,
          r.status,
          scan.unmapped);
    }
    return r;
  }

  private Result scanRange(Task t, VmAreaStruct v, long haddr, Scan scan) {
    MmStruct mm = t.mm;
    Result r = findPmd(mm, haddr);
    if (r != Result.SUCCEED) {
      return r;
    }
    readPtes(mm, haddr);
    r = check(true, scan);
    if (r != Result.SUCCEED) {
      return r;
    }
    return collapse(t, v, haddr, scan.referenced, scan.unmapped);
  }

  /** {@code find_pmd_or_thp_or_none}: a page table under the range, or why not. */
  private Result findPmd(MmStruct mm, long haddr) {
    long pmd = pageTable.readEntry(mm.root(), haddr, 2);
    if (Pte.huge(pmd)) {
      return Result.PMD_MAPPED;
    }
    if (pmd == 0) {
      // no table holds the PMD entry (pmd_null), or the entry is empty (pmd_none)
      return Pte.present(pageTable.readEntry(mm.root(), haddr, 3))
          ? Result.PMD_NONE
          : Result.PMD_NULL;
    }
    return Result.SUCCEED;
  }

  /** {@code collapse_huge_page}, traced as {@code mm_collapse_huge_page} at its end. */
  private Result collapse(Task t, VmAreaStruct v, long haddr, int referenced, int unmapped) {
    Result r = collapseRange(t, v, haddr, referenced, unmapped);
    Tracer trace = tasks.trace;
    if (trace.on()) {
      HugeMemoryEvents.mmCollapseHugePage(trace, mmPointer(t.mm), r == Result.SUCCEED, r.status);
    }
    return r;
  }

  private Result collapseRange(Task t, VmAreaStruct v, long haddr, int referenced, int unmapped) {
    MmStruct mm = t.mm;
    Tracer trace = tasks.trace;
    int gfp = settings.defrag ? HugeMemory.GFP_TRANSHUGE : HugeMemory.GFP_TRANSHUGE_LIGHT;
    long hpfn = huge.allocHuge(refs.cpu, gfp);
    if (hpfn == PageAllocator.NO_PAGE) {
      events.count(VmEvent.THP_COLLAPSE_ALLOC_FAILED);
      return Result.ALLOC_HUGE_PAGE_FAIL;
    }
    events.count(VmEvent.THP_COLLAPSE_ALLOC);
    if (unmapped > 0) {
      // __collapse_huge_page_swapin: each swap entry is read back as a fault would
      int swappedIn = 0;
      for (int i = 0; i < NR && t.alive; i++) {
        if (ptes[i] != 0 && !Pte.present(ptes[i])) {
          access.populate(t, refs.cpu, haddr + ((long) i << Page.PAGE_SHIFT), Access.READ);
          swappedIn++;
        }
      }
      // hugepage_vma_revalidate: the area may have changed or gone meanwhile
      VmAreaStruct now = t.alive ? mm.find(haddr) : null;
      Result valid =
          now == null
              ? Result.VMA_NULL
              : now != v || haddr + HugeMemory.HPAGE_PMD_SIZE > v.end
                  ? Result.ADDRESS_RANGE
                  : !huge.allowed(mm, v) ? Result.VMA_CHECK : Result.SUCCEED;
      if (trace.on()) {
        HugeMemoryEvents.mmCollapseHugePageSwapin(
            trace, mmPointer(mm), swappedIn, referenced, valid == Result.SUCCEED ? 1 : 0);
      }
      if (valid != Result.SUCCEED) {
        huge.freeHuge(refs.cpu, hpfn);
        return valid;
      }
    }
    Result found = findPmd(mm, haddr);
    if (found != Result.SUCCEED) {
      huge.freeHuge(refs.cpu, hpfn);
      return found;
    }
    // __collapse_huge_page_isolate: the entries as they are now, no swap entry left
    readPtes(mm, haddr);
    Scan isolate = new Scan();
    Result r = check(false, isolate);
    if (trace.on()) {
      HugeMemoryEvents.mmCollapseHugePageIsolate(
          trace, isolate.pfn, isolate.noneOrZero, isolate.referenced, isolate.writable, r.status);
    }
    if (r != Result.SUCCEED) {
      huge.freeHuge(refs.cpu, hpfn);
      return r;
    }
    long zeroPfn = refs.zeroPfn();
    // __collapse_huge_page_copy: every byte, zeros where nothing or the zero page was mapped
    for (int i = 0; i < NR; i++) {
      long pte = ptes[i];
      if (pte == 0 || Pte.pfn(pte) == zeroPfn) {
        memory.zeroPage(hpfn + i);
      } else {
        memory.copyPage(Pte.pfn(pte), hpfn + i);
      }
    }
    // the small pages go: their entries cleared, their mappings and references dropped
    long vpn = haddr >>> Page.PAGE_SHIFT;
    for (int i = 0; i < NR; i++) {
      long pte = ptes[i];
      if (pte == 0) {
        continue;
      }
      long linear = haddr + ((long) i << Page.PAGE_SHIFT);
      pageTable.writePte(mm.root(), linear, 0);
      if (Pte.pfn(pte) != zeroPfn) {
        refs.removeMapping(mm, vpn + i, Pte.pfn(pte), true);
      }
    }
    // the emptied page table gives way to the huge PMD (pmdp_collapse_flush, set_pmd_at)
    huge.install(mm, v, haddr, hpfn);
    pageTable.flushTlbMm(mm.root());
    pagesCollapsed++;
    return Result.SUCCEED;
  }
}
