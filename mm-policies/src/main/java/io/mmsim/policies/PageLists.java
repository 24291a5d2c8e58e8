package io.mmsim.policies;

import java.util.Arrays;

/*
 * The pages a list-based policy knows, one node each, threaded on the policy's doubly linked lists
 * (resident lists and ghost lists alike), with a PageIndex from page to node.
 *
 *   node n:  key[n]   the page
 *            prev[n]  the next newer node on its list (toward the head), NIL at the head
 *            next[n]  the next older node (toward the tail), NIL at the tail
 *            list[n]  the list it is on, FREE when on none
 *            meta[n]  an int the policy owns (a frequency, a visited bit, a status)
 *   list l:  head[l] newest, tail[l] oldest, size[l]
 *
 * Free nodes are chained through next[]. Arrays double when the nodes run out, so a policy
 * allocates only while its working set grows. Every operation is O(1).
 * Invariants (checkInvariants): each list's links agree both ways and its size is its length; each
 * node on a list is indexed under its key; the index holds exactly the nodes on lists.
 */
final class PageLists {
  static final int NIL = -1;
  static final byte FREE = -1;

  private final PageIndex index;
  private final int lists;
  private final int[] head;
  private final int[] tail;
  private final int[] size;
  private long[] key;
  private int[] prev;
  private int[] next;
  private byte[] list;
  private int[] meta;
  private int freeHead = NIL;
  private int highWater;

  PageLists(int lists, int expected) {
    this.lists = lists;
    int cap = Math.max(16, expected);
    index = new PageIndex(cap);
    head = new int[lists];
    tail = new int[lists];
    size = new int[lists];
    Arrays.fill(head, NIL);
    Arrays.fill(tail, NIL);
    key = new long[cap];
    prev = new int[cap];
    next = new int[cap];
    list = new byte[cap];
    meta = new int[cap];
  }

  /** The node of {@code page}, or {@link #NIL}. */
  int find(long page) {
    return index.get(page);
  }

  /** A new node for {@code page} (which must be unknown), on no list, meta 0. */
  int add(long page) {
    int n;
    if (freeHead != NIL) {
      n = freeHead;
      freeHead = next[n];
    } else {
      if (highWater == key.length) {
        grow();
      }
      n = highWater++;
    }
    key[n] = page;
    prev[n] = NIL;
    next[n] = NIL;
    list[n] = FREE;
    meta[n] = 0;
    index.put(page, n);
    return n;
  }

  /**
   * A new node for {@code page}, on no list, meta 0, or {@link #NIL} when the page is known already
   * (nothing changes): the check and the insertion in one probe.
   */
  int addIfAbsent(long page) {
    int n;
    if (freeHead != NIL) {
      n = freeHead;
    } else {
      if (highWater == key.length) {
        grow();
      }
      n = highWater;
    }
    if (index.putIfAbsent(page, n) != PageIndex.NONE) {
      return NIL;
    }
    if (n == freeHead) {
      freeHead = next[n];
    } else {
      highWater++;
    }
    key[n] = page;
    prev[n] = NIL;
    next[n] = NIL;
    list[n] = FREE;
    meta[n] = 0;
    return n;
  }

  /** Forgets node {@code n}, which must be on no list. */
  void release(int n) {
    assert list[n] == FREE : "node " + n + " still on list " + list[n];
    index.remove(key[n]);
    next[n] = freeHead;
    freeHead = n;
  }

  long key(int n) {
    return key[n];
  }

  int meta(int n) {
    return meta[n];
  }

  void setMeta(int n, int v) {
    meta[n] = v;
  }

  int listOf(int n) {
    return list[n];
  }

  int head(int l) {
    return head[l];
  }

  int tail(int l) {
    return tail[l];
  }

  int size(int l) {
    return size[l];
  }

  /** The next newer node on {@code n}'s list, or NIL at the head. */
  int newer(int n) {
    return prev[n];
  }

  /** The next older node on {@code n}'s list, or NIL at the tail. */
  int older(int n) {
    return next[n];
  }

  /** Puts node {@code n} (on no list) at the head (newest end) of list {@code l}. */
  void pushHead(int l, int n) {
    assert list[n] == FREE : "node " + n + " already on list " + list[n];
    int h = head[l];
    prev[n] = NIL;
    next[n] = h;
    if (h == NIL) {
      tail[l] = n;
    } else {
      prev[h] = n;
    }
    head[l] = n;
    list[n] = (byte) l;
    size[l]++;
  }

  /** Puts node {@code n} (on no list) at the tail (oldest end) of list {@code l}. */
  void pushTail(int l, int n) {
    assert list[n] == FREE : "node " + n + " already on list " + list[n];
    int t = tail[l];
    next[n] = NIL;
    prev[n] = t;
    if (t == NIL) {
      head[l] = n;
    } else {
      next[t] = n;
    }
    tail[l] = n;
    list[n] = (byte) l;
    size[l]++;
  }

  /** Takes node {@code n} off its list. */
  void unlink(int n) {
    int l = list[n];
    assert l != FREE : "node " + n + " is on no list";
    int p = prev[n];
    int x = next[n];
    if (p == NIL) {
      head[l] = x;
    } else {
      next[p] = x;
    }
    if (x == NIL) {
      tail[l] = p;
    } else {
      prev[x] = p;
    }
    prev[n] = NIL;
    next[n] = NIL;
    list[n] = FREE;
    size[l]--;
  }

  /** Moves node {@code n} to the head of list {@code l} (from any list). */
  void moveToHead(int l, int n) {
    if (list[n] == l && head[l] == n) {
      return;
    }
    unlink(n);
    pushHead(l, n);
  }

  /** Takes node {@code n} off its list and forgets it; returns its page. */
  long drop(int n) {
    long k = key[n];
    unlink(n);
    release(n);
    return k;
  }

  private void grow() {
    int cap = key.length * 2;
    key = Arrays.copyOf(key, cap);
    prev = Arrays.copyOf(prev, cap);
    next = Arrays.copyOf(next, cap);
    list = Arrays.copyOf(list, cap);
    meta = Arrays.copyOf(meta, cap);
  }

  void checkInvariants(String who) {
    index.checkInvariants();
    int onLists = 0;
    for (int l = 0; l < lists; l++) {
      int count = 0;
      int p = NIL;
      for (int n = head[l]; n != NIL; n = next[n]) {
        if (prev[n] != p || list[n] != l) {
          throw new AssertionError(
              who
                  + ": list "
                  + l
                  + " broken at node "
                  + n
                  + " (prev "
                  + prev[n]
                  + ", list "
                  + list[n]
                  + ")");
        }
        if (index.get(key[n]) != n) {
          throw new AssertionError(who + ": page " + key[n] + " on list " + l + " not indexed");
        }
        p = n;
        if (++count > highWater) {
          throw new AssertionError(who + ": list " + l + " has a cycle");
        }
      }
      if (p != tail[l] || count != size[l]) {
        throw new AssertionError(
            who + ": list " + l + " holds " + count + " nodes, size says " + size[l]);
      }
      onLists += count;
    }
    if (onLists != index.size()) {
      throw new AssertionError(
          who + ": " + onLists + " nodes on lists, " + index.size() + " indexed");
    }
  }
}
