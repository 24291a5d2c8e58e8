package io.mmsim.swap.policy;

import java.util.LinkedHashMap;
import java.util.Map;

import io.mmsim.api.Statistics;
import io.mmsim.api.reclaim.PageTableScan;

/*
 * The kernel's multi-generational LRU (CONFIG_LRU_GEN, mm/vmscan.c "lru_gen" part, as in Linux
 * 6.6-6.12; Documentation/mm/multigen_lru.rst), one lruvec.
 *
 * Generations. Each page type (anon, file) has its generations, numbered by sequence: min_seq[type]
 * is the oldest, max_seq (shared) the youngest; MIN_NR_GENS (2) <= max_seq - min_seq + 1 <=
 * MAX_NR_GENS (4). A sequence lives in slot gen = seq % MAX_NR_GENS, one NodeTable list per (gen,
 * type): list = gen * 2 + type, newest end = the kernel's list head. A page made resident by a fault
 * joins max_seq (lru_gen_add_folio of an active folio: folio_add_lru marks faulted pages active).
 *
 * Aging (try_to_inc_max_seq, run when a type to evict is down to MIN_NR_GENS generations, i.e. the
 * eviction would stall): the caller's page tables are walked (walk_mm -> walk_pmd_range ->
 * walk_pte_range) through PageTableScan; each young PTE moves its page to max_seq (folio_update_gen,
 * which clears the page's tier bits), then max_seq advances (inc_max_seq), first folding the oldest
 * generation into the next one (inc_min_seq) for a type that already has MAX_NR_GENS. Without page
 * tables (the policy-only path) the aging only advances max_seq, and references are found when
 * eviction tests the pages, as the kernel does where it cannot walk.
 *
 * Bloom filters (mm/vmscan.c: test_bloom_filter, update_bloom_filter, reset_bloom_filter): two
 * filters of 2^15 bits, indexed by max_seq parity, with two hash functions over a PTE table's
 * identity. A walk for max_seq consults filter[max_seq] (absent on the first walk: everything is
 * walked) and fills filter[max_seq + 1] with the tables that proved worth it: at least one young
 * entry per cache line of 8 entries on average (suitable_to_scan). Look-around adds its table to
 * filter[max_seq].
 *
 * Eviction (evict_folios -> isolate_folios -> scan_folios -> sort_folio / isolate_folio, then
 * shrink_folio_list), one page per victim() call from the oldest end of min_seq[type]:
 *   - type: get_type_to_scan (below), file when swappiness is 0, anon when its min_seq is older;
 *   - a type with only MIN_NR_GENS generations is never scanned: age first;
 *   - tier protection: a page whose tier is above the tier index the PID controller chose, or whose
 *     reference count is at its cap, moves to min_seq + 1 (folio_inc_gen) (pgrefill counts these);
 *   - isolation drops the reference count of a page without PG_referenced, then PG_referenced;
 *   - a page with a young PTE (folio_referenced) is looked around (lru_gen_look_around: its
 *     neighbours' young PTEs move them to max_seq too) and moves to max_seq itself (pgactivate);
 *   - otherwise it is the victim.
 *
 * Tiers (folio_lru_refs, lru_tier_from_refs): accesses through file descriptors (access(), the
 * kernel's folio_mark_accessed -> lru_gen_inc_refs) set PG_referenced, then PG_workingset, then
 * count in LRU_REFS_WIDTH (2) bits; refs = count + PG_workingset (0..4); tier = order_base_2(refs+1)
 * (0..3). Byte of flags per page:
 *
 *   bit  7   4   3   2   1   0
 *       [ -   -  refs  ][ws][ref]     ref = PG_referenced, ws = PG_workingset, refs = 0..3
 *
 * The PID controller (read_ctrl_pos, positive_ctrl_err, get_tier_idx, get_type_to_scan,
 * reset_ctrl_pos with NR_HIST_GENS = 1): per type and tier, refaulted / (evicted + protected) with
 * a running average halved each time min_seq advances; tier 0 of the other type (or of the same
 * type, with gain 1:2) is the set point. Refaults reach it through workingsetRefault, whose token
 * (lru_gen_eviction) is min_seq at eviction, refs - 1 and the workingset bit:
 *
 *   bit  37 ............. 3   2 1   0
 *       [ min_seq (35 bits) ][refs-1][ws]
 *
 * A refault is recent when the token's min_seq is still min_seq (lru_gen_test_recent); a recent
 * refault counts in refaulted[type][tier] and, as every refault here comes from a page fault, is a
 * restore (lru_gen_refault): the page gets the capped reference count and PG_workingset, so the next
 * eviction scan protects it once.
 *
 * Time: mmsim has no wall clock, so the lruvec's clock advances one millisecond per page made
 * resident (insert). Generation birth times and min_ttl_ms (lru_gen_age_node's thrashing
 * protection: reclaimable() is false while the oldest file generation is younger) use it.
 *
 * Simplified: one node, no per-zone lists, no memcg tree; aging runs only when eviction needs it
 * (the kernel may also age at lower scan priorities); every mm is walked (the kernel skips mms that
 * have not run since the last walk) and non-leaf PMD accessed bits are not consulted.
 * Termination: each scan step evicts, or moves a page to a younger generation while clearing the
 * young bit it tested, or ages; after 4 passes over the resident pages young bits and tiers no
 * longer protect anything, so bits that never clear still yield a victim.
 */
