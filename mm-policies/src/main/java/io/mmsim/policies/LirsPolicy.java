package io.mmsim.policies;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.mmsim.api.Statistics;
import io.mmsim.api.reclaim.ReplacementPolicy;

/*
 * LIRS, low inter-reference recency set: Jiang and Zhang, "LIRS: An Efficient Low Inter-reference
 * Recency Set Replacement Policy to Improve Buffer Cache Performance", SIGMETRICS '02.
 *
 * A page is LIR (hot: its last two references were close) or HIR; HIR pages may be resident or
 * not (remembered only). L = N - h frames hold LIR pages, h = max(1, hir-ratio * N) hold resident
 * HIR pages.
 *
 *   S   the LIRS stack: LIR pages and recently referenced HIR pages (resident or not), newest on
 *       top; "pruning" pops HIR entries off the bottom so that the bottom is always LIR
 *   Q   the resident HIR pages in LRU order: victims come from its end
 *   NH  the non-resident HIR pages of S, in the order they left memory: when S holds more than
 *       stack-ratio * N entries, the oldest of them are forgotten
 *
 *   hit, LIR page                 to the top of S; prune
 *   hit, resident HIR in S        becomes LIR (its reference distance beat the bottom LIR's): off
 *                                 Q, to the top of S; while LIR pages exceed L, the bottom LIR page
 *                                 becomes resident HIR at Q's head; prune
 *   hit, resident HIR not in S    stays HIR: to Q's head and the top of S
 *   miss, evict                   Q's LRU page leaves memory (if in S it stays as non-resident)
 *   miss, page non-resident in S  becomes LIR at the top of S (demoting bottom LIR pages as above)
 *   miss, page unknown            LIR while fewer than L pages are LIR, else resident HIR (top of
 *                                 S and Q's head)
 *
 * Parity: libCacheSim's LIRS.c with its default hirs ratio 0.01 (h = max(1, 1 % of N)) and its
 * bound of 2N entries on S, forgetting non-resident entries in the order they left memory (the
 * paper leaves both open). The code is followed where it differs from the paper: a page never
 * seen enters as LIR while LIR pages number fewer than L, even after the cache first filled.
 *
 * Variant (lirs.variant). LIRS.c and the paper disagree on a hit to a resident HIR page that is
 * not in S. The paper leaves the LIR set alone. LIRS.c demotes the bottom LIR page first, as for a
 * page in S, and that demotion makes room in Q by evicting Q's LRU page:
 *
 *   libcachesim (default)  LIRS.c's behaviour. With Q full (h = 1 below 200 frames) the page
 *                          pushed out of Q is the one being hit; LIRS.c then puts it on S still
 *                          marked resident but counted in neither set ("uncounted" here). It
 *                          answers hits until it is referenced again (it becomes LIR and is counted)
 *                          or pruned off S's bottom (then it is forgotten and leaves memory). So
 *                          LIRS.c holds N + 1 to N + 3 pages for stretches (no fixed bound): on
 *                          8 3 5 2 4 4 8 6 2 3 6 8 4 5 with N = 5 it misses only the first
 *                          reference of each of its 6 pages. This policy does the same and says so
 *                          through overCapacity(): the uncounted pages are allowed beyond the
 *                          capacity, so the caller evicts only when L + h pages are counted. A page
 *                          the policy lets go on its own (an uncounted page pruned off S, or Q's
 *                          LRU page evicted by a demotion on a hit when h > 1) goes on a list of
 *                          released pages (still resident and contained, no longer in any list of
 *                          LIRS) that the next victim() calls return first; the caller
 *                          takes them right after the reference (overCapacity() then says how many
 *                          pages LIRS.c still holds). Under rss.limit a process may thus hold a few
 *                          pages more than its limit, exactly those LIRS.c would hit on; global
 *                          reclaim can evict them like any other page (remove() forgets them).
 *                          Outside a reference (remove(), victim()) an uncounted page pruned off S
 *                          stays resident at Q's LRU end instead: LIRS.c knows no unmapping, and a
 *                          page the caller is not told of at once must not leave.
 *   paper                  the hit moves the page to Q's head and the top of S and demotes
 *                          nothing, so the policy never holds more than N pages; its counts equal
 *                          LIRS.c with that one demotion loop (in hit_RD_HIRinQ) removed.
 *
 * With one frame (L = 0) no page can become LIR; pages stay resident HIR. With one or two frames
 * the libcachesim variant acts as paper: there LIRS.c's counters go wrong (with one frame its LIR
 * count wraps below zero; with two, a demotion on such a hit leaves S without a LIR page, and its
 * next demotion takes an HIR entry off S's bottom for a LIR one and counts it so).
 * Invariants: LIR pages are in S and not in Q; resident HIR pages are in Q, or in S alone when
 * uncounted (libcachesim only); non-resident pages are in S and in NH; S's bottom is LIR whenever a
 * LIR page exists; counts match the lists; released pages are indexed nowhere.
 */
