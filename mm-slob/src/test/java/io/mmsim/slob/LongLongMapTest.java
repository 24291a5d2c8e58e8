package io.mmsim.slob;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class LongLongMapTest {

  @Test
  void operations_seededAgainstHashMap_agreeAndStayReachable() {
    for (long seed = 1; seed <= 5; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      LongLongMap map = new LongLongMap(4);
      Map<Long, Long> model = new HashMap<>();
      long keySpace = 10 + rnd.nextInt(2000);
      for (int step = 0; step < 20_000; step++) {
        long key = 1 + rnd.nextLong(keySpace) * 8; // 8-aligned, like object addresses
        int op = rnd.nextInt(3);
        if (op == 0) {
          long value = 1 + rnd.nextLong(1_000_000);
          map.put(key, value);
          model.put(key, value);
        } else if (op == 1) {
          Long expected = model.remove(key);
          assertThat(map.remove(key)).isEqualTo(expected == null ? 0 : expected);
        } else {
          Long expected = model.get(key);
          assertThat(map.get(key)).isEqualTo(expected == null ? 0 : expected);
        }
        assertThat(map.size()).isEqualTo(model.size());
        if (step % 1000 == 0) {
          map.checkInvariants("map seed " + seed);
        }
      }
      map.checkInvariants("map seed " + seed);
      for (Map.Entry<Long, Long> e : model.entrySet()) {
        assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
      }
    }
  }

  @Test
  void remove_absentKey_returnsZeroAndChangesNothing() {
    LongLongMap map = new LongLongMap(16);
    map.put(0xffff888000001000L, 7);
    assertThat(map.remove(0xffff888000002000L)).isZero();
    assertThat(map.size()).isEqualTo(1);
    assertThat(map.get(0xffff888000001000L)).isEqualTo(7);
  }
}
