package io.mmsim.api.trace;

import java.util.Locale;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.CompactResult;

/*
 * How each event prints: the trace_pipe context (kernel/trace/trace_output.c:
 * trace_print_context, trace_print_lat_fmt) and each event's TP_printk, field for field, from the
 * kernel's headers: include/trace/events/kmem.h, vmscan.h, oom.h, tlb.h, vmalloc.h,
 * huge_memory.h (as of Linux 6.15, before the mTHP order fields), and
 * arch/x86/include/asm/trace/exceptions.h. The flag names are those of
 * include/trace/events/mmflags.h (show_gfp_flags) and vmscan.h (show_reclaim_flags).
 *
 * Pointers (%p) print unhashed, as with the no_hash_pointers boot option: 16 hex digits, NULL as
 * zeros. %ps of an address without a symbol prints 0x and the address, as the kernel does; the
 * call_site of the slab events (%pS) is the workload line that called.
 */
final class TpPrintk {
  private TpPrintk() {}

  /** {@code pageblock_order} on x86-64 with 4 KiB pages. */
  private static final int PAGEBLOCK_ORDER = 9;

  /** {@code sizeof(struct page)}. */
  private static final long STRUCT_PAGE_SIZE = 64;

  /** {@code "%16s-%-7d [%03d] FLAGS %5lu.%06lu: "}. */
  static void context(TraceEvent e, StringBuilder sb) {
    pad(sb, 16 - e.comm.length());
    sb.append(e.comm).append('-');
    int start = sb.length();
    sb.append(e.pid);
    pad(sb, 7 - (sb.length() - start));
    sb.append(" [");
    if (e.cpu < 100) {
      sb.append(e.cpu < 10 ? "00" : "0");
    }
    sb.append(e.cpu).append("] ").append(e.tracepoint.flags()).append(' ');
    long usecs = e.timestamp / 1000;
    long secs = usecs / 1_000_000;
    long rem = usecs % 1_000_000;
    String s = Long.toString(secs);
    pad(sb, 5 - s.length());
    sb.append(s).append('.');
    String r = Long.toString(rem);
    pad0(sb, 6 - r.length());
    sb.append(r).append(": ");
  }

  private static void pad(StringBuilder sb, int n) {
    for (int i = 0; i < n; i++) {
      sb.append(' ');
    }
  }

  private static void pad0(StringBuilder sb, int n) {
    for (int i = 0; i < n; i++) {
      sb.append('0');
    }
  }

