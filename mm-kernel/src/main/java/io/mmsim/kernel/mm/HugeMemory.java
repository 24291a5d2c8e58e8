package io.mmsim.kernel.mm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.CompactResult;
import io.mmsim.api.page.MigrateMode;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.kernel.stat.VmEvent;
import io.mmsim.kernel.stat.VmEvents;

/*
 * Transparent huge pages for anonymous memory (mm/huge_memory.c: do_huge_pmd_anonymous_page,
 * vma_thp_gfp_mask, thp_vma_allowable_order, zap_huge_pmd, __split_huge_pmd, split_huge_page;
 * Documentation/admin-guide/mm/transhuge.rst).
 *
 *   fault     a not-present fault in a private anonymous area allowed THP (thp.enabled=always and
 *             not MADV_NOHUGEPAGE, or madvise and MADV_HUGEPAGE), whose aligned 2 MiB around the
 *             address lies inside the area and whose PMD is empty: an order-9 block (direct
 *             reclaim and compaction as thp.defrag allows for the area: allocHuge), zeroed, mapped
 *             by one PMD entry with PS set: thp_fault_alloc. No block: thp_fault_fallback, and
 *             the 4 KiB path runs.
 *   zap       munmap, exit or brk covering the whole 2 MiB: the PMD is cleared, the block freed.
 *   split     anything needing 4 KiB granularity in a THP (a partial munmap, mprotect or brk, a
 *             protection fault, fork before copying the area): the PMD becomes a page table of 512
 *             PTEs with the same bits (thp_split_pmd) and the block becomes 512 order-0 pages, each
 *             an ordinary anonymous page with its reverse-map entry (split_huge_page at once).
 *
 * A PMD-mapped THP is one compound page the reverse map does not list: reclaim and compaction
 * leave it alone (the kernel would split it to reclaim it), it counts 512 pages in the process's
 * RSS and in AnonPages, and 2048 kB in AnonHugePages. Simplifications, each a documented choice:
 * no huge zero page (a read fault allocates the THP as a write would); fork splits the parent's
 * THPs before copying, where the kernel shares the PMD and splits on the copy-on-write fault; no
 * THP under rss.limit (the per-process policies count 4 KiB pages); no deferred split queue.
 * Collapsing 4 KiB pages into THPs is khugepaged's (Khugepaged).
 *
 * Not thread-safe: the kernel facade serialises calls.
 */
final class HugeMemory {
  static final int HPAGE_PMD_ORDER = Page.PAGEBLOCK_ORDER;
  static final int HPAGE_PMD_NR = 1 << HPAGE_PMD_ORDER;
  static final long HPAGE_PMD_SIZE = (long) HPAGE_PMD_NR << Page.PAGE_SHIFT;
  static final long HPAGE_PMD_MASK = ~(HPAGE_PMD_SIZE - 1);

  /** {@code GFP_TRANSHUGE_LIGHT}: movable, compound, no reserves, no warning, no reclaim. */
  static final int GFP_TRANSHUGE_LIGHT =
      (Gfp.HIGHUSER_MOVABLE | Gfp.COMP | Gfp.NOMEMALLOC | Gfp.NOWARN) & ~Gfp.RECLAIM;

  /** {@code GFP_TRANSHUGE}: the light mask plus direct reclaim (and so direct compaction). */
  static final int GFP_TRANSHUGE = GFP_TRANSHUGE_LIGHT | Gfp.DIRECT_RECLAIM;

  /** {@code /sys/kernel/mm/transparent_hugepage/enabled}. */
  enum Enabled {
    ALWAYS,
    MADVISE,
    NEVER
  }

  /** {@code /sys/kernel/mm/transparent_hugepage/defrag}. */
  enum Defrag {
    ALWAYS("always"),
    DEFER("defer"),
    DEFER_MADVISE("defer+madvise"),
    MADVISE("madvise"),
    NEVER("never");

