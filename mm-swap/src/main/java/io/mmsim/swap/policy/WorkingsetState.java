package io.mmsim.swap.policy;

import java.util.Map;

import io.mmsim.api.reclaim.ReplacementPolicy;

/*
 * What the kernel's two policies (linux, mglru) keep for workingset detection beyond their own
 * clocks (mm/workingset.c): the page the last victim() call returned, with its type and the bits
 * of policy state its shadow token needs (the two-list LRU's page flags, the multi-gen LRU's
 * reference count), whether that token was handed out already (workingset_eviction makes one per
 * eviction), and the per-lruvec counters workingset_refault_*, workingset_activate_* and
 * workingset_restore_* by page type (anon 0, file 1).
 *
 * Invariants: lastShadowed refers to lastVictim; counters only grow.
 */
final class WorkingsetState {
  private long lastVictim = ReplacementPolicy.NO_VICTIM;
  private int lastType;
  private int lastState;
  private boolean lastShadowed;
  private final long[] refault = new long[2];
  private final long[] activate = new long[2];
  private final long[] restore = new long[2];

  /** victim() is about to return {@code page} of {@code type}; {@code state} is for its token. */
  void victim(long page, int type, int state) {
    lastVictim = page;
    lastType = type;
    lastState = state;
    lastShadowed = false;
  }

  /** No victim is pending (a new victim() search starts, or the last one was put back). */
  void clear() {
    lastVictim = ReplacementPolicy.NO_VICTIM;
  }

  /** True when {@code page} is what the last victim() call returned. */
  boolean isLastVictim(long page) {
    return page == lastVictim;
  }

  /**
   * True once per victim: when {@code page} is the last victim and its token was not made yet
   * (workingset_eviction); it then counts as made.
   */
  boolean takeShadow(long page) {
    if (page != lastVictim || lastShadowed) {
      return false;
    }
    lastShadowed = true;
    return true;
  }

  int lastType() {
    return lastType;
  }

  int lastState() {
    return lastState;
  }

  /** A refault of a page of {@code type} (workingset_refault_*). */
  void refaulted(int type) {
    refault[type]++;
  }

  /** An activation on refault (workingset_activate_*). */
  void activated(int type) {
    activate[type]++;
  }

  /** A restore, a refault of a page that was in the workingset (workingset_restore_*). */
  void restored(int type) {
    restore[type]++;
  }

  /** Adds the six vmstat counters to {@code m}, in /proc/vmstat's order. */
  void putCounters(Map<String, Long> m) {
    m.put("workingset_refault_anon", refault[0]);
    m.put("workingset_refault_file", refault[1]);
    m.put("workingset_activate_anon", activate[0]);
    m.put("workingset_activate_file", activate[1]);
    m.put("workingset_restore_anon", restore[0]);
    m.put("workingset_restore_file", restore[1]);
  }
}
