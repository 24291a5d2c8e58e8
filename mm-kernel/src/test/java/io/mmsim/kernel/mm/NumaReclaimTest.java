package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mmsim.api.Statistics;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.stat.VmEvent;

/**
 * Reclaim on a two-node machine: each node's pages on its own lists, kswapd per node, direct
 * reclaim along the allocation's zonelist. 64 MiB: node 0 = [0, 32M) with CPU 0, node 1 = [32M,
 * 64M) with CPU 1, its frames all DMA32.
 */
final class NumaReclaimTest {
  private static final int RW = Prot.READ | Prot.WRITE;

  private final List<String> reports = new ArrayList<>();

  private Kernel boot(String policy) {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "64M")
            .set("numa.nodes", "2")
            .set("cpus", "2")
            .set("object-allocator", "none")
            .set("virtual-allocator", "none")
            .set("swap.memory", "256M")
            .set("reclaim.policy", policy)
            .boot();
    k.processes().setReporter(reports::add);
    return k;
  }

  private static byte[] pattern(long seed) {
    byte[] b = new byte[16];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /** Spawns {@code pid} with policy {@code pol} and writes {@code pages} pages on {@code cpu}. */
  private static long fill(Processes p, int pid, String pol, int cpu, int pages, long seed) {
    p.spawn(pid);
    p.setMempolicy(pid, Mempolicy.parse(pol, 2));
    long base = p.mmap(pid, (long) pages << 12, RW, null, 0, false, -1, false);
    for (int i = 0; i < pages; i++) {
      assertThat(p.write(pid, cpu, base + ((long) i << 12), pattern(seed + i))).isTrue();
    }
    return base;
  }

  @Test
  void nodeOneFills_kswapd1ReclaimsNodeOnesPagesOnly() {
    Kernel k = boot("fifo");
    Processes p = k.processes();
    Lruvecs lru = p.vmscan().global();
    // node 0's 100 pages come first: a single FIFO over the machine would evict them first
    long b2 = fill(p, 2, "default", 0, 100, 0);
    assertThat(lru.node(0).resident()).isEqualTo(100);
    // pid 1, bound to node 1, writes 48 MiB through node 1's 32 MiB
    long b1 = fill(p, 1, "bind=1", 1, 12288, 1000);
    Statistics sw = k.swap().statistics();
    assertThat(sw.get("pgsteal_kswapd")).isPositive();
    assertThat(sw.get("pswpout")).isGreaterThan(12288 - 8192);
    // kswapd1 woke whenever node 1 fell below its low watermark and left it above
    ZoneStats n1 = k.pageAllocator().zoneStats(1, Zone.DMA32);
    assertThat(n1.free()).isGreaterThanOrEqualTo(n1.low());
    // node 0's lists lost nothing: pid 2's pages read back without a major fault
    assertThat(lru.node(0).resident()).isEqualTo(100);
    long majors = k.events().get(VmEvent.PGMAJFAULT);
    for (int i = 0; i < 100; i++) {
      assertThat(p.read(2, 0, b2 + ((long) i << 12), 16)).containsExactly(pattern(i));
    }
    assertThat(k.events().get(VmEvent.PGMAJFAULT)).isEqualTo(majors);
    // pid 1's pages all come back intact, on node 1
    for (int i = 0; i < 12288; i += 7) {
      assertThat(p.read(1, 1, b1 + ((long) i << 12), 16)).containsExactly(pattern(1000 + i));
    }
    assertThat(lru.node(0).resident()).isEqualTo(100);
    p.checkInvariants();
    assertThat(reports).isEmpty();
  }

  @Test
  void directReclaim_walksTheZonelistNearestNodeFirst() {
    Kernel k = boot("fifo");
    Processes p = k.processes();
    Vmscan v = p.vmscan();
    Lruvecs lru = v.global();
    long b1 = fill(p, 1, "bind=0", 0, 10, 0);
    long b2 = fill(p, 2, "bind=1", 1, 100, 100);
    long stalls = k.swap().statistics().get("allocstall");
    // node 1's zonelist: the batch of 32 comes from node 1 alone, its oldest pages
    assertThat(v.directReclaim(1, -1L)).isEqualTo(32);
    assertThat(lru.node(0).resident()).isEqualTo(10);
    assertThat(lru.node(1).resident()).isEqualTo(68);
    // node 0's zonelist: node 0's 10 pages, then the 22 still missing from node 1
    assertThat(v.directReclaim(0, -1L)).isEqualTo(32);
    assertThat(lru.node(0).resident()).isZero();
    assertThat(lru.node(1).resident()).isEqualTo(46);
    // a node mask of node 1 alone: node 0's zonelist skips node 0
    assertThat(v.directReclaim(0, 1L << 1)).isEqualTo(32);
    assertThat(lru.node(1).resident()).isEqualTo(14);
    // one allocation stall per direct reclaim, whatever the nodes it walked
    assertThat(k.swap().statistics().get("allocstall")).isEqualTo(stalls + 3);
    // FIFO on node 1: pid 2's pages 0..85 left, 86..99 stayed
    long majors = k.events().get(VmEvent.PGMAJFAULT);
    for (int i = 86; i < 100; i++) {
      assertThat(p.read(2, 1, b2 + ((long) i << 12), 16)).containsExactly(pattern(100 + i));
    }
    assertThat(k.events().get(VmEvent.PGMAJFAULT)).isEqualTo(majors);
    for (int i = 0; i < 10; i++) {
      assertThat(p.read(1, 0, b1 + ((long) i << 12), 16)).containsExactly(pattern(i));
    }
    for (int i = 0; i < 86; i++) {
      assertThat(p.read(2, 1, b2 + ((long) i << 12), 16)).containsExactly(pattern(100 + i));
    }
    assertThat(k.events().get(VmEvent.PGMAJFAULT)).isGreaterThan(majors);
    p.checkInvariants();
    assertThat(reports).isEmpty();
  }

  /** One run of a workload that fills both nodes, its views as text. */
  private String run() {
    Kernel k = boot("linux");
    Processes p = k.processes();
    fill(p, 1, "default", 0, 9000, 0);
    fill(p, 2, "bind=1", 1, 9000, 50_000);
    fill(p, 3, "interleave=0-1", 1, 6000, 90_000);
    p.checkInvariants();
    return k.proc("vmstat")
        + k.proc("zoneinfo")
        + k.proc("meminfo")
        + k.proc("node/node0/meminfo")
        + k.proc("node/node1/meminfo");
  }

  @Test
  void twoNodes_sameWorkload_sameViews_andNodeListsSumToTheMachines() {
    String a = run();
    assertThat(run()).isEqualTo(a);
    long active = kb(a, "\nActive:");
    long inactive = kb(a, "\nInactive:");
    assertThat(active + inactive).isPositive();
    assertThat(kb(a, "Node 0 Active:") + kb(a, "Node 1 Active:")).isEqualTo(active);
    assertThat(kb(a, "Node 0 Inactive:") + kb(a, "Node 1 Inactive:")).isEqualTo(inactive);
    assertThat(vmstat(a, "pgsteal_kswapd")).isPositive();
  }

  private static long kb(String text, String label) {
    int at = text.indexOf(label);
    assertThat(at).as(label).isNotNegative();
    String rest = text.substring(at + label.length()).trim();
    return Long.parseLong(rest.substring(0, rest.indexOf(' ')));
  }

  private static long vmstat(String text, String key) {
    for (String l : text.split("\n")) {
      if (l.startsWith(key + " ")) {
        return Long.parseLong(l.substring(key.length() + 1));
      }
    }
    throw new AssertionError(key);
  }
}