final class MglruPolicy extends ListPolicy implements PageTableScan {
  static final int MIN_NR_GENS = 2;
  static final int MAX_NR_GENS = 4;
  static final int MAX_NR_TIERS = 4;
  static final int LRU_REFS_WIDTH = 2;
  static final int ANON = 0;
  static final int FILE = 1;

  /** MIN_LRU_BATCH = BITS_PER_LONG: the PID controller's noise floor. */
  static final int MIN_LRU_BATCH = 64;

  static final int PG_REFERENCED = 1;
  static final int PG_WORKINGSET = 1 << 1;
  private static final int REFS_SHIFT = 2;
  private static final int REFS_MAX = (1 << LRU_REFS_WIDTH) - 1;
  private static final int REFS_MASK = REFS_MAX << REFS_SHIFT;
  private static final int TIER_FLAGS = PG_REFERENCED | PG_WORKINGSET | REFS_MASK;

  /** Token layout: workingset bit, refs - 1, then min_seq. */
  private static final int TOKEN_SEQ_SHIFT = 1 + LRU_REFS_WIDTH;

  private static final int TOKEN_BITS = 38;
  private static final long TOKEN_SEQ_MASK = (1L << (TOKEN_BITS - TOKEN_SEQ_SHIFT)) - 1;

  /** Entries per cache line (64-byte lines, 8-byte PTEs): suitable_to_scan's ratio. */
  private static final int PTES_PER_CACHE_LINE = 8;

  private final BloomFilters bloom = new BloomFilters();
  private final int swappiness;
  private final long minTtlMs;

  private long maxSeq;
  private final long[] minSeq = new long[2];
  private final long[] birth = new long[MAX_NR_GENS];
  private long clock;

  // the PID controller's positions, [type][tier] (protected: [type][tier - 1])
  private final long[][] avgRefaulted = new long[2][MAX_NR_TIERS];
  private final long[][] avgTotal = new long[2][MAX_NR_TIERS];
  private final long[][] refaulted = new long[2][MAX_NR_TIERS];
  private final long[][] evicted = new long[2][MAX_NR_TIERS];
  private final long[][] protectedPages = new long[2][MAX_NR_TIERS - 1];
  private int tierIdx;

  /** The last victim (its reference count is the token's state) and the workingset counters. */
  private final WorkingsetState ws = new WorkingsetState();

  /** True while a walk for aging runs (as opposed to a look-around). */
  private boolean walking;

  private long pgrefill;
  private long pgactivate;
  private long agings;
  private long walks;
  private long tablesWalked;
  private long tablesSkipped;
  private long walkYoung;
  private long lookArounds;
  private long lookAroundYoung;

  /**
   * @param swappiness 0..200: the weight of anon against file in the PID controller
   * @param minTtlMs the min_ttl_ms protection, 0 for none
   */
  MglruPolicy(int expected, int swappiness, long minTtlMs) {
    super("mglru", 2 * MAX_NR_GENS, expected);
    this.swappiness = swappiness;
    this.minTtlMs = minTtlMs;
    // lru_gen_init_lruvec: max_seq starts at MIN_NR_GENS + 1, min_seq at 0
    this.maxSeq = MIN_NR_GENS + 1;
  }

  static int gen(long seq) {
    return (int) (seq % MAX_NR_GENS);
  }

  static int list(long seq, int type) {
    return gen(seq) * 2 + type;
  }

