package io.mmsim.swap.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The node table's two indexes (an array for small keys, a hash map for the others) against a plain
 * map, and list policies giving the same answers whichever index holds their pages.
 */
final class NodeTableTest {
  private static final long SEED = Long.getLong("mmsim.test.seed", 20261206L);

  @Test
  void denseAndHashedKeys_randomAddsAndReleases_matchAMap() {
    for (int run = 0; run < 20; run++) {
      SplittableRandom r = new SplittableRandom(SEED + run);
      NodeTable t = new NodeTable(4);
      t.denseKeysBelow(100);
      Map<Long, Integer> model = new HashMap<>();
      for (int step = 0; step < 2000; step++) {
        // keys below the limit, above it, and negative (hashed as huge unsigned numbers)
        long k =
            switch (r.nextInt(3)) {
              case 0 -> r.nextInt(100);
              case 1 -> 100 + r.nextInt(100);
              default -> -1 - r.nextInt(10);
            };
        Integer n = model.get(k);
        String what = "seed " + (SEED + run) + " step " + step + " key " + k;
        if (n == null) {
          int added = t.addIfAbsent(k);
          assertThat(added).as(what).isNotEqualTo(NodeTable.NIL);
          t.pushNewest(0, added);
          model.put(k, added);
        } else {
          assertThat(t.addIfAbsent(k)).as(what).isEqualTo(NodeTable.NIL);
          if (r.nextBoolean()) {
            t.unlink(n);
            t.release(n);
            model.remove(k);
          }
        }
        assertThat(t.find(k)).as(what).isEqualTo(model.getOrDefault(k, NodeTable.NIL));
        assertThat(t.tracked()).as(what).isEqualTo(model.size());
      }
      for (Map.Entry<Long, Integer> e : model.entrySet()) {
        assertThat(t.find(e.getKey())).isEqualTo(e.getValue());
        assertThat(t.key(e.getValue())).isEqualTo(e.getKey());
      }
      t.checkInvariants(1);
    }
  }

  @Test
  void denseKeysBelow_withTrackedPages_isRefused() {
    NodeTable t = new NodeTable(4);
    t.pushNewest(0, t.addIfAbsent(3));
    assertThatThrownBy(() -> t.denseKeysBelow(10))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no page is tracked");
  }

  @Test
  void listPolicies_arrayIndexedPages_missLikeHashedOnes() {
    for (int run = 0; run < 30; run++) {
      SplittableRandom r = new SplittableRandom(SEED + 100 + run);
      int pages = 2 + r.nextInt(60);
      long[] refs = PolicyRandomTest.randomString(r, 100 + r.nextInt(2000), pages);
      int frames = 1 + r.nextInt(pages);
      String what = "seed " + (SEED + 100 + run) + ", " + frames + " frames";
      assertThat(Simulate.misses(dense(new LruPolicy(4), pages), refs, frames))
          .as(what)
          .isEqualTo(Simulate.misses(new LruPolicy(4), refs, frames));
      assertThat(Simulate.misses(dense(new ClockPolicy(4), pages), refs, frames))
          .as(what)
          .isEqualTo(Simulate.misses(new ClockPolicy(4), refs, frames));
      assertThat(Simulate.misses(dense(new LinuxPolicy(4), pages), refs, frames))
          .as(what)
          .isEqualTo(Simulate.misses(new LinuxPolicy(4), refs, frames));
      // half the pages array-indexed, half hashed
      assertThat(Simulate.misses(dense(new FifoPolicy(4), pages / 2), refs, frames))
          .as(what)
          .isEqualTo(Simulate.misses(new FifoPolicy(4), refs, frames));
    }
  }

  private static <P extends ListPolicy> P dense(P policy, int limit) {
    policy.nodes.denseKeysBelow(limit);
    return policy;
  }
}
