package io.mmsim.api.page;

import java.util.Optional;

import io.mmsim.api.Allocator;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.Memmap;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;

/**
 * Hands out physically contiguous, naturally aligned blocks of 2^order page frames.
 *
 * <h2>Life cycle</h2>
 *
 * A page allocator starts with no free memory. At boot the kernel's boot allocator hands every
 * frame it does not keep to {@link #freeBootPages} (the memblock hand-off) and then calls {@link
 * #completeBoot}, after which watermarks and per-CPU list sizes are known and allocation may begin.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #allocPages} returns the PFN of a block of {@code 2^order} frames aligned to its
 *       size, or {@link #NO_PAGE} when it cannot (out of memory is an outcome, not an error).
 *   <li>No frame is handed out twice while allocated.
 *   <li>{@link #freePages} takes back exactly a block that was handed out, with the same order;
 *       anything else throws {@link io.mmsim.api.BadPageException} and changes nothing.
 *   <li>After every allocated block is freed and every CPU drained, free memory equals the boot
 *       value.
 * </ul>
 *
 * <p>{@code cpu} selects the simulated CPU whose per-CPU caches serve the call; it is in {@code [0,
 * cpus)}. Not thread-safe.
 *
 * <h2>Migrate types</h2>
 *
 * An allocator that groups pages by mobility, as Linux does, reads the migrate type of each request
 * from its GFP flags ({@link io.mmsim.api.mem.MigrateType#ofGfp}) and reports its free lists by
 * type through {@link #pageTypeInfo}. One that does not ignores {@code __GFP_MOVABLE} and {@code
 * __GFP_RECLAIMABLE}.
 *
 * <h2>Compaction</h2>
 *
 * An allocator that can compact ({@link #compactionSupported}) runs the scanners of {@code
 * mm/compaction.c} over a zone when asked ({@link #compactZone}) and moves pages through the
 * kernel's {@link PageMigrator}; when to compact (direct compaction, kcompactd, deferral) is the
 * kernel's decision. Its {@link #statistics} then report {@code compact_migrate_scanned}, {@code
 * compact_free_scanned}, {@code compact_isolated}, {@code pgmigrate_success} and {@code
 * pgmigrate_fail} as /proc/vmstat names them.
 */
public interface PageAllocator extends Allocator {

  /** The sentinel PFN returned when an allocation fails. */
  long NO_PAGE = -1L;

  /** {@code NUMA_NO_NODE}: no preferred node, the asking CPU's node is preferred. */
  int NUMA_NO_NODE = -1;

  /** A node mask that allows every node. */
  long ALL_NODES = -1L;

  /**
   * Allocates a block of {@code 2^order} frames following the GFP flags' zone and watermark rules.
   *
   * @return the first PFN of the block, or {@link #NO_PAGE}
   * @throws IllegalArgumentException when {@code order} or {@code cpu} is out of range
   */
  long allocPages(int cpu, int gfp, int order);

  /**
   * {@code __alloc_pages(gfp, order, preferred_nid, nodemask)}: as {@link #allocPages(int, int,
   * int)} but walking the zonelist of {@code preferredNid} (the CPU's node for {@link
   * #NUMA_NO_NODE}), using only nodes whose bit is set in {@code nodemask} ({@link #ALL_NODES} for
   * any), and only the preferred node with {@link io.mmsim.api.mem.Gfp#THISNODE}. A node-blind
   * allocator (the default) has one node and ignores both.
   *
   * @throws IllegalArgumentException when {@code order}, {@code cpu} or {@code preferredNid} is out
   *     of range, or the mask allows no node of the machine
   */
  default long allocPages(int cpu, int gfp, int order, int preferredNid, long nodemask) {
    if (preferredNid > 0 || (nodemask & 1) == 0) {
      throw new IllegalArgumentException(
          "node "
              + preferredNid
              + " / node mask 0x"
              + Long.toHexString(nodemask)
              + ": this page allocator has node 0 only");
    }
    return allocPages(cpu, gfp, order);
  }

  /**
   * True when this allocator keeps one set of zones per NUMA node of its layout ({@code
   * pglist_data}); a node-blind allocator runs on single-node machines only.
   *
   * @since 1.2
   */
  default boolean nodeAware() {
    return false;
  }

  /**
   * Gives back the block of {@code 2^order} frames at {@code pfn}.
   *
   * @throws io.mmsim.api.BadPageException naming the PFN and order when the block is not one this
   *     allocator handed out with that order; the allocator is unchanged
   */
  void freePages(int cpu, long pfn, int order);

  /**
   * Boot hand-off: takes a free block that the boot allocator releases. Only before {@link
   * #completeBoot}.
   */
  void freeBootPages(long pfn, int order);

  /** Ends the boot hand-off: sizes watermarks and per-CPU lists from the managed pages. */
  void completeBoot();

  /** Returns every page on {@code cpu}'s per-CPU lists to the free lists. */
  void drainPages(int cpu);

  /**
   * Returns every page on every CPU's per-CPU lists to the free lists ({@code drain_all_pages}).
   */
  void drainAllPages();

  /**
   * Free pages on the free lists of all zones, not counting per-CPU lists ({@code NR_FREE_PAGES}).
   */
  long nrFreePages();

  /** Free pages of one zone, not counting per-CPU lists. */
  long nrFreePages(Zone zone);

