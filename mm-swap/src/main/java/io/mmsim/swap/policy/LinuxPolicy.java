package io.mmsim.swap.policy;

import java.util.LinkedHashMap;
import java.util.Map;

import io.mmsim.api.Statistics;

/*
 * The kernel's classic two-list LRU (mm/vmscan.c, mm/swap.c before MGLRU), as it treats anonymous
 * pages.
 *
 * Lists: ACTIVE and INACTIVE, each ordered by when pages were put on it; per page the
 * PG_referenced flag. New pages go to the newest end of INACTIVE (5.9+:
 * lru_cache_add_inactive_or_unevictable).
 *
 * victim() = shrink_inactive_list + folio_check_references, one page at a time:
 *   1. if INACTIVE is empty or low against ACTIVE (inactive_is_low: inactive * ratio < active,
 *      ratio = int_sqrt(10 * GiB tracked), 1 below 1 GiB), deactivate up to SWAP_CLUSTER_MAX pages
 *      from the oldest end of ACTIVE (shrink_active_list): their accessed bits are tested and
 *      cleared, and, as for anonymous pages, they move to INACTIVE even when referenced
 *      (pgdeactivate; pgrefill counts the pages scanned there);
 *   2. take the oldest INACTIVE page (pgscan); test-and-clear its PTE accessed bit(s) ("young")
 *      and test-and-clear PG_referenced:
 *        young and PG_referenced was set -> activate: to ACTIVE, PG_referenced set (pgactivate);
 *        young, first time               -> set PG_referenced, rotate to INACTIVE's newest end;
 *        not young                       -> evict (the caller swaps it out).
 * access() is folio_mark_accessed (a software reference): an unreferenced page gets
 * PG_referenced; a referenced inactive page is activated.
 *
 * Workingset detection (mm/workingset.c): the lruvec's nonresident_age counts evictions and
 * activations (workingset_age_nonresident from workingset_eviction, workingset_refault,
 * workingset_activation and move_folios_to_lru). An evicted page's token is the age at eviction
 * and its PG_workingset bit (set when shrink_active_list deactivates a page):
 *
 *   bit  37 .............. 1   0
 *       [ nonresident_age    ][ws]
 *
 * On refault (workingset_test_recent) the refault distance is the age now minus the age at
 * eviction; the page is activated when the distance fits in the workingset: active file pages,
 * plus inactive file pages for an anon refault, plus active anon pages and, for a file refault,
 * inactive anon pages (swap is assumed available: the kernel reclaims with swap only). An
 * activated page that had PG_workingset is a restore (a thrashing stall). Types are counted per
 * list (the kernel keeps four lists; this model keeps anon and file on one pair and counts them).
 *
 * Termination: each step clears the young bits it tests, so without new references every page is
 * evicted within a few passes; a pass limit turns broken, never-clearing bits into evictions.
 * Invariants: every tracked page is on exactly one list; counts match the lists.
 * Reference: mm/vmscan.c (shrink_inactive_list, shrink_active_list, folio_check_references,
 * inactive_is_low), mm/swap.c (folio_mark_accessed); Gorman, "Understanding the Linux Virtual
 * Memory Manager", ch. 10.
 */
final class LinuxPolicy extends ListPolicy {
  static final int INACTIVE = 0;
  static final int ACTIVE = 1;
  static final int PG_REFERENCED = 1;
  static final int PG_WORKINGSET = 1 << 1;

  private static final int TOKEN_BITS = 38;
  private static final long AGE_MASK = (1L << (TOKEN_BITS - 1)) - 1;

  /** Pages deactivated per refill of the inactive list ({@code SWAP_CLUSTER_MAX}). */
  static final int REFILL_BATCH = 32;

  private static final int PAGES_PER_GIB_SHIFT = 30 - 12;

  private long pgrefill;
  private long pgactivate;
  private long pgdeactivate;

  /** The lruvec's nonresident_age: evictions and activations so far. */
  private long nonresidentAge;

  /** The last victim (its flags are the token's state) and the workingset counters. */
  private final WorkingsetState ws = new WorkingsetState();

  LinuxPolicy(int expected) {
    super("linux", 2, expected);
  }

  @Override
  public void insert(long page) {
    insert(page, TYPE_ANON);
  }

  @Override
  public void insert(long page, int type) {
    if (type != TYPE_ANON && type != TYPE_FILE) {
      throw new IllegalArgumentException("linux: page type " + type + " is neither anon nor file");
    }
    int n = track(page);
    nodes.setType(n, type);
    nodes.pushNewest(INACTIVE, n);
  }

  /** A page reclaim could not free is activated ({@code activate_locked}). */
  @Override
  public void putBack(long page) {
    int n = track(page);
    if (ws.isLastVictim(page)) {
      nodes.setType(n, ws.lastType());
      ws.clear();
    }
    nodes.setFlags(n, PG_REFERENCED);
    nodes.pushNewest(ACTIVE, n);
    pgactivate++;
    nonresidentAge++;
  }

  @Override
  public void access(long page) {
    int n = nodes.find(page);
    if (n == NodeTable.NIL) {
      return;
    }
    if ((nodes.flags(n) & PG_REFERENCED) == 0) {
      nodes.setFlags(n, nodes.flags(n) | PG_REFERENCED);
    } else if (nodes.listOf(n) == INACTIVE) {
      nodes.setFlags(n, nodes.flags(n) & ~PG_REFERENCED);
      nodes.unlink(n);
      nodes.pushNewest(ACTIVE, n);
      pgactivate++;
      nonresidentAge++; // workingset_activation
    }
  }

