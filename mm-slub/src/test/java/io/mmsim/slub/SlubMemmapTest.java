package io.mmsim.slub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Memmap;
import io.mmsim.api.mem.Page;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.testkit.object.TestMemoryContext;

/**
 * SLUB keeps its page-to-slab map in the first of the machine's per-frame words: it writes them on
 * the frames it holds only, clears them before it gives a frame back, and believes a word read for
 * an address only when it names a live slab spanning that frame.
 */
final class SlubMemmapTest {

  private static long pfnOf(long va) {
    return Page.physToPfn(KernelLayout.pa(va));
  }

  @Test
  void kmalloc_slabFrame_holdsTheSlabIdAndAClearSecondWord() {
    TestMemoryContext ctx = Slubs.context(1);
    SlubAllocator slub = Slubs.slub(ctx);
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    int pfn = (int) pfnOf(a);
    Memmap m = ctx.memmap();

    assertThat(m.word0()[pfn]).isPositive();
    assertThat(m.word1()[pfn]).isZero();
    slub.kfree(0, a);
    slub.checkInvariants();
  }

  @Test
  void kmallocLarge_freed_leavesTheWordsClearForThePageAllocator() {
    TestMemoryContext ctx = Slubs.context(1);
    SlubAllocator slub = Slubs.slub(ctx);
    long a = slub.kmalloc(0, 3 * Page.PAGE_SIZE, Gfp.KERNEL); // order 2
    int pfn = (int) pfnOf(a);
    Memmap m = ctx.memmap();
    assertThat(m.word0()[pfn]).isEqualTo(-3); // head of an order-2 block: -(order + 1)
    assertThat(m.word0()[pfn + 3]).isEqualTo(SlabTable.LARGE_TAIL);

    slub.kfree(0, a);

    for (int p = pfn; p < pfn + 4; p++) {
      assertThat(m.clear(p)).as("words of pfn %d", p).isTrue();
    }
    slub.checkInvariants();
  }

  @Test
  void kfree_frameWhoseWordLooksLikeALiveSlabId_isNoSlabObject() {
    TestMemoryContext ctx = Slubs.context(1);
    SlubAllocator slub = Slubs.slub(ctx);
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    int id = ctx.memmap().word0()[(int) pfnOf(a)];
    // a frame held by someone else whose first word happens to equal that live slab's id (a
    // reverse-map key's high half, a free-list link)
    long other = ctx.pageAllocator().allocPages(0, Gfp.KERNEL, 0);
    assertThat(other).isNotEqualTo(PageAllocator.NO_PAGE);
    ctx.memmap().word0()[(int) other] = id;
    long va = KernelLayout.va(Page.pfnToPhys(other));

    assertThatThrownBy(() -> slub.kfree(0, va))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("not");
    assertThatThrownBy(() -> slub.ksize(va)).isInstanceOf(BadAddressException.class);
    slub.checkInvariants();

    ctx.memmap().word0()[(int) other] = 0;
    ctx.pageAllocator().freePages(0, other, 0);
    slub.kfree(0, a);
  }

  @Test
  void checkInvariants_slabFrameWordWrittenByAnotherOwner_isCaught() {
    TestMemoryContext ctx = Slubs.context(1);
    SlubAllocator slub = Slubs.slub(ctx);
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    int pfn = (int) pfnOf(a);
    ctx.memmap().word1()[pfn] = 0x1234; // a reverse-map key's low half

    assertThatThrownBy(slub::checkInvariants)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("has word1 0x1234");

    ctx.memmap().word1()[pfn] = 0;
    slub.checkInvariants();
    slub.kfree(0, a);
  }
}
