package io.mmsim.policies;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/** ARC through the replacement-policy contract. */
final class ArcPolicyTest extends ReplacementPolicyContract {

  private static final long[] BELADY = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

  @Override
  protected ReplacementPolicyProvider provider() {
    return new ArcPolicyProvider();
  }

  @Override
  protected List<Textbook> textbook() {
    return List.of(
        new Textbook(
            "Belady anomaly string, by hand (T1 fills, case IV evicts without ghosts, 5 hits B1 and raises p to 1)",
            BELADY,
            3,
            10));
  }

  /*
   * The hand-run of the textbook case, 3 frames: 1 2 3 fill T1; 4, 1, 2, 5 are case IV with
   * |T1| + |B1| = 3: B1 is empty, so T1's LRU page is evicted without a ghost each time; 1 and 2
   * hit and move to T2; 3 and 4 are case IV below c: REPLACE evicts T1's LRU (|T1| = 1 > p = 0)
   * into B1; 5 hits B1: p = 0 + max(|B2| / |B1|, 1) = 1, and with |T1| = 1 = p (not a B2 hit)
   * REPLACE takes T2's LRU page, 1, into B2; 5 enters T2.
   */
  @Test
  void arc_beladyString_listsAndTargetByHand() {
    PolicySimulator s =
        Policies.run(new ArcPolicyProvider(), 3, 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5);
    ArcPolicy arc = (ArcPolicy) s.policy();
    assertThat(s.misses()).isEqualTo(10);
    assertThat(arc.listOf(4)).isEqualTo("T1");
    assertThat(arc.listOf(5)).isEqualTo("T2");
    assertThat(arc.listOf(2)).isEqualTo("T2");
    assertThat(arc.listOf(3)).isEqualTo("B1");
    assertThat(arc.listOf(1)).isEqualTo("B2");
    assertThat(arc.target()).isEqualTo(1.0);
  }

  @Test
  void arc_ghostHitWithoutTheMissHint_stillEntersT2() {
    ArcPolicy arc = (ArcPolicy) Policies.create(new ArcPolicyProvider());
    arc.setCapacity(3);
    arc.insert(1);
    arc.insert(2);
    arc.victim(page -> false); // case IV with |T1| + |B1| < c: REPLACE puts 1 in B1
    assertThat(arc.listOf(1)).isEqualTo("B1");
    arc.insert(1); // global reclaim announces nothing: the ghost hit is seen here
    assertThat(arc.listOf(1)).isEqualTo("T2");
    assertThat(arc.target()).isEqualTo(1.0);
    arc.checkInvariants();
  }
}
