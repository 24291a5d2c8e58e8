package io.mmsim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectAllocator;

/** The slab allocators on a two-node machine: slabs come from the asking CPU's node. */
final class NumaSlabTest {

  /** 128 MiB on two nodes, CPU 0 on node 0 ([0, 64M)) and CPU 1 on node 1 ([64M, 128M)). */
  private static Kernel twoNodes(String objectAllocator) {
    return Kernel.builder()
        .set("memory.size", "128M")
        .set("cpus", "2")
        .set("numa.nodes", "2")
        .set("object-allocator", objectAllocator)
        .set("page-table", "none")
        .set("virtual-allocator", "none")
        .boot();
  }

  private static int node(long addr) {
    return KernelLayout.pa(addr) >>> Page.PAGE_SHIFT < 16384 ? 0 : 1;
  }

  @Test
  void slub_newSlabs_comeFromTheCpusNode() {
    Kernel k = twoNodes("slub");
    KmemCache c = k.objectAllocator().kmemCacheCreate("numa-test", 64, 8, 0, null);
    assertThat(node(c.alloc(0, Gfp.KERNEL))).isZero();
    assertThat(node(c.alloc(1, Gfp.KERNEL))).isEqualTo(1);
    k.objectAllocator().checkInvariants();
  }

  @Test
  void slub_noLocalPartial_takesAnotherNodesPartialSlab() {
    Kernel k = twoNodes("slub");
    ObjectAllocator oa = k.objectAllocator();
    KmemCache c = oa.kmemCacheCreate("numa-test", 64, 8, 0, null);
    // ten slabs of 64 objects on node 0, each left half full on node 0's partial list
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 640; i++) {
      objs.add(c.alloc(0, Gfp.KERNEL));
    }
    for (int i = 0; i < objs.size(); i += 2) {
      c.free(0, objs.get(i));
    }
    c.shrink();
    long remote = oa.statistics().get("alloc_remote_partial");
    // node 1 has no partial slab and node 0 more than min_partial (5): get_any_partial
    long obj = c.alloc(1, Gfp.KERNEL);
    assertThat(node(obj)).isZero();
    assertThat(oa.statistics().get("alloc_remote_partial")).isEqualTo(remote + 1);
    oa.checkInvariants();
  }

  @Test
  void slub_freesFromAnyCpu_returnSlabsToTheirOwnNode() {
    Kernel k = twoNodes("slub");
    ObjectAllocator oa = k.objectAllocator();
    KmemCache c = oa.kmemCacheCreate("numa-test", 256, 8, 0, null);
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      objs.add(c.alloc(i % 2, Gfp.KERNEL));
    }
    for (int i = 0; i < objs.size(); i++) {
      // freed by the other CPU than the one that allocated
      c.free((i + 1) % 2, objs.get(i));
      if (i % 37 == 0) {
        oa.checkInvariants();
      }
    }
    c.shrink();
    oa.checkInvariants();
    assertThat(c.shrink()).isZero();
  }

  // ---------------------------------------------------------------- SLAB

  @Test
  void slab_newSlabs_comeFromTheCpusNode() {
    Kernel k = twoNodes("slab");
    ObjectAllocator oa = k.objectAllocator();
    KmemCache c = oa.kmemCacheCreate("numa-test", 64, 8, 0, null);
    long grown = oa.statistics().get("slabs_grown");
    assertThat(node(c.alloc(0, Gfp.KERNEL))).isZero();
    assertThat(node(c.alloc(1, Gfp.KERNEL))).isEqualTo(1);
    // one slab each: node 1's CPU cannot refill from node 0's slab, which still has free objects
    assertThat(oa.statistics().get("slabs_grown")).isEqualTo(grown + 2);
    oa.checkInvariants();
  }

  /**
   * 64-byte objects: 64 a slab, limit 120, batchcount 60, shared 8 (480 objects), alien caches of
   * 12. CPU 0's first refill takes 16 objects (BATCHREFILL_LIMIT) from a new slab in freelist
   * order, so objects 15, 14, ..., 3 are handed out and 0, 1, 2 stay in its array.
   */
  @Test
  void slab_remoteFrees_goThroughTheAlienCacheIntoTheHomeNodesSharedArray() {
    Kernel k = twoNodes("slab");
    ObjectAllocator oa = k.objectAllocator();
    KmemCache c = oa.kmemCacheCreate("numa-test", 64, 8, 0, null);
    assertThat(c.info().objPerSlab()).isEqualTo(64);
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 13; i++) {
      objs.add(c.alloc(0, Gfp.KERNEL));
    }
    long base = objs.get(0) - 15 * 64;
    for (int i = 0; i < 13; i++) {
      assertThat(objs.get(i)).isEqualTo(base + (15 - i) * 64L);
    }
    assertThat(node(base)).isZero();
    long frees = oa.statistics().get("alien_frees");
    long drains = oa.statistics().get("alien_drains");
    long grown = oa.statistics().get("slabs_grown");
    // CPU 1 (node 1) frees twelve of node 0's objects: they fill node 1's alien cache for node 0
    for (int i = 0; i < 12; i++) {
      c.free(1, objs.get(i));
    }
    assertThat(oa.statistics().get("alien_frees")).isEqualTo(frees + 12);
    assertThat(oa.statistics().get("alien_drains")).isEqualTo(drains);
    assertThat(c.info().sharedAvail()).isZero();
    oa.checkInvariants();
    // the thirteenth finds it full: the twelve go to node 0's shared array, the 13th waits
    c.free(1, objs.get(12));
    assertThat(oa.statistics().get("alien_frees")).isEqualTo(frees + 13);
    assertThat(oa.statistics().get("alien_drains")).isEqualTo(drains + 1);
    assertThat(c.info().sharedAvail()).isEqualTo(12);
    assertThat(c.info().activeObjs()).isEqualTo(16);
    oa.checkInvariants();
    // CPU 0 empties its array (objects 2, 1, 0), then refills 12 from the shared array, top
    // first out: objects 4, 5, ..., 15; no slab is grown
    List<Long> expected = new ArrayList<>(List.of(base + 2 * 64, base + 64, base));
    for (int i = 4; i <= 15; i++) {
      expected.add(base + i * 64L);
    }
    List<Long> again = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      again.add(c.alloc(0, Gfp.KERNEL));
    }
    assertThat(again).containsExactlyElementsOf(expected);
    assertThat(c.info().sharedAvail()).isZero();
    assertThat(oa.statistics().get("slabs_grown")).isEqualTo(grown);
    oa.checkInvariants();
    // shrink empties the alien cache too (object 3 goes home), then every slab is free
    for (long o : again) {
      c.free(0, o);
    }
    c.shrink();
    assertThat(oa.statistics().get("alien_drains")).isEqualTo(drains + 2);
    assertThat(c.info().numSlabs()).isZero();
    oa.checkInvariants();
  }

  @Test
  void slab_cpusNodeWithoutPages_fallsBackToAnotherNodesSlabBypassingTheArray() {
    Kernel k = twoNodes("slab");
    ObjectAllocator oa = k.objectAllocator();
    KmemCache c = oa.kmemCacheCreate("numa-test", 64, 8, 0, null);
    // node 0 gives no more pages to anyone who may not go elsewhere
    List<Long> held = new ArrayList<>();
    for (long pfn; (pfn = k.pageAllocator().allocPages(0, Gfp.THISNODE, 0)) >= 0; ) {
      held.add(pfn);
    }
    assertThat(held).allMatch(pfn -> pfn < 16384);
    long fallbacks = oa.statistics().get("fallback_allocs");
    long grown = oa.statistics().get("slabs_grown");
    // refill: node 0 has neither objects nor pages; fallback_alloc grows a slab on node 1 and
    // takes its first object, then (no slab grown) the second from the same slab
    long first = c.alloc(0, Gfp.KERNEL);
    long second = c.alloc(0, Gfp.KERNEL);
    assertThat(node(first)).isEqualTo(1);
    assertThat(second).isEqualTo(first + 64);
    assertThat(oa.statistics().get("fallback_allocs")).isEqualTo(fallbacks + 2);
    assertThat(oa.statistics().get("slabs_grown")).isEqualTo(grown + 1);
    // nothing went through CPU 0's array: the slab has exactly the two objects taken
    assertThat(c.info().activeObjs()).isEqualTo(2);
    // CPU 0 frees node 1's object into its node's alien cache for node 1
    long frees = oa.statistics().get("alien_frees");
    c.free(0, first);
    assertThat(oa.statistics().get("alien_frees")).isEqualTo(frees + 1);
    oa.checkInvariants();
    c.free(1, second);
    c.shrink();
    assertThat(c.info().numSlabs()).isZero();
    oa.checkInvariants();
    for (long pfn : held) {
      k.pageAllocator().freePages(0, pfn, 0);
    }
  }

  @Test
  void slab_mixedCpusAllocAndFree_keepEveryNodesListsConsistent() {
    Kernel k = twoNodes("slab");
    ObjectAllocator oa = k.objectAllocator();
    KmemCache c = oa.kmemCacheCreate("numa-test", 512, 8, 0, null);
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      objs.add(c.alloc(i % 2, Gfp.KERNEL));
      assertThat(node(objs.get(i))).isEqualTo(i % 2);
    }
    for (int i = 0; i < objs.size(); i++) {
      c.free((i / 3) % 2, objs.get(i));
      if (i % 41 == 0) {
        oa.checkInvariants();
      }
    }
    c.shrink();
    assertThat(c.info().numSlabs()).isZero();
    oa.checkInvariants();
    c.destroy();
    oa.checkInvariants();
  }
}
