package io.mmsim.kernel.mm;

import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.reclaim.ShadowTable;
import io.mmsim.kernel.stat.VmEvent;
import io.mmsim.kernel.stat.VmEvents;

/*
 * Workingset detection, the kernel's half (mm/workingset.c: pack_shadow, unpack_shadow,
 * workingset_refault). The policy that evicted a page (its lruvec) supplies a token at eviction
 * (ReplacementPolicy.workingsetEviction: its clock, what it knew of the page); the reclaim scope
 * packs it with the lruvec's identity into the shadow entry that the page-cache or swap-cache slot
 * keeps:
 *
 *   bit  63  62 .............. 24 23 ....................... 0
 *       [ 0 ][ the policy's token ][ lruvec: 0 = global reclaim,  ]
 *                                  [ pid + 1 = a process under    ]
 *                                  [ rss.limit (its memory cgroup)]
 *
 * When the page comes back (a swap-in or a page-cache read) and is mapped, the shadow goes back to
 * the policy that made it, with the key that policy knows the page by: a refault into another
 * lruvec is not counted (lru_gen_refault does the same; the two-list code would charge the eviction
 * lruvec, which mmsim cannot see from the refaulting one). The policy decides activation and
 * restore; vmstat counts workingset_refault_*, workingset_activate_* and workingset_restore_*.
 */
final class Workingset {
  static final int LRUVEC_BITS = 24;
  private static final long LRUVEC_MASK = (1L << LRUVEC_BITS) - 1;

  /** The lruvec of global reclaim. */
  static final int GLOBAL = 0;

  private final VmEvents events;

  Workingset(VmEvents events) {
    this.events = events;
  }

  /** The lruvec of process {@code pid}'s own policy. */
  static int lruvecOf(int pid) {
    return pid + 1;
  }

  /** pack_shadow: a token of at most 38 bits with its lruvec. */
  static long pack(long token, int lruvec) {
    if (token < 0 || token >>> (63 - LRUVEC_BITS) != 0) {
      throw new IllegalArgumentException("workingset token " + token + " does not fit a shadow");
    }
    return token << LRUVEC_BITS | lruvec;
  }

  /**
   * A page with {@code shadow} was made resident again and mapped at {@code vpn} of {@code mm}
   * (frame {@code pfn}); {@code global} is the global policy (or null).
   */
  void refault(ReplacementPolicy global, MmStruct mm, long vpn, long pfn, int type, long shadow) {
    if (shadow == ShadowTable.NONE) {
      return;
    }
    int lruvec = (int) (shadow & LRUVEC_MASK);
    long token = shadow >>> LRUVEC_BITS;
    ReplacementPolicy policy;
    long key;
    if (lruvec == GLOBAL) {
      policy = global;
      key = pfn;
    } else if (lruvec == lruvecOf(mm.pid())) {
      policy = mm.policy;
      key = vpn;
    } else {
      return;
    }
    if (policy == null || !policy.contains(key)) {
      return;
    }
    boolean file = type == ReplacementPolicy.TYPE_FILE;
    events.count(file ? VmEvent.WORKINGSET_REFAULT_FILE : VmEvent.WORKINGSET_REFAULT_ANON);
    int r = policy.workingsetRefault(key, token);
    if ((r & ReplacementPolicy.REFAULT_ACTIVATE) != 0) {
      events.count(file ? VmEvent.WORKINGSET_ACTIVATE_FILE : VmEvent.WORKINGSET_ACTIVATE_ANON);
    }
    if ((r & ReplacementPolicy.REFAULT_RESTORE) != 0) {
      events.count(file ? VmEvent.WORKINGSET_RESTORE_FILE : VmEvent.WORKINGSET_RESTORE_ANON);
    }
  }
}
