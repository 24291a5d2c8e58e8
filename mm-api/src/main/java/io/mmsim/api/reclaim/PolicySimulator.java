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
 *     otherwise                  miss: miss(p); victim(bits) when N pages are resident; insert(p)
 *     either way                 p's accessed bit is set (victim may test and clear it)
 * </pre>
 *
 * N is the frames plus the policy's {@link ReplacementPolicy#overCapacity()} (0 but for a policy
 * that holds pages beyond its frames as its reference implementation does); after a reference, a
 * policy that wants every reference and let pages go while it handled it gives them up through
 * victim at once.
 *
 * <p>The policy's own index answers residency: the simulator keeps only a count of the resident
 * pages and the set of resident pages whose accessed bit a victim search cleared and no reference
 * has set since (every other resident page is young): a bitmap for pages below 2^26 (grown to the
 * largest page tested), an open-addressing table for the others. Until a policy first tests a bit
 * (LRU, ARC, LIRS, ... never do) the simulator does not touch that set, so a hit costs the policy's
 * lookup and nothing more; after, a hit clears one bit. A replay allocates nothing per reference
 * (the bitmap grows by doubling). Belady's OPT needs to know where in the string it is: {@link
 * #run(ReferenceString)} moves the string's position to each reference before it reaches the
 * policy.
 *
 * <pre>{@code
 * long faults = PolicySimulator.misses(policy, new long[] {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5}, 3);
 * }</pre>
 *
 * <p>A policy that breaks its contract (no victim while N pages are resident, a victim it still
 * tracks, fewer or more tracked pages than the simulation made resident) stops the run with an
 * {@link IllegalStateException} naming the policy and the reference. Not thread-safe; one simulator
 * drives one policy from the start.
 *
 * @since 1.1
 */
public final class PolicySimulator {
  private static final long OLD = 1;
  private static final long ABSENT = -1;

  /** Pages below this have their "bit cleared" mark in the bitmap, the rest in the table. */
  private static final long DENSE_PAGES = 1L << 26;

  private final ReplacementPolicy policy;
  private final int frames;
  private final boolean everyReference;
  private final LongLongHashMap old;
  private long[] oldBitmap = new long[0];
  private boolean anyOld; // a victim search has tested a bit
  private final ReplacementPolicy.ReferenceBits bits;
  private int resident;
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
    this.old = new LongLongHashMap(16, ABSENT);
    this.bits = new AccessedBits();
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
      if (anyOld) {
        setYoung(page); // the reference sets its accessed bit
      }
      if (everyReference) {
        policy.access(page);
        if (resident > frames + policy.overCapacity()) {
          giveUp(page);
        }
      }
      return false;
    }
    misses++;
    policy.miss(page);
    while (resident >= frames + policy.overCapacity()) {
      evict(page);
    }
    policy.insert(page);
    resident++;
    if (everyReference && resident > frames + policy.overCapacity()) {
      giveUp(page);
    }
    if (policy.resident() != resident) {
      throw broken("it tracks " + policy.resident() + " pages, not " + resident, page);
    }
    return true;
  }

  /** One victim leaves; {@code page} is the reference being made (for the message). */
  private void evict(long page) {
    long v = policy.victim(bits);
    if (v == ReplacementPolicy.NO_VICTIM || resident == 0) {
      throw broken("victim " + v + " while " + resident + " pages are resident", page);
    }
    if (policy.contains(v)) {
      throw broken("victim " + v + " is still tracked", page);
    }
    if (anyOld) {
      setYoung(v); // a page made resident later starts young
    }
    resident--;
  }

  /** Sets {@code page}'s accessed bit: it is no longer in the set of cleared ones. */
  private void setYoung(long page) {
    if (page >= 0 && page < DENSE_PAGES) {
      int w = (int) (page >>> 6);
      if (w < oldBitmap.length) {
        oldBitmap[w] &= ~(1L << page);
      }
    } else if (old.size() != 0) {
      old.remove(page);
    }
  }

  /** True when {@code page}'s accessed bit was cleared and not set since. */
  private boolean isOld(long page) {
    if (page >= 0 && page < DENSE_PAGES) {
      int w = (int) (page >>> 6);
      return w < oldBitmap.length && (oldBitmap[w] & (1L << page)) != 0;
    }
    return old.containsKey(page);
  }

  /** Takes the pages the policy let go while it handled the reference to {@code page}. */
  private void giveUp(long page) {
    do {
      evict(page);
    } while (resident > frames + policy.overCapacity());
    if (policy.resident() != resident) {
      throw broken("it tracks " + policy.resident() + " pages, not " + resident, page);
    }
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
    return resident;
  }

  /** True when {@code page} is resident and referenced since its accessed bit was last cleared. */
  public boolean young(long page) {
    return policy.contains(page) && !isOld(page);
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
  private final class AccessedBits implements ReplacementPolicy.ReferenceBits {
    @Override
    public boolean testAndClearYoung(long page) {
      anyOld = true;
      if (page >= 0 && page < DENSE_PAGES) {
        int w = (int) (page >>> 6);
        if (w >= oldBitmap.length) {
          oldBitmap = java.util.Arrays.copyOf(oldBitmap, Math.max(w + 1, 2 * oldBitmap.length));
        }
        long m = 1L << page;
        boolean young = (oldBitmap[w] & m) == 0;
        oldBitmap[w] |= m;
        return young;
      }
      return old.putIfAbsent(page, OLD) == ABSENT;
    }
  }
}
