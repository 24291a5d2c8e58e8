package io.mmsim.kernel.mm;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import io.mmsim.api.mem.Memmap;

/**
 * The reverse map: for each mapped user frame, every (process, virtual page) that maps it.
 *
 * <pre>
 *   key  = pid &lt;&lt; 40 | vpn   (pids from 1 to 2^23, virtual page numbers below 2^40: never 0)
 *   word0[pfn], word1[pfn]   the key of a frame mapped once, high and low halves; both 0 for a
 *                            frame the process side holds unmapped (page cache, swap cache)
 *   word0[pfn] == MANY       mapped twice or more: shared[pfn] is long[] { count, key0, key1, ... }
 *                            (grown by doubling); word1[pfn] is 0 then
 * </pre>
 *
 * The two words are the frame's {@link Memmap} words, the ones the kernel keeps {@code mapping} and
 * {@code index} in for a mapped page: the page allocator keeps its free-list links there while the
 * frame is free, SLUB its slab id while it is a slab. So they are the reverse map's only while the
 * process side holds the frame (a reference count above 0), and they are 0 again when the frame
 * goes back. A key's high half is below 2^31 (pid &lt; 2^23), so MANY, which is negative, is no
 * key. A frame mapped once, the case of every fresh anonymous page, costs no object, so the
 * minor-fault path allocates nothing here; frames shared after fork or by several mappings of a
 * file page take the map.
 *
 * <p>Source to look up: {@code mm/rmap.c} (the kernel walks anon_vma chains and the file's i_mmap
 * tree instead; the answer is the same set of PTEs).
 */
final class Rmap {
  static final int PID_SHIFT = 40;
  private static final long VPN_MASK = (1L << PID_SHIFT) - 1;

  /** word0 of a frame mapped more than once: no key's high half is negative. */
  static final int MANY = Integer.MIN_VALUE;

  private final int[] hi;
  private final int[] lo;
  private final Map<Long, long[]> shared = new HashMap<>();
  private int mappedFrames;

  Rmap(Memmap memmap) {
    this.hi = memmap.word0();
    this.lo = memmap.word1();
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

  /** The key of a frame mapped once, 0 for none (not for a MANY frame). */
  private long one(int f) {
    return (long) hi[f] << 32 | (lo[f] & 0xffff_ffffL);
  }

  private void setOne(int f, long k) {
    hi[f] = (int) (k >>> 32);
    lo[f] = (int) k;
  }

  /** Number of mappings of {@code pfn} ({@code page_mapcount}), a frame the process side holds. */
  int count(long pfn) {
    int f = (int) pfn;
    int h = hi[f];
    if (h == MANY) {
      return (int) shared.get(pfn)[0];
    }
    return (h | lo[f]) == 0 ? 0 : 1;
  }

  void add(long pfn, int pid, long vpn) {
    int f = (int) pfn;
    long k = key(pid, vpn);
    if (hi[f] != MANY) {
      long one = one(f);
      if (one == 0) {
        setOne(f, k);
        mappedFrames++;
        return;
      }
      shared.put(pfn, new long[] {2, one, k});
      hi[f] = MANY;
      lo[f] = 0;
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
    if (hi[f] != MANY) {
      if (one(f) != k) {
        return false;
      }
      setOne(f, 0);
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
          // back to a single mapping: the key moves into the words
          shared.remove(pfn);
          setOne(f, e[1]);
        }
        return true;
      }
    }
    return false;
  }

  /**
   * Every mapping of {@code src} becomes a mapping of {@code dst} (page migration); the words of
   * {@code src} are left 0 for its return to the page allocator.
   */
  void move(long src, long dst) {
    int s = (int) src;
    int d = (int) dst;
    if (hi[s] == MANY) {
      shared.put(dst, shared.remove(src));
    }
    hi[d] = hi[s];
    lo[d] = lo[s];
    hi[s] = 0;
    lo[s] = 0;
  }

  /** A copy of the keys mapping {@code pfn}, sorted so that walks are deterministic. */
  long[] keys(long pfn) {
    int f = (int) pfn;
    if (hi[f] != MANY) {
      long one = one(f);
      return one == 0 ? new long[0] : new long[] {one};
    }
    long[] e = shared.get(pfn);
    long[] k = Arrays.copyOfRange(e, 1, (int) e[0] + 1);
    Arrays.sort(k);
    return k;
  }

  /** True when {@code pfn}'s words mark it mapped more than once. */
  boolean isShared(long pfn) {
    return hi[(int) pfn] == MANY;
  }

  /** Frames mapped more than once (entries of the shared map). */
  int sharedFrames() {
    return shared.size();
  }

  /**
   * Why the words of {@code pfn}, a frame the process side holds, hold no reverse-map state (they
   * were written by another owner), or null when they do: a key of a live pid range, nothing, or
   * the MANY mark with an entry of two or more keys in the shared map.
   */
  String badWords(long pfn) {
    int f = (int) pfn;
    int h = hi[f];
    if (h == MANY) {
      long[] e = shared.get(pfn);
      if (lo[f] != 0 || e == null || e[0] < 2) {
        return String.format(
            "words 0x%x, 0x%x mark it mapped more than once, but the shared map has %s",
            h, lo[f], e == null ? "no entry" : e[0] + " keys");
      }
      return null;
    }
    if (h < 0 || ((h | lo[f]) != 0 && pid(one(f)) == 0)) {
      return String.format("words 0x%x, 0x%x are no reverse-map key", h, lo[f]);
    }
    if (shared.containsKey(pfn)) {
      return String.format("words 0x%x, 0x%x hold one key but the shared map has keys", h, lo[f]);
    }
    return null;
  }

  /** Frames with at least one mapping. */
  int mappedFrames() {
    return mappedFrames;
  }
}
