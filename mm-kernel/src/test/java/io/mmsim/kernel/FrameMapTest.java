package io.mmsim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.NumaTopology;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.object.KmemCache;
import io.mmsim.kernel.mm.Processes;

/**
 * The frame map: every frame named by the part that owns it, checked against each part's own
 * counts.
 */
final class FrameMapTest {
  private static final int RW = Prot.READ | Prot.WRITE;

  private static Kernel boot(String... sets) {
    Kernel.Builder b = Kernel.builder().set("memory.size", "64M").set("cpus", "2");
    for (String s : sets) {
      b.set(s);
    }
    return b.boot();
  }

  private static Map<FrameUse, Long> counts(FrameMap m) {
    Map<FrameUse, Long> c = new EnumMap<>(FrameUse.class);
    for (long pfn = 0; pfn < m.frames(); pfn++) {
      c.merge(m.use(pfn), 1L, Long::sum);
    }
    return c;
  }

  @Test
  void frameMap_afterBoot_freeFramesMatchTheAllocatorAndReservationsMatchBoot() {
    Kernel k = boot();
    FrameMap m = k.frameMap();
    Map<FrameUse, Long> c = counts(m);

    // boot drains the per-CPU lists, so every free page is on a buddy list
    assertThat(c.getOrDefault(FrameUse.FREE, 0L)).isEqualTo(k.pageAllocator().nrFreePages());
    assertThat(c.get(FrameUse.PCP)).isNull();
    // the 16 MiB image at 16 MiB, its last page the zero page
    long image = Page.physToPfn(KernelLayout.PHYSICAL_START);
    assertThat(c.get(FrameUse.KERNEL_IMAGE)).isEqualTo((16L << 20 >> 12) - 1);
    assertThat(m.use(image)).isEqualTo(FrameUse.KERNEL_IMAGE);
    assertThat(m.use(k.zeroPfn())).isEqualTo(FrameUse.ZERO_PAGE);
    assertThat(m.use(0)).isEqualTo(FrameUse.RESERVED);
    assertThat(c.get(FrameUse.PAGE_TABLE)).isEqualTo(k.pageTable().tablePages());
    long slabPages =
        k.objectAllocator().reclaimablePages() + k.objectAllocator().unreclaimablePages();
    assertThat(c.getOrDefault(FrameUse.SLAB, 0L) + c.getOrDefault(FrameUse.KMALLOC_LARGE, 0L))
        .isEqualTo(slabPages);
    assertThat(m.owner(k.pageTable().kernelRoot())).isEqualTo("kernel PGD");
  }

  @Test
  void frameMap_freeBlock_carriesItsOrderAndZone() {
    Kernel k = boot();
    FrameMap m = k.frameMap();
    // allocations prefer DMA32, so after boot the DMA zone (below 16 MiB) is free but for pfn 0:
    // pfn 0x800..0xbff is one block of the largest order (4 MiB)
    long pfn = 0x800;
    assertThat(m.use(pfn)).isEqualTo(FrameUse.FREE);
    assertThat(m.order(pfn)).isEqualTo(Page.MAX_PAGE_ORDER);
    assertThat(m.owner(pfn)).startsWith(Zone.DMA.kernelName() + " ");
  }

  @Test
  void frameMap_allocAndFreeOnACpuList_showAllocatedThenPcp() {
    // the zones of 64 MiB have no per-CPU lists (their high is 0); those of 512 MiB have
    Kernel k = boot("memory.size=512M");
    long a = k.pageAllocator().allocPages(1, Gfp.KERNEL, 3);
    long b = k.pageAllocator().allocPages(1, Gfp.KERNEL, 0);
    FrameMap m = k.frameMap();
    assertThat(m.use(a)).isEqualTo(FrameUse.ALLOCATED);
    assertThat(m.use(a + 7)).isEqualTo(FrameUse.ALLOCATED);
    assertThat(m.order(a + 7)).isEqualTo(3);
    assertThat(m.use(b)).isEqualTo(FrameUse.ALLOCATED);

    k.pageAllocator().freePages(1, b, 0);
    k.describeFrames(m);
    assertThat(m.use(b)).isEqualTo(FrameUse.PCP);
    assertThat(m.owner(b)).isEqualTo("cpu 1");
  }

