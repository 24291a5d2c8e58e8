package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.ReferenceString;
import io.mmsim.api.reclaim.ReplacementPolicy;

/**
 * Trace replay with a per-process resident limit, as the kernel runs it: every miss is exactly one
 * page fault (a zero-fill on first touch, a major swap-in later), so the fault count equals the
 * textbook miss count of the policy with N frames.
 */
final class ResidentLimitReplayTest {
  private static final long[] BELADY = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

  private static long faults(String policy, long[] refs, int frames) {
    ReferenceString future = ReferenceString.of(refs);
    ReplacementPolicy p = Policies.create(policy, future);
    MiniKernel k = new MiniKernel(64, null, Map.of("memory", "1M"));
    k.spawn(1, p, frames);
    for (int i = 0; i < refs.length; i++) {
      future.seek(i);
      assertThat(k.access(1, refs[i], false)).isPositive();
      k.checkInvariants();
      assertThat(k.proc(1).rss).isLessThanOrEqualTo(frames);
    }
    return k.faults;
  }

  @Test
  void replay_beladyString_faultsEqualTheTextbookMisses() {
    assertThat(faults("fifo", BELADY, 3)).isEqualTo(9);
    assertThat(faults("fifo", BELADY, 4)).isEqualTo(10);
    assertThat(faults("lru", BELADY, 3)).isEqualTo(10);
    assertThat(faults("lru", BELADY, 4)).isEqualTo(8);
    assertThat(faults("opt", BELADY, 3)).isEqualTo(7);
    assertThat(faults("opt", BELADY, 4)).isEqualTo(6);
    assertThat(faults("clock", BELADY, 3)).isEqualTo(9);
    assertThat(faults("clock", BELADY, 4)).isEqualTo(10);
  }

  @Test
  void replay_randomStrings_faultsEqualThePolicySimulation() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(31);
    for (int run = 0; run < 12; run++) {
      int pages = 3 + r.nextInt(12);
      long[] refs = new long[150];
      for (int i = 0; i < refs.length; i++) {
        refs[i] = r.nextInt(pages);
      }
      int frames = 1 + r.nextInt(pages);
      for (String name : new String[] {"fifo", "lru", "clock", "opt"}) {
        long want = io.mmsim.swap.policy.PolicyMisses.misses(name, refs, frames);
        assertThat(faults(name, refs, frames))
            .as("%s run %d, %d frames", name, run, frames)
            .isEqualTo(want);
      }
    }
  }

  @Test
  void replay_swapRunsOut_victimsGoBackAndTheLimitIsExceededWithoutError() {
    for (String name : new String[] {"fifo", "lru", "clock", "opt", "linux"}) {
      long[] refs = new long[60];
      for (int i = 0; i < refs.length; i++) {
        refs[i] = i % 30;
      }
      ReferenceString future = ReferenceString.of(refs);
      MiniKernel k = new MiniKernel(64, null, Map.of("memory", "48K")); // 11 slots
      k.spawn(1, Policies.create(name, future), 3);
      for (int i = 0; i < refs.length; i++) {
        future.seek(i);
        assertThat(k.access(1, refs[i], true)).as(name).isPositive();
        k.checkInvariants();
      }
      assertThat(k.swap.freeSwapPages()).isLessThanOrEqualTo(1); // a write fault frees a slot
      assertThat(k.proc(1).rss).as(name + ": over its limit once swap is full").isGreaterThan(3);
      assertThat(k.proc(1).policy.resident()).isEqualTo(k.proc(1).rss);
    }
  }
}
