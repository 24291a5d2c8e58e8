package io.mmsim.testkit.object;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.testkit.Op;
import io.mmsim.testkit.OpKind;
import io.mmsim.testkit.Scenario;

/**
 * The seeded random scenario of {@link ObjectAllocatorContract}: kmalloc, cache allocations (some
 * with {@code __GFP_ZERO}), frees on either CPU, shrinks, and "free everything" steps, on a fresh
 * allocator the contract builds. Every live object is filled with its own pattern, checked when it
 * is freed; after every step the allocator's and the page allocator's invariants hold and the slab
 * pages match the pages taken.
 */
final class ObjectAllocatorRandomScenario
    implements Scenario<ObjectAllocatorRandomScenario.RandomState> {

  /** kmalloc sizes the random scenario draws from, large ones included. */
  private static final long[] RANDOM_SIZES = {
    8, 13, 24, 60, 64, 96, 100, 192, 200, 500, 1024, 3000, 4096, 8192, 9000, 40000
  };

  private static final OpKind CPU = new OpKind("cpu", "cpu");
  private static final OpKind KMALLOC = new OpKind("kmalloc", "sizeIndex", "zero");
  private static final OpKind CACHE_ALLOC = new OpKind("cacheAlloc", "cache", "zero");
  private static final OpKind FREE = new OpKind("free", "liveIndex");
  private static final OpKind SHRINK = new OpKind("shrink", "cache");
  private static final OpKind SHRINK_ALL = new OpKind("shrinkAll");
  private static final OpKind FREE_ALL = new OpKind("freeAllAndShrink");

  private final ObjectAllocatorContract contract;

  ObjectAllocatorRandomScenario(ObjectAllocatorContract contract) {
    this.contract = contract;
  }

  /** One run of the random scenario: a fresh allocator, its caches and the live objects. */
  final class RandomState {
    final KmemCache[] caches = {
      contract.allocator.kmemCacheCreate("rnd-a", 40, 0, 0, null),
      contract.allocator.kmemCacheCreate("rnd-b", 200, 64, SlabFlags.HWCACHE_ALIGN, null),
      contract.allocator.kmemCacheCreate("rnd-c", 3000, 0, SlabFlags.RECLAIM_ACCOUNT, null),
    };

    /** {addr, size, cache index or -1, pattern}. */
    final List<long[]> live = new ArrayList<>();

    final TreeMap<Long, Long> ranges = new TreeMap<>();
    int cpu;
    int patterns;

    void free(int freeCpu, long[] o) {
      assertThat(contract.memory.allEqual(KernelLayout.pa(o[0]), o[1], (byte) o[3]))
          .as("contents of live object 0x%x (%d bytes) intact", o[0], o[1])
          .isTrue();
      if (o[2] < 0) {
        contract.allocator.kfree(freeCpu, o[0]);
      } else {
        caches[(int) o[2]].free(freeCpu, o[0]);
      }
      ranges.remove(o[0]);
    }
  }

  @Override
  public RandomState create() {
    contract.newAllocator(contract.frames(), 2);
    return new RandomState();
  }

  @Override
  public Op generate(SplittableRandom random, int step) {
    int r = random.nextInt(100);
    if (r < 2) {
      return CPU.op(random.nextInt(2));
    } else if (r < 4) {
      return SHRINK_ALL.op();
    } else if (r < 5) {
      return SHRINK.op(random.nextInt(3));
    } else if (r < 6) {
      return FREE_ALL.op();
    } else if (r < 48) {
      return FREE.op(random.nextInt(1 << 20));
    } else if (r < 80) {
      return KMALLOC.op(random.nextInt(RANDOM_SIZES.length), random.nextInt(5) == 0 ? 1 : 0);
    }
    return CACHE_ALLOC.op(random.nextInt(3), random.nextInt(5) == 0 ? 1 : 0);
  }

  @Override
  public void apply(RandomState s, Op op) {
    if (op.is(CPU)) {
      s.cpu = op.intArg(0) % contract.ctx.layout().cpus();
    } else if (op.is(SHRINK_ALL)) {
      contract.allocator.shrinkAll();
    } else if (op.is(SHRINK)) {
      s.caches[op.intArg(0)].shrink();
    } else if (op.is(FREE)) {
      if (!s.live.isEmpty()) {
        s.free(s.cpu, s.live.remove(op.intArg(0) % s.live.size()));
      }
    } else if (op.is(FREE_ALL)) {
      while (!s.live.isEmpty()) {
        s.free(s.live.size() % contract.ctx.layout().cpus(), s.live.remove(s.live.size() - 1));
      }
      contract.allocator.shrinkAll();
      contract.assertAllPagesBack();
    } else {
      boolean kmalloc = op.is(KMALLOC);
      int kind = kmalloc ? -1 : op.intArg(0);
      long size = kmalloc ? RANDOM_SIZES[op.intArg(0)] : s.caches[kind].objectSize();
      boolean zero = op.arg(1) != 0;
      int gfp = Gfp.KERNEL | (zero ? Gfp.ZERO : 0);
      long addr =
          kmalloc ? contract.allocator.kmalloc(s.cpu, size, gfp) : s.caches[kind].alloc(s.cpu, gfp);
      assertThat(addr).as("allocation of %d bytes", size).isNotZero();
      if (zero) {
        assertThat(contract.memory.allEqual(KernelLayout.pa(addr), size, (byte) 0))
            .as("zeroed allocation of %d bytes", size)
            .isTrue();
      }
      LiveObjects.assertPlaced(contract.memory, addr, size, 8, s.ranges);
      byte pattern = (byte) (1 + (s.patterns++ % 250));
      contract.memory.fill(KernelLayout.pa(addr), size, pattern);
      s.live.add(new long[] {addr, size, kind, pattern});
    }
  }

  @Override
  public void checkInvariants(RandomState s) {
    contract.allocator.checkInvariants();
    contract.pages.checkInvariants();
    contract.assertAccounting();
  }
}
