package io.mmsim.api.reclaim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Shadow entries and their XArray-node accounting (workingset_nodes, the shadow shrinker). */
final class ShadowTableTest {
  private final ShadowTable t = new ShadowTable();

  @Test
  void pageRemovedWithShadow_takeReturnsItOnce() {
    t.pageAdded(5);
    t.pageRemoved(5, 42);
    assertThat(t.peek(5)).isEqualTo(42);
    assertThat(t.take(5)).isEqualTo(42);
    assertThat(t.take(5)).isEqualTo(ShadowTable.NONE);
    t.checkInvariants();
  }

  @Test
  void nodes_countOnlyNodesWithShadowsAndNoPage() {
    t.pageAdded(0); // node 0
    t.pageAdded(1); // node 0
    t.pageAdded(64); // node 1
    t.pageRemoved(0, 7); // node 0: 1 page, 1 shadow
    assertThat(t.nodes()).isZero();
    t.pageRemoved(64, 8); // node 1: shadow only
    assertThat(t.nodes()).isEqualTo(1);
    t.pageRemoved(1, 9); // node 0: shadow only
    assertThat(t.nodes()).isEqualTo(2);
    t.take(0);
    t.pageAdded(0); // a page is back in node 0
    assertThat(t.nodes()).isEqualTo(1);
    t.checkInvariants();
  }

  @Test
  void shrink_keepsOneShadowNodePerEightPages_freesTheOldestFirst() {
    for (long node = 0; node < 3; node++) {
      t.pageAdded(node << 6);
      t.pageRemoved(node << 6, node + 100);
    }
    assertThat(t.nodes()).isEqualTo(3);
    // 16 pages: at most 2 shadow nodes
    assertThat(t.shrink(16)).isEqualTo(1);
    assertThat(t.peek(0)).isEqualTo(ShadowTable.NONE);
    assertThat(t.peek(64)).isEqualTo(101);
    assertThat(t.nodeReclaim()).isEqualTo(1);
    assertThat(t.shrink(0)).isEqualTo(2);
    assertThat(t.shadows()).isZero();
    assertThat(t.nodes()).isZero();
    t.checkInvariants();
  }

  @Test
  void pageRemoved_noPageInTheSlot_throws() {
    assertThatThrownBy(() -> t.pageRemoved(3, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("slot 3");
  }
}
