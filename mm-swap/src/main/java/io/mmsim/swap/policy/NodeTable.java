package io.mmsim.swap.policy;

import java.util.Arrays;

import io.mmsim.api.util.IntList;
import io.mmsim.api.util.LongLongHashMap;

/**
 * The resident pages of a list-based policy: one node per page in parallel primitive arrays, an
 * index from page key to node, and up to {@value #MAX_LISTS} doubly linked lists threaded through
 * the nodes (FIFO order, LRU order, the clock's circle, the kernel's active and inactive lists, the
 * multi-gen LRU's generations per type).
 *
 * <pre>
 *   node:  key[n]  prev[n]  next[n]  list[n]  flags[n]  type[n]   n >= MAX_LISTS
 *   list l: the IntList whose head is the sentinel node l     0 <= l < MAX_LISTS
 *           oldest = next[l] -> ... next ... -> newest = prev[l]
 *   free nodes: a stack threaded through next[], from freeHead
 * </pre>
 *
 * <p>Keys below {@link #denseKeysBelow}'s limit (frame numbers, when the policy tracks a whole
 * machine's pages) are indexed by a plain array, {@code dense[key] = node + 1}, grown by doubling
 * up to the limit: a page becoming resident costs an array store instead of a hash probe into a
 * table of all resident pages (a cache miss per fault once it outgrows the caches). Other keys
 * (virtual page numbers) go to the hash map.
 *
 * <p>Invariants: every tracked key's node is on exactly one list; {@code size[l]} is the length of
 * list l and {@code fileSize[l]} the number of its nodes of type 1 (file pages); a free node's list
 * is {@link #FREE}. Arrays double when full; nothing else allocates. A one-entry memo of the last
 * hashed key looked up (found or not; insertion and release of that key keep it true) makes the
 * driver's contains-then-access pair of a hit cost one probe.
 */
final class NodeTable {
  static final int NIL = -1;
  static final int MAX_LISTS = 8;
  static final byte FREE = -1;

  private final LongLongHashMap index;
  private int[] dense = new int[0];
  private int denseLimit;
  private int denseCount;
  private long[] key;
  private int[] prev;
  private int[] next;
  private byte[] list;
  private byte[] flags;
  private byte[] type;
  private int freeHead = NIL;

  // the last hashed key looked up, found or not: a hit's contains() and access() cost one probe
  // together, a miss's contains() and insert() one probe before the insertion
  private long memoKey;
  private int memoNode = NIL;
  private boolean memoValid;
  private int highWater = MAX_LISTS;
  private final int[] size = new int[MAX_LISTS];
  private final int[] fileSize = new int[MAX_LISTS];

  NodeTable(int expected) {
    int cap = Math.max(16, expected + MAX_LISTS);
    index = new LongLongHashMap(cap, NIL);
    key = new long[cap];
    prev = new int[cap];
    next = new int[cap];
    list = new byte[cap];
    flags = new byte[cap];
    type = new byte[cap];
    for (int l = 0; l < MAX_LISTS; l++) {
      IntList.init(next, prev, l);
    }
  }

  /**
   * Indexes keys in {@code [0, limit)} by array (at most 4 bytes a key, grown as keys arrive); only
   * while nothing is tracked.
   */
  void denseKeysBelow(long limit) {
    if (tracked() != 0) {
      throw new IllegalStateException("the index changes only while no page is tracked");
    }
    denseLimit = (int) Math.max(0, Math.min(limit, Integer.MAX_VALUE - 8));
    memoValid = false;
  }

  /** The node of {@code k}, or {@link #NIL}. */
  int find(long k) {
    if (Long.compareUnsigned(k, denseLimit) < 0) {
      int[] d = dense;
      return k < d.length ? d[(int) k] - 1 : NIL;
    }
    if (k == memoKey && memoValid) {
      return memoNode;
    }
    int n = (int) index.get(k);
    memoKey = k;
    memoNode = n;
    memoValid = true;
    return n;
  }

  /** Number of tracked keys. */
  int tracked() {
    return index.size() + denseCount;
  }

  /**
   * A new node for {@code k} (not yet on any list), or {@link #NIL} when {@code k} is already
   * tracked (nothing changes then): one hash probe for the check and the insertion together.
   */
  int addIfAbsent(long k) {
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
    if (!indexIfAbsent(k, n)) {
      next[n] = freeHead; // give the node back
      freeHead = n;
      return NIL;
    }
    key[n] = k;
    flags[n] = 0;
    type[n] = 0;
    list[n] = FREE;
    return n;
  }

  /** Forgets node {@code n}, which must be off every list. */
  void release(int n) {
    assert list[n] == FREE : "node " + n + " still on list " + list[n];
    long k = key[n];
    if (Long.compareUnsigned(k, denseLimit) < 0) {
      dense[(int) k] = 0;
      denseCount--;
    } else {
      index.remove(k);
      if (k == memoKey) {
        memoNode = NIL;
      }
    }
    next[n] = freeHead;
    freeHead = n;
  }

