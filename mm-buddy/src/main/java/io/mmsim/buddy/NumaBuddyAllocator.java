package io.mmsim.buddy;

import static io.mmsim.buddy.AllocFlags.ALLOC_NOFRAGMENT;
import static io.mmsim.buddy.AllocFlags.ALLOC_NO_WATERMARKS;
import static io.mmsim.buddy.AllocFlags.ALLOC_WMARK_LOW;
import static io.mmsim.buddy.FreeArea.MAX_ORDER;
import static io.mmsim.buddy.FreeArea.NR_ORDERS;
import static io.mmsim.buddy.FreeArea.NR_ZONES;
import static io.mmsim.buddy.FreeArea.ZONE_DMA;
import static io.mmsim.buddy.FreeArea.ZONE_DMA32;
import static io.mmsim.buddy.FreeArea.ZONE_NORMAL;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.mmsim.api.BadPageException;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Memmap;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.NumaTopology;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.CompactControl;
import io.mmsim.api.page.CompactResult;
import io.mmsim.api.page.KswapdWakeup;
import io.mmsim.api.page.NumaStat;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.PageMigrator;
import io.mmsim.api.page.PageTypeInfo;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.api.trace.Tracer;

/*
 * The buddy allocator of a machine with several NUMA nodes: one BuddyAllocator per node (its
 * pglist_data: zones, free lists, per-CPU lists, watermarks), and the zonelist walk across them
 * (mm/page_alloc.c: __alloc_pages, prepare_alloc_pages, get_page_from_freelist,
 * __alloc_pages_slowpath, zone_statistics).
 *
 *   allocPages(cpu, gfp, order, nid, nodemask)
 *     The zonelist is the preferred node's (the CPU's for NUMA_NO_NODE): its nodes by distance
 *     (Zonelist), each node's zones from the request's highest zone down, keeping the nodes in
 *     the mask; __GFP_THISNODE keeps the preferred node alone. The preferred zone is the
 *     zonelist's first populated zone.
 *     1. Order 0: the first node's per-CPU fast path.
 *     2. Fast pass at the LOW watermark. With ALLOC_NOFRAGMENT (the first node's first zone is
 *        Normal), the walk does not go on to a remote node with it: it restarts without it, since
 *        locality matters more than fragmentation avoidance.
 *     3. Slow pass at MIN with the request's reserve rights; __GFP_MEMALLOC ignores watermarks;
 *        then each node gives back a HIGHATOMIC pageblock and drains its per-CPU lists, and the
 *        pass runs once more.
 *     zone_statistics counts each success once: numa_hit on the serving zone when it is on the
 *     preferred zone's node, else numa_miss there and numa_foreign on the preferred zone;
 *     numa_local or numa_other by the asking CPU's node.
 *
 *   freePages goes to the node that holds the PFN; a free never changes node.
 *
 * Boot: every node takes the frames the boot allocator releases within it; completeBoot sizes
 * min_free_kbytes from all nodes' managed pages and gives each zone its share.
 */
final class NumaBuddyAllocator implements PageAllocator {

  private static final int NSTATS = NumaStat.values().length;
  private static final int HIT = NumaStat.HIT.ordinal();
  private static final int MISS = NumaStat.MISS.ordinal();
  private static final int FOREIGN = NumaStat.FOREIGN.ordinal();
  private static final int LOCAL = NumaStat.LOCAL.ordinal();
  private static final int OTHER = NumaStat.OTHER.ordinal();

  private final MemoryLayout layout;
  private final NumaTopology numa;
  private final BuddyAllocator[] node;
  private final int[][] zonelist;
  private final int nodes;
  private final int cpus;
  private final long allNodes;
  private final boolean debugChecks;
  private final int migratetypeMask;

  /** zone_numa_event_state by (nid * NR_ZONES + z) * NSTATS + item. */
  private final long[] numaEvents;

  private long allocFail;
  private final Tracer trace;
  private long allocDrainRetry;

  /** Told when an allocation falls below the low watermarks (wake_all_kswapds), or null. */
  private KswapdWakeup kswapdWakeup;

  // scratch for one allocation: the zonelist's nodes after the mask
  private final int[] walk;

