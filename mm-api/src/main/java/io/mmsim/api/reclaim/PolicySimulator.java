package io.mmsim.api.reclaim;

import io.mmsim.api.util.LongLongHashMap;

/**
 * The textbook fault-counting simulation: a {@link ReplacementPolicy} on a reference string with N
 * frames and no kernel (the "policy-only" path). It drives the policy exactly as the contract of
 * {@link ReplacementPolicy} states, so its miss count is the number of page faults the kernel
 * counts for the same pages under {@code rss.limit=N}.
 *
 * <pre>
 *   setCapacity(N)                                         once, first
 *   for each page p of the string:
 *     p tracked by the policy    hit:  access(p) when the policy wants every reference
 *     otherwise                  miss: miss(p); victim(bits) when N pages are tracked; insert(p)
 *     either way                 p's accessed bit is set (victim may test and clear it)
 * </pre>
 *
 * <p>The accessed bits live in an open-addressing table of the resident pages (page to 1 or 0), so
 * a replay allocates nothing per reference: one lookup in the policy, one in the table, and what
 * the policy does. Belady's OPT needs to know where in the string it is: {@link
 * #run(ReferenceString)} moves the string's position to each reference before it reaches the
 * policy.
 *
 * <pre>{@code
 * long faults = PolicySimulator.misses(policy, new long[] {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5}, 3);
 * }</pre>
 *
 * <p>A policy that breaks its contract (no victim while N pages are tracked, a victim it still
 * tracks, fewer or more tracked pages than the simulation made resident) stops the run with an
 * {@link IllegalStateException} naming the policy and the reference. Not thread-safe; one simulator
 * drives one policy from the start.
 *
 * @since 1.1
 */
public final class PolicySimulator {
  private static final long YOUNG = 1;
  private static final long OLD = 0;
  private static final long ABSENT = -1;

  private final ReplacementPolicy policy;
  private final int frames;
  private final boolean everyReference;
  private final LongLongHashMap accessed;
  private final ReplacementPolicy.ReferenceBits bits;
  private long references;
  private long misses;

  /**
   * A simulation of {@code frames} frames over {@code policy}, which must be new (nothing
   * resident); calls {@link ReplacementPolicy#setCapacity}.
   *
   * @throws IllegalArgumentException when {@code frames} is less than 1 or the policy already
   *     tracks pages
   */
  public PolicySimulator(ReplacementPolicy policy, int frames) {
    if (frames < 1) {
      throw new IllegalArgumentException("a simulation needs at least 1 frame, not " + frames);
    }
    if (policy.resident() != 0) {
      throw new IllegalArgumentException(
          policy.name() + ": the policy already tracks " + policy.resident() + " pages");
    }
    this.policy = policy;
    this.frames = frames;
    this.everyReference = policy.wantsEveryReference();
    this.accessed = new LongLongHashMap(Math.min(frames, 1 << 20), ABSENT);
    this.bits = new AccessedBits(accessed);
    policy.setCapacity(frames);
  }

  /** Misses of {@code policy} (new) over {@code pages} with {@code frames} frames. */
  public static long misses(ReplacementPolicy policy, long[] pages, int frames) {
    PolicySimulator s = new PolicySimulator(policy, frames);
    s.run(pages, 0, pages.length);
    return s.misses();
  }

  /**
   * Misses of {@code policy} (new) over {@code refs} with {@code frames} frames, moving the
   * string's position to each reference first (what Belady's OPT reads).
   */
  public static long misses(ReplacementPolicy policy, ReferenceString refs, int frames) {
    PolicySimulator s = new PolicySimulator(policy, frames);
    s.run(refs);
    return s.misses();
  }

  /**
   * Makes one reference to {@code page}.
   *
   * @return true when it missed
   * @throws IllegalArgumentException when {@code page} is {@link ReplacementPolicy#NO_VICTIM}
   * @throws IllegalStateException when the policy breaks its contract
   */
  public boolean reference(long page) {
    if (page == ReplacementPolicy.NO_VICTIM) {
      throw new IllegalArgumentException(
          "page " + page + " is ReplacementPolicy.NO_VICTIM and cannot be a page");
    }
    references++;
    if (policy.contains(page)) {
      if (everyReference) {
        policy.access(page);
      }
      accessed.put(page, YOUNG);
      return false;
    }
    misses++;
    policy.miss(page);
    if (accessed.size() >= frames) {
      long v = policy.victim(bits);
      if (v == ReplacementPolicy.NO_VICTIM || accessed.remove(v) == ABSENT) {
        throw broken("victim " + v + " is not a resident page", page);
      }
    }
    policy.insert(page);
    accessed.put(page, YOUNG);
    if (policy.resident() != accessed.size()) {
      throw broken("it tracks " + policy.resident() + " pages, not " + accessed.size(), page);
    }
    return true;
  }

  /** References {@code pages[from..to)} in order; returns the misses among them. */
  public long run(long[] pages, int from, int to) {
    if (from < 0 || to > pages.length || from > to) {
      throw new IndexOutOfBoundsException(
          "range [" + from + ", " + to + ") of " + pages.length + " pages");
    }
    long before = misses;
    for (int i = from; i < to; i++) {
      reference(pages[i]);
    }
    return misses - before;
  }

  /**
   * References every page of {@code refs} from its start, moving its position to each reference
   * before making it; returns the misses.
   */
  public long run(ReferenceString refs) {
    long before = misses;
    long n = refs.length();
    for (long i = 0; i < n; i++) {
      refs.seek(i);
      reference(refs.pageAt(i));
    }
    return misses - before;
  }

  /** The policy being driven. */
  public ReplacementPolicy policy() {
    return policy;
  }

  /** The number of frames. */
  public int frames() {
    return frames;
  }

  /** References made so far. */
  public long references() {
    return references;
  }

  /** Misses (page faults) so far. */
  public long misses() {
    return misses;
  }

  /** Hits so far. */
  public long hits() {
    return references - misses;
  }

  /** Pages resident now. */
  public int resident() {
    return accessed.size();
  }

  /** True when {@code page} is resident and referenced since its accessed bit was last cleared. */
  public boolean young(long page) {
    return accessed.get(page) == YOUNG;
  }

  private IllegalStateException broken(String what, long page) {
    return new IllegalStateException(
        policy.name()
            + " broke the ReplacementPolicy contract at reference "
            + references
            + " (page "
            + page
            + ", "
            + frames
            + " frames): "
            + what);
  }

  /** Test-and-clear of the accessed bits of resident pages; one instance per simulator. */
  private static final class AccessedBits implements ReplacementPolicy.ReferenceBits {
    private final LongLongHashMap accessed;

    AccessedBits(LongLongHashMap accessed) {
      this.accessed = accessed;
    }

    @Override
    public boolean testAndClearYoung(long page) {
      if (accessed.get(page) != YOUNG) {
        return false;
      }
      accessed.put(page, OLD);
      return true;
    }
  }
}
