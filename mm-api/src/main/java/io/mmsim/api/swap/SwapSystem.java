package io.mmsim.api.swap;

import java.nio.file.Path;
import java.util.List;
import java.util.function.IntPredicate;

import io.mmsim.api.Statistics;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.reclaim.ReplacementPolicy;

/**
 * The swap subsystem of one simulated kernel: swap areas and their slots, the swap cache, page I/O
 * to the areas, and reclaim (swap-out) driven by a {@link ReplacementPolicy}.
 *
 * <h2>Swap entries</h2>
 *
 * Every method that takes an {@code entry} takes it in the form a non-present PTE holds it, {@link
 * io.mmsim.api.paging.Pte#makeSwap}{@code (type, offset)}; flag bits such as {@link
 * io.mmsim.api.paging.Pte#SWP_EXCLUSIVE} are ignored. So the kernel hands over the PTE value it
 * read, unchanged.
 *
 * <h2>Slot counts (swap_map)</h2>
 *
 * A slot's count is the number of swap PTEs that hold its entry; a separate flag ({@code
 * SWAP_HAS_CACHE}) says a page of the swap cache stands for it. The kernel keeps the count right by
 * calling {@link #swapDuplicate} for every swap PTE it creates by copying (fork) or by unmapping
 * (inside {@link ReclaimContext#unmapToSwap}), and {@link #swapFree} for every swap PTE it destroys
 * (munmap, exit, a swap-in of that PTE). A slot returns to the free pool when its count is 0 and no
 * swap-cache page holds it.
 *
 * <h2>Frame references</h2>
 *
 * A swap-cache page holds one reference on its frame, taken and dropped through {@link
 * SwapContext#getPage}/{@link SwapContext#putPage}; the frame is freed when the last reference
 * (mapping or swap cache) goes.
 *
 * <p>Not thread-safe: one kernel, one thread.
 */
public interface SwapSystem {

  /** No frame: a swap-cache miss. */
  long NO_PAGE = -1L;

  /** Ask for an automatic priority at swapon: -2 for the first such area, then -3, ... */
  int AUTO_PRIORITY = Integer.MIN_VALUE;

  /** The highest priority swapon accepts ({@code SWAP_FLAG_PRIO_MASK}). */
  int MAX_PRIORITY = 0x7fff;

  /**
   * Returned by {@link #kswapd} when memory is low but the policy protects its working set ({@link
   * ReplacementPolicy#reclaimable()} is false): the kernel runs the OOM killer instead.
   *
   * @since 1.2
   */
  int WORKINGSET_PROTECTED = -1;

  /** Batch size of reclaim ({@code SWAP_CLUSTER_MAX}). */
  int SWAP_CLUSTER_MAX = 32;

  // ---------------------------------------------------------------- areas

  /**
   * Activates the swap file {@code file} (swapon): checks its header (the checks of {@code
   * read_swap_header} in mm/swapfile.c), marks the header page and the listed bad pages unusable,
   * and adds the area.
   *
   * @param priority 0..{@link #MAX_PRIORITY}, or {@link #AUTO_PRIORITY}
   * @return the area's type (its index in swap entries)
   * @throws SwapException naming the file when the header is refused, the file is already active,
   *     or every type is taken; nothing is activated
   */
  int swapon(Path file, int priority);

  /**
   * Activates an in-memory area of {@code bytes} bytes (like a RAM disk made with mkswap: page 0 is
   * its header). It shows in /proc/swaps as {@code /dev/ramN}, type {@code partition}.
   *
   * @return the area's type
   * @throws SwapException when the size is below ten pages or every type is taken
   */
  int swaponMemory(long bytes, int priority);

  /**
   * Deactivates area {@code type} when none of its slots is in use: clean swap-cache pages no one
   * maps are dropped first. Areas with automatic priorities below it move up by one, as in the
   * kernel.
   *
   * @throws SwapException when the area is not active or still holds swapped-out pages (mmsim does
   *     not bring them back in: swap them in or end their processes first)
   */
  void swapoff(int type);

  /** The active areas in type order. */
  List<SwapAreaInfo> areas();

  /** /proc/swaps, header included, in the kernel's exact format. */
  String procSwaps();

  /** Usable slots of all active areas ({@code total_swap_pages}; meminfo SwapTotal in pages). */
  long totalSwapPages();

  /** Free usable slots ({@code nr_swap_pages}; meminfo SwapFree in pages). */
  long freeSwapPages();

  /** Pages in the swap cache (meminfo SwapCached in pages; vmstat nr_swapcached). */
  long swapCachePages();

  /** True when more than half of the swap space is in use ({@code vm_swap_full}). */
  boolean swapFull();

  // ---------------------------------------------------------------- entries

