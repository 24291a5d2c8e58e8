package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** swap_map counts, bad pages, cluster allocation order and random slot accounting. */
final class SwapAreaTest {
  private static final UUID ID = new UUID(1, 2);

  private static SwapArea area(int slots, int... bad) {
    SwapHeader h = SwapHeader.create(slots, "t", ID, bad);
    return new SwapArea(0, new MemoryDevice("/dev/ram0", slots), h, slots, -2, true);
  }

  @Test
  void newArea_headerAndBadPagesMarkedBad_restFree() {
    SwapArea a = area(1000, 5, 700);
    assertThat(a.mapByte(0)).isEqualTo(SwapArea.SWAP_MAP_BAD);
    assertThat(a.mapByte(5)).isEqualTo(SwapArea.SWAP_MAP_BAD);
    assertThat(a.mapByte(700)).isEqualTo(SwapArea.SWAP_MAP_BAD);
    assertThat(a.pages).isEqualTo(997);
    assertThat(a.inuse()).isZero();
    assertThat(a.inUse(5)).isFalse();
    a.checkInvariants();
  }

  @Test
  void allocSlot_firstFreeClusterThenSequentialWithinIt() {
    SwapArea a = area(1024);
    // cluster 0 holds the header, so the first free cluster is 1
    assertThat(a.allocSlot()).isEqualTo(256);
    assertThat(a.allocSlot()).isEqualTo(257);
    for (int i = 258; i < 512; i++) {
      assertThat(a.allocSlot()).isEqualTo(i);
    }
    assertThat(a.allocSlot()).isEqualTo(512); // cluster 1 full: the next free cluster
    assertThat(a.mapByte(256)).isEqualTo(SwapArea.SWAP_HAS_CACHE);
    a.checkInvariants();
  }

  @Test
  void allocSlot_noFreeClusterLeft_scansFromTheStart() {
    SwapArea a = area(600); // clusters: 0 (header), 1 (free), 2 (tail past the end)
    List<Integer> got = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      got.add(a.allocSlot());
    }
    assertThat(got.get(0)).isEqualTo(256);
    assertThat(got.get(255)).isEqualTo(511);
    assertThat(a.allocSlot()).isEqualTo(1); // fallback scan of the fragmented clusters
    assertThat(a.allocSlot()).isEqualTo(2);
    a.checkInvariants();
  }

  @Test
  void allocSlot_full_returnsMinusOneAndSlotZeroIsNeverGiven() {
    SwapArea a = area(40, 3);
    List<Integer> got = new ArrayList<>();
    for (int s = a.allocSlot(); s >= 0; s = a.allocSlot()) {
      got.add(s);
    }
    assertThat(got).hasSize(38).doesNotContain(0, 3).doesNotHaveDuplicates();
    assertThat(a.inuse()).isEqualTo(a.pages);
    a.checkInvariants();
  }

  @Test
  void freedCluster_goesBackToTheFreeQueueTail() {
    SwapArea a = area(1024);
    int first = a.allocSlot(); // 256, cluster 1 current
    for (int i = 1; i < 256; i++) {
      a.allocSlot();
    }
    a.allocSlot(); // 512: cluster 2 current
    for (int s = first; s < first + 256; s++) {
      a.clearCache(s); // cluster 1 entirely free again
    }
    a.checkInvariants();
    for (int i = 1; i < 256; i++) {
      a.allocSlot(); // rest of cluster 2
    }
    assertThat(a.allocSlot()).isEqualTo(768); // cluster 3 was queued before cluster 1
    for (int i = 1; i < 256; i++) {
      a.allocSlot();
    }
    assertThat(a.allocSlot()).isEqualTo(256);
    a.checkInvariants();
  }

  @Test
  void duplicate_beyondSwapMapMax_continuesAndCountsBackDown() {
    SwapArea a = area(100);
    int s = a.allocSlot();
    for (int i = 0; i < 200; i++) {
      a.duplicate(s);
    }
    assertThat(a.count(s)).isEqualTo(200);
    assertThat(a.mapByte(s) & SwapArea.COUNT_CONTINUED).isNotZero();
    assertThat(a.mapByte(s) & SwapArea.COUNT_MASK).isEqualTo(SwapArea.SWAP_MAP_MAX);
    a.checkInvariants();
    for (int i = 199; i >= 0; i--) {
      assertThat(a.free(s)).isEqualTo(i);
      a.checkInvariants();
    }
    assertThat(a.mapByte(s)).isEqualTo(SwapArea.SWAP_HAS_CACHE);
    a.clearCache(s);
    assertThat(a.inUse(s)).isFalse();
    assertThat(a.inuse()).isZero();
  }

  @Test
  void randomAllocDuplicateFreeSequences_matchAModelWithoutLeaks() {
    long seed = Long.getLong("mmsim.test.seed", 99L);
    for (int run = 0; run < 30; run++) {
      SplittableRandom r = new SplittableRandom(seed + run);
      int slots = 10 + r.nextInt(2000);
      SwapArea a = area(slots);
      Map<Integer, int[]> model = new HashMap<>(); // slot -> {count, cache}
      List<Integer> live = new ArrayList<>();
      for (int step = 0; step < 3000; step++) {
        int op = r.nextInt(10);
        if (op < 3 || live.isEmpty()) {
          int s = a.allocSlot();
          if (s < 0) {
            assertThat(model).hasSize((int) a.pages);
            continue;
          }
          assertThat(s).isPositive();
          assertThat(model).doesNotContainKey(s);
          model.put(s, new int[] {0, 1});
          live.add(s);
        } else {
          int idx = r.nextInt(live.size());
          int s = live.get(idx);
          int[] m = model.get(s);
          if (op < 6) {
            a.duplicate(s);
            m[0]++;
          } else if (op < 8 && m[0] > 0) {
            assertThat(a.free(s)).isEqualTo(--m[0]);
          } else if (m[1] == 1) {
            a.clearCache(s);
            m[1] = 0;
          } else if (m[0] > 0) {
            a.free(s);
            m[0]--;
          }
          if (m[0] == 0 && m[1] == 0) {
            model.remove(s);
            live.remove(idx);
            assertThat(a.inUse(s)).isFalse();
          }
        }
        assertThat(a.inuse()).as("seed %d step %d", seed + run, step).isEqualTo(model.size());
        if (step % 50 == 0) {
          a.checkInvariants();
          for (Map.Entry<Integer, int[]> e : model.entrySet()) {
            assertThat(a.count(e.getKey())).isEqualTo(e.getValue()[0]);
            assertThat(a.hasCache(e.getKey())).isEqualTo(e.getValue()[1] == 1);
          }
        }
      }
      a.checkInvariants();
    }
  }
}