  static int typeOfList(int l) {
    return l & 1;
  }

  /** folio_lru_refs: accesses beyond the first (0..4). */
  static int refsOf(int flags) {
    return ((flags & REFS_MASK) >>> REFS_SHIFT) + ((flags & PG_WORKINGSET) != 0 ? 1 : 0);
  }

  /** lru_tier_from_refs: order_base_2(refs + 1). */
  static int tierOf(int refs) {
    return 32 - Integer.numberOfLeadingZeros(refs); // ceil(log2(refs + 1)) for refs >= 0
  }

  int nrGens(int type) {
    return (int) (maxSeq - minSeq[type] + 1);
  }

  // ------------------------------------------------------------------ residency

  @Override
  public void insert(long page) {
    insert(page, TYPE_ANON);
  }

  @Override
  public void insert(long page, int type) {
    if (type != TYPE_ANON && type != TYPE_FILE) {
      throw new IllegalArgumentException("mglru: page type " + type + " is neither anon nor file");
    }
    int n = track(page);
    nodes.pushNewest(list(maxSeq, type), n);
    clock++;
  }

  /** A victim reclaim could not free is activated: back to the youngest generation. */
  @Override
  public void putBack(long page) {
    int type = ws.isLastVictim(page) ? ws.lastType() : ANON;
    if (ws.isLastVictim(page)) {
      evicted[type][tierOf(ws.lastState())]--;
      ws.clear();
    }
    nodes.pushNewest(list(maxSeq, type), track(page));
    pgactivate++;
  }

  /** folio_mark_accessed (lru_gen_inc_refs): a reference through a file descriptor. */
  @Override
  public void access(long page) {
    int n = nodes.find(page);
    if (n == NodeTable.NIL) {
      return;
    }
    int f = nodes.flags(n);
    if ((f & PG_REFERENCED) == 0) {
      f |= PG_REFERENCED;
    } else if ((f & PG_WORKINGSET) == 0) {
      f |= PG_WORKINGSET;
    } else if ((f & REFS_MASK) != REFS_MASK) {
      f += 1 << REFS_SHIFT;
    }
    nodes.setFlags(n, f);
  }

  // ------------------------------------------------------------------ eviction

  @Override
  public long victim(ReferenceBits bits) {
    ws.clear();
    if (nodes.tracked() == 0) {
      return NO_VICTIM;
    }
    long limit = 4L * nodes.tracked() + MIN_LRU_BATCH;
    for (long step = 0; ; step++) {
      boolean force = step >= limit;
      tryToIncMinSeq();
      int n = isolate(force);
      if (n == NodeTable.NIL) {
        age(bits);
        continue;
      }
      int type = typeOfList(nodes.listOf(n));
      scanned++;
      int f = nodes.flags(n);
      int refs = refsOf(f);
      int tier = tierOf(refs);
      if (!force && (tier > tierIdx || refs == REFS_MAX + 1)) {
        // sort_folio: a protected tier goes one generation up
        protectedPages[type][tier - 1]++;
        moveToOldest(n, minSeq[type] + 1, type);
        pgrefill++;
        continue;
      }
      // isolate_folio: the count needs PG_referenced to survive; PG_referenced is used up
      if ((f & PG_REFERENCED) == 0) {
        f &= ~REFS_MASK;
      }
      f &= ~PG_REFERENCED;
      nodes.setFlags(n, f);
      long key = nodes.key(n);
      if (bits.testAndClearYoung(key) && !force) {
        // folio_referenced found a young PTE: look around it, then the page is activated
        walking = false;
        if (bits.lookAround(key, this)) {
          lookArounds++;
        }
        moveToNewest(n, maxSeq, type);
        pgactivate++;
        continue;
      }
      refs = refsOf(f);
      evicted[type][tierOf(refs)]++;
      ws.victim(key, type, refs);
      return evict(n);
    }
  }

  /**
   * The oldest page of the type to scan (isolate_folios), or NIL when neither type can be scanned
   * without aging first. Sets tierIdx for the type returned. Forced (the scan ran too long), either
   * type will do whatever the swappiness: a victim must come out.
   */
  private int isolate(boolean force) {
    int type;
    tierIdx = -1;
    if (swappiness == 0) {
      type = FILE;
    } else if (minSeq[ANON] < minSeq[FILE]) {
      type = ANON;
    } else if (swappiness == 1) {
      type = FILE;
    } else if (swappiness == 200) {
      type = ANON;
    } else {
      type = typeToScan();
    }
    for (int i = swappiness == 0 && !force ? 1 : 0; i < 2; i++) {
      if (tierIdx < 0) {
        tierIdx = tierIdx(type);
      }
      if (nrGens(type) > MIN_NR_GENS) {
        int n = nodes.oldest(list(minSeq[type], type));
        if (n != NodeTable.NIL) {
          return n;
        }
      }
      type = 1 - type;
      tierIdx = -1;
    }
    return NodeTable.NIL;
  }