  /** True when {@code entry} names a slot of an active area that is in use. */
  boolean validEntry(long entry);

  /**
   * Adds one swap-PTE reference to the slot ({@code swap_duplicate}): a fork copied a swap PTE, or
   * an unmap wrote one. Counts beyond {@code SWAP_MAP_MAX} continue in a side table ({@code
   * COUNT_CONTINUED}), so this never fails for a valid entry.
   *
   * @throws IllegalArgumentException when the entry is not {@link #validEntry valid}
   */
  void swapDuplicate(long entry);

  /**
   * Drops one swap-PTE reference ({@code swap_free} / {@code free_swap_and_cache}). At zero the
   * slot is freed; when a swap-cache page holds it and no one maps that page, the page is dropped
   * and its frame reference released too.
   *
   * @throws IllegalArgumentException when the slot has no PTE reference to drop
   */
  void swapFree(long entry);

  /** The number of swap PTEs that hold {@code entry} (0 for a free or cache-only slot). */
  int swapCount(long entry);

  // ---------------------------------------------------------------- swap cache

  /** The frame of the swap-cache page for {@code entry}, or {@link #NO_PAGE}. */
  long lookupSwapCache(long entry);

  /** True when frame {@code pfn} is a swap-cache page. */
  boolean inSwapCache(long pfn);

  /** The entry (as {@code Pte.makeSwap}) a swap-cache page stands for, or 0 when none. */
  long swapEntryOf(long pfn);

  /**
   * Reads the slot of {@code entry} into frame {@code pfn} and adds the frame to the swap cache as
   * a clean page, taking one frame reference ({@code swap_read_folio} after {@code
   * add_to_swap_cache}). Counts {@code pswpin}.
   *
   * @param pfn a frame just taken with {@code FaultContext.allocUserPage()}, holding no reference
   *     yet
   * @return false when the read failed (an injected or real I/O error): no reference was taken,
   *     nothing changed, and the caller gives the frame back ({@code FaultContext.freeUserPage})
   * @throws IllegalArgumentException when the entry is not valid or already has a swap-cache page
   */
  boolean readIntoSwapCache(long entry, long pfn);

  /**
   * Removes swap-cache page {@code pfn} and frees its slot when no swap PTE needs the slot any more
   * ({@code folio_free_swap}); the page (still mapped by its caller) then has no copy on swap and
   * will be written again if reclaimed. Drops the swap cache's frame reference.
   *
   * @return true when the page was removed
   */
  boolean tryToFreeSwap(long pfn);

  /**
   * The kernel removed the last page-table mapping of swap-cache page {@code pfn} (munmap, exit,
   * COW): when no swap PTE needs its slot either, the page and slot are freed now; otherwise the
   * page stays cached (a later fault finds it) and reclaim frees it ({@code free_swap_cache}).
   */
  void pageUnmapped(long pfn);

  /**
   * The shadow entry that swap-cache page {@code pfn} took out of its slot when {@link
   * #readIntoSwapCache} read it (the page refaulted: {@code workingset_refault} gets this shadow),
   * handed over once; {@link io.mmsim.api.reclaim.ShadowTable#NONE} when the slot had none. The
   * default keeps no shadows.
   *
   * @since 1.2
   */
  default long takeRefaultShadow(long pfn) {
    return io.mmsim.api.reclaim.ShadowTable.NONE;
  }

  /**
   * Compaction moves swap-cache page {@code src} to frame {@code dst} ({@code
   * folio_migrate_mapping} for the swap cache): the entry now names {@code dst}, with the same
   * dirty state. The frame references are the kernel's to move; the bytes are copied by the caller.
   * The default is a swap system that cannot move its pages.
   *
   * @return false when the page cannot move now (nothing changed)
   * @since 1.2
   */
  default boolean migrateSwapCache(long src, long dst) {
    return false;
  }

  // ---------------------------------------------------------------- reclaim

  /**
   * Reclaims up to {@code nrPages} pages from the scope {@code rc} describes, asking {@code policy}
   * for victims ({@code shrink_folio_list}). For each victim: an anonymous page gets a slot and a
   * swap-cache entry (once), is unmapped into swap PTEs, is written when dirty (clean swap-cache
   * pages are not written twice) and is freed; a file page is handed back to the kernel ({@link
   * ReclaimContext#evictFilePage}). A victim that cannot go (no free slot, unevictable) is given
   * back to the policy ({@link ReplacementPolicy#putBack}). A failed write (injected I/O error)
   * leaves the page unmapped but in the swap cache, dirty: a fault finds it, and a later reclaim
   * writes it again. In {@link ReclaimMode#KSWAPD} and {@link ReclaimMode#DIRECT} modes, unmapped
   * swap-cache pages left from earlier are freed first.
   *
   * @return pages that left the scope (for a process's scope: its resident pages that were
   *     unmapped, even when another process still maps the frame)
   */
  int shrink(ReplacementPolicy policy, ReclaimContext rc, int nrPages, ReclaimMode mode);

