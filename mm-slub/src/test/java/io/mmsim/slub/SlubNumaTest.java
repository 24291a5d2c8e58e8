package io.mmsim.slub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.NumaTopology;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.object.SimplePageAllocator;
import io.mmsim.testkit.object.TestMemoryContext;

/**
 * SLUB on two NUMA nodes of 32 MiB (frames 0-8191 and 8192-16383), CPU 0 on node 0 and CPU 1 on
 * node 1: every slab is counted on the node of its frames ({@code slab_nid}), and a CPU whose node
 * has no partial slab takes one from another node only when that node holds more than {@code
 * min_partial} of them ({@code get_any_partial}). The testkit's page allocator hands out the lowest
 * free frames whatever the CPU, so node 0 fills first.
 */
final class SlubNumaTest {
  private static final long FRAMES = 16384;
  private static final long NODE1 = 8192;

  private TestMemoryContext ctx;
  private SlubAllocator slub;
  private SlubCache cache;

  @AfterEach
  void invariants() {
    if (slub != null) {
      slub.checkInvariants();
    }
  }

  private void boot() {
    NumaTopology numa = NumaTopology.parse(FRAMES, 2, 2, "10,20", "");
    MemoryLayout layout = new MemoryLayout(FRAMES, 2, numa);
    Map<String, String> m = new LinkedHashMap<>(SlubAllocator.defaults());
    m.put("nomerge", "true");
    ctx =
        new TestMemoryContext(
            layout,
            new PhysicalMemory(FRAMES),
            SimplePageAllocator.booted(layout, 1),
            new Settings("slub", m),
            42);
    slub = Slubs.slub(ctx);
    cache = (SlubCache) slub.kmemCacheCreate("numa", 64, 0, 0, null);
    assertThat(cache.nodes).hasSize(2);
  }

  private static long pfnOf(long obj) {
    return Page.physToPfn(KernelLayout.pa(obj));
  }

  private long stat(String key) {
    return slub.statistics().get(key);
  }

  @Test
  void getAnyPartial_remoteNodeAboveMinPartial_only() {
    boot();
    // CPU 0 fills 8 slabs (all on node 0): 7 leave the CPU full, the 8th is its CPU slab
    long[] objs = new long[8 * 64];
    for (int i = 0; i < objs.length; i++) {
      objs[i] = cache.alloc(0, Gfp.KERNEL);
    }
    // one free into each of slabs 1-5, then flush: 4 drained + 1 = 5 node-0 partial slabs
    for (int k = 0; k < 5; k++) {
      cache.free(0, objs[k * 64]);
    }
    cache.flush.flushAll();
    assertThat(cache.nodes[0].nrPartial).isEqualTo(5);
    // CPU 1's node has nothing; node 0 holds 5, not more than min_partial: a new slab instead
    long first = cache.alloc(1, Gfp.KERNEL);
    assertThat(stat("alloc_remote_partial")).isZero();
    assertThat(cache.nodes[0].nrPartial).isEqualTo(5);
    assertThat(pfnOf(first)).isLessThan(NODE1);
    for (int i = 1; i < 64; i++) {
      cache.alloc(1, Gfp.KERNEL);
    }
    // two more partial slabs on node 0 (frees into slabs 6 and 7, then flush): 7 > 5
    cache.free(0, objs[5 * 64]);
    cache.free(0, objs[6 * 64]);
    cache.flush.flushAll();
    assertThat(cache.nodes[0].nrPartial).isEqualTo(7);
    long remote = cache.alloc(1, Gfp.KERNEL);
    assertThat(stat("alloc_remote_partial")).isEqualTo(1);
    assertThat(pfnOf(remote)).isLessThan(NODE1);
    // one slab for the CPU and up to cpu_partial_slabs / 2 + 1 = 3 more for its partial list
    assertThat(cache.nodes[0].nrPartial).isEqualTo(7 - 1 - 3);
    assertThat(cache.cpus[1].partialCount).isEqualTo(3);
    assertThat(cache.nodes[1].nrSlabs).isZero();
    assertThat(cache.nodes[0].nrSlabs).isEqualTo(9);
  }

  @Test
  void slabNid_slabsOnNodeOneFrames_countedOnNodeOne() {
    boot();
    long a = cache.alloc(0, Gfp.KERNEL);
    assertThat(pfnOf(a)).isLessThan(NODE1);
    // take every remaining frame of node 0
    PageAllocator pages = ctx.pageAllocator();
    long pfn;
    do {
      pfn = pages.allocPages(0, Gfp.KERNEL, 0);
    } while (pfn != PageAllocator.NO_PAGE && pfn < NODE1);
    pages.freePages(0, pfn, 0);
    SlubCache other = (SlubCache) slub.kmemCacheCreate("numa1", 64, 0, 0, null);
    long b = other.alloc(1, Gfp.KERNEL);
    long c = other.alloc(0, Gfp.KERNEL);
    assertThat(pfnOf(b)).isGreaterThanOrEqualTo(NODE1);
    // CPU 0's own node has no partial slab and node 1 has none to spare: CPU 0 gets a new slab,
    // from the only free frames, on node 1 too
    assertThat(pfnOf(c)).isGreaterThanOrEqualTo(NODE1);
    assertThat(pfnOf(c)).isNotEqualTo(pfnOf(b));
    assertThat(other.nodes[1].nrSlabs).isEqualTo(2);
    assertThat(other.nodes[1].totalObjects).isEqualTo(2 * 64);
    assertThat(other.nodes[0].nrSlabs).isZero();
    assertThat(cache.nodes[0].nrSlabs).isEqualTo(1);
    SlubInvariants.check(other);
    SlubInvariants.check(cache);
    // emptied and flushed, the two slabs go to node 1's partial list, not node 0's
    other.free(1, b);
    other.free(0, c);
    other.flush.flushAll();
    assertThat(other.nodes[1].nrPartial).isEqualTo(2);
    assertThat(other.nodes[0].nrPartial).isZero();
    assertThat(other.shrink()).isEqualTo(2);
    cache.free(0, a);
  }
}