  /** The event's TP_printk. */
  static void fields(TraceEvent e, StringBuilder sb) {
    long[] a = e.args;
    String[] t = e.texts;
    switch (e.tracepoint) {
      case MM_PAGE_ALLOC -> {
        sb.append("page=");
        page(sb, a[0]);
        sb.append(" pfn=0x");
        hex(sb, a[0] == -1 ? 0 : a[0]);
        sb.append(" order=").append(a[1]);
        sb.append(" migratetype=").append(a[2]);
        sb.append(" gfp_flags=");
        gfp(sb, (int) a[3]);
      }
      case MM_PAGE_FREE -> {
        pageAndPfn(sb, a[0]);
        sb.append(" order=").append(a[1]);
      }
      case MM_PAGE_ALLOC_ZONE_LOCKED -> {
        pageAndPfn(sb, a[0]);
        sb.append(" order=").append(a[1]);
        sb.append(" migratetype=").append(a[2]);
        sb.append(" percpu_refill=").append(a[3]);
      }
      case MM_PAGE_PCPU_DRAIN -> {
        pageAndPfn(sb, a[0]);
        sb.append(" order=").append(a[1]);
        sb.append(" migratetype=").append(a[2]);
      }
      case MM_PAGE_ALLOC_EXTFRAG -> {
        pageAndPfn(sb, a[0]);
        sb.append(" alloc_order=").append(a[1]);
        sb.append(" fallback_order=").append(a[2]);
        sb.append(" pageblock_order=").append(PAGEBLOCK_ORDER);
        sb.append(" alloc_migratetype=").append(a[3]);
        sb.append(" fallback_migratetype=").append(a[4]);
        sb.append(" fragmenting=").append(a[2] < PAGEBLOCK_ORDER ? 1 : 0);
        sb.append(" change_ownership=").append(a[5]);
      }
      case KMALLOC -> {
        sb.append("call_site=").append(t[0]).append(" ptr=");
        ptr(sb, a[0]);
        sb.append(" bytes_req=").append(a[1]);
        sb.append(" bytes_alloc=").append(a[2]);
        sb.append(" gfp_flags=");
        gfp(sb, (int) a[3]);
        sb.append(" node=").append(a[4]).append(" accounted=");
        sb.append((a[3] & Gfp.ACCOUNT) != 0 ? "true" : "false");
      }
      case KFREE -> {
        sb.append("call_site=").append(t[0]).append(" ptr=");
        ptr(sb, a[0]);
      }
      case KMEM_CACHE_ALLOC -> {
        sb.append("call_site=").append(t[0]).append(" ptr=");
        ptr(sb, a[0]);
        sb.append(" name=").append(t[1]);
        sb.append(" bytes_req=").append(a[1]);
        sb.append(" bytes_alloc=").append(a[2]);
        sb.append(" gfp_flags=");
        gfp(sb, (int) a[3]);
        sb.append(" node=").append(a[4]).append(" accounted=");
        sb.append((a[3] & Gfp.ACCOUNT) != 0 ? "true" : "false");
      }
      case KMEM_CACHE_FREE -> {
        sb.append("call_site=").append(t[0]).append(" ptr=");
        ptr(sb, a[0]);
        sb.append(" name=").append(t[1]);
      }
      case PAGE_FAULT_USER, PAGE_FAULT_KERNEL -> {
        sb.append("address=0x");
        hex(sb, a[0]);
        sb.append(" ip=0x");
        hex(sb, a[1]);
        sb.append(" error_code=0x");
        hex(sb, a[2]);
      }
      case MM_VMSCAN_KSWAPD_WAKE -> sb.append("nid=").append(a[0]).append(" order=").append(a[2]);
      case MM_VMSCAN_KSWAPD_SLEEP -> sb.append("nid=").append(a[0]);
      case MM_VMSCAN_WAKEUP_KSWAPD -> {
        sb.append("nid=").append(a[0]).append(" order=").append(a[2]).append(" gfp_flags=");
        gfp(sb, (int) a[3]);
      }
      case MM_VMSCAN_DIRECT_RECLAIM_BEGIN -> {
        sb.append("order=").append(a[0]).append(" gfp_flags=");
        gfp(sb, (int) a[1]);
      }
      case MM_VMSCAN_DIRECT_RECLAIM_END -> sb.append("nr_reclaimed=").append(a[0]);
      case MM_VMSCAN_LRU_ISOLATE -> {
        sb.append("isolate_mode=").append(a[6]);
        sb.append(" classzone=").append(a[0]);
        sb.append(" order=").append(a[1]);
        sb.append(" nr_requested=").append(a[2]);
        sb.append(" nr_scanned=").append(a[3]);
        sb.append(" nr_skipped=").append(a[4]);
        sb.append(" nr_taken=").append(a[5]);
        sb.append(" lru=").append(LruList.name((int) a[7]));
      }
      case MM_VMSCAN_LRU_SHRINK_INACTIVE -> {
        sb.append("nid=").append(a[0]);
        sb.append(" nr_scanned=").append(a[1]);
        sb.append(" nr_reclaimed=").append(a[2]);
        sb.append(" nr_dirty=").append(a[3]);
        sb.append(" nr_writeback=0 nr_congested=0 nr_immediate=0");
        sb.append(" nr_activate_anon=").append(a[4]);
        sb.append(" nr_activate_file=").append(a[5]);
        sb.append(" nr_ref_keep=0 nr_unmap_fail=0");
        sb.append(" priority=").append(a[6]);
        sb.append(" flags=");
        reclaimFlags(sb, (int) a[7]);
      }
      case MM_VMSCAN_WRITE_FOLIO -> {
        pageAndPfn(sb, a[0]);
        sb.append(" flags=");
        reclaimFlags(sb, (int) a[1]);
      }
      case MM_COMPACTION_BEGIN, MM_COMPACTION_END -> {
        sb.append("zone_start=0x");
        hex(sb, a[0]);
        sb.append(" migrate_pfn=0x");
        hex(sb, a[1]);
        sb.append(" free_pfn=0x");
        hex(sb, a[2]);
        sb.append(" zone_end=0x");
        hex(sb, a[3]);
        sb.append(", mode=").append(a[4] != 0 ? "sync" : "async");
        if (e.tracepoint == Tracepoint.MM_COMPACTION_END) {
          sb.append(" status=").append(compactStatus(a[5]));
        }
      }
      case MM_COMPACTION_MIGRATEPAGES ->
          sb.append("nr_migrated=").append(a[0]).append(" nr_failed=").append(a[1]);
      case MM_COMPACTION_KCOMPACTD_WAKE -> {
        sb.append("nid=").append(a[0]).append(" order=").append(a[1]).append(" classzone_idx=");
        String z = zone(a[2]);
        sb.append(z);
        pad(sb, 8 - z.length());
      }
      case MM_COMPACTION_KCOMPACTD_SLEEP -> sb.append("nid=").append(a[0]);
      case MM_KHUGEPAGED_SCAN_PMD -> {
        sb.append("mm=");
        ptr(sb, a[0]);
        sb.append(", scan_pfn=0x");
        hex(sb, a[1]);
        sb.append(", writable=").append(a[2]);
        sb.append(", referenced=").append(a[3]);
        sb.append(", none_or_zero=").append(a[4]);
        sb.append(", status=").append(t[0]);
        sb.append(", unmapped=").append(a[5]);
      }
      case MM_COLLAPSE_HUGE_PAGE -> {
        sb.append("mm=");
        ptr(sb, a[0]);
        sb.append(", isolated=").append(a[1]);
        sb.append(", status=").append(t[0]);
      }
      case MM_COLLAPSE_HUGE_PAGE_ISOLATE -> {
        sb.append("scan_pfn=0x");
        hex(sb, a[0]);
        sb.append(", none_or_zero=").append(a[1]);
        sb.append(", referenced=").append(a[2]);
        sb.append(", writable=").append(a[3]);
        sb.append(", status=").append(t[0]);
      }
      case MM_COLLAPSE_HUGE_PAGE_SWAPIN -> {
        sb.append("mm=");
        ptr(sb, a[0]);
        sb.append(", swapped_in=").append(a[1]);
        sb.append(", referenced=").append(a[2]);
        sb.append(", ret=").append(a[3]);
      }
      case MARK_VICTIM -> {
        sb.append("pid=").append(a[0]);
        sb.append(" comm=").append(t[0]);
        sb.append(" total-vm=").append(a[1]).append("kB");
        sb.append(" anon-rss=").append(a[2]).append("kB");
        sb.append(" file-rss:").append(a[3]).append("kB");
        sb.append(" shmem-rss:").append(a[4]).append("kB");
        sb.append(" uid=").append(a[5]);
        sb.append(" pgtables=").append(a[6]).append("kB");
        sb.append(" oom_score_adj=").append(a[7]);
      }
      case TLB_FLUSH -> {
        sb.append("pages:").append(a[1]);
        sb.append(" reason:").append(TlbFlushReason.name((int) a[0]));
        sb.append(" (").append(a[0]).append(')');
      }
      case ALLOC_VMAP_AREA -> {
        sb.append("va_start: ").append(Long.toUnsignedString(a[0]));
        sb.append(" size=").append(a[1]);
        sb.append(" align=").append(a[2]);
        sb.append(" vstart=0x");
        hex(sb, a[3]);
        sb.append(" vend=0x");
        hex(sb, a[4]);
        sb.append(" failed=").append(a[5]);
      }
      case PURGE_VMAP_AREA_LAZY -> {
        sb.append("start=0x");
        hex(sb, a[0]);
        sb.append(" end=0x");
        hex(sb, a[1]);
        sb.append(" num_purged=").append(a[2]);
      }
      case FREE_VMAP_AREA_NOFLUSH -> {
        sb.append("va_start=0x");
        hex(sb, a[0]);
        sb.append(" nr_lazy=").append(a[1]);
        sb.append(" nr_lazy_max=").append(a[2]);
      }
      default -> mmsim(e, sb);
    }
  }

