package io.mmsim.slob;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Page;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.testkit.object.ObjectAllocatorContract;

/**
 * The object allocator contract for SLOB, which has no kmalloc size classes, and which does not
 * separate reclaimable slab pages (see the override below).
 */
final class SlobAllocatorTest extends ObjectAllocatorContract {

  @Override
  protected ObjectAllocator createAllocator(MemoryContext ctx) {
    return new SlobProvider().create(ctx);
  }

  @Override
  protected boolean hasKmallocClasses() {
    return false;
  }

  /**
   * mm/slob.c: a request below PAGE_SIZE minus the 8-byte size header is a heap block whose ksize
   * is the request in whole 2-byte SLOB units; anything larger takes whole pages.
   */
  @Override
  protected long kmallocObjectSize(long size) {
    if (size < Page.PAGE_SIZE - 8) {
      return (size + 1) & ~1L;
    }
    return (long) Page.PAGE_SIZE << Page.getOrder(size);
  }

  /**
   * Replaces the contract's check, which SLOB cannot pass while being faithful: the kernel's SLOB
   * adds every page to NR_SLAB_UNRECLAIMABLE_B and its CACHE_CREATE_MASK drops
   * SLAB_RECLAIM_ACCOUNT, so a "reclaimable" cache's pages show as SUnreclaim. The accounting
   * identity (slab pages = pages taken from the page allocator) is still asserted.
   */
  @Override
  @Test
  public void reclaimablePages_reclaimAccountCache_countsItsSlabs() {
    KmemCache c =
        allocator.kmemCacheCreate("contract-rcl", 512, 0, SlabFlags.RECLAIM_ACCOUNT, null);
    assertThat(c.flags() & SlabFlags.RECLAIM_ACCOUNT).as("flag dropped by SLOB").isZero();
    long unreclaimable = allocator.unreclaimablePages();
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      objs.add(c.alloc(0, Gfp.KERNEL));
    }
    // 512 bytes = 256 units: 8 objects fill a page exactly, so 100 objects take 13 pages
    assertThat(allocator.reclaimablePages()).isZero();
    assertThat(allocator.unreclaimablePages() - unreclaimable).isEqualTo(13);
    assertAccounting();
    for (long a : objs) {
      c.free(0, a);
    }
    c.destroy();
    assertThat(allocator.reclaimablePages()).isZero();
    assertAllPagesBack();
  }
}
