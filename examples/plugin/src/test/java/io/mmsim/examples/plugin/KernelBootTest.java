package io.mmsim.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.kernel.Kernel;

/**
 * The plug-in in a whole kernel: discovery finds both providers, and a kernel boots with them
 * chosen by name, SLUB and page tables on top of firstfit. It runs on the class path (see the pom),
 * so discovery goes through the META-INF/services files that {@code @AutoService} wrote.
 */
final class KernelBootTest {

  @Test
  void boot_firstfitAndLifoByName_runsTheKernelOnThem() {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "128M")
            .set("page-allocator", "firstfit")
            .set("reclaim.policy", "lifo")
            .set("swap.memory", "16M")
            .boot();

    assertThat(k.parts())
        .containsEntry("page-allocator", "firstfit")
        .containsEntry("reclaim.policy", "lifo");
    PageAllocator pa = k.pageAllocator();
    long free = pa.nrFreePages();
    long pfn = pa.allocPages(0, Gfp.KERNEL, 3);
    assertThat(pfn % 8).isZero();
    pa.freePages(0, pfn, 3);
    assertThat(pa.nrFreePages()).isEqualTo(free);
    assertThat(k.proc("buddyinfo")).startsWith("Node 0, zone      DMA");
    pa.checkInvariants();
  }

  @Test
  void discovery_findsBothPlugins() {
    var found = Kernel.discoverProviders();

    assertThat(found.get("PageAllocatorProvider")).extracting(p -> p.name()).contains("firstfit");
    assertThat(found.get("ReplacementPolicyProvider")).extracting(p -> p.name()).contains("lifo");
  }
}
