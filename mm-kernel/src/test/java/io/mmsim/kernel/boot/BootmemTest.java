package io.mmsim.kernel.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.testkit.object.SimplePageAllocator;

final class BootmemTest {

  /** Records the hand-off calls. */
  private static List<long[]> handOff(Bootmem b) {
    List<long[]> calls = new ArrayList<>();
    io.mmsim.api.page.PageAllocator pa = Mockito.mock(io.mmsim.api.page.PageAllocator.class);
    Mockito.doAnswer(
            inv -> {
              calls.add(new long[] {inv.getArgument(0), (int) inv.getArgument(1)});
              return null;
            })
        .when(pa)
        .freeBootPages(Mockito.anyLong(), Mockito.anyInt());
    b.freeAll(pa);
    return calls;
  }

  @Test
  void freeAll_cutsFreeRunsIntoMaximalAlignedBlocksAscending() {
    Bootmem b = new Bootmem(4096);
    b.reserve(0, 1, "first page");
    b.reserve(1000, 24, "image");

    List<long[]> calls = handOff(b);

    // [1, 1000): 1(o0) 2(o1) 4(o2) 8(o3) 16(o4) 32(o5) 64(o6) 128(o7) 256(o8) 512(o8) 768(o7)
    // 896(o6) 960(o5) 992(o3); [1024, 4096): 1024(o10) 2048(o10) 3072(o10)
    assertThat(calls)
        .extracting(c -> c[0] + "/" + c[1])
        .containsExactly(
            "1/0", "2/1", "4/2", "8/3", "16/4", "32/5", "64/6", "128/7", "256/8", "512/8", "768/7",
            "896/6", "960/5", "992/3", "1024/10", "2048/10", "3072/10");
    assertThat(calls.stream().mapToLong(c -> 1L << c[1]).sum()).isEqualTo(4096 - 25);
  }

  @Test
  void allocTopDown_takesTheHighestFreeRun() {
    Bootmem b = new Bootmem(1000);
    b.reserve(990, 10, "top");

    long at = b.allocTopDown(5, "table");

    assertThat(at).isEqualTo(985);
    assertThat(b.isReserved(985)).isTrue();
    assertThat(b.isReserved(984)).isFalse();
    assertThat(b.reservedPages()).isEqualTo(15);
  }

  @Test
  void reserve_overlapOrOutside_isRefusedAndChangesNothing() {
    Bootmem b = new Bootmem(100);
    b.reserve(10, 5, "a");

    assertThatThrownBy(() -> b.reserve(12, 5, "b")).hasMessageContaining("already reserved");
    assertThatThrownBy(() -> b.reserve(98, 5, "c")).hasMessageContaining("outside memory");
    assertThat(b.reservedPages()).isEqualTo(5);
    assertThat(b.regions()).hasSize(1);
  }

  @Test
  void freeAll_intoARealAllocator_managesEveryUnreservedFrame() {
    MemoryLayout layout = new MemoryLayout(8192, 1);
    SimplePageAllocator pa = new SimplePageAllocator(layout);
    Bootmem b = new Bootmem(8192);
    b.reserve(0, 1, "first");
    b.allocTopDown(33, "map");

    long released = b.freeAll(pa);
    pa.completeBoot();

    assertThat(released).isEqualTo(8192 - 34);
    assertThat(pa.managedPages()).isEqualTo(8192 - 34);
  }
}