    final String sysfs;

    Defrag(String sysfs) {
      this.sysfs = sysfs;
    }

    static Defrag parse(String s) {
      for (Defrag d : values()) {
        if (d.sysfs.equals(s.trim().toLowerCase(Locale.ROOT))) {
          return d;
        }
      }
      return null;
    }
  }

  private final PageTable pageTable;
  private final PhysicalMemory memory;
  private final PageRefs refs;
  private final PageAllocator pages;
  private final VmEvents events;
  private Enabled enabled = Enabled.NEVER;
  private Defrag defrag = Defrag.MADVISE;
  private Compaction compaction;
  private Khugepaged khugepaged;
  private Vmscan vmscan;

  /** PMD-mapped THPs: key (pid, 2 MiB page number) -> head PFN. */
  private final Map<Long, Long> thps = new HashMap<>();

  HugeMemory(
      PageTable pageTable,
      PhysicalMemory memory,
      PageRefs refs,
      PageAllocator pages,
      VmEvents events) {
    this.pageTable = pageTable;
    this.memory = memory;
    this.refs = refs;
    this.pages = pages;
    this.events = events;
  }

  /** True when the page tables and the page allocator can do what THP needs. */
  boolean supported() {
    return pageTable.hugePmdSupported() && pages.canSplitPages();
  }

  /** Sets the policy; {@code compaction} allocates the blocks (direct compaction by defrag). */
  void configure(Enabled enabled, Defrag defrag, Compaction compaction) {
    this.enabled = supported() ? enabled : Enabled.NEVER;
    this.defrag = defrag;
    this.compaction = compaction;
  }

  Enabled enabled() {
    return enabled;
  }

  private static long key(int pid, long haddr) {
    return (long) pid << 40 | (haddr >>> 21);
  }

  /** PMD-mapped THPs ({@code NR_ANON_THPS}). */
  long anonThps() {
    return thps.size();
  }

  /** The head frame of the THP mapped at {@code haddr} of {@code mm}, or -1. */
  long thpAt(MmStruct mm, long haddr) {
    Long pfn = thps.get(key(mm.pid(), haddr));
    return pfn == null ? -1 : pfn;
  }

  // ------------------------------------------------------------------ faults

  /** {@code thp_vma_allowable_order} for PMD size. */
  boolean allowed(MmStruct mm, VmAreaStruct v) {
    if (enabled == Enabled.NEVER
        || v.file != null
        || v.shared
        || v.hugetlb != null
        || mm.policy != null) {
      return false;
    }
    if (v.noHugepage) {
      return false;
    }
    return enabled == Enabled.ALWAYS || v.hugepage;
  }

  /** {@code vma_thp_gfp_mask}. */
  int gfpMask(VmAreaStruct v) {
    return switch (defrag) {
      case ALWAYS -> GFP_TRANSHUGE | (v.hugepage ? 0 : Gfp.NORETRY);
      case DEFER -> GFP_TRANSHUGE_LIGHT | Gfp.KSWAPD_RECLAIM;
      case DEFER_MADVISE -> v.hugepage ? GFP_TRANSHUGE : GFP_TRANSHUGE_LIGHT | Gfp.KSWAPD_RECLAIM;
      case MADVISE -> v.hugepage ? GFP_TRANSHUGE : GFP_TRANSHUGE_LIGHT;
      case NEVER -> GFP_TRANSHUGE_LIGHT;
    };
  }

  /**
   * False when {@link #handleFault} would do nothing for a fault with error code {@code err} in
   * {@code mm}: the address space has no THP and none may be made for this fault. Small, so that
   * the fault loop tests it inline before the call.
   */
  boolean mayHandle(MmStruct mm, int err) {
    return mm.nrThps > 0 || (enabled != Enabled.NEVER && (err & ErrorCode.PROT) == 0);
  }

