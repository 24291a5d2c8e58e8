package io.mmsim.swap.policy;

import java.util.Arrays;

import io.mmsim.api.reclaim.FutureReferences;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.util.LongLongHashMap;

/*
 * Belady's optimal replacement (OPT, MIN): evict the page whose next reference lies furthest in
 * the future (pages never referenced again first).
 *
 * Algorithm: the policy is told every reference (wantsEveryReference); at each insert or access
 * it reads the current position p of the FutureReferences and records the page's next use,
 * nextUse(p), an O(1) lookup in the precomputed table. The resident pages sit in a binary max-heap
 * keyed by next use, so the victim is the root: O(log n) per reference, nothing allocated.
 *
 *   heap[0..size)   node numbers, heap[i] >= heap[2i+1], heap[2i+2] by nextUse
 *   pos[node]       the node's index in heap (for the decrease/increase-key of access)
 *
 * Invariants: the heap holds exactly the tracked pages; every resident page's next use is after
 * the current position (so it is a real future reference or NEVER).
 * Reference: Belady, "A study of replacement algorithms for a virtual-storage computer", IBM
 * Systems Journal 5(2), 1966.
 */
final class OptPolicy implements ReplacementPolicy {
  /** The index's missing value: node numbers are never negative. */
  private static final int MISSING = -1;

  private final FutureReferences future;
  private final LongLongHashMap index;
  private long[] key;
  private long[] nextUse;
  private int[] pos;
  private int[] heap;
  private int size;
  private int freeHead = -1;
  private int highWater;
  private long scanned;
  private long lastVictim = NO_VICTIM;
  private long lastVictimNextUse;

  OptPolicy(FutureReferences future, int expected) {
    this.future = future;
    int cap = Math.max(16, expected);
    index = new LongLongHashMap(cap, MISSING);
    key = new long[cap];
    nextUse = new long[cap];
    pos = new int[cap];
    heap = new int[cap];
  }

  @Override
  public String name() {
    return "opt";
  }

  @Override
  public boolean wantsEveryReference() {
    return true;
  }

  private long nextUseNow(long page) {
    long p = future.position();
    if (p < 0 || p >= future.length()) {
      throw new IllegalStateException(
          "opt: the reference string is at position "
              + p
              + "; move it to the reference being made before it reaches the policy");
    }
    if (future.pageAt(p) != page) {
      throw new IllegalStateException(
          "opt: reference "
              + p
              + " is to page "
              + future.pageAt(p)
              + ", not to page "
              + page
              + ": the policy's keys must be the reference string's pages");
    }
    return future.nextUse(p);
  }

  @Override
  public void insert(long page) {
    if (index.get(page) != MISSING) {
      throw new IllegalArgumentException("opt: page " + page + " is already resident");
    }
    add(page, nextUseNow(page));
  }

  /** The last victim comes back with the next use it had: the future has not moved. */
  @Override
  public void putBack(long page) {
    if (page != lastVictim) {
      throw new IllegalArgumentException(
          "opt: page " + page + " was not the last victim (" + lastVictim + ")");
    }
    if (index.get(page) != MISSING) {
      throw new IllegalArgumentException("opt: page " + page + " is already resident");
    }
    lastVictim = NO_VICTIM;
    add(page, lastVictimNextUse);
  }

  private void add(long page, long nu) {
    int n;
    if (freeHead >= 0) {
      n = freeHead;
      freeHead = pos[n];
    } else {
      if (highWater == key.length) {
        grow();
      }
      n = highWater++;
    }
    key[n] = page;
    nextUse[n] = nu;
    index.put(page, n);
    heap[size] = n;
    pos[n] = size;
    size++;
    siftUp(size - 1);
  }

  @Override
  public void access(long page) {
    int n = (int) index.get(page);
    if (n == MISSING) {
      return;
    }
    long nu = nextUseNow(page);
    long old = nextUse[n];
    nextUse[n] = nu;
    if (nu > old) {
      siftUp(pos[n]);
    } else if (nu < old) {
      siftDown(pos[n]);
    }
  }

  @Override
  public void remove(long page) {
    int n = (int) index.remove(page);
    if (n != MISSING) {
      removeAt(pos[n]);
      release(n);
    }
  }

  @Override
  public long victim(ReferenceBits bits) {
    if (size == 0) {
      return NO_VICTIM;
    }
    scanned++;
    int n = heap[0];
    long page = key[n];
    lastVictim = page;
    lastVictimNextUse = nextUse[n];
    index.remove(page);
    removeAt(0);
    release(n);
    return page;
  }

  @Override
  public String victimReason(long page) {
    return lastVictimNextUse == FutureReferences.NEVER
        ? "optimal: it is never referenced again"
        : "optimal: its next reference, at position "
            + lastVictimNextUse
            + " of the reference string, is the furthest of the "
            + (size + 1)
            + " resident pages";
  }

  /** The next use recorded for a resident page (for tests), or -1. */
  long recordedNextUse(long page) {
    int n = (int) index.get(page);
    return n == MISSING ? -1 : nextUse[n];
  }

  private void release(int n) {
    pos[n] = freeHead;
    freeHead = n;
  }

  private void removeAt(int i) {
    size--;
    if (i == size) {
      return;
    }
    int moved = heap[size];
    heap[i] = moved;
    pos[moved] = i;
    siftDown(i);
    siftUp(pos[moved]);
  }

  private void siftUp(int i) {
    int n = heap[i];
    long v = nextUse[n];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      int pn = heap[parent];
      if (nextUse[pn] >= v) {
        break;
      }
      heap[i] = pn;
      pos[pn] = i;
      i = parent;
    }
    heap[i] = n;
    pos[n] = i;
  }

  private void siftDown(int i) {
    int n = heap[i];
    long v = nextUse[n];
    while (true) {
      int c = 2 * i + 1;
      if (c >= size) {
        break;
      }
      if (c + 1 < size && nextUse[heap[c + 1]] > nextUse[heap[c]]) {
        c++;
      }
      int cn = heap[c];
      if (nextUse[cn] <= v) {
        break;
      }
      heap[i] = cn;
      pos[cn] = i;
      i = c;
    }
    heap[i] = n;
    pos[n] = i;
  }

  private void grow() {
    int cap = key.length * 2;
    key = Arrays.copyOf(key, cap);
    nextUse = Arrays.copyOf(nextUse, cap);
    pos = Arrays.copyOf(pos, cap);
    heap = Arrays.copyOf(heap, cap);
  }

  @Override
  public long resident() {
    return size;
  }

  @Override
  public boolean contains(long page) {
    return index.get(page) != MISSING;
  }

  @Override
  public long scanned() {
    return scanned;
  }

  @Override
  public void checkInvariants() {
    index.checkInvariants();
    if (index.size() != size) {
      throw new AssertionError("opt: " + size + " in the heap but " + index.size() + " indexed");
    }
    long p = future.position();
    for (int i = 0; i < size; i++) {
      int n = heap[i];
      if (pos[n] != i || index.get(key[n]) != n) {
        throw new AssertionError("opt: node " + n + " at heap " + i + " has pos " + pos[n]);
      }
      if (i > 0 && nextUse[heap[(i - 1) >>> 1]] < nextUse[n]) {
        throw new AssertionError("opt: heap order broken at " + i);
      }
      if (nextUse[n] < p) {
        throw new AssertionError(
            "opt: page " + key[n] + " next use " + nextUse[n] + " is before the position " + p);
      }
    }
  }
}
