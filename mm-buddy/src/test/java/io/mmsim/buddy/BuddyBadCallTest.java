package io.mmsim.buddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.BadPageException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Zone;
import io.mmsim.testkit.InvariantCheckExtension;
import io.mmsim.testkit.page.PageAllocatorState;

/** The buddy allocator's wording of bad calls, its boot checks and its life-cycle errors. */
final class BuddyBadCallTest {

  @RegisterExtension final InvariantCheckExtension invariants = new InvariantCheckExtension();

  private static final MemoryLayout MB64 = new MemoryLayout(16384, 2);

  private BuddyAllocator booted() {
    return invariants.track(Buddies.booted(MB64, 0, 1, 4096, 4608));
  }

  /** Runs {@code call}, expecting BadPageException and an unchanged allocator. */
  private static BadPageException rejected(BuddyAllocator a, Runnable call) {
    PageAllocatorState before = PageAllocatorState.of(a);
    Throwable thrown = null;
    try {
      call.run();
    } catch (BadPageException e) {
      thrown = e;
    }
    assertThat(thrown).isInstanceOf(BadPageException.class);
    assertThat(PageAllocatorState.of(a)).isEqualTo(before);
    a.checkInvariants();
    return (BadPageException) thrown;
  }

  // ================================================================ messages

  @Test
  void freePages_wrongOrder_namesTheAllocatedOrder() {
    BuddyAllocator a = booted();
    long p = a.allocPages(0, Gfp.KERNEL, 2);

    assertThat(rejected(a, () -> a.freePages(0, p, 1)))
        .hasMessage(
            String.format(
                "wrong order: the block was allocated with order 2: pfn 0x%x" + " order 1", p));
  }

  @Test
  void freePages_pageOnAPerCpuList_isADoubleFree() {
    BuddyAllocator a = booted();
    long p = a.allocPages(0, Gfp.KERNEL, 0);
    a.freePages(1, p, 0);
    assertThat(a.pcpList(1, Zone.DMA32)).contains(p);

    assertThat(rejected(a, () -> a.freePages(0, p, 0)))
        .hasMessageContaining("double free of a free page on a per-CPU list");
  }

  @Test
  void freePages_headOfAFreeBlock_isADoubleFree() {
    BuddyAllocator a = booted();

    assertThat(rejected(a, () -> a.freePages(0, 8192, 10)))
        .hasMessageStartingWith("double free of a free block (order 10 on the free list)");
  }

  @Test
  void freePages_frameInsideAFreeBlock_namesTheBlock() {
    BuddyAllocator a = booted();

    assertThat(rejected(a, () -> a.freePages(0, 8200, 0)))
        .hasMessageStartingWith(
            "double free: the frame lies inside a free block of order 10 at" + " pfn 0x2000");
  }

  @Test
  void freePages_frameInsideAnAllocatedBlock_namesTheBlock() {
    BuddyAllocator a = booted();
    long p = a.allocPages(0, Gfp.KERNEL, 3);

    assertThat(rejected(a, () -> a.freePages(0, p + 2, 1)))
        .hasMessageStartingWith(
            String.format(
                "not a block head: the frame lies inside the order-3 block allocated at"
                    + " pfn 0x%x",
                p));
  }

  @Test
  void freePages_reservedFrames_sayReserved() {
    BuddyAllocator a = booted();

    assertThat(rejected(a, () -> a.freePages(0, 0, 0))).hasMessageStartingWith("reserved frame");
    assertThat(rejected(a, () -> a.freePages(0, 4100, 2))).hasMessageStartingWith("reserved frame");
  }

  @Test
  void freePages_misalignedOrOutOfRange_sayWhy() {
    BuddyAllocator a = booted();

    assertThat(rejected(a, () -> a.freePages(0, 4612, 3)))
        .hasMessageStartingWith("misaligned block: the pfn is not a multiple of 8 pages");
    assertThat(rejected(a, () -> a.freePages(0, 16384, 0)))
        .hasMessage("pfn outside memory (frames 0x0-0x3fff): pfn 0x4000 order 0");
    assertThat(rejected(a, () -> a.freePages(0, 0, 11)))
        .hasMessageStartingWith("order 11 is outside 0..10");
  }

