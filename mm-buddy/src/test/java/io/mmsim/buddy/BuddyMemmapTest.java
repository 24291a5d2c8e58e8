package io.mmsim.buddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.mmsim.api.BadPageException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Memmap;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.Zone;
import io.mmsim.testkit.page.PageAllocatorState;

/**
 * The per-frame words the buddy allocator keeps its free lists in and lends to a block's owner:
 * handed out 0, expected back 0, and never written where no owner holds them.
 */
final class BuddyMemmapTest {

  private static final MemoryLayout MB64 = new MemoryLayout(16384, 2);

  @Test
  void memmap_oneNode_isTheMachinesFramesPlusTheListHeads() {
    BuddyAllocator a = Buddies.booted(MB64, 0, 1, 4096, 4608);
    Memmap m = a.memmap();

    assertThat(m.frames()).isEqualTo(16384);
    // free lists: 3 zones x 5 types x 11 orders; per-CPU lists: 2 CPUs x 3 zones x 3 types
    assertThat(m.word0()).hasSize(16384 + 3 * 5 * 11 + 2 * 3 * 3);
    assertThat(m.word0()).isSameAs(a.memmap().word0());
  }

  @Test
  void allocPages_everyFrameOfTheBlock_hasClearWords() {
    BuddyAllocator a = Buddies.booted(MB64, 0, 1, 4096, 4608);
    Memmap m = a.memmap();
    // pages that sat on per-CPU lists and blocks that were split and merged before
    long[] small = new long[64];
    for (int i = 0; i < small.length; i++) {
      small[i] = a.allocPages(i & 1, Gfp.KERNEL, 0);
    }
    for (long p : small) {
      a.freePages(0, p, 0);
    }
    for (int i = 0; i < small.length; i++) {
      long p = a.allocPages(i & 1, Gfp.KERNEL, 0);
      assertThat(m.clear(p)).as("words of pfn %d", p).isTrue();
    }
    long big = a.allocPages(0, Gfp.KERNEL, 4);
    for (long p = big; p < big + 16; p++) {
      assertThat(m.clear(p)).as("words of pfn %d", p).isTrue();
    }
    a.checkInvariants();
  }

  @Test
  void freePages_wordsStillSet_isRefusedAsAPageStillInUse() {
    BuddyAllocator a = Buddies.booted(MB64, 0, 1, 4096, 4608);
    long p = a.allocPages(0, Gfp.KERNEL, 0);
    a.memmap().word0()[(int) p] = 7; // an owner that forgot to clear its slab id
    PageAllocatorState before = PageAllocatorState.of(a);

    assertThatThrownBy(() -> a.freePages(0, p, 0))
        .isInstanceOf(BadPageException.class)
        .hasMessage(
            String.format(
                "page still in use: its words were not cleared by its owner (0x7, 0x0): pfn 0x%x"
                    + " order 0",
                p));
    assertThat(PageAllocatorState.of(a)).isEqualTo(before);

    a.memmap().word0()[(int) p] = 0;
    a.freePages(0, p, 0);
    a.checkInvariants();
  }

  @Test
  void checkInvariants_wordWrittenInsideAFreeBlock_isCaught() {
    BuddyAllocator a = Buddies.booted(MB64, 0, 1, 4096, 4608);
    long head = a.freeList(Zone.DMA32, MigrateType.MOVABLE, 10)[0];
    int tail = (int) head + 3;
    a.memmap().word1()[tail] = 42; // a reverse-map key written into a frame no one holds

    assertThatThrownBy(a::checkInvariants)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("pfn " + tail + " (inside a free block) has words 0x0, 0x2a");

    a.memmap().word1()[tail] = 0;
    a.checkInvariants();
  }

  @Test
  void checkInvariants_wordWrittenInAReservedFrame_isCaught() {
    BuddyAllocator a = Buddies.booted(MB64, 0, 1, 4096, 4608);
    a.memmap().word0()[4100] = 3; // reserved at boot: handed to no one

    assertThatThrownBy(a::checkInvariants)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("pfn 4100 (reserved) has words 0x3, 0x0");

    a.memmap().word0()[4100] = 0;
    a.checkInvariants();
  }
}
