package io.mmsim.swap.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.ReferenceString;

/**
 * Seeded random reference strings: each textbook policy against its brute-force model, OPT never
 * worse than any policy, LRU and OPT free of Belady's anomaly. A failure names the seed.
 */
final class PolicyRandomTest {
  private static final long SEED = Long.getLong("mmsim.test.seed", 20240611L);
  private static final int RUNS = Integer.getInteger("mmsim.test.runs", 60);

  /** A string with locality: mostly a drifting working set, sometimes a random page. */
  static long[] randomString(SplittableRandom r, int length, int pages) {
    long[] refs = new long[length];
    int base = 0;
    for (int i = 0; i < length; i++) {
      if (r.nextInt(20) == 0) {
        base = r.nextInt(pages);
      }
      refs[i] = r.nextInt(4) == 0 ? r.nextInt(pages) : (base + r.nextInt(4)) % pages;
    }
    return refs;
  }

  @Test
  void textbookPolicies_randomStrings_matchTheirBruteForceModels() {
    for (int run = 0; run < RUNS; run++) {
      long seed = SEED + run;
      SplittableRandom r = new SplittableRandom(seed);
      int pages = 2 + r.nextInt(30);
      long[] refs = randomString(r, 50 + r.nextInt(500), pages);
      int frames = 1 + r.nextInt(pages + 2);
      ReferenceString future = ReferenceString.of(refs);
      String what = "seed " + seed + ", " + frames + " frames";
      assertThat(Simulate.misses(new FifoPolicy(4), refs, frames, null, true))
          .as(what)
          .isEqualTo(ReferenceModels.fifo(refs, frames));
      assertThat(Simulate.misses(new LruPolicy(4), refs, frames, null, true))
          .as(what)
          .isEqualTo(ReferenceModels.lru(refs, frames));
      assertThat(Simulate.misses(new ClockPolicy(4), refs, frames, null, true))
          .as(what)
          .isEqualTo(ReferenceModels.clock(refs, frames));
      assertThat(Simulate.misses(new OptPolicy(future, 4), refs, frames, future, true))
          .as(what)
          .isEqualTo(ReferenceModels.opt(refs, frames));
    }
  }

  @Test
  void opt_randomStrings_neverMissesMoreThanAnyOtherPolicy() {
    for (int run = 0; run < RUNS; run++) {
      long seed = SEED + 1000 + run;
      SplittableRandom r = new SplittableRandom(seed);
      int pages = 2 + r.nextInt(60);
      long[] refs = randomString(r, 100 + r.nextInt(3000), pages);
      int frames = 1 + r.nextInt(pages);
      ReferenceString future = ReferenceString.of(refs);
      int opt = Simulate.misses(new OptPolicy(future, 4), refs, frames, future, false);
      String what = "seed " + seed + ", " + frames + " frames";
      assertThat(opt)
          .as(what)
          .isLessThanOrEqualTo(Simulate.misses(new FifoPolicy(4), refs, frames))
          .isLessThanOrEqualTo(Simulate.misses(new LruPolicy(4), refs, frames))
          .isLessThanOrEqualTo(Simulate.misses(new ClockPolicy(4), refs, frames))
          .isLessThanOrEqualTo(Simulate.misses(new LinuxPolicy(4), refs, frames));
    }
  }

  @Test
  void lruAndOpt_moreFrames_neverMoreMisses() {
    for (int run = 0; run < RUNS / 3; run++) {
      long seed = SEED + 2000 + run;
      SplittableRandom r = new SplittableRandom(seed);
      int pages = 3 + r.nextInt(20);
      long[] refs = randomString(r, 400, pages);
      int lastLru = Integer.MAX_VALUE;
      int lastOpt = Integer.MAX_VALUE;
      for (int frames = 1; frames <= pages; frames++) {
        ReferenceString future = ReferenceString.of(refs);
        int lru = Simulate.misses(new LruPolicy(4), refs, frames);
        int opt = Simulate.misses(new OptPolicy(future, 4), refs, frames, future, false);
        assertThat(lru).as("seed %d, %d frames", seed, frames).isLessThanOrEqualTo(lastLru);
        assertThat(opt).as("seed %d, %d frames", seed, frames).isLessThanOrEqualTo(lastOpt);
        lastLru = lru;
        lastOpt = opt;
      }
      assertThat(lastLru).isEqualTo(lastOpt); // all pages fit: compulsory misses only
    }
  }

  @Test
  void linux_randomStrings_staysConsistentAndBetweenOptAndAllMisses() {
    for (int run = 0; run < RUNS / 3; run++) {
      long seed = SEED + 3000 + run;
      SplittableRandom r = new SplittableRandom(seed);
      int pages = 2 + r.nextInt(40);
      long[] refs = randomString(r, 1000, pages);
      int frames = 1 + r.nextInt(pages);
      LinuxPolicy linux = new LinuxPolicy(4);
      int misses = Simulate.misses(linux, refs, frames, null, true);
      ReferenceString future = ReferenceString.of(refs);
      int opt = Simulate.misses(new OptPolicy(future, 4), refs, frames, future, false);
      assertThat(misses).as("seed %d", seed).isBetween(opt, refs.length);
      assertThat(linux.resident())
          .isEqualTo(Math.min(frames, java.util.Arrays.stream(refs).distinct().count()));
    }
  }
}
