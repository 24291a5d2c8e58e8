package io.mmsim.kernel.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.swap.SwapSystem;

/*
 * The process side's invariants, recomputed from the page tables (the primary structure) and
 * compared with everything derived from them:
 *
 *   page_count(pfn)   = present PTEs mapping it + 1 if in the page cache + 1 if in the swap cache
 *   rmap(pfn)         = exactly the (pid, vpn) of those PTEs
 *   RSS by kind       = a process's present PTEs mapping anonymous, file and shmem frames
 *   MM_SWAPENTS       = its swap PTEs
 *   swap_map count    = the swap PTEs and shmem objects holding the slot; slots in use = slots
 *                       held so + swap-cache pages whose slot no one holds
 *   policies          = the global one tracks exactly the mapped frames; a process's own (under
 *                       rss.limit) exactly its resident pages
 *   page cache        = a file page is mapped (mmsim drops unmapped ones); shmem pages belong to
 *                       an object some live area maps
 *
 * Every present PTE lies in an area; every non-present non-zero PTE is a valid swap entry; the
 * zero page is never writable. Slow by design: for tests and the debug setting.
 */
final class ProcessInvariants {
  private final PageTable pageTable;
  private final PageRefs refs;
  private final Tasks tasks;
  private final Vmscan vmscan;
  private final Shmem shmem;
  private final long zeroPfn;

  private final HugeMemory huge;
  private Hugetlb hugetlb;

  /** Huge entries found in hugetlb areas by head frame, rebuilt by each check. */
  private final Map<Long, Integer> hugetlbMaps = new java.util.HashMap<>();

  ProcessInvariants(
      PageTable pageTable,
      PageRefs refs,
      Tasks tasks,
      Vmscan vmscan,
      Shmem shmem,
      HugeMemory huge) {
    this.huge = huge;
    this.pageTable = pageTable;
    this.refs = refs;
    this.tasks = tasks;
    this.vmscan = vmscan;
    this.shmem = shmem;
    this.zeroPfn = refs.zeroPfn();
  }

  /** The hugetlb pool, checked against the huge entries of hugetlb areas. */
  void setHugetlb(Hugetlb hugetlb) {
    this.hugetlb = hugetlb;
  }

