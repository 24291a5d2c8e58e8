package io.mmsim.swap.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.reclaim.ReferenceString;
import io.mmsim.api.reclaim.ReplacementPolicy;

/** The reference strings of the textbooks, with their known miss counts. */
final class TextbookReferenceStringsTest {
  /** Belady's anomaly string. */
  private static final long[] BELADY = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

  /** Silberschatz, Operating System Concepts, the page-replacement chapter's string. */
  private static final long[] OSC = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};

  private static int run(ReplacementPolicy p, long[] refs, int frames) {
    return Simulate.misses(p, refs, frames, null, true);
  }

  private static int opt(long[] refs, int frames) {
    ReferenceString future = ReferenceString.of(refs);
    return Simulate.misses(new OptPolicy(future, 8), refs, frames, future, true);
  }

  // ---------------------------------------------------------------- Belady's string

  @Test
  void fifo_beladyString_showsTheAnomaly9MissesWith3Frames10With4() {
    assertThat(run(new FifoPolicy(8), BELADY, 3)).isEqualTo(9);
    assertThat(run(new FifoPolicy(8), BELADY, 4)).isEqualTo(10);
  }

  @Test
  void lru_beladyString_10MissesWith3Frames8With4() {
    assertThat(run(new LruPolicy(8), BELADY, 3)).isEqualTo(10);
    assertThat(run(new LruPolicy(8), BELADY, 4)).isEqualTo(8);
  }

  @Test
  void opt_beladyString_7MissesWith3Frames6With4() {
    assertThat(opt(BELADY, 3)).isEqualTo(7);
    assertThat(opt(BELADY, 4)).isEqualTo(6);
  }

  /*
   * Clock by hand, 3 frames (* = bit set, ^ = hand):
   *   1 2 3     ^[1* 2* 3*]                 3 misses
   *   4         clears 1,2,3, evicts 1     [4* ^2 3]      4
   *   1         evicts 2                   [4* 1* ^3]     5
   *   2         evicts 3                   [^4* 1* 2*]    6
   *   5         clears all, evicts 4       [5* ^1 2]      7
   *   1 2       hits                       [5* ^1* 2*]
   *   3         clears 1,2,5, evicts 1     [5 3* ^2]      8
   *   4         evicts 2                   [^5 3* 4*]     9
   *   5         hit                                       9
   * 4 frames: 1 2 3 4, hits 1 2, then 5 1 2 3 4 5 each evict the next page: 10 misses.
   */
  @Test
  void clock_beladyString_9MissesWith3Frames10With4ByHand() {
    assertThat(run(new ClockPolicy(8), BELADY, 3)).isEqualTo(9);
    assertThat(run(new ClockPolicy(8), BELADY, 4)).isEqualTo(10);
  }

  // ---------------------------------------------------------------- Silberschatz's string

  @Test
  void fifoLruOpt_osConceptsString_15And12And9MissesWith3Frames() {
    assertThat(run(new FifoPolicy(8), OSC, 3)).isEqualTo(15);
    assertThat(run(new LruPolicy(8), OSC, 3)).isEqualTo(12);
    assertThat(opt(OSC, 3)).isEqualTo(9);
  }

  /*
   * Clock by hand, 3 frames:
   *   7 0 1 -> ^[7* 0* 1*] (3); 2 -> [2* ^0 1] (4); 0 hit -> 0*; 3 -> clears 0, evicts 1
   *   [^2* 0 3*] (5); 0 hit; 4 -> clears 2,0,3, evicts 2 [4* ^0 3] (6); 2 -> evicts 0
   *   [4* 2* ^3] (7); 3 hit; 0 -> clears 3,4,2, evicts 3 [^4 2 0*] (8); 3 -> evicts 4
   *   [3* ^2 0*] (9); 2 hit; 1 -> clears 2,0,3, evicts 2 [3 1* ^0] (10); 2 -> evicts 0
   *   [^3 1* 2*] (11); 0 -> evicts 3 [0* ^1* 2*] (12); 1 hit; 7 -> clears 1,2,0, evicts 1
   *   [0 7* ^2] (13); 0 hit; 1 -> evicts 2 (14).
   */
  @Test
  void clock_osConceptsString_14MissesWith3FramesByHand() {
    assertThat(run(new ClockPolicy(8), OSC, 3)).isEqualTo(14);
  }

  @Test
  void clock_afterAMiss_theHandIsOnePastTheNewPage() {
    ClockPolicy clock = new ClockPolicy(8);
    PolicySimulator s = new PolicySimulator(clock, 3);
    s.run(new long[] {1, 2, 3, 4}, 0, 4);
    // 4 replaced 1 in the first frame; the hand stands on 2's frame
    assertThat(clock.hand()).isEqualTo(2);
    s.reference(5);
    assertThat(clock.contains(2)).isFalse();
    assertThat(clock.hand()).isEqualTo(3);
  }

  @Test
  void everyTextbookPolicy_agreesWithItsBruteForceModelOnBothStrings() {
    for (long[] refs : new long[][] {BELADY, OSC}) {
      for (int frames = 1; frames <= 6; frames++) {
        assertThat(run(new FifoPolicy(8), refs, frames))
            .isEqualTo(ReferenceModels.fifo(refs, frames));
        assertThat(run(new LruPolicy(8), refs, frames))
            .isEqualTo(ReferenceModels.lru(refs, frames));
        assertThat(run(new ClockPolicy(8), refs, frames))
            .isEqualTo(ReferenceModels.clock(refs, frames));
        assertThat(opt(refs, frames)).isEqualTo(ReferenceModels.opt(refs, frames));
      }
    }
  }
}
