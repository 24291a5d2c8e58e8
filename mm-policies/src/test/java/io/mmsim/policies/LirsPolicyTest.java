package io.mmsim.policies;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/** LIRS through the replacement-policy contract. */
final class LirsPolicyTest extends ReplacementPolicyContract {

  @Override
  protected ReplacementPolicyProvider provider() {
    return new LirsPolicyProvider();
  }

  /*
   * 5 frames: h = 1, L = 4. 1..4 enter as LIR, 5 as resident HIR. 6 evicts Q's only page, 5,
   * which stays in S as non-resident, and enters as resident HIR. The miss on 5 finds it in S:
   * it evicts 6 (Q's end) and becomes LIR; the bottom LIR page, 1, turns resident HIR.
   */
  @Test
  void lirs_missOnANonResidentPageInTheStack_makesItLir() {
    PolicySimulator s = Policies.run(new LirsPolicyProvider(), 5, 1, 2, 3, 4, 5, 6);
    LirsPolicy p = (LirsPolicy) s.policy();
    assertThat(p.status(5)).isEqualTo("non-resident");
    assertThat(p.status(6)).isEqualTo("HIR");
    s.reference(5);
    assertThat(p.status(5)).isEqualTo("LIR");
    assertThat(p.status(1)).isEqualTo("HIR");
    assertThat(p.status(6)).isEqualTo("non-resident");
    p.checkInvariants();
  }

  /* A hit on a resident HIR page in S makes it LIR; one not in S stays HIR (the paper's rule). */
  @Test
  void lirs_hitOnResidentHir_promotedOnlyWhenInTheStack() {
    PolicySimulator s = Policies.run(new LirsPolicyProvider(), 5, 1, 2, 3, 4, 5, 5);
    LirsPolicy p = (LirsPolicy) s.policy();
    assertThat(p.status(5)).isEqualTo("LIR");
    assertThat(p.status(1)).isEqualTo("HIR");
    assertThat(p.inStack(1)).isFalse(); // pruned off the bottom
    s.reference(1); // resident HIR, not in S: stays HIR, back on top of S
    assertThat(p.status(1)).isEqualTo("HIR");
    assertThat(p.inStack(1)).isTrue();
    assertThat(p.resident()).isEqualTo(5);
  }

  /*
   * Why parity is with LIRS.c corrected in one statement. 5 frames (h = 1, L = 4), six pages.
   * LIRS.c: 8 3 5 2 miss and become LIR, 4 misses into Q. 4 hits (resident HIR in S): it becomes
   * LIR and the bottom LIR page, 8, is demoted into Q. 8 hits in Q but is not in S: LIRS.c demotes
   * the bottom LIR page, 3, into Q, whose one slot holds 8, so 8 is evicted from Q and then put
   * back on S still marked resident, counted nowhere. 6 misses and, as only 3 pages are LIR now,
   * enters as LIR with nothing evicted. Six pages now answer hits with five slots: 2 3 6 8 4 5
   * all hit. 6 misses for 6 distinct pages is what an unbounded cache gets; no cache of 5 frames
   * can. With the demotion on that hit left out (the paper's rule, LirsPolicy's), 8 stays in Q, 6
   * evicts it as Q's tail; 8 and later 5 miss again: 8 misses.
   */
  @Test
  void lirs_libCacheSimDemotionOnAQueueHit_needsMoreFramesThanItHas() {
    long[] refs = {8, 3, 5, 2, 4, 4, 8, 6, 2, 3, 6, 8, 4, 5};
    long distinct = Arrays.stream(refs).distinct().count();
    LirsReference libCacheSim = new LirsReference(5, true);
    for (long r : refs) {
      libCacheSim.get(r);
    }
    assertThat(distinct).isEqualTo(6);
    assertThat(libCacheSim.misses()).isEqualTo(distinct); // only compulsory misses: 6 frames' worth

    LirsReference corrected = new LirsReference(5, false);
    for (long r : refs) {
      corrected.get(r);
    }
    assertThat(corrected.misses()).isEqualTo(8);
    PolicySimulator s = Policies.run(new LirsPolicyProvider(), 5, refs);
    assertThat(s.misses()).isEqualTo(8);
    s.policy().checkInvariants();
  }

  /* The model of LIRS.c corrected in that statement never holds more pages than its frames. */
  @Test
  void lirsReference_corrected_staysWithinItsFrames() {
    for (Map.Entry<String, long[]> e : PageStrings.all().entrySet()) {
      for (int frames : new int[] {5, 24, 64}) {
        LirsReference m = new LirsReference(frames, false);
        for (long r : e.getValue()) {
          m.get(r);
          assertThat(m.hittable())
              .as("%s at %d frames", e.getKey(), frames)
              .hasSizeLessThanOrEqualTo(frames);
        }
      }
    }
  }

  /* LirsPolicy equals the independent model of LIRS.c (corrected) on every string and size. */
  @Test
  void lirs_missesEqualTheLibCacheSimModel_everyStringAndSize() {
    for (Map.Entry<String, long[]> e : PageStrings.all().entrySet()) {
      for (int frames : new int[] {2, 3, 5, 10, 24, 37, 64, 100, 150}) {
        LirsReference m = new LirsReference(frames, false);
        for (long r : e.getValue()) {
          m.get(r);
        }
        long got = Policies.run(new LirsPolicyProvider(), frames, e.getValue()).misses();
        assertThat(got).as("%s at %d frames", e.getKey(), frames).isEqualTo(m.misses());
      }
    }
  }
}
