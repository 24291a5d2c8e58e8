package io.mmsim.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.MigrateType;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.PageTypeInfo;
import io.mmsim.testkit.Op;
import io.mmsim.testkit.OpKind;
import io.mmsim.testkit.Scenario;
import io.mmsim.testkit.StatefulRunner;
import io.mmsim.testkit.page.BootHandOff;

/**
 * Seeded random operations with every migrate type, memory pressure and high-order atomic requests.
 * After every step, besides the allocator's own checkInvariants, the test recounts from the
 * outside: each free list's blocks lie in pageblocks of the list's type, the per-type block counts
 * and page sums of /proc/pagetypeinfo match the lists, the pageblock counts match a walk over every
 * pageblock, the HIGHATOMIC reserve is a whole number of its pageblocks, and the free and per-CPU
 * pages are exactly the model's frames that are not allocated.
 */
final class BuddyMigrateRandomTest {

  /** 256 MiB, 2 CPUs: DMA32 manages enough (1 % > a pageblock) for a HIGHATOMIC reserve. */
  private static final MemoryLayout LAYOUT = new MemoryLayout(65536, 2);

  /** PFN 0 and a 700-frame hole that cuts two pageblocks. */
  private static final long[] RESERVED = {0, 1, 20000, 20700};

  static final OpKind ALLOC = new OpKind("alloc", "cpu", "order", "flavour");
  static final OpKind FREE = new OpKind("free", "cpu", "index");
  static final OpKind FREE_MANY = new OpKind("freeMany", "cpu", "count", "index");
  static final OpKind FILL = new OpKind("fillToLow", "cpu", "flavour");
  static final OpKind DRAIN = new OpKind("drain", "cpu");
  static final OpKind DRAIN_ALL = new OpKind("drainAll");

  private static final int[] FLAVOURS = {
    Gfp.KERNEL,
    Gfp.HIGHUSER_MOVABLE,
    Gfp.HIGHUSER_MOVABLE,
    Gfp.KERNEL | Gfp.RECLAIMABLE,
    Gfp.GFP_ATOMIC,
    Gfp.GFP_ATOMIC | Gfp.RECLAIMABLE,
    Gfp.NOWAIT | Gfp.MOVABLE,
    Gfp.GFP_DMA,
    Gfp.KERNEL | Gfp.DMA32,
    Gfp.KERNEL | Gfp.MEMALLOC
  };

  static final class State {
    final BuddyAllocator allocator;
    final BitSet allocated = new BitSet();
    final List<long[]> live = new ArrayList<>();

    State(BuddyAllocator allocator) {
      this.allocator = allocator;
    }
  }

  static final class MigrateScenario implements Scenario<State> {

    @Override
    public State create() {
      BuddyAllocator a = Buddies.create(LAYOUT);
      BootHandOff.boot(a, LAYOUT, RESERVED);
      return new State(a);
    }

    @Override
    public Op generate(SplittableRandom r, int step) {
      int k = r.nextInt(100);
      if (k < 45) {
        int order = r.nextInt(3) != 0 ? 0 : r.nextInt(Page.MAX_PAGE_ORDER + 1);
        return ALLOC.op(r.nextInt(2), order, r.nextInt(FLAVOURS.length));
      }
      if (k < 50) {
        return FILL.op(r.nextInt(2), r.nextInt(3));
      }
      if (k < 80) {
        return FREE.op(r.nextInt(2), r.nextInt(1 << 20));
      }
      if (k < 90) {
        return FREE_MANY.op(r.nextInt(2), 1 + r.nextInt(3000), r.nextInt(1 << 20));
      }
      if (k < 97) {
        return DRAIN.op(r.nextInt(2));
      }
      return DRAIN_ALL.op();
    }

    @Override
    public void apply(State s, Op op) {
      if (op.is(ALLOC)) {
        alloc(s, op.intArg(0), FLAVOURS[op.intArg(2)], op.intArg(1));
      } else if (op.is(FILL)) {
        // until no zone serves a fast-path request any more, so that what follows meets the
        // slow path (DMA stops serving at low plus its reserve against Normal requests)
        BuddyAllocator a = s.allocator;
        long low32 = a.watermark(Zone.DMA32, Watermark.LOW);
        long lowDma = a.watermark(Zone.DMA, Watermark.LOW) + a.lowmemReserve(Zone.DMA, Zone.NORMAL);
        int gfp = FLAVOURS[op.intArg(1)];
        while ((a.nrFreePages(Zone.DMA32) > low32 || a.nrFreePages(Zone.DMA) > lowDma)
            && alloc(s, op.intArg(0), gfp, 0)) {
          // keep going
        }
      } else if (op.is(FREE)) {
        free(s, op.intArg(0), op.arg(1));
      } else if (op.is(FREE_MANY)) {
        for (int i = 0; i < op.arg(1) && !s.live.isEmpty(); i++) {
          free(s, op.intArg(0), op.arg(2) + i * 7919L);
        }
      } else if (op.is(DRAIN)) {
        s.allocator.drainPages(op.intArg(0));
      } else if (op.is(DRAIN_ALL)) {
        s.allocator.drainAllPages();
      }
    }