  // ------------------------------------------------------------------ PID controller

  private long ctrlRefaulted(int type, int tier) {
    return avgRefaulted[type][tier] + refaulted[type][tier];
  }

  private long ctrlTotal(int type, int tier) {
    long t = avgTotal[type][tier] + evicted[type][tier];
    return tier > 0 ? t + protectedPages[type][tier - 1] : t;
  }

  /**
   * positive_ctrl_err: true when the process variable has few refaults or a refault rate no higher
   * than the set point's (scaled by the gains).
   */
  static boolean positive(
      long spRefaulted, long spTotal, long spGain, long pvRefaulted, long pvTotal, long pvGain) {
    return pvRefaulted < MIN_LRU_BATCH
        || pvRefaulted * (spTotal + MIN_LRU_BATCH) * spGain <= (spRefaulted + 1) * pvTotal * pvGain;
  }

  /** get_tier_idx: the last tier of {@code type} to evict, tier 0 as the set point (gain 1:2). */
  private int tierIdx(int type) {
    long spR = ctrlRefaulted(type, 0);
    long spT = ctrlTotal(type, 0);
    int tier = 1;
    for (; tier < MAX_NR_TIERS; tier++) {
      if (!positive(spR, spT, 1, ctrlRefaulted(type, tier), ctrlTotal(type, tier), 2)) {
        break;
      }
    }
    return tier - 1;
  }

  /** get_type_to_scan: compares tier 0 of anon and file weighted by swappiness; sets tierIdx. */
  private int typeToScan() {
    long[] gain = {swappiness, 200 - swappiness};
    int type =
        positive(
                ctrlRefaulted(ANON, 0),
                ctrlTotal(ANON, 0),
                gain[ANON],
                ctrlRefaulted(FILE, 0),
                ctrlTotal(FILE, 0),
                gain[FILE])
            ? FILE
            : ANON;
    int other = 1 - type;
    long spR = ctrlRefaulted(other, 0);
    long spT = ctrlTotal(other, 0);
    int tier = 1;
    for (; tier < MAX_NR_TIERS; tier++) {
      if (!positive(
          spR, spT, gain[other], ctrlRefaulted(type, tier), ctrlTotal(type, tier), gain[type])) {
        break;
      }
    }
    tierIdx = tier - 1;
    return type;
  }

  /** reset_ctrl_pos with carryover (NR_HIST_GENS = 1): halve into the averages, then clear. */
  private void carryOver(int type) {
    for (int tier = 0; tier < MAX_NR_TIERS; tier++) {
      avgRefaulted[type][tier] = (avgRefaulted[type][tier] + refaulted[type][tier]) / 2;
      avgTotal[type][tier] = ctrlTotal(type, tier) / 2;
      refaulted[type][tier] = 0;
      evicted[type][tier] = 0;
      if (tier > 0) {
        protectedPages[type][tier - 1] = 0;
      }
    }
  }

  // ------------------------------------------------------------------ generations

  /**
   * try_to_inc_min_seq: the oldest generations that are empty are dropped while MIN_NR_GENS remain;
   * with swap, anon's min_seq may not pass file's and file's may not pass anon's.
   */
  private void tryToIncMinSeq() {
    long anon = firstNonEmpty(ANON);
    long file = firstNonEmpty(FILE);
    if (swappiness != 0) {
      anon = Math.min(anon, file);
      file = Math.max(anon, minSeq[FILE]);
    }
    if (anon != minSeq[ANON]) {
      carryOver(ANON);
      minSeq[ANON] = anon;
    }
    if (file != minSeq[FILE]) {
      carryOver(FILE);
      minSeq[FILE] = file;
    }
  }

  private long firstNonEmpty(int type) {
    long seq = minSeq[type];
    while (seq + MIN_NR_GENS <= maxSeq && nodes.size(list(seq, type)) == 0) {
      seq++;
    }
    return seq;
  }

