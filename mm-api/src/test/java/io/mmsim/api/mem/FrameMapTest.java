package io.mmsim.api.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class FrameMapTest {

  @Test
  void newMap_everyFrameAllocatedWithoutOrderOrOwner() {
    FrameMap m = new FrameMap(16);
    assertThat(m.use(0)).isEqualTo(FrameUse.ALLOCATED);
    assertThat(m.order(15)).isEqualTo(-1);
    assertThat(m.owner(7)).isNull();
    assertThat(m.count(FrameUse.ALLOCATED)).isEqualTo(16);
  }

  @Test
  void markBlock_setsEveryFrameOfTheBlockAndLaterMarksWin() {
    FrameMap m = new FrameMap(16);
    m.markBlock(8, 3, FrameUse.FREE, "DMA Movable");
    m.mark(9, 2, FrameUse.SLAB, "kmalloc-64");

    assertThat(m.use(8)).isEqualTo(FrameUse.FREE);
    assertThat(m.order(15)).isEqualTo(3);
    assertThat(m.use(10)).isEqualTo(FrameUse.SLAB);
    assertThat(m.order(10)).isEqualTo(-1);
    assertThat(m.owner(10)).isEqualTo("kmalloc-64");
    assertThat(m.count(FrameUse.FREE)).isEqualTo(6);
  }

  @Test
  void owners_areInternedOnceEach() {
    FrameMap m = new FrameMap(8);
    m.mark(0, 1, FrameUse.ANON, "pid 1");
    m.mark(5, 1, FrameUse.ANON, "pid 1");
    m.mark(6, 1, FrameUse.ANON, "pid 2");
    assertThat(m.ownerId(0)).isEqualTo(m.ownerId(5)).isNotEqualTo(m.ownerId(6));
    assertThat(m.owners()).containsExactly(null, "pid 1", "pid 2");
  }

  @Test
  void clear_forgetsMarksOwnersAndLabels() {
    FrameMap m = new FrameMap(8);
    m.mark(0, 8, FrameUse.ANON, "pid 1");
    m.labelAddressSpace(3, "pid 1");
    m.clear();
    assertThat(m.count(FrameUse.ALLOCATED)).isEqualTo(8);
    assertThat(m.owners()).containsExactly((String) null);
    assertThat(m.addressSpaceLabel(3)).isEqualTo("cr3=0x3000");
  }

  @Test
  void mark_outsideTheMachine_isRefusedNamingTheRange() {
    FrameMap m = new FrameMap(8);
    assertThatThrownBy(() -> m.mark(6, 3, FrameUse.ANON, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[6, 9)");
    assertThatThrownBy(() -> m.markBlock(0, 11, FrameUse.FREE, null))
        .hasMessageContaining("order 11");
    assertThatThrownBy(() -> m.use(8)).hasMessageContaining("pfn 8");
    assertThat(m.count(FrameUse.ANON)).isZero();
  }
}
