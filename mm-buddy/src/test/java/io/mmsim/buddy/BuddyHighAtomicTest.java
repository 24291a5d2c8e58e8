package io.mmsim.buddy;

import static io.mmsim.api.mem.MigrateType.HIGHATOMIC;
import static io.mmsim.api.mem.MigrateType.MOVABLE;
import static io.mmsim.api.mem.MigrateType.UNMOVABLE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.testkit.InvariantCheckExtension;

/**
 * The HIGHATOMIC reserve, worked out by hand (reserve_highatomic_pageblock,
 * unreserve_highatomic_pageblock, the watermark's nr_free_highatomic, rmqueue_buddy's use of the
 * reserve).
 *
 * <p>The machine: 1 GiB, one CPU, DMA kept back at boot so that DMA32 is the only zone. DMA32
 * manages 258048 pages: min_free_kbytes = int_sqrt(258048 * 4 * 16) = 4063, so min = 1015, step =
 * max(1015 / 4, 258) = 258, low = 1273; 1 % of the zone is 2580 pages, so at most 3072 pages (six
 * pageblocks) may be reserved. A GFP_ATOMIC request of order 2 in the slow path has
 * ALLOC_HIGHATOMIC and a floor of min - min / 2 - (min - min / 2) / 4 = 381.
 */
final class BuddyHighAtomicTest {

  @RegisterExtension final InvariantCheckExtension invariants = new InvariantCheckExtension();

  private static final MemoryLayout GB1 = MemoryLayout.ofBytes(1L << 30, 1);

  /** The last order-10 block of memory (pageblocks 2046 and 2047). */
  private static final long LAST = (1L << 18) - 1024;

