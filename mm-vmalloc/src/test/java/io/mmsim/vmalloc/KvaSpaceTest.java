package io.mmsim.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

final class KvaSpaceTest {
  private static final long P = 4096;
  private static final long BASE = 0xffffc90000000000L;

  private static List<String> ranges(List<long[]> list) {
    return list.stream()
        .map(r -> Long.toHexString(r[0] - BASE) + "-" + Long.toHexString(r[1] - BASE))
        .toList();
  }

  @Test
  void allocLowest_takesTheLeftEdgeOfTheFirstRangeThatFits() {
    KvaSpace s = new KvaSpace(BASE, BASE + 16 * P);
    long a = s.allocLowest(2 * P);
    long b = s.allocLowest(4 * P);
    long c = s.allocLowest(2 * P);
    s.release(b, b + 4 * P);

    assertThat(s.allocLowest(5 * P)).as("the hole is too small").isEqualTo(BASE + 8 * P);
    assertThat(s.allocLowest(3 * P)).as("the hole fits").isEqualTo(b);
    assertThat(a).isEqualTo(BASE);
    assertThat(c).isEqualTo(BASE + 6 * P);
    s.checkInvariants();
  }

  @Test
  void release_mergesWithBothNeighbours() {
    KvaSpace s = new KvaSpace(BASE, BASE + 8 * P);
    long a = s.allocLowest(2 * P);
    long b = s.allocLowest(2 * P);
    long c = s.allocLowest(2 * P);
    s.release(a, a + 2 * P);
    s.release(c, c + 2 * P);
    assertThat(ranges(s.freeList())).containsExactly("0-2000", "4000-8000");

    s.release(b, b + 2 * P);

    assertThat(ranges(s.freeList())).containsExactly("0-8000");
    assertThat(s.freeBytes()).isEqualTo(8 * P);
    s.checkInvariants();
  }

  @Test
  void lazyRanges_stayUnmergedUntilPurged() {
    KvaSpace s = new KvaSpace(BASE, BASE + 8 * P);
    long a = s.allocLowest(2 * P);
    long b = s.allocLowest(2 * P);
    s.addLazy(a, a + 2 * P);
    s.addLazy(b, b + 2 * P);

    assertThat(ranges(s.lazyList())).containsExactly("0-2000", "2000-4000");
    assertThat(s.lazyPages()).isEqualTo(4);
    assertThat(s.allocLowest(6 * P)).isEqualTo(KvaSpace.NO_SPACE);
    s.checkInvariants();

    s.purgeLazy();

    assertThat(s.lazyRanges()).isZero();
    assertThat(s.largestFree()).isEqualTo(8 * P);
    assertThat(s.allocLowest(8 * P)).isEqualTo(BASE);
    s.checkInvariants();
  }

  @Test
  void constructor_badRange_throws() {
    assertThatThrownBy(() -> new KvaSpace(BASE + 1, BASE + P))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KvaSpace(BASE, BASE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KvaSpace(0, P)).isInstanceOf(IllegalArgumentException.class);
  }
}
