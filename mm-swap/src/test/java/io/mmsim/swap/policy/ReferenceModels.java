package io.mmsim.swap.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Brute-force reference models of the textbook policies: obviously correct, slow, independent of
 * the implementations (plain collections, linear scans).
 */
final class ReferenceModels {
  private ReferenceModels() {}

  static int fifo(long[] refs, int frames) {
    List<Long> q = new ArrayList<>();
    int misses = 0;
    for (long p : refs) {
      if (!q.contains(p)) {
        misses++;
        if (q.size() == frames) {
          q.remove(0);
        }
        q.add(p);
      }
    }
    return misses;
  }

  static int lru(long[] refs, int frames) {
    LinkedHashSet<Long> s = new LinkedHashSet<>();
    int misses = 0;
    for (long p : refs) {
      if (s.remove(p)) {
        s.add(p);
        continue;
      }
      misses++;
      if (s.size() == frames) {
        s.remove(s.iterator().next());
      }
      s.add(p);
    }
    return misses;
  }

  /** Clock in its textbook form: an array of frames, a hand index, a bit per frame. */
  static int clock(long[] refs, int frames) {
    long[] frame = new long[frames];
    boolean[] bit = new boolean[frames];
    int used = 0;
    int hand = 0;
    int misses = 0;
    for (long p : refs) {
      int at = -1;
      for (int f = 0; f < used; f++) {
        if (frame[f] == p) {
          at = f;
        }
      }
      if (at >= 0) {
        bit[at] = true;
        continue;
      }
      misses++;
      if (used < frames) {
        frame[used] = p;
        bit[used] = true;
        used++;
        continue;
      }
      while (bit[hand]) {
        bit[hand] = false;
        hand = (hand + 1) % frames;
      }
      frame[hand] = p;
      bit[hand] = true;
      hand = (hand + 1) % frames;
    }
    return misses;
  }

  /** Belady's OPT by scanning the future for each resident page at every miss. */
  static int opt(long[] refs, int frames) {
    List<Long> s = new ArrayList<>();
    int misses = 0;
    for (int i = 0; i < refs.length; i++) {
      long p = refs[i];
      if (s.contains(p)) {
        continue;
      }
      misses++;
      if (s.size() == frames) {
        int worst = -1;
        int worstNext = -1;
        for (int k = 0; k < s.size(); k++) {
          int next = Integer.MAX_VALUE;
          for (int j = i + 1; j < refs.length; j++) {
            if (refs[j] == s.get(k)) {
              next = j;
              break;
            }
          }
          if (next > worstNext) {
            worstNext = next;
            worst = k;
          }
        }
        s.remove(worst);
      }
      s.add(p);
    }
    return misses;
  }
}
