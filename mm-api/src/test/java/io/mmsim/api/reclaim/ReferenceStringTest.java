package io.mmsim.api.reclaim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Next-use indices against a brute-force scan, and the position's bounds. */
final class ReferenceStringTest {

  @Test
  void nextUse_beladyString_asDrawnInTheJavadoc() {
    ReferenceString s = ReferenceString.of(1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5);
    long n = FutureReferences.NEVER;
    long[] want = {4, 5, 9, 10, 7, 8, 11, n, n, n, n, n};
    for (int i = 0; i < want.length; i++) {
      assertThat(s.nextUse(i)).as("index %d", i).isEqualTo(want[i]);
    }
    assertThat(s.length()).isEqualTo(12);
  }

  @Test
  void nextUse_randomStrings_matchABruteForceScan() {
    SplittableRandom r = new SplittableRandom(3);
    for (int run = 0; run < 20; run++) {
      long[] pages = new long[1 + r.nextInt(2000)];
      for (int i = 0; i < pages.length; i++) {
        pages[i] = r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(50);
      }
      ReferenceString s = ReferenceString.of(pages);
      for (int i = 0; i < pages.length; i++) {
        long want = FutureReferences.NEVER;
        for (int j = i + 1; j < pages.length; j++) {
          if (pages[j] == pages[i]) {
            want = j;
            break;
          }
        }
        assertThat(s.nextUse(i)).isEqualTo(want);
        assertThat(s.pageAt(i)).isEqualTo(pages[i]);
      }
    }
  }

  @Test
  void position_seekAndAdvance_stayInsideTheString() {
    ReferenceString s = ReferenceString.of(7, 8);
    assertThat(s.position()).isEqualTo(-1);
    assertThat(s.advance()).isEqualTo(7);
    assertThat(s.advance()).isEqualTo(8);
    assertThatThrownBy(s::advance).isInstanceOf(IndexOutOfBoundsException.class);
    s.seek(-1);
    assertThat(s.position()).isEqualTo(-1);
    assertThatThrownBy(() -> s.seek(2))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("reference 2 outside 0..1");
  }

  @Test
  void of_copiesItsInput() {
    long[] pages = {1, 2, 1};
    ReferenceString s = ReferenceString.of(pages);
    pages[2] = 9;
    assertThat(s.nextUse(0)).isEqualTo(2);
    assertThat(ReferenceString.of(pages, 2).length()).isEqualTo(2);
  }
}