    private static void free(State s, int cpu, long index) {
      if (s.live.isEmpty()) {
        return;
      }
      int i = (int) (index % s.live.size());
      long[] b = s.live.get(i);
      s.allocator.freePages(cpu, b[0], (int) b[1]);
      s.allocated.clear((int) b[0], (int) (b[0] + (1L << b[1])));
      s.live.set(i, s.live.get(s.live.size() - 1));
      s.live.remove(s.live.size() - 1);
    }

    private static boolean alloc(State s, int cpu, int gfp, int order) {
      long p = s.allocator.allocPages(cpu, gfp, order);
      if (p == PageAllocator.NO_PAGE) {
        return false;
      }
      int from = (int) p;
      int to = (int) (p + (1L << order));
      // plain checks: a fill makes tens of thousands of these
      if (!s.allocated.get(from, to).isEmpty()
          || p % (1L << order) != 0
          || Zone.of(p).ordinal() > Gfp.zone(gfp).ordinal()) {
        throw new AssertionError(
            "block " + p + " order " + order + " for " + Gfp.format(gfp) + " was not free or fit");
      }
      s.allocated.set(from, to);
      s.live.add(new long[] {p, order});
      return true;
    }

    @Override
    public void checkInvariants(State s) {
      BuddyAllocator a = s.allocator;
      a.checkInvariants();
      BitSet free = new BitSet();
      for (Zone z : Zone.values()) {
        checkZone(a, z, free);
        for (int cpu = 0; cpu < LAYOUT.cpus(); cpu++) {
          for (long p : a.pcpList(cpu, z)) {
            assertThat(free.get((int) p)).as("per-CPU page %d also on a free list", p).isFalse();
            free.set((int) p);
          }
        }
      }
      BitSet expected = new BitSet();
      expected.set(0, (int) LAYOUT.frames());
      for (int i = 0; i < RESERVED.length; i += 2) {
        expected.clear((int) RESERVED[i], (int) RESERVED[i + 1]);
      }
      expected.andNot(s.allocated);
      assertThat(free)
          .as("free and per-CPU frames are the model's unallocated ones")
          .isEqualTo(expected);
    }

    private static void checkZone(BuddyAllocator a, Zone z, BitSet free) {
      PageTypeInfo info = a.pageTypeInfo(z).orElseThrow();
      long[] perOrder = new long[Page.NR_PAGE_ORDERS];
      long zonePages = 0;
      for (MigrateType t : MigrateType.values()) {
        long pages = 0;
        for (int o = 0; o < Page.NR_PAGE_ORDERS; o++) {
          long[] list = a.freeList(z, t, o);
          assertThat(list.length)
              .as("%s %s order %d: pagetypeinfo count", z, t, o)
              .isEqualTo(info.freeBlocks(t, o));
          for (long p : list) {
            for (long b = p; b < p + (1L << o); b += 512) {
              assertThat(a.pageblockType(b))
                  .as("free block %d order %d on the %s list", p, o, t)
                  .isEqualTo(t);
            }
            assertThat(free.get((int) p, (int) (p + (1L << o))).isEmpty()).isTrue();
            free.set((int) p, (int) (p + (1L << o)));
          }
          pages += (long) list.length << o;
          perOrder[o] += list.length;
        }
        assertThat(info.freePages(t)).as("%s %s free pages", z, t).isEqualTo(pages);
        zonePages += pages;
      }
      assertThat(zonePages).isEqualTo(a.nrFreePages(z));
      assertThat(a.zoneStats(z).freeBlocks()).as("buddyinfo of %s", z).containsExactly(perOrder);

      long[] blocks = new long[MigrateType.count()];
      for (long pfn = LAYOUT.zoneStart(z); pfn < LAYOUT.zoneEnd(z); pfn += 512) {
        blocks[a.pageblockType(pfn).ordinal()]++;
      }
      assertThat(info.pageblocks()).as("pageblocks of %s", z).containsExactly(blocks);
      assertThat(blocks[MigrateType.HIGHATOMIC.ordinal()] * 512)
          .as("%s HIGHATOMIC reserve", z)
          .isEqualTo(a.reservedHighatomic(z));
      assertThat(blocks[MigrateType.ISOLATE.ordinal()]).isZero();
    }
  }

  @Test
  void randomOperations_freeListsPageblocksAndReserveAgreeAfterEveryStep() {
    StatefulRunner.of("buddy migrate types", new MigrateScenario()).runs(6).steps(120).check();
  }

  @Test
  void randomOperations_reachTheFallbacksAndTheReserve() {
    // the scenario is only worth its time if it exercises what it checks
    MigrateScenario sc = new MigrateScenario();
    long claims = 0;
    long steals = 0;
    long reserves = 0;
    for (long seed = 1; seed <= 4; seed++) {
      State s = sc.create();
      SplittableRandom r = new SplittableRandom(seed);
      for (int step = 0; step < 150; step++) {
        sc.apply(s, sc.generate(r, step));
      }
      sc.checkInvariants(s);
      claims += s.allocator.statistics().get("extfrag_claim_pageblocks");
      steals += s.allocator.statistics().get("extfrag_steal");
      reserves += s.allocator.statistics().get("highatomic_reserve");
    }
    assertThat(new long[] {claims, steals, reserves})
        .as("claimed pageblocks, steals, HIGHATOMIC reservations")
        .doesNotContain(0L);
  }
}
