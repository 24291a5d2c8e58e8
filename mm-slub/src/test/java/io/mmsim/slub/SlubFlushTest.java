package io.mmsim.slub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mmsim.api.Statistics;
import io.mmsim.api.mem.Gfp;

/**
 * {@code put_cpu_partial}, {@code __put_partials} and {@code deactivate_slab} (mm/slub.c), seen
 * through the lists and the event counters SLUB exports in /sys/kernel/slab/CACHE/. A cache of
 * 64-byte objects on one CPU: 64 objects per order-0 slab, {@code slub_set_cpu_partial} gives 120
 * objects, so (120 * 2 + 63) / 64 = 4 CPU partial slabs; min_partial = max(5, min(10, ilog2(64) /
 * 2)) = 5.
 */
final class SlubFlushTest {
  private SlubAllocator slub;
  private SlubCache cache;
  private long[] objs;

  @AfterEach
  void invariants() {
    if (slub != null) {
      slub.checkInvariants();
    }
  }

  /** Six slabs filled on CPU 0 (five full and off the CPU, the sixth the full CPU slab). */
  private void sixFullSlabs(int cpus) {
    fullSlabs(cpus, 6);
  }

  /**
   * {@code slabs} slabs of cache {@code fl} filled on CPU 0: all but the last full and off the CPU,
   * the last the full CPU slab; {@link #objs} in allocation order, 64 a slab.
   */
  private void fullSlabs(int cpus, int slabs) {
    boot(cpus);
    objs = new long[slabs * 64];
    for (int i = 0; i < objs.length; i++) {
      objs[i] = cache.alloc(0, Gfp.KERNEL);
    }
  }

  private void boot(int cpus) {
    slub = Slubs.slub(Slubs.context(cpus, "nomerge", "true"));
    cache = (SlubCache) slub.kmemCacheCreate("fl", 64, 0, 0, null);
    assertThat(cache.cpuPartialSlabs).isEqualTo(4);
    assertThat(cache.minPartial).isEqualTo(5);
  }

  private long stat(String key) {
    Statistics s = slub.statistics();
    return s.get(key);
  }

  @Test
  void putCpuPartial_fifthSlab_drainsTheFourBeforeItToTheNode() {
    sixFullSlabs(1);
    // one free into each of the first four full slabs: each joins CPU 0's partial list
    for (int k = 0; k < 4; k++) {
      cache.free(0, objs[k * 64]);
    }
    assertThat(cache.cpus[0].partialCount).isEqualTo(4);
    assertThat(cache.nodes[0].nrPartial).isZero();
    assertThat(stat("cpu_partial_drain")).isZero();
    // the fifth finds the list at its limit: the four go to the node, the fifth starts a new list
    cache.free(0, objs[4 * 64]);
    assertThat(cache.cpus[0].partialCount).isEqualTo(1);
    assertThat(cache.nodes[0].nrPartial).isEqualTo(4);
    assertThat(stat("cpu_partial_drain")).isEqualTo(1);
    assertThat(stat("cpu_partial_free")).isEqualTo(5);
    assertThat(stat("free_add_partial")).isEqualTo(4);
    // slabinfo counts only the node partial slabs' free objects as free: 4 of 384
    assertThat(cache.nodes[0].partialFreeObjects()).isEqualTo(4);
    assertThat(cache.info().activeObjs()).isEqualTo(6 * 64 - 4);
    assertThat(stat("slabs")).isEqualTo(6);
    assertThat(stat("slab_pages")).isEqualTo(6);
  }

