package io.mmsim.api;

/**
 * The common root of every allocator in mmsim: page, object and virtual allocators.
 *
 * <p>An allocator belongs to one simulated kernel, which is single-threaded: callers serialise
 * access. Simulated CPUs are a parameter of the calls that have per-CPU state, never Java threads.
 */
public interface Allocator {

  /** The provider name this allocator was created by ({@code buddy}, {@code slub}, ...). */
  String name();

  /** A snapshot of this allocator's counters; the names are the allocator's own. */
  Statistics statistics();

  /**
   * Recomputes every derived structure (free counts, bitmaps, list membership) from the primary
   * ones and throws {@link AssertionError} with all relevant counters when they disagree. Slow by
   * design: for tests and the debug setting.
   */
  void checkInvariants();
}