final class LirsPolicy implements ReplacementPolicy {
  private static final int NIL = -1;
  private static final byte LIR = 1;
  private static final byte HIR = 2;
  private static final byte NONRESIDENT = 3;
  private static final byte NONE = 0;
  private static final byte IN_Q = 1;
  private static final byte IN_NH = 2;

  private final double hirRatio;
  private final double stackRatio;
  private final boolean libCacheSimVariant;
  private boolean libCacheSim; // the variant, from 3 frames on (see the header)
  private final PageIndex index;
  private long[] key;
  private byte[] state;
  private boolean[] inStack;
  private int[] up; // toward the top of S
  private int[] down; // toward the bottom of S
  private byte[] queue; // NONE, IN_Q or IN_NH
  private int[] newer; // on Q or NH
  private int[] older;
  private int freeNode = NIL;
  private int highWater;

  private int top = NIL;
  private int bottom = NIL;
  private int stackSize;
  private int qHead = NIL;
  private int qTail = NIL;
  private int qSize;
  private int nhHead = NIL;
  private int nhTail = NIL;
  private int nhSize;
  private long lirs;
  private long uncounted; // libcachesim: resident HIR pages in S but not in Q
  private long[] released = new long[4]; // pages let go on the policy's own, for victim()
  private int releasedCount;
  private int hitNode = NIL; // the page a hit is being made on (LIRS.c may push it out of Q)
  private boolean inReference; // within access() or insert(): LIRS.c's rules for letting go apply

  private long capacity;
  private long lirLimit = Long.MAX_VALUE;
  private long hirLimit = 1;
  private long stackLimit = Long.MAX_VALUE;
  private long scanned;
  private long promotions;
  private long demotions;

  LirsPolicy(double hirRatio, double stackRatio, boolean libCacheSim, int expected) {
    this.hirRatio = hirRatio;
    this.stackRatio = stackRatio;
    this.libCacheSimVariant = libCacheSim;
    int cap = Math.max(16, expected);
    index = new PageIndex(cap);
    key = new long[cap];
    state = new byte[cap];
    inStack = new boolean[cap];
    up = new int[cap];
    down = new int[cap];
    queue = new byte[cap];
    newer = new int[cap];
    older = new int[cap];
  }

  @Override
  public String name() {
    return "lirs";
  }

  @Override
  public boolean wantsEveryReference() {
    return true;
  }

  @Override
  public void setCapacity(long frames) {
    if (frames < 1) {
      throw new IllegalArgumentException("lirs: capacity " + frames + " is not positive");
    }
    capacity = frames;
    hirLimit = Math.max(1, PolicySettings.share(frames, hirRatio));
    lirLimit = Math.max(0, frames - hirLimit);
    stackLimit = PolicySettings.share(frames, stackRatio);
    libCacheSim = libCacheSimVariant && lirLimit >= 2;
    while (lirs > lirLimit) {
      demoteBottom();
    }
  }

