package io.mmsim.policies;

import java.util.Arrays;

/*
 * The pages a list-based policy knows, one node each, threaded on the policy's doubly linked lists
 * (resident lists and ghost lists alike), with a PageIndex from page to node.
 *
 *   node n:  key[n]          the page
 *            nd[4n + PREV]   the next newer node on its list (toward the head), NIL at the head
 *            nd[4n + NEXT]   the next older node (toward the tail), NIL at the tail
 *            nd[4n + LIST]   the list it is on, FREE when on none
 *            nd[4n + META]   an int the policy owns (a frequency, a visited bit, a status)
 *   (a node's four ints lie side by side: a list operation reads one cache line per node)
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
  // per node, four ints side by side (one cache line holds four nodes): prev, next, list, meta
  private int[] nd;
  private static final int PREV = 0;
  private static final int NEXT = 1;
  private static final int LIST = 2;
  private static final int META = 3;
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
    nd = new int[4 * cap];
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
      freeHead = nd[4 * n + NEXT];
    } else {
      if (highWater == key.length) {
        grow();
      }
      n = highWater++;
    }
    key[n] = page;
    nd[4 * n + PREV] = NIL;
    nd[4 * n + NEXT] = NIL;
    nd[4 * n + LIST] = FREE;
    nd[4 * n + META] = 0;
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
      freeHead = nd[4 * n + NEXT];
    } else {
      highWater++;
    }
    key[n] = page;
    nd[4 * n + PREV] = NIL;
    nd[4 * n + NEXT] = NIL;
    nd[4 * n + LIST] = FREE;
    nd[4 * n + META] = 0;
    return n;
  }

  /** Forgets node {@code n}, which must be on no list. */
  void release(int n) {
    assert nd[4 * n + LIST] == FREE : "node " + n + " still on list " + nd[4 * n + LIST];
    index.remove(key[n]);
    nd[4 * n + NEXT] = freeHead;
    freeHead = n;
  }

  long key(int n) {
    return key[n];
  }

  int meta(int n) {
    return nd[4 * n + META];
  }

  void setMeta(int n, int v) {
    nd[4 * n + META] = v;
  }

  int listOf(int n) {
    return nd[4 * n + LIST];
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
    return nd[4 * n + PREV];
  }

  /** The next older node on {@code n}'s list, or NIL at the tail. */
  int older(int n) {
    return nd[4 * n + NEXT];
  }

  /** Puts node {@code n} (on no list) at the head (newest end) of list {@code l}. */
  void pushHead(int l, int n) {
    assert nd[4 * n + LIST] == FREE : "node " + n + " already on list " + nd[4 * n + LIST];
    int h = head[l];
    nd[4 * n + PREV] = NIL;
    nd[4 * n + NEXT] = h;
    if (h == NIL) {
      tail[l] = n;
    } else {
      nd[4 * h + PREV] = n;
    }
    head[l] = n;
    nd[4 * n + LIST] = l;
    size[l]++;
  }

  /** Puts node {@code n} (on no list) at the tail (oldest end) of list {@code l}. */
  void pushTail(int l, int n) {
    assert nd[4 * n + LIST] == FREE : "node " + n + " already on list " + nd[4 * n + LIST];
    int t = tail[l];
    nd[4 * n + NEXT] = NIL;
    nd[4 * n + PREV] = t;
    if (t == NIL) {
      head[l] = n;
    } else {
      nd[4 * t + NEXT] = n;
    }
    tail[l] = n;
    nd[4 * n + LIST] = l;
    size[l]++;
  }

  /** Takes node {@code n} off its list. */
  void unlink(int n) {
    int l = nd[4 * n + LIST];
    assert l != FREE : "node " + n + " is on no list";
    int p = nd[4 * n + PREV];
    int x = nd[4 * n + NEXT];
    if (p == NIL) {
      head[l] = x;
    } else {
      nd[4 * p + NEXT] = x;
    }
    if (x == NIL) {
      tail[l] = p;
    } else {
      nd[4 * x + PREV] = p;
    }
    nd[4 * n + PREV] = NIL;
    nd[4 * n + NEXT] = NIL;
    nd[4 * n + LIST] = FREE;
    size[l]--;
  }

  /** Moves node {@code n} to the head of list {@code l} (from any list). */
  void moveToHead(int l, int n) {
    if (nd[4 * n + LIST] == l && head[l] == n) {
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
    nd = Arrays.copyOf(nd, 4 * cap);
  }

  void checkInvariants(String who) {
    index.checkInvariants();
    int onLists = 0;
    for (int l = 0; l < lists; l++) {
      int count = 0;
      int p = NIL;
      for (int n = head[l]; n != NIL; n = nd[4 * n + NEXT]) {
        if (nd[4 * n + PREV] != p || nd[4 * n + LIST] != l) {
          throw new AssertionError(
              who
                  + ": list "
                  + l
                  + " broken at node "
                  + n
                  + " (prev "
                  + nd[4 * n + PREV]
                  + ", list "
                  + nd[4 * n + LIST]
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