  /**
   * The huge-page part of {@code __handle_mm_fault}: a protection fault on a THP splits it (the 4
   * KiB handlers then decide); a not-present fault where a THP is allowed tries to map one. True
   * when the fault was resolved here.
   */
  boolean handleFault(MmStruct mm, long cr2, int err, int cpu) {
    long haddr = cr2 & HPAGE_PMD_MASK;
    // the PMD is read only when it can matter: a huge PMD exists only where mm has a THP, and an
    // empty one is worth a THP only in an area that allows one (the kernel has the PMD at hand
    // from its walk; here each read is one more walk, on every fault)
    if (mm.nrThps > 0) {
      long pmd = pageTable.readEntry(mm.root(), cr2, 2);
      if (Pte.huge(pmd)) {
        split(mm, haddr);
        return false;
      }
    }
    if (enabled == Enabled.NEVER || (err & ErrorCode.PROT) != 0) {
      return false;
    }
    VmAreaStruct v = mm.find(cr2);
    if (v == null || haddr < v.start || haddr + HPAGE_PMD_SIZE > v.end || !allowed(mm, v)) {
      return false;
    }
    if (pageTable.readEntry(mm.root(), cr2, 2) != 0) {
      return false; // a page table (or a THP raced in by khugepaged) is there already
    }
    long pfn = allocHuge(cpu, gfpMask(v));
    if (pfn == PageAllocator.NO_PAGE) {
      events.count(VmEvent.THP_FAULT_FALLBACK);
      return false;
    }
    for (int i = 0; i < HPAGE_PMD_NR; i++) {
      memory.zeroPage(pfn + i);
    }
    if (!pageTable.writeHugePmd(mm.root(), haddr, pmdEntry(v, pfn))) {
      // no frame for an upper table: give the block back, the 4 KiB path will fail the same way
      pages.freePages(cpu, pfn, HPAGE_PMD_ORDER);
      events.count(VmEvent.THP_FAULT_FALLBACK);
      return false;
    }
    thps.put(key(mm.pid(), haddr), pfn);
    mm.nrThps++;
    mm.anonRss += HPAGE_PMD_NR;
    mm.updateHiwaterRss();
    events.count(VmEvent.THP_FAULT_ALLOC);
    enterVma(mm, v);
    return true;
  }

  /**
   * The huge PMD entry for block {@code pfn} in {@code v} ({@code mk_huge_pmd}, {@code
   * maybe_pmd_mkwrite(pmd_mkdirty())}): young and dirty, writable when the area is.
   */
  long pmdEntry(VmAreaStruct v, long pfn) {
    long flags = Pte.PRESENT | Pte.USER | Pte.ACCESSED | Pte.DIRTY | Pte.PS;
    if ((v.prot & io.mmsim.api.fault.Prot.WRITE) != 0) {
      flags |= Pte.RW;
    }
    if ((v.prot & io.mmsim.api.fault.Prot.EXEC) == 0) {
      flags |= Pte.NX;
    }
    return pageTable.pfnPte(pfn, flags);
  }

