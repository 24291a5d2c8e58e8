package io.mmsim.api.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

final class LongLongHashMapTest {

  // ---------------------------------------------------------------- exact cases

  @Test
  void get_emptyMap_returnsTheMissingValue() {
    LongLongHashMap map = new LongLongHashMap(4, -1);

    assertThat(map.get(7)).isEqualTo(-1);
    assertThat(map.containsKey(7)).isFalse();
    assertThat(map.remove(7)).isEqualTo(-1);
    assertThat(map.size()).isZero();
    assertThat(map.isEmpty()).isTrue();
    assertThat(map.missingValue()).isEqualTo(-1);
  }

  @Test
  void put_newAndExistingKey_returnsThePreviousValue() {
    LongLongHashMap map = new LongLongHashMap(4, 0);

    assertThat(map.put(5, 50)).isZero();
    assertThat(map.put(5, 51)).isEqualTo(50);
    assertThat(map.get(5)).isEqualTo(51);
    assertThat(map.size()).isEqualTo(1);
  }

  @Test
  void putIfAbsent_presentKey_keepsTheStoredValue() {
    LongLongHashMap map = new LongLongHashMap(4, -1);

    assertThat(map.putIfAbsent(9, 1)).isEqualTo(-1);
    assertThat(map.putIfAbsent(9, 2)).isEqualTo(1);
    assertThat(map.get(9)).isEqualTo(1);
    assertThat(map.size()).isEqualTo(1);
  }

  @Test
  void keys_everyLongIsLegal_includingZeroMinusOneAndTheExtremes() {
    LongLongHashMap map = new LongLongHashMap(4, -1);
    long[] keys = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1};
    for (int i = 0; i < keys.length; i++) {
      map.put(keys[i], i);
    }

