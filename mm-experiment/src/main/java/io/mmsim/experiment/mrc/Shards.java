package io.mmsim.experiment.mrc;

import java.util.Arrays;

/*
 * SHARDS: approximate LRU miss-ratio curves from a spatially hashed sample of the pages.
 * Waldspurger, Park, Garthwaite and Ahmad, "Efficient MRC Construction with SHARDS", FAST '15.
 *
 * A page is in the sample when hash(page) mod P < T, so the sample rate is R = T / P and every
 * reference to a sampled page is processed (all or none of a page's references, which keeps its
 * reuse pattern whole). Stack distances are computed exactly over the sampled references
 * (LruStackDistance) and scaled by 1 / R: a sampled distance k stands for about k / R distinct
 * pages, so it hits in caches of ceil(k / R) frames and more.
 *
 *   fixed rate   R is given. The rate the sample really has, r, is its pages over all distinct
 *                pages: counted when the trace was read into dense page ids, else estimated by a
 *                HyperLogLog of 2^14 registers on the same hash (Flajolet, Fusy, Gandouet and
 *                Meunier, AofA 2007; about 0.8 % error, a few ns per reference). With a few hundred
 *                sampled pages the count that falls below the threshold is off from N_pages * R by
 *                several per cent, which would stretch or squeeze the curve along the size axis by
 *                as much; distances are scaled by 1 / r, and r is the rate the curve reports.
 *                SHARDS_adj (section 4.2 of the paper): the expected number of sampled references
 *                is N * r; the difference from the number actually sampled comes mostly from a few
 *                hot pages being in or out of the sample and is counted as hits at the smallest
 *                distance, so miss ratios are normalised by N * r.
 *   fixed size   at most smax pages are sampled (section 4.3). R starts at 1; when a new page would
 *                make the sample too large, T drops to the largest hash in the sample, the pages
 *                with that hash leave it, and the counts gathered so far are scaled by
 *                R_new / R_old so that they stay comparable with what follows. The final counts
 *                are then those of the final rate, and SHARDS_adj applies as above.
 *
 *   hist[b]   weight of references whose scaled distance is b frames (double: fixed size rescales)
 *   cold      weight of first references to sampled pages
 *
 * The hash is the finaliser of SplitMix64 (Steele, Lea and Flood, OOPSLA 2014), fixed, so a sample
 * is the same on every run. P = 2^24.
 */
final class Shards {
  static final int P_BITS = 24;
  static final long P = 1L << P_BITS;

  /** HyperLogLog registers: 2^14, a relative error of about 0.8 %. */
  static final int HLL_BITS = 14;

  private final LruStackDistance lru;
  private final PageMap ids = new PageMap(1024);
  private double[] hist = new double[1024];
  private double cold;
  private long[] byDistance;
  private long threshold;
  private int nextId;

  // fixed size only: the sample as a max-heap by hash, and a free list of page ids
  private final int maxPages;
  private long[] heapHash;
  private long[] heapPage;
  private int heapSize;
  private int[] freeIds;
  private int nFree;

  private Shards(long threshold, int maxPages) {
    this.threshold = threshold;
    this.maxPages = maxPages;
    this.lru = new LruStackDistance(maxPages > 0 ? maxPages + 1 : 1024);
    if (maxPages > 0) {
      heapHash = new long[maxPages + 1];
      heapPage = new long[maxPages + 1];
      freeIds = new int[maxPages + 1];
    }
  }

  static long hash(long page) {
    return mix(page) & (P - 1);
  }

