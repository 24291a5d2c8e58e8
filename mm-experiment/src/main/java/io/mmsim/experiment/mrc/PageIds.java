package io.mmsim.experiment.mrc;

/*
 * Dense page ids: the i-th distinct page of a trace, in order of first reference, gets id i, so
 * that the stack algorithms index plain arrays instead of hashing a page number on every step. A
 * run of references to one page (the common case in instruction traces) costs one comparison.
 */
final class PageIds {
  final int[] ids;
  final int distinct;

  /** The page number of each id. */
  final long[] pageOf;

  PageIds(int[] ids, long[] pageOf) {
    this.ids = ids;
    this.distinct = pageOf.length;
    this.pageOf = pageOf;
  }

  static PageIds of(long[] pages, int length) {
    int[] ids = new int[length];
    PageMap map = new PageMap(1024);
    long[] pageOf = new long[1024];
    long prev = 0;
    int prevId = -1;
    for (int i = 0; i < length; i++) {
      long page = pages[i];
      if (page != prev || prevId < 0) {
        prevId = map.get(page);
        if (prevId == PageMap.MISSING) {
          prevId = map.size();
          map.put(page, prevId);
          if (prevId == pageOf.length) {
            pageOf = java.util.Arrays.copyOf(pageOf, 2 * prevId);
          }
          pageOf[prevId] = page;
        }
        prev = page;
      }
      ids[i] = prevId;
    }
    return new PageIds(ids, java.util.Arrays.copyOf(pageOf, map.size()));
  }
}