  /** mmsim's own events: {@code name=value} pairs, numbers that are frames or addresses in hex. */
  private static void mmsim(TraceEvent e, StringBuilder sb) {
    long[] a = e.args;
    String[] t = e.texts;
    switch (e.tracepoint) {
      case BUDDY_RMQUEUE -> {
        zoneMt(sb, a[3], a[4]);
        sb.append(" order=").append(a[1]).append(" from_order=").append(a[2]);
        sb.append(" pfn=0x");
        hex(sb, a[0]);
      }
      case BUDDY_SPLIT -> {
        sb.append("pfn=0x");
        hex(sb, a[0]);
        sb.append(" buddy=0x");
        hex(sb, a[2]);
        sb.append(" order=").append(a[1]).append(' ');
        zoneMt(sb, a[3], a[4]);
      }
      case BUDDY_MERGE -> {
        sb.append("pfn=0x");
        hex(sb, a[0]);
        sb.append(" buddy=0x");
        hex(sb, a[1]);
        sb.append(" order=").append(a[2]).append(" merged=0x");
        hex(sb, a[0] & a[1]);
        sb.append(" zone=").append(zone(a[3]));
      }
      case BUDDY_FREE_BLOCK -> {
        sb.append("pfn=0x");
        hex(sb, a[0]);
        sb.append(" order=").append(a[1]).append(' ');
        zoneMt(sb, a[2], a[3]);
        sb.append(" buddy=");
        if (a[4] < 0) {
          sb.append("none");
        } else {
          sb.append("0x");
          hex(sb, a[4]);
        }
        sb.append(" to_tail=").append(a[5]);
      }
      case PCP_ALLOC -> {
        zoneMt(sb, a[1], a[2]);
        sb.append(" pfn=0x");
        hex(sb, a[0]);
        sb.append(" count=").append(a[3]);
      }
      case PCP_REFILL -> {
        zoneMt(sb, a[0], a[1]);
        sb.append(" pages=").append(a[2]).append(" batch=").append(a[3]);
      }
      case PCP_FREE -> {
        zoneMt(sb, a[1], a[2]);
        sb.append(" pfn=0x");
        hex(sb, a[0]);
        sb.append(" count=").append(a[3]).append(" high=").append(a[4]);
      }
      case PCP_FREE_BULK -> {
        sb.append("zone=").append(zone(a[0]));
        sb.append(" pages=").append(a[1]).append(" count=").append(a[2]);
        sb.append(" high=").append(a[3]).append(" reason=").append(a[4] != 0 ? "drain" : "high");
      }
      case SLAB_ALLOC, SLAB_FREE -> {
        sb.append("cache=").append(t[0]).append(" ptr=");
        ptr(sb, a[0]);
        sb.append(" path=").append(t[1]);
      }
      case NEW_SLAB -> {
        sb.append("cache=").append(t[0]).append(" pfn=0x");
        hex(sb, a[0]);
        sb.append(" order=").append(a[1]).append(" objects=").append(a[2]);
      }
      case DISCARD_SLAB -> {
        sb.append("cache=").append(t[0]).append(" pfn=0x");
        hex(sb, a[0]);
        sb.append(" order=").append(a[1]);
      }
      case PAGE_WALK -> {
        sb.append("cr3=0x");
        hex(sb, a[0]);
        sb.append(" address=0x");
        hex(sb, a[1]);
        sb.append(" access=").append(t[0]).append(" user=").append(a[2]);
      }
      case WALK_STEP -> {
        sb.append("level=").append(a[0]).append(" table=0x");
        hex(sb, a[1]);
        sb.append(" index=").append(a[2]).append(" entry=0x");
        String h = Long.toHexString(a[3]);
        pad0(sb, 16 - h.length());
        sb.append(h);
      }
      case WALK_DONE -> {
        sb.append("address=0x");
        hex(sb, a[0]);
        sb.append(" phys=0x");
        hex(sb, a[1]);
        sb.append(" page_size=").append(sizeName(a[2]));
      }
      case USER_ACCESS -> {
        sb.append("pid=").append(a[0]).append(" address=0x");
        hex(sb, a[1]);
        sb.append(" access=").append(t[0]).append(" phys=0x");
        hex(sb, a[2]);
      }
      case FAULT_VMA -> {
        sb.append("address=0x");
        hex(sb, a[0]);
        sb.append(" vma=0x");
        hex(sb, a[1]);
        sb.append("-0x");
        hex(sb, a[2]);
        sb.append(" prot=").append(Prot.format((int) a[3])).append(a[4] != 0 ? 's' : 'p');
        sb.append(" backing=").append(t[0]);
      }
      case DO_ANONYMOUS_PAGE -> {
        sb.append("address=0x");
        hex(sb, a[0]);
        sb.append(" pfn=0x");
        hex(sb, a[1]);
        sb.append(" zero_page=").append(a[2]);
      }
      case DO_WP_PAGE -> {
        sb.append("address=0x");
        hex(sb, a[0]);
        sb.append(" old_pfn=0x");
        hex(sb, a[1]);
        sb.append(" new_pfn=0x");
        hex(sb, a[2]);
        sb.append(" copied=").append(a[3]);
      }
      case DO_FILE_PAGE -> {
        sb.append("address=0x");
        hex(sb, a[0]);
        sb.append(" pfn=0x");
        hex(sb, a[1]);
        sb.append(" offset=").append(a[2]).append(" cached=").append(a[3]);
      }
      case DO_SWAP_PAGE -> {
        sb.append("address=0x");
        hex(sb, a[0]);
        sb.append(" pfn=0x");
        hex(sb, a[1]);
        sb.append(" type=").append(a[2]).append(" offset=").append(a[3]);
        sb.append(" swapcache=").append(a[4]);
      }
      case FAULT_DONE -> {
        sb.append("address=0x");
        hex(sb, a[0]);
        sb.append(" handler=").append(t[0]).append(" result=").append(t[1]);
      }
      case ZONE_WATERMARK -> {
        sb.append("nid=").append(a[0]).append(" zone=").append(a[1] < 0 ? "all" : zone(a[1]));
        sb.append(" free=").append(a[2]).append(" min=").append(a[3]);
        sb.append(" low=").append(a[4]).append(" high=").append(a[5]);
      }
      case SHRINK_BEGIN -> {
        sb.append("mode=").append(t[0]).append(" policy=").append(t[1]);
        sb.append(" nr_to_reclaim=").append(a[0]).append(" resident=").append(a[1]);
      }
      case RECLAIM_VICTIM -> {
        sb.append("policy=").append(t[0]).append(" key=0x");
        hex(sb, a[0]);
        sb.append(" pfn=0x");
        hex(sb, a[1]);
        sb.append(" kind=").append(kindName(a[2]));
        sb.append(" why=\"").append(t[1]).append('"');
      }
      case SWAP_OUT -> {
        sb.append("pfn=0x");
        hex(sb, a[0]);
        sb.append(" type=").append(a[1]).append(" offset=").append(a[2]);
      }
      default -> throw new AssertionError("no layout for " + e.tracepoint);
    }
  }

