package io.mmsim.kernel.mm;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.NumaTopology;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.reclaim.FutureReferences;
import io.mmsim.api.reclaim.PageTableScan;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.reclaim.ShadowTable;
import io.mmsim.api.swap.ReclaimContext;
import io.mmsim.api.swap.ReclaimMode;
import io.mmsim.api.swap.SwapSystem;
import io.mmsim.api.trace.Tracer;

/*
 * The kernel's side of reclaim (mm/vmscan.c, mm/rmap.c: folio_referenced, try_to_unmap): the
 * scopes a replacement policy's keys live in, and when reclaim runs.
 *
 *   global scope   keys are PFNs; kswapd when the page allocator woke it (Kswapd), direct
 *                  reclaim when an allocation fails; each operation acts on every mapping of the
 *                  frame through
 *                  the reverse map. Each NUMA node has its own instance of the global policy
 *                  (its lruvec, Lruvecs), holding the frames of that node.
 *   process scope  keys are one process's virtual page numbers (rss.limit, like a memory
 *                  cgroup's limit): a fault that would make a page resident in a process at its
 *                  limit first reclaims from that process; operations act on its single PTE
 *
 * Per node (mm/vmscan.c: wakeup_kswapd, kswapd, balance_pgdat, shrink_node; mm/page_alloc.c:
 * wake_all_kswapds): the kswapd of each node an allocation found below its low watermarks
 * reclaims from that node's lists until the node is balanced (Kswapd decides when it wakes and
 * when it is done; kswapd0 runs first, then kswapd1, ...). Direct reclaim walks the nodes of
 * the failed allocation's zonelist, nearest first, asking each for what is still missing of
 * SWAP_CLUSTER_MAX (the kernel scans every node of the zonelist at each rising priority, 1/4096 of
 * its lists at first, so the nearest node gives most of a small request); one allocation stall is
 * counted. One node: exactly the single global policy, kswapd and direct reclaim of before.
 *
 * The swap system chooses what happens to a victim (mm-swap's reclaim); the scopes only unmap:
 * an anonymous page's PTEs become swap entries, a file page's PTEs are cleared (a dirty shared
 * page is written back when its last mapping goes). A scope packs the policy's workingset token
 * with its lruvec (Workingset) into the shadow entry the evicted page leaves, and walks its page
 * tables for a policy that harvests accessed bits that way (LruGenWalk: the multi-gen LRU). After
 * kswapd and direct reclaim, the page cache's shadow nodes are shrunk to one per 8 resident pages
 * (the swap system shrinks its own). kswapd reports a working set that the multi-gen LRU's
 * min_ttl_ms protects (lru_gen_age_node), and the caller answers with the OOM killer.
 *
 * Not thread-safe: the kernel facade serialises calls.
 */
final class Vmscan {
  private final PageTable pageTable;
  private final PageRefs refs;
  private final Tasks tasks;
  private final GlobalScope globalScope = new GlobalScope();
  private final LruGenWalk walk;
  private SwapSystem swap;
  private Lruvecs global;

  /** Each node's zonelist order, and each CPU's node (direct reclaim's walk). */
  private int[][] nodeOrder;

  private int[] cpuNode;
  private boolean globalEveryReference;
  private java.util.function.Function<FutureReferences, ReplacementPolicy> processPolicies;
  private long rssLimit;
  private Shmem shmem;

  Vmscan(PageTable pageTable, PageRefs refs, Tasks tasks) {
    this.pageTable = pageTable;
    this.refs = refs;
    this.tasks = tasks;
    this.walk = new LruGenWalk(pageTable, refs.zeroPfn());
  }

  /**
   * Turns on reclaim: the swap system, the global policy of each node (null when the configured
   * policy needs future knowledge it cannot have globally), the machine's nodes, a factory of
   * per-process policies, and the resident limit per process in pages (0 = none).
   */
  void setReclaim(
      SwapSystem swap,
      Lruvecs global,
      NumaTopology numa,
      java.util.function.Function<FutureReferences, ReplacementPolicy> processPolicies,
      long rssLimit) {
    this.swap = swap;
    this.global = global;
    this.nodeOrder = new int[numa.nodes()][];
    for (int n = 0; n < nodeOrder.length; n++) {
      nodeOrder[n] = numa.nodeOrder(n);
    }
    this.cpuNode = new int[numa.cpus()];
    for (int c = 0; c < cpuNode.length; c++) {
      cpuNode[c] = numa.cpuNode(c);
    }
    this.globalEveryReference = global != null && global.wantsEveryReference();
    this.processPolicies = processPolicies;
    this.rssLimit = rssLimit;
  }

