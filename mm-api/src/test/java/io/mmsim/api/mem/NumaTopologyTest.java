package io.mmsim.api.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class NumaTopologyTest {

  /** 16 GiB in 4 KiB frames. */
  private static final long GB16 = 16L << 30 >>> 12;

  @Test
  void parse_twoNodesEvenSplit_halvesMemoryAndCpus() {
    NumaTopology t = NumaTopology.parse(GB16, 4, 2, "10,20", "");
    assertThat(t.nodes()).isEqualTo(2);
    assertThat(t.nodeStart(1)).isEqualTo(GB16 / 2);
    assertThat(t.nodeEnd(1)).isEqualTo(GB16);
    assertThat(t.nodeOf(GB16 / 2 - 1)).isZero();
    assertThat(t.nodeOf(GB16 / 2)).isEqualTo(1);
    assertThat(new int[] {t.cpuNode(0), t.cpuNode(1), t.cpuNode(2), t.cpuNode(3)})
        .containsExactly(0, 0, 1, 1);
    assertThat(t.distance(0, 0)).isEqualTo(10);
    assertThat(t.distance(0, 1)).isEqualTo(20);
  }

  @Test
  void parse_unevenMemory_alignsNodesTo4MiBAndLastNodeTakesTheRest() {
    // 100 MiB on 3 nodes: 33.3 MiB a node rounds down to 32 MiB (8192 frames)
    long frames = 100L << 20 >>> 12;
    NumaTopology t = NumaTopology.parse(frames, 1, 3, "10,20", "");
    assertThat(t.nodeStart(1)).isEqualTo(8192);
    assertThat(t.nodeStart(2)).isEqualTo(16384);
    assertThat(t.nodeFrames(2)).isEqualTo(frames - 16384);
    assertThat(t.cpuNode(0)).isZero();
  }

  @Test
  void parse_matrixAndCpuRanges_areRead() {
    NumaTopology t = NumaTopology.parse(GB16, 4, 3, "10,21,31;21,10,17;31,17,10", "0:2,1-2:0,3:1");
    assertThat(t.distance(0, 2)).isEqualTo(31);
    assertThat(t.distance(2, 1)).isEqualTo(17);
    assertThat(new int[] {t.cpuNode(0), t.cpuNode(1), t.cpuNode(2), t.cpuNode(3)})
        .containsExactly(2, 0, 0, 1);
    assertThat(t.cpusOn(0)).isEqualTo(2);
  }

  @Test
  void parse_badValues_nameTheKeyAndTheFault() {
    assertThatThrownBy(() -> NumaTopology.parse(GB16, 2, 0, "10,20", ""))
        .hasMessageStartingWith("numa.nodes: 0 is outside 1..64");
    assertThatThrownBy(() -> NumaTopology.parse(1536, 2, 2, "10,20", ""))
        .hasMessageStartingWith("numa.nodes: 2 nodes need at least 8 MiB");
    assertThatThrownBy(() -> NumaTopology.parse(GB16, 2, 2, "10,10", ""))
        .hasMessageContaining("nodes 0 and 1 at distance 10");
    assertThatThrownBy(() -> NumaTopology.parse(GB16, 2, 2, "12,20", ""))
        .hasMessageContaining("node 0 at distance 12 from itself");
    assertThatThrownBy(() -> NumaTopology.parse(GB16, 2, 2, "10,20;20,10;20,10", ""))
        .hasMessageContaining("has 3 rows, the machine has 2 nodes");
    assertThatThrownBy(() -> NumaTopology.parse(GB16, 2, 2, "10,x", ""))
        .hasMessageContaining("'x' is not a non-negative number");
    assertThatThrownBy(() -> NumaTopology.parse(GB16, 2, 2, "10,20", "0:0"))
        .hasMessageContaining("gives CPU 1 no node");
    assertThatThrownBy(() -> NumaTopology.parse(GB16, 2, 2, "10,20", "0-1:0,1:1"))
        .hasMessageContaining("CPU 1 is given two nodes");
    assertThatThrownBy(() -> NumaTopology.parse(GB16, 2, 2, "10,20", "0-1:2"))
        .hasMessageContaining("node 2 does not exist");
    assertThatThrownBy(() -> NumaTopology.parse(GB16, 2, 2, "10,20", "0-2:0"))
        .hasMessageContaining("not a range within 0..1");
  }

  @Test
  void memoryLayout_zonesPerNode_clipZoneRangesToTheNode() {
    // 8 GiB on 2 nodes: node 0 = [0, 4G) holds DMA and DMA32, node 1 = [4G, 8G) Normal only
    long frames = 8L << 30 >>> 12;
    MemoryLayout l = new MemoryLayout(frames, 2, NumaTopology.parse(frames, 2, 2, "10,20", ""));
    assertThat(l.populated(0, Zone.DMA)).isTrue();
    assertThat(l.populated(0, Zone.NORMAL)).isFalse();
    assertThat(l.populated(1, Zone.DMA32)).isFalse();
    assertThat(l.zoneStart(1, Zone.NORMAL)).isEqualTo(frames / 2);
    assertThat(l.zoneSpanned(1, Zone.NORMAL)).isEqualTo(frames / 2);
    assertThat(l.zoneSpanned(0, Zone.DMA32)).isEqualTo((4L << 30 >>> 12) - 4096);
    assertThat(l.zoneStart(1, Zone.DMA)).isEqualTo(l.zoneEnd(1, Zone.DMA));
  }

  @Test
  void memoryLayout_twoArgumentConstructor_isOneNode() {
    MemoryLayout l = new MemoryLayout(1 << 18, 2);
    assertThat(l.nodes()).isEqualTo(1);
    assertThat(l.zoneSpanned(0, Zone.DMA32)).isEqualTo(l.zoneSpanned(Zone.DMA32));
    assertThatThrownBy(
            () -> new MemoryLayout(1 << 18, 2, NumaTopology.parse(1 << 19, 2, 2, "10,20", "")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
