package io.mmsim.swap.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.PageTableScan;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.reclaim.ReplacementPolicy.ReferenceBits;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/**
 * mglru through the replacement-policy contract, plus generation movements, tiers, the Bloom filter
 * and refault tokens worked out by hand.
 */
final class MglruPolicyTest extends ReplacementPolicyContract {

  @Override
  protected ReplacementPolicyProvider provider() {
    return new MglruPolicyProvider();
  }

  /*
   * Belady's string with 3 frames, by hand (the simulator sets a page's accessed bit on every
   * reference; a young oldest-generation page moves to max_seq, its bit cleared):
   *   1 2 3 miss into seq 3. 4: two agings (max 5), 1 2 3 young -> seq 5; two more agings (max 7),
   *   1 is old -> evicted; 4 into seq 7. 1: 2 evicted. 2: 3 evicted. 5: seq 7 holds 4 1 2, all
   *   young -> seq 9; agings to max 11; 4 evicted, 5 into seq 11. 1, 2 hit. 3: 1 2 young -> seq 11
   *   (after 5); agings to 13; 5 young -> seq 13; 1 evicted. 4: 2 evicted. 5 hits. 9 misses.
   */
  @Override
  protected List<Textbook> textbook() {
    return List.of(new Textbook("Belady anomaly string, by hand", TextbookStrings.BELADY, 3, 9));
  }

  private static MglruPolicy policy() {
    return new MglruPolicy(16, 60, 0);
  }

  /** Accessed bits of a set of pages, test-and-clear. */
  private static final class Bits implements ReferenceBits {
    final Set<Long> young = new HashSet<>();

    Bits(long... pages) {
      for (long p : pages) {
        young.add(p);
      }
    }

    @Override
    public boolean testAndClearYoung(long page) {
      return young.remove(page);
    }
  }

  // ================================================================ generations

  @Test
  void victim_freshPolicy_agesTwiceAndEvictsTheOldestPage() {
    MglruPolicy p = policy();
    p.insert(1);
    p.insert(2);
    p.insert(3);
    assertThat(p.maxSeq()).isEqualTo(3); // lru_gen_init_lruvec: MIN_NR_GENS + 1
    assertThat(p.seqOf(1)).isEqualTo(3);

    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(1);

    // min_seq skips the empty generations 0..2; two agings make a third generation (3, 4, 5)
    assertThat(p.maxSeq()).isEqualTo(5);
    assertThat(p.minSeq(MglruPolicy.ANON)).isEqualTo(3);
    assertThat(p.seqOf(2)).isEqualTo(3);
    assertThat(p.seqOf(3)).isEqualTo(3);
    assertThat(p.statistics().get("lru_gen_agings")).isEqualTo(2);
    assertThat(p.statistics().get("pgscan")).isEqualTo(1);
  }

  @Test
  void victim_youngOldestPage_movesToMaxSeqAndTheNextIsEvicted() {
    MglruPolicy p = policy();
    p.insert(1);
    p.insert(2);
    p.insert(3);
    Bits bits = new Bits(1);

    assertThat(p.victim(bits)).isEqualTo(2);

    assertThat(p.seqOf(1)).isEqualTo(5);
    assertThat(p.seqOf(3)).isEqualTo(3);
    assertThat(bits.young).isEmpty();
    assertThat(p.statistics().get("pgactivate")).isEqualTo(1);
    assertThat(p.statistics().get("pgscan")).isEqualTo(2);
  }