  /**
   * Recomputes what the process side derives from the page tables and compares: every frame's
   * reference count (mappings + page cache + swap cache), the reverse map against the present PTEs,
   * each process's RSS and swap-entry counters, every swap slot's count against the swap PTEs that
   * hold it, the global and per-process policies' resident sets, and the mapped-page totals. Throws
   * {@link AssertionError} naming the first difference. Slow: for tests.
   */
  void check() {
    SwapSystem swap = vmscan.swap();
    Lruvecs global = vmscan.global();
    long[] mappedOnNode = new long[global == null ? 0 : global.nodes()];
    int frames = refs.frames();
    int[] maps = new int[frames];
    Map<Long, Integer> swapRefs = new TreeMap<>();
    hugetlbMaps.clear();
    // the words first: the walks below read the reverse map out of them
    FrameMap allocator = new FrameMap(frames);
    refs.pages().describeFrames(allocator);
    refs.counts().checkInvariants();
    int sharedFrames = 0;
    for (int pfn = 0; pfn < frames; pfn++) {
      if (refs.refCount(pfn) > 0) {
        sharedFrames += checkWords(pfn, allocator);
      }
    }
    for (Task t : tasks.all()) {
      if (t.alive) {
        checkAddressSpace(t.mm, maps, swapRefs);
      }
    }
    if (hugetlb != null) {
      hugetlb.check(hugetlbMaps);
    }
    long shmemEntries = 0;
    for (long e : shmem.heldEntries()) {
      if (swap == null || !swap.validEntry(e)) {
        throw new AssertionError(String.format("shmem holds %016x, no valid swap entry", e));
      }
      swapRefs.merge(e, 1, Integer::sum);
      shmemEntries++;
    }
    if (shmemEntries != shmem.swappedPages()) {
      throw new AssertionError(
          String.format(
              "shmem objects hold %d swap entries, %d counted",
              shmemEntries, shmem.swappedPages()));
    }
    long anon = 0;
    long file = 0;
    long mappedFrames = 0;
    long swapCached = 0;
    long cacheOnlySlots = 0;
    for (int pfn = 0; pfn < frames; pfn++) {
      boolean cached = refs.cache().contains(pfn);
      boolean swapCache = swap != null && swap.inSwapCache(pfn);
      int want = maps[pfn] + (cached ? 1 : 0) + (swapCache ? 1 : 0);
      if (refs.refCount(pfn) != want) {
        throw new AssertionError(
            String.format(
                "pfn 0x%x: page_count %d but %d mappings%s%s",
                pfn,
                refs.refCount(pfn),
                maps[pfn],
                cached ? " + page cache" : "",
                swapCache ? " + swap cache" : ""));
      }
      if (refs.mapCount(pfn) != maps[pfn]) {
        throw new AssertionError(
            String.format(
                "pfn 0x%x: rmap holds %d mappings, the page tables %d",
                pfn, refs.mapCount(pfn), maps[pfn]));
      }
      if (cached && maps[pfn] == 0 && !refs.cache().fileOf(pfn).shmem()) {
        throw new AssertionError(
            String.format("file page 0x%x stays in the page cache with no mapping", pfn));
      }
      if (refs.dirty(pfn) && refs.refCount(pfn) == 0) {
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
              String.format(
                  "mapped pfn 0x%x is not tracked by the global policy of its node %d",
                  pfn, global.nodeOf(pfn)));
        }
        if (global != null) {
          mappedOnNode[global.nodeOf(pfn)]++;
        }
      }
    }
    if (sharedFrames != refs.rmap().sharedFrames()) {
      throw new AssertionError(
          String.format(
              "rmap keeps %d frames mapped more than once, %d held frames say so",
              refs.rmap().sharedFrames(), sharedFrames));
    }
    if (anon != refs.anonMapped() || file != refs.fileMapped()) {
      throw new AssertionError(
          String.format(
              "mapped frames: %d anonymous and %d file counted, %d and %d found",
              refs.anonMapped(), refs.fileMapped(), anon, file));
    }
    if (global != null) {
      if (global.resident() != mappedFrames) {
        throw new AssertionError(
            String.format(
                "the global policy tracks %d frames, %d are mapped",
                global.resident(), mappedFrames));
      }
      for (int nid = 0; nid < mappedOnNode.length; nid++) {
        if (global.node(nid).resident() != mappedOnNode[nid]) {
          throw new AssertionError(
              String.format(
                  "node %d's global policy tracks %d frames, %d of its frames are mapped",
                  nid, global.node(nid).resident(), mappedOnNode[nid]));
        }
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
      for (Map.Entry<Long, Integer> e : swapRefs.entrySet()) {
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

  /**
   * A frame the process side holds (a reference count above 0): the page allocator has it handed
   * out, so its words are the reverse map's and not the allocator's links, and they hold a key, the
   * mark of a frame mapped more than once, or nothing. Returns 1 for a frame marked so.
   */
  private int checkWords(int pfn, FrameMap allocator) {
    FrameUse u = allocator.use(pfn);
    if (u == FrameUse.FREE || u == FrameUse.PCP) {
      throw new AssertionError(
          String.format(
              "pfn 0x%x: page_count %d but the page allocator has it %s: its words are the"
                  + " allocator's",
              pfn, refs.refCount(pfn), u));
    }
    String bad = refs.rmap().badWords(pfn);
    if (bad != null) {
      throw new AssertionError(String.format("pfn 0x%x: %s", pfn, bad));
    }
    return refs.rmap().isShared(pfn) ? 1 : 0;
  }

  /** One address space: its PTEs against its areas, the rmap, its counters and its policy. */
  private void checkAddressSpace(MmStruct mm, int[] maps, Map<Long, Integer> swapRefs) {
    SwapSystem swap = vmscan.swap();
    long[] rss = new long[3]; // anon, file, shmem
    long[] swapEnts = {0};
    long[] thps = {0};
    List<Long> resident = new ArrayList<>();
    pageTable.walkRange(
        mm.root(),
        0,
        Processes.STACK_TOP,
        (linear, pte) -> {
          VmAreaStruct v = mm.find(linear);
          if (v == null) {
            throw new AssertionError(
                String.format(
                    "pid %d: entry %016x at 0x%x lies outside every area", mm.pid(), pte, linear));
          }
          if (Pte.huge(pte) && v.hugetlb != null) {
            // a hugetlb page: outside RSS and the reverse map, counted by the pool
            hugetlbMaps.merge(Pte.pfn(pte) & ~(long) (Hugetlb.NR - 1), 1, Integer::sum);
            return;
          }
          if (Pte.huge(pte)) {
            // a PMD-mapped THP: 512 anonymous pages the reverse map does not list
            huge.check(mm, linear, pte);
            thps[0]++;
            rss[0] += HugeMemory.HPAGE_PMD_NR;
            return;
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
          if (pfn >= maps.length || !contains(refs.rmap().keys(pfn), Rmap.key(mm.pid(), vpn))) {
            throw new AssertionError(
                String.format(
                    "pid %d: 0x%x maps pfn 0x%x without a reverse-map entry",
                    mm.pid(), linear, pfn));
          }
          maps[(int) pfn]++;
          resident.add(vpn);
          if (!refs.cache().contains(pfn)) {
            rss[0]++;
          } else if (refs.cache().fileOf(pfn).shmem()) {
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
    if (huge.countOf(mm) != thps[0] || mm.nrThps != thps[0]) {
      throw new AssertionError(
          String.format(
              "pid %d: %d THPs recorded (%d counted), %d huge PMDs in its tables",
              mm.pid(), huge.countOf(mm), mm.nrThps, thps[0]));
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

  /** Every cached shmem page and every shmem object belongs to an object some live area maps. */
  private void checkShmemMapped() {
    int mapped = PageRefs.mappedShmem(tasks.all()).size();
    if (shmem.objectCount() != mapped) {
      throw new AssertionError(
          String.format(
              "%d shmem objects are kept, live areas map %d", shmem.objectCount(), mapped));
    }
    List<Long> orphans = refs.orphanShmem(PageRefs.mappedShmem(tasks.all()));
    if (!orphans.isEmpty()) {
      throw new AssertionError(
          "shmem pages cached for objects no area maps any more: pfns " + orphans);
    }
  }
}
