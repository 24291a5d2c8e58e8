package io.mmsim.kernel.mm;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The reverse map: for each mapped user frame, every (process, virtual page) that maps it.
 *
 * <pre>
 *   key  = pid &lt;&lt; 40 | vpn   (pids from 1 to 2^23, virtual page numbers below 2^40: never 0)
 *   one[pfn]            the key of a frame mapped once, 0 for an unmapped frame
 *   shared[pfn]         long[] { count, key0, key1, ... } of a frame mapped twice or more (grown by
 *                       doubling); its bit in `many` is set and one[pfn] holds no key then
 * </pre>
 *
 * A frame mapped once, the case of every fresh anonymous page, costs one slot of a primitive array
 * and no object, so the minor-fault path allocates nothing here; frames shared after fork or by
 * several mappings of a file page take the map.
 *
 * <p>Source to look up: {@code mm/rmap.c} (the kernel walks anon_vma chains and the file's i_mmap
 * tree instead; the answer is the same set of PTEs).
 */
final class Rmap {
  static final int PID_SHIFT = 40;
  private static final long VPN_MASK = (1L << PID_SHIFT) - 1;

  /** Bytes per frame: the key slot, and a bit for `many`. */
  static final double BYTES_PER_FRAME = Long.BYTES + 1.0 / 8;

  private final long[] one;
  private final BitSet many;
  private final Map<Long, long[]> shared = new HashMap<>();
  private int mappedFrames;

  Rmap(int frames) {
    this.one = new long[frames];
    this.many = new BitSet(frames);
  }

  static long key(int pid, long vpn) {
    return (long) pid << PID_SHIFT | vpn;
  }

  static int pid(long key) {
    return (int) (key >>> PID_SHIFT);
  }

  static long vpn(long key) {
    return key & VPN_MASK;
  }

  /** Number of mappings of {@code pfn} ({@code page_mapcount}). */
  int count(long pfn) {
    int f = (int) pfn;
    if (many.get(f)) {
      return (int) shared.get(pfn)[0];
    }
    return one[f] == 0 ? 0 : 1;
  }

  void add(long pfn, int pid, long vpn) {
    int f = (int) pfn;
    long k = key(pid, vpn);
    if (!many.get(f)) {
      if (one[f] == 0) {
        one[f] = k;
        mappedFrames++;
        return;
      }
      shared.put(pfn, new long[] {2, one[f], k});
      one[f] = 0;
      many.set(f);
      return;
    }
    long[] e = shared.get(pfn);
    if (e[0] + 1 == e.length) {
      e = Arrays.copyOf(e, e.length * 2);
      shared.put(pfn, e);
    }
    e[(int) ++e[0]] = k;
  }

  /** Removes one mapping; false when it was not there. */
  boolean remove(long pfn, int pid, long vpn) {
    int f = (int) pfn;
    long k = key(pid, vpn);
    if (!many.get(f)) {
      if (one[f] != k) {
        return false;
      }
      one[f] = 0;
      mappedFrames--;
      return true;
    }
    long[] e = shared.get(pfn);
    int n = (int) e[0];
    for (int i = 1; i <= n; i++) {
      if (e[i] == k) {
        e[i] = e[n];
        e[0] = n - 1;
        if (n == 2) {
          // back to a single mapping: the key moves into the array
          shared.remove(pfn);
          many.clear(f);
          one[f] = e[1];
        }
        return true;
      }
    }
    return false;
  }

  /** Every mapping of {@code src} becomes a mapping of {@code dst} (page migration). */
  void move(long src, long dst) {
    int s = (int) src;
    int d = (int) dst;
    if (many.get(s)) {
      many.clear(s);
      many.set(d);
      shared.put(dst, shared.remove(src));
    }
    one[d] = one[s];
    one[s] = 0;
  }

  /** A copy of the keys mapping {@code pfn}, sorted so that walks are deterministic. */
  long[] keys(long pfn) {
    int f = (int) pfn;
    if (!many.get(f)) {
      return one[f] == 0 ? new long[0] : new long[] {one[f]};
    }
    long[] e = shared.get(pfn);
    long[] k = Arrays.copyOfRange(e, 1, (int) e[0] + 1);
    Arrays.sort(k);
    return k;
  }

  /** Frames with at least one mapping. */
  int mappedFrames() {
    return mappedFrames;
  }
}