  @Test
  void victim_fullGenerations_foldsTheOldestIntoTheNext() {
    MglruPolicy p = policy();
    p.insert(1); // seq 3
    p.insert(2); // seq 3
    assertThat(p.victim(new Bits(1))).isEqualTo(2); // ages to max 5; 1 -> seq 5
    p.insert(3); // seq 5
    // 1 and 3 young: both go to max_seq 5 (1 is there already: its bit is cleared by the test)
    Bits bits = new Bits(1, 3);
    // seq 3 is empty now: min_seq -> 4 (two generations left), age (max 6): min 5, age (max 7)
    // oldest is seq 5 holding 1 then 3: both young -> seq 7; seq 5, 6 empty -> min 6, age: max 8,
    // min 7, age: max 9, min 7: 1 old -> victim
    assertThat(p.victim(bits)).isEqualTo(1);
    assertThat(p.maxSeq()).isEqualTo(9);
    assertThat(p.seqOf(3)).isEqualTo(7);
    assertThat(p.nrGens(MglruPolicy.ANON)).isEqualTo(3);
  }

  @Test
  void incMaxSeq_anonAtFourGenerations_movesItsOldestPagesUpAndClearsTheirTiers() {
    MglruPolicy p = new MglruPolicy(16, 0, 0); // swappiness 0: only file pages are evicted
    p.insert(1); // anon, seq 3
    p.access(1);
    p.access(1); // PG_referenced, PG_workingset
    p.insert(2, ReplacementPolicy.TYPE_FILE);
    // two agings (max 5); file's oldest generation is seq 3: 2 is the victim
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(2);
    p.insert(3, ReplacementPolicy.TYPE_FILE); // seq 5
    // file is down to two generations (4, 5): age (max 6), again (max 7); at the second aging
    // anon has four (3..6): inc_min_seq moves 1 to seq 4 first
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(3);
    assertThat(p.maxSeq()).isEqualTo(7);
    assertThat(p.minSeq(MglruPolicy.ANON)).isEqualTo(4);
    assertThat(p.seqOf(1)).isEqualTo(4);
    assertThat(p.flagsOf(1)).isZero();
  }

  @Test
  void victim_swappinessZeroAndOnlyAnonPages_stillEvictsOnceAgingRunsOut() {
    MglruPolicy p = new MglruPolicy(16, 0, 0);
    p.insert(1);
    p.insert(2);
    assertThat(p.victim(ReferenceBits.NONE)).isIn(1L, 2L);
    assertThat(p.resident()).isEqualTo(1);
  }

  // ================================================================ tiers

  @Test
  void victim_pageAtTheReferenceCap_isProtectedIntoMinSeqPlusOne() {
    MglruPolicy p = policy();
    p.insert(1);
    p.insert(2);
    p.insert(3);
    for (int i = 0; i < 5; i++) {
      p.access(1); // PG_referenced, PG_workingset, then refs 1, 2, 3 (the cap)
    }
    assertThat(MglruPolicy.refsOf(p.flagsOf(1))).isEqualTo(4);
    assertThat(MglruPolicy.tierOf(4)).isEqualTo(3);

    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(2);

    assertThat(p.seqOf(1)).isEqualTo(4); // min_seq 3 + 1 (folio_inc_gen)
    assertThat(p.flagsOf(1)).isZero(); // tier bits cleared
    assertThat(p.statistics().get("pgrefill")).isEqualTo(1);
  }

  @Test
  void access_countsUpToTheCap_tiersFollowOrderBase2() {
    MglruPolicy p = policy();
    p.insert(7);
    int[] wantRefs = {0, 1, 2, 3, 4, 4};
    int[] wantTier = {0, 1, 2, 2, 3, 3};
    for (int i = 0; i < wantRefs.length; i++) {
      if (i > 0) {
        p.access(7);
      }
      int refs = MglruPolicy.refsOf(p.flagsOf(7));
      assertThat(refs).as("after %d accesses", i).isEqualTo(i == 0 ? 0 : wantRefs[i - 1]);
      assertThat(MglruPolicy.tierOf(wantRefs[i])).isEqualTo(wantTier[i]);
    }
  }