  @Test
  void flush_fullCpuSlabAndAnEmptyPartialWithEnoughNodePartials_fullStaysEmptyIsFreed() {
    sixFullSlabs(1);
    for (int k = 0; k < 5; k++) {
      cache.free(0, objs[k * 64]);
    }
    // the sixth slab (the CPU slab, full) is emptied by CPU 0: the first free is a fast free
    for (int i = 5 * 64; i < 6 * 64; i++) {
      cache.free(0, objs[i]);
    }
    long flushes = stat("cpuslab_flush");
    long freedSlabs = stat("free_slab");
    long addPartial = stat("free_add_partial");
    // shrink: flush_all deactivates the CPU slab (empty; the node holds 4 < min_partial partial
    // slabs, so it joins them: 5), then __put_partials meets the fifth slab with 63 in use
    // (joins: 6); kmem_cache_shrink then frees the empty one
    long pages = cache.shrink();
    assertThat(stat("cpuslab_flush")).isEqualTo(flushes + 1);
    assertThat(stat("deactivate_empty")).isZero();
    assertThat(stat("free_add_partial")).isEqualTo(addPartial + 1);
    assertThat(pages).isEqualTo(1);
    assertThat(stat("free_slab")).isEqualTo(freedSlabs + 1);
    assertThat(cache.nodes[0].nrPartial).isEqualTo(5);
    assertThat(cache.cpus[0].slab).isZero();
    assertThat(cache.cpus[0].partial).isZero();
  }

  @Test
  void free_lastObjectOfANodePartialSlabWithMinPartial_freesTheSlab() {
    sixFullSlabs(1);
    // slabs 1-4 drained to the node, slab 5 on the CPU partial list, slab 6 the CPU slab
    for (int k = 0; k < 5; k++) {
      cache.free(0, objs[k * 64]);
    }
    // empty the CPU slab (fast frees), then flush: the node takes it as its fifth partial slab
    // (4 < min_partial) and slab 5 as its sixth
    for (int i = 5 * 64; i < 6 * 64; i++) {
      cache.free(0, objs[i]);
    }
    cache.flush.flushAll();
    assertThat(cache.nodes[0].nrPartial).isEqualTo(6);
    // slab 5, with 63 objects in use, is the one to empty now; it sits on the node partial list,
    // so its last free meets nr_partial 6 >= min_partial and frees it at once
    long freedSlabs = stat("free_slab");
    long removed = stat("free_remove_partial");
    for (int i = 4 * 64 + 1; i < 5 * 64; i++) {
      cache.free(0, objs[i]);
    }
    assertThat(stat("free_slab")).isEqualTo(freedSlabs + 1);
    assertThat(stat("free_remove_partial")).isEqualTo(removed + 1);
    assertThat(cache.nodes[0].nrPartial).isEqualTo(5);
    assertThat(stat("slabs")).isEqualTo(5);
  }

  @Test
  void deactivate_cpuSlabWithRemoteFrees_bothFreelistsJoined() {
    sixFullSlabs(2);
    // a fresh CPU slab for CPU 0 with 10 objects in use
    long[] mine = new long[10];
    for (int i = 0; i < mine.length; i++) {
      mine[i] = cache.alloc(0, Gfp.KERNEL);
    }
    int slab = cache.cpus[0].slab;
    // CPU 1 frees three of them: they go on the slab's own freelist (free_frozen)
    for (int i = 0; i < 3; i++) {
      cache.free(1, mine[i]);
    }
    assertThat(stat("free_frozen")).isEqualTo(3);
    cache.flush.flushAll();
    // 64 - 10 never used + 3 remote frees = 57 free, 7 in use, on the node partial list
    SlabTable t = slub.table;
    assertThat(t.state[slab]).isEqualTo(SlabTable.STATE_NODE_PARTIAL);
    assertThat(t.inuse[slab]).isEqualTo(7);
    assertThat(cache.nodes[0].partialFreeObjects()).isEqualTo(57);
    SlubInvariants.check(cache);
    // all 57 come back, each once, all from that slab
    Set<Long> got = new HashSet<>();
    for (int i = 0; i < 57; i++) {
      long o = cache.alloc(1, Gfp.KERNEL);
      assertThat(o - t.base[slab]).isBetween(0L, 4095L);
      got.add(o);
    }
    assertThat(got).hasSize(57);
    assertThat(got).contains(mine[0], mine[1], mine[2]);
  }