  // ---------------------------------------------------------------- references

  @Override
  public void access(long page) {
    inReference = true;
    try {
      reference(page);
    } finally {
      inReference = false;
    }
  }

  private void reference(long page) {
    int n = index.get(page);
    if (n == PageIndex.NONE || state[n] == NONRESIDENT) {
      return;
    }
    if (state[n] == LIR) {
      stackToTop(n);
      prune();
    } else if (inStack[n]) {
      stackToTop(n);
      if (lirLimit >= 1) {
        if (queue[n] == IN_Q) {
          queueUnlink(n);
        } else {
          uncounted--; // an uncounted page referenced again: LIR and counted from now on
        }
        while (lirs + 1 > lirLimit && lirs > 0) {
          demoteBottom();
        }
        state[n] = LIR;
        lirs++;
        promotions++;
        prune(); // S may have had no LIR page under it (after removals)
      } else {
        queueToHead(n);
      }
    } else {
      queueToHead(n);
      if (libCacheSim && lirs > 0 && lirs + 1 > lirLimit) {
        hitNode = n; // hit_RD_HIRinQ: the demotion may push this very page out of Q
        demoteBottom();
        hitNode = NIL;
      }
      stackPush(n);
    }
    limitStack();
  }

  @Override
  public void insert(long page) {
    int n = index.get(page);
    if ((n != PageIndex.NONE && state[n] != NONRESIDENT) || released(page) >= 0) {
      throw new IllegalArgumentException("lirs: page " + page + " is already resident");
    }
    inReference = true;
    try {
      fault(page, n);
    } finally {
      inReference = false;
    }
  }

  private void fault(long page, int n) {
    if (n != PageIndex.NONE) { // remembered in S: its reuse distance makes it LIR
      stackToTop(n);
      queueUnlink(n);
      if (lirLimit >= 1) {
        while (lirs + 1 > lirLimit && lirs > 0) {
          demoteBottom();
        }
        state[n] = LIR;
        lirs++;
        promotions++;
        prune();
      } else {
        state[n] = HIR;
        queuePush(IN_Q, n);
      }
    } else {
      n = newNode(page);
      stackPush(n);
      if (lirs + 1 <= lirLimit) {
        state[n] = LIR;
        lirs++;
        prune();
      } else {
        state[n] = HIR;
        queuePush(IN_Q, n);
      }
    }
    limitStack();
  }

  @Override
  public long victim(ReferenceBits bits) {
    if (resident() == 0) {
      return NO_VICTIM;
    }
    if (releasedCount > 0) {
      scanned++;
      long page = released[0];
      releasedCount--;
      System.arraycopy(released, 1, released, 0, releasedCount);
      return page;
    }
    if (capacity == 0) {
      setCapacity(resident());
    }
    if (qSize == 0 && lirs == 0) {
      return takeUncounted(); // only after removals: the uncounted pages are all that is left
    }
    if (qSize == 0) {
      demoteBottom(); // only after removals: every resident page is LIR
    }
    scanned++;
    int n = qTail;
    long page = key[n];
    queueUnlink(n);
    if (inStack[n]) {
      state[n] = NONRESIDENT;
      queuePush(IN_NH, n);
    } else {
      forget(n);
    }
    return page;
  }

  /** A page reclaim could not evict becomes resident HIR again, at Q's head. */
  @Override
  public void putBack(long page) {
    int n = index.get(page);
    if ((n != PageIndex.NONE && state[n] != NONRESIDENT) || released(page) >= 0) {
      throw new IllegalArgumentException("lirs: page " + page + " is already resident");
    }
    if (n == PageIndex.NONE) {
      n = newNode(page);
      stackPush(n);
    } else {
      queueUnlink(n);
    }
    state[n] = HIR;
    queuePush(IN_Q, n);
  }

