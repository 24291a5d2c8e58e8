package io.mmsim.api.object;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * calculate_alignment's rules (mm/slab_common.c) on x86-64, each row worked out by hand from them:
 * cache line 64, ARCH_SLAB_MINALIGN 8, word 8.
 */
final class SlabAlignmentTest {

  @ParameterizedTest(name = "flags {0} align {1} size {2} -> {3}")
  @CsvSource({
    // no flag: the caller's alignment, at least 8
    "0, 0, 100, 8",
    "0, 0, 1, 8",
    "0, 4, 100, 8",
    "0, 16, 8, 16",
    "0, 256, 100, 256",
    // HWCACHE_ALIGN: 64 for objects over 32 bytes, halved while the object fits in half
    "HW, 0, 100, 64",
    "HW, 0, 33, 64",
    "HW, 0, 32, 32",
    "HW, 0, 20, 32",
    "HW, 0, 17, 32",
    "HW, 0, 16, 16",
    "HW, 0, 9, 16",
    "HW, 0, 8, 8",
    "HW, 0, 6, 8",
    // the halving stops at 1, then ARCH_SLAB_MINALIGN lifts it to 8
    "HW, 0, 1, 8",
    // the caller's larger alignment wins over the cache line
    "HW, 128, 100, 128",
    "HW, 16, 100, 64"
  })
  void calculateAlignment_kernelRules(String flag, int align, int size, int expected) {
    int flags = flag.equals("HW") ? SlabFlags.HWCACHE_ALIGN : 0;

    assertThat(SlabAlignment.calculateAlignment(flags, align, size)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"0, 1", "HW, 1", "0, 4096", "HW, 40"})
  void calculateAlignment_alwaysAWholeNumberOfWords(String flag, int size) {
    int flags = flag.equals("HW") ? SlabFlags.HWCACHE_ALIGN : 0;
    for (int align = 0; align <= 512; align = align == 0 ? 1 : align * 2) {
      int a = SlabAlignment.calculateAlignment(flags, align, size);

      assertThat(a % SlabAlignment.WORD_SIZE).isZero();
      assertThat(a).isGreaterThanOrEqualTo(Math.max(align, SlabAlignment.ARCH_SLAB_MINALIGN));
    }
  }
}
