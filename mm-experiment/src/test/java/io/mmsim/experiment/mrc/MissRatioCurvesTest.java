package io.mmsim.experiment.mrc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Exact curves against straightforward simulations of one cache size at a time. */
final class MissRatioCurvesTest {

  // ------------------------------------------------------------------ reference simulations

  /** LRU with c frames, simulated directly (a LinkedHashSet in recency order). */
  static long lruFaults(long[] refs, int c) {
    LinkedHashSet<Long> cache = new LinkedHashSet<>();
    long faults = 0;
    for (long p : refs) {
      if (cache.remove(p)) {
        cache.add(p);
        continue;
      }
      faults++;
      if (cache.size() == c) {
        Long oldest = cache.iterator().next();
        cache.remove(oldest);
      }
      cache.add(p);
    }
    return faults;
  }

  /** Belady's MIN with demand paging and c frames, simulated directly. */
  static long optFaults(long[] refs, int c) {
    int n = refs.length;
    long[] next = new long[n];
    Map<Long, Integer> seen = new HashMap<>();
    for (int i = n - 1; i >= 0; i--) {
      Integer s = seen.get(refs[i]);
      next[i] = s == null ? Long.MAX_VALUE : s;
      seen.put(refs[i], i);
    }
    Map<Long, Long> cache = new HashMap<>();
    long faults = 0;
    for (int i = 0; i < n; i++) {
      long p = refs[i];
      if (!cache.containsKey(p)) {
        faults++;
        if (cache.size() == c) {
          long victim = 0;
          long far = -1;
          for (Map.Entry<Long, Long> e : cache.entrySet()) {
            if (e.getValue() > far) {
              far = e.getValue();
              victim = e.getKey();
            }
          }
          cache.remove(victim);
        }
      }
      cache.put(p, next[i]);
    }
    return faults;
  }

