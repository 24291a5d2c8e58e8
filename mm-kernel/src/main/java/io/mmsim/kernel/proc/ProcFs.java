package io.mmsim.kernel.proc;

import java.util.ArrayList;
import java.util.List;

import io.mmsim.api.Statistics;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.page.NumaStat;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.swap.SwapSystem;
import io.mmsim.api.util.Bits;
import io.mmsim.api.vmalloc.VirtualAllocator;
import io.mmsim.api.vmalloc.VmArea;
import io.mmsim.kernel.mm.Processes;
import io.mmsim.kernel.mm.Task;
import io.mmsim.kernel.mm.VmAreaStruct;
import io.mmsim.kernel.stat.VmEvent;
import io.mmsim.kernel.stat.VmEvents;

/**
 * Renders the /proc views in the kernel's exact formats (the seq_file show functions of fs/proc and
 * mm): field widths, padding, trailing spaces and line order as {@code mm/vmstat.c}, {@code
 * fs/proc/meminfo.c}, {@code mm/slab_common.c} and {@code mm/vmalloc.c} print them. The debugfs
 * files {@code extfrag/unusable_index} and {@code extfrag/extfrag_index} are views too, named by
 * their path under {@code /sys/kernel/debug}.
 *
 * <p>Only values the simulator really keeps are shown; a view or key that would need a part that is
 * not configured (or not modelled) is left out rather than filled with a guess.
 */
public final class ProcFs {
  private static final String EXTFRAG_UNUSABLE = "extfrag/unusable_index";
  private static final String EXTFRAG_INDEX = "extfrag/extfrag_index";

  private final MemoryLayout layout;
  private final PageAllocator pages;
  private final ObjectAllocator objects;
  private final VirtualAllocator vmalloc;
  private final PageTable pageTable;
  private final Processes processes;
  private final SwapSystem swap;
  private final VmEvents events;
  private final NodeView.InterleaveHits interleaveHits;

  /** A renderer over the kernel's parts; the optional ones may be null. */
  public ProcFs(
      MemoryLayout layout,
      PageAllocator pages,
      ObjectAllocator objects,
      VirtualAllocator vmalloc,
      PageTable pageTable,
      Processes processes,
      SwapSystem swap,
      VmEvents events) {
    this.layout = layout;
    this.pages = pages;
    this.objects = objects;
    this.vmalloc = vmalloc;
    this.pageTable = pageTable;
    this.processes = processes;
    this.swap = swap;
    this.events = events;
    // numa_interleave comes from the memory policy that picks interleave nodes: the page
    // allocator cannot tell an interleaved request from another
    this.interleaveHits = processes == null ? null : processes::interleaveHits;
  }

  /** The views available with this kernel's parts, in a stable order. */
  public List<String> names() {
    List<String> n = new ArrayList<>(List.of("buddyinfo", "zoneinfo", "meminfo", "vmstat"));
    if (PageTypeInfoView.available(layout, pages)) {
      n.add("pagetypeinfo");
    }
    // the debugfs files (/sys/kernel/debug/extfrag/), from the free blocks per order
    n.add(EXTFRAG_UNUSABLE);
    n.add(EXTFRAG_INDEX);
    if (objects != null && !objects.slabinfo().isEmpty()) {
      n.add("slabinfo");
    }
    if (vmalloc != null) {
      n.add("vmallocinfo");
    }
    if (swap != null) {
      n.add("swaps");
    }
    if (processes != null && processes.lruGen() != null) {
      // the debugfs file of the multi-gen LRU (/sys/kernel/debug/lru_gen)
      n.add("lru_gen");
    }
    if (processes != null) {
      for (Task t : processes.live()) {
        n.add(t.pid() + "/maps");
      }
    }
    if (layout.nodes() > 1) {
      // the sysfs files /sys/devices/system/node/nodeN/{meminfo,numastat}
      for (int nid = 0; nid < layout.nodes(); nid++) {
        n.add(NodeView.meminfoName(nid));
        n.add(NodeView.numastatName(nid));
      }
    }
    return n;
  }

