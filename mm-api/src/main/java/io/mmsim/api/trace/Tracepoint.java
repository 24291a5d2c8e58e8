package io.mmsim.api.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every event the simulator can report, named as the kernel names its tracepoints ({@code
 * system:event}, as in {@code /sys/kernel/tracing/events}).
 *
 * <p>The kernel's own events keep the kernel's system, name and {@code TP_printk} layout: {@code
 * kmem} ({@code include/trace/events/kmem.h}), {@code exceptions} (x86's page-fault events), {@code
 * vmscan}, {@code oom}, {@code tlb} and {@code vmalloc}. Events of the system {@code mmsim} are not
 * the kernel's: they show steps the kernel does not trace (a buddy split, one level of a page walk,
 * the policy's choice of a victim) so that explanations can be built from events alone. {@link
 * #kernel()} tells the two apart.
 *
 * <p>An event carries up to {@link TraceEvent#MAX_ARGS} numbers and {@link TraceEvent#MAX_TEXTS}
 * strings; {@link #args()} and {@link #texts()} name them in order, e.g. {@code mm_page_alloc}'s
 * arguments are {@code pfn order migratetype gfp_flags}.
 */
public enum Tracepoint {
  // ------------------------------------------------------------------ kmem
  /** {@code kmem:mm_page_alloc}: every page allocation, also a failed one (pfn -1). */
  MM_PAGE_ALLOC("kmem", "mm_page_alloc", Ctx.PLAIN, "pfn order migratetype gfp_flags", ""),
  /** {@code kmem:mm_page_free}: every page free ({@code free_pages_prepare}). */
  MM_PAGE_FREE("kmem", "mm_page_free", Ctx.PLAIN, "pfn order", ""),
  /**
   * {@code kmem:mm_page_alloc_zone_locked}: a block taken off a buddy free list under the zone lock
   * ({@code __rmqueue_smallest}); percpu_refill is 1 for a page that refills a per-CPU list.
   */
  MM_PAGE_ALLOC_ZONE_LOCKED(
      "kmem",
      "mm_page_alloc_zone_locked",
      Ctx.ZONE_LOCK,
      "pfn order migratetype percpu_refill",
      ""),
  /** {@code kmem:mm_page_pcpu_drain}: a per-CPU page going back to the buddy lists. */
  MM_PAGE_PCPU_DRAIN("kmem", "mm_page_pcpu_drain", Ctx.ZONE_LOCK, "pfn order migratetype", ""),
  /** {@code kmem:mm_page_alloc_extfrag}: an allocation served from another migrate type. */
  MM_PAGE_ALLOC_EXTFRAG(
      "kmem",
      "mm_page_alloc_extfrag",
      Ctx.ZONE_LOCK,
      "pfn alloc_order fallback_order alloc_migratetype fallback_migratetype change_ownership",
      ""),
  /** {@code kmem:kmalloc}; call_site is the workload line (or {@code api}). */
  KMALLOC("kmem", "kmalloc", Ctx.PLAIN, "ptr bytes_req bytes_alloc gfp_flags node", "call_site"),
  /** {@code kmem:kfree}. */
  KFREE("kmem", "kfree", Ctx.PLAIN, "ptr", "call_site"),
  /** {@code kmem:kmem_cache_alloc}. */
  KMEM_CACHE_ALLOC(
      "kmem",
      "kmem_cache_alloc",
      Ctx.PLAIN,
      "ptr bytes_req bytes_alloc gfp_flags node",
      "call_site name"),
  /** {@code kmem:kmem_cache_free}. */
  KMEM_CACHE_FREE("kmem", "kmem_cache_free", Ctx.PLAIN, "ptr", "call_site name"),

  // ------------------------------------------------------------------ exceptions (x86)
  /** {@code exceptions:page_fault_user}: a #PF taken in user mode. */
  PAGE_FAULT_USER("exceptions", "page_fault_user", Ctx.IRQS_OFF, "address ip error_code", ""),
  /** {@code exceptions:page_fault_kernel}: a #PF taken in kernel mode. */
  PAGE_FAULT_KERNEL("exceptions", "page_fault_kernel", Ctx.IRQS_OFF, "address ip error_code", ""),

  // ------------------------------------------------------------------ vmscan
  /** {@code vmscan:mm_vmscan_kswapd_wake}: kswapd wakes to balance a node. */
  MM_VMSCAN_KSWAPD_WAKE("vmscan", "mm_vmscan_kswapd_wake", Ctx.PLAIN, "nid zid order", ""),
  /** {@code vmscan:mm_vmscan_kswapd_sleep}: kswapd goes back to sleep. */
  MM_VMSCAN_KSWAPD_SLEEP("vmscan", "mm_vmscan_kswapd_sleep", Ctx.PLAIN, "nid", ""),
  /**
   * {@code vmscan:mm_vmscan_wakeup_kswapd}: an allocating task found a zone below its low watermark
   * and wakes the node's kswapd ({@code wakeup_kswapd}).
   */
  MM_VMSCAN_WAKEUP_KSWAPD(
      "vmscan", "mm_vmscan_wakeup_kswapd", Ctx.PLAIN, "nid zid order gfp_flags", ""),
  /** {@code vmscan:mm_vmscan_direct_reclaim_begin}: an allocating task reclaims itself. */
  MM_VMSCAN_DIRECT_RECLAIM_BEGIN(
      "vmscan", "mm_vmscan_direct_reclaim_begin", Ctx.PLAIN, "order gfp_flags", ""),
  /** {@code vmscan:mm_vmscan_direct_reclaim_end}. */
  MM_VMSCAN_DIRECT_RECLAIM_END(
      "vmscan", "mm_vmscan_direct_reclaim_end", Ctx.PLAIN, "nr_reclaimed", ""),
  /** {@code vmscan:mm_vmscan_lru_isolate}: one batch taken off the reclaim lists. */
  MM_VMSCAN_LRU_ISOLATE(
      "vmscan",
      "mm_vmscan_lru_isolate",
      Ctx.PLAIN,
      "highest_zoneidx order nr_requested nr_scanned nr_skipped nr_taken isolate_mode lru",
      ""),
  /**
   * {@code vmscan:mm_vmscan_lru_shrink_inactive}: what one batch of reclaim did with the pages it
   * took ({@code shrink_inactive_list}); reclaim_flags as for write_folio.
   */
  MM_VMSCAN_LRU_SHRINK_INACTIVE(
      "vmscan",
      "mm_vmscan_lru_shrink_inactive",
      Ctx.PLAIN,
      "nid nr_scanned nr_reclaimed nr_dirty nr_activate_anon nr_activate_file priority"
          + " reclaim_flags",
      ""),
  /** {@code vmscan:mm_vmscan_write_folio}: reclaim writes a dirty page out (here: to swap). */
  MM_VMSCAN_WRITE_FOLIO("vmscan", "mm_vmscan_write_folio", Ctx.PLAIN, "pfn reclaim_flags", ""),

  // ------------------------------------------------------------------ compaction
  /** {@code compaction:mm_compaction_begin}: compact_zone starts its two scanners. */
  MM_COMPACTION_BEGIN(
      "compaction",
      "mm_compaction_begin",
      Ctx.PLAIN,
      "zone_start migrate_pfn free_pfn zone_end sync",
      ""),
  /** {@code compaction:mm_compaction_end}: where the scanners stopped, and the status. */
  MM_COMPACTION_END(
      "compaction",
      "mm_compaction_end",
      Ctx.PLAIN,
      "zone_start migrate_pfn free_pfn zone_end sync status",
      ""),
  /** {@code compaction:mm_compaction_migratepages}: one batch of isolated pages migrated. */
  MM_COMPACTION_MIGRATEPAGES(
      "compaction", "mm_compaction_migratepages", Ctx.PLAIN, "nr_migrated nr_failed", ""),
  /** {@code compaction:mm_compaction_kcompactd_wake}: kcompactd starts its work. */
  MM_COMPACTION_KCOMPACTD_WAKE(
      "compaction", "mm_compaction_kcompactd_wake", Ctx.PLAIN, "nid order highest_zoneidx", ""),
  /** {@code compaction:mm_compaction_kcompactd_sleep}: kcompactd goes back to sleep. */
  MM_COMPACTION_KCOMPACTD_SLEEP(
      "compaction", "mm_compaction_kcompactd_sleep", Ctx.PLAIN, "nid", ""),

  // ------------------------------------------------------------------ huge_memory
  /**
   * {@code huge_memory:mm_khugepaged_scan_pmd}: khugepaged scanned one 2 MiB range ({@code
   * hpage_collapse_scan_pmd}); status is the scan's result, or the collapse's when it tried one; mm
   * is the address of the process's top-level table ({@code mm->pgd}), pfn the last page looked at
   * (-1: none).
   */
  MM_KHUGEPAGED_SCAN_PMD(
      "huge_memory",
      "mm_khugepaged_scan_pmd",
      Ctx.PLAIN,
      "mm pfn writable referenced none_or_zero unmapped",
      "status"),
  /**
   * {@code huge_memory:mm_collapse_huge_page}: the end of a collapse ({@code collapse_huge_page}).
   */
  MM_COLLAPSE_HUGE_PAGE("huge_memory", "mm_collapse_huge_page", Ctx.PLAIN, "mm isolated", "status"),
  /**
   * {@code huge_memory:mm_collapse_huge_page_isolate}: the range checked again before the copy
   * ({@code __collapse_huge_page_isolate}).
   */
  MM_COLLAPSE_HUGE_PAGE_ISOLATE(
      "huge_memory",
      "mm_collapse_huge_page_isolate",
      Ctx.PLAIN,
      "pfn none_or_zero referenced writable",
      "status"),
  /**
   * {@code huge_memory:mm_collapse_huge_page_swapin}: the range's swap entries read back in ({@code
   * __collapse_huge_page_swapin}); ret is the scan result code (1: succeeded).
   */
  MM_COLLAPSE_HUGE_PAGE_SWAPIN(
      "huge_memory", "mm_collapse_huge_page_swapin", Ctx.PLAIN, "mm swapped_in referenced ret", ""),

  // ------------------------------------------------------------------ oom, tlb, vmalloc
  /** {@code oom:mark_victim}: the OOM killer chose its victim. */
  MARK_VICTIM(
      "oom",
      "mark_victim",
      Ctx.PLAIN,
      "pid total_vm anon_rss file_rss shmem_rss uid pgtables oom_score_adj",
      "comm"),
  /** {@code tlb:tlb_flush}: a TLB flush; pages is -1 for a full flush ({@code TLB_FLUSH_ALL}). */
  TLB_FLUSH("tlb", "tlb_flush", Ctx.PLAIN, "reason pages", ""),
  /** {@code vmalloc:alloc_vmap_area}: a vmalloc or vmap address range was reserved. */
  ALLOC_VMAP_AREA(
      "vmalloc", "alloc_vmap_area", Ctx.PLAIN, "addr size align vstart vend failed", ""),
  /** {@code vmalloc:purge_vmap_area_lazy}: lazily freed ranges go back after one TLB flush. */
  PURGE_VMAP_AREA_LAZY("vmalloc", "purge_vmap_area_lazy", Ctx.PLAIN, "start end npurged", ""),
  /** {@code vmalloc:free_vmap_area_noflush}: a range parked lazily, without a TLB flush. */
  FREE_VMAP_AREA_NOFLUSH(
      "vmalloc", "free_vmap_area_noflush", Ctx.PLAIN, "va_start nr_lazy nr_lazy_max", ""),

  // ------------------------------------------------------------------ mmsim: buddy allocator
  /**
   * {@code mmsim:buddy_rmqueue}: the smallest non-empty free list of the request's zone and type at
   * or above the requested order held a block at {@code from_order}.
   */
  BUDDY_RMQUEUE(
      "mmsim", "buddy_rmqueue", Ctx.ZONE_LOCK, "pfn order from_order zone migratetype", ""),
  /**
   * {@code mmsim:buddy_split}: a block split into two halves of {@code order} at pfn and buddy; the
   * upper half goes on the free list, the lower one is split further or handed out.
   */
  BUDDY_SPLIT("mmsim", "buddy_split", Ctx.ZONE_LOCK, "pfn order buddy zone migratetype", ""),
  /** {@code mmsim:buddy_merge}: a freed block of {@code order} merges with its free buddy. */
  BUDDY_MERGE("mmsim", "buddy_merge", Ctx.ZONE_LOCK, "pfn buddy order zone", ""),
  /**
   * {@code mmsim:buddy_free_block}: a freed (and merged) block goes on a free list; buddy is the
   * block it could not merge with (-1 at the largest order).
   */
  BUDDY_FREE_BLOCK(
      "mmsim", "buddy_free_block", Ctx.ZONE_LOCK, "pfn order zone migratetype buddy to_tail", ""),
  /** {@code mmsim:pcp_alloc}: an order-0 page from a per-CPU list; count pages are left. */
  PCP_ALLOC("mmsim", "pcp_alloc", Ctx.PLAIN, "pfn zone migratetype count", ""),
  /** {@code mmsim:pcp_refill}: an empty per-CPU list refilled from the buddy lists. */
  PCP_REFILL("mmsim", "pcp_refill", Ctx.ZONE_LOCK, "zone migratetype pages batch", ""),
  /** {@code mmsim:pcp_free}: an order-0 page freed onto a per-CPU list. */
  PCP_FREE("mmsim", "pcp_free", Ctx.PLAIN, "pfn zone migratetype count high", ""),
  /**
   * {@code mmsim:pcp_free_bulk}: per-CPU pages go back to the buddy lists, because the lists
   * reached high (drain 0) or because they are drained (drain 1).
   */
  PCP_FREE_BULK("mmsim", "pcp_free_bulk", Ctx.ZONE_LOCK, "zone pages count high drain", ""),

  // ------------------------------------------------------------------ mmsim: object allocators
  /** {@code mmsim:slab_alloc}: where an object came from (path names the allocator's way). */
  SLAB_ALLOC("mmsim", "slab_alloc", Ctx.PLAIN, "ptr", "cache path"),
  /** {@code mmsim:slab_free}: where a freed object went. */
  SLAB_FREE("mmsim", "slab_free", Ctx.PLAIN, "ptr", "cache path"),
  /** {@code mmsim:new_slab}: a new slab of 2^order pages from the page allocator. */
  NEW_SLAB("mmsim", "new_slab", Ctx.PLAIN, "pfn order objects", "cache"),
  /** {@code mmsim:discard_slab}: an empty slab's pages go back to the page allocator. */
  DISCARD_SLAB("mmsim", "discard_slab", Ctx.PLAIN, "pfn order", "cache"),

  // ------------------------------------------------------------------ mmsim: translation
  /** {@code mmsim:page_walk}: a TLB miss starts a walk of the tables from CR3. */
  PAGE_WALK("mmsim", "page_walk", Ctx.PLAIN, "cr3 address user", "access"),
  /** {@code mmsim:walk_step}: the entry of one level of the walk, as read. */
  WALK_STEP("mmsim", "walk_step", Ctx.PLAIN, "level table index entry", ""),
  /** {@code mmsim:walk_done}: the walk reached a leaf and filled the TLB. */
  WALK_DONE("mmsim", "walk_done", Ctx.PLAIN, "address phys page_shift", ""),
  /** {@code mmsim:user_access}: a process's access translated (after any fault). */
  USER_ACCESS("mmsim", "user_access", Ctx.PLAIN, "pid address phys", "access"),

  // ------------------------------------------------------------------ mmsim: faults
  /** {@code mmsim:fault_vma}: the area the faulting address lies in (prot: Prot bits). */
  FAULT_VMA("mmsim", "fault_vma", Ctx.PLAIN, "address start end prot shared", "backing"),
  /** {@code mmsim:do_anonymous_page}: a fresh zeroed page, or the shared zero page for a read. */
  DO_ANONYMOUS_PAGE("mmsim", "do_anonymous_page", Ctx.PLAIN, "address pfn zero_page", ""),
  /** {@code mmsim:do_wp_page}: a write to a write-protected page: copied, or reused in place. */
  DO_WP_PAGE("mmsim", "do_wp_page", Ctx.PLAIN, "address old_pfn new_pfn copied", ""),
  /** {@code mmsim:do_file_page}: a file page mapped, from the page cache or read in. */
  DO_FILE_PAGE("mmsim", "do_file_page", Ctx.PLAIN, "address pfn offset cached", ""),
  /** {@code mmsim:do_swap_page}: a swapped-out page brought back from slot offset of area type. */
  DO_SWAP_PAGE("mmsim", "do_swap_page", Ctx.PLAIN, "address pfn type offset swapcache", ""),
  /** {@code mmsim:fault_done}: which handler of the chain took the fault, and the outcome. */
  FAULT_DONE("mmsim", "fault_done", Ctx.PLAIN, "address", "handler result"),

  // ------------------------------------------------------------------ mmsim: reclaim
  /**
   * {@code mmsim:zone_watermark}: the free pages and watermarks reclaim compared (zid -1: every
   * populated zone of the node summed).
   */
  ZONE_WATERMARK("mmsim", "zone_watermark", Ctx.PLAIN, "nid zid free min low high", ""),
  /**
   * {@code mmsim:shrink_begin}: reclaim asks the policy for victims until nr_to_reclaim pages are
   * freed (mode kswapd or direct) or have left the scope (mode limit: a process at rss.limit).
   */
  SHRINK_BEGIN("mmsim", "shrink_begin", Ctx.PLAIN, "nr_to_reclaim resident", "mode policy"),
  /**
   * {@code mmsim:reclaim_victim}: the replacement policy chose a page, and why; kind is the
   * ReclaimContext kind (0 anonymous, 1 file, 2 unevictable).
   */
  RECLAIM_VICTIM("mmsim", "reclaim_victim", Ctx.PLAIN, "key pfn kind", "policy why"),
  /** {@code mmsim:swap_out}: a page got slot offset of swap area type (add_to_swap). */
  SWAP_OUT("mmsim", "swap_out", Ctx.PLAIN, "pfn type offset", "");

  /** What the kernel's {@code trace_pipe} flags column shows for an event's context. */
  enum Ctx {
    /** Process context, interrupts on, nothing held. */
    PLAIN("....."),
    /** Under the zone lock: interrupts off, preempt count 1. */
    ZONE_LOCK("d..1."),
    /** An exception entry: interrupts off. */
    IRQS_OFF("d....");

    final String flags;

    Ctx(String flags) {
      this.flags = flags;
    }
  }

  private static final Tracepoint[] VALUES = values();

  private final String system;
  private final String event;
  private final String flags;
  private final List<String> args;
  private final List<String> texts;

  Tracepoint(String system, String event, Ctx ctx, String args, String texts) {
    this.system = system;
    this.event = event;
    this.flags = ctx.flags;
    this.args = split(args);
    this.texts = split(texts);
    if (this.args.size() > TraceEvent.MAX_ARGS || this.texts.size() > TraceEvent.MAX_TEXTS) {
      throw new AssertionError(event + " has too many fields");
    }
  }

  private static List<String> split(String names) {
    return names.isEmpty()
        ? List.of()
        : Collections.unmodifiableList(Arrays.asList(names.split(" ")));
  }

  /** The trace system ({@code kmem}, {@code vmscan}, ..., or {@code mmsim}). */
  public String system() {
    return system;
  }

  /** The event's name within its system ({@code mm_page_alloc}). */
  public String event() {
    return event;
  }

  /** {@code system:event}, the name {@code --trace} takes. */
  public String fullName() {
    return system + ":" + event;
  }

  /** True for the kernel's own tracepoints, false for mmsim's additions ({@code mmsim:*}). */
  public boolean kernel() {
    return !system.equals("mmsim");
  }

  /** The names of the numeric arguments, in order. */
  public List<String> args() {
    return args;
  }

  /** The names of the string arguments, in order. */
  public List<String> texts() {
    return texts;
  }

  /** The flags column of trace_pipe for this event (irqs-off, need-resched, ...: 5 chars). */
  String flags() {
    return flags;
  }

  /** Every tracepoint in a stable order (kernel systems first, then mmsim's). */
  public static List<Tracepoint> all() {
    return List.of(VALUES);
  }

  /** The tracepoint with index {@code i} ({@link #ordinal()}). */
  static Tracepoint ofIndex(int i) {
    return VALUES[i];
  }

  /** The tracepoint named {@code system:event}, or null. */
  public static Tracepoint byName(String fullName) {
    for (Tracepoint t : VALUES) {
      if (t.fullName().equals(fullName)) {
        return t;
      }
    }
    return null;
  }

  /**
   * The tracepoints a {@code --trace} specification selects: {@code all}, or a comma-separated list
   * of {@code system:event} and {@code system:*} (blanks around items are ignored).
   *
   * @throws IllegalArgumentException naming the first unknown item and listing every tracepoint
   */
  public static Set<Tracepoint> select(String spec) {
    EnumSet<Tracepoint> out = EnumSet.noneOf(Tracepoint.class);
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("an empty trace specification selects nothing;" + known());
    }
    for (String raw : spec.split(",", -1)) {
      String item = raw.strip().toLowerCase(Locale.ROOT);
      if (item.equals("all") || item.equals("*") || item.equals("*:*")) {
        out.addAll(List.of(VALUES));
        continue;
      }
      int colon = item.indexOf(':');
      boolean found = false;
      if (colon > 0) {
        String sys = item.substring(0, colon);
        String ev = item.substring(colon + 1);
        for (Tracepoint t : VALUES) {
          if (t.system.equals(sys) && (ev.equals("*") || t.event.equals(ev))) {
            out.add(t);
            found = true;
          }
        }
      }
      if (!found) {
        throw new IllegalArgumentException(
            "no tracepoint '" + raw.strip() + "' (give system:event or system:*);" + known());
      }
    }
    return out;
  }

  /** The list of every tracepoint by system, for error messages. */
  private static String known() {
    StringBuilder sb = new StringBuilder(" the tracepoints are (or 'all'):");
    List<String> systems = new ArrayList<>();
    for (Tracepoint t : VALUES) {
      if (!systems.contains(t.system)) {
        systems.add(t.system);
      }
    }
    for (String s : systems) {
      sb.append(System.lineSeparator()).append("  ").append(s).append(":");
      for (Tracepoint t : VALUES) {
        if (t.system.equals(s)) {
          sb.append(' ').append(t.event);
        }
      }
      if (s.equals("mmsim")) {
        sb.append("  (mmsim's own, not the kernel's)");
      }
    }
    return sb.toString();
  }
}
