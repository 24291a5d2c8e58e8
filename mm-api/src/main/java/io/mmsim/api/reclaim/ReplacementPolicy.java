package io.mmsim.api.reclaim;

import java.util.Map;

import io.mmsim.api.Statistics;

/**
 * Chooses which resident page leaves memory when room must be made.
 *
 * <p>Pages are identified by a {@code long} key chosen by the caller (a PFN for global reclaim, a
 * virtual page number for a per-process resident set; Belady's OPT needs the keys of its {@link
 * FutureReferences}). The policy sees pages arrive ({@link #insert}), get referenced ({@link
 * #access}) and leave other than by eviction ({@link #remove}); {@link #victim} picks one and
 * forgets it. Hardware-style policies (clock, the kernel's two lists) learn of references through
 * accessed bits they test and clear via {@link ReferenceBits}.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #insert} of a key already tracked throws {@link IllegalArgumentException} and
 *       changes nothing; {@link #access} and {@link #remove} of a key not tracked do nothing (so a
 *       caller may always call them).
 *   <li>{@link #victim} returns {@link #NO_VICTIM} only when nothing is resident; the key it
 *       returns is no longer tracked. A victim the caller could not evict is given back with {@link
 *       #putBack}, right after the {@code victim} call that returned it.
 *   <li>A simulation of N frames counts a miss for a reference to a page not tracked, calls {@code
 *       victim} first when N pages are tracked, then {@code insert}; a hit calls {@code access}
 *       when {@link #wantsEveryReference()}; and the reference sets the page's accessed bit either
 *       way. With that driver, FIFO, LRU, clock and OPT give the textbook miss counts.
 * </ul>
 *
 * <p>Not thread-safe. Implementations keep their hot paths free of allocation and boxing.
 */
public interface ReplacementPolicy {

  /** Returned by {@link #victim} when no page is resident. */
  long NO_VICTIM = -1L;

  /** The provider name ({@code linux}, {@code fifo}, {@code lru}, {@code clock}, {@code opt}). */
  String name();

  /**
   * A page became resident (after a fault); it counts as referenced.
   *
   * @throws IllegalArgumentException when the page is already tracked
   */
  void insert(long page);

  /**
   * A resident page was referenced. The caller makes this call on every reference only when {@link
   * #wantsEveryReference()} is true; otherwise references reach the policy through accessed bits
   * (and this call stands for a software reference such as {@code mark_page_accessed}). A page not
   * tracked is ignored.
   */
  void access(long page);

  /**
   * A resident page left other than by eviction (unmapped, process exit); unknown pages are
   * ignored.
   */
  void remove(long page);

  /**
   * Picks a resident page to evict, removes it from the policy's records and returns it.
   *
   * @param bits accessed bits the policy may test and clear
   * @return the page key, or {@link #NO_VICTIM}
   */
  long victim(ReferenceBits bits);

  /**
   * The page the last {@link #victim} call returned could not be evicted (no swap slot, an
   * unevictable page): the policy tracks it again. The default inserts it as a newly referenced
   * page, which is what the kernel's {@code activate_locked} amounts to for list policies; a policy
   * whose insert depends on more than the key (OPT) restores what it knew.
   *
   * @throws IllegalArgumentException when the page is already tracked
   * @since 1.0
   */
  default void putBack(long page) {
    insert(page);
  }

  /** Number of resident pages the policy tracks. */
  long resident();

  /** True when {@code page} is tracked as resident. */
  boolean contains(long page);

  /** True when the policy needs {@link #access} on every reference (exact LRU, OPT). */
  default boolean wantsEveryReference() {
    return false;
  }

  /**
   * Pages examined by {@link #victim} so far (vmstat {@code pgscan}): one per victim for FIFO, LRU
   * and OPT; every page the hand passes for clock; every page taken off a list for the two-list
   * LRU.
   *
   * @since 1.0
   */
  default long scanned() {
    return 0;
  }

  /**
   * The policy's counters (the two-list LRU: {@code pgscan}, {@code pgactivate}, {@code
   * pgdeactivate}, {@code pgrotated}, list sizes).
   *
   * @since 1.0
   */
  default Statistics statistics() {
    return new Statistics(Map.of("pgscan", scanned()));
  }

  /**
   * Recomputes the policy's derived state and throws {@link AssertionError} when it is
   * inconsistent. Slow: for tests.
   *
   * @since 1.0
   */
  default void checkInvariants() {}

  /** Test-and-clear access to the accessed bits of resident pages. */
  @FunctionalInterface
  interface ReferenceBits {
    /** Returns whether {@code page} was referenced since the last call, and clears the bit. */
    boolean testAndClearYoung(long page);

    /** Bits that are never set: for callers without hardware accessed bits. */
    ReferenceBits NONE = page -> false;
  }
}
