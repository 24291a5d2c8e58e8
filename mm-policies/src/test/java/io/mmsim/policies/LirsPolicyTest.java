package io.mmsim.policies;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/**
 * LIRS through the replacement-policy contract, with its default {@code lirs.variant=libcachesim}
 * (which evicts on some hits, as LIRS.c does); {@link LirsPaperPolicyTest} runs the contract on the
 * paper variant.
 */
final class LirsPolicyTest extends ReplacementPolicyContract {

  @Override
  protected ReplacementPolicyProvider provider() {
    return new LirsPolicyProvider();
  }

  @Override
  protected boolean evictsOnHits() {
    return true;
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
  void lirsPaper_hitOnResidentHir_promotedOnlyWhenInTheStack() {
    PolicySimulator s = Policies.run(Policies.lirs("paper"), 5, 1, 2, 3, 4, 5, 5);
    LirsPolicy p = (LirsPolicy) s.policy();
    assertThat(p.status(5)).isEqualTo("LIR");
    assertThat(p.status(1)).isEqualTo("HIR");
    assertThat(p.inStack(1)).isFalse(); // pruned off the bottom
    s.reference(1); // resident HIR, not in S: stays HIR, back on top of S
    assertThat(p.status(1)).isEqualTo("HIR");
    assertThat(p.inStack(1)).isTrue();
    assertThat(p.status(2)).isEqualTo("LIR");
    assertThat(p.resident()).isEqualTo(5);
    assertThat(p.overCapacity()).isZero();
  }

  /*
   * The same string under LIRS.c's rule (the default). 5 frames: h = 1, L = 4. After 1 2 3 4 5 5,
   * 5 is LIR and 1, demoted, is Q's only page. The hit on 1 (in Q, not in S) demotes the bottom
   * LIR page, 2; making room in Q for it evicts Q's LRU page, which is 1 itself; 1 goes on top of
   * S still resident, counted in neither set. Resident: 3 4 5 (LIR), 2 (Q), 1: five pages, one of
   * them beyond L + h = 4 counted ones, so overCapacity is 1 and the next miss, 6, evicts nothing:
   * it enters as LIR (only 3 are), and six pages are resident in 5 frames.
   */
  @Test
  void lirsLibCacheSim_hitOnHirOutsideTheStack_keepsThePageUncountedBeyondTheFrames() {
    PolicySimulator s = Policies.run(Policies.lirs("libcachesim"), 5, 1, 2, 3, 4, 5, 5);
    LirsPolicy p = (LirsPolicy) s.policy();
    s.reference(1);
    assertThat(p.status(1)).isEqualTo("HIR");
    assertThat(p.inStack(1)).isTrue();
    assertThat(p.status(2)).isEqualTo("HIR");
    assertThat(p.statistics().get("nr_hir_uncounted")).isEqualTo(1);
    assertThat(p.overCapacity()).isEqualTo(1);
    assertThat(s.resident()).isEqualTo(5);
    assertThat(s.reference(6)).isTrue();
    assertThat(s.resident()).isEqualTo(6);
    assertThat(p.status(6)).isEqualTo("LIR");
    for (long page = 1; page <= 6; page++) {
      assertThat(p.contains(page)).as("page %d", page).isTrue();
    }
    p.checkInvariants();
  }

  /*
   * Why LIRS.c needs more frames than it has, and what each variant counts. 5 frames (h = 1,
   * L = 4), six pages. LIRS.c: 8 3 5 2 miss and become LIR, 4 misses into Q. 4 hits (resident HIR
   * in S): it becomes LIR and the bottom LIR page, 8, is demoted into Q. 8 hits in Q but is not
   * in S: LIRS.c demotes the bottom LIR page, 3, into Q, whose one slot holds 8, so 8 is evicted
   * from Q and then put back on S still marked resident, counted nowhere. 6 misses and, as only 3
   * pages are LIR now, enters as LIR with nothing evicted. Six pages now answer hits with five
   * slots: 2 3 6 8 4 5 all hit. 6 misses for 6 distinct pages is what an unbounded cache gets. With
   * the demotion on that hit left out (the paper's rule), 8 stays in Q, 6 evicts it as Q's tail;
   * 8 and later 5 miss again: 8 misses.
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
    PolicySimulator lcs = Policies.run(Policies.lirs("libcachesim"), 5, refs);
    assertThat(lcs.misses()).isEqualTo(6);
    assertThat(Policies.run(new LirsPolicyProvider(), 5, refs).misses())
        .as("libcachesim is the default")
        .isEqualTo(6);

    LirsReference corrected = new LirsReference(5, false);
    for (long r : refs) {
      corrected.get(r);
    }
    assertThat(corrected.misses()).isEqualTo(8);
    PolicySimulator paper = Policies.run(Policies.lirs("paper"), 5, refs);
    assertThat(paper.misses()).isEqualTo(8);
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

  /*
   * Each variant equals its independent model of LIRS.c (unmodified for libcachesim, corrected
   * for paper) on every string and size, in misses and, reference by reference on a prefix, in
   * the very pages resident: the simulator's resident set is the model's hittable set.
   */
  @Test
  void lirs_bothVariants_equalTheirLibCacheSimModels_everyStringAndSize() {
    for (String variant : new String[] {"libcachesim", "paper"}) {
      for (Map.Entry<String, long[]> e : PageStrings.all().entrySet()) {
        for (int frames : new int[] {2, 3, 5, 10, 24, 37, 64, 100, 150, 250}) {
          // with 2 frames the libcachesim variant is the paper's (LIRS.c miscounts there)
          LirsReference m = new LirsReference(frames, variant.equals("libcachesim") && frames > 2);
          PolicySimulator s = new PolicySimulator(Policies.lirs(variant), frames);
          long[] refs = e.getValue();
          for (int i = 0; i < refs.length; i++) {
            boolean hit = m.get(refs[i]);
            assertThat(s.reference(refs[i]))
                .as("%s %s at %d frames, reference %d", variant, e.getKey(), frames, i)
                .isEqualTo(!hit);
            if (i < 2000 && frames <= 64) {
              java.util.Set<Long> want = m.hittable();
              assertThat(s.resident())
                  .as(
                      "%s %s at %d frames, resident after %d: %s",
                      variant, e.getKey(), frames, i, want)
                  .isEqualTo(want.size());
              for (long page : want) {
                assertThat(s.policy().contains(page)).as("page %d", page).isTrue();
              }
            }
          }
          s.policy().checkInvariants();
          assertThat(s.misses()).isEqualTo(m.misses());
          if (variant.equals("paper")) {
            assertThat(s.resident()).isLessThanOrEqualTo(frames);
          }
        }
      }
    }
  }

  @Test
  void lirs_unknownVariant_refusedNamingTheKey() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Policies.lirs("cacheus"))
        .isInstanceOf(io.mmsim.api.ConfigurationException.class)
        .hasMessageContaining("lirs.variant")
        .hasMessageContaining("libcachesim, paper");
  }
}