  /** Indexes {@code k} as node {@code n}; false when {@code k} is indexed already. */
  private boolean indexIfAbsent(long k, int n) {
    if (Long.compareUnsigned(k, denseLimit) >= 0) {
      if (index.putIfAbsent(k, n) != NIL) {
        return false;
      }
      if (k == memoKey) {
        memoNode = n;
      }
      return true;
    }
    int i = (int) k;
    if (i >= dense.length) {
      dense = Arrays.copyOf(dense, (int) Math.min(denseLimit, Math.max(i + 1L, 2L * dense.length)));
    }
    if (dense[i] != 0) {
      return false;
    }
    dense[i] = n + 1;
    denseCount++;
    return true;
  }

  long key(int n) {
    return key[n];
  }

  int flags(int n) {
    return flags[n];
  }

  void setFlags(int n, int f) {
    flags[n] = (byte) f;
  }

  /** The page type of node {@code n}: 0 anon, 1 file. */
  int type(int n) {
    return type[n];
  }

  /** Sets the page type of node {@code n}, which must be off every list. */
  void setType(int n, int t) {
    assert list[n] == FREE && (t == 0 || t == 1) : "node " + n + " type " + t;
    type[n] = (byte) t;
  }

  /** File pages on list {@code l}. */
  int fileSize(int l) {
    return fileSize[l];
  }

  int listOf(int n) {
    return list[n];
  }

  /** The oldest node of list {@code l}, or {@link #NIL} when it is empty. */
  int oldest(int l) {
    int n = next[l];
    return n == l ? NIL : n;
  }

  /** The newest node of list {@code l}, or {@link #NIL} when it is empty. */
  int newest(int l) {
    int n = prev[l];
    return n == l ? NIL : n;
  }

  int size(int l) {
    return size[l];
  }

  /** Appends node {@code n} (off every list) as the newest of list {@code l}. */
  void pushNewest(int l, int n) {
    assert list[n] == FREE : "node " + n + " already on list " + list[n];
    IntList.addTail(next, prev, l, n);
    list[n] = (byte) l;
    size[l]++;
    fileSize[l] += type[n];
  }

  /** Puts node {@code n} (off every list) as the oldest of list {@code l}. */
  void pushOldest(int l, int n) {
    assert list[n] == FREE : "node " + n + " already on list " + list[n];
    IntList.addHead(next, prev, l, n);
    list[n] = (byte) l;
    size[l]++;
    fileSize[l] += type[n];
  }

  /** Takes node {@code n} off its list. */
  void unlink(int n) {
    int l = list[n];
    assert l != FREE : "node " + n + " is on no list";
    IntList.del(next, prev, n);
    list[n] = FREE;
    size[l]--;
    fileSize[l] -= type[n];
  }

  /** Moves node {@code n} to the newest end of list {@code l}. */
  void moveToNewest(int l, int n) {
    if (list[n] == l) {
      if (prev[l] != n) {
        IntList.moveTail(next, prev, l, n);
      }
      return;
    }
    unlink(n);
    pushNewest(l, n);
  }

  private void grow() {
    int cap = key.length * 2;
    key = Arrays.copyOf(key, cap);
    prev = Arrays.copyOf(prev, cap);
    next = Arrays.copyOf(next, cap);
    list = Arrays.copyOf(list, cap);
    flags = Arrays.copyOf(flags, cap);
    type = Arrays.copyOf(type, cap);
  }

  /** Walks every list and checks links, sizes and the index. */
  void checkInvariants(int lists) {
    index.checkInvariants();
    if (memoValid
        && Long.compareUnsigned(memoKey, denseLimit) >= 0
        && index.get(memoKey) != memoNode) {
      throw new AssertionError("the memo of key " + memoKey + " is stale");
    }
    int onLists = 0;
    for (int l = 0; l < lists; l++) {
      int count = IntList.checkedLength(next, prev, l, highWater);
      int files = 0;
      for (int n = next[l]; n != l; n = next[n]) {
        files += type[n];
        if (n < MAX_LISTS || list[n] != l) {
          throw new AssertionError("list " + l + " holds node " + n + " of list " + list[n]);
        }
        if (find(key[n]) != n) {
          throw new AssertionError("node " + n + " key " + key[n] + " not indexed");
        }
      }
      if (count != size[l] || files != fileSize[l]) {
        throw new AssertionError(
            "list "
                + l
                + " size "
                + size[l]
                + " ("
                + fileSize[l]
                + " file) but "
                + count
                + " nodes ("
                + files
                + " file)");
      }
      onLists += count;
    }
    int denseKeys = 0;
    for (int v : dense) {
      denseKeys += v != 0 ? 1 : 0;
    }
    if (denseKeys != denseCount || onLists != tracked()) {
      throw new AssertionError(
          onLists
              + " nodes on lists but "
              + index.size()
              + " hashed and "
              + denseKeys
              + " array-indexed keys (counted "
              + denseCount
              + ")");
    }
  }
}
