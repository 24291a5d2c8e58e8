package io.mmsim.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.testkit.Op;
import io.mmsim.testkit.OpKind;
import io.mmsim.testkit.Scenario;
import io.mmsim.testkit.StatefulRunner;
import io.mmsim.testkit.page.BootHandOff;

/**
 * Seeded random operations against a reference model of the frames: the allocator's buddyinfo must
 * always equal the unique buddy decomposition of the frames that are free and not on a per-CPU list
 * (merging is canonical), and per-CPU lists must stay within their bounds.
 */
final class BuddyRandomTest {

  /** 64 MiB, 3 CPUs, with PFN 0 and a 123-frame hole at 5000 reserved. */
  private static final MemoryLayout LAYOUT = new MemoryLayout(16384, 3);

  private static final long[] RESERVED = {0, 1, 5000, 5123};

  static final OpKind ALLOC = new OpKind("alloc", "cpu", "order", "flavour");
  static final OpKind FREE = new OpKind("free", "cpu", "index");
  static final OpKind BURST = new OpKind("allocBurst", "cpu", "count");
  static final OpKind DRAIN = new OpKind("drain", "cpu");
  static final OpKind DRAIN_ALL = new OpKind("drainAll");

  private static final int[] FLAVOURS = {
    Gfp.KERNEL,
    Gfp.KERNEL,
    Gfp.GFP_ATOMIC,
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

  static final class BuddyScenario implements Scenario<State> {

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
        int order = r.nextInt(4) != 0 ? 0 : r.nextInt(Page.MAX_PAGE_ORDER + 1);
        return ALLOC.op(r.nextInt(3), order, r.nextInt(FLAVOURS.length));
      }
      if (k < 50) {
        return BURST.op(r.nextInt(3), 1 + r.nextInt(400));
      }
      if (k < 92) {
        return FREE.op(r.nextInt(3), r.nextInt(1 << 20));
      }
      if (k < 97) {
        return DRAIN.op(r.nextInt(3));
      }
      return DRAIN_ALL.op();
    }

    @Override
    public void apply(State s, Op op) {
      if (op.is(ALLOC)) {
        alloc(s, op.intArg(0), FLAVOURS[op.intArg(2)], op.intArg(1));
      } else if (op.is(BURST)) {
        for (int i = 0; i < op.arg(1); i++) {
          if (!alloc(s, op.intArg(0), Gfp.KERNEL, 0)) {
            break;
          }
        }
      } else if (op.is(FREE)) {
        if (!s.live.isEmpty()) {
          int i = (int) (op.arg(1) % s.live.size());
          long[] b = s.live.get(i);
          s.allocator.freePages(op.intArg(0), b[0], (int) b[1]);
          s.allocated.clear((int) b[0], (int) (b[0] + (1L << b[1])));
          s.live.set(i, s.live.get(s.live.size() - 1));
          s.live.remove(s.live.size() - 1);
        }
      } else if (op.is(DRAIN)) {
        s.allocator.drainPages(op.intArg(0));
      } else if (op.is(DRAIN_ALL)) {
        s.allocator.drainAllPages();
      }
    }

    private static boolean alloc(State s, int cpu, int gfp, int order) {
      long p = s.allocator.allocPages(cpu, gfp, order);
      if (p == PageAllocator.NO_PAGE) {
        return false;
      }
      int from = (int) p;
      int to = (int) (p + (1L << order));
      assertThat(s.allocated.get(from, to).isEmpty())
          .as("block %d order %d was free", p, order)
          .isTrue();
      assertThat(Zone.of(p).ordinal()).isLessThanOrEqualTo(Gfp.zone(gfp).ordinal());
      s.allocated.set(from, to);
      s.live.add(new long[] {p, order});
      return true;
    }

    @Override
    public void checkInvariants(State s) {
      s.allocator.checkInvariants();
      BitSet mergeable = new BitSet();
      mergeable.set(0, (int) LAYOUT.frames());
      for (int i = 0; i < RESERVED.length; i += 2) {
        mergeable.clear((int) RESERVED[i], (int) RESERVED[i + 1]);
      }
      mergeable.andNot(s.allocated);
      for (int cpu = 0; cpu < LAYOUT.cpus(); cpu++) {
        for (Zone z : Zone.values()) {
          for (long p : s.allocator.pcpList(cpu, z)) {
            assertThat(mergeable.get((int) p))
                .as("per-CPU page %d is free in the model", p)
                .isTrue();
            mergeable.clear((int) p);
          }
        }
      }
      for (Zone z : Zone.values()) {
        assertThat(s.allocator.zoneStats(z).freeBlocks())
            .as("buddyinfo of %s", z)
            .containsExactly(decompose(mergeable, LAYOUT.zoneStart(z), LAYOUT.zoneEnd(z)));
      }
    }

    /** Free blocks per order of the unique buddy decomposition of {@code free} in a zone. */
    static long[] decompose(BitSet free, long start, long end) {
      long[] blocks = new long[Page.NR_PAGE_ORDERS];
      long p = start;
      while (p < end) {
        if (!free.get((int) p)) {
          p++;
          continue;
        }
        int order = 0;
        while (order < Page.MAX_PAGE_ORDER) {
          int bigger = order + 1;
          long size = 1L << bigger;
          if (p % size != 0 || p + size > end || free.nextClearBit((int) p) < p + size) {
            break;
          }
          order = bigger;
        }
        blocks[order]++;
        p += 1L << order;
      }
      return blocks;
    }
  }

  @Test
  void randomOperations_buddyinfoIsTheCanonicalDecomposition() {
    StatefulRunner.of("buddy canonical decomposition", new BuddyScenario()).steps(250).check();
  }

  @Test
  void decompose_knownSet_givesMaximalAlignedBlocks() {
    BitSet free = new BitSet();
    free.set(1, 12);

    assertThat(BuddyScenario.decompose(free, 0, 16))
        .containsExactly(1, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0);
    free.set(0);
    assertThat(BuddyScenario.decompose(free, 0, 16))
        .containsExactly(0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0);
  }
}