  // ------------------------------------------------------------------ pieces

  /** {@code page=%p pfn=0x%lx}. */
  private static void pageAndPfn(StringBuilder sb, long pfn) {
    sb.append("page=");
    page(sb, pfn);
    sb.append(" pfn=0x");
    hex(sb, pfn);
  }

  /** The {@code struct page} pointer of a frame ({@code pfn_to_page}), NULL for -1. */
  private static void page(StringBuilder sb, long pfn) {
    ptr(sb, pfn == -1 ? 0 : KernelLayout.VMEMMAP_START + pfn * STRUCT_PAGE_SIZE);
  }

  /** {@code %p}, unhashed: 16 hex digits. */
  static void ptr(StringBuilder sb, long p) {
    String h = Long.toHexString(p);
    pad0(sb, 16 - h.length());
    sb.append(h);
  }

  private static void hex(StringBuilder sb, long v) {
    sb.append(Long.toHexString(v));
  }

  private static void zoneMt(StringBuilder sb, long zone, long mt) {
    sb.append("zone=").append(zone(zone)).append(" migratetype=").append(mt);
  }

  static String zone(long z) {
    return z >= 0 && z < Zone.count() ? Zone.ofIndex((int) z).kernelName() : Long.toString(z);
  }

  private static String sizeName(long shift) {
    return shift == 30 ? "1G" : shift == 21 ? "2M" : shift == 12 ? "4K" : "2^" + shift;
  }