  /** The machine's per-frame words, every node's free-list links. */
  private final Memmap memmap;

  NumaBuddyAllocator(
      MemoryLayout layout,
      long minFreeKbytes,
      int watermarkScaleFactor,
      boolean debugChecks,
      String loggerName,
      Tracer trace) {
    this.layout = layout;
    this.trace = trace;
    this.numa = layout.numa();
    this.nodes = numa.nodes();
    this.cpus = layout.cpus();
    this.debugChecks = debugChecks;
    this.node = new BuddyAllocator[nodes];
    // one set of words for the machine: each node's frames at their PFNs, the nodes' list heads
    // after the last frame, node by node
    int heads = BuddyAllocator.checkIndexable(layout);
    this.memmap = new Memmap(layout.frames(), heads * nodes);
    for (int n = 0; n < nodes; n++) {
      node[n] =
          new BuddyAllocator(
              layout,
              n,
              minFreeKbytes,
              watermarkScaleFactor,
              false,
              loggerName,
              trace,
              memmap,
              (int) layout.frames() + n * heads);
    }
    this.zonelist = Zonelist.build(numa);
    this.allNodes = nodes == 64 ? -1L : (1L << nodes) - 1;
    this.migratetypeMask = node[0].migratetypeMask();
    this.numaEvents = new long[nodes * NR_ZONES * NSTATS];
    this.walk = new int[nodes];
  }

  @Override
  public String name() {
    return BuddyProvider.NAME;
  }

  @Override
  public boolean nodeAware() {
    return true;
  }

  // ---------------------------------------------------------------- allocation

  @Override
  public long allocPages(int cpu, int gfp, int order) {
    return allocPages(cpu, gfp, order, NUMA_NO_NODE, ALL_NODES);
  }

  @Override
  public long allocPages(int cpu, int gfp, int order, int preferredNid, long nodemask) {
    check(cpu, gfp, order, preferredNid, nodemask);
    int local = numa.cpuNode(cpu);
    int pref = preferredNid < 0 ? local : preferredNid;
    int classZone =
        (gfp & Gfp.DMA) != 0 ? ZONE_DMA : (gfp & Gfp.DMA32) != 0 ? ZONE_DMA32 : ZONE_NORMAL;
    int mt = (gfp >>> MigrateType.GFP_MOVABLE_SHIFT) & migratetypeMask;
    int n = 0;
    for (int nid : zonelist[pref]) {
      if ((nodemask & (1L << nid)) != 0
          && ((gfp & Gfp.THISNODE) == 0 || nid == pref)
          && hasZone(nid, classZone)) {
        walk[n++] = nid;
      }
    }
    if (n == 0) {
      allocFail++;
      return NO_PAGE;
    }
    // the preferred zone: the first populated zone of the zonelist
    int prefNode = walk[0];
    int prefZone = classZone;
    while (node[prefNode].managed(prefZone) == 0) {
      prefZone--;
    }
    int served = -1;
    int pfn = -1;
    if (order == 0) {
      pfn = node[prefNode].pcpFastPath(cpu, classZone, mt);
      served = prefNode;
    }
    if (pfn < 0) {
      int flags = ALLOC_WMARK_LOW | node[prefNode].nofragment(classZone);
      long r = pass(cpu, order, classZone, mt, flags, n);
      if (r < 0) {
        r = slowpath(cpu, gfp, order, classZone, mt, n);
      }
      if (r < 0) {
        allocFail++;
        if (trace.on()) {
          trace.mmPageAlloc(cpu, -1, order, mt, gfp);
        }
        if (debugChecks) {
          checkInvariants();
        }
        return NO_PAGE;
      }
      served = (int) (r >>> 32);
      pfn = (int) r;
    }
    // zone_statistics
    int z = node[served].zoneOfLocal(pfn);
    int at = (served * NR_ZONES + z) * NSTATS;
    if (served == prefNode) {
      numaEvents[at + HIT]++;
    } else {
      numaEvents[at + MISS]++;
      numaEvents[(prefNode * NR_ZONES + prefZone) * NSTATS + FOREIGN]++;
    }
    numaEvents[at + (served == local ? LOCAL : OTHER)]++;
    if (trace.on()) {
      trace.mmPageAlloc(cpu, node[served].base() + pfn, order, mt, gfp);
    }
    if (debugChecks) {
      checkInvariants();
    }
    return node[served].base() + pfn;
  }

