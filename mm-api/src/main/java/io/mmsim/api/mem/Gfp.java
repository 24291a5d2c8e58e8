package io.mmsim.api.mem;

/**
 * GFP ("get free pages") flags: how an allocation may be satisfied.
 *
 * <p>Each constant is one kernel {@code __GFP_*} bit (values as in Linux 5.x {@code
 * include/linux/gfp_types.h}); the composite masks ({@code GFP_KERNEL}, {@code GFP_ATOMIC}, ...)
 * are combinations of them. Flags are plain {@code int}s so that they cost nothing on hot paths.
 */
public final class Gfp {
  private Gfp() {}

  /** {@code __GFP_DMA}: only from ZONE_DMA. */
  public static final int DMA = 0x01;

  /** {@code __GFP_HIGHMEM}: highmem allowed (no effect on 64-bit). */
  public static final int HIGHMEM = 0x02;

  /** {@code __GFP_DMA32}: ZONE_DMA32 and below. */
  public static final int DMA32 = 0x04;

  /** {@code __GFP_MOVABLE}: the page can be migrated (migrate type MOVABLE). */
  public static final int MOVABLE = 0x08;

  /**
   * {@code __GFP_RECLAIMABLE}: slab pages that a shrinker can free (migrate type RECLAIMABLE); the
   * object allocators add it for caches created with {@code SLAB_RECLAIM_ACCOUNT}.
   */
  public static final int RECLAIMABLE = 0x10;

  /** {@code __GFP_HIGH}: high priority, may use part of the reserve below the min watermark. */
  public static final int HIGH = 0x20;

  /** {@code __GFP_IO}: may start physical I/O. */
  public static final int IO = 0x40;

  /** {@code __GFP_FS}: may call into the filesystem. */
  public static final int FS = 0x80;

  /** {@code __GFP_ZERO}: return zeroed memory. */
  public static final int ZERO = 0x100;

  /**
   * {@code __GFP_ATOMIC} (before 6.3): cannot sleep, may dip further into reserves. Linux 6.3
   * removed it: the reserves now follow from {@code __GFP_HIGH} and the absence of {@code
   * __GFP_DIRECT_RECLAIM}, and the buddy allocator reads it no more.
   */
  public static final int ATOMIC = 0x200;

  /** {@code __GFP_DIRECT_RECLAIM}: the caller may reclaim memory itself. */
  public static final int DIRECT_RECLAIM = 0x400;

  /** {@code __GFP_KSWAPD_RECLAIM}: wake kswapd when below the low watermark. */
  public static final int KSWAPD_RECLAIM = 0x800;

  /** {@code __GFP_NOWARN}: no allocation-failure report. */
  public static final int NOWARN = 0x2000;

  /** {@code __GFP_NOFAIL}: retry forever. */
  public static final int NOFAIL = 0x8000;

  /** {@code __GFP_NORETRY}: give up after one reclaim attempt. */
  public static final int NORETRY = 0x10000;

  /** {@code __GFP_MEMALLOC}: ignore watermarks entirely (used by reclaim itself). */
  public static final int MEMALLOC = 0x20000;

  /** {@code __GFP_COMP}: a compound page. */
  public static final int COMP = 0x40000;

  /** {@code __GFP_NOMEMALLOC}: never use the emergency reserves. */
  public static final int NOMEMALLOC = 0x80000;

  /**
   * {@code __GFP_THISNODE}: only the preferred node may serve the request (no fallback to other
   * nodes); ignored on a single-node machine.
   */
  public static final int THISNODE = 0x200000;

  /** {@code __GFP_ACCOUNT}: charge to the memory cgroup. */
  public static final int ACCOUNT = 0x400000;

  /** {@code __GFP_RECLAIM}: both kinds of reclaim. */
  public static final int RECLAIM = DIRECT_RECLAIM | KSWAPD_RECLAIM;

  /** {@code GFP_KERNEL}: ordinary kernel allocation that may sleep and reclaim. */
  public static final int KERNEL = RECLAIM | IO | FS;

  /** {@code GFP_ATOMIC}: cannot sleep; may use reserves below min. */
  public static final int GFP_ATOMIC = HIGH | ATOMIC | KSWAPD_RECLAIM;

  /** {@code GFP_NOWAIT}: cannot sleep, no reserves. */
  public static final int NOWAIT = KSWAPD_RECLAIM;

  /** {@code GFP_USER}: user-space page the kernel touches directly. */
  public static final int USER = RECLAIM | IO | FS;

  /** {@code GFP_HIGHUSER_MOVABLE}: ordinary anonymous or page-cache page of a process. */
  public static final int HIGHUSER_MOVABLE = USER | HIGHMEM | MOVABLE;

  /** {@code GFP_DMA}: kernel allocation from ZONE_DMA. */
  public static final int GFP_DMA = DMA;

  /** {@code GFP_DMA32}: kernel allocation below 4 GiB. */
  public static final int GFP_DMA32 = DMA32;

  /** The highest zone an allocation with these flags may use ({@code gfp_zone}). */
  public static Zone zone(int gfp) {
    if ((gfp & DMA) != 0) {
      return Zone.DMA;
    }
    if ((gfp & DMA32) != 0) {
      return Zone.DMA32;
    }
    return Zone.NORMAL;
  }

  /** Prints flags the way the kernel's {@code %pGg} does, e.g. {@code GFP_KERNEL|__GFP_ZERO}. */
  public static String format(int gfp) {
    StringBuilder sb = new StringBuilder();
    int rest = gfp;
    String[] composites = {"GFP_HIGHUSER_MOVABLE", "GFP_KERNEL", "GFP_ATOMIC", "GFP_NOWAIT"};
    int[] masks = {HIGHUSER_MOVABLE, KERNEL, GFP_ATOMIC, NOWAIT};
    for (int i = 0; i < masks.length; i++) {
      if ((rest & masks[i]) == masks[i] && masks[i] != 0) {
        sb.append(composites[i]);
        rest &= ~masks[i];
        break;
      }
    }
    String[] names = {
      "__GFP_DMA",
      "__GFP_HIGHMEM",
      "__GFP_DMA32",
      "__GFP_MOVABLE",
      "__GFP_RECLAIMABLE",
      "__GFP_HIGH",
      "__GFP_IO",
      "__GFP_FS",
      "__GFP_ZERO",
      "__GFP_ATOMIC",
      "__GFP_DIRECT_RECLAIM",
      "__GFP_KSWAPD_RECLAIM",
      "__GFP_WRITE",
      "__GFP_NOWARN",
      "__GFP_RETRY_MAYFAIL",
      "__GFP_NOFAIL",
      "__GFP_NORETRY",
      "__GFP_MEMALLOC",
      "__GFP_COMP",
      "__GFP_NOMEMALLOC",
      "__GFP_HARDWALL",
      "__GFP_THISNODE",
      "__GFP_ACCOUNT"
    };
    for (int bit = 0; bit < names.length; bit++) {
      if ((rest & (1 << bit)) != 0) {
        if (sb.length() > 0) {
          sb.append('|');
        }
        sb.append(names[bit]);
      }
    }
    return sb.length() == 0 ? "0" : sb.toString();
  }
}