  @Override
  public void remove(long page) {
    int n = index.get(page);
    if (n == PageIndex.NONE || state[n] == NONRESIDENT) {
      unrelease(page);
      return;
    }
    if (state[n] == LIR) {
      stackUnlink(n);
      lirs--;
      forget(n);
      prune();
    } else {
      if (queue[n] == NONE) {
        uncounted--;
      }
      if (inStack[n]) {
        stackUnlink(n);
      }
      queueUnlink(n);
      forget(n);
    }
  }

  /**
   * The pages LIRS.c holds beyond the frames (libcachesim): the uncounted ones, or, while pages the
   * policy let go wait for the caller's victim() calls, the pages it holds minus the frames.
   */
  @Override
  public long overCapacity() {
    if (!libCacheSim) {
      return 0;
    }
    return releasedCount == 0 ? uncounted : lirs + qSize + uncounted - capacity;
  }

  // ---------------------------------------------------------------- LIRS steps

  /** The bottom LIR page becomes resident HIR at Q's head; then S is pruned. */
  private void demoteBottom() {
    int b = bottom;
    assert b != NIL && state[b] == LIR : "lirs: the bottom of S is not LIR";
    stackUnlink(b);
    state[b] = HIR;
    lirs--;
    demotions++;
    if (libCacheSim && inReference) {
      while (qSize + 1 > hirLimit && qTail != NIL) {
        evictHir(); // LIRS.c's evictLIR makes room in Q first
      }
    }
    queuePush(IN_Q, b);
    prune();
  }

  /** Q's LRU page leaves memory on the policy's own (libcachesim: a demotion needed its slot). */
  private void evictHir() {
    int n = qTail;
    queueUnlink(n);
    if (n == hitNode) {
      uncounted++; // the page being hit: LIRS.c keeps it resident, counted in neither set
    } else if (inStack[n]) {
      state[n] = NONRESIDENT;
      queuePush(IN_NH, n);
      letGo(key[n]);
    } else {
      letGo(key[n]);
      forget(n);
    }
  }

  /** The uncounted page nearest S's bottom leaves memory (victim() with nothing else resident). */
  private long takeUncounted() {
    int n = bottom;
    while (state[n] != HIR || queue[n] != NONE) {
      n = up[n];
    }
    long page = key[n];
    stackUnlink(n);
    uncounted--;
    forget(n);
    prune();
    scanned++;
    return page;
  }

  /** Puts {@code page} on the list of released pages that victim() hands to the caller. */
  private void letGo(long page) {
    if (releasedCount == released.length) {
      released = Arrays.copyOf(released, releasedCount * 2);
    }
    released[releasedCount++] = page;
  }

  /** Where {@code page} is on the released list, or -1. */
  private int released(long page) {
    for (int i = 0; i < releasedCount; i++) {
      if (released[i] == page) {
        return i;
      }
    }
    return -1;
  }

  /** Takes {@code page} off the released list, if it is there. */
  private void unrelease(long page) {
    int i = released(page);
    if (i >= 0) {
      releasedCount--;
      System.arraycopy(released, i + 1, released, i, releasedCount - i);
    }
  }

  /** Pops HIR entries off the bottom of S until a LIR page (or the top) is there. */
  private void prune() {
    while (bottom != top && state[bottom] != LIR) {
      int b = bottom;
      stackUnlink(b);
      if (state[b] == NONRESIDENT) {
        queueUnlink(b);
        forget(b);
      } else if (queue[b] == NONE) {
        uncounted--;
        if (inReference) { // an uncounted page leaves S: LIRS.c forgets it, so it leaves memory
          letGo(key[b]);
          forget(b);
        } else { // after remove() or a victim(): it stays resident, the next HIR victim
          queueAppend(b);
        }
      }
    }
  }

