package io.mmsim.swap.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The open-addressing index against java.util.HashMap under random operations. */
final class LongIntMapTest {

  @Test
  void randomPutGetRemove_matchesHashMap() {
    SplittableRandom r = new SplittableRandom(5);
    LongIntMap map = new LongIntMap(4);
    Map<Long, Integer> model = new HashMap<>();
    for (int i = 0; i < 200_000; i++) {
      long k = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(2000) - 1000;
      switch (r.nextInt(3)) {
        case 0 -> {
          int v = r.nextInt(1 << 20);
          map.put(k, v);
          model.put(k, v);
        }
        case 1 -> assertThat(map.remove(k)).isEqualTo(model.containsKey(k) ? model.remove(k)
            : LongIntMap.MISSING);
        default -> assertThat(map.get(k)).isEqualTo(model.getOrDefault(k, LongIntMap.MISSING));
      }
      if (i % 20_000 == 0) {
        map.checkInvariants();
      }
    }
    assertThat(map.size()).isEqualTo(model.size());
    map.checkInvariants();
  }
}