  /**
   * Boots the machine and fills it with movable pages until DMA32 is at its low watermark. Order-0
   * allocations take the smallest block first, so memory fills from the bottom: what stays free is
   * the top of DMA32, its last order-10 block whole and some pages below it.
   */
  private BuddyAllocator filled() {
    BuddyAllocator a = invariants.track(Buddies.booted(GB1, 0, 4096));
    assertThat(a.watermark(Zone.DMA32, Watermark.MIN)).isEqualTo(1015);
    long low = a.watermark(Zone.DMA32, Watermark.LOW);
    assertThat(low).isEqualTo(1273);
    while (a.nrFreePages(Zone.DMA32) > low) {
      assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0)).isNotEqualTo(PageAllocator.NO_PAGE);
    }
    // a refill takes 63 pages at a time
    assertThat(a.nrFreePages(Zone.DMA32)).isGreaterThan(low - 63);
    assertThat(a.freeList(Zone.DMA32, MOVABLE, 10)).containsExactly(LAST);
    return a;
  }

  @Test
  void highOrderAtomic_inTheSlowPath_reservesItsPageblock() {
    BuddyAllocator a = filled();

    // below low, so the slow path: no UNMOVABLE page, the largest MOVABLE block is claimed whole
    long p = a.allocPages(0, Gfp.GFP_ATOMIC, 2);

    assertThat(p).isEqualTo(LAST);
    assertThat(a.pageblockType(LAST)).isEqualTo(HIGHATOMIC);
    assertThat(a.pageblockType(LAST + 512))
        .as("only the allocation's own pageblock is reserved")
        .isEqualTo(UNMOVABLE);
    assertThat(a.reservedHighatomic(Zone.DMA32)).isEqualTo(512);
    assertThat(a.statistics().get("nr_reserved_highatomic")).isEqualTo(512);
    assertThat(a.statistics().get("nr_free_highatomic")).isEqualTo(508);
    assertThat(a.freeList(Zone.DMA32, HIGHATOMIC, 2)).containsExactly(LAST + 4);
    assertThat(a.statistics().get("highatomic_reserve")).isEqualTo(1);
  }

  @Test
  void highOrderAtomic_withAReserve_isServedFromItFirst() {
    BuddyAllocator a = filled();
    a.allocPages(0, Gfp.GFP_ATOMIC, 2);

    assertThat(a.allocPages(0, Gfp.GFP_ATOMIC, 2)).isEqualTo(LAST + 4);
    assertThat(a.reservedHighatomic(Zone.DMA32))
        .as("a HIGHATOMIC pageblock is not reserved twice")
        .isEqualTo(512);
  }

  @Test
  void highatomicPage_freedAsOrder0_waitsOnTheMovablePerCpuList() {
    BuddyAllocator a = filled();
    assertThat(a.allocPages(0, Gfp.GFP_ATOMIC, 2)).isEqualTo(LAST);
    a.splitPage(LAST, 2);

    a.freePages(0, LAST, 0);

    assertThat(a.pcpList(0, Zone.DMA32, MOVABLE)).startsWith(LAST);
    a.drainAllPages();
    assertThat(a.freeList(Zone.DMA32, HIGHATOMIC, 0)).contains(LAST);
  }

  @Test
  void atomicRequests_withoutHighOrderAndHighPriority_reserveNothing() {
    BuddyAllocator a = filled();
    // below low, so both are served in the slow path: order 0 and GFP_NOWAIT have no
    // ALLOC_HIGHATOMIC
    assertThat(a.allocPages(0, Gfp.NOWAIT, 2)).isEqualTo(LAST);
    assertThat(a.allocPages(0, Gfp.GFP_ATOMIC, 0)).isNotEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.reservedHighatomic(Zone.DMA32)).isZero();
    assertThat(a.statistics().get("highatomic_reserve")).isZero();
  }

  @Test
  void highOrderAtomic_ofAPageblock_reservesItsRangeAndGivesItBackWhole() {
    // filled to 1784 free pages or a little less: an order-9 request fails the fast pass (1784 -
    // 511 is not above low 1273) and passes GFP_ATOMIC's floor 381 twice in the slow path
    BuddyAllocator a = invariants.track(Buddies.booted(GB1, 0, 4096));
    while (a.nrFreePages(Zone.DMA32) > 1784) {
      assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0)).isNotEqualTo(PageAllocator.NO_PAGE);
    }
    assertThat(a.freeList(Zone.DMA32, MOVABLE, 10)).containsExactly(LAST);
    // order 9: the last order-10 block is claimed for UNMOVABLE, its lower pageblock reserved
    assertThat(a.allocPages(0, Gfp.GFP_ATOMIC, 9)).isEqualTo(LAST);
    assertThat(a.pageblockType(LAST)).isEqualTo(HIGHATOMIC);
    assertThat(a.pageblockType(LAST + 512)).isEqualTo(UNMOVABLE);
    assertThat(a.reservedHighatomic(Zone.DMA32)).isEqualTo(512);
    // the next one takes the UNMOVABLE half and reserves it too
    assertThat(a.allocPages(0, Gfp.GFP_ATOMIC, 9)).isEqualTo(LAST + 512);
    assertThat(a.reservedHighatomic(Zone.DMA32)).isEqualTo(1024);

    // freed, the two HIGHATOMIC halves merge into one free order-10 block
    a.freePages(0, LAST, 9);
    a.freePages(0, LAST + 512, 9);
    assertThat(a.freeList(Zone.DMA32, HIGHATOMIC, 10)).containsExactly(LAST);

    // an ordinary request that fails gets the whole block back (both pageblocks: size
    // max(pageblock_nr_pages, 1 << 10)), and its retry is served
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isNotEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.reservedHighatomic(Zone.DMA32)).isZero();
    assertThat(a.pageblockType(LAST)).isEqualTo(UNMOVABLE);
    assertThat(a.pageblockType(LAST + 512)).isEqualTo(UNMOVABLE);
    assertThat(a.statistics().get("highatomic_unreserve")).isEqualTo(1);
    assertThat(a.statistics().get("nr_free_highatomic")).isZero();
  }

  @Test
  void highOrderAtomic_zoneWhoseOnePercentIsExactlyAPageblock_reservesOne() {
    // 216 MiB with DMA kept back: DMA32 manages 51200 pages, 1 % is 512; min_free_kbytes =
    // int_sqrt(51200 * 64) = 1810, min 452, low 452 + max(113, 51) = 565
    MemoryLayout mb216 = new MemoryLayout(55296, 1);
    BuddyAllocator a = invariants.track(Buddies.booted(mb216, 0, 4096));
    long low = a.watermark(Zone.DMA32, Watermark.LOW);
    assertThat(low).isEqualTo(565);
    while (a.nrFreePages(Zone.DMA32) > low) {
      assertThat(a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0)).isNotEqualTo(PageAllocator.NO_PAGE);
    }

    assertThat(a.allocPages(0, Gfp.GFP_ATOMIC, 2)).isNotEqualTo(PageAllocator.NO_PAGE);

    assertThat(a.reservedHighatomic(Zone.DMA32)).isEqualTo(512);
  }

  @Test
  void ordinaryRequest_reserveHoldsMostFreePages_cannotUseThem() {
    BuddyAllocator a = filled();
    a.allocPages(0, Gfp.GFP_ATOMIC, 2);
    long free = a.nrFreePages(Zone.DMA32);
    assertThat(free).as("above min").isGreaterThan(1015);

    // free minus the 508 free HIGHATOMIC pages is below min; one pageblock stays reserved
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.reservedHighatomic(Zone.DMA32)).isEqualTo(512);
    assertThat(a.statistics().get("highatomic_unreserve")).isZero();
  }

  @Test
  void reserve_exhaustedByAtomics_growsByTheNextPageblockThenGivesOneBackUnderPressure() {
    BuddyAllocator a = filled();
    assertThat(a.allocPages(0, Gfp.GFP_ATOMIC, 2)).isEqualTo(LAST);
    // the reserved pageblock holds 508 free pages: 127 more order-2 blocks
    for (int i = 1; i <= 127; i++) {
      assertThat(a.allocPages(0, Gfp.GFP_ATOMIC, 2)).isEqualTo(LAST + 4L * i);
    }
    assertThat(a.statistics().get("nr_free_highatomic")).isZero();

    // nothing of order 2 left in the reserve: the UNMOVABLE half claimed earlier serves, and its
    // pageblock becomes the second reserved one
    assertThat(a.allocPages(0, Gfp.GFP_ATOMIC, 2)).isEqualTo(LAST + 512);
    assertThat(a.pageblockType(LAST + 512)).isEqualTo(HIGHATOMIC);
    assertThat(a.reservedHighatomic(Zone.DMA32)).isEqualTo(1024);
    assertThat(a.statistics().get("nr_free_highatomic")).isEqualTo(508);

    // a request that may not reclaim directly (and may not dip into the reserves) fails without
    // touching the reserve: unreserve_highatomic_pageblock runs on the direct-reclaim path only
    assertThat(a.allocPages(0, Gfp.NOWAIT | Gfp.NOMEMALLOC, 0)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.reservedHighatomic(Zone.DMA32)).isEqualTo(1024);
    assertThat(a.statistics().get("highatomic_unreserve")).isZero();

    // an ordinary request fails; before its retry one pageblock (with free pages) is given back,
    // retyped for the requester
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.reservedHighatomic(Zone.DMA32)).isEqualTo(512);
    assertThat(a.pageblockType(LAST + 512)).isEqualTo(UNMOVABLE);
    assertThat(a.pageblockType(LAST)).isEqualTo(HIGHATOMIC);
    assertThat(a.statistics().get("nr_free_highatomic")).isZero();
    assertThat(a.statistics().get("highatomic_unreserve")).isEqualTo(1);

    // the last reserved pageblock is kept
    assertThat(a.allocPages(0, Gfp.KERNEL, 0)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(a.reservedHighatomic(Zone.DMA32)).isEqualTo(512);
  }

  @Test
  void freeHighatomicPageblock_nextToAFreeUnmovableOne_staysUnmerged() {
    BuddyAllocator a = filled();
    long p = a.allocPages(0, Gfp.GFP_ATOMIC, 2);

    a.freePages(0, p, 2);

    // HIGHATOMIC pageblocks do not merge with their neighbours at pageblock_order
    assertThat(a.freeList(Zone.DMA32, HIGHATOMIC, 9)).containsExactly(LAST);
    assertThat(a.freeList(Zone.DMA32, UNMOVABLE, 9)).containsExactly(LAST + 512);
    assertThat(a.freeList(Zone.DMA32, UNMOVABLE, 10)).isEmpty();
    assertThat(a.freeList(Zone.DMA32, HIGHATOMIC, 10)).isEmpty();
  }

  @Test
  void highOrderAtomic_zoneTooSmallForOnePercentToFillAPageblock_reservesNothing() {
    // 64 MiB: DMA32 manages 12288 pages, 1 % is 122 < 512
    MemoryLayout mb64 = new MemoryLayout(16384, 1);
    BuddyAllocator a = invariants.track(Buddies.booted(mb64, 0, 4096));
    long low = a.watermark(Zone.DMA32, Watermark.LOW);
    while (a.nrFreePages(Zone.DMA32) > low) {
      a.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0);
    }

    assertThat(a.allocPages(0, Gfp.GFP_ATOMIC, 2)).isNotEqualTo(PageAllocator.NO_PAGE);

    assertThat(a.reservedHighatomic(Zone.DMA32)).isZero();
    assertThat(a.pageTypeInfo(Zone.DMA32).orElseThrow().pageblocks(HIGHATOMIC)).isZero();
  }
}
