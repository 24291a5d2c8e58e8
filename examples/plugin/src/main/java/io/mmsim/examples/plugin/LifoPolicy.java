package io.mmsim.examples.plugin;

import java.util.Arrays;

import io.mmsim.api.Statistics;
import io.mmsim.api.reclaim.ReplacementPolicy;

/*
 * LIFO replacement: the victim is the page that became resident last, whatever its references.
 *
 * No built-in policy does this, and for good reason: on a loop over more pages than fit, the
 * pages loaded first stay resident for ever and the newest keeps being replaced, so it never
 * adapts to a change of working set. It is the textbook foil to FIFO (Silberschatz, Galvin and
 * Gagne, Operating System Concepts, chapter 10, exercises on page replacement), and a small
 * complete example of the ReplacementPolicy SPI.
 *
 * Data layout: a stack of resident pages as a doubly linked list in primitive arrays (node i has
 * key[i], prev[i], next[i]; top is the newest, bottom the oldest), and an open-addressing index
 * from page to node (slot[] holds node + 1, 0 for an empty slot; linear probing, deletion by
 * backward shift, at most half full). Every operation is O(1) and allocates nothing once the
 * arrays have grown to the resident set.
 *
 * insert pushes on top; victim pops the top; remove unlinks wherever the page is; access changes
 * nothing. putBack (a victim the kernel could not evict) puts the page at the bottom, so that the
 * next victim is the next-newest page rather than the same one again.
 *
 * Invariants (checkInvariants): the list from top to bottom and from bottom to top visits the
 * same `resident` nodes, each exactly once, with prev/next consistent; the index maps exactly
 * those pages to those nodes.
 */
final class LifoPolicy implements ReplacementPolicy {
  private static final int NIL = -1;

  private long[] key = new long[64];
  private int[] prev = new int[64];
  private int[] next = new int[64];
  private int[] slot = new int[128];
  private int mask = slot.length - 1;

  private int top = NIL;
  private int bottom = NIL;
  private int freeNodes = NIL;
  private int used; // nodes ever taken from the arrays (the rest are beyond `used`)
  private int resident;
  private long scanned;

  @Override
  public String name() {
    return LifoPolicyProvider.NAME;
  }

  @Override
  public void insert(long page) {
    int n = newNode(page);
    prev[n] = NIL;
    next[n] = top;
    if (top != NIL) {
      prev[top] = n;
    } else {
      bottom = n;
    }
    top = n;
  }

  /** Back at the bottom of the stack: the newest page could not leave, try the next one. */
  @Override
  public void putBack(long page) {
    int n = newNode(page);
    next[n] = NIL;
    prev[n] = bottom;
    if (bottom != NIL) {
      next[bottom] = n;
    } else {
      top = n;
    }
    bottom = n;
  }

  /** References do not matter to LIFO. */
  @Override
  public void access(long page) {
    // arrival order only
  }

  @Override
  public void remove(long page) {
    int n = find(page);
    if (n != NIL) {
      unlink(n);
      release(n);
    }
  }

  @Override
  public long victim(ReferenceBits bits) {
    if (top == NIL) {
      return NO_VICTIM;
    }
    int n = top;
    long page = key[n];
    scanned++;
    unlink(n);
    release(n);
    return page;
  }

  @Override
  public long resident() {
    return resident;
  }

  @Override
  public boolean contains(long page) {
    return find(page) != NIL;
  }

  @Override
  public long scanned() {
    return scanned;
  }

  @Override
  public Statistics statistics() {
    return Statistics.builder().put("pgscan", scanned).put("resident", resident).build();
  }

  // ------------------------------------------------------------------ the list

  private int newNode(long page) {
    if (find(page) != NIL) {
      throw new IllegalArgumentException("lifo: page " + page + " is already resident");
    }
    int n;
    if (freeNodes != NIL) {
      n = freeNodes;
      freeNodes = next[n];
    } else {
      if (used == key.length) {
        int cap = key.length * 2;
        key = Arrays.copyOf(key, cap);
        prev = Arrays.copyOf(prev, cap);
        next = Arrays.copyOf(next, cap);
      }
      n = used++;
    }
    key[n] = page;
    resident++;
    if (resident * 2 > slot.length) {
      rehash(slot.length * 2);
    }
    index(n);
    return n;
  }

  private void unlink(int n) {
    int p = prev[n];
    int q = next[n];
    if (p != NIL) {
      next[p] = q;
    } else {
      top = q;
    }
    if (q != NIL) {
      prev[q] = p;
    } else {
      bottom = p;
    }
  }

  private void release(int n) {
    unindex(n);
    next[n] = freeNodes;
    freeNodes = n;
    resident--;
  }

  // ------------------------------------------------------------------ the index

  private static int hash(long page) {
    long h = page * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  private int find(long page) {
    for (int s = hash(page) & mask; slot[s] != 0; s = (s + 1) & mask) {
      if (key[slot[s] - 1] == page) {
        return slot[s] - 1;
      }
    }
    return NIL;
  }

  private void index(int n) {
    int s = hash(key[n]) & mask;
    while (slot[s] != 0) {
      s = (s + 1) & mask;
    }
    slot[s] = n + 1;
  }

  /** Removes node {@code n} from the index; later entries of its probe run move back. */
  private void unindex(int n) {
    int s = hash(key[n]) & mask;
    while (slot[s] != n + 1) {
      s = (s + 1) & mask;
    }
    int hole = s;
    for (int t = (hole + 1) & mask; slot[t] != 0; t = (t + 1) & mask) {
      int home = hash(key[slot[t] - 1]) & mask;
      // the entry at t may fill the hole when its home is not cyclically in (hole, t]
      boolean movable = hole <= t ? (home <= hole || home > t) : (home <= hole && home > t);
      if (movable) {
        slot[hole] = slot[t];
        hole = t;
      }
    }
    slot[hole] = 0;
  }

  private void rehash(int capacity) {
    slot = new int[capacity];
    mask = capacity - 1;
    for (int n = top; n != NIL; n = next[n]) {
      index(n);
    }
  }

  // ------------------------------------------------------------------ checks

  @Override
  public void checkInvariants() {
    int count = 0;
    int last = NIL;
    for (int n = top; n != NIL; n = next[n]) {
      if (prev[n] != last || ++count > resident) {
        throw new AssertionError(
            "lifo: list broken at node " + n + " after " + count + " of " + resident + " pages");
      }
      if (find(key[n]) != n) {
        throw new AssertionError("lifo: page " + key[n] + " of node " + n + " is not indexed");
      }
      last = n;
    }
    if (count != resident || last != bottom) {
      throw new AssertionError(
          "lifo: the list holds "
              + count
              + " pages ending at node "
              + last
              + ", but resident is "
              + resident
              + " and the bottom is node "
              + bottom);
    }
    int indexed = 0;
    for (int s : slot) {
      if (s != 0) {
        indexed++;
      }
    }
    if (indexed != resident) {
      throw new AssertionError("lifo: " + indexed + " index entries for " + resident + " pages");
    }
  }
}