  @Override
  public long victim(ReferenceBits bits) {
    ws.clear();
    whyRotated = 0;
    whyActivated = 0;
    whyRefilled = 0;
    long limit = 4L * nodes.tracked() + REFILL_BATCH;
    for (long step = 0; ; step++) {
      if (nodes.size(INACTIVE) == 0 || inactiveIsLow()) {
        refill(bits);
      }
      int n = nodes.oldest(INACTIVE);
      if (n == NodeTable.NIL) {
        return NO_VICTIM;
      }
      scanned++; // pgscan
      boolean young = bits.testAndClearYoung(nodes.key(n));
      int f = nodes.flags(n);
      boolean wasReferenced = (f & PG_REFERENCED) != 0;
      if (young && step < limit) {
        nodes.setFlags(n, f | PG_REFERENCED);
        nodes.unlink(n);
        if (wasReferenced) {
          nodes.pushNewest(ACTIVE, n);
          whyActivated++;
          pgactivate++;
          nonresidentAge++;
        } else {
          nodes.pushNewest(INACTIVE, n);
          whyRotated++;
        }
        continue;
      }
      ws.victim(nodes.key(n), nodes.type(n), nodes.flags(n));
      return evict(n);
    }
  }

  private boolean inactiveIsLow() {
    long inactive = nodes.size(INACTIVE);
    long active = nodes.size(ACTIVE);
    long gb = (inactive + active) >>> PAGES_PER_GIB_SHIFT;
    long ratio = gb == 0 ? 1 : (long) Math.sqrt(10.0 * gb);
    return inactive * ratio < active;
  }

  private void refill(ReferenceBits bits) {
    for (int i = 0; i < REFILL_BATCH; i++) {
      int n = nodes.oldest(ACTIVE);
      if (n == NodeTable.NIL) {
        return;
      }
      pgrefill++;
      bits.testAndClearYoung(nodes.key(n));
      nodes.unlink(n);
      nodes.setFlags(n, nodes.flags(n) | PG_WORKINGSET); // folio_set_workingset
      nodes.pushNewest(INACTIVE, n);
      pgdeactivate++;
      whyRefilled++;
    }
  }

  /** What the last victim() passed over: rotated, activated and deactivated pages. */
  private int whyRotated;

  private int whyActivated;
  private int whyRefilled;

  @Override
  public String victimReason(long page) {
    StringBuilder sb =
        new StringBuilder("the oldest page of the inactive list, accessed bit clear");
    sb.append(" (inactive ").append(nodes.size(INACTIVE));
    sb.append(", active ").append(nodes.size(ACTIVE)).append(" pages left)");
    if (whyRefilled > 0) {
      sb.append("; first ").append(whyRefilled).append(" moved from active to inactive");
    }
    if (whyRotated > 0) {
      sb.append("; ").append(whyRotated).append(" young, PG_referenced set, rotated");
    }
    if (whyActivated > 0) {
      sb.append("; ").append(whyActivated).append(" young again, activated");
    }
    return sb.toString();
  }

  /** workingset_eviction: the age now and PG_workingset; the age moves on. */
  @Override
  public long workingsetEviction(long page) {
    if (!ws.takeShadow(page)) {
      return NO_SHADOW;
    }
    long token =
        ((nonresidentAge & AGE_MASK) << 1) | ((ws.lastState() & PG_WORKINGSET) != 0 ? 1 : 0);
    nonresidentAge++;
    return token;
  }

  /** workingset_refault: activate when the refault distance fits in the workingset. */
  @Override
  public int workingsetRefault(long page, long token) {
    int n = nodes.find(page);
    if (n == NodeTable.NIL || token < 0) {
      return 0;
    }
    int type = nodes.type(n);
    ws.refaulted(type);
    long distance = (nonresidentAge - (token >>> 1)) & AGE_MASK;
    if (distance > workingsetSize(type)) {
      return 0;
    }
    nodes.unlink(n);
    nodes.pushNewest(ACTIVE, n);
    nonresidentAge++;
    ws.activated(type);
    if ((token & 1) == 0) {
      return REFAULT_ACTIVATE;
    }
    nodes.setFlags(n, nodes.flags(n) | PG_WORKINGSET);
    ws.restored(type);
    return REFAULT_ACTIVATE | REFAULT_RESTORE;
  }

  /** What a refault of {@code type} competes with (workingset_test_recent, swap available). */
  private long workingsetSize(int type) {
    long activeFile = nodes.fileSize(ACTIVE);
    long inactiveFile = nodes.fileSize(INACTIVE);
    long activeAnon = nodes.size(ACTIVE) - activeFile;
    long inactiveAnon = nodes.size(INACTIVE) - inactiveFile;
    return type == TYPE_FILE
        ? activeFile + activeAnon + inactiveAnon
        : activeFile + inactiveFile + activeAnon;
  }

  /** The lruvec's nonresident_age (tests). */
  long nonresidentAge() {
    return nonresidentAge;
  }

  /** The list a page is on (for tests): INACTIVE, ACTIVE, or -1 when not tracked. */
  int listOf(long page) {
    int n = nodes.find(page);
    return n == NodeTable.NIL ? -1 : nodes.listOf(n);
  }

  /** True when the page's PG_referenced is set (for tests). */
  boolean referenced(long page) {
    int n = nodes.find(page);
    return n != NodeTable.NIL && (nodes.flags(n) & PG_REFERENCED) != 0;
  }

  @Override
  public Statistics statistics() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("nr_inactive", (long) nodes.size(INACTIVE));
    m.put("nr_active", (long) nodes.size(ACTIVE));
    m.put("pgscan", scanned);
    m.put("pgrefill", pgrefill);
    m.put("pgactivate", pgactivate);
    m.put("pgdeactivate", pgdeactivate);
    ws.putCounters(m);
    return new Statistics(m);
  }
}