  /** try_to_inc_max_seq: walk the page tables for young entries, then add a generation. */
  private void age(ReferenceBits bits) {
    agings++;
    walking = true;
    bloom.reset(maxSeq + 1);
    if (bits.walkPageTables(this)) {
      walks++;
    } else {
      bloom.invalidate(maxSeq + 1);
    }
    walking = false;
    incMaxSeq();
  }

  /** inc_max_seq: a type already at MAX_NR_GENS first folds its oldest generation. */
  private void incMaxSeq() {
    for (int type = FILE; type >= ANON; type--) {
      if (nrGens(type) == MAX_NR_GENS) {
        incMinSeq(type);
      }
    }
    maxSeq++;
    birth[gen(maxSeq)] = clock;
  }

  /** inc_min_seq: every page of the oldest generation moves to the oldest end of the next. */
  private void incMinSeq(int type) {
    int from = list(minSeq[type], type);
    int to = list(minSeq[type] + 1, type);
    for (int n = nodes.oldest(from); n != NodeTable.NIL; n = nodes.oldest(from)) {
      nodes.unlink(n);
      nodes.setFlags(n, nodes.flags(n) & ~TIER_FLAGS);
      nodes.pushOldest(to, n);
    }
    carryOver(type);
    minSeq[type]++;
  }

  /** folio_inc_gen: to the oldest end of {@code seq}, tier bits cleared. */
  private void moveToOldest(int n, long seq, int type) {
    nodes.unlink(n);
    nodes.setFlags(n, nodes.flags(n) & ~TIER_FLAGS);
    nodes.pushOldest(list(seq, type), n);
  }

  /** folio_update_gen / activation: to the newest end of {@code seq}, tier bits cleared. */
  private void moveToNewest(int n, long seq, int type) {
    nodes.unlink(n);
    nodes.setFlags(n, nodes.flags(n) & ~TIER_FLAGS);
    nodes.pushNewest(list(seq, type), n);
  }

  // ------------------------------------------------------------------ page-table walks

  @Override
  public boolean enterTable(long table) {
    if (!walking) {
      return true;
    }
    if (bloom.test(maxSeq, table)) {
      tablesWalked++;
      return true;
    }
    tablesSkipped++;
    return false;
  }

  @Override
  public void young(long key) {
    int n = nodes.find(key);
    if (n == NodeTable.NIL) {
      return;
    }
    if (walking) {
      walkYoung++;
    } else {
      lookAroundYoung++;
    }
    int l = nodes.listOf(n);
    if (gen(maxSeq) != l >>> 1) {
      moveToNewest(n, maxSeq, typeOfList(l));
    }
  }

  @Override
  public void leaveTable(long table, int entries, int young) {
    if (young * PTES_PER_CACHE_LINE < entries) {
      return;
    }
    // a walk carries the table over to the next generation's walk; look-around to this one's
    bloom.add(walking ? maxSeq + 1 : maxSeq, table);
  }

  // ------------------------------------------------------------------ workingset

  @Override
  public long workingsetEviction(long page) {
    if (!ws.takeShadow(page)) {
      return NO_SHADOW;
    }
    int refs = ws.lastState();
    long seq = minSeq[ws.lastType()] & TOKEN_SEQ_MASK;
    long token = (seq << TOKEN_SEQ_SHIFT) | ((long) Math.max(refs - 1, 0) << 1);
    return refs != 0 ? token | 1 : token;
  }

  @Override
  public int workingsetRefault(long page, long token) {
    int n = nodes.find(page);
    if (n == NodeTable.NIL || token < 0) {
      return 0;
    }
    int type = typeOfList(nodes.listOf(n));
    ws.refaulted(type);
    if ((token >>> TOKEN_SEQ_SHIFT) != (minSeq[type] & TOKEN_SEQ_MASK)) {
      return 0;
    }
    int refs = (int) ((token >>> 1) & REFS_MAX) + (int) (token & 1);
    refaulted[type][tierOf(refs)]++;
    ws.activated(type);
    // in a page fault: a stall; the page gets the capped count and PG_workingset
    nodes.setFlags(n, nodes.flags(n) | REFS_MASK | PG_WORKINGSET);
    ws.restored(type);
    return REFAULT_ACTIVATE | REFAULT_RESTORE;
  }

