package io.mmsim.api.util;

/**
 * Intrusive circular doubly linked lists over two {@code int} arrays, the {@code list_head} of
 * {@code include/linux/list.h} with array indices for pointers.
 *
 * <pre>
 *   next[x], prev[x]   the links of node x
 *   head h             a sentinel node in the same arrays: next[h] is the first node, prev[h]
 *                      the last; an empty list has next[h] == prev[h] == h
 *
 *     h -> a -> b -> c -> h        (next)
 *     h &lt;- a &lt;- b &lt;- c &lt;- h        (prev)
 * </pre>
 *
 * <p>The caller owns the arrays (it sizes and grows them with its other per-node arrays) and keeps
 * its sentinels at indices of its choosing, usually past its nodes. Every method is static and
 * touches only the arrays it is given: no object per list, no allocation, no bounds beyond the
 * arrays' own, so the JIT inlines each call into plain array stores. A node is on at most one list
 * at a time; which one is the caller's to know.
 */
public final class IntList {
  private IntList() {}

  /** Makes {@code head} an empty list ({@code INIT_LIST_HEAD}). */
  public static void init(int[] next, int[] prev, int head) {
    next[head] = head;
    prev[head] = head;
  }

  /** True when the list at {@code head} has no node ({@code list_empty}). */
  public static boolean isEmpty(int[] next, int head) {
    return next[head] == head;
  }

  /** Inserts {@code x} first, right after {@code head} ({@code list_add}). */
  public static void addHead(int[] next, int[] prev, int head, int x) {
    int n = next[head];
    next[x] = n;
    prev[x] = head;
    prev[n] = x;
    next[head] = x;
  }

  /** Inserts {@code x} last, right before {@code head} ({@code list_add_tail}). */
  public static void addTail(int[] next, int[] prev, int head, int x) {
    int p = prev[head];
    prev[x] = p;
    next[x] = head;
    next[p] = x;
    prev[head] = x;
  }

  /**
   * Takes {@code x} off its list ({@code list_del}); {@code x}'s own links are left as they were
   * and mean nothing until {@code x} is added again.
   */
  public static void del(int[] next, int[] prev, int x) {
    int n = next[x];
    int p = prev[x];
    next[p] = n;
    prev[n] = p;
  }

  /** Moves {@code x} from its list to the tail of {@code head} ({@code list_move_tail}). */
  public static void moveTail(int[] next, int[] prev, int head, int x) {
    del(next, prev, x);
    addTail(next, prev, head, x);
  }

  /**
   * Walks the list at {@code head} and checks every link both ways; slow, for invariant checks.
   *
   * @param limit more nodes than this means a cycle that misses the head
   * @return the number of nodes
   * @throws AssertionError naming the node where {@code prev[next[x]] != x}, or the cycle
   */
  public static int checkedLength(int[] next, int[] prev, int head, int limit) {
    int count = 0;
    int p = head;
    for (int x = next[head]; x != head; x = next[x]) {
      if (prev[x] != p) {
        throw new AssertionError(
            "list " + head + " broken at node " + x + ": prev " + prev[x] + ", expected " + p);
      }
      p = x;
      if (++count > limit) {
        throw new AssertionError("list " + head + " has more than " + limit + " nodes: a cycle");
      }
    }
    if (prev[head] != p) {
      throw new AssertionError(
          "list " + head + ": prev of the head is " + prev[head] + ", the last node is " + p);
    }
    return count;
  }
}
