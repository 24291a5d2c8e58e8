package io.mmsim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.NumaStat;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.kernel.Kernel;

/**
 * NUMA memory policies from a workload: where set_mempolicy and mbind put a process's pages, the
 * counters that show it, and the local/remote access cost.
 */
final class MempolicyTest {
  @TempDir Path tmp;

  /**
   * 128 MiB on two nodes, CPU 0 on node 0 and CPU 1 on node 1: node 0 = [0, 64M) (DMA, DMA32), node
   * 1 = [64M, 128M) (DMA32). Every user page of node 1 therefore comes from its DMA32 zone.
   */
  private static Kernel twoNodes() {
    return Kernel.builder()
        .set("memory.size", "128M")
        .set("cpus", "2")
        .set("numa.nodes", "2")
        .set("vm.zero-page", "false")
        .boot();
  }

  private RunResult run(Kernel k, String text) throws IOException {
    Path p = tmp.resolve("w.trace");
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return Workload.open(p).replay(k);
  }

  private static long event(Kernel k, int nid, NumaStat s) {
    long t = 0;
    for (Zone z : Zone.values()) {
      t += k.pageAllocator().numaEvent(nid, z, s);
    }
    return t;
  }

  @Test
  void bind_placesEveryUserPageOnTheBoundNode() throws IOException {
    Kernel k = twoNodes();
    long hits1 = event(k, 1, NumaStat.HIT);
    run(k, "spawn 1\nset_mempolicy 1 bind=1\nmmap 1 a 1M rw populate\n");
    // 256 user pages, all on node 1 and each a hit there, asked for from CPU 0 (node 0)
    assertThat(event(k, 1, NumaStat.HIT) - hits1).isEqualTo(256);
    assertThat(event(k, 1, NumaStat.OTHER)).isEqualTo(256);
    assertThat(event(k, 1, NumaStat.MISS)).isZero();
  }

  @Test
  void interleave_alternatesNodesByPageAndCountsInterleaveHits() throws IOException {
    Kernel k = twoNodes();
    long hits0 = event(k, 0, NumaStat.HIT);
    RunResult r = run(k, "spawn 1\nset_mempolicy 1 interleave=0-1\nmmap 1 a 1M rw populate\n");
    // page i of the area (anonymous: its index from address 0) goes to node i mod 2
    assertThat(k.processes().interleaveHits(0, Zone.DMA32)).isEqualTo(128);
    assertThat(k.processes().interleaveHits(1, Zone.DMA32)).isEqualTo(128);
    assertThat(event(k, 1, NumaStat.HIT)).isEqualTo(128);
    assertThat(r.counter("numa_interleave")).isEqualTo(256);
    assertThat(event(k, 0, NumaStat.HIT) - hits0).isGreaterThanOrEqualTo(128);
    assertThat(k.proc("node/node1/numastat")).contains("interleave_hit 128\n");
  }

  @Test
  void preferred_putsPagesOnThePreferredNode() throws IOException {
    Kernel k = twoNodes();
    run(k, "spawn 1\nset_mempolicy 1 preferred=1\nmmap 1 a 64K rw populate\n");
    assertThat(event(k, 1, NumaStat.HIT)).isEqualTo(16);
  }

  @Test
  void mbind_givesTheMappingItsOwnPolicyAndForkInheritsBoth() throws IOException {
    Kernel k = twoNodes();
    run(
        k,
        "spawn 1\n"
            + "mmap 1 a 64K rw\n"
            + "mbind 1 a bind=1\n"
            + "mmap 1 b 64K rw populate\n"
            + "write 1 a+0x3000 ff\n"
            + "set_mempolicy 1 bind=1\n"
            + "fork 1 2\n"
            + "mmap 2 c 32K rw populate\n"
            + "mbind 1 a default\n"
            + "set_mempolicy 1 default\n"
            + "write 1 a+0x4000 ff\n");
    // node 1 got a's first written page and c's 8 pages; b (populated before the task's policy)
    // and a's second page (after both policies went back to default) came from node 0
    assertThat(event(k, 1, NumaStat.HIT)).isEqualTo(1 + 8);
  }

  @Test
  void accessCost_remotePagesCostTheDistance() throws IOException {
    Kernel k = twoNodes();
    RunResult r =
        run(
            k,
            "spawn 1\nset_mempolicy 1 bind=1\nmmap 1 a 64K rw populate\n"
                + "read 1 a 16\nwrite 1 a+0x1000 aa\ncpu 1\nread 1 a 16\n");
    // CPU 0 touched two pages of node 1 (remote, distance 20), then CPU 1 one (local, 10);
    // MAP_POPULATE is the kernel's doing, not an access
    assertThat(r.counter("numa_remote_accesses")).isEqualTo(2);
    assertThat(r.counter("numa_local_accesses")).isEqualTo(1);
    assertThat(r.counter("numa_access_cost")).isEqualTo(2 * 20 + 10);
  }

  @Test
  void accessCost_matrixDistance_isUsed() throws IOException {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "128M")
            .set("cpus", "2")
            .set("numa.nodes", "2")
            .set("numa.distance", "10,31;31,10")
            .boot();
    RunResult r = run(k, "spawn 1\nset_mempolicy 1 bind=1\nmmap 1 a 8K rw\nwrite 1 a 01\n");
    assertThat(r.counter("numa_access_cost")).isEqualTo(31);
  }

  @Test
  void oneNode_policiesWorkAndNumaEventsStayZero() throws IOException {
    Kernel k = Kernel.builder().set("memory.size", "64M").boot();
    RunResult r = run(k, "spawn 1\nset_mempolicy 1 bind=0\nmmap 1 a 16K rw populate\nread 1 a 1\n");
    assertThat(r.counter("numa_hit")).isZero();
    assertThat(r.counter("numa_local_accesses")).isEqualTo(1);
    assertThat(r.counter("numa_access_cost")).isEqualTo(10);
    assertThat(k.pageAllocator().allocPages(0, 0, 0, 0, PageAllocator.ALL_NODES))
        .isNotEqualTo(PageAllocator.NO_PAGE);
  }

  @Test
  void badPolicies_areLineErrorsAndChangeNothing() {
    String[][] cases = {
      {
        "set_mempolicy 1 bind=2", "set_mempolicy: node 2 does not exist: the machine has nodes 0..1"
      },
      {"set_mempolicy 1 preferred=0-1", "a preferred policy names one node"},
      {"set_mempolicy 1", "set_mempolicy: needs a policy"},
      {"set_mempolicy 1 bind=0 interleave=1", "set_mempolicy: takes one policy"},
      {"set_mempolicy 1 local", "needs its nodes"},
      {"set_mempolicy 1 bind=x", "'x' is not a node number"},
      {"set_mempolicy 1 weighted=1", "unknown option 'weighted'"},
      {"set_mempolicy 9 default", "process 9 is not alive"},
      {"mbind 1 nosuch bind=0", "nosuch"},
    };
    for (String[] c : cases) {
      Kernel k = twoNodes();
      assertThatThrownBy(() -> run(k, "spawn 1\nmmap 1 a 8K rw\n" + c[0] + "\n"))
          .as(c[0])
          .isInstanceOf(WorkloadException.class)
          .hasMessageContaining(":3: ")
          .hasMessageContaining(c[1]);
    }
  }
}