  /**
   * An order-9 block for a THP as {@code __alloc_pages} gets one for a costly order without {@code
   * __GFP_RETRY_MAYFAIL} (mm/page_alloc.c: {@code __alloc_pages_slowpath}):
   *
   * <ol>
   *   <li>the free lists (the page allocator's own slow path wakes kswapd when the mask has {@code
   *       __GFP_KSWAPD_RECLAIM}, and kswapd will hand the order to kcompactd);
   *   <li>without {@code __GFP_DIRECT_RECLAIM} ({@code GFP_TRANSHUGE_LIGHT}): nothing more;
   *   <li>async direct compaction; with {@code __GFP_NORETRY}, a compaction that was skipped for
   *       want of free memory or deferred ends the attempt there (reclaim is unlikely to free whole
   *       pageblocks);
   *   <li>one round of direct reclaim for the order ({@code try_to_free_pages}), then the free
   *       lists again;
   *   <li>direct compaction once more, async with {@code __GFP_NORETRY}, sync-light without;
   *   <li>no retry: a costly order gives up unless the caller asked for {@code
   *       __GFP_RETRY_MAYFAIL}, and the fault falls back to 4 KiB pages.
   * </ol>
   */
  long allocHuge(int cpu, int gfp) {
    long pfn = pages.allocPages(cpu, gfp, HPAGE_PMD_ORDER);
    if (pfn != PageAllocator.NO_PAGE) {
      return pfn;
    }
    int classZone = Gfp.zone(gfp).ordinal();
    if ((gfp & Gfp.KSWAPD_RECLAIM) != 0) {
      compaction.wakeKswapd(HPAGE_PMD_ORDER, classZone);
    }
    if ((gfp & Gfp.DIRECT_RECLAIM) == 0) {
      return PageAllocator.NO_PAGE;
    }
    boolean noretry = (gfp & Gfp.NORETRY) != 0;
    CompactResult[] result = new CompactResult[1];
    pfn = compaction.directCompact(cpu, gfp, HPAGE_PMD_ORDER, MigrateMode.ASYNC, result);
    if (pfn != PageAllocator.NO_PAGE) {
      return pfn;
    }
    if (noretry && (result[0] == CompactResult.SKIPPED || result[0] == CompactResult.DEFERRED)) {
      return PageAllocator.NO_PAGE;
    }
    if (vmscan != null
        && vmscan.directReclaim(-1, PageAllocator.ALL_NODES, gfp, HPAGE_PMD_ORDER) > 0) {
      pfn = pages.allocPages(cpu, gfp, HPAGE_PMD_ORDER);
      if (pfn != PageAllocator.NO_PAGE) {
        return pfn;
      }
    }
    MigrateMode prio = noretry ? MigrateMode.ASYNC : MigrateMode.SYNC_LIGHT;
    return compaction.directCompact(cpu, gfp, HPAGE_PMD_ORDER, prio, result);
  }

  /** Direct reclaim for huge-page allocations (null: none, a kernel without reclaim). */
  void setVmscan(Vmscan vmscan) {
    this.vmscan = vmscan;
  }

  /** Gives back a block {@link #allocHuge} returned and nothing maps. */
  void freeHuge(int cpu, long pfn) {
    pages.freePages(cpu, pfn, HPAGE_PMD_ORDER);
  }

  /**
   * Maps block {@code pfn} (its bytes in place) as the THP at {@code haddr} of {@code mm}, whose
   * page table is empty: the table is freed, the huge PMD written, the THP counted in RSS.
   */
  void install(MmStruct mm, VmAreaStruct v, long haddr, long pfn) {
    if (!pageTable.writeHugePmd(mm.root(), haddr, pmdEntry(v, pfn))) {
      throw new AssertionError(
          String.format("pid %d: the huge PMD at 0x%x needed a new upper table", mm.pid(), haddr));
    }
    thps.put(key(mm.pid(), haddr), pfn);
    mm.nrThps++;
    mm.anonRss += HPAGE_PMD_NR;
    mm.updateHiwaterRss();
  }

  // ------------------------------------------------------------------ khugepaged

  /** {@code khugepaged_fork}: the child of a registered parent is registered too. */
  void fork(MmStruct parent, MmStruct child) {
    if (khugepaged != null) {
      khugepaged.fork(parent, child);
    }
  }

  /** Sets the daemon that collapses small pages into THPs. */
  void setKhugepaged(Khugepaged k) {
    this.khugepaged = k;
  }

  /** {@code khugepaged_enter_vma}: {@code mm} is registered when {@code v} may hold THPs. */
  void enterVma(MmStruct mm, VmAreaStruct v) {
    if (khugepaged != null && enabled != Enabled.NEVER) {
      khugepaged.enterVma(mm, v);
    }
  }