  /** Forgets the oldest non-resident pages while S holds more than its bound. */
  private void limitStack() {
    while (stackSize > stackLimit && nhTail != NIL) {
      int n = nhTail;
      queueUnlink(n);
      stackUnlink(n);
      forget(n);
    }
  }

  // ---------------------------------------------------------------- nodes and lists

  private int newNode(long page) {
    int n;
    if (freeNode != NIL) {
      n = freeNode;
      freeNode = older[n];
    } else {
      if (highWater == key.length) {
        grow();
      }
      n = highWater++;
    }
    key[n] = page;
    inStack[n] = false;
    queue[n] = NONE;
    index.put(page, n);
    return n;
  }

  private void forget(int n) {
    assert !inStack[n] && queue[n] == NONE : "lirs: forgetting a listed node";
    index.remove(key[n]);
    older[n] = freeNode;
    freeNode = n;
  }

  private void grow() {
    int cap = key.length * 2;
    key = Arrays.copyOf(key, cap);
    state = Arrays.copyOf(state, cap);
    inStack = Arrays.copyOf(inStack, cap);
    up = Arrays.copyOf(up, cap);
    down = Arrays.copyOf(down, cap);
    queue = Arrays.copyOf(queue, cap);
    newer = Arrays.copyOf(newer, cap);
    older = Arrays.copyOf(older, cap);
  }

  private void stackPush(int n) {
    up[n] = NIL;
    down[n] = top;
    if (top == NIL) {
      bottom = n;
    } else {
      up[top] = n;
    }
    top = n;
    inStack[n] = true;
    stackSize++;
  }

  private void stackUnlink(int n) {
    int u = up[n];
    int d = down[n];
    if (u == NIL) {
      top = d;
    } else {
      down[u] = d;
    }
    if (d == NIL) {
      bottom = u;
    } else {
      up[d] = u;
    }
    inStack[n] = false;
    stackSize--;
  }

  private void stackToTop(int n) {
    if (top != n) {
      stackUnlink(n);
      stackPush(n);
    }
  }

  private void queuePush(byte which, int n) {
    int h = which == IN_Q ? qHead : nhHead;
    newer[n] = NIL;
    older[n] = h;
    if (h != NIL) {
      newer[h] = n;
    }
    if (which == IN_Q) {
      qHead = n;
      if (qTail == NIL) {
        qTail = n;
      }
      qSize++;
    } else {
      nhHead = n;
      if (nhTail == NIL) {
        nhTail = n;
      }
      nhSize++;
    }
    queue[n] = which;
  }

  /** Puts {@code n} at Q's LRU end. */
  private void queueAppend(int n) {
    newer[n] = qTail;
    older[n] = NIL;
    if (qTail != NIL) {
      older[qTail] = n;
    } else {
      qHead = n;
    }
    qTail = n;
    qSize++;
    queue[n] = IN_Q;
  }

  private void queueUnlink(int n) {
    byte which = queue[n];
    if (which == NONE) {
      return;
    }
    int p = newer[n];
    int o = older[n];
    if (p != NIL) {
      older[p] = o;
    } else if (which == IN_Q) {
      qHead = o;
    } else {
      nhHead = o;
    }
    if (o != NIL) {
      newer[o] = p;
    } else if (which == IN_Q) {
      qTail = p;
    } else {
      nhTail = p;
    }
    if (which == IN_Q) {
      qSize--;
    } else {
      nhSize--;
    }
    queue[n] = NONE;
  }

  private void queueToHead(int n) {
    if (qHead != n) {
      queueUnlink(n);
      queuePush(IN_Q, n);
    }
  }

  // ---------------------------------------------------------------- views

  /** "LIR", "HIR", "non-resident" or null (for tests). */
  String status(long page) {
    int n = index.get(page);
    if (n == PageIndex.NONE) {
      return null;
    }
    return state[n] == LIR ? "LIR" : state[n] == HIR ? "HIR" : "non-resident";
  }

