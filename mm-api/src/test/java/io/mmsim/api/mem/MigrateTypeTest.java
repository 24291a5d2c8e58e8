package io.mmsim.api.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** gfp_migratetype and the kernel's names and order of the migrate types. */
final class MigrateTypeTest {

  @Test
  void ofGfp_callersFlags_giveTheKernelsMigrateTypes() {
    assertThat(MigrateType.ofGfp(Gfp.KERNEL)).isEqualTo(MigrateType.UNMOVABLE);
    assertThat(MigrateType.ofGfp(Gfp.GFP_ATOMIC)).isEqualTo(MigrateType.UNMOVABLE);
    assertThat(MigrateType.ofGfp(Gfp.HIGHUSER_MOVABLE)).isEqualTo(MigrateType.MOVABLE);
    assertThat(MigrateType.ofGfp(Gfp.KERNEL | Gfp.RECLAIMABLE)).isEqualTo(MigrateType.RECLAIMABLE);
    assertThat(MigrateType.ofGfp(Gfp.GFP_DMA | Gfp.MOVABLE)).isEqualTo(MigrateType.MOVABLE);
  }

  @Test
  void ofGfp_movableAndReclaimableTogether_isRejected() {
    assertThatThrownBy(() -> MigrateType.ofGfp(Gfp.KERNEL | Gfp.MOVABLE | Gfp.RECLAIMABLE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("__GFP_MOVABLE and __GFP_RECLAIMABLE together");
  }

  @Test
  void values_inTheKernelsEnumOrder_withItsNames() {
    assertThat(MigrateType.values())
        .extracting(MigrateType::kernelName)
        .containsExactly("Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate");
    assertThat(MigrateType.PCPTYPES).isEqualTo(3);
    assertThat(MigrateType.count()).isEqualTo(5);
    assertThat(MigrateType.ofIndex(3)).isEqualTo(MigrateType.HIGHATOMIC);
  }
}
