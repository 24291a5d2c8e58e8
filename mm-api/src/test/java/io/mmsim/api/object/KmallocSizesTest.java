package io.mmsim.api.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class KmallocSizesTest {

  @Test
  void index_kernelExamples_smallestClassThatFits() {
    assertThat(KmallocSizes.index(0)).isZero();
    assertThat(KmallocSizes.index(1)).isEqualTo(3);
    assertThat(KmallocSizes.index(8)).isEqualTo(3);
    assertThat(KmallocSizes.index(9)).isEqualTo(4);
    assertThat(KmallocSizes.index(64)).isEqualTo(6);
    assertThat(KmallocSizes.index(65)).isEqualTo(1);
    assertThat(KmallocSizes.index(96)).isEqualTo(1);
    assertThat(KmallocSizes.index(97)).isEqualTo(7);
    assertThat(KmallocSizes.index(128)).isEqualTo(7);
    assertThat(KmallocSizes.index(129)).isEqualTo(2);
    assertThat(KmallocSizes.index(192)).isEqualTo(2);
    assertThat(KmallocSizes.index(193)).isEqualTo(8);
    assertThat(KmallocSizes.index(4097)).isEqualTo(13);
    assertThat(KmallocSizes.index(8192)).isEqualTo(13);
    assertThat(KmallocSizes.index(8193)).isEqualTo(KmallocSizes.NO_CLASS);
  }

  @Test
  void classSize_everySize_isTheSmallestClassAtLeastAsLarge() {
    int[] classes = {8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192};
    for (int size = 1; size <= 8192; size++) {
      int expected = 0;
      for (int c : classes) {
        if (c >= size) {
          expected = c;
          break;
        }
      }
      assertThat(KmallocSizes.classSize(size)).as("size %d", size).isEqualTo(expected);
    }
  }

  @Test
  void index_slabMinimum32_smallRequestsGoToKmalloc32AndOddClassesStay() {
    int slab = KmallocSizes.KMALLOC_SHIFT_LOW_SLAB;
    assertThat(KmallocSizes.classSize(1, slab)).isEqualTo(32);
    assertThat(KmallocSizes.classSize(32, slab)).isEqualTo(32);
    assertThat(KmallocSizes.classSize(33, slab)).isEqualTo(64);
    assertThat(KmallocSizes.classSize(70, slab)).isEqualTo(96);
    assertThat(KmallocSizes.classSize(150, slab)).isEqualTo(192);
    assertThat(KmallocSizes.classSize(70, 6)).isEqualTo(128);
    assertThat(KmallocSizes.classSize(150, 6)).isEqualTo(192);
    assertThat(KmallocSizes.classSize(150, 7)).isEqualTo(256);
  }

  @Test
  void names_everyClass_kernelSpelling() {
    StringBuilder sb = new StringBuilder();
    for (int i : KmallocSizes.indices(KmallocSizes.KMALLOC_SHIFT_LOW)) {
      sb.append(KmallocSizes.name(i)).append(' ');
      assertThat(KmallocSizes.index(KmallocSizes.size(i))).isEqualTo(i);
    }
    assertThat(sb.toString().trim())
        .isEqualTo(
            "kmalloc-8 kmalloc-16 kmalloc-32 kmalloc-64"
                + " kmalloc-96 kmalloc-128 kmalloc-192 kmalloc-256 kmalloc-512 kmalloc-1k kmalloc-2k"
                + " kmalloc-4k kmalloc-8k");
    assertThat(KmallocSizes.indices(KmallocSizes.KMALLOC_SHIFT_LOW_SLAB))
        .containsExactly(5, 6, 1, 7, 2, 8, 9, 10, 11, 12, 13);
  }

  @Test
  void constants_kernelValues() {
    assertThat(KmallocSizes.KMALLOC_MAX_CACHE_SIZE).isEqualTo(8192);
    assertThat(KmallocSizes.KMALLOC_MAX_SIZE).isEqualTo(4L << 20);
    assertThat(KmallocSizes.KMALLOC_MIN_SIZE).isEqualTo(8);
    assertThat(KmallocSizes.largeOrder(8193)).isEqualTo(2);
    assertThat(KmallocSizes.largeOrder(4L << 20)).isEqualTo(10);
  }

  @Test
  void index_badArguments_throw() {
    assertThatThrownBy(() -> KmallocSizes.index(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KmallocSizes.index(8, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KmallocSizes.size(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KmallocSizes.name(14)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KmallocSizes.largeOrder((4L << 20) + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