  /** True when the page has an entry in S (for tests). */
  boolean inStack(long page) {
    int n = index.get(page);
    return n != PageIndex.NONE && inStack[n];
  }

  @Override
  public long resident() {
    return lirs + qSize + uncounted + releasedCount;
  }

  @Override
  public boolean contains(long page) {
    int n = index.get(page);
    if (n != PageIndex.NONE) {
      return state[n] != NONRESIDENT;
    }
    return releasedCount != 0 && released(page) >= 0; // resident until victim() hands it over
  }

  @Override
  public long scanned() {
    return scanned;
  }

  @Override
  public Statistics statistics() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("pgscan", scanned);
    m.put("nr_lir", lirs);
    m.put("nr_hir_resident", (long) qSize);
    m.put("nr_hir_nonresident", (long) nhSize);
    m.put("nr_hir_uncounted", uncounted);
    m.put("stack_entries", (long) stackSize);
    m.put("promotions", promotions);
    m.put("demotions", demotions);
    return new Statistics(m);
  }

  @Override
  public void checkInvariants() {
    index.checkInvariants();
    long lirSeen = 0;
    long uncountedSeen = 0;
    int count = 0;
    int prev = NIL;
    for (int n = top; n != NIL; n = down[n]) {
      if (up[n] != prev || !inStack[n] || index.get(key[n]) != n) {
        throw new AssertionError("lirs: S broken at page " + key[n]);
      }
      if (state[n] == LIR) {
        lirSeen++;
        if (queue[n] != NONE) {
          throw new AssertionError("lirs: LIR page " + key[n] + " is on a queue");
        }
      } else if (state[n] == HIR && queue[n] == NONE) {
        uncountedSeen++;
      }
      prev = n;
      if (++count > highWater) {
        throw new AssertionError("lirs: S has a cycle");
      }
    }
    if (prev != bottom || count != stackSize || lirSeen != lirs) {
      throw new AssertionError(
          "lirs: S holds "
              + count
              + " entries and "
              + lirSeen
              + " LIR pages; counts say "
              + stackSize
              + " and "
              + lirs);
    }
    if (uncountedSeen != uncounted || (!libCacheSim && uncounted != 0)) {
      throw new AssertionError(
          "lirs: " + uncountedSeen + " uncounted HIR pages in S, count says " + uncounted);
    }
    for (int i = 0; i < releasedCount; i++) {
      if (index.get(released[i]) != PageIndex.NONE) {
        throw new AssertionError("lirs: released page " + released[i] + " is still indexed");
      }
    }
    if (lirs > 0 && state[bottom] != LIR) {
      throw new AssertionError("lirs: the bottom of S, page " + key[bottom] + ", is not LIR");
    }
    checkQueue(IN_Q, qHead, qTail, qSize, HIR);
    checkQueue(IN_NH, nhHead, nhTail, nhSize, NONRESIDENT);
    if (index.size() != lirs + qSize + nhSize + uncounted) {
      throw new AssertionError(
          "lirs: "
              + index.size()
              + " pages indexed, "
              + (lirs + qSize + nhSize + uncounted)
              + " listed");
    }
  }

  private void checkQueue(byte which, int head, int tail, int size, byte st) {
    int count = 0;
    int prev = NIL;
    for (int n = head; n != NIL; n = older[n]) {
      if (newer[n] != prev || queue[n] != which || state[n] != st) {
        throw new AssertionError("lirs: queue " + which + " broken at page " + key[n]);
      }
      if (st == NONRESIDENT && !inStack[n]) {
        throw new AssertionError("lirs: non-resident page " + key[n] + " is not in S");
      }
      prev = n;
      if (++count > highWater) {
        throw new AssertionError("lirs: queue " + which + " has a cycle");
      }
    }
    if (prev != tail || count != size) {
      throw new AssertionError("lirs: queue " + which + " holds " + count + ", size " + size);
    }
  }
}