  @Test
  void positive_pidController_handComputedErrors() {
    // few refaults: always positive
    assertThat(MglruPolicy.positive(0, 0, 1, 63, 100, 2)).isTrue();
    // 100 * (1000 + 64) * 1 = 106400 > (10 + 1) * 1000 * 2 = 22000: tier refaults too much
    assertThat(MglruPolicy.positive(10, 1000, 1, 100, 1000, 2)).isFalse();
    // 64 * (1000 + 64) * 1 = 68096 <= (100 + 1) * 1000 * 2 = 202000
    assertThat(MglruPolicy.positive(100, 1000, 1, 64, 1000, 2)).isTrue();
  }

  // ================================================================ workingset

  @Test
  void workingsetRefault_tokenOfTheCurrentMinSeq_activatesAndRestores() {
    MglruPolicy p = policy();
    p.insert(1);
    p.insert(2);
    p.insert(3);
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(1);
    long token = p.workingsetEviction(1);
    assertThat(token).isEqualTo(3L << 3); // min_seq 3, refs 0, not workingset

    p.insert(1);
    int r = p.workingsetRefault(1, token);

    assertThat(r).isEqualTo(ReplacementPolicy.REFAULT_ACTIVATE | ReplacementPolicy.REFAULT_RESTORE);
    assertThat(MglruPolicy.refsOf(p.flagsOf(1))).isEqualTo(4);
    assertThat(p.statistics().get("workingset_refault_anon")).isEqualTo(1);
    assertThat(p.statistics().get("workingset_activate_anon")).isEqualTo(1);
    assertThat(p.statistics().get("workingset_restore_anon")).isEqualTo(1);
  }

  @Test
  void workingsetRefault_tokenOfAnOlderMinSeq_countsARefaultOnly() {
    MglruPolicy p = policy();
    p.insert(1);
    p.insert(2);
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(1);
    long token = p.workingsetEviction(1);
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(2);
    p.workingsetEviction(2);
    p.insert(3);
    p.insert(4); // seq 5
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(3); // min_seq moves past 3, to 5
    assertThat(p.minSeq(MglruPolicy.ANON)).isEqualTo(5);
    p.insert(1);

    assertThat(p.workingsetRefault(1, token)).isZero();
    assertThat(p.statistics().get("workingset_refault_anon")).isEqualTo(1);
    assertThat(p.statistics().get("workingset_activate_anon")).isZero();
  }

  @Test
  void workingsetEviction_pageWithReferences_recordsRefsMinusOneAndTheWorkingsetBit() {
    MglruPolicy p = policy();
    p.insert(1, ReplacementPolicy.TYPE_FILE);
    p.insert(2, ReplacementPolicy.TYPE_FILE);
    p.access(1);
    p.access(1);
    p.access(1); // PG_referenced, PG_workingset, refs 1: folio_lru_refs = 2, tier 2
    // tier 2 <= tier index 3: isolated; PG_referenced kept the count
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(1);
    long token = p.workingsetEviction(1);
    assertThat(token).isEqualTo((3L << 3) | (1L << 1) | 1);
    assertThat(p.workingsetEviction(1)).isEqualTo(ReplacementPolicy.NO_SHADOW); // once
  }

  @Test
  void putBack_victim_goesToMaxSeq() {
    MglruPolicy p = policy();
    p.insert(1, ReplacementPolicy.TYPE_FILE);
    p.insert(2, ReplacementPolicy.TYPE_FILE);
    long v = p.victim(ReferenceBits.NONE);
    p.putBack(v);
    assertThat(p.seqOf(v)).isEqualTo(p.maxSeq());
    assertThat(p.pages(p.maxSeq(), MglruPolicy.FILE)).isEqualTo(1);
    assertThat(p.workingsetEviction(v)).isEqualTo(ReplacementPolicy.NO_SHADOW);
  }

  // ================================================================ page-table walks

  /** Two PTE tables: table 100 maps pages 1..8, table 200 maps pages 9..16. */
  private static class Tables implements ReferenceBits {
    final Set<Long> young = new HashSet<>();
    int walks;

