package io.mmsim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.ZoneStats;

/** A kernel with several NUMA nodes: configuration, and the per-node /proc and sysfs views. */
final class NumaViewsTest {

  private static Kernel.Builder machine() {
    return Kernel.builder()
        .set("object-allocator", "none")
        .set("page-table", "none")
        .set("virtual-allocator", "none")
        .set("memory.size", "128M")
        .set("cpus", "2");
  }

  @Test
  void oneNode_viewsHaveNoNumaLinesOrNodeFiles() {
    Kernel k = machine().boot();
    assertThat(k.procNames()).noneMatch(n -> n.startsWith("node/"));
    assertThat(k.proc("vmstat")).doesNotContain("numa_");
    assertThat(k.proc("zoneinfo")).doesNotContain("numa_");
  }

  @Test
  void twoNodes_buddyinfoAndZoneinfo_haveABlockPerNode() {
    Kernel k = machine().set("numa.nodes", "2").boot();
    // node 0 = [0, 64M): DMA and DMA32; node 1 = [64M, 128M): DMA32
    assertThat(k.proc("buddyinfo").lines().map(l -> l.substring(0, 21)))
        .containsExactly("Node 0, zone      DMA", "Node 0, zone    DMA32", "Node 1, zone    DMA32");
    String zi = k.proc("zoneinfo");
    assertThat(zi.lines().filter(l -> l.startsWith("Node ")))
        .containsExactly(
            "Node 0, zone      DMA",
            "Node 0, zone    DMA32",
            "Node 0, zone   Normal",
            "Node 1, zone      DMA",
            "Node 1, zone    DMA32",
            "Node 1, zone   Normal");
    assertThat(zi).contains("\n  start_pfn:           16384\n");
    assertThat(zi).contains("\n      numa_foreign 0\n");
  }

  @Test
  void twoNodes_nodeMeminfo_isTheKernelsLayoutWithTheNodesPages() {
    Kernel k = machine().set("numa.nodes", "2").boot();
    PageAllocator pa = k.pageAllocator();
    ZoneStats dma32 = pa.zoneStats(1, Zone.DMA32);
    long totalKb = dma32.managed() * 4;
    long freeKb = dma32.free() * 4;
    assertThat(k.proc("node/node1/meminfo"))
        .isEqualTo(
            String.format(
                    "Node 1 MemTotal:       %8d kB%n"
                        + "Node 1 MemFree:        %8d kB%n"
                        + "Node 1 MemUsed:        %8d kB%n"
                        + "Node 1 HugePages_Total:     0%n"
                        + "Node 1 HugePages_Free:      0%n"
                        + "Node 1 HugePages_Surp:      0%n",
                    totalKb, freeKb, totalKb - freeKb)
                .replace(System.lineSeparator(), "\n"));
  }

  @Test
  void twoNodes_vmstatAndNumastat_countWhereAllocationsLanded() {
    Kernel k = machine().set("numa.nodes", "2").boot();
    PageAllocator pa = k.pageAllocator();
    long before = vmstat(k, "numa_hit");
    long other = vmstat(k, "numa_other");
    // CPU 1 is on node 1; preferring node 0 from there is a hit on node 0 and "other"
    pa.allocPages(1, Gfp.KERNEL, 0);
    pa.allocPages(1, Gfp.KERNEL, 0, 0, PageAllocator.ALL_NODES);
    assertThat(vmstat(k, "numa_hit")).isEqualTo(before + 2);
    assertThat(vmstat(k, "numa_other")).isEqualTo(other + 1);
    List<String> ns = k.proc("node/node1/numastat").lines().toList();
    assertThat(ns)
        .extracting(l -> l.substring(0, l.indexOf(' ')))
        .containsExactly(
            "numa_hit", "numa_miss", "numa_foreign", "interleave_hit", "local_node", "other_node");
    List<String> order = k.proc("vmstat").lines().map(l -> l.substring(0, l.indexOf(' '))).toList();
    assertThat(order.subList(0, 7))
        .containsExactly(
            "nr_free_pages",
            "numa_hit",
            "numa_miss",
            "numa_foreign",
            "numa_interleave",
            "numa_local",
            "numa_other");
  }

  @Test
  void badNumaKeys_areConfigurationErrorsNamingTheKey() {
    assertThatThrownBy(() -> machine().set("numa.nodes", "65").boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("numa.nodes");
    assertThatThrownBy(() -> machine().set("numa.nodes", "2").set("numa.distance", "10,9").boot())
        .isInstanceOf(ConfigurationException.class)
        .satisfies(e -> assertThat(((ConfigurationException) e).key()).isEqualTo("numa.distance"));
    assertThatThrownBy(() -> machine().set("numa.nodes", "2").set("numa.cpus", "0-1:3").boot())
        .isInstanceOf(ConfigurationException.class)
        .satisfies(e -> assertThat(((ConfigurationException) e).key()).isEqualTo("numa.cpus"));
    assertThatThrownBy(
            () ->
                machine()
                    .providers(List.of(new TrivialPageAllocatorProvider()))
                    .set("page-allocator", "trivial")
                    .set("numa.nodes", "2")
                    .boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("keeps a single node");
  }

  private static long vmstat(Kernel k, String key) {
    return k.proc("vmstat")
        .lines()
        .filter(l -> l.startsWith(key + " "))
        .mapToLong(l -> Long.parseLong(l.substring(key.length() + 1)))
        .findFirst()
        .orElseThrow();
  }
}