  void wire(Shmem shmem) {
    this.shmem = shmem;
  }

  SwapSystem swap() {
    return swap;
  }

  /** Every node's global policy, or null. */
  Lruvecs global() {
    return global;
  }

  /** True when the global policy wants to hear of every reference. */
  boolean globalEveryReference() {
    return globalEveryReference;
  }

  /** Gives a new address space its resident-set policy when {@code rss.limit} is set. */
  void attachPolicy(MmStruct mm, FutureReferences future) {
    if (rssLimit > 0 && processPolicies != null && swap != null) {
      mm.policy = processPolicies.apply(future);
      mm.policy.setCapacity(rssLimit);
      mm.everyReference = mm.policy.wantsEveryReference();
      mm.reclaim = new ProcessScope(mm);
    }
  }

  /**
   * A fault is about to make page {@code vpn} resident in {@code mm}: the policy hears of it first
   * (a ghost hit may steer its choice of victim), and a process at its limit reclaims before it
   * charges the new page, as a memory cgroup does.
   */
  void charge(MmStruct mm, long vpn) {
    mm.policy.miss(vpn);
    long limit = rssLimit + mm.policy.overCapacity(); // LIRS.c's pages beyond its size
    if (mm.rss() >= limit) {
      swap.shrink(mm.policy, mm.reclaim, (int) (mm.rss() - limit + 1), ReclaimMode.LIMIT);
    }
  }

  /**
   * After a reference that reached {@code mm}'s policy: pages the policy let go while it handled it
   * (libCacheSim's LIRS.c does so on some hits) leave the process now, so that their next reference
   * faults as it misses there.
   */
  void afterReference(MmStruct mm) {
    long over = mm.policy.resident() - (rssLimit + mm.policy.overCapacity());
    if (over > 0) {
      swap.shrink(mm.policy, mm.reclaim, (int) over, ReclaimMode.LIMIT);
    }
  }

  /** True when reclaim is on: a swap system and a global policy kswapd can take pages from. */
  boolean reclaimOn() {
    return swap != null && global != null;
  }

  /**
   * True when reclaim could free a page: a free swap slot for an anonymous page, or a file page in
   * the page cache. Without swap space the kernel scans the file lists only ({@code
   * get_scan_count}: anonymous pages cannot be reclaimed), so with neither kswapd has nothing to do
   * and is not woken (a node it cannot balance is left to direct reclaim, as {@code wakeup_kswapd}
   * does with a hopeless node).
   */
  boolean anythingReclaimable() {
    return reclaimOn() && (swap.freeSwapPages() > 0 || refs.cachedPages() > refs.shmemPages());
  }

  /**
   * The kswapd of node {@code nid}, woken for {@code order} with eligible zones up to {@code zid}
   * ({@code balance_pgdat}, run synchronously over the node's own lists; see {@link Kswapd}).
   *
   * @param balanced given the pages reclaimed so far, true once the node is balanced
   * @return true when memory is low but the node's policy protects its working set (the multi-gen
   *     LRU's min_ttl_ms): the caller runs the OOM killer
   */
  boolean balancePgdat(int nid, int order, int zid, java.util.function.IntPredicate balanced) {
    if (!reclaimOn()) {
      return false;
    }
    int r = swap.balancePgdat(global.node(nid), globalScope, nid, order, zid, balanced);
    refs.cache().shadows().shrink(global.resident());
    return r == SwapSystem.WORKINGSET_PROTECTED;
  }

  /** {@code GFP_PGTABLE_USER}: how page tables of a process are allocated. */
  static final int GFP_PGTABLE_USER = Gfp.KERNEL | Gfp.ACCOUNT | Gfp.ZERO;

  /**
   * Direct reclaim of a batch ({@code try_to_free_pages}) for a user page ({@code
   * GFP_HIGHUSER_MOVABLE}) on {@code cpu}'s zonelist; pages freed, 0 without swap.
   */
  int directReclaim() {
    return directReclaim(-1, -1L, Gfp.HIGHUSER_MOVABLE);
  }

