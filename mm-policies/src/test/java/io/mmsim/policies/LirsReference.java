package io.mmsim.policies;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Set;

/**
 * An independent model of what libCacheSim's {@code LIRS.c} (at aa0fc40) does with unit-size
 * objects, written for tests from the behaviour of that code: three LRU lists (the stack S, the
 * resident-HIR queue Q, the non-resident list NH), counters of LIR and resident HIR objects against
 * their limits (h = max(1, 1 % of N), L = N - h), and S bounded to 2N entries by forgetting NH's
 * oldest. Collections, not speed: it serves as the expected side of tests.
 *
 * <p>With {@code demoteOnQueueHit} false it models the one statement {@code LirsPolicy} departs
 * from: a hit on a resident HIR object that is not in S demotes nothing.
 *
 * <p>{@link #hittable()} counts what {@code LIRS.c} would answer as a hit: LIR objects, Q's, and
 * objects S marks resident that are in neither (the ones the demotion pushed out of Q while they
 * were being hit, which {@code LIRS.c} keeps marked resident but no longer counts).
 */
final class LirsReference {
  private static final class Entry {
    boolean lir;
    boolean resident;

    Entry(boolean lir, boolean resident) {
      this.lir = lir;
      this.resident = resident;
    }
  }

  private final long size;
  private final long hirLimit;
  private final long lirLimit;
  private final boolean demoteOnQueueHit;
  // iteration order is oldest first: the first key is the bottom (LRU end)
  private final LinkedHashMap<Long, Entry> s = new LinkedHashMap<>();
  private final LinkedHashMap<Long, Boolean> q = new LinkedHashMap<>();
  private final LinkedHashMap<Long, Boolean> nh = new LinkedHashMap<>();
  private long lirs;
  private long hirs;
  private long occupied;
  private long misses;

  LirsReference(long size, boolean demoteOnQueueHit) {
    this.size = size;
    this.hirLimit = Math.max(1, (long) (0.01 * size));
    this.lirLimit = size - hirLimit;
    this.demoteOnQueueHit = demoteOnQueueHit;
  }

  long misses() {
    return misses;
  }

  /** One request; true on a hit. */
  boolean get(long x) {
    Entry e = s.get(x);
    if (e != null) {
      toTop(s, x, e);
    }
    boolean inQ = q.containsKey(x);
    if (inQ) {
      toTop(q, x, Boolean.TRUE);
    }
    boolean hit = true;
    if (e != null && e.lir) {
      prune();
    } else if (e != null && e.resident) {
      hitResidentHirInStack(e, x, inQ);
    } else if (e == null && inQ) {
      hitResidentHirInQueue(x);
    } else {
      hit = false;
      misses++;
      miss(x);
    }
    limitStack();
    return hit;
  }

  private void miss(long x) {
    Entry e = s.get(x);
    boolean inQ = q.containsKey(x);
    boolean remembered = e != null && !e.lir && !e.resident;
    if (remembered) {
      while (lirs + 1 > lirLimit) {
        demoteBottom();
      }
      nh.remove(x);
    } else if (e == null && !inQ) {
      if (lirs + 1 > lirLimit && hirs + 1 > hirLimit) {
        while (hirs + 1 > hirLimit) {
          evictHir();
        }
      }
    } else {
      throw new IllegalStateException("no miss path for " + x);
    }
    while (occupied + 1 > size) {
      if (remembered) {
        while (hirs >= hirLimit) {
          evictHir();
        }
        demoteBottom();
      } else if (lirs + 1 > lirLimit && hirs + 1 > hirLimit) {
        evictHir();
      } else {
        throw new IllegalStateException("LIRS.c would loop on " + x);
      }
    }
    if (remembered) {
      e.lir = true;
      e.resident = true;
      lirs++;
    } else if (lirs + 1 <= lirLimit) {
      s.put(x, new Entry(true, true));
      lirs++;
    } else {
      s.put(x, new Entry(false, true));
      q.put(x, Boolean.TRUE);
      hirs++;
    }
    occupied++;
  }

  private void hitResidentHirInStack(Entry e, long x, boolean inQ) {
    if (inQ) {
      q.remove(x);
      hirs--;
      occupied--;
    }
    while (lirs + 1 > lirLimit) {
      demoteBottom();
    }
    e.lir = true;
    lirs++;
    occupied++;
  }

  private void hitResidentHirInQueue(long x) {
    if (demoteOnQueueHit) {
      while (lirs + 1 > lirLimit) {
        demoteBottom();
      }
    }
    s.put(x, new Entry(false, true));
  }

  /** S's bottom leaves S and enters Q as resident HIR; then S is pruned. */
  private void demoteBottom() {
    long t = s.keySet().iterator().next();
    s.remove(t);
    lirs--;
    occupied--;
    while (hirs + 1 > hirLimit) {
      evictHir();
    }
    if (q.containsKey(t)) {
      throw new IllegalStateException("object " + t + " demoted twice into Q");
    }
    q.put(t, Boolean.TRUE);
    hirs++;
    occupied++;
    prune();
  }

  private void evictHir() {
    long v = q.keySet().iterator().next();
    q.remove(v);
    hirs--;
    occupied--;
    Entry e = s.get(v);
    if (e != null) {
      e.resident = false;
      if (nh.put(v, Boolean.TRUE) != null) {
        throw new IllegalStateException("object " + v + " entered NH twice");
      }
    }
  }

  private void prune() {
    while (s.size() > 1) {
      Iterator<java.util.Map.Entry<Long, Entry>> it = s.entrySet().iterator();
      java.util.Map.Entry<Long, Entry> bottom = it.next();
      if (bottom.getValue().lir) {
        return;
      }
      if (!bottom.getValue().resident) {
        nh.remove(bottom.getKey());
      }
      it.remove();
    }
  }

  private void limitStack() {
    while (s.size() > 2 * size && !nh.isEmpty()) {
      long v = nh.keySet().iterator().next();
      nh.remove(v);
      s.remove(v);
    }
  }

  private static <V> void toTop(LinkedHashMap<Long, V> m, long k, V v) {
    m.remove(k);
    m.put(k, v);
  }

  /** The objects a request would hit now. */
  Set<Long> hittable() {
    Set<Long> out = new HashSet<>(q.keySet());
    s.forEach(
        (k, e) -> {
          if (e.lir || e.resident) {
            out.add(k);
          }
        });
    return out;
  }
}