  @Test
  void freePages_badCpu_throwsIllegalArgumentAndChangesNothing() {
    BuddyAllocator a = booted();
    long p = a.allocPages(0, Gfp.KERNEL, 0);
    PageAllocatorState before = PageAllocatorState.of(a);

    assertThatThrownBy(() -> a.freePages(2, p, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cpu 2");
    assertThat(PageAllocatorState.of(a)).isEqualTo(before);
    a.freePages(1, p, 0);
  }

  // ================================================================ boot hand-off

  @Test
  void freeBootPages_overlappingFrames_throwsAndChangesNothing() {
    BuddyAllocator a = invariants.track(Buddies.create(MB64));
    a.freeBootPages(1024, 10);
    a.freeBootPages(7, 0);

    assertThat(rejected(a, () -> a.freeBootPages(1024, 10)))
        .hasMessageStartingWith("boot hand-off of a block with frames already handed over");
    assertThat(rejected(a, () -> a.freeBootPages(1536, 9))).isNotNull();
    assertThat(rejected(a, () -> a.freeBootPages(0, 3))).isNotNull();
    assertThat(a.managedPages()).isEqualTo(1025);
  }

  @Test
  void freeBootPages_badBlocks_throw() {
    BuddyAllocator a = invariants.track(Buddies.create(new MemoryLayout(1000, 1)));

    assertThat(rejected(a, () -> a.freeBootPages(512, 10)))
        .hasMessageStartingWith("misaligned block");
    assertThat(rejected(a, () -> a.freeBootPages(512, 9)))
        .hasMessageStartingWith("block runs past the end of memory");
    assertThat(rejected(a, () -> a.freeBootPages(1000, 0)))
        .hasMessageStartingWith("pfn outside memory");
    assertThat(rejected(a, () -> a.freeBootPages(0, -1)))
        .hasMessageStartingWith("order -1 is outside");
    assertThat(a.managedPages()).isZero();
  }

  @Test
  void lifeCycle_callsOutOfOrder_throwIllegalState() {
    BuddyAllocator a = invariants.track(Buddies.create(MB64));
    a.freeBootPages(1024, 10);

    assertThatThrownBy(() -> a.allocPages(0, Gfp.KERNEL, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("completeBoot");
    a.completeBoot();
    assertThatThrownBy(a::completeBoot).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> a.freeBootPages(2048, 10)).isInstanceOf(IllegalStateException.class);
    assertThat(a.managedPages()).isEqualTo(1024);
  }

  // ================================================================ statistics and metadata

  @Test
  void statistics_countPagesLikeVmstat() {
    BuddyAllocator a = booted();
    long bootFreed = a.managedPages();
    assertThat(a.statistics().get("pgfree")).as("boot frees count").isEqualTo(bootFreed);

    long p = a.allocPages(0, Gfp.KERNEL, 3);
    long q = a.allocPages(0, Gfp.GFP_DMA, 1);
    a.freePages(0, p, 3);
    a.freePages(0, q, 1);

    assertThat(a.statistics().get("pgalloc_dma32")).isEqualTo(8);
    assertThat(a.statistics().get("pgalloc_dma")).isEqualTo(2);
    assertThat(a.statistics().get("pgalloc_normal")).isZero();
    assertThat(a.statistics().get("pgfree")).isEqualTo(bootFreed + 10);
    assertThat(a.statistics().get("nr_free_pages")).isEqualTo(a.nrFreePages());
    assertThat(a.statistics().counters().keySet())
        .startsWith(
            "nr_free_pages",
            "nr_pcp_pages",
            "pgalloc_dma",
            "pgalloc_dma32",
            "pgalloc_normal",
            "pgfree");
  }

  @Test
  void metadataBytesPerFrame_isTheArraysPerFrameRoundedUp() {
    assertThat(Buddies.create(MB64).metadataBytesPerFrame()).isEqualTo(10);
    assertThat(Buddies.create(MB64).name()).isEqualTo("buddy");
  }

  @Test
  void constructor_tooManyFrames_isRejected() {
    assertThatThrownBy(() -> Buddies.create(new MemoryLayout(1L << 31, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too many");
  }
}
