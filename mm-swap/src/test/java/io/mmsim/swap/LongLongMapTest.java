package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The swap cache's index against java.util.HashMap under random operations. */
final class LongLongMapTest {

  @Test
  void randomPutGetRemove_matchesHashMap() {
    SplittableRandom r = new SplittableRandom(11);
    LongLongMap map = new LongLongMap(2);
    Map<Long, Long> model = new HashMap<>();
    for (int i = 0; i < 200_000; i++) {
      long k = r.nextInt(3) == 0 ? r.nextLong(Long.MAX_VALUE) : r.nextInt(3000);
      switch (r.nextInt(3)) {
        case 0 -> {
          long v = r.nextLong();
          map.put(k, v);
          model.put(k, v);
        }
        case 1 -> assertThat(map.remove(k)).isEqualTo(model.containsKey(k) ? model.remove(k)
            : LongLongMap.EMPTY);
        default -> {
          assertThat(map.containsKey(k)).isEqualTo(model.containsKey(k));
          if (model.containsKey(k)) {
            assertThat(map.get(k)).isEqualTo(model.get(k));
          }
        }
      }
      if (i % 25_000 == 0) {
        map.checkInvariants();
      }
    }
    assertThat(map.size()).isEqualTo(model.size());
    map.checkInvariants();
  }
}