  /**
   * {@code COMPACTION_STATUS} of include/trace/events/mmflags.h: the enum's names in lower case.
   */
  static String compactStatus(long status) {
    CompactResult[] all = CompactResult.values();
    return status >= 0 && status < all.length
        ? all[(int) status].name().toLowerCase(Locale.ROOT)
        : Long.toString(status);
  }

  /** A reclaim victim's kind. */
  static String kindName(long kind) {
    return kind == 0
        ? "anon"
        : kind == 1 ? "file" : kind == 2 ? "unevictable" : Long.toString(kind);
  }

  /** {@code show_reclaim_flags}. */
  private static void reclaimFlags(StringBuilder sb, int flags) {
    if (flags == 0) {
      sb.append("RECLAIM_WB_NONE");
      return;
    }
    int[] bits = {
      ReclaimWb.RECLAIM_WB_ANON,
      ReclaimWb.RECLAIM_WB_FILE,
      ReclaimWb.RECLAIM_WB_MIXED,
      ReclaimWb.RECLAIM_WB_SYNC,
      ReclaimWb.RECLAIM_WB_ASYNC
    };
    String[] names = {
      "RECLAIM_WB_ANON",
      "RECLAIM_WB_FILE",
      "RECLAIM_WB_MIXED",
      "RECLAIM_WB_SYNC",
      "RECLAIM_WB_ASYNC"
    };
    printFlags(sb, flags, bits, names);
  }