    @Override
    public boolean testAndClearYoung(long page) {
      return young.remove(page);
    }

    @Override
    public boolean walkPageTables(PageTableScan scan) {
      walks++;
      table(scan, 100, 1);
      table(scan, 200, 9);
      return true;
    }

    private void table(PageTableScan scan, long table, long first) {
      if (!scan.enterTable(table)) {
        return;
      }
      int y = 0;
      for (long page = first; page < first + 8; page++) {
        if (young.remove(page)) {
          y++;
          scan.young(page);
        }
      }
      // 64 entries looked at: one young entry per 8 keeps a table in the filter
      scan.leaveTable(table, 64, y);
    }
  }

  @Test
  void aging_walkPromotesYoungPagesAndTheBloomFilterSkipsColdTables() {
    MglruPolicy p = policy();
    for (long page = 1; page <= 16; page++) {
      p.insert(page);
    }
    Tables t = new Tables();
    for (long page = 1; page <= 8; page++) {
      t.young.add(page); // table 100: 8 young of 64 -> worth walking next time
    }
    t.young.add(9L); // table 200: 1 young of 64 -> not
    // first aging walk (max 3): no filter yet, both tables walked; 1..9 stay in seq 3 = max_seq
    // second aging walk (max 4): only table 100 passes filter[4]
    long v = p.victim(t);
    assertThat(t.walks).isEqualTo(2);
    assertThat(p.statistics().get("lru_gen_tables_walked")).isEqualTo(3);
    assertThat(p.statistics().get("lru_gen_tables_skipped")).isEqualTo(1);
    assertThat(p.statistics().get("lru_gen_walk_young")).isEqualTo(9);
    assertThat(v).isEqualTo(1); // nothing young any more: the oldest page of seq 3
  }

  @Test
  void aging_tableTheFilterLeftOut_itsYoungPagesAreCaughtAtEviction() {
    MglruPolicy p = policy();
    for (long page = 1; page <= 16; page++) {
      p.insert(page);
    }
    Tables t =
        new Tables() {
          @Override
          public boolean walkPageTables(PageTableScan scan) {
            if (walks == 1) {
              young.add(1L); // referenced between the two agings
              young.add(2L);
            }
            return super.walkPageTables(scan);
          }
        };
    long v = p.victim(t);
    // the first walk found nothing young: neither table is in filter[4], the second walk skips
    // both; eviction tests 1 and 2 through the rmap, finds them young and moves them to max_seq 5
    assertThat(p.statistics().get("lru_gen_tables_skipped")).isEqualTo(2);
    assertThat(p.seqOf(1)).isEqualTo(5);
    assertThat(p.seqOf(2)).isEqualTo(5);
    assertThat(v).isEqualTo(3);
  }

  // ================================================================ views

  @Test
  void lruGen_afterTheFirstEviction_listsGenerationsWithAgesAndSizes() {
    MglruPolicy p = policy();
    p.insert(1);
    p.insert(2);
    p.insert(3, ReplacementPolicy.TYPE_FILE);
    assertThat(p.victim(ReferenceBits.NONE)).isEqualTo(3);
    // clock = 3 inserts; seq 4 and 5 were born at clock 3; seq 3 at 0 (never set)
    assertThat(p.lruGenView(0))
        .isEqualTo(
            " node     0\n"
                + "          3          3          2           0 \n"
                + "          4          0          0           0 \n"
                + "          5          0          0           0 \n");
  }

  @Test
  void reclaimable_minTtl_protectsAYoungOldestGeneration() {
    MglruPolicy p = new MglruPolicy(16, 60, 5);
    for (long page = 1; page <= 4; page++) {
      p.insert(page);
    }
    assertThat(p.reclaimable()).isFalse(); // clock 4 - birth 0 < 5
    p.insert(5);
    assertThat(p.reclaimable()).isTrue();
  }
}
