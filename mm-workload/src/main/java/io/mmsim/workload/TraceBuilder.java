package io.mmsim.workload;

import java.util.Arrays;

/**
 * The touches of a {@link MemoryTrace} as they are read: the packed {@code int} per page touch, the
 * distinct pages in order of first touch (a vpn to page-id table behind a small direct-mapped
 * cache), the line of each record, and the first bad line as the error. {@link LackeyReader} and
 * {@link ReferenceStringReader} fill it; a replay running alongside reads what {@link #publish} has
 * shown.
 */
final class TraceBuilder {
  private static final int CACHE = 256;

  final String name;
  final WorkloadFormat format;
  int[] touches;
  int nTouches;
  long[] pages = new long[1 << 10];
  int nPages;
  long records;
  final LineTable lines = new LineTable();
  WorkloadException error;

  // what a replay running alongside may read: the arrays first, then the count, then done
  volatile int[] shownTouches;
  volatile long[] shownPages;
  volatile int published;
  volatile boolean done;

  /** vpn -> page id, open addressing; a slot holds id + 1 (0 = empty). */
  private long[] keys = new long[1 << 12];

  private int[] ids = new int[1 << 12];

  /** A direct-mapped cache in front of the table: most touches hit a page touched just now. */
  private final long[] cacheVpn = new long[CACHE];

  private final int[] cacheId = new int[CACHE];

  TraceBuilder(String name, WorkloadFormat format, long expectedTouches) {
    this.name = name;
    this.format = format;
    // a real trace's lines are a little longer than the estimate's bytes per touch, so the guess
    // is a little high: one allocation, no growth (but never more than a sixteenth of the heap)
    long cap = Math.min(1 << 28, Runtime.getRuntime().maxMemory() / 16 / Integer.BYTES);
    this.touches = new int[(int) Math.max(1 << 12, Math.min(expectedTouches, cap))];
    Arrays.fill(cacheVpn, -1);
  }

  private int id(long vpn) {
    int c = (int) vpn & (CACHE - 1);
    if (cacheVpn[c] == vpn) {
      return cacheId[c];
    }
    return idMiss(vpn, c);
  }

  /** {@link #id} past the cache: the table, and a new id for a page not seen before. */
  private int idMiss(long vpn, int c) {
    int mask = keys.length - 1;
    int slot = mix(vpn) & mask;
    while (ids[slot] != 0 && keys[slot] != vpn) {
      slot = (slot + 1) & mask;
    }
    int id;
    if (ids[slot] != 0) {
      id = ids[slot] - 1;
    } else {
      if (nPages == MemoryTrace.MAX_PAGES) {
        throw new BadLineException(
            "the trace touches more than " + MemoryTrace.MAX_PAGES + " pages");
      }
      id = nPages;
      if (nPages == pages.length) {
        pages = Arrays.copyOf(pages, nPages * 2);
      }
      pages[nPages++] = vpn;
      keys[slot] = vpn;
      ids[slot] = id + 1;
      if (nPages * 2 > keys.length) {
        rehash();
      }
    }
    cacheVpn[c] = vpn;
    cacheId[c] = id;
    return id;
  }

  private void rehash() {
    long[] ok = keys;
    int[] oi = ids;
    keys = new long[ok.length * 2];
    ids = new int[oi.length * 2];
    int mask = keys.length - 1;
    for (int i = 0; i < ok.length; i++) {
      if (oi[i] != 0) {
        int s = mix(ok[i]) & mask;
        while (ids[s] != 0) {
          s = (s + 1) & mask;
        }
        keys[s] = ok[i];
        ids[s] = oi[i];
      }
    }
  }

  private static int mix(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  void touch(long vpn, int access) {
    if (nTouches == touches.length) {
      grow();
    }
    touches[nTouches++] = id(vpn) << MemoryTrace.ID_SHIFT | access;
  }

  private void grow() {
    if (nTouches >= Integer.MAX_VALUE - 16) {
      throw new BadLineException("the trace has more than 2^31 page touches");
    }
    touches =
        Arrays.copyOf(
            touches, (int) Math.min(Integer.MAX_VALUE - 16, nTouches + (long) nTouches / 2));
  }

  /** Lets a replay running alongside see the touches read so far. */
  void publish() {
    if (shownTouches != touches) {
      shownTouches = touches;
    }
    if (shownPages != pages) {
      shownPages = pages;
    }
    published = nTouches;
  }

  /** The line of the last record read, 0 before the first. */
  long lastLine() {
    return records == 0 ? 0 : lines.lineOf(records - 1);
  }

  void endRecord(long line) {
    touches[nTouches - 1] |= MemoryTrace.END;
    lines.add(records++, line);
  }

  void range(long first, long last, int access) {
    touch(first, access);
    if (last != first) {
      touch(last, access);
    }
  }
}