  // ------------------------------------------------------------------ show_gfp_flags

  /** __GFP_* bits mmsim does not name in {@link Gfp}, at their kernel 5.x values. */
  private static final int WRITE = 0x1000;

  private static final int RETRY_MAYFAIL = 0x4000;
  private static final int HARDWALL = 0x100000;
  private static final int THISNODE = 0x200000;

  private static final int TRANSHUGE_LIGHT =
      (Gfp.HIGHUSER_MOVABLE | Gfp.COMP | Gfp.NOMEMALLOC | Gfp.NOWARN) & ~Gfp.RECLAIM;

  /*
   * The order of __def_gfpflag_names: composites with the most bits first, so that what is left
   * shows by itself. GFP_USER and GFP_HIGHUSER are left out: without __GFP_HARDWALL, which mmsim
   * does not set, they equal GFP_KERNEL and GFP_KERNEL|__GFP_HIGHMEM, which are the names the
   * kernel would print for the same bits.
   */
  private static final int[] GFP_MASKS = {
    TRANSHUGE_LIGHT | Gfp.DIRECT_RECLAIM,
    TRANSHUGE_LIGHT,
    Gfp.HIGHUSER_MOVABLE,
    Gfp.KERNEL | Gfp.ACCOUNT,
    Gfp.KERNEL,
    Gfp.RECLAIM | Gfp.IO,
    Gfp.GFP_ATOMIC,
    Gfp.RECLAIM,
    Gfp.NOWAIT,
    Gfp.DMA,
    Gfp.HIGHMEM,
    Gfp.DMA32,
    Gfp.HIGH,
    Gfp.ATOMIC,
    Gfp.IO,
    Gfp.FS,
    Gfp.NOWARN,
    RETRY_MAYFAIL,
    Gfp.NOFAIL,
    Gfp.NORETRY,
    Gfp.COMP,
    Gfp.ZERO,
    Gfp.NOMEMALLOC,
    Gfp.MEMALLOC,
    HARDWALL,
    THISNODE,
    Gfp.RECLAIMABLE,
    Gfp.MOVABLE,
    Gfp.ACCOUNT,
    WRITE,
    Gfp.RECLAIM,
    Gfp.DIRECT_RECLAIM,
    Gfp.KSWAPD_RECLAIM
  };

