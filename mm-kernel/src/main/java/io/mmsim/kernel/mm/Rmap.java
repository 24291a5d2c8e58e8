package io.mmsim.kernel.mm;

import java.util.HashMap;
import java.util.Map;

/**
 * The reverse map: for each mapped user frame, every (process, virtual page) that maps it. Only
 * mapped frames have an entry, so an idle machine costs nothing.
 *
 * <pre>
 *   key  = pid &lt;&lt; 40 | vpn   (pids below 2^23, virtual page numbers below 2^40)
 *   pfn -> long[] { count, key0, key1, ... }   (grown by doubling)
 * </pre>
 *
 * <p>Source to look up: {@code mm/rmap.c} (the kernel walks anon_vma chains and the file's i_mmap
 * tree instead; the answer is the same set of PTEs).
 */
final class Rmap {
  static final int PID_SHIFT = 40;
  private static final long VPN_MASK = (1L << PID_SHIFT) - 1;

  private final Map<Long, long[]> byPfn = new HashMap<>();

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
    long[] e = byPfn.get(pfn);
    return e == null ? 0 : (int) e[0];
  }

  void add(long pfn, int pid, long vpn) {
    long[] e = byPfn.get(pfn);
    if (e == null) {
      e = new long[3];
      byPfn.put(pfn, e);
    } else if (e[0] + 1 == e.length) {
      e = java.util.Arrays.copyOf(e, e.length * 2);
      byPfn.put(pfn, e);
    }
    e[(int) ++e[0]] = key(pid, vpn);
  }

  /** Removes one mapping; false when it was not there. */
  boolean remove(long pfn, int pid, long vpn) {
    long[] e = byPfn.get(pfn);
    if (e == null) {
      return false;
    }
    long k = key(pid, vpn);
    int n = (int) e[0];
    for (int i = 1; i <= n; i++) {
      if (e[i] == k) {
        e[i] = e[n];
        e[0] = n - 1;
        if (n == 1) {
          byPfn.remove(pfn);
        }
        return true;
      }
    }
    return false;
  }

  /** A copy of the keys mapping {@code pfn}, sorted so that walks are deterministic. */
  long[] keys(long pfn) {
    long[] e = byPfn.get(pfn);
    if (e == null) {
      return new long[0];
    }
    long[] k = java.util.Arrays.copyOfRange(e, 1, (int) e[0] + 1);
    java.util.Arrays.sort(k);
    return k;
  }

  /** The frames with at least one mapping, sorted (slow: for invariant checks). */
  long[] frames() {
    long[] out = new long[byPfn.size()];
    int i = 0;
    for (long pfn : byPfn.keySet()) {
      out[i++] = pfn;
    }
    java.util.Arrays.sort(out);
    return out;
  }

  /** Frames with at least one mapping. */
  int mappedFrames() {
    return byPfn.size();
  }
}
