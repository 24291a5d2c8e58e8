package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The kernel's should_fail() rules: probability, interval, times, space. */
final class FaultAttrTest {

  private static List<Integer> failures(FaultAttr a, int ios) {
    List<Integer> f = new ArrayList<>();
    for (int i = 1; i <= ios; i++) {
      if (a.shouldFail(4096)) {
        f.add(i);
      }
    }
    return f;
  }

  @Test
  void probabilityZero_neverFails() {
    assertThat(failures(new FaultAttr("t", 0, 1, -1, 0, 1), 1000)).isEmpty();
  }

  @Test
  void certainWithInterval3AndTimes2_failsTheThirdAndSixthOnly() {
    FaultAttr a = new FaultAttr("t", 100, 3, 2, 0, 1);
    assertThat(failures(a, 30)).containsExactly(3, 6);
    assertThat(a.injected()).isEqualTo(2);
  }

  @Test
  void defaultTimesOne_failsOnce() {
    assertThat(failures(new FaultAttr("t", 100, 1, 1, 0, 1), 10)).containsExactly(1);
  }

  @Test
  void space_letsTheFirstBytesThrough() {
    // 3 pages pass (space 12288 > 4096 three times... then 0 is not > 4096)
    FaultAttr a = new FaultAttr("t", 100, 1, -1, 3 * 4096 + 1, 1);
    assertThat(failures(a, 6)).containsExactly(4, 5, 6);
  }

  @Test
  void halfProbability_seeded_isReproducibleAndRoughlyHalf() {
    List<Integer> one = failures(new FaultAttr("t", 50, 1, -1, 0, 42), 2000);
    List<Integer> two = failures(new FaultAttr("t", 50, 1, -1, 0, 42), 2000);
    assertThat(one).isEqualTo(two);
    assertThat(one.size()).isBetween(850, 1150);
  }
}
