package io.mmsim.api.reclaim;

/**
 * The reference string of a workload known in advance (a trace being replayed), which Belady's OPT
 * policy consults: for the reference being made now, when will the same page be referenced next?
 *
 * <p>Indices count references from 0. Whoever replays the string moves {@link #position()} to the
 * index of each reference before that reference reaches the page tables (see {@link
 * ReferenceString#seek}); the policy reads it when a page is inserted or accessed. All lookups are
 * O(1).
 *
 * @since 1.0
 */
public interface FutureReferences {

  /** {@link #nextUse} of a reference after which the page is never referenced again. */
  long NEVER = Long.MAX_VALUE;

  /** Number of references in the string. */
  long length();

  /** The index of the reference being made now, or -1 before the first. */
  long position();

  /** The page referenced at {@code index}. */
  long pageAt(long index);

  /**
   * The index of the next reference, after {@code index}, to the page referenced at {@code index};
   * {@link #NEVER} when there is none.
   */
  long nextUse(long index);
}
