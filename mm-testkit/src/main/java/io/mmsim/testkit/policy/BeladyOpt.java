package io.mmsim.testkit.policy;

import java.util.HashMap;
import java.util.Map;

/**
 * Belady's OPT miss count by the plain algorithm (evict the resident page whose next reference is
 * furthest ahead), written for the contract: the lower bound no demand-paging policy beats.
 * Reference: Belady, "A study of replacement algorithms for a virtual-storage computer", IBM
 * Systems Journal 5(2), 1966.
 */
final class BeladyOpt {
  private BeladyOpt() {}

  static long misses(long[] pages, int frames) {
    int n = pages.length;
    int[] next = new int[n];
    Map<Long, Integer> seen = new HashMap<>();
    for (int i = n - 1; i >= 0; i--) {
      next[i] = seen.getOrDefault(pages[i], Integer.MAX_VALUE);
      seen.put(pages[i], i);
    }
    Map<Long, Integer> resident = new HashMap<>(); // page -> its next use
    long misses = 0;
    for (int i = 0; i < n; i++) {
      if (!resident.containsKey(pages[i])) {
        misses++;
        if (resident.size() == frames) {
          long furthest = 0;
          int when = -1;
          for (Map.Entry<Long, Integer> e : resident.entrySet()) {
            if (e.getValue() > when) {
              when = e.getValue();
              furthest = e.getKey();
            }
          }
          resident.remove(furthest);
        }
      }
      resident.put(pages[i], next[i]);
    }
    return misses;
  }
}