  private boolean hasZone(int nid, int classZone) {
    for (int z = classZone; z >= 0; z--) {
      if (node[nid].managed(z) > 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * One get_page_from_freelist over the first n nodes of walk: (node << 32 | node-relative PFN), or
   * -1.
   */
  private long pass(int cpu, int order, int classZone, int mt, int allocFlags, int n) {
    int flags = allocFlags;
    int pfn = node[walk[0]].zonesPass(cpu, order, classZone, mt, flags);
    if (pfn >= 0) {
      return (long) walk[0] << 32 | pfn;
    }
    if ((flags & ALLOC_NOFRAGMENT) != 0) {
      // moving to a remote node: locality matters more than avoiding fragmentation
      flags &= ~ALLOC_NOFRAGMENT;
      pfn = node[walk[0]].zonesPass(cpu, order, classZone, mt, flags);
      if (pfn >= 0) {
        return (long) walk[0] << 32 | pfn;
      }
    }
    for (int i = 1; i < n; i++) {
      pfn = node[walk[i]].zonesPass(cpu, order, classZone, mt, flags);
      if (pfn >= 0) {
        return (long) walk[i] << 32 | pfn;
      }
    }
    return -1;
  }

  private long slowpath(int cpu, int gfp, int order, int classZone, int mt, int n) {
    int flags = AllocFlags.gfpToAllocFlags(gfp, order);
    if ((gfp & Gfp.KSWAPD_RECLAIM) != 0 && kswapdWakeup != null) {
      // wake_all_kswapds: the kswapd of each node of the zonelist, once
      for (int i = 0; i < n; i++) {
        kswapdWakeup.wakeupKswapd(walk[i], gfp, order, classZone);
      }
    }
    long r = pass(cpu, order, classZone, mt, flags, n);
    if (r < 0 && AllocFlags.pfmemalloc(gfp)) {
      flags = ALLOC_NO_WATERMARKS;
      r = pass(cpu, order, classZone, mt, flags, n);
    }
    if (r < 0) {
      boolean retry = false;
      boolean drained = false;
      for (int i = 0; i < n; i++) {
        drained |= node[walk[i]].pcpPages() > 0;
        retry |= node[walk[i]].reclaimReserves(gfp, classZone, mt);
      }
      if (drained) {
        allocDrainRetry++;
      }
      if (retry) {
        r = pass(cpu, order, classZone, mt, flags, n);
      }
    }
    return r;
  }

  private void check(int cpu, int gfp, int order, int preferredNid, long nodemask) {
    if (order < 0 || order > MAX_ORDER) {
      throw new IllegalArgumentException("order " + order + " is outside 0.." + MAX_ORDER);
    }
    if (cpu < 0 || cpu >= cpus) {
      throw new IllegalArgumentException("cpu " + cpu + " is outside 0.." + (cpus - 1));
    }
    if ((gfp & MigrateType.GFP_MOVABLE_MASK) == MigrateType.GFP_MOVABLE_MASK) {
      throw new IllegalArgumentException(
          "gfp " + Gfp.format(gfp) + ": __GFP_MOVABLE and __GFP_RECLAIMABLE exclude each other");
    }
    if (preferredNid < NUMA_NO_NODE || preferredNid >= nodes) {
      throw new IllegalArgumentException("node " + preferredNid + " is outside 0.." + (nodes - 1));
    }
    if ((nodemask & allNodes) == 0) {
      throw new IllegalArgumentException(
          "node mask 0x" + Long.toHexString(nodemask) + " allows none of nodes 0.." + (nodes - 1));
    }
    if (!node[0].booted()) {
      throw new IllegalStateException("allocPages before completeBoot");
    }
  }

  // ---------------------------------------------------------------- free, boot, drain

  @Override
  public boolean setKswapdWakeup(KswapdWakeup wakeup) {
    this.kswapdWakeup = wakeup;
    return true;
  }

  @Override
  public void freePages(int cpu, long pfn, int order) {
    if (cpu < 0 || cpu >= cpus) {
      throw new IllegalArgumentException("cpu " + cpu + " is outside 0.." + (cpus - 1));
    }
    if (pfn < 0 || pfn >= layout.frames()) {
      throw new BadPageException(
          pfn, order, String.format("pfn outside memory (frames 0x0-0x%x)", layout.frames() - 1));
    }
    node[numa.nodeOf(pfn)].freePages(cpu, pfn, order);
    if (debugChecks) {
      checkInvariants();
    }
  }

  @Override
  public void freeBootPages(long pfn, int order) {
    if (pfn < 0 || pfn >= layout.frames()) {
      throw new BadPageException(
          pfn, order, String.format("pfn outside memory (frames 0x0-0x%x)", layout.frames() - 1));
    }
    node[numa.nodeOf(pfn)].freeBootPages(pfn, order);
  }

  @Override
  public void completeBoot() {
    if (node[0].booted()) {
      throw new IllegalStateException("completeBoot called twice");
    }
    long total = managedPages();
    for (BuddyAllocator b : node) {
      b.completeBoot(total);
    }
  }

  @Override
  public void drainPages(int cpu) {
    if (cpu < 0 || cpu >= cpus) {
      throw new IllegalArgumentException("cpu " + cpu + " is outside 0.." + (cpus - 1));
    }
    for (BuddyAllocator b : node) {
      b.drainPages(cpu);
    }
  }

  @Override
  public void drainAllPages() {
    for (BuddyAllocator b : node) {
      b.drainAllPages();
    }
  }

  // ---------------------------------------------------------------- queries

  @Override
  public long nrFreePages() {
    long t = 0;
    for (BuddyAllocator b : node) {
      t += b.nrFreePages();
    }
    return t;
  }

  @Override
  public long nrFreePages(Zone zone) {
    long t = 0;
    for (BuddyAllocator b : node) {
      t += b.nrFreePages(zone);
    }
    return t;
  }

  @Override
  public long managedPages() {
    long t = 0;
    for (BuddyAllocator b : node) {
      t += b.managedPages();
    }
    return t;
  }

  /** The zone type's watermark summed over the nodes, the machine-wide figure reclaim compares. */
  @Override
  public long watermark(Zone zone, Watermark mark) {
    long t = 0;
    for (BuddyAllocator b : node) {
      t += b.watermark(zone, mark);
    }
    return t;
  }

  /**
   * The zone type over every node: PFN range and spans of the machine, pages, watermarks, free
   * blocks and per-CPU counts summed; per-CPU high and batch and the lowmem reserve of the first
   * node that has the zone.
   */
  @Override
  public ZoneStats zoneStats(Zone zone) {
    long present = 0;
    long managed = 0;
    long free = 0;
    long min = 0;
    long low = 0;
    long high = 0;
    long[] blocks = new long[NR_ORDERS];
    int[] pcp = new int[cpus];
    ZoneStats first = null;
    for (int n = 0; n < nodes; n++) {
      ZoneStats s = node[n].zoneStats(zone);
      if (first == null && s.managed() > 0) {
        first = s;
      }
      present += s.present();
      managed += s.managed();
      free += s.free();
      min += s.min();
      low += s.low();
      high += s.high();
      long[] b = s.freeBlocks();
      for (int o = 0; o < NR_ORDERS; o++) {
        blocks[o] += b[o];
      }
      int[] c = s.pcpCount();
      for (int cpu = 0; cpu < cpus; cpu++) {
        pcp[cpu] += c[cpu];
      }
    }
    if (first == null) {
      first = node[0].zoneStats(zone);
    }
    return new ZoneStats(
        zone,
        layout.zoneStart(zone),
        layout.zoneSpanned(zone),
        present,
        managed,
        free,
        min,
        low,
        high,
        blocks,
        pcp,
        first.pcpHigh(),
        first.pcpBatch(),
        first.protection());
  }

  @Override
  public ZoneStats zoneStats(int nid, Zone zone) {
    return node[checkNode(nid)].zoneStats(zone);
  }

  @Override
  public Optional<PageTypeInfo> pageTypeInfo(Zone zone) {
    return node[0].pageTypeInfo(zone);
  }

  @Override
  public Optional<PageTypeInfo> pageTypeInfo(int nid, Zone zone) {
    return node[checkNode(nid)].pageTypeInfo(zone);
  }

  @Override
  public long numaEvent(int nid, Zone zone, NumaStat stat) {
    return numaEvents[(checkNode(nid) * NR_ZONES + zone.ordinal()) * NSTATS + stat.ordinal()];
  }

  private int checkNode(int nid) {
    if (nid < 0 || nid >= nodes) {
      throw new IllegalArgumentException("node " + nid + " is outside 0.." + (nodes - 1));
    }
    return nid;
  }

  /** Every node's frames; a free block's owner names its node ({@code node 1 Normal Movable}). */
  @Override
  public void describeFrames(FrameMap map) {
    for (int nid = 0; nid < nodes; nid++) {
      node[nid].describeFrames(map, "node " + nid + " ");
    }
  }

  @Override
  public Memmap memmap() {
    return memmap;
  }

  @Override
  public int metadataBytesPerFrame() {
    return node[0].metadataBytesPerFrame();
  }

  @Override
  public boolean canSplitPages() {
    return true;
  }

  @Override
  public void splitPage(long pfn, int order) {
    if (pfn < 0 || pfn >= layout.frames()) {
      throw new BadPageException(
          pfn, order, String.format("pfn outside memory (frames 0x0-0x%x)", layout.frames() - 1));
    }
    node[numa.nodeOf(pfn)].splitPage(pfn, order);
  }

  @Override
  public boolean compactionSupported() {
    return true;
  }

  /**
   * Compacts {@code cc}'s zone on each node in turn (the zonelist's order for node 0), stopping at
   * the first node where the goal is reached; the best result.
   */
  @Override
  public CompactResult compactZone(CompactControl cc, PageMigrator migrator) {
    CompactResult best = CompactResult.SKIPPED;
    for (BuddyAllocator n : node) {
      if (!n.booted()) {
        throw new IllegalStateException("compactZone before completeBoot");
      }
      CompactResult r = n.compactZone(cc, migrator);
      if (r.ordinal() > best.ordinal()) {
        best = r;
      }
      if (r == CompactResult.SUCCESS) {
        break;
      }
    }
    if (debugChecks) {
      checkInvariants();
    }
    return best;
  }

  /**
   * Every node's counters summed (see BuddyAllocator#statistics), the allocation failures and drain
   * retries of the zonelist walk, and the NUMA events summed over zones ({@code numa_hit}, {@code
   * numa_miss}, {@code numa_foreign}, {@code numa_local}, {@code numa_other}).
   */
  @Override
  public Statistics statistics() {
    Map<String, Long> sum = new LinkedHashMap<>();
    for (BuddyAllocator n : node) {
      for (Map.Entry<String, Long> e : n.statistics().counters().entrySet()) {
        sum.merge(e.getKey(), e.getValue(), Long::sum);
      }
    }
    sum.put("pgalloc_fail", allocFail);
    sum.put("alloc_drain_retry", allocDrainRetry);
    Statistics.Builder b = Statistics.builder();
    for (Map.Entry<String, Long> e : sum.entrySet()) {
      b.put(e.getKey(), e.getValue());
    }
    for (NumaStat st : NumaStat.values()) {
      if (st == NumaStat.INTERLEAVE) {
        continue;
      }
      long t = 0;
      for (int i = st.ordinal(); i < numaEvents.length; i += NSTATS) {
        t += numaEvents[i];
      }
      b.put(st.procName(), t);
    }
    return b.build();
  }

  @Override
  public void checkInvariants() {
    for (BuddyAllocator b : node) {
      b.checkInvariants();
    }
  }

  /** The allocator of one node, for tests. */
  BuddyAllocator node(int nid) {
    return node[nid];
  }

  /** The node order of nid's zonelist, for tests. */
  int[] zonelist(int nid) {
    return zonelist[nid].clone();
  }

  @Override
  public String toString() {
    return "buddy allocator: " + nodes + " nodes " + Arrays.toString(node);
  }
}
