package io.mmsim.buddy;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Watermark;

/*
 * The allocator's internal ALLOC_* flags (mm/internal.h) and how GFP flags become them
 * (mm/page_alloc.c: gfp_to_alloc_flags, alloc_flags_nofragment, __gfp_pfmemalloc_flags), as in
 * Linux 6.15:
 *
 *   - the fast pass checks the LOW watermark with no reserves; when the preferred zone is Normal
 *     (and DMA32 exists below it) it also sets ALLOC_NOFRAGMENT, which forbids taking pages from
 *     another migrate type's pageblock unless a whole pageblock can be claimed; the pass is
 *     retried without it before it fails;
 *   - the slow pass checks the MIN watermark; __GFP_HIGH gives ALLOC_MIN_RESERVE (min / 2), a
 *     request that cannot reclaim directly gives ALLOC_NON_BLOCK unless __GFP_NOMEMALLOC (a further
 *     min / 4 together with MIN_RESERVE, and the HIGHATOMIC reserve as a last resort), and a
 *     high-order request with both gives ALLOC_HIGHATOMIC (the reserve first, and a new
 *     reservation after success);
 *   - __GFP_MEMALLOC without __GFP_NOMEMALLOC retries with ALLOC_NO_WATERMARKS alone.
 *
 * The values are the simulator's own; only the names are the kernel's.
 */
final class AllocFlags {
  private AllocFlags() {}

  /** Index of the watermark to check ({@code ALLOC_WMARK_*}); MIN, LOW, HIGH = 0, 1, 2. */
  static final int ALLOC_WMARK_MASK = 0x3;

  static final int ALLOC_WMARK_MIN = Watermark.MIN.ordinal();
  static final int ALLOC_WMARK_LOW = Watermark.LOW.ordinal();

  /** {@code ALLOC_NO_WATERMARKS}: __GFP_MEMALLOC, no watermark check at all. */
  static final int ALLOC_NO_WATERMARKS = 0x4;

  /** {@code ALLOC_NON_BLOCK}: the caller cannot reclaim directly. */
  static final int ALLOC_NON_BLOCK = 0x10;

  /** {@code ALLOC_MIN_RESERVE}: __GFP_HIGH, min lowered by half. */
  static final int ALLOC_MIN_RESERVE = 0x20;

  /** {@code ALLOC_NOFRAGMENT}: no fallback that would mix a pageblock. */
  static final int ALLOC_NOFRAGMENT = 0x100;

  /** {@code ALLOC_HIGHATOMIC}: may use, and grow, the HIGHATOMIC reserve. */
  static final int ALLOC_HIGHATOMIC = 0x200;

  /** {@code ALLOC_RESERVES}: any of these sees the HIGHATOMIC pages as free. */
  static final int ALLOC_RESERVES = ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC;

  /** {@code gfp_to_alloc_flags} for the slow pass (watermark MIN). */
  static int gfpToAllocFlags(int gfp, int order) {
    int flags = ALLOC_WMARK_MIN;
    if ((gfp & Gfp.HIGH) != 0) {
      flags |= ALLOC_MIN_RESERVE;
    }
    if ((gfp & Gfp.DIRECT_RECLAIM) == 0 && (gfp & Gfp.NOMEMALLOC) == 0) {
      flags |= ALLOC_NON_BLOCK;
      if (order > 0 && (flags & ALLOC_MIN_RESERVE) != 0) {
        flags |= ALLOC_HIGHATOMIC;
      }
    }
    return flags;
  }

  /** {@code __gfp_pfmemalloc_flags}: true when the request may ignore watermarks. */
  static boolean pfmemalloc(int gfp) {
    return (gfp & Gfp.MEMALLOC) != 0 && (gfp & Gfp.NOMEMALLOC) == 0;
  }
}