  /**
   * Runs kswapd once ({@code balance_pgdat}): when a populated zone's free pages are below its low
   * watermark, reclaims in batches of {@link #SWAP_CLUSTER_MAX} until every zone is at or above its
   * high watermark or a batch frees nothing. The page allocator is the one from the {@link
   * SwapContext}.
   *
   * @return pages reclaimed (0 when no zone was below low), or {@link #WORKINGSET_PROTECTED} when
   *     memory is low and the policy is not {@link ReplacementPolicy#reclaimable() reclaimable}
   */
  int kswapd(ReplacementPolicy policy, ReclaimContext rc);

  /**
   * Runs the kswapd of NUMA node {@code nid} once ({@code balance_pgdat} on that node's {@code
   * pglist_data}): as {@link #kswapd(ReplacementPolicy, ReclaimContext)}, but watching only the
   * zones of node {@code nid} (their free pages and watermarks summed), with {@code policy} holding
   * that node's pages. A swap system that does not know nodes serves node 0 of a one-node machine
   * only.
   *
   * @throws IllegalArgumentException for another node than 0 when nodes are not supported
   */
  default int kswapd(ReplacementPolicy policy, ReclaimContext rc, int nid) {
    if (nid != 0) {
      throw new IllegalArgumentException("kswapd" + nid + ": this swap system has node 0 only");
    }
    return kswapd(policy, rc);
  }

  /**
   * The kswapd of node {@code nid} after the kernel woke it ({@code mm/vmscan.c}: {@code kswapd},
   * {@code balance_pgdat}): runs as task {@code kswapdN}; when {@code balanced} holds at once it
   * reclaims nothing, otherwise it reclaims in batches of {@link #SWAP_CLUSTER_MAX} until {@code
   * balanced} holds or a batch frees nothing. The kernel decides when to wake it and what balanced
   * means ({@code pgdat_balanced} for the woken order and zones). The default runs {@link
   * #kswapd(ReplacementPolicy, ReclaimContext, int)}, with its own watermark test.
   *
   * @param order the order kswapd was woken for ({@code kswapd_order})
   * @param highestZone the index of the highest zone it balances ({@code kswapd_highest_zoneidx})
   * @param balanced given the pages reclaimed so far, true when the node is balanced
   * @return pages reclaimed, or {@link #WORKINGSET_PROTECTED} when the node is not balanced and the
   *     policy is not {@link ReplacementPolicy#reclaimable() reclaimable}
   * @since 1.3
   */
  default int balancePgdat(
      ReplacementPolicy policy,
      ReclaimContext rc,
      int nid,
      int order,
      int highestZone,
      IntPredicate balanced) {
    return kswapd(policy, rc, nid);
  }

  /**
   * Direct reclaim for an allocation of {@code order} that failed ({@code try_to_free_pages}):
   * counts an allocation stall and reclaims at least {@code 2^order} and up to {@link
   * #SWAP_CLUSTER_MAX} pages.
   *
   * @return pages reclaimed; 0 tells the caller to consider the OOM killer
   */
  int tryToFreePages(ReplacementPolicy policy, ReclaimContext rc, int order);

  // ---------------------------------------------------------------- bookkeeping

  /**
   * Counters in vmstat's names: {@code nr_swapcached}, {@code pswpin}, {@code pswpout}, {@code
   * allocstall}, {@code pgscan_kswapd}, {@code pgscan_direct}, {@code pgsteal_kswapd}, {@code
   * pgsteal_direct}, {@code pageoutrun}, {@code workingset_nodes} and {@code
   * workingset_nodereclaim} (of the swap cache's shadow entries), then mmsim's own ({@code
   * swap_read_errors}, {@code swap_write_errors}, {@code swapcache_hits}).
   */
  Statistics statistics();

  /**
   * Recomputes every derived count (free slots, cluster usage, swap-cache maps) from the slot maps
   * and throws {@link AssertionError} when they disagree. Slow: for tests.
   */
  void checkInvariants();

  /** Closes every swap file; the system is unusable afterwards. */
  void close();

  /**
   * Marks every swap-cache page in {@code map} ({@link io.mmsim.api.mem.FrameUse#SWAP_CACHE}, owned
   * by its slot, such as {@code swap 0:123}). Not for hot paths.
   *
   * <p>The default marks nothing.
   *
   * @since 1.2
   */
  default void describeFrames(FrameMap map) {}
}
