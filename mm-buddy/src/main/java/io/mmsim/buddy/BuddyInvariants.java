package io.mmsim.buddy;

import static io.mmsim.buddy.FreeArea.ALLOCATED;
import static io.mmsim.buddy.FreeArea.BUDDY;
import static io.mmsim.buddy.FreeArea.MAX_ORDER;
import static io.mmsim.buddy.FreeArea.NONE;
import static io.mmsim.buddy.FreeArea.NR_ZONES;
import static io.mmsim.buddy.FreeArea.PCP;
import static io.mmsim.buddy.FreeArea.allocMtOf;
import static io.mmsim.buddy.FreeArea.meta;
import static io.mmsim.buddy.FreeArea.orderOf;
import static io.mmsim.buddy.FreeArea.stateOf;
import static io.mmsim.buddy.Pageblocks.MIGRATE_HIGHATOMIC;
import static io.mmsim.buddy.Pageblocks.MIGRATE_MOVABLE;
import static io.mmsim.buddy.Pageblocks.MIGRATE_PCPTYPES;
import static io.mmsim.buddy.Pageblocks.MIGRATE_RECLAIMABLE;
import static io.mmsim.buddy.Pageblocks.MIGRATE_TYPES;
import static io.mmsim.buddy.Pageblocks.MT_MASK;
import static io.mmsim.buddy.Pageblocks.PAGEBLOCK_NR_PAGES;
import static io.mmsim.buddy.Pageblocks.PAGEBLOCK_ORDER;

import java.util.Arrays;
import java.util.function.IntPredicate;

import io.mmsim.api.mem.Zone;

/*
 * checkInvariants of the buddy allocator: recomputes every derived number from the primary
 * structures (the lists, the meta bytes, the pageblock bytes, the boot bitmap) and compares.
 *
 *   free lists  every entry is a BUDDY head of the list's order and zone, aligned, inside memory,
 *               on the list of its pageblock's type (a block above pageblock_order covers
 *               pageblocks of that one type); per list block counts, per zone and type page
 *               counts and per zone page counts equal the kept ones
 *   per-CPU     every entry is a PCP page of the list's zone; per CPU and zone the three lists
 *               hold the kept count; all lists hold the kept total. (The count may exceed high:
 *               a refill of one type's empty list does not look at the others, and a free
 *               spills only one batch, as in the kernel.)
 *   frames      heads exactly where state != NONE; blocks aligned, not overlapping, covering
 *               exactly the frames handed over at boot (managed = free + per-CPU + allocated);
 *               no two free buddies that the merge rule would have merged; allocmt bits only on
 *               ALLOCATED heads, below MIGRATE_PCPTYPES
 *   pageblocks  valid types (no MOVABLE or RECLAIMABLE when grouping by mobility is off), spare
 *               bits clear; nr_reserved_highatomic = pageblock_nr_pages x the zone's HIGHATOMIC
 *               pageblocks
 *   watermarks  0 <= min <= low <= high
 *
 * Slow by design; tests call it after every step, and the check-invariants setting after every
 * operation.
 */
final class BuddyInvariants {

  private final FreeArea area;
  private final PerCpuPages pcp;
  private final HighAtomic highAtomic;
  private final Watermarks wm;
  private final long[] managed;
  private final IntPredicate given;
  private final int nFrames;
  private final int[] next;
  private final int[] prev;

  /** The index of the node's first frame in next and prev. */
  private final int lb;

  private final byte[] meta;
  private final Pageblocks blocks;

  BuddyInvariants(
      FreeArea area,
      PerCpuPages pcp,
      HighAtomic highAtomic,
      Watermarks wm,
      long[] managed,
      IntPredicate given) {
    this.area = area;
    this.pcp = pcp;
    this.highAtomic = highAtomic;
    this.wm = wm;
    this.managed = managed;
    this.given = given;
    this.nFrames = area.nFrames;
    this.next = area.next;
    this.prev = area.prev;
    this.lb = area.lb;
    this.meta = area.meta;
    this.blocks = area.blocks;
  }