  private static long mix(long page) {
    long z = page + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** SHARDS_adj at a fixed rate (0 < rate <= 1). */
  static MissRatioCurve fixedRate(long[] pages, int length, double rate) {
    long t = Math.max(1, Math.round(rate * P));
    Shards s = new Shards(t, 0);
    s.byDistance = new long[1024];
    byte[] registers = new byte[1 << HLL_BITS];
    for (int i = 0; i < length; i++) {
      long page = pages[i];
      long h = mix(page);
      int reg = (int) (h >>> (64 - HLL_BITS));
      byte rho = (byte) (Long.numberOfLeadingZeros((h << HLL_BITS) | (1L << (HLL_BITS - 1))) + 1);
      if (rho > registers[reg]) {
        registers[reg] = rho;
      }
      if ((h & (P - 1)) < t) {
        s.reference(page);
      }
    }
    // the rate the sample really has: its pages over all pages (HyperLogLog), which removes the
    // binomial noise in how many pages fell below the threshold
    double distinct = hyperLogLog(registers);
    double r =
        t >= P || distinct <= 0 || s.nextId == 0
            ? (double) t / P // every page sampled (or none): nothing to correct
            : Math.min(1, s.nextId / distinct);
    s.scaleBy(r);
    // SHARDS_adj: normalise by the expected number of sampled references at that rate
    return s.curve(length, r * length, r);
  }

  /**
   * SHARDS_adj at a fixed rate over a trace of dense page ids ({@code seq[i]} in {@code [0,
   * pageOf.length)}, {@code pageOf[id]} the page number that is hashed): each distinct page is
   * hashed once, so a reference to a page outside the sample costs two array reads, and the rate is
   * the sampled pages over the distinct pages, counted.
   */
  static MissRatioCurve fixedRate(int[] seq, long[] pageOf, double rate) {
    long t = Math.max(1, Math.round(rate * P));
    int distinct = pageOf.length;
    // per page id, its id in the sample or -1
    int[] sampled = new int[distinct];
    int n = 0;
    for (int id = 0; id < distinct; id++) {
      sampled[id] = hash(pageOf[id]) < t ? n++ : -1;
    }
    Shards s = new Shards(t, 0);
    s.byDistance = new long[1024];
    LruStackDistance lru = s.lru;
    int i = 0;
    int length = seq.length;
    while (true) {
      // a tight scan to the next sampled reference (no call in the loop, so the JIT unrolls it)
      while (i < length && sampled[seq[i]] < 0) {
        i++;
      }
      if (i == length) {
        break;
      }
      s.record(lru.access(sampled[seq[i++]]));
    }
    double r = t >= P || n == 0 ? (double) t / P : (double) n / distinct;
    s.scaleBy(r);
    return s.curve(seq.length, r * seq.length, r);
  }

  /** SHARDS with at most {@code maxPages} sampled pages over dense page ids (as fixedRate). */
  static MissRatioCurve fixedSize(int[] seq, long[] pageOf, int maxPages) {
    long[] hashOf = new long[pageOf.length];
    for (int id = 0; id < pageOf.length; id++) {
      hashOf[id] = hash(pageOf[id]);
    }
    Shards s = new Shards(P, maxPages);
    for (int id : seq) {
      long h = hashOf[id];
      if (h < s.threshold) {
        s.referenceBounded(pageOf[id], h);
      }
    }
    double r = (double) s.threshold / P;
    return s.curve(seq.length, r * seq.length, r);
  }

  /**
   * HyperLogLog's estimate of the distinct pages (Flajolet et al. 2007, small-range correction).
   */
  static double hyperLogLog(byte[] registers) {
    int m = registers.length;
    double sum = 0;
    int zeros = 0;
    for (byte b : registers) {
      sum += Math.scalb(1.0, -b);
      if (b == 0) {
        zeros++;
      }
    }
    double e = 0.7213 / (1 + 1.079 / m) * m * (double) m / sum;
    if (e <= 2.5 * m && zeros > 0) {
      e = m * Math.log((double) m / zeros);
    }
    return e;
  }

  /** Fixed rate: the histogram by sampled distance, scaled once the rate is known. */
  private void scaleBy(double r) {
    for (int k = 1; k < byDistance.length; k++) {
      if (byDistance[k] == 0) {
        continue;
      }
      long b = (long) Math.ceil(k / r - 1e-9);
      if (b >= hist.length) {
        hist = Arrays.copyOf(hist, (int) Math.max(b + 1, hist.length * 2L));
      }
      hist[(int) b] += byDistance[k];
    }
  }

  /** SHARDS with at most {@code maxPages} pages in the sample. */
  static MissRatioCurve fixedSize(long[] pages, int length, int maxPages) {
    Shards s = new Shards(P, maxPages);
    for (int i = 0; i < length; i++) {
      long page = pages[i];
      long h = hash(page);
      if (h < s.threshold) {
        s.referenceBounded(page, h);
      }
    }
    double r = (double) s.threshold / P;
    // the counts were rescaled to the final rate, so SHARDS_adj applies as at a fixed rate
    return s.curve(length, r * length, r);
  }

  private void reference(long page) {
    int id = ids.get(page);
    if (id == PageMap.MISSING) {
      id = nextId++;
      ids.put(page, id);
    }
    record(lru.access(id));
  }

  private void record(int k) {
    if (k == LruStackDistance.COLD) {
      cold++;
      return;
    }
    if (byDistance != null) {
      if (k >= byDistance.length) {
        byDistance = Arrays.copyOf(byDistance, Math.max(k + 1, byDistance.length * 2));
      }
      byDistance[k]++;
      return;
    }
    // a sampled distance k stands for k / R pages: it hits from ceil(k / R) frames on
    long b = (k * P + threshold - 1) / threshold;
    if (b >= hist.length) {
      hist = Arrays.copyOf(hist, (int) Math.max(b + 1, hist.length * 2L));
    }
    hist[(int) b]++;
  }

  private void referenceBounded(long page, long h) {
    int id = ids.get(page);
    if (id == PageMap.MISSING) {
      if (heapSize == maxPages) {
        shrink(h);
        if (h >= threshold) {
          return; // the new page itself has the largest hash: it is not in the smaller sample
        }
      }
      id = nFree > 0 ? freeIds[--nFree] : nextId++;
      ids.put(page, id);
      heapPush(h, page);
    }
    record(lru.access(id));
  }

  /** Lowers the threshold to the largest hash among the sample and a newcomer with hash h. */
  private void shrink(long h) {
    long top = Math.max(h, heapHash[0]);
    double scale = (double) top / threshold;
    threshold = top;
    while (heapSize > 0 && heapHash[0] >= threshold) {
      long page = heapPage[0];
      heapPop();
      int id = ids.remove(page);
      lru.remove(id);
      freeIds[nFree++] = id;
    }
    for (int i = 0; i < hist.length; i++) {
      hist[i] *= scale;
    }
    cold *= scale;
  }

  private void heapPush(long h, long page) {
    int i = heapSize++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heapHash[parent] >= h) {
        break;
      }
      heapHash[i] = heapHash[parent];
      heapPage[i] = heapPage[parent];
      i = parent;
    }
    heapHash[i] = h;
    heapPage[i] = page;
  }

  private void heapPop() {
    long h = heapHash[--heapSize];
    long page = heapPage[heapSize];
    int i = 0;
    while (true) {
      int c = 2 * i + 1;
      if (c >= heapSize) {
        break;
      }
      if (c + 1 < heapSize && heapHash[c + 1] > heapHash[c]) {
        c++;
      }
      if (heapHash[c] <= h) {
        break;
      }
      heapHash[i] = heapHash[c];
      heapPage[i] = heapPage[c];
      i = c;
    }
    heapHash[i] = h;
    heapPage[i] = page;
  }

  /**
   * Rows where the estimate changes (every scaled distance that occurs), miss ratios normalised by
   * {@code total}, fault counts scaled back to the trace's {@code length} references.
   */
  private MissRatioCurve curve(int length, double total, double rate) {
    int rows = 0;
    for (int b = 1; b < hist.length; b++) {
      if (hist[b] != 0) {
        rows++;
      }
    }
    int[] frames = new int[rows];
    long[] faults = new long[rows];
    double misses = cold;
    int row = rows;
    for (int b = hist.length - 1; b >= 1; b--) {
      if (hist[b] == 0) {
        continue;
      }
      row--;
      frames[row] = b;
      double ratio = total <= 0 ? 0 : Math.min(1, Math.max(0, misses / total));
      faults[row] = Math.round(ratio * length);
      misses += hist[b];
    }
    return new MissRatioCurve("lru", length, frames, faults, Math.min(1.0, rate));
  }
}