  /**
   * lruvec_is_reclaimable: false while min_ttl_ms protects the oldest file generation (it was born
   * less than min_ttl_ms ago), which the kernel's kswapd answers with the OOM killer.
   */
  @Override
  public boolean reclaimable() {
    return minTtlMs == 0 || clock - birth[gen(minSeq[FILE])] >= minTtlMs;
  }

  // ------------------------------------------------------------------ views

  long maxSeq() {
    return maxSeq;
  }

  long minSeq(int type) {
    return minSeq[type];
  }

  /** The sequence of the generation {@code page} is in, or -1 when it is not tracked (tests). */
  long seqOf(long page) {
    int n = nodes.find(page);
    if (n == NodeTable.NIL) {
      return -1;
    }
    int g = nodes.listOf(n) >>> 1;
    long seq = maxSeq - ((gen(maxSeq) - g + MAX_NR_GENS) % MAX_NR_GENS);
    return seq;
  }

  /** The page's flags byte (tests). */
  int flagsOf(long page) {
    int n = nodes.find(page);
    return n == NodeTable.NIL ? -1 : nodes.flags(n);
  }

  long pages(long seq, int type) {
    return nodes.size(list(seq, type));
  }

  /**
   * The lruvec's block of debugfs {@code lru_gen} (lru_gen_seq_show without the full stats): the
   * node line, then one line per generation from the oldest anon one: sequence, age in ms, anon and
   * file pages.
   */
  @Override
  public String lruGenView(int node) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(" node %5d", node)).append('\n');
    for (long seq = minSeq[ANON]; seq <= maxSeq; seq++) {
      sb.append(String.format(" %10d %10d", seq, clock - birth[gen(seq)]));
      for (int type = ANON; type <= FILE; type++) {
        sb.append(String.format(" %10d ", seq < minSeq[type] ? 0 : pages(seq, type)));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  @Override
  public Statistics statistics() {
    Map<String, Long> m = new LinkedHashMap<>();
    long anon = 0;
    long file = 0;
    for (long seq = minSeq[ANON]; seq <= maxSeq; seq++) {
      anon += pages(seq, ANON);
    }
    for (long seq = minSeq[FILE]; seq <= maxSeq; seq++) {
      file += pages(seq, FILE);
    }
    m.put("nr_anon", anon);
    m.put("nr_file", file);
    // meminfo's Active and Inactive: the two youngest generations count as active
    // (lru_gen_is_active, as lru_gen_update_size charges the classic LRU counters)
    long active = 0;
    for (long seq = Math.max(maxSeq - 1, 0); seq <= maxSeq; seq++) {
      active += seq < minSeq[ANON] ? 0 : pages(seq, ANON);
      active += seq < minSeq[FILE] ? 0 : pages(seq, FILE);
    }
    m.put("nr_active", active);
    m.put("nr_inactive", anon + file - active);
    m.put("pgscan", scanned);
    m.put("pgrefill", pgrefill);
    m.put("pgactivate", pgactivate);
    m.put("pgdeactivate", 0L);
    m.put("lru_gen_max_seq", maxSeq);
    m.put("lru_gen_min_seq_anon", minSeq[ANON]);
    m.put("lru_gen_min_seq_file", minSeq[FILE]);
    m.put("lru_gen_agings", agings);
    m.put("lru_gen_walks", walks);
    m.put("lru_gen_tables_walked", tablesWalked);
    m.put("lru_gen_tables_skipped", tablesSkipped);
    m.put("lru_gen_walk_young", walkYoung);
    m.put("lru_gen_look_arounds", lookArounds);
    m.put("lru_gen_look_around_young", lookAroundYoung);
    ws.putCounters(m);
    return new Statistics(m);
  }

  /** Generation bounds and list placement on top of the NodeTable's own checks. */
  @Override
  void checkOwn() {
    for (int type = ANON; type <= FILE; type++) {
      int g = nrGens(type);
      if (g < MIN_NR_GENS || g > MAX_NR_GENS) {
        throw new AssertionError(
            String.format(
                "mglru: type %d has %d generations (min_seq %d, max_seq %d)",
                type, g, minSeq[type], maxSeq));
      }
      for (long seq = maxSeq + 1; seq < minSeq[type] + MAX_NR_GENS; seq++) {
        if (pages(seq, type) != 0) {
          throw new AssertionError(
              String.format(
                  "mglru: %d pages of type %d in the unused slot of seq %d (min %d max %d)",
                  pages(seq, type), type, seq, minSeq[type], maxSeq));
        }
      }
    }
  }
}