  @Test
  void frameMap_slabAndVmalloc_ownedByTheirCacheAndArea() {
    Kernel k = boot();
    KmemCache cache = k.objectAllocator().kmemCacheCreate("frame_test", 700, 0, 0, null);
    long obj = cache.alloc(0, Gfp.KERNEL);
    long v = k.virtualAllocator().vmalloc(0, 40 << 10, Gfp.KERNEL);
    FrameMap m = k.frameMap();

    long objPfn = Page.physToPfn(KernelLayout.pa(obj));
    assertThat(m.use(objPfn)).isEqualTo(FrameUse.SLAB);
    assertThat(m.owner(objPfn)).isEqualTo("frame_test");
    long vpfn = Page.physToPfn(k.pageTable().virtToPhys(k.pageTable().kernelRoot(), v));
    assertThat(m.use(vpfn)).isEqualTo(FrameUse.VMALLOC);
    assertThat(m.owner(vpfn)).startsWith("vmalloc 0x" + Long.toHexString(v) + " (10 pages");
    assertThat(counts(m).get(FrameUse.VMALLOC)).isEqualTo(10L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"slab", "slub", "slob"})
  void frameMap_eachObjectAllocator_marksItsSlabsAndLargeKmallocs(String allocator) {
    Kernel k = boot("object-allocator=" + allocator);
    long small = k.objectAllocator().kmalloc(0, 100, Gfp.KERNEL);
    long large = k.objectAllocator().kmalloc(0, 3 * Page.PAGE_SIZE, Gfp.KERNEL);
    FrameMap m = k.frameMap();

    long smallPfn = Page.physToPfn(KernelLayout.pa(small));
    assertThat(m.use(smallPfn)).isEqualTo(FrameUse.SLAB);
    // SLOB has no kmalloc caches: its small objects live in its heap's pages
    assertThat(m.owner(smallPfn))
        .isEqualTo(allocator.equals("slob") ? "slob small" : "kmalloc-128");
    long largePfn = Page.physToPfn(KernelLayout.pa(large));
    assertThat(m.use(largePfn)).isEqualTo(FrameUse.KMALLOC_LARGE);
    assertThat(m.order(largePfn + 3)).isEqualTo(2); // 12 KiB round up to 4 pages
    Map<FrameUse, Long> c = counts(m);
    long held = k.objectAllocator().reclaimablePages() + k.objectAllocator().unreclaimablePages();
    assertThat(c.getOrDefault(FrameUse.SLAB, 0L) + c.get(FrameUse.KMALLOC_LARGE)).isEqualTo(held);
  }

  @Test
  void frameMap_forkedPage_isAnonymousAndSharedUntilWritten() {
    Kernel k = boot();
    Processes p = k.processes();
    p.spawn(1);
    long addr = p.mmap(1, 3 * Page.PAGE_SIZE, RW, null, 0, false, -1, false);
    p.write(1, 0, addr, new byte[] {1});
    p.fork(1, 2);
    long pfn = Page.physToPfn(physOf(k, 1, addr));

    FrameMap m = k.frameMap();
    assertThat(m.use(pfn)).isEqualTo(FrameUse.ANON);
    assertThat(m.owner(pfn)).isEqualTo("pid 1, pid 2");

    p.write(2, 0, addr, new byte[] {2}); // copy-on-write: pid 2 gets a frame of its own
    k.describeFrames(m);
    assertThat(m.owner(pfn)).isEqualTo("pid 1");
    long child = Page.physToPfn(physOf(k, 2, addr));
    assertThat(child).isNotEqualTo(pfn);
    assertThat(m.owner(child)).isEqualTo("pid 2");
    // pid 1's tables: its PGD, and a PUD, a PMD and a PTE table for the area and for the stack
    long tables = 0;
    for (long f = 0; f < m.frames(); f++) {
      if (m.use(f) == FrameUse.PAGE_TABLE && m.owner(f).startsWith("pid 1 ")) {
        tables++;
      }
    }
    assertThat(tables).isEqualTo(k.pageTable().tablePages(rootOf(k, 1)));
  }

