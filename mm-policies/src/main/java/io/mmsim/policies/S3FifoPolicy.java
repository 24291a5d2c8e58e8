package io.mmsim.policies;

import java.util.LinkedHashMap;
import java.util.Map;

import io.mmsim.api.Statistics;

/*
 * S3-FIFO: Yang, Zhang, Qiu, Yue and Vinayak, "FIFO queues are all you need for cache eviction",
 * SOSP '23.
 *
 *   S  small FIFO, about small-ratio * N pages: new pages enter here
 *   M  main FIFO with reinsertion, the rest: pages that proved themselves
 *   G  ghost FIFO of pages evicted from S, at most ghost-ratio * N entries
 *
 * Each resident page has a reference count (freq), 0 on insert, +1 per hit.
 * Miss: a page remembered in G enters M; any other enters S.
 * Evict: when M holds more than its share, or S is empty, from M: the oldest page with freq >= 1
 * goes back to M's head with freq = min(freq, freq-cap) - 1 (a CLOCK with a 2-bit counter), the
 * first with freq 0 is evicted. Otherwise from S: the oldest page with freq >= move-threshold moves
 * to M's head (freq 0), the first below it is evicted into G. A pass over S that moves every page
 * evicts nothing and the choice is made again (now from M).
 *
 * Parity: libCacheSim's S3FIFO.c with its defaults fifo-size-ratio 0.10, ghost-size-ratio 0.90 and
 * move-to-main-threshold 2, sizes rounded down. The code and the paper differ and the code is
 * followed: a page moves from S to M after 2 hits in S (the paper says 1), the decision compares
 * M with its share strictly, S has no bound of its own (it fills the whole cache before the first
 * eviction), and M's counter is capped only when a page is reinserted. libCacheSim caches nothing
 * when the small queue rounds to fewer than 2 pages (below 20 frames by default): here S is at
 * least 1 page, so counts are equal from 20 frames on.
 *
 * Ghost order: libCacheSim takes the incoming page out of G before it evicts, and victim() runs
 * before insert() here, so G may hold one entry more than its bound between the two calls and is
 * trimmed after the ghost check in insert(); the outcome is the same (see the tests).
 * Invariants: S and M hold exactly the resident pages; G holds no resident page and at most its
 * bound + 1 entries.
 */
final class S3FifoPolicy extends ListedPolicy {
  private static final int SMALL = 0;
  private static final int MAIN = 1;
  private static final int GHOST = 2;
  private static final int FREQ_MAX = 1 << 30;

  private final double smallRatio;
  private final double ghostRatio;
  private final int moveThreshold;
  private final int freqCap;
  private long smallSize;
  private long mainSize;
  private long ghostSize;
  private long movedToMain;
  private long ghostHits;

  S3FifoPolicy(double smallRatio, double ghostRatio, int moveThreshold, int freqCap, int expected) {
    super("s3fifo", 3, 2, expected);
    this.smallRatio = smallRatio;
    this.ghostRatio = ghostRatio;
    this.moveThreshold = moveThreshold;
    this.freqCap = freqCap;
  }

  @Override
  void sizeLists(long frames) {
    smallSize = Math.max(1, PolicySettings.share(frames, smallRatio));
    mainSize = frames - smallSize;
    ghostSize = PolicySettings.share(frames, ghostRatio);
  }

  @Override
  public void insert(long page) {
    int n = ghostOf(page);
    if (n != PageLists.NIL) {
      ghostHits++;
      pages.unlink(n);
      pages.setMeta(n, 0);
      pages.pushHead(MAIN, n);
    } else {
      pages.pushHead(SMALL, pages.add(page));
    }
    trim(GHOST, ghostSize);
  }

  @Override
  public void access(long page) {
    int n = pages.find(page);
    if (n != PageLists.NIL && !isGhost(n)) {
      int f = pages.meta(n);
      if (f < FREQ_MAX) {
        pages.setMeta(n, f + 1);
      }
    }
  }

  @Override
  public long victim(ReferenceBits bits) {
    if (!anyResident()) {
      return NO_VICTIM;
    }
    while (true) {
      if (pages.size(MAIN) > mainSize || pages.size(SMALL) == 0) {
        return evictMain();
      }
      long v = evictSmall();
      if (v != NO_VICTIM) {
        return v;
      }
    }
  }

  private long evictMain() {
    while (true) {
      int n = pages.tail(MAIN);
      scanned++;
      int f = pages.meta(n);
      if (f < 1) {
        return pages.drop(n);
      }
      pages.setMeta(n, Math.min(f, freqCap) - 1);
      pages.moveToHead(MAIN, n);
    }
  }

  /** The first page of S not worth keeping, evicted into G; NO_VICTIM when all moved to M. */
  private long evictSmall() {
    while (pages.size(SMALL) > 0) {
      int n = pages.tail(SMALL);
      scanned++;
      if (pages.meta(n) >= moveThreshold) {
        movedToMain++;
        pages.setMeta(n, 0);
        pages.moveToHead(MAIN, n);
        continue;
      }
      long page = pages.key(n);
      pages.unlink(n);
      if (ghostSize > 0) {
        trim(GHOST, ghostSize); // G may hold one more until insert() looks at it
        pages.setMeta(n, 0);
        pages.pushHead(GHOST, n);
      } else {
        pages.release(n);
      }
      return page;
    }
    return NO_VICTIM;
  }

  /** A page reclaim could not evict goes to M's head, and G forgets it again. */
  @Override
  public void putBack(long page) {
    int n = reviveOrAdd(page);
    pages.setMeta(n, 0);
    pages.pushHead(MAIN, n);
  }

  @Override
  public Statistics statistics() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("pgscan", scanned);
    m.put("nr_small", (long) pages.size(SMALL));
    m.put("nr_main", (long) pages.size(MAIN));
    m.put("nr_ghost", (long) pages.size(GHOST));
    m.put("moved_to_main", movedToMain);
    m.put("ghost_hits", ghostHits);
    return new Statistics(m);
  }

  @Override
  void checkOwn() {
    if (pages.size(GHOST) > ghostSize + 1) {
      throw new AssertionError("s3fifo: " + pages.size(GHOST) + " ghosts, bound " + ghostSize);
    }
  }
}