  private static final String[] GFP_NAMES = {
    "GFP_TRANSHUGE",
    "GFP_TRANSHUGE_LIGHT",
    "GFP_HIGHUSER_MOVABLE",
    "GFP_KERNEL_ACCOUNT",
    "GFP_KERNEL",
    "GFP_NOFS",
    "GFP_ATOMIC",
    "GFP_NOIO",
    "GFP_NOWAIT",
    "GFP_DMA",
    "__GFP_HIGHMEM",
    "GFP_DMA32",
    "__GFP_HIGH",
    "__GFP_ATOMIC",
    "__GFP_IO",
    "__GFP_FS",
    "__GFP_NOWARN",
    "__GFP_RETRY_MAYFAIL",
    "__GFP_NOFAIL",
    "__GFP_NORETRY",
    "__GFP_COMP",
    "__GFP_ZERO",
    "__GFP_NOMEMALLOC",
    "__GFP_MEMALLOC",
    "__GFP_HARDWALL",
    "__GFP_THISNODE",
    "__GFP_RECLAIMABLE",
    "__GFP_MOVABLE",
    "__GFP_ACCOUNT",
    "__GFP_WRITE",
    "__GFP_RECLAIM",
    "__GFP_DIRECT_RECLAIM",
    "__GFP_KSWAPD_RECLAIM"
  };

  /** {@code show_gfp_flags}: {@code none} for 0. */
  static void gfp(StringBuilder sb, int flags) {
    if (flags == 0) {
      sb.append("none");
      return;
    }
    printFlags(sb, flags, GFP_MASKS, GFP_NAMES);
  }

  /**
   * {@code __print_flags} (kernel/trace/trace_output.c: trace_print_flags_seq): each mask wholly
   * present prints its name and is taken out; bits no mask took print last in hex.
   */
  private static void printFlags(StringBuilder sb, int flags, int[] masks, String[] names) {
    int rest = flags;
    boolean first = true;
    for (int i = 0; i < masks.length && rest != 0; i++) {
      int m = masks[i];
      if ((rest & m) == m) {
        rest &= ~m;
        if (!first) {
          sb.append('|');
        }
        sb.append(names[i]);
        first = false;
      }
    }
    if (rest != 0) {
      if (!first) {
        sb.append('|');
      }
      sb.append("0x").append(Integer.toHexString(rest));
    }
  }
}