  // ------------------------------------------------------------------ zap and split

  /** {@code zap_huge_pmd}: the THP at {@code haddr} is unmapped and freed. */
  void zap(MmStruct mm, long haddr) {
    Long pfn = thps.remove(key(mm.pid(), haddr));
    if (pfn == null) {
      throw new AssertionError(String.format("pid %d: no THP recorded at 0x%x", mm.pid(), haddr));
    }
    mm.nrThps--;
    pageTable.writeHugePmd(mm.root(), haddr, 0);
    pageTable.flushTlbMm(mm.root());
    mm.anonRss -= HPAGE_PMD_NR;
    pages.freePages(refs.cpu, pfn, HPAGE_PMD_ORDER);
  }

  /**
   * {@code __split_huge_pmd} and {@code split_huge_page}: the THP at {@code haddr} becomes 512
   * ordinary anonymous pages mapped by PTEs with the PMD's bits.
   *
   * @throws IllegalStateException when no frame can be had for the page table (the THP is then left
   *     as it was)
   */
  void split(MmStruct mm, long haddr) {
    long k = key(mm.pid(), haddr);
    Long pfn = thps.get(k);
    if (pfn == null) {
      throw new AssertionError(String.format("pid %d: no THP recorded at 0x%x", mm.pid(), haddr));
    }
    if (!pageTable.splitHugePmd(mm.root(), haddr)) {
      throw new IllegalStateException(
          String.format(
              "out of memory: no frame for the page table that splits the huge page at 0x%x",
              haddr));
    }
    thps.remove(k);
    mm.nrThps--;
    pageTable.flushTlbMm(mm.root());
    pages.splitPage(pfn, HPAGE_PMD_ORDER);
    mm.anonRss -= HPAGE_PMD_NR;
    long vpn = haddr >>> Page.PAGE_SHIFT;
    for (int i = 0; i < HPAGE_PMD_NR; i++) {
      refs.addNewAnon(mm, vpn + i, pfn + i);
    }
    events.count(VmEvent.THP_SPLIT_PMD);
  }

  /** The THPs of {@code mm} that start in or overlap {@code [start, end)}, by address. */
  private List<Long> overlapping(MmStruct mm, long start, long end) {
    List<Long> out = new ArrayList<>();
    if (thps.isEmpty()) {
      return out;
    }
    for (long h = start & HPAGE_PMD_MASK; h < end; h += HPAGE_PMD_SIZE) {
      if (thps.containsKey(key(mm.pid(), h))) {
        out.add(h);
      }
    }
    return out;
  }

  /** Splits every THP that {@code [start, end)} covers only in part. */
  void splitPartial(MmStruct mm, long start, long end) {
    for (long h : overlapping(mm, start, end)) {
      if (h < start || h + HPAGE_PMD_SIZE > end) {
        split(mm, h);
      }
    }
  }

  /** Splits every THP in {@code [start, end)}. */
  void splitAll(MmStruct mm, long start, long end) {
    for (long h : overlapping(mm, start, end)) {
      split(mm, h);
    }
  }

  /** For the invariant check: the recorded THP at {@code haddr} is the one the PMD maps. */
  void check(MmStruct mm, long haddr, long pmd) {
    long pfn = thpAt(mm, haddr);
    if (pfn < 0 || pfn != (Pte.pfn(pmd) & ~(long) (HPAGE_PMD_NR - 1))) {
      throw new AssertionError(
          String.format(
              "pid %d: huge PMD %016x at 0x%x but THP recorded at pfn 0x%x",
              mm.pid(), pmd, haddr, pfn));
    }
  }

  /** THPs recorded for {@code mm} (for the invariant check). */
  long countOf(MmStruct mm) {
    long n = 0;
    for (long k : thps.keySet()) {
      if ((int) (k >>> 40) == mm.pid()) {
        n++;
      }
    }
    return n;
  }
}
