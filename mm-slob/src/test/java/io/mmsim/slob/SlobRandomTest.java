package io.mmsim.slob;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.util.Bits;
import io.mmsim.testkit.Op;
import io.mmsim.testkit.OpKind;
import io.mmsim.testkit.Scenario;
import io.mmsim.testkit.StatefulRunner;
import io.mmsim.testkit.object.TestMemoryContext;

/**
 * Seeded random sequences of kmalloc, kfree and cache operations against a reference model (the set
 * of live ranges and their contents), with every SLOB invariant, including the tiling of each page
 * by free and live blocks, checked after every step. Sizes cross every boundary: the three lists,
 * the kmalloc page threshold, power-of-two and odd sizes, aligned caches.
 */
final class SlobRandomTest {

  static final OpKind KMALLOC = new OpKind("kmalloc", "cpu", "size", "zero");
  static final OpKind CACHE_ALLOC = new OpKind("cache_alloc", "cpu", "cache", "zero");
  static final OpKind FREE = new OpKind("free", "cpu", "index");

  /** Cache shapes: size, align, flags; cache 2 has a constructor. */
  static final int[][] CACHES = {
    {24, 0, 0},
    {72, 0, SlabFlags.HWCACHE_ALIGN},
    {200, 256, 0},
    {1000, 0, 0},
    {3000, 0, SlabFlags.TYPESAFE_BY_RCU},
    {5000, 0, 0},
    {13, 16, 0}
  };

  static final byte CTOR_PATTERN = 0x3c;
  static final int CTOR_CACHE = 2;

  /** One run: the allocator, its machine, and the model. */
  static final class State {
    final TestMemoryContext ctx = TestMemoryContext.simple(4096, 2, Settings.empty("slob"));
    final SlobAllocator slob = (SlobAllocator) new SlobProvider().create(ctx);
    final PageAllocator pages = ctx.pageAllocator();
    final PhysicalMemory memory = ctx.memory();
    final long bootFree = pages.nrFreePages();
    final KmemCache[] caches = new KmemCache[CACHES.length];
    final List<long[]> live = new ArrayList<>(); // {addr, size, cache or -1, pattern}
    final TreeMap<Long, Long> ranges = new TreeMap<>();

    State() {
      for (int i = 0; i < CACHES.length; i++) {
        int size = CACHES[i][0];
        caches[i] =
            slob.kmemCacheCreate(
                "rnd-" + i,
                size,
                CACHES[i][1],
                CACHES[i][2],
                i == CTOR_CACHE
                    ? addr -> memory.fill(KernelLayout.pa(addr), size, CTOR_PATTERN)
                    : null);
      }
    }
  }

  static final class SlobScenario implements Scenario<State> {
    @Override
    public State create() {
      return new State();
    }

    @Override
    public Op generate(SplittableRandom rnd, int step) {
      int cpu = rnd.nextInt(2);
      int r = rnd.nextInt(100);
      if (r < 40) {
        return FREE.op(cpu, rnd.nextInt(1 << 20));
      }
      if (r < 70) {
        int band = rnd.nextInt(100);
        long size;
        if (band < 50) {
          size = 1 + rnd.nextInt(256);
        } else if (band < 80) {
          size = 240 + rnd.nextInt(800);
        } else if (band < 95) {
          size = 1000 + rnd.nextInt(3200);
        } else {
          size = 4000 + rnd.nextInt(16000);
        }
        if (rnd.nextInt(8) == 0) {
          size = Long.highestOneBit(size);
        }
        return KMALLOC.op(cpu, size, rnd.nextInt(4) == 0 ? 1 : 0);
      }
      return CACHE_ALLOC.op(cpu, rnd.nextInt(CACHES.length), rnd.nextInt(4) == 0 ? 1 : 0);
    }

    @Override
    public long shrinkFloor(Op op, int arg) {
      return op.is(KMALLOC) && arg == 1 ? 1 : 0;
    }