  /** Direct reclaim for a user page on node {@code nid}'s zonelist, within {@code nodemask}. */
  int directReclaim(int nid, long nodemask) {
    return directReclaim(nid, nodemask, Gfp.HIGHUSER_MOVABLE);
  }

  /**
   * Direct reclaim for an order-0 allocation with {@code gfp}, traced as the kernel's
   * mm_vmscan_direct_reclaim_begin/end; see {@link #shrinkZones}.
   */
  int directReclaim(int nid, long nodemask, int gfp) {
    return directReclaim(nid, nodemask, gfp, 0);
  }

  /**
   * Direct reclaim for an allocation of {@code order} with {@code gfp} ({@code try_to_free_pages});
   * see {@link #shrinkZones}. For an order above {@code PAGE_ALLOC_COSTLY_ORDER} reclaim serves
   * compaction: it goes on until {@code compact_gap(order)} = {@code 2^(order+1)} pages are freed
   * ({@code should_continue_reclaim} stops once compaction could run), so the batch asked for is
   * that gap.
   */
  int directReclaim(int nid, long nodemask, int gfp, int order) {
    if (swap == null || global == null) {
      return 0;
    }
    Tracer trace = tasks.trace;
    if (trace.on()) {
      trace.mmVmscanDirectReclaimBegin(order, gfp);
    }
    int freed =
        shrinkZones(nid, nodemask, order > Page.PAGE_ALLOC_COSTLY_ORDER ? order + 1 : order);
    refs.cache().shadows().shrink(global.resident());
    if (trace.on()) {
      trace.mmVmscanDirectReclaimEnd(freed);
    }
    return freed;
  }

  /**
   * Direct reclaim for an allocation whose zonelist is node {@code nid}'s ({@code -1}: the current
   * CPU's), using only the nodes in {@code nodemask}: each node in zonelist order gives what is
   * still missing of the batch ({@code do_try_to_free_pages}, {@code shrink_zones}).
   */
  private int shrinkZones(int nid, long nodemask, int order) {
    if (global.nodes() == 1) {
      return swap.tryToFreePages(global.node(0), globalScope, order);
    }
    int first = nid >= 0 ? nid : cpuNode[refs.cpu];
    int freed = 0;
    boolean stalled = false;
    for (int n : nodeOrder[first]) {
      if ((nodemask & (1L << n)) == 0) {
        continue;
      }
      if (!stalled) {
        // the first node's shrink counts the one allocation stall
        stalled = true;
        freed += swap.tryToFreePages(global.node(n), globalScope, order);
      } else {
        freed += swap.shrink(global.node(n), globalScope, batch(order) - freed, ReclaimMode.DIRECT);
      }
      if (freed >= batch(order)) {
        break;
      }
    }
    return freed;
  }

  /** What direct reclaim asks for: a batch, or the order's pages when that is more. */
  private static int batch(int order) {
    return Math.max(SwapSystem.SWAP_CLUSTER_MAX, 1 << order);
  }

