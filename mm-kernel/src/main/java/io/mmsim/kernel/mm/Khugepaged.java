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

  /** Why a range was not collapsed ({@code enum scan_result}, the cases the simulator meets). */
  enum Result {
    SUCCEED,
    PMD_NULL,
    PMD_MAPPED,
    EXCEED_NONE_PTE,
    EXCEED_SWAP_PTE,
    EXCEED_SHARED_PTE,
    PAGE_ANON,
    PAGE_RO,
    LACK_REFERENCED_PAGE,
    SWAP_IN_FAILED,
    ALLOC_HUGE_PAGE_FAIL
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
    boolean allocFailed = doScan();
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
   * with {@code swapAllowed} false) over {@link #ptes}, in the kernel's order; {@code counts}
   * receives the referenced and swap entries.
   */
  private Result check(boolean swapAllowed, int[] counts) {
    long zeroPfn = refs.zeroPfn();
    int none = 0;
    int unmapped = 0;
    int shared = 0;
    int referenced = 0;
    boolean writable = false;
    for (int i = 0; i < NR; i++) {
      long pte = ptes[i];
      if (pte != 0 && !Pte.present(pte)) {
        if (!swapAllowed || !Pte.isSwap(pte)) {
          return Result.EXCEED_SWAP_PTE;
        }
        if (++unmapped > settings.maxPtesSwap) {
          return Result.EXCEED_SWAP_PTE;
        }
        continue;
      }
      if (pte == 0 || Pte.pfn(pte) == zeroPfn) {
        if (++none > settings.maxPtesNone) {
          return Result.EXCEED_NONE_PTE;
        }
        continue;
      }
      if ((pte & Pte.RW) != 0) {
        writable = true;
      }
      long pfn = Pte.pfn(pte);
      if (!refs.pageAnon(pfn)) {
        return Result.PAGE_ANON;
      }
      if (refs.mapCount(pfn) > 1 && ++shared > settings.maxPtesShared) {
        return Result.EXCEED_SHARED_PTE;
      }
      if ((pte & Pte.ACCESSED) != 0) {
        referenced++;
      }
    }
    counts[0] = referenced;
    counts[1] = unmapped;
    if (!writable) {
      return Result.PAGE_RO;
    }
    if (referenced == 0 || (unmapped > 0 && referenced < NR / 2)) {
      return Result.LACK_REFERENCED_PAGE;
    }
    return Result.SUCCEED;
  }

  /** {@code hpage_collapse_scan_pmd} and, when it finds a candidate, {@code collapse_huge_page}. */
  Result scanPmd(Task t, VmAreaStruct v, long haddr) {
    MmStruct mm = t.mm;
    long pmd = pageTable.readEntry(mm.root(), haddr, 2);
    if (pmd == 0) {
      return Result.PMD_NULL;
    }
    if (Pte.huge(pmd)) {
      return Result.PMD_MAPPED;
    }
    readPtes(mm, haddr);
    int[] counts = new int[2];
    Result r = check(true, counts);
    if (r != Result.SUCCEED) {
      return r;
    }
    return collapse(t, v, haddr, counts[1]);
  }

  private Result collapse(Task t, VmAreaStruct v, long haddr, int unmapped) {
    MmStruct mm = t.mm;
    int gfp = settings.defrag ? HugeMemory.GFP_TRANSHUGE : HugeMemory.GFP_TRANSHUGE_LIGHT;
    long hpfn = huge.allocHuge(refs.cpu, gfp);
    if (hpfn == PageAllocator.NO_PAGE) {
      events.count(VmEvent.THP_COLLAPSE_ALLOC_FAILED);
      return Result.ALLOC_HUGE_PAGE_FAIL;
    }
    events.count(VmEvent.THP_COLLAPSE_ALLOC);
    if (unmapped > 0) {
      // __collapse_huge_page_swapin: each swap entry is read back as a fault would
      for (int i = 0; i < NR && t.alive; i++) {
        if (ptes[i] != 0 && !Pte.present(ptes[i])) {
          access.populate(t, refs.cpu, haddr + ((long) i << Page.PAGE_SHIFT), Access.READ);
        }
      }
      VmAreaStruct now = t.alive ? mm.find(haddr) : null;
      if (now != v || !huge.allowed(mm, v) || haddr + HugeMemory.HPAGE_PMD_SIZE > v.end) {
        huge.freeHuge(refs.cpu, hpfn);
        return Result.SWAP_IN_FAILED;
      }
    }
    long pmd = pageTable.readEntry(mm.root(), haddr, 2);
    if (pmd == 0 || Pte.huge(pmd)) {
      huge.freeHuge(refs.cpu, hpfn);
      return pmd == 0 ? Result.PMD_NULL : Result.PMD_MAPPED;
    }
    // __collapse_huge_page_isolate: the entries as they are now, no swap entry left
    readPtes(mm, haddr);
    Result r = check(false, new int[2]);
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