  static long[] mixedTrace(long seed, int n, int pages) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] refs = new long[n];
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble();
      if (i % 4 == 0) {
        refs[i] = i % (pages * 3 / 4); // a loop
      } else if (u < 0.6) {
        refs[i] = r.nextInt(Math.max(1, pages / 8)); // a hot set
      } else if (u < 0.7 && i > 0) {
        refs[i] = refs[i - 1]; // runs of one page
      } else {
        refs[i] = r.nextInt(pages) * 4096L + 0x7f0000000000L; // anywhere, big page numbers
      }
    }
    return refs;
  }

  private static int distinct(long[] refs) {
    Set<Long> s = new HashSet<>();
    for (long p : refs) {
      s.add(p);
    }
    return s.size();
  }

  // ------------------------------------------------------------------ textbook strings

  @Test
  void lru_beladyString_matchesTextbookCounts() {
    long[] refs = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
    MissRatioCurve c = MissRatioCurves.of(refs, refs.length).lru();
    assertThat(c.frames()).containsExactly(1, 2, 3, 4, 5);
    // Silberschatz's Belady string: 12, 12, 10, 8, 5 faults with 1..5 frames under LRU
    assertThat(c.faults()).containsExactly(12, 12, 10, 8, 5);
    assertThat(c.missRatio(4)).isEqualTo(5.0 / 12);
  }

  @Test
  void opt_beladyString_matchesTextbookCounts() {
    long[] refs = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
    MissRatioCurve c = MissRatioCurves.of(refs, refs.length).opt();
    // OPT: 12, 9 (by hand: 1 2 3 4 5 3 4 and the 1/2 churn), 7, 6, 5
    assertThat(c.faults()).containsExactly(12, 9, 7, 6, 5);
  }

  @Test
  void of_emptyTrace_givesEmptyCurves() {
    MissRatioCurves c = MissRatioCurves.of(new long[0], 0);
    assertThat(c.lru().size()).isZero();
    assertThat(c.opt().size()).isZero();
    assertThat(c.distinctPages()).isZero();
  }

  @Test
  void of_lengthBeyondArray_isRefused() {
    assertThatThrownBy(() -> MissRatioCurves.of(new long[3], 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("length 4");
  }

  // ------------------------------------------------------------------ against direct simulation

  @Test
  void lru_randomTraces_equalDirectSimulationAtEverySize() {
    for (long seed = 1; seed <= 6; seed++) {
      long[] refs = mixedTrace(seed, 3000, 40 + (int) seed * 10);
      MissRatioCurve c = MissRatioCurves.of(refs, refs.length).lru();
      assertThat(c.size()).isEqualTo(distinct(refs));
      for (int i = 0; i < c.size(); i++) {
        assertThat(c.faults()[i])
            .as("seed %d, %d frames", seed, c.frames()[i])
            .isEqualTo(lruFaults(refs, c.frames()[i]));
      }
    }
  }

  @Test
  void lru_longTrace_survivesRenumberingOfTimes() {
    // many more references than pages: the Fenwick tree renumbers its times many times over
    long[] refs = mixedTrace(42, 60_000, 30);
    MissRatioCurve c = MissRatioCurves.of(refs, refs.length).lru();
    for (int f : new int[] {1, 2, 5, 10, 20, c.size()}) {
      assertThat(c.faultsAt(f)).as("%d frames", f).isEqualTo(lruFaults(refs, f));
    }
  }

  @Test
  void opt_randomTraces_equalDirectSimulationAtEverySize() {
    for (long seed = 1; seed <= 6; seed++) {
      long[] refs = mixedTrace(seed, 2000, 30 + (int) seed * 7);
      PageIds ids = PageIds.of(refs, refs.length);
      MissRatioCurve c = OptStackDistance.histogram(ids.ids, ids.distinct, true).curve("opt");
      for (int i = 0; i < c.size(); i++) {
        assertThat(c.faults()[i])
            .as("seed %d, %d frames", seed, c.frames()[i])
            .isEqualTo(optFaults(refs, c.frames()[i]));
      }
    }
  }

  @Test
  void opt_neverWorseThanLru_andBothNonIncreasing() {
    long[] refs = mixedTrace(7, 5000, 80);
    MissRatioCurves m = MissRatioCurves.of(refs, refs.length);
    MissRatioCurve lru = m.lru();
    MissRatioCurve opt = m.opt();
    for (int i = 0; i < lru.size(); i++) {
      assertThat(opt.faults()[i]).isLessThanOrEqualTo(lru.faults()[i]);
      if (i > 0) {
        assertThat(lru.faults()[i]).isLessThanOrEqualTo(lru.faults()[i - 1]);
        assertThat(opt.faults()[i]).isLessThanOrEqualTo(opt.faults()[i - 1]);
      }
    }
    // with every page resident only the first references fault
    assertThat(lru.faults()[lru.size() - 1]).isEqualTo(distinct(refs));
    assertThat(opt.faults()[opt.size() - 1]).isEqualTo(distinct(refs));
  }

  // ------------------------------------------------------------------ SHARDS

  /**
   * A Zipf(0.8) trace over many pages (the hottest page takes about 2 % of the references), the
   * kind of skewed, many-page trace SHARDS is meant for; page numbers are scattered.
   */
  static long[] zipfTrace(long seed, int n, int pages) {
    double[] cdf = new double[pages];
    double sum = 0;
    for (int k = 0; k < pages; k++) {
      sum += Math.pow(k + 1, -0.8);
      cdf[k] = sum;
    }
    SplittableRandom r = new SplittableRandom(seed);
    long[] refs = new long[n];
    for (int i = 0; i < n; i++) {
      int k = java.util.Arrays.binarySearch(cdf, r.nextDouble() * sum);
      refs[i] = (k < 0 ? -k - 1 : k) * 7919L + 0x10000;
    }
    return refs;
  }

  static double meanAbsoluteError(MissRatioCurve exact, MissRatioCurve est) {
    double sum = 0;
    for (int i = 0; i < est.size(); i++) {
      int f = est.frames()[i];
      long e = exact.faultsAt(Math.min(f, exact.frames()[exact.size() - 1]));
      sum += Math.abs((double) e / exact.references() - est.missRatio(i));
    }
    return sum / est.size();
  }

  @Test
  void shardsFixedRate_onePercent_withinHalfAPercentOfExact() {
    long[] refs = zipfTrace(3, 4_000_000, 200_000);
    MissRatioCurve exact = MissRatioCurves.of(refs, refs.length).lru();
    MissRatioCurve est = MissRatioCurves.shardsFixedRate(refs, refs.length, 0.01);
    // the rate the sample really has: near the one asked for
    assertThat(est.samplingRate()).isCloseTo(0.01, org.assertj.core.data.Offset.offset(0.001));
    assertThat(est.references()).isEqualTo(refs.length);
    assertThat(est.size()).isGreaterThan(20);
    assertThat(meanAbsoluteError(exact, est)).isLessThanOrEqualTo(0.005);
  }

  @Test
  void shardsFixedRate_rateOne_isTheExactCurve() {
    long[] refs = mixedTrace(5, 4000, 60);
    MissRatioCurve exact = MissRatioCurves.of(refs, refs.length).lru();
    MissRatioCurve est = MissRatioCurves.shardsFixedRate(refs, refs.length, 1.0);
    for (int i = 0; i < est.size(); i++) {
      assertThat(est.faults()[i]).isEqualTo(exact.faultsAt(est.frames()[i]));
    }
  }

  @Test
  void shardsFixedSize_boundedSample_tracksExact() {
    long[] refs = zipfTrace(3, 4_000_000, 200_000);
    MissRatioCurve exact = MissRatioCurves.of(refs, refs.length).lru();
    MissRatioCurve est = MissRatioCurves.shardsFixedSize(refs, refs.length, 8000);
    assertThat(est.samplingRate()).isLessThan(1.0);
    assertThat(meanAbsoluteError(exact, est)).isLessThanOrEqualTo(0.01);
  }

  @Test
  void shardsFixedRate_fromPageIds_samplesTheSamePagesAndTracksExact() {
    long[] refs = zipfTrace(3, 4_000_000, 200_000);
    MissRatioCurves m = MissRatioCurves.of(refs, refs.length);
    MissRatioCurve exact = m.lru();
    MissRatioCurve est = m.shardsFixedRate(0.01);
    // the pages hashed below 1 % of 2^24, counted independently of the code under test
    long[] distinctPages = java.util.Arrays.stream(refs).distinct().toArray();
    long below = 0;
    for (long p : distinctPages) {
      long z = p + 0x9E3779B97F4A7C15L;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      if (((z ^ (z >>> 31)) & ((1 << 24) - 1)) < Math.round(0.01 * (1 << 24))) {
        below++;
      }
    }
    assertThat(est.samplingRate()).isEqualTo((double) below / distinctPages.length);
    assertThat(est.references()).isEqualTo(refs.length);
    assertThat(meanAbsoluteError(exact, est)).isLessThanOrEqualTo(0.005);
  }

  @Test
  void shardsFromPageIds_rateOneOrRoomForAll_isTheExactCurve() {
    long[] refs = mixedTrace(5, 4000, 60);
    MissRatioCurves m = MissRatioCurves.of(refs, refs.length);
    MissRatioCurve exact = m.lru();
    for (MissRatioCurve est : List.of(m.shardsFixedRate(1.0), m.shardsFixedSize(1000))) {
      assertThat(est.samplingRate()).isEqualTo(1.0);
      for (int i = 0; i < est.size(); i++) {
        assertThat(est.faults()[i]).isEqualTo(exact.faultsAt(est.frames()[i]));
      }
    }
  }

  @Test
  void shardsFixedSize_fromPageIds_boundedSampleTracksExact() {
    long[] refs = zipfTrace(3, 4_000_000, 200_000);
    MissRatioCurves m = MissRatioCurves.of(refs, refs.length);
    MissRatioCurve est = m.shardsFixedSize(8000);
    assertThat(est.samplingRate()).isLessThan(1.0);
    assertThat(meanAbsoluteError(m.lru(), est)).isLessThanOrEqualTo(0.01);
  }

  @Test
  void shards_badArguments_areRefused() {
    assertThatThrownBy(() -> MissRatioCurves.shardsFixedRate(new long[1], 1, 0))
        .hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> MissRatioCurves.shardsFixedSize(new long[1], 1, 0))
        .hasMessageContaining("at least 1 page");
  }

  // ------------------------------------------------------------------ page map

  @Test
  void pageMap_putGetRemove_behavesAsAMap() {
    PageMap m = new PageMap(4);
    Map<Long, Integer> ref = new HashMap<>();
    SplittableRandom r = new SplittableRandom(9);
    List<Long> keys = new ArrayList<>();
    for (int i = 0; i < 20000; i++) {
      long k = r.nextInt(3000) * 4096L;
      if (ref.containsKey(k)) {
        assertThat(m.get(k)).isEqualTo(ref.get(k));
        if (r.nextBoolean()) {
          assertThat(m.remove(k)).isEqualTo(ref.remove(k));
          assertThat(m.get(k)).isEqualTo(PageMap.MISSING);
        }
      } else {
        assertThat(m.get(k)).isEqualTo(PageMap.MISSING);
        m.put(k, i);
        ref.put(k, i);
        keys.add(k);
      }
      assertThat(m.size()).isEqualTo(ref.size());
    }
    for (long k : keys) {
      assertThat(m.get(k)).isEqualTo(ref.getOrDefault(k, PageMap.MISSING));
    }
  }
}