  /** Pages handed to this allocator at boot, all zones ({@code totalram_pages}). */
  long managedPages();

  /** A watermark of {@code zone} in pages; 0 before {@link #completeBoot}. */
  long watermark(Zone zone, Watermark mark);

  /** A snapshot of one zone for /proc (buddyinfo, zoneinfo); not for hot paths. */
  ZoneStats zoneStats(Zone zone);

  /**
   * A snapshot of {@code zone} of node {@code nid}; a node-blind allocator has node 0 only.
   *
   * @since 1.2
   */
  default ZoneStats zoneStats(int nid, Zone zone) {
    if (nid != 0) {
      throw new IllegalArgumentException("node " + nid + ": this page allocator has node 0 only");
    }
    return zoneStats(zone);
  }

  /**
   * {@code zone} of node {@code nid} by migrate type (/proc/pagetypeinfo), as {@link
   * #pageTypeInfo(Zone)}.
   *
   * @since 1.2
   */
  default Optional<PageTypeInfo> pageTypeInfo(int nid, Zone zone) {
    return nid == 0 ? pageTypeInfo(zone) : Optional.empty();
  }

  /**
   * A NUMA allocation event count of {@code zone} of node {@code nid} ({@code
   * zone_numa_event_state}); 0 for a node-blind allocator. {@link NumaStat#INTERLEAVE} is the
   * memory policy's business and is 0 here.
   *
   * @since 1.2
   */
  default long numaEvent(int nid, Zone zone, NumaStat stat) {
    return 0;
  }

  /**
   * Asks the allocator to call {@code wakeup} from its slow path ({@link KswapdWakeup}). The
   * default is an allocator without that path: it returns false, and the kernel then checks the low
   * watermarks itself after each access that faulted.
   *
   * @return true when the allocator will call {@code wakeup}
   * @since 1.3
   */
  default boolean setKswapdWakeup(KswapdWakeup wakeup) {
    return false;
  }

  /** Bytes of per-frame metadata this allocator keeps, for the boot reservation of its map. */
  int metadataBytesPerFrame();

  /**
   * The per-frame words this allocator keeps its free lists in and lends to a block's owner while
   * the block is allocated (see {@link Memmap} for the rules), or null when it keeps its free lists
   * elsewhere; then the kernel makes the words itself. Its {@link #metadataBytesPerFrame()} counts
   * them when it returns them.
   *
   * @since 1.4
   */
  default Memmap memmap() {
    return null;
  }

  /**
   * Free blocks of one zone by migrate type and order, and the zone's pageblocks by type
   * (/proc/pagetypeinfo); empty when this allocator does not group pages by mobility. Not for hot
   * paths.
   *
   * @since 1.0
   */
  default Optional<PageTypeInfo> pageTypeInfo(Zone zone) {
    return Optional.empty();
  }

  /**
   * Marks this allocator's frames in {@code map}: every free block ({@link
   * io.mmsim.api.mem.FrameUse#FREE} with its order), every page on a per-CPU list ({@link
   * io.mmsim.api.mem.FrameUse#PCP}) and every allocated block ({@link
   * io.mmsim.api.mem.FrameUse#ALLOCATED} with its order). Frames it never managed are left alone.
   * Not for hot paths.
   *
   * <p>The default marks nothing: an allocator that cannot tell leaves every frame as allocated.
   *
   * @since 1.2
   */
  default void describeFrames(FrameMap map) {}

  /**
   * Whether {@link #splitPage} works. The default is an allocator that cannot.
   *
   * @since 1.2
   */
  default boolean canSplitPages() {
    return false;
  }

  /**
   * {@code split_page}: the allocated block of {@code 2^order} frames at {@code pfn} becomes {@code
   * 2^order} allocated order-0 pages, each freed on its own later (a transparent huge page split
   * into base pages).
   *
   * @throws io.mmsim.api.BadPageException when no block of that order is allocated at {@code pfn}
   *     (nothing changes)
   * @throws UnsupportedOperationException when {@link #canSplitPages} is false
   * @since 1.2
   */
  default void splitPage(long pfn, int order) {
    throw new UnsupportedOperationException(
        "the page allocator '" + name() + "' cannot split a block");
  }

  /**
   * Whether {@link #compactZone} works. The default is an allocator that cannot move pages.
   *
   * @since 1.2
   */
  default boolean compactionSupported() {
    return false;
  }

  /**
   * Compacts one zone ({@code compact_zone}): a migrate scanner walks up from the zone's start
   * isolating movable pages, a free scanner walks down from its end isolating free frames, and each
   * isolated page is moved into a free frame by {@code migrator}, until the scanners meet or the
   * control's goal is reached. Pages the scanners isolated but did not use go back.
   *
   * @return {@link CompactResult#SUCCESS} when the goal was reached, {@link CompactResult#COMPLETE}
   *     when the scanners met first, {@link CompactResult#CONTENDED} when target frames ran out
   *     first
   * @throws UnsupportedOperationException when {@link #compactionSupported} is false
   * @throws IllegalStateException before {@link #completeBoot}
   * @since 1.2
   */
  default CompactResult compactZone(CompactControl cc, PageMigrator migrator) {
    throw new UnsupportedOperationException(
        "the page allocator '" + name() + "' cannot compact memory");
  }
}
