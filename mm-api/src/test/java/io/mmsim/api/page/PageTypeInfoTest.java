package io.mmsim.api.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.Zone;

/** The pagetypeinfo snapshot: shape checks, copies, page sums. */
final class PageTypeInfoTest {

  private static long[][] rows() {
    long[][] free = new long[5][11];
    free[1][0] = 3;
    free[1][10] = 2;
    free[0][4] = 1;
    return free;
  }

  @Test
  void freePages_sumsBlocksTimesTheirSize() {
    PageTypeInfo info = new PageTypeInfo(Zone.DMA32, rows(), new long[] {1, 7, 0, 0, 0});

    assertThat(info.freePages(MigrateType.MOVABLE)).isEqualTo(3 + 2 * 1024);
    assertThat(info.freePages(MigrateType.UNMOVABLE)).isEqualTo(16);
    assertThat(info.freeBlocks(MigrateType.MOVABLE, 10)).isEqualTo(2);
    assertThat(info.pageblocks(MigrateType.MOVABLE)).isEqualTo(7);
  }

  @Test
  void arrays_areCopiedInAndOut() {
    long[][] free = rows();
    long[] blocks = {1, 7, 0, 0, 0};
    PageTypeInfo info = new PageTypeInfo(Zone.DMA32, free, blocks);
    free[1][0] = 99;
    blocks[1] = 99;
    info.freeBlocks()[1][0] = 98;
    info.pageblocks()[1] = 98;

    assertThat(info.freeBlocks(MigrateType.MOVABLE, 0)).isEqualTo(3);
    assertThat(info.pageblocks(MigrateType.MOVABLE)).isEqualTo(7);
  }

  @Test
  void constructor_wrongShapes_areRejected() {
    assertThatThrownBy(() -> new PageTypeInfo(Zone.DMA, new long[4][11], new long[5]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PageTypeInfo(Zone.DMA, new long[5][10], new long[5]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PageTypeInfo(Zone.DMA, new long[5][11], new long[3]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
