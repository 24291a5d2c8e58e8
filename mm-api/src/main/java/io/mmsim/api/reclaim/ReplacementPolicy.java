package io.mmsim.api.reclaim;

/**
 * Chooses which resident page leaves memory when room must be made.
 *
 * <p>Pages are identified by a {@code long} key chosen by the caller (a PFN for global reclaim, a
 * virtual page number for a per-process resident set). The policy sees pages arrive
 * ({@link #insert}), get referenced ({@link #access}) and leave other than by eviction
 * ({@link #remove}); {@link #victim} picks one and forgets it. Hardware-style policies (clock, the
 * kernel's two lists) learn of references through accessed bits they test and clear via
 * {@link ReferenceBits}. Not thread-safe.
 */
public interface ReplacementPolicy {

  /** Returned by {@link #victim} when no page is resident. */
  long NO_VICTIM = -1L;

  /** The provider name ({@code linux}, {@code fifo}, {@code lru}, {@code clock}, {@code opt}). */
  String name();

  /** A page became resident (after a fault); it counts as referenced. */
  void insert(long page);

  /**
   * A resident page was referenced. The caller makes this call on every reference only when
   * {@link #wantsEveryReference()} is true; otherwise references reach the policy through accessed
   * bits.
   */
  void access(long page);

  /** A resident page left other than by eviction (unmapped, process exit). */
  void remove(long page);

  /**
   * Picks a resident page to evict, removes it from the policy's records and returns it.
   *
   * @param bits accessed bits the policy may test and clear
   * @return the page key, or {@link #NO_VICTIM}
   */
  long victim(ReferenceBits bits);

  /** Number of resident pages the policy tracks. */
  long resident();

  /** True when the policy needs {@link #access} on every reference (exact LRU, OPT). */
  default boolean wantsEveryReference() {
    return false;
  }

  /** Test-and-clear access to the accessed bits of resident pages. */
  @FunctionalInterface
  interface ReferenceBits {
    /** Returns whether {@code page} was referenced since the last call, and clears the bit. */
    boolean testAndClearYoung(long page);
  }
}
