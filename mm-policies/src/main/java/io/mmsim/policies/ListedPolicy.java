package io.mmsim.policies;

import io.mmsim.api.reclaim.ReplacementPolicy;

/*
 * What the policies built on PageLists share (arc, 2q, s3fifo, sieve, mru), so that each of them
 * holds only its algorithm: where a page goes on a hit, a miss and a ghost hit, and which page is
 * the victim.
 *
 *   lists 0 .. residentLists-1   resident pages (T1/T2, A1in/Am, S/M, SIEVE's queue, MRU's list)
 *   lists residentLists ..       ghosts: evicted pages the policy remembers (B1/B2, A1out, G)
 *
 * Shared: the name, wantsEveryReference, the capacity (setCapacity checks it and lets the policy
 * size its lists), the pgscan counter, "already resident" checks, ghost revival, ghost trimming,
 * remove, resident, contains and the lists' invariants. Every method is O(1) (one index probe at
 * most) except trim, which drops what is beyond a bound.
 */
abstract sealed class ListedPolicy implements ReplacementPolicy
    permits ArcPolicy, TwoQueuePolicy, S3FifoPolicy, SievePolicy, MruPolicy {
  /** The policy's pages: resident lists first, then ghost lists. */
  final PageLists pages;

  /** The frames given to setCapacity; 0 until then. */
  long capacity;

  /** Pages examined by victim() so far (vmstat pgscan); the policies count it. */
  long scanned;

  private final String name;
  private final int residentLists;

  ListedPolicy(String name, int lists, int residentLists, int expected) {
    this.name = name;
    this.residentLists = residentLists;
    pages = new PageLists(lists, expected);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final boolean wantsEveryReference() {
    return true;
  }

  @Override
  public final void setCapacity(long frames) {
    if (frames < 1) {
      throw new IllegalArgumentException(name + ": capacity " + frames + " is not positive");
    }
    capacity = frames;
    sizeLists(frames);
  }

  /** Sizes the policy's lists for {@code frames} frames; nothing by default. */
  void sizeLists(long frames) {}

  /** True when node {@code n} is a ghost (on a list past the resident ones). */
  final boolean isGhost(int n) {
    return pages.listOf(n) >= residentLists;
  }

  /**
   * The ghost node of {@code page}, or {@link PageLists#NIL} when the page is unknown.
   *
   * @throws IllegalArgumentException when the page is resident (nothing changes)
   */
  final int ghostOf(long page) {
    int n = pages.find(page);
    if (n != PageLists.NIL && !isGhost(n)) {
      throw new IllegalArgumentException(name + ": page " + page + " is already resident");
    }
    return n;
  }

  /**
   * A node for {@code page} on no list: its ghost taken off its list, or a new node.
   *
   * @throws IllegalArgumentException when the page is resident (nothing changes)
   */
  final int reviveOrAdd(long page) {
    int n = ghostOf(page);
    if (n == PageLists.NIL) {
      return pages.add(page);
    }
    pages.unlink(n);
    return n;
  }

  /**
   * A new node for {@code page} on no list, for a policy without ghosts: one index probe.
   *
   * @throws IllegalArgumentException when the page is known already (nothing changes)
   */
  final int track(long page) {
    int n = pages.addIfAbsent(page);
    if (n == PageLists.NIL) {
      throw new IllegalArgumentException(name + ": page " + page + " is already resident");
    }
    return n;
  }

  /** Forgets the oldest entries of list {@code l} while it holds more than {@code max}. */
  final void trim(int l, long max) {
    while (pages.size(l) > max) {
      pages.drop(pages.tail(l));
    }
  }

  /**
   * The start of victim(): false when nothing is resident; a policy never told its capacity learns
   * it as the pages resident now.
   */
  final boolean anyResident() {
    if (resident() == 0) {
      return false;
    }
    if (capacity == 0) {
      setCapacity(resident());
    }
    return true;
  }

  /** A resident page leaving other than by eviction is forgotten; ghosts and others stay. */
  @Override
  public void remove(long page) {
    int n = pages.find(page);
    if (n != PageLists.NIL && !isGhost(n)) {
      pages.drop(n);
    }
  }

  @Override
  public final long resident() {
    long r = 0;
    for (int l = 0; l < residentLists; l++) {
      r += pages.size(l);
    }
    return r;
  }

  @Override
  public final boolean contains(long page) {
    int n = pages.find(page);
    return n != PageLists.NIL && !isGhost(n);
  }

  @Override
  public final long scanned() {
    return scanned;
  }

  @Override
  public final void checkInvariants() {
    pages.checkInvariants(name);
    checkOwn();
  }

  /** The policy's own invariants beyond its lists'; none by default. */
  void checkOwn() {}
}