  @Test
  void frameMap_swappedPages_leaveSwapCacheFramesAndCountsAddUp() {
    Kernel k = boot("swap.memory=64M");
    Processes p = k.processes();
    p.spawn(1);
    long pages = 20_000; // 78 MiB through 64 MiB of RAM
    long base = p.mmap(1, pages << Page.PAGE_SHIFT, RW, null, 0, false, -1, true);
    assertThat(base).isPositive();
    FrameMap m = k.frameMap();
    Map<FrameUse, Long> c = counts(m);

    assertThat(k.swap().statistics().get("pswpout")).isPositive();
    assertThat(c.getOrDefault(FrameUse.SWAP_CACHE, 0L)).isEqualTo(k.swap().swapCachePages());
    long anonMapped = c.getOrDefault(FrameUse.ANON, 0L);
    assertThat(anonMapped).isPositive().isLessThan(pages);
    long free = c.getOrDefault(FrameUse.FREE, 0L) + c.getOrDefault(FrameUse.PCP, 0L);
    assertThat(c.getOrDefault(FrameUse.FREE, 0L)).isEqualTo(k.pageAllocator().nrFreePages());
    long total = 0;
    for (long n : c.values()) {
      total += n;
    }
    assertThat(total).isEqualTo(m.frames());
    assertThat(free).isLessThan(m.frames());
  }

  @Test
  void describeFrames_mapOfAnotherSize_isRefused() {
    Kernel k = boot();
    assertThatThrownBy(() -> k.describeFrames(new FrameMap(100)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("100 frames");
  }

  private static long rootOf(Kernel k, int pid) {
    FrameMap m = k.frameMap();
    for (long f = 0; f < m.frames(); f++) {
      if (m.use(f) == FrameUse.PAGE_TABLE && ("pid " + pid + " PGD").equals(m.owner(f))) {
        return f;
      }
    }
    throw new AssertionError("no PGD for pid " + pid);
  }

  private static long physOf(Kernel k, int pid, long addr) {
    return k.pageTable().virtToPhys(rootOf(k, pid), addr);
  }

  @Test
  void frameMap_twoNodes_everyFreeFrameIsMarkedAtItsNodesPfnAndNamesThatNode() {
    Kernel k = boot("memory.size=512M", "numa.nodes=2");
    // a page freed on cpu 1 stays on its per-CPU list until a drain
    long held = k.pageAllocator().allocPages(1, Gfp.KERNEL, 0);
    k.pageAllocator().freePages(1, held, 0);
    FrameMap m = k.frameMap();

    NumaTopology numa = k.layout().numa();
    // 512 MiB in two equal nodes: node 1 starts at 256 MiB, pfn 0x10000
    assertThat(numa.nodeStart(1)).isEqualTo(0x10000);
    long[] freeByNode = new long[2];
    for (long pfn = 0; pfn < m.frames(); pfn++) {
      int nid = pfn < 0x10000 ? 0 : 1;
      if (m.use(pfn) == FrameUse.FREE) {
        freeByNode[nid]++;
        assertThat(m.owner(pfn)).as("pfn 0x%x", pfn).startsWith("node " + nid + " ");
      }
    }
    assertThat(m.use(held)).isEqualTo(FrameUse.PCP);
    assertThat(m.owner(held)).isEqualTo("cpu 1");
    // the free lists of each node, counted by the allocator itself, zone by zone
    for (int nid = 0; nid < 2; nid++) {
      long onLists = 0;
      for (Zone z : Zone.values()) {
        onLists += k.pageAllocator().zoneStats(nid, z).free();
      }
      assertThat(freeByNode[nid]).as("node %d", nid).isEqualTo(onLists);
    }
    assertThat(freeByNode[1]).isPositive();
  }
}