  void check() {
    long buddyBlocks = checkFreeLists();
    checkPerCpuLists();
    checkFrames(buddyBlocks);
    checkPageblocks();
    checkWatermarks();
  }

  private static String zone(int z) {
    return Zone.ofIndex(z).kernelName();
  }

  private String list(int z, int mt, int o) {
    return "free list " + zone(z) + "/" + Pageblocks.name(mt) + "/order " + o;
  }

  /** A list entry for messages: a PFN, or the list head. */
  private String link(int x) {
    return x < nFrames ? "pfn " + x : "the list head";
  }

  /** Returns the number of blocks on all free lists. */
  private long checkFreeLists() {
    long[] pagesByType = new long[NR_ZONES * MIGRATE_TYPES];
    long total = 0;
    for (int z = 0; z < NR_ZONES; z++) {
      long zonePages = 0;
      for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
        for (int o = 0; o <= MAX_ORDER; o++) {
          int id = FreeArea.listId(z, mt, o);
          int s = area.sentinels + id;
          long n = 0;
          // each entry's back link is checked against the entry before it (the sentinel for the
          // head): a forward link out of range is named before anything reads through it, and a
          // cycle that misses the sentinel breaks a back link where it closes, so the walk ends
          int last = s;
          for (int x = next[lb + s]; x != s; last = x, x = next[lb + x]) {
            if (x < 0 || x >= nFrames) {
              fail(list(z, mt, o) + " links to " + x);
            }
            if (prev[lb + x] != last) {
              fail("broken back link after " + link(last) + " on " + list(z, mt, o));
            }
            if (meta[x] != meta(BUDDY, o)) {
              fail(
                  "pfn "
                      + x
                      + " on "
                      + list(z, mt, o)
                      + " has state "
                      + stateOf(meta[x])
                      + " order "
                      + orderOf(meta[x]));
            }
            if (area.zoneOf(x) != z) {
              fail("pfn " + x + " on " + list(z, mt, o) + " belongs to " + zone(area.zoneOf(x)));
            }
            if ((x & ((1 << o) - 1)) != 0 || x + (1L << o) > nFrames) {
              fail("free block pfn " + x + " order " + o + " misaligned or past memory");
            }
            for (int b = x; b < x + (1 << o); b += PAGEBLOCK_NR_PAGES) {
              if (blocks.get(b) != mt) {
                fail(
                    "free block pfn "
                        + x
                        + " order "
                        + o
                        + " is on "
                        + list(z, mt, o)
                        + " but pageblock "
                        + (b >>> PAGEBLOCK_ORDER)
                        + " is "
                        + Pageblocks.name(blocks.get(b)));
              }
            }
            n++;
            pagesByType[z * MIGRATE_TYPES + mt] += 1L << o;
          }
          if (prev[lb + s] != last) {
            fail("broken back link after " + link(last) + " on " + list(z, mt, o));
          }
          if (n != area.nrFree[id]) {
            fail(list(z, mt, o) + ": nr_free " + area.nrFree[id] + " but the list holds " + n);
          }
          total += n;
        }
        int k = z * MIGRATE_TYPES + mt;
        if (pagesByType[k] != area.freePages[k]) {
          fail(
              zone(z)
                  + " "
                  + Pageblocks.name(mt)
                  + ": "
                  + area.freePages[k]
                  + " free pages kept but the lists hold "
                  + pagesByType[k]);
        }
        zonePages += pagesByType[k];
      }
      long highatomic = pagesByType[z * MIGRATE_TYPES + MIGRATE_HIGHATOMIC];
      if (area.zoneUsable[z] != zonePages - highatomic) {
        fail(
            "zone "
                + zone(z)
                + ": "
                + area.zoneUsable[z]
                + " free pages kept outside HighAtomic but the lists hold "
                + (zonePages - highatomic));
      }
      if (zonePages != area.zoneFree[z]) {
        fail(
            "zone "
                + zone(z)
                + ": NR_FREE_PAGES "
                + area.zoneFree[z]
                + " but the lists hold "
                + zonePages);
      }
    }
    return total;
  }

  /** Every per-CPU list holds its slot's count (the total is the counts' sum by definition). */
  private void checkPerCpuLists() {
    for (int c = 0; c < pcp.cpus; c++) {
      for (int z = 0; z < NR_ZONES; z++) {
        int slot = PerCpuPages.slot(c, z);
        int n = 0;
        for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
          int s = pcp.sentinel(slot, mt);
          int last = s;
          for (int x = next[lb + s]; x != s; last = x, x = next[lb + x]) {
            if (x < 0 || x >= nFrames || meta[x] != FreeArea.META_PCP || area.zoneOf(x) != z) {
              fail("bad entry " + x + " on the per-CPU list of cpu " + c + " zone " + zone(z));
            }
            if (prev[lb + x] != last) {
              fail("broken back link after " + link(last) + " on a per-CPU list of cpu " + c);
            }
            n++;
          }
          if (prev[lb + s] != last) {
            fail("broken back link after " + link(last) + " on a per-CPU list of cpu " + c);
          }
        }
        if (n != pcp.count[slot]) {
          fail(
              "per-CPU lists of cpu "
                  + c
                  + " zone "
                  + zone(z)
                  + ": count "
                  + pcp.count[slot]
                  + " but the lists hold "
                  + n);
        }
      }
    }
  }

  private void checkFrames(long buddyBlocks) {
    long[] covered = new long[NR_ZONES];
    long[] givenCount = new long[NR_ZONES];
    long buddyHeads = 0;
    long pcpHeads = 0;
    int coveredEnd = 0;
    int freeEnd = 0;
    for (int p = 0; p < nFrames; p++) {
      if (given.test(p)) {
        givenCount[area.zoneOf(p)]++;
      }
      byte m = meta[p];
      int state = stateOf(m);
      if (state != ALLOCATED && allocMtOf(m) != 0) {
        fail("pfn " + p + " in state " + state + " carries an allocation type " + allocMtOf(m));
      }
      if (state == NONE) {
        if (m != 0) {
          fail("pfn " + p + " is no block head but has order bits " + orderOf(m));
        }
        if (p >= coveredEnd && given.test(p)) {
          fail("pfn " + p + " was handed over at boot but no block covers it");
        }
        // a frame of a free block other than its head, or one never handed over: no owner may
        // have written its words (struct page's union belongs to no one there)
        if ((p < freeEnd || p >= coveredEnd) && (next[lb + p] | prev[lb + p]) != 0) {
          fail(
              String.format(
                  "pfn %d (%s) has words 0x%x, 0x%x: written by an owner it does not belong to",
                  p, p < freeEnd ? "inside a free block" : "reserved", next[lb + p], prev[lb + p]));
        }
        continue;
      }
      int o = orderOf(m);
      if (p < coveredEnd) {
        fail("block head pfn " + p + " lies inside the block ending at " + coveredEnd);
      }
      if (o > MAX_ORDER || (p & ((1 << o) - 1)) != 0 || p + (1L << o) > nFrames) {
        fail("block pfn " + p + " order " + o + " misaligned or past memory");
      }
      if (state == PCP && o != 0) {
        fail("per-CPU page " + p + " has order " + o);
      }
      if (state == ALLOCATED && allocMtOf(m) >= MIGRATE_PCPTYPES) {
        fail("allocated block " + p + " has allocation type " + allocMtOf(m));
      }
      for (int f = p; f < p + (1 << o); f++) {
        if (!given.test(f)) {
          fail("block pfn " + p + " order " + o + " covers reserved frame " + f);
        }
      }
      coveredEnd = p + (1 << o);
      covered[area.zoneOf(p)] += 1L << o;
      if (state == BUDDY) {
        buddyHeads++;
        freeEnd = coveredEnd;
        checkMerged(p, o);
      } else if (state == PCP) {
        pcpHeads++;
      }
    }
    if (buddyHeads != buddyBlocks) {
      fail(buddyHeads + " free block heads but " + buddyBlocks + " blocks on the free lists");
    }
    if (pcpHeads != pcp.pages()) {
      fail(pcpHeads + " per-CPU pages marked but " + pcp.pages() + " on the lists");
    }
    for (int z = 0; z < NR_ZONES; z++) {
      if (covered[z] != managed[z] || givenCount[z] != managed[z]) {
        fail(
            "zone "
                + zone(z)
                + ": managed "
                + managed[z]
                + ", frames handed over "
                + givenCount[z]
                + ", covered by blocks "
                + covered[z]);
      }
    }
  }

  /** Two free buddies stay apart only across pageblocks whose types may not merge. */
  private void checkMerged(int p, int o) {
    if (o >= MAX_ORDER) {
      return;
    }
    int b = p ^ (1 << o);
    if (b >= nFrames || meta[b] != meta(BUDDY, o)) {
      return;
    }
    if (o >= PAGEBLOCK_ORDER) {
      int mt = blocks.get(p);
      int bmt = blocks.get(b);
      if (mt != bmt && (!FreeArea.mergeable(mt) || !FreeArea.mergeable(bmt))) {
        return;
      }
    }
    fail(
        "free buddies pfn "
            + Math.min(p, b)
            + " and "
            + Math.max(p, b)
            + " of order "
            + o
            + " were not merged");
  }

  private void checkPageblocks() {
    long[] highatomic = new long[NR_ZONES];
    for (int i = 0; i < blocks.flags.length; i++) {
      int f = blocks.flags[i];
      int mt = f & MT_MASK;
      if ((f & ~MT_MASK) != 0 || mt >= MIGRATE_TYPES) {
        fail("pageblock " + i + " has flags 0x" + Integer.toHexString(f & 0xff));
      }
      if (blocks.mobilityDisabled && (mt == MIGRATE_MOVABLE || mt == MIGRATE_RECLAIMABLE)) {
        fail("pageblock " + i + " is " + Pageblocks.name(mt) + " with grouping by mobility off");
      }
      if (mt == MIGRATE_HIGHATOMIC) {
        highatomic[area.zoneOf(i << PAGEBLOCK_ORDER)]++;
      }
    }
    for (int z = 0; z < NR_ZONES; z++) {
      if (highatomic[z] * PAGEBLOCK_NR_PAGES != highAtomic.nrReserved[z]) {
        fail(
            "zone "
                + zone(z)
                + ": nr_reserved_highatomic "
                + highAtomic.nrReserved[z]
                + " but "
                + highatomic[z]
                + " HighAtomic pageblocks");
      }
    }
  }

  private void checkWatermarks() {
    for (int z = 0; z < NR_ZONES; z++) {
      long min = wm.wmark[z * 3];
      long low = wm.wmark[z * 3 + 1];
      long high = wm.wmark[z * 3 + 2];
      if (min < 0 || low < min || high < low) {
        fail("zone " + zone(z) + " watermarks min " + min + " low " + low + " high " + high);
      }
    }
  }

  private void fail(String what) {
    throw new AssertionError(
        "buddy allocator invariant broken: "
            + what
            + " [free by zone "
            + Arrays.toString(area.zoneFree)
            + ", free by zone and type "
            + Arrays.toString(area.freePages)
            + ", managed "
            + Arrays.toString(managed)
            + ", pcp pages "
            + pcp.pages()
            + ", pcp counts "
            + Arrays.toString(pcp.count)
            + ", highatomic reserved "
            + Arrays.toString(highAtomic.nrReserved)
            + "]");
  }
}
