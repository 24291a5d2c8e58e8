package io.mmsim.swap.policy;

import io.mmsim.api.reclaim.ReplacementPolicy;

/*
 * What the list-based replacement policies (fifo, lru, clock, linux) share, so that each of them
 * holds only its own algorithm: where a new page goes, what a reference does and how a victim is
 * chosen.
 *
 * Shared: the NodeTable of resident pages (one node per page, threaded on the policy's lists), the
 * "already resident" check of insert, remove (a page leaving other than by eviction is taken off
 * its list and forgotten), eviction of a chosen node, the pgscan counter, and resident / contains
 * / checkInvariants over the table.
 * Invariants: the NodeTable's (every tracked page on exactly one of the first `lists` lists, the
 * index and the lists agree); scanned only grows.
 * Cost: every method here is final and O(1) (one hash probe at most), so a policy's per-reference
 * path is the same as if it were written out in the policy.
 */
abstract sealed class ListPolicy implements ReplacementPolicy
    permits FifoPolicy, LruPolicy, ClockPolicy, LinuxPolicy, MglruPolicy {
  /** The resident pages and the policy's lists. */
  final NodeTable nodes;

  /** Pages examined by victim() so far (vmstat pgscan); the policies count it. */
  long scanned;

  private final String name;
  private final int lists;

  /**
   * @param name the provider name, also used in error messages
   * @param lists how many of the NodeTable's lists the policy uses
   * @param expected initial table size
   */
  ListPolicy(String name, int lists, int expected) {
    assert lists >= 1 && lists <= NodeTable.MAX_LISTS : lists;
    this.name = name;
    this.lists = lists;
    this.nodes = new NodeTable(expected);
  }

  @Override
  public final String name() {
    return name;
  }

  /**
   * A new node, on no list yet, for a page that becomes resident.
   *
   * @throws IllegalArgumentException when the page is already tracked (nothing changes)
   */
  final int track(long page) {
    int n = nodes.addIfAbsent(page);
    if (n == NodeTable.NIL) {
      throw new IllegalArgumentException(name + ": page " + page + " is already resident");
    }
    return n;
  }

  @Override
  public final void remove(long page) {
    int n = nodes.find(page);
    if (n != NodeTable.NIL) {
      nodes.unlink(n);
      nodes.release(n);
    }
  }

  /** Takes node {@code n} off its list, forgets it and returns its page: the victim. */
  final long evict(int n) {
    long page = nodes.key(n);
    nodes.unlink(n);
    nodes.release(n);
    return page;
  }

  /**
   * Evicts the oldest page of list {@code l}, counted as one page scanned, or returns {@link
   * #NO_VICTIM} when the list is empty.
   */
  final long evictOldest(int l) {
    int n = nodes.oldest(l);
    if (n == NodeTable.NIL) {
      return NO_VICTIM;
    }
    scanned++;
    return evict(n);
  }

  @Override
  public final long resident() {
    return nodes.tracked();
  }

  @Override
  public final boolean contains(long page) {
    return nodes.find(page) != NodeTable.NIL;
  }

  @Override
  public final long scanned() {
    return scanned;
  }

  @Override
  public final void checkInvariants() {
    nodes.checkInvariants(lists);
    checkOwn();
  }

  /** The policy's own invariants beyond its lists'; none by default. */
  void checkOwn() {}
}
