package io.mmsim.policies;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/** CLOCK-Pro through the replacement-policy contract. */
final class ClockProPolicyTest extends ReplacementPolicyContract {

  @Override
  protected ReplacementPolicyProvider provider() {
    return new ClockProPolicyProvider();
  }

  /*
   * 2 frames, 1 2 1 3: 1 and 2 enter cold in their test period; the hit sets 1's bit. 3 misses:
   * HAND_cold finds 1 referenced in its test period, makes it hot (m_c stays 2, its bound) and
   * moves it to the head; HAND_hot must then run (1 hot page > m - m_c = 0): it passes 2, ending
   * its test period (m_c = 1), and stops (1 hot page = m - m_c). HAND_cold evicts 2, which leaves
   * the clock (no test period any more); 3 enters cold.
   */
  @Test
  void clockPro_coldPageReusedInItsTestPeriod_turnsHotByHand() {
    PolicySimulator s = Policies.run(new ClockProPolicyProvider(), 2, 1, 2, 1, 3);
    ClockProPolicy p = (ClockProPolicy) s.policy();
    assertThat(s.misses()).isEqualTo(3);
    assertThat(p.status(1)).isEqualTo("hot");
    assertThat(p.status(2)).isNull();
    assertThat(p.status(3)).isEqualTo("cold");
    assertThat(p.coldTarget()).isEqualTo(1);
  }

  /* 2 frames, 1 2 3 1: 3 evicts 1, which stays as a test page; the fault on 1 makes it hot. */
  @Test
  void clockPro_faultOnATestPage_makesItHot() {
    PolicySimulator s = Policies.run(new ClockProPolicyProvider(), 2, 1, 2, 3);
    ClockProPolicy p = (ClockProPolicy) s.policy();
    assertThat(p.status(1)).isEqualTo("test");
    s.reference(1);
    assertThat(p.status(1)).isEqualTo("hot");
    p.checkInvariants();
  }

  @Test
  void misses_seededStrings_equalThePlainModel() {
    PageStrings.SplitMix64 r = new PageStrings.SplitMix64(99);
    for (int run = 0; run < 120; run++) {
      int pages = 2 + r.nextInt(60);
      long[] refs =
          run % 3 == 0
              ? PageStrings.zipf(run, 1500, pages, 0.7 + r.nextInt(6) / 10.0)
              : run % 3 == 1
                  ? PageStrings.loop(800, pages)
                  : PageStrings.phases(run, 1500, 1 + pages / 4, 200);
      int frames = 1 + r.nextInt(pages + 2);
      ClockProPolicy p = (ClockProPolicy) Policies.create(new ClockProPolicyProvider());
      PolicySimulator s = new PolicySimulator(p, frames);
      for (long page : refs) {
        s.reference(page);
      }
      p.checkInvariants();
      assertThat(s.misses())
          .as("run %d, %d pages, %d frames", run, pages, frames)
          .isEqualTo(ClockProModel.misses(refs, frames));
    }
  }
}