    for (int i = 0; i < keys.length; i++) {
      assertThat(map.get(keys[i])).as("key %d", keys[i]).isEqualTo(i);
    }
    assertThat(map.remove(-1)).isEqualTo(1);
    assertThat(map.containsKey(-1)).isFalse();
    assertThat(map.get(0)).isZero();
    map.checkInvariants();
  }

  @Test
  void put_theMissingValue_throwsAndLeavesTheMapUnchanged() {
    LongLongHashMap map = new LongLongHashMap(4, 0);
    map.put(3, 30);

    assertThatThrownBy(() -> map.put(3, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key 3")
        .hasMessageContaining("missing value");
    assertThatThrownBy(() -> map.putIfAbsent(4, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key 4");
    assertThat(map.get(3)).isEqualTo(30);
    assertThat(map.containsKey(4)).isFalse();
    assertThat(map.size()).isEqualTo(1);
  }

  @Test
  void constructor_negativeExpectedSize_throws() {
    assertThatThrownBy(() -> new LongLongHashMap(-1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void capacity_isAPowerOfTwoAtLeastTwiceTheExpectedSize() {
    assertThat(new LongLongHashMap(0, -1).capacity()).isEqualTo(16);
    assertThat(new LongLongHashMap(8, -1).capacity()).isEqualTo(16);
    assertThat(new LongLongHashMap(9, -1).capacity()).isEqualTo(32);
    assertThat(new LongLongHashMap(1000, -1).capacity()).isEqualTo(2048);
  }

  @Test
  void put_pastHalfFull_doublesAndKeepsEveryEntry() {
    LongLongHashMap map = new LongLongHashMap(8, -1);
    for (long k = 0; k < 9; k++) {
      map.put(k << 12, k);
    }

    assertThat(map.capacity()).isEqualTo(32);
    for (long k = 0; k < 9; k++) {
      assertThat(map.get(k << 12)).isEqualTo(k);
    }
    map.checkInvariants();
  }

  @Test
  void clear_removesEverythingAndKeepsTheCapacity() {
    LongLongHashMap map = new LongLongHashMap(4, 7);
    for (long k = 0; k < 100; k++) {
      map.put(k, k + 100);
    }
    int capacity = map.capacity();

    map.clear();

    assertThat(map.size()).isZero();
    assertThat(map.capacity()).isEqualTo(capacity);
    assertThat(map.get(5)).isEqualTo(7);
    map.put(5, 1);
    assertThat(map.get(5)).isEqualTo(1);
    map.checkInvariants();
  }

  @Test
  void remove_insideAWrappingProbeRun_shiftsLaterEntriesBackToTheirExactSlots() {
    LongLongHashMap map = new LongLongHashMap(8, -1); // 16 slots, no growth below 9 entries
    long a1 = keyWithHome(14, 1);
    long a2 = keyWithHome(14, 2);
    long a3 = keyWithHome(14, 3);
    long b = keyWithHome(15, 1);
    long c = keyWithHome(15, 2);
    long d = keyWithHome(0, 1);
    long[] keys = {a1, a2, a3, b, c, d};
    for (int i = 0; i < keys.length; i++) {
      map.put(keys[i], i);
    }
    // one run from slot 14, wrapping: a1 a2 | a3 b c d
    assertThat(slots(map))
        .containsExactly(a3, b, c, d, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, a1, a2);

    assertThat(map.remove(a2)).isEqualTo(1);

    // a3 (home 14) and b, c (home 15) move back one; d moves back into its home slot
    assertThat(slots(map))
        .containsExactly(b, c, d, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, a1, a3);
    map.checkInvariants();
    assertThat(map.remove(a1)).isZero();
    assertThat(slots(map))
        .containsExactly(c, d, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, a3, b);
    for (int i = 2; i < keys.length; i++) {
      assertThat(map.get(keys[i])).isEqualTo(i);
    }
    map.checkInvariants();
  }

  @Test
  void remove_manyKeysInterleaved_keepsTheRestReachable() {
    LongLongHashMap map = new LongLongHashMap(16, -1);
    for (long k = 0; k < 4096; k++) {
      map.put(k * 1024, k);
    }
    for (long k = 0; k < 4096; k += 2) {
      assertThat(map.remove(k * 1024)).isEqualTo(k);
    }
    map.checkInvariants();

    for (long k = 0; k < 4096; k++) {
      assertThat(map.get(k * 1024)).isEqualTo(k % 2 == 0 ? -1 : k);
    }
    assertThat(map.size()).isEqualTo(2048);
  }

  // ---------------------------------------------------------------- iteration

  @Test
  void slotsAndForEach_visitExactlyTheEntries() {
    LongLongHashMap map = new LongLongHashMap(4, 0);
    Map<Long, Long> model = new HashMap<>();
    for (long k = -50; k < 50; k += 3) {
      map.put(k, k * k + 1);
      model.put(k, k * k + 1);
    }
    map.remove(-50);
    model.remove(-50L);

    Map<Long, Long> bySlot = new HashMap<>();
    for (int s = 0; s < map.capacity(); s++) {
      if (map.valueAt(s) != map.missingValue()) {
        assertThat(bySlot.put(map.keyAt(s), map.valueAt(s))).isNull();
      }
    }
    Map<Long, Long> byVisit = new HashMap<>();
    map.forEach((k, v) -> assertThat(byVisit.put(k, v)).isNull());

    assertThat(bySlot).isEqualTo(model);
    assertThat(byVisit).isEqualTo(model);
  }

  @Test
  void forEach_sameOperations_sameOrder() {
    List<Long> first = new ArrayList<>();
    List<Long> second = new ArrayList<>();
    for (List<Long> out : List.of(first, second)) {
      LongLongHashMap map = new LongLongHashMap(4, -1);
      for (long k = 0; k < 200; k++) {
        map.put(k * 37, k);
      }
      map.forEach((k, v) -> out.add(k));
    }

    assertThat(first).hasSize(200).isEqualTo(second);
  }

  // ---------------------------------------------------------------- seeded random operations

  @Test
  void randomOperations_againstAHashMap_agreeAfterEveryStep() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      // a small key range forces collisions, long probe runs and removals inside them
      long range = 1 + r.nextInt(300);
      long missing = r.nextBoolean() ? -1 : 0;
      LongLongHashMap map = new LongLongHashMap(r.nextInt(20), missing);
      Map<Long, Long> model = new HashMap<>();
      for (int step = 0; step < 3000; step++) {
        long key =
            r.nextInt(8) == 0 ? r.nextLong() : (r.nextLong(range) - range / 2) << r.nextInt(13);
        long value = 1 + r.nextLong(1_000_000);
        String at = "seed " + seed + " step " + step + " key " + key;
        switch (r.nextInt(5)) {
          case 0, 1 ->
              assertThat(map.put(key, value))
                  .as(at)
                  .isEqualTo(orMissing(model.put(key, value), missing));
          case 2 ->
              assertThat(map.putIfAbsent(key, value))
                  .as(at)
                  .isEqualTo(orMissing(model.putIfAbsent(key, value), missing));
          case 3 ->
              assertThat(map.remove(key)).as(at).isEqualTo(orMissing(model.remove(key), missing));
          default -> assertThat(map.get(key)).as(at).isEqualTo(orMissing(model.get(key), missing));
        }
        assertThat(map.size()).as(at).isEqualTo(model.size());
        map.checkInvariants();
      }
      for (Map.Entry<Long, Long> e : model.entrySet()) {
        assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
      }
    }
  }

  /**
   * A key whose home slot in a 16-slot table is {@code home}: the top four bits of key *
   * 0x9E3779B97F4A7C15 are {@code home}, so the key is {@code x} times the multiplier's inverse
   * modulo 2^64.
   */
  private static long keyWithHome(int home, int n) {
    long phi = 0x9E3779B97F4A7C15L;
    long inverse = phi; // Newton: each step doubles the correct low bits (3 to start)
    for (int i = 0; i < 5; i++) {
      inverse *= 2 - phi * inverse;
    }
    assertThat(phi * inverse).isEqualTo(1);
    return (((long) home << 60) | n) * inverse;
  }

  /** The key of every slot, 0 for a free one. */
  private static List<Long> slots(LongLongHashMap map) {
    List<Long> keys = new ArrayList<>();
    for (int s = 0; s < map.capacity(); s++) {
      keys.add(map.valueAt(s) == map.missingValue() ? 0L : map.keyAt(s));
    }
    return keys;
  }

  private static long orMissing(Long v, long missing) {
    return v == null ? missing : v;
  }
}
