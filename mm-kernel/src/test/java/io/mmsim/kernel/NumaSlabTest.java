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
}