  @Test
  void statistics_eachAllocAndFreePath_countedOnce() {
    boot(2);
    long[] objs = new long[67];
    // slab 1: a new slab (slow path), then 63 fast allocations
    for (int i = 0; i < 64; i++) {
      objs[i] = cache.alloc(0, Gfp.KERNEL);
    }
    // slab 1 is full: it leaves the CPU untracked, slab 2 is new; two more fast
    for (int i = 64; i < 67; i++) {
      objs[i] = cache.alloc(0, Gfp.KERNEL);
    }
    // CPU 1 frees into the full slab 1: onto CPU 1's partial list
    cache.free(1, objs[1]);
    // CPU 0 frees an object of its own slab: fast
    cache.free(0, objs[64]);
    // CPU 1 frees an object of CPU 0's slab: onto that slab's own freelist (frozen)
    cache.free(1, objs[65]);
    // CPU 1 allocates from its partial slab: the one free object of slab 1
    assertThat(cache.alloc(1, Gfp.KERNEL)).isEqualTo(objs[1]);
    // CPU 0 uses up its freelist (61 never used + objs[64]), then refills from the slab's own
    for (int i = 0; i < 62; i++) {
      cache.alloc(0, Gfp.KERNEL);
    }
    assertThat(cache.alloc(0, Gfp.KERNEL)).isEqualTo(objs[65]);
    assertThat(stat("alloc_fastpath")).isEqualTo(63 + 2 + 62);
    assertThat(stat("alloc_slowpath")).isEqualTo(4);
    assertThat(stat("alloc_slab")).isEqualTo(2);
    assertThat(stat("alloc_refill")).isEqualTo(1);
    assertThat(stat("cpu_partial_alloc")).isEqualTo(1);
    assertThat(stat("cpu_partial_free")).isEqualTo(1);
    assertThat(stat("free_fastpath")).isEqualTo(1);
    assertThat(stat("free_slowpath")).isEqualTo(2);
    assertThat(stat("free_frozen")).isEqualTo(1);
    assertThat(stat("deactivate_full")).isEqualTo(1);
    assertThat(cache.cpus[1].partialCount).isZero();
  }

  @Test
  void putPartials_emptySlabWhileTheNodeHoldsMinPartial_freedNotAdded() {
    fullSlabs(1, 10);
    // slabs 1-4 drained to the node by the free into slab 5; flush adds slab 5: exactly 5
    for (int k = 0; k < 5; k++) {
      cache.free(0, objs[k * 64]);
    }
    cache.flush.flushAll();
    assertThat(cache.nodes[0].nrPartial).isEqualTo(cache.minPartial);
    // slab 8 (full, off the CPU) emptied: it waits on the CPU partial list
    for (int i = 7 * 64; i < 8 * 64; i++) {
      cache.free(0, objs[i]);
    }
    assertThat(cache.cpus[0].partialCount).isEqualTo(1);
    long added = stat("free_add_partial");
    long freed = stat("free_slab");
    // __put_partials: empty, and nr_partial (5) >= min_partial: discard_slab, not add_partial
    cache.flush.flushAll();
    assertThat(stat("free_slab")).isEqualTo(freed + 1);
    assertThat(stat("free_add_partial")).isEqualTo(added);
    assertThat(cache.nodes[0].nrPartial).isEqualTo(5);
    assertThat(stat("slabs")).isEqualTo(9);
  }

  @Test
  void deactivate_emptyCpuSlabWithEnoughNodePartials_freed() {
    fullSlabs(1, 10);
    // one free into each of slabs 1-9: two drains of four to the node, slab 9 on the CPU list
    for (int k = 0; k < 9; k++) {
      cache.free(0, objs[k * 64]);
    }
    assertThat(cache.nodes[0].nrPartial).isEqualTo(8);
    assertThat(stat("cpu_partial_drain")).isEqualTo(2);
    // the CPU slab (slab 10) emptied by fast frees
    for (int i = 9 * 64; i < 10 * 64; i++) {
      cache.free(0, objs[i]);
    }
    cache.flush.flushAll();
    // deactivate_slab: empty and nr_partial 8 >= min_partial: freed (deactivate_empty); slab 9
    // then joins the node
    assertThat(stat("deactivate_empty")).isEqualTo(1);
    assertThat(stat("free_slab")).isEqualTo(1);
    assertThat(stat("slabs")).isEqualTo(9);
    assertThat(cache.nodes[0].nrPartial).isEqualTo(9);
  }
}