    @Override
    public void apply(State s, Op op) {
      int cpu = op.intArg(0);
      if (op.is(FREE)) {
        if (s.live.isEmpty()) {
          return;
        }
        long[] o = s.live.remove((int) (op.arg(1) % s.live.size()));
        assertThat(s.memory.allEqual(KernelLayout.pa(o[0]), o[1], (byte) o[3]))
            .as("contents of 0x%x (%d bytes) intact", o[0], o[1])
            .isTrue();
        if (o[2] < 0) {
          s.slob.kfree(cpu, o[0]);
        } else {
          s.caches[(int) o[2]].free(cpu, o[0]);
        }
        s.ranges.remove(o[0]);
        return;
      }
      boolean zero = op.arg(2) != 0;
      int gfp = Gfp.KERNEL | (zero ? Gfp.ZERO : 0);
      long addr;
      long size;
      int cache;
      long align;
      if (op.is(KMALLOC)) {
        size = op.arg(1);
        cache = -1;
        addr = s.slob.kmalloc(cpu, size, gfp);
        align = Bits.isPowerOfTwo(size) ? Math.max(8, size) : 8;
        assertThat(s.slob.ksize(addr)).isGreaterThanOrEqualTo(size);
      } else {
        cache = op.intArg(1);
        KmemCache c = s.caches[cache];
        size = c.objectSize();
        addr = c.alloc(cpu, gfp);
        align = c.align();
        if (cache == CTOR_CACHE) {
          assertThat(s.memory.allEqual(KernelLayout.pa(addr), size, CTOR_PATTERN))
              .as("constructed 0x%x", addr)
              .isTrue();
        }
      }
      assertThat(addr).as("%s", op).isNotZero();
      assertThat(addr & (align - 1)).as("0x%x aligned to %d", addr, align).isZero();
      if (zero && cache != CTOR_CACHE) {
        assertThat(s.memory.allEqual(KernelLayout.pa(addr), size, (byte) 0)).as("zeroed").isTrue();
      }
      Map.Entry<Long, Long> below = s.ranges.floorEntry(addr);
      if (below != null) {
        assertThat(below.getKey() + below.getValue())
            .as("0x%x overlaps 0x%x", addr, below.getKey())
            .isLessThanOrEqualTo(addr);
      }
      Map.Entry<Long, Long> above = s.ranges.higherEntry(addr);
      if (above != null) {
        assertThat(addr + size)
            .as("0x%x overlaps 0x%x", addr, above.getKey())
            .isLessThanOrEqualTo(above.getKey());
      }
      s.ranges.put(addr, size);
      byte pattern = (byte) (1 + (addr >>> 3) % 250);
      s.memory.fill(KernelLayout.pa(addr), size, pattern);
      s.live.add(new long[] {addr, size, cache, pattern});
    }

    @Override
    public void checkInvariants(State s) {
      s.slob.checkInvariants();
      s.pages.checkInvariants();
      assertThat(s.slob.unreclaimablePages())
          .as("slab pages = pages taken")
          .isEqualTo(s.bootFree - s.pages.nrFreePages());
      assertThat(s.slob.reclaimablePages()).isZero();
      if (s.live.isEmpty()) {
        assertThat(s.pages.nrFreePages())
            .as("every page back when nothing is live")
            .isEqualTo(s.bootFree);
      }
    }
  }

  @Test
  void randomOperations_seeded_modelAndInvariantsAgree() {
    StatefulRunner.of("slob random ops", new SlobScenario()).runs(20).steps(400).check();
  }

  @Test
  void randomOperations_freeEverythingAtTheEnd_allPagesBack() {
    SlobScenario scenario = new SlobScenario();
    State s = scenario.create();
    SplittableRandom rnd = new SplittableRandom(0x51_0B);
    for (int step = 0; step < 2000; step++) {
      scenario.apply(s, scenario.generate(rnd, step));
    }
    scenario.checkInvariants(s);
    while (!s.live.isEmpty()) {
      scenario.apply(s, FREE.op(s.live.size() % 2, s.live.size() - 1));
    }
    for (KmemCache c : s.caches) {
      c.destroy();
    }
    scenario.checkInvariants(s);
    assertThat(s.pages.nrFreePages()).isEqualTo(s.bootFree);
    assertThat(s.slob.statistics().get("heap_pages")).isZero();
    assertThat(s.slob.statistics().get("free_units")).isZero();
  }
}