  /** Renders the view called {@code name}. */
  public String render(String name) {
    if (!names().contains(name)) {
      throw new IllegalArgumentException("no /proc/" + name + " in this kernel; views: " + names());
    }
    return switch (name) {
      case "buddyinfo" -> buddyinfo();
      case "zoneinfo" -> zoneinfo();
      case "meminfo" -> meminfo();
      case "vmstat" -> vmstat();
      case "pagetypeinfo" -> PageTypeInfoView.render(layout, pages);
      case EXTFRAG_UNUSABLE -> Extfrag.unusableIndexFile(layout, pages);
      case EXTFRAG_INDEX -> Extfrag.extfragIndexFile(layout, pages);
      case "slabinfo" -> slabinfo();
      case "vmallocinfo" -> vmallocinfo();
      case "swaps" -> swap.procSwaps();
      case "lru_gen" -> processes.lruGen();
      default -> {
        if (name.startsWith(NodeView.PREFIX)) {
          yield nodeView().render(name);
        }
        if (name.endsWith("/maps")) {
          yield maps(Integer.parseInt(name.substring(0, name.indexOf('/'))));
        }
        throw new IllegalArgumentException("no /proc/" + name);
      }
    };
  }

  // ------------------------------------------------------------------ PID/maps

  /**
   * {@code /proc/PID/maps} of a live process ({@code show_map_vma} in fs/proc/task_mmu.c): {@code
   * %08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu }, then the name padded to column 74 when there is
   * one.
   */
  public String maps(int pid) {
    StringBuilder sb = new StringBuilder();
    for (VmAreaStruct v : processes.areas(pid)) {
      int from = sb.length();
      boolean file = v.file() != null;
      sb.append(
          String.format(
              "%08x-%08x %s%c %08x %02x:%02x %d ",
              v.start(),
              v.end(),
              io.mmsim.api.fault.Prot.format(v.prot()),
              v.shared() ? 's' : 'p',
              file ? v.fileOffset() : 0,
              file ? v.file().device() >>> 8 : 0,
              file ? v.file().device() & 0xff : 0,
              file ? v.file().inode() : 0));
      String n = v.name();
      if (n != null && !n.isEmpty()) {
        while (sb.length() - from < 73) {
          sb.append(' ');
        }
        sb.append(n);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ buddyinfo

  /** {@code Node N, zone %8s } then {@code %6lu } per order, for each populated zone. */
  public String buddyinfo() {
    StringBuilder sb = new StringBuilder();
    for (int nid = 0; nid < layout.nodes(); nid++) {
      for (Zone z : Zone.values()) {
        if (!layout.populated(nid, z)) {
          continue;
        }
        ZoneStats s = pages.zoneStats(nid, z);
        sb.append(String.format("Node %d, zone %8s ", nid, z.kernelName()));
        for (long blocks : s.freeBlocks()) {
          sb.append(String.format("%6d ", blocks));
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  private NodeView nodeView() {
    return new NodeView(layout, pages, interleaveHits, this::nodeLru, processes);
  }

  /** The counters of node {@code nid}'s global reclaim policy (its lruvec), or null. */
  private Statistics nodeLru(int nid) {
    if (processes == null || processes.globalPolicy(nid) == null) {
      return null;
    }
    return processes.globalPolicy(nid).statistics();
  }

  /** The node stats ({@code enum node_stat_item}) a node's reclaim policy keeps, in order. */
  private static final String[] NODE_LRU_STATS = {
    "workingset_refault_anon",
    "workingset_refault_file",
    "workingset_activate_anon",
    "workingset_activate_file",
    "workingset_restore_anon",
    "workingset_restore_file"
  };

  // ------------------------------------------------------------------ zoneinfo

  /** The zone part of /proc/zoneinfo that the simulator models. */
  public String zoneinfo() {
    StringBuilder sb = new StringBuilder();
    for (int nid = 0; nid < layout.nodes(); nid++) {
      zoneinfo(sb, nid);
    }
    return sb.toString();
  }

  private void zoneinfo(StringBuilder sb, int nid) {
    boolean first = true;
    boolean numa = layout.nodes() > 1;
    for (Zone z : Zone.values()) {
      ZoneStats s = pages.zoneStats(nid, z);
      sb.append(String.format("Node %d, zone %8s", nid, z.kernelName()));
      if (first && layout.populated(nid, z)) {
        first = false;
        sb.append("\n  per-node stats");
        // slab pages are counted per machine, not per node
        if (!numa) {
          row(sb, "nr_slab_reclaimable", objects == null ? 0 : objects.reclaimablePages());
          row(sb, "nr_slab_unreclaimable", objects == null ? 0 : objects.unreclaimablePages());
        } else {
          // the refault counters of the node's own lruvec
          Statistics lru = nodeLru(nid);
          for (String k : NODE_LRU_STATS) {
            if (lru != null && lru.counters().containsKey(k)) {
              row(sb, k, lru.get(k));
            }
          }
        }
      }
      long step = Math.max(0, s.high() - s.low());
      sb.append(String.format("\n  pages free     %d", s.free()));
      sb.append(String.format("\n        boost    %d", 0));
      sb.append(String.format("\n        min      %d", s.min()));
      sb.append(String.format("\n        low      %d", s.low()));
      sb.append(String.format("\n        high     %d", s.high()));
      sb.append(String.format("\n        promo    %d", s.high() + step));
      sb.append(String.format("\n        spanned  %d", s.spanned()));
      sb.append(String.format("\n        present  %d", s.present()));
      sb.append(String.format("\n        managed  %d", s.managed()));
      sb.append(String.format("\n        cma      %d", 0));
      // the kernel prints one entry per zone type (MAX_NR_ZONES), here including the empty,
      // unmodelled Movable and Device zones of an x86-64 distribution kernel: with no pages
      // of their own, their reserves equal the Normal entry's
      long[] prot = s.protection();
      StringBuilder p = new StringBuilder();
      for (long v : prot) {
        p.append(p.length() == 0 ? "" : ", ").append(v);
      }
      p.append(", ").append(prot[prot.length - 1]);
      p.append(", ").append(prot[prot.length - 1]);
      sb.append("\n        protection: (").append(p).append(')');
      if (!layout.populated(nid, z)) {
        sb.append('\n');
        continue;
      }
      row(sb, "nr_free_pages", s.free());
      if (numa) {
        for (NumaStat st : NumaStat.values()) {
          row(sb, st.procName(), numaEvent(nid, z, st));
        }
      }
      sb.append("\n  pagesets");
      // the 6.7+ layout (mm/vmstat.c: zoneinfo_show_print): values aligned after the longest
      // label, high_min and high_max, which mmsim does not model, left out; the threshold
      // follows each CPU's pageset
      int[] pcp = s.pcpCount();
      for (int cpu = 0; cpu < pcp.length; cpu++) {
        sb.append(String.format("\n    cpu: %d", cpu));
        sb.append(String.format("\n              count:    %d", pcp[cpu]));
        sb.append(String.format("\n              high:     %d", s.pcpHigh()));
        sb.append(String.format("\n              batch:    %d", s.pcpBatch()));
        sb.append(String.format("\n  vm stats threshold: %d", statThreshold(s.managed())));
      }
      sb.append(String.format("\n  node_unreclaimable:  %d", 0));
      sb.append(String.format("\n  start_pfn:           %d", s.startPfn()));
      sb.append('\n');
    }
  }

  /** One zone's NUMA event: the allocator's, and the memory policy's interleave hits. */
  private long numaEvent(int nid, Zone z, NumaStat st) {
    return st == NumaStat.INTERLEAVE && interleaveHits != null
        ? interleaveHits.applyAsLong(nid, z)
        : pages.numaEvent(nid, z, st);
  }

  /** calculate_normal_threshold: 2 * fls(cpus) * (1 + fls(managed in 128 MiB units)), max 125. */
  private int statThreshold(long managed) {
    long mem = managed >>> (27 - Page.PAGE_SHIFT);
    long t = 2L * Bits.fls(layout.cpus()) * (1 + Bits.fls(mem));
    return (int) Math.min(125, t);
  }

  private static void row(StringBuilder sb, String name, long value) {
    sb.append(String.format("\n      %-12s %d", name, value));
  }

  // ------------------------------------------------------------------ meminfo

  /** /proc/meminfo with every key the simulator can fill honestly. */
  public String meminfo() {
    long free = pages.nrFreePages();
    long total = pages.managedPages();
    long sRecl = objects == null ? 0 : objects.reclaimablePages();
    long sUnrecl = objects == null ? 0 : objects.unreclaimablePages();
    long lowSum = 0;
    long reserve = 0;
    for (int nid = 0; nid < layout.nodes(); nid++) {
      for (Zone z : Zone.values()) {
        if (!layout.populated(nid, z)) {
          continue;
        }
        ZoneStats s = pages.zoneStats(nid, z);
        lowSum += s.low();
        reserve += Math.min(s.high() + s.maxProtection(), s.managed());
      }
    }
    // si_mem_available: free minus the reserves, plus the reclaimable part of slab
    long available = free - reserve;
    available += sRecl - Math.min(sRecl / 2, lowSum);
    available = Math.max(0, available);

    StringBuilder sb = new StringBuilder();
    kb(sb, "MemTotal", total);
    kb(sb, "MemFree", free);
    kb(sb, "MemAvailable", available);
    // the simulator has no block devices, hence no buffer heads
    kb(sb, "Buffers", 0);
    if (processes != null) {
      kb(sb, "Cached", processes.cachedPages());
    }
    if (swap != null) {
      kb(sb, "SwapCached", swap.swapCachePages());
    }
    Statistics lru = processes == null ? null : processes.globalPolicyStatistics();
    if (lru != null && lru.counters().containsKey("nr_active")) {
      kb(sb, "Active", lru.get("nr_active"));
      kb(sb, "Inactive", lru.get("nr_inactive"));
    }
    if (swap != null) {
      kb(sb, "SwapTotal", swap.totalSwapPages());
      kb(sb, "SwapFree", swap.freeSwapPages());
    }
    if (processes != null) {
      // a PMD-mapped THP counts in AnonPages too
      kb(sb, "AnonPages", processes.anonPages() + processes.anonHugePages());
      kb(sb, "Mapped", processes.mappedFilePages());
      kb(sb, "Shmem", processes.shmemPages());
    }
    kb(sb, "KReclaimable", sRecl);
    kb(sb, "Slab", sRecl + sUnrecl);
    kb(sb, "SReclaimable", sRecl);
    kb(sb, "SUnreclaim", sUnrecl);
    if (pageTable != null) {
      kb(sb, "PageTables", pageTable.tablePages());
    }
    // no bounce buffers: every zone is directly addressable on x86-64
    kb(sb, "Bounce", 0);
    if (processes != null) {
      // vm.overcommit_ratio's default of 50 %
      kb(sb, "CommitLimit", total / 2 + (swap == null ? 0 : swap.totalSwapPages()));
      kb(sb, "Committed_AS", processes.committedPages());
    }
    if (vmalloc != null) {
      sb.append(String.format("%-16s%8d kB\n", "VmallocTotal:", vmalloc.totalBytes() >>> 10));
      kb(sb, "VmallocUsed", vmalloc.usedPages());
      kb(sb, "VmallocChunk", 0);
    }
    kb(sb, "AnonHugePages", processes == null ? 0 : processes.anonHugePages());
    // hugetlb_report_meminfo: one 2 MiB pool; no overcommit, so no surplus pages
    long hpTotal = processes == null ? 0 : processes.hugePagesTotal();
    sb.append(String.format("%-19s%5d\n", "HugePages_Total:", hpTotal));
    sb.append(
        String.format(
            "%-19s%5d\n", "HugePages_Free:", processes == null ? 0 : processes.hugePagesFree()));
    sb.append(
        String.format(
            "%-19s%5d\n", "HugePages_Rsvd:", processes == null ? 0 : processes.hugePagesRsvd()));
    sb.append(String.format("%-19s%5d\n", "HugePages_Surp:", 0));
    sb.append(String.format("%-16s%8d kB\n", "Hugepagesize:", 2048));
    sb.append(String.format("%-16s%8d kB\n", "Hugetlb:", hpTotal * 2048));
    if (pageTable != null) {
      // the direct map's leaf entries by size, in kB as the kernel prints them
      sb.append(
          String.format(
              "%-16s%8d kB\n", "DirectMap4k:", pageTable.directMapPages(Page.PAGE_SIZE) * 4));
      sb.append(
          String.format(
              "%-16s%8d kB\n", "DirectMap2M:", pageTable.directMapPages(2L << 20) * 2048));
      sb.append(
          String.format(
              "%-16s%8d kB\n", "DirectMap1G:", pageTable.directMapPages(1L << 30) * (1L << 20)));
    }
    return sb.toString();
  }

  private static void kb(StringBuilder sb, String key, long pages) {
    sb.append(String.format("%-16s%8d kB\n", key + ":", pages << (Page.PAGE_SHIFT - 10)));
  }

  // ------------------------------------------------------------------ vmstat

  /**
   * /proc/vmstat: counters the simulator keeps, in the kernel's order, {@code nr_unstable} last.
   */
  public String vmstat() {
    Statistics st = pages.statistics();
    Statistics sw = swap == null ? Statistics.builder().build() : swap.statistics();
    Statistics pol =
        processes == null || processes.globalPolicyStatistics() == null
            ? Statistics.builder().build()
            : processes.globalPolicyStatistics();
    StringBuilder sb = new StringBuilder();
    line(sb, "nr_free_pages", pages.nrFreePages());
    if (layout.nodes() > 1) {
      for (NumaStat n : NumaStat.values()) {
        long t = 0;
        for (int nid = 0; nid < layout.nodes(); nid++) {
          for (Zone z : Zone.values()) {
            t += numaEvent(nid, z, n);
          }
        }
        line(sb, n.procName(), t);
      }
    }
    if (objects != null) {
      line(sb, "nr_slab_reclaimable", objects.reclaimablePages());
      line(sb, "nr_slab_unreclaimable", objects.unreclaimablePages());
    }
    if (processes != null) {
      // node counters in the kernel's order (enum node_stat_item): shadow nodes of the page
      // cache and the swap cache, then the refault events
      line(sb, "workingset_nodes", sw.get("workingset_nodes") + processes.workingsetNodes());
      line(sb, "workingset_refault_anon", events.get(VmEvent.WORKINGSET_REFAULT_ANON));
      line(sb, "workingset_refault_file", events.get(VmEvent.WORKINGSET_REFAULT_FILE));
      line(sb, "workingset_activate_anon", events.get(VmEvent.WORKINGSET_ACTIVATE_ANON));
      line(sb, "workingset_activate_file", events.get(VmEvent.WORKINGSET_ACTIVATE_FILE));
      line(sb, "workingset_restore_anon", events.get(VmEvent.WORKINGSET_RESTORE_ANON));
      line(sb, "workingset_restore_file", events.get(VmEvent.WORKINGSET_RESTORE_FILE));
      line(
          sb,
          "workingset_nodereclaim",
          sw.get("workingset_nodereclaim") + processes.workingsetNodeReclaim());
    }
    if (pageTable != null) {
      line(sb, "nr_page_table_pages", pageTable.tablePages());
    }
    if (swap != null) {
      line(sb, "nr_swapcached", sw.get("nr_swapcached"));
    }
    line(sb, "pswpin", sw.get("pswpin"));
    line(sb, "pswpout", sw.get("pswpout"));
    line(sb, "pgalloc_dma", st.get("pgalloc_dma"));
    line(sb, "pgalloc_dma32", st.get("pgalloc_dma32"));
    line(sb, "pgalloc_normal", st.get("pgalloc_normal"));
    line(sb, "pgalloc_movable", 0);
    line(sb, "allocstall_normal", sw.get("allocstall"));
    line(sb, "pgfree", st.get("pgfree"));
    line(sb, "pgactivate", pol.get("pgactivate"));
    line(sb, "pgdeactivate", pol.get("pgdeactivate"));
    line(sb, VmEvent.PGFAULT.procName(), events.get(VmEvent.PGFAULT));
    line(sb, VmEvent.PGMAJFAULT.procName(), events.get(VmEvent.PGMAJFAULT));
    line(sb, "pgsteal_kswapd", sw.get("pgsteal_kswapd"));
    line(sb, "pgsteal_direct", sw.get("pgsteal_direct"));
    line(sb, "pgscan_kswapd", sw.get("pgscan_kswapd"));
    line(sb, "pgscan_direct", sw.get("pgscan_direct"));
    line(sb, "pageoutrun", sw.get("pageoutrun"));
    line(sb, VmEvent.OOM_KILL.procName(), events.get(VmEvent.OOM_KILL));
    if (pages.compactionSupported()) {
      line(sb, "pgmigrate_success", st.get("pgmigrate_success"));
      line(sb, "pgmigrate_fail", st.get("pgmigrate_fail"));
      line(sb, "compact_migrate_scanned", st.get("compact_migrate_scanned"));
      line(sb, "compact_free_scanned", st.get("compact_free_scanned"));
      line(sb, "compact_isolated", st.get("compact_isolated"));
      line(sb, VmEvent.COMPACTSTALL.procName(), events.get(VmEvent.COMPACTSTALL));
      line(sb, VmEvent.COMPACTFAIL.procName(), events.get(VmEvent.COMPACTFAIL));
      line(sb, VmEvent.COMPACTSUCCESS.procName(), events.get(VmEvent.COMPACTSUCCESS));
      line(sb, VmEvent.COMPACTDAEMON_WAKE.procName(), events.get(VmEvent.COMPACTDAEMON_WAKE));
    }
    if (processes != null) {
      line(sb, VmEvent.THP_FAULT_ALLOC.procName(), events.get(VmEvent.THP_FAULT_ALLOC));
      line(sb, VmEvent.THP_FAULT_FALLBACK.procName(), events.get(VmEvent.THP_FAULT_FALLBACK));
      line(sb, VmEvent.THP_COLLAPSE_ALLOC.procName(), events.get(VmEvent.THP_COLLAPSE_ALLOC));
      line(
          sb,
          VmEvent.THP_COLLAPSE_ALLOC_FAILED.procName(),
          events.get(VmEvent.THP_COLLAPSE_ALLOC_FAILED));
      line(sb, VmEvent.THP_SPLIT_PMD.procName(), events.get(VmEvent.THP_SPLIT_PMD));
    }
    line(sb, "nr_unstable", 0);
    return sb.toString();
  }

  private static void line(StringBuilder sb, String name, long value) {
    sb.append(name).append(' ').append(value).append('\n');
  }

  // ------------------------------------------------------------------ slabinfo

  /** /proc/slabinfo version 2.1. */
  public String slabinfo() {
    StringBuilder sb = new StringBuilder();
    sb.append("slabinfo - version: 2.1\n");
    sb.append(
        "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
            + " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs>"
            + " <num_slabs> <sharedavail>\n");
    for (SlabInfo row : objects.slabinfo()) {
      sb.append(row.format()).append('\n');
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ vmallocinfo

  /** /proc/vmallocinfo, one row per area by address. */
  public String vmallocinfo() {
    StringBuilder sb = new StringBuilder();
    for (VmArea a : vmalloc.areas()) {
      sb.append(a.format()).append('\n');
    }
    return sb.toString();
  }
}