  // ------------------------------------------------------------------ rmap walks

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
    refs.removeMapping(mm, vpn, pfn, false);
    refs.dropMappingRef(pfn); // the swap cache still holds its own reference
    return (pte & Pte.DIRTY) != 0;
  }

  /** Clears one PTE mapping shmem page {@code pfn} (shmem PTEs never hold swap entries). */
  private boolean unmapOneShmem(MmStruct mm, long vpn, long pfn) {
    long va = vpn << Page.PAGE_SHIFT;
    long pte = pageTable.readPte(mm.root(), va);
    if (!Pte.present(pte) || Pte.pfn(pte) != pfn) {
      throw new AssertionError(
          String.format("pid %d vpn 0x%x does not map pfn 0x%x", mm.pid(), vpn, pfn));
    }
    pageTable.writePte(mm.root(), va, 0);
    pageTable.flushTlbPage(va);
    refs.removeMapping(mm, vpn, pfn, true);
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
      refs.setDirty(pfn);
    }
    pageTable.writePte(mm.root(), va, 0);
    pageTable.flushTlbPage(va);
    refs.removeMapping(mm, vpn, pfn, true);
  }

  // ------------------------------------------------------------------ scopes

  /** The global scope: keys are PFNs, operations act on every mapping through the rmap. */
  private final class GlobalScope implements ReclaimContext {
    @Override
    public long pfnOf(long key) {
      return refs.mapCount(key) > 0 ? key : SwapSystem.NO_PAGE;
    }

    @Override
    public int kind(long key, long pfn) {
      return refs.kindOf(pfn);
    }

    @Override
    public boolean testAndClearYoung(long pfn) {
      boolean young = false;
      for (long k : refs.rmap().keys(pfn)) {
        young |= clearYoung(tasks.mmOf(Rmap.pid(k)), Rmap.vpn(k), pfn);
      }
      return young;
    }

    @Override
    public boolean unmapToSwap(long key, long pfn, long entry) {
      boolean dirtyPte = false;
      if (shmem.isShmemPage(pfn)) {
        for (long k : refs.rmap().keys(pfn)) {
          dirtyPte |= unmapOneShmem(tasks.mmOf(Rmap.pid(k)), Rmap.vpn(k), pfn);
        }
        shmem.moveToSwap(pfn, entry);
        return dirtyPte;
      }
      for (long k : refs.rmap().keys(pfn)) {
        dirtyPte |= unmapOneToSwap(tasks.mmOf(Rmap.pid(k)), Rmap.vpn(k), pfn, entry);
      }
      return dirtyPte;
    }

    @Override
    public boolean evictFilePage(long key, long pfn) {
      for (long k : refs.rmap().keys(pfn)) {
        unmapOneFile(tasks.mmOf(Rmap.pid(k)), Rmap.vpn(k), pfn);
      }
      return true;
    }

    @Override
    public boolean evictFilePage(long key, long pfn, long shadow) {
      return evictWithShadow(this, key, pfn, shadow);
    }

    @Override
    public long packShadow(long token) {
      return Workingset.pack(token, Workingset.GLOBAL);
    }

    @Override
    public boolean walkPageTables(PageTableScan scan) {
      for (Task t : tasks.live()) {
        walk.walkMm(t.mm, scan, true);
      }
      return true;
    }

    @Override
    public boolean lookAround(long pfn, PageTableScan scan) {
      for (long k : refs.rmap().keys(pfn)) {
        walk.lookAround(tasks.mmOf(Rmap.pid(k)), Rmap.vpn(k), scan, true);
      }
      return true;
    }
  }

  /** Evicts a file page through {@code scope}, leaving {@code shadow} in its page-cache slot. */
  private boolean evictWithShadow(ReclaimContext scope, long key, long pfn, long shadow) {
    refs.evictShadow = shadow;
    try {
      return scope.evictFilePage(key, pfn);
    } finally {
      refs.evictShadow = ShadowTable.NONE;
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
      if (!Pte.present(pte) || Pte.pfn(pte) == refs.zeroPfn()) {
        return SwapSystem.NO_PAGE;
      }
      return Pte.pfn(pte);
    }

    @Override
    public int kind(long key, long pfn) {
      return refs.kindOf(pfn);
    }

    @Override
    public boolean testAndClearYoung(long vpn) {
      long pfn = pfnOf(vpn);
      return pfn != SwapSystem.NO_PAGE && clearYoung(mm, vpn, pfn);
    }

    @Override
    public boolean unmapToSwap(long vpn, long pfn, long entry) {
      if (shmem.isShmemPage(pfn)) {
        boolean dirty = unmapOneShmem(mm, vpn, pfn);
        if (refs.mapCount(pfn) == 0) {
          shmem.moveToSwap(pfn, entry);
        } else {
          // other processes still map the page: it only left this resident set, and stays in
          // the page cache; its new swap-cache copy and slot go again
          swap.tryToFreeSwap(pfn);
        }
        return dirty;
      }
      return unmapOneToSwap(mm, vpn, pfn, entry);
    }

    @Override
    public boolean evictFilePage(long vpn, long pfn) {
      unmapOneFile(mm, vpn, pfn);
      return true;
    }

    @Override
    public boolean evictFilePage(long vpn, long pfn, long shadow) {
      return evictWithShadow(this, vpn, pfn, shadow);
    }

    @Override
    public long packShadow(long token) {
      return Workingset.pack(token, Workingset.lruvecOf(mm.pid()));
    }

    @Override
    public boolean walkPageTables(PageTableScan scan) {
      walk.walkMm(mm, scan, false);
      return true;
    }

    @Override
    public boolean lookAround(long vpn, PageTableScan scan) {
      walk.lookAround(mm, vpn, scan, false);
      return true;
    }
  }
}
