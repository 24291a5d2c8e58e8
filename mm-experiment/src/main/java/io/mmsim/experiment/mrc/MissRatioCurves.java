package io.mmsim.experiment.mrc;

import io.mmsim.workload.MemoryTrace;

/**
 * Miss-ratio curves of a page-reference trace for every memory size in one pass.
 *
 * <pre>{@code
 * MissRatioCurves c = MissRatioCurves.of(pages, n);  // pages: the page touched by each reference
 * MissRatioCurve lru = c.lru();                       // faults at 1 .. distinct frames
 * MissRatioCurve opt = c.opt();
 * MissRatioCurve est = MissRatioCurves.shardsFixedRate(pages, n, 0.01);
 * }</pre>
 *
 * <p>Exact curves come from stack algorithms (Mattson et al. 1970): LRU's stack distances by
 * counting in a Fenwick tree over reference times, O(n log V); OPT's by Mattson's priority-stack
 * update, visiting only the entries that move, O(log V) each. Sampled curves use SHARDS
 * (Waldspurger et al., FAST '15). Faults are counted as demand paging does: every first reference
 * faults, and a cache of c frames holds the pages the policy keeps.
 *
 * <p>Not thread-safe; the page array is read, never changed or kept.
 */
public final class MissRatioCurves {
  private final PageIds ids;

  private MissRatioCurves(PageIds ids) {
    this.ids = ids;
  }

  /**
   * The curves of the first {@code length} entries of {@code pages} (any long values; one per
   * reference).
   */
  public static MissRatioCurves of(long[] pages, int length) {
    checkLength(pages, length);
    return new MissRatioCurves(PageIds.of(pages, length));
  }

  /**
   * The curves of a memory trace read by mm-workload: every page touch is one reference, as in its
   * replay (a lackey line that crosses a page touches two pages; an M line touches its pages
   * twice).
   */
  public static MissRatioCurves of(MemoryTrace trace) {
    int n = trace.touches();
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = trace.pageId(i);
    }
    long[] pageOf = new long[trace.distinctPages()];
    for (int id = 0; id < pageOf.length; id++) {
      pageOf[id] = trace.pageOfId(id);
    }
    return new MissRatioCurves(new PageIds(ids, pageOf));
  }

  /** The virtual page number of every touch of {@code trace}, for the sampled estimates. */
  public static long[] pages(MemoryTrace trace) {
    int n = trace.touches();
    long[] pages = new long[n];
    for (int i = 0; i < n; i++) {
      pages[i] = trace.page(i);
    }
    return pages;
  }

  /** Distinct pages in the trace: the largest frame count of an exact curve. */
  public int distinctPages() {
    return ids.distinct;
  }

  /** References in the trace. */
  public int references() {
    return ids.ids.length;
  }

  /** The exact LRU curve. */
  public MissRatioCurve lru() {
    int[] seq = ids.ids;
    DistanceHistogram h = new DistanceHistogram(ids.distinct);
    h.references = seq.length;
    LruStackDistance s = new LruStackDistance(ids.distinct);
    long[] counts = h.counts;
    long cold = 0;
    for (int id : seq) {
      int d = s.access(id);
      if (d == LruStackDistance.COLD) {
        cold++;
      } else {
        counts[d]++;
      }
    }
    h.cold = cold;
    return h.curve("lru");
  }

  /** The exact OPT (Belady's MIN with demand paging) curve. */
  public MissRatioCurve opt() {
    return OptStackDistance.histogram(ids.ids, ids.distinct).curve("opt");
  }

  /**
   * This trace's LRU curve estimated by SHARDS at a fixed rate (with SHARDS_adj), as {@link
   * #shardsFixedRate(long[], int, double)} estimates it from the page numbers, but from the trace
   * read once: each distinct page is hashed once, not each reference, and the sample's real rate is
   * its pages over the trace's distinct pages, counted rather than estimated. Compare its time with
   * {@link #lru()}'s: both start from the same parsed trace, so the ratio is that of the two
   * algorithms.
   *
   * @param rate the fraction of pages to sample, in (0, 1]
   */
  public MissRatioCurve shardsFixedRate(double rate) {
    checkRate(rate);
    return Shards.fixedRate(ids.ids, ids.pageOf, rate);
  }

  /**
   * This trace's LRU curve estimated by SHARDS from at most {@code maxPages} sampled pages, each
   * distinct page hashed once (see {@link #shardsFixedRate(double)}).
   */
  public MissRatioCurve shardsFixedSize(int maxPages) {
    checkSize(maxPages);
    return Shards.fixedSize(ids.ids, ids.pageOf, maxPages);
  }

  /**
   * An LRU curve estimated from the pages whose hash falls below {@code rate} (SHARDS at a fixed
   * rate, with SHARDS_adj).
   *
   * @param rate the fraction of pages to sample, in (0, 1]
   */
  public static MissRatioCurve shardsFixedRate(long[] pages, int length, double rate) {
    checkLength(pages, length);
    checkRate(rate);
    return Shards.fixedRate(pages, length, rate);
  }

  /**
   * An LRU curve estimated from at most {@code maxPages} sampled pages (SHARDS with a fixed-size
   * sample: the rate drops as pages come).
   */
  public static MissRatioCurve shardsFixedSize(long[] pages, int length, int maxPages) {
    checkLength(pages, length);
    checkSize(maxPages);
    return Shards.fixedSize(pages, length, maxPages);
  }

  private static void checkRate(double rate) {
    if (!(rate > 0 && rate <= 1)) {
      throw new IllegalArgumentException("a sampling rate is in (0, 1], not " + rate);
    }
  }

  private static void checkSize(int maxPages) {
    if (maxPages < 1) {
      throw new IllegalArgumentException("a sample holds at least 1 page, not " + maxPages);
    }
  }

  private static void checkLength(long[] pages, int length) {
    if (length < 0 || length > pages.length) {
      throw new IllegalArgumentException(
          "length " + length + " outside the " + pages.length + " pages given");
    }
  }
}
