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
 *   <li>A simulation of N frames ({@link PolicySimulator}) first calls {@link #setCapacity}(N). A
 *       reference to a page not tracked is a miss: the driver calls {@link #miss}, then {@code
 *       victim} when N pages (N + {@link #overCapacity()}) are tracked, then {@code insert}. A hit
 *       calls {@code access} when {@link #wantsEveryReference()}, and nothing else. The reference
 *       sets the page's accessed bit either way. With that driver, FIFO, LRU, clock and OPT give
 *       the textbook miss counts. The kernel drives a per-process policy under {@code rss.limit}
 *       the same way (one miss is one page fault).
 * </ul>
 *
 * <p>Not thread-safe. Implementations keep their hot paths free of allocation and boxing.
 */
public interface ReplacementPolicy {

  /** Returned by {@link #victim} when no page is resident. */
  long NO_VICTIM = -1L;

  /**
   * The type of an anonymous (swap-backed) page for {@link #insert(long, int)}.
   *
   * @since 1.2
   */
  int TYPE_ANON = 0;

  /**
   * The type of a page-cache (file-backed) page for {@link #insert(long, int)}.
   *
   * @since 1.2
   */
  int TYPE_FILE = 1;

  /**
   * Returned by {@link #workingsetEviction} by a policy that keeps no eviction history.
   *
   * @since 1.2
   */
  long NO_SHADOW = -1L;

  /**
   * A bit of {@link #workingsetRefault}'s result: the refault was recent enough to activate the
   * page ({@code workingset_activate_*}).
   *
   * @since 1.2
   */
  int REFAULT_ACTIVATE = 1;

  /**
   * A bit of {@link #workingsetRefault}'s result: the page was part of the workingset when it was
   * evicted, so the refault is a thrashing stall ({@code workingset_restore_*}).
   *
   * @since 1.2
   */
  int REFAULT_RESTORE = 2;

  /**
   * The provider name ({@code linux}, {@code mglru}, {@code fifo}, {@code lru}, {@code clock},
   * {@code opt}, ...).
   */
  String name();

  /**
   * A page became resident (after a fault); it counts as referenced.
   *
   * @throws IllegalArgumentException when the page is already tracked
   */
  void insert(long page);

  /**
   * A page of type {@link #TYPE_ANON} or {@link #TYPE_FILE} became resident. Policies that keep the
   * two types apart (the multi-gen LRU's generations per type, the two-list LRU's workingset sizes)
   * override it; the default is {@link #insert(long)}. The kernel calls this form.
   *
   * @throws IllegalArgumentException when the page is already tracked or the type is neither
   * @since 1.2
   */
  default void insert(long page, int type) {
    if (type != TYPE_ANON && type != TYPE_FILE) {
      throw new IllegalArgumentException(
          name() + ": page type " + type + " is neither anon nor file");
    }
    insert(page);
  }

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
   * Why {@code page}, which the last {@link #victim} call returned, was chosen, in a few words a
   * student can check: its list, generation or bit, and what was passed over. Reclaim asks only
   * while it is traced, so a policy may build the string here. The default names only the policy.
   *
   * @since 1.2
   */
  default String victimReason(long page) {
    return "the " + name() + " policy's choice";
  }

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

  /**
   * A reference found {@code page} not resident, and the caller is about to bring it in: it calls
   * {@link #victim} next when no frame is free, then {@link #insert}. A policy that keeps a history
   * of evicted pages (the ghost lists of ARC, 2Q, S3-FIFO, CLOCK-Pro) looks the page up here, so
   * that the victim it chooses can depend on it, as in those algorithms. The hint is optional:
   * callers that do not know the incoming page ahead of reclaim (global reclaim, whose keys are
   * frames) never call it, a hint not followed by {@code insert} of the same page is forgotten, and
   * a policy must then learn of the page at {@code insert}. The default does nothing.
   *
   * @since 1.1
   */
  default void miss(long page) {}

  /**
   * The number of frames the policy's pages may occupy: its caller evicts (through {@link #victim})
   * before an insertion would pass it. Policies that size their lists by it (ARC's target, 2Q's
   * queues, LIRS's HIR share, S3-FIFO's small queue) read it here; a policy never told learns it as
   * the number of pages resident at the first {@code victim} call. The kernel calls it with {@code
   * rss.limit} for a per-process policy, {@link PolicySimulator} with its frame count. The default
   * ignores it.
   *
   * @throws IllegalArgumentException when {@code frames} is less than 1
   * @since 1.1
   */
  default void setCapacity(long frames) {
    if (frames < 1) {
      throw new IllegalArgumentException(name() + ": capacity " + frames + " is not positive");
    }
  }

  /**
   * The resident pages the policy holds beyond the capacity set with {@link #setCapacity} now, as
   * its reference implementation does: libCacheSim's {@code LIRS.c} keeps a page it pushed out of
   * its HIR queue on a hit, so it holds a few pages more than its cache size. A caller with a limit
   * of N pages ({@link PolicySimulator}, {@code rss.limit}) lets the policy keep {@code N +
   * overCapacity()}: it calls {@link #victim} before an insertion only when that many pages are
   * resident, and, for a policy that {@linkplain #wantsEveryReference() wants every reference},
   * after each reference (the {@link #access} or {@link #insert} call) while more are resident. The
   * second rule takes the pages such a policy let go on its own while it handled the reference:
   * they stay resident ({@link #resident}, {@link #contains}) until victim, which returns them
   * first, hands them over, and the result may then be negative (the policy holds fewer than N
   * pages). Global reclaim ignores it: the pages stay evictable like any other, and its next victim
   * calls take those let go. The default is 0.
   *
   * @since 1.3
   */
  default long overCapacity() {
    return 0;
  }

  /**
   * The page the last {@link #victim} call returned is leaving memory now ({@code mm/workingset.c:
   * workingset_eviction}): the policy returns a token of at most 38 bits that it will understand
   * again in {@link #workingsetRefault}, its clock at eviction and what it knew of the page, and
   * counts the eviction. The kernel keeps the token in the page's shadow entry (the page-cache or
   * swap-cache slot the page leaves). A victim handed back with {@link #putBack} never gets this
   * call. The default keeps no history.
   *
   * @return the token, or {@link #NO_SHADOW}
   * @since 1.2
   */
  default long workingsetEviction(long page) {
    return NO_SHADOW;
  }

  /**
   * The page just inserted refaulted: it was evicted by this policy with {@code token} ({@code
   * workingset_refault}). The policy measures how long the page was out (its refault distance) and
   * may activate it. Called after {@link #insert(long, int)}; a page not tracked is ignored.
   *
   * @return {@link #REFAULT_ACTIVATE} and {@link #REFAULT_RESTORE} bits, 0 for neither
   * @since 1.2
   */
  default int workingsetRefault(long page, long token) {
    return 0;
  }

  /**
   * False while the policy protects its working set from reclaim: the multi-gen LRU with {@code
   * min_ttl_ms}, whose oldest generation is younger than that. kswapd then answers low memory with
   * the OOM killer instead of evicting ({@code mm/vmscan.c: lru_gen_age_node}). The default is
   * always reclaimable.
   *
   * @since 1.2
   */
  default boolean reclaimable() {
    return true;
  }

  /**
   * The policy's lruvec block of the debugfs file {@code lru_gen} ({@code mm/vmscan.c:
   * lru_gen_seq_show}: a {@code node} line, then one line per generation), or null when the policy
   * keeps no generations (the default). The kernel adds the {@code memcg} lines.
   *
   * @param node the node id to print
   * @since 1.2
   */
  default String lruGenView(int node) {
    return null;
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

    /**
     * Walks every page table of the scope for accessed bits, telling {@code scan} of each PTE table
     * and each young entry (whose bit it clears). The default has no page tables.
     *
     * @return false when the caller has no page tables to walk (nothing was visited)
     * @since 1.2
     */
    default boolean walkPageTables(PageTableScan scan) {
      return false;
    }

    /**
     * Looks at the entries near each mapping of {@code page} in the same PTE table (up to 32 pages
     * on either side, within the mapping's area), as {@code lru_gen_look_around} does when reclaim
     * finds a young page: young ones are reported and cleared. The default has no page tables.
     *
     * @return false when the caller has no page tables (nothing was visited)
     * @since 1.2
     */
    default boolean lookAround(long page, PageTableScan scan) {
      return false;
    }
  }
}
