package io.mmsim.slub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.object.KmemCache;
import io.mmsim.testkit.object.TestMemoryContext;

/**
 * The slab table and its page map: the frame words SLUB borrows from the memmap go back clear, a
 * word that another owner wrote is not taken for a slab, and slab ids and list heads are reused
 * rather than leaked.
 */
final class SlabTableTest {
  private TestMemoryContext ctx;
  private SlubAllocator slub;
  private SlabTable t;

  @AfterEach
  void invariants() {
    if (slub != null) {
      slub.checkInvariants();
    }
  }

  private void boot() {
    ctx = Slubs.context(1, "nomerge", "true");
    slub = Slubs.slub(ctx);
    t = slub.table;
  }

  private static int pfnOf(long va) {
    return (int) Page.physToPfn(KernelLayout.pa(va));
  }

  @Test
  void discard_multiPageSlab_everyFrameWordCleared() {
    boot();
    KmemCache c = slub.kmemCacheCreate("big", 4096, 0, 0, null);
    long obj = c.alloc(0, Gfp.KERNEL);
    int pfn = pfnOf(obj);
    int[] word0 = ctx.memmap().word0();
    // an order-3 slab: its 8 frames carry its id while SLUB holds them
    int id = word0[pfn];
    assertThat(id).isPositive();
    for (int f = pfn; f < pfn + 8; f++) {
      assertThat(word0[f]).as("frame %d", f).isEqualTo(id);
    }
    c.free(0, obj);
    assertThat(c.shrink()).isEqualTo(8);
    for (int f = pfn; f < pfn + 8; f++) {
      assertThat(word0[f]).as("frame %d", f).isZero();
    }
    assertThat(t.isLive(id)).isFalse();
  }

  @Test
  void ownerOf_wordsWrittenByAnotherOwner_notBelieved() {
    boot();
    long obj = slub.kmalloc(0, 64, Gfp.KERNEL);
    int pfn = pfnOf(obj);
    int id = t.ownerOf(pfn);
    assertThat(id).isPositive();
    assertThat(t.isLive(id)).isTrue();
    // the newest id is live; the one after it is not handed out yet; 0 is no slab
    assertThat(t.isLive(t.idLimit() - 1)).isTrue();
    assertThat(t.isLive(t.idLimit())).isFalse();
    assertThat(t.isLive(0)).isFalse();
    int next = pfn + 1;
    assertThat(t.ownerOf(next)).isZero();
    // the id of an order-0 slab in the frame after it: that slab does not span the frame
    t.owner[next] = id;
    assertThat(t.ownerOf(next)).isZero();
    // an id beyond the table
    t.owner[next] = t.cache.length;
    assertThat(t.ownerOf(next)).isZero();
    // negative words: -1 .. -11 mark large kmalloc heads of order 0 .. 10, -100 a tail
    t.owner[next] = -(Page.MAX_PAGE_ORDER + 1);
    assertThat(t.ownerOf(next)).isEqualTo(-(Page.MAX_PAGE_ORDER + 1));
    t.owner[next] = -(Page.MAX_PAGE_ORDER + 2);
    assertThat(t.ownerOf(next)).isZero();
    t.owner[next] = SlabTable.LARGE_TAIL;
    assertThat(t.ownerOf(next)).isEqualTo(SlabTable.LARGE_TAIL);
    t.owner[next] = 0;
    slub.kfree(0, obj);
  }

  @Test
  void createAndDestroy_repeatedly_idsAndListHeadsReused() {
    boot();
    KmemCache first = slub.kmemCacheCreate("c", 64, 0, 0, null);
    long x = first.alloc(0, Gfp.KERNEL);
    int slabId = t.ownerOf(pfnOf(x));
    first.free(0, x);
    first.destroy();
    int limit = t.idLimit();
    for (int i = 0; i < 100; i++) {
      KmemCache c = slub.kmemCacheCreate("c", 64, 0, 0, null);
      long y = c.alloc(0, Gfp.KERNEL);
      // the freed ids come back: no id beyond the limit of the first round
      assertThat(t.ownerOf(pfnOf(y))).isLessThan(limit);
      c.free(0, y);
      c.destroy();
    }
    assertThat(t.idLimit()).isEqualTo(limit);
    assertThat(t.isLive(slabId)).isFalse();
    assertThat(t.liveSlabs()).isZero();
  }
}
