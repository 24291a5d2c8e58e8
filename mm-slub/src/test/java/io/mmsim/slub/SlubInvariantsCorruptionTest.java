package io.mmsim.slub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.testkit.object.TestMemoryContext;

/**
 * The invariant checker must see every kind of damage: each test builds a cache whose lists are in
 * a known state (counted by hand from the kernel's rules: a slab that fills up on the CPU leaves it
 * untracked, a free into a full slab puts it on the CPU partial list, {@code flush_all} moves CPU
 * slabs and CPU partial slabs to the node partial list), breaks one field the way a bug would, and
 * expects the checker to name that field. Also the page map of the whole allocator, and the {@code
 * /proc/kpageflags}-style frame description built from it.
 */
final class SlubInvariantsCorruptionTest {
  private TestMemoryContext ctx;
  private SlubAllocator slub;
  private SlubCache cache;
  private SlabTable t;

  /** S1: CPU 0's partial slab with one free object; S2: full, untracked; S3: CPU 0's slab. */
  private int s1;

  private int s2;
  private int s3;
  private long[] objs;

  /**
   * Two CPUs, cache {@code inv} of 64-byte objects (64 per order-0 slab), 2 slabs' worth of objects
   * plus 2 allocated on CPU 0, then object 0 (of the first slab) freed on CPU 0.
   */
  private void cpuScene() {
    boot(2, 64, 0);
    int per = cache.layout.objects;
    assertThat(per).isEqualTo(64);
    objs = new long[2 * per + 2];
    for (int i = 0; i < objs.length; i++) {
      objs[i] = cache.alloc(0, Gfp.KERNEL);
    }
    cache.free(0, objs[0]);
    s1 = slabOf(objs[0]);
    s2 = slabOf(objs[per]);
    s3 = slabOf(objs[2 * per]);
    assertThat(t.state[s1]).isEqualTo(SlabTable.STATE_CPU_PARTIAL);
    assertThat(t.state[s2]).isEqualTo(SlabTable.STATE_FULL);
    assertThat(t.state[s3]).isEqualTo(SlabTable.STATE_CPU);
    assertThat(cache.cpus[0].partial).isEqualTo(s1);
    assertThat(cache.cpus[0].partialCount).isEqualTo(1);
    assertThatCode(() -> SlubInvariants.check(cache)).doesNotThrowAnyException();
  }

  /** A machine of {@code cpus} CPUs (merging off) and the cache {@code inv} under test. */
  private void boot(int cpus, int size, int flags) {
    ctx = Slubs.context(cpus, "nomerge", "true");
    slub = Slubs.slub(ctx);
    cache = (SlubCache) slub.kmemCacheCreate("inv", size, 0, flags, null);
    t = slub.table;
  }

  /** {@link #cpuScene} then flush_all: S1 and S3 are node-partial, S2 still full. */
  private KmemCacheNode nodeScene() {
    cpuScene();
    cache.flush.flushAll();
    KmemCacheNode node = cache.nodes[0];
    assertThat(t.state[s1]).isEqualTo(SlabTable.STATE_NODE_PARTIAL);
    assertThat(t.state[s3]).isEqualTo(SlabTable.STATE_NODE_PARTIAL);
    assertThat(node.nrPartial).isEqualTo(2);
    // free objects on the node partial list: 1 in S1, 62 in S3
    assertThat(node.partialFreeObjects()).isEqualTo(1 + 62);
    assertThatCode(() -> SlubInvariants.check(cache)).doesNotThrowAnyException();
    return node;
  }

  private int slabOf(long obj) {
    return t.ownerOf((int) Page.physToPfn(KernelLayout.pa(obj)));
  }

  private void broken(String message) {
    assertThatThrownBy(() -> SlubInvariants.check(cache))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("SLUB cache inv: ")
        .hasMessageContaining(message);
  }

  /** Marks object {@code idx} of {@code slab} allocated, as if it had never been freed. */
  private void markAllocated(int slab, int idx) {
    t.allocBits[slab][idx >>> 6] |= 1L << idx;
  }

  // ================================================================ CPU side

  @Test
  void check_cpuSlabOfAnotherOwner_namesTheCpu() {
    cpuScene();
    cache.cpus[0].slab = cache.nodes[0].partialList;
    broken("cpu 0 slab " + cache.nodes[0].partialList);
  }

  @Test
  void check_cpuFreelistWithoutSlab_isReported() {
    cpuScene();
    cache.cpus[0].slab = 0;
    broken("cpu 0 has a freelist but no slab");
  }

  @Test
  void check_staleCpuCopyOfTheSlabLimit_isReported() {
    cpuScene();
    cache.cpus[0].limit += 64;
    broken("cpu 0 copies of slab " + s3 + " are stale");
  }

  @Test
  void check_cpuPartialSlabOfAnotherCpu_isReported() {
    cpuScene();
    t.cpu[s1] = 1;
    broken("cpu 0 partial entry " + s1);
  }

  @Test
  void check_fullSlabOnTheCpuPartialList_isReported() {
    cpuScene();
    // object 0 allocated again behind the allocator's back: the slab is consistent but full
    markAllocated(s1, 0);
    t.inuse[s1] = t.objects[s1];
    t.freelist[s1] = 0;
    broken("cpu 0 partial entry " + s1);
  }

  @Test
  void check_cpuPartialListCycle_isReported() {
    cpuScene();
    t.next[s1] = s1;
    broken("cpu partial list cycles");
  }

  @Test
  void check_cpuPartialCountOff_isReported() {
    cpuScene();
    cache.cpus[0].partialCount = 2;
    broken("cpu 0 partial count 2 counted 1");
  }

  // ================================================================ slabs

  @Test
  void check_inuseOffByOne_isReported() {
    cpuScene();
    t.inuse[s1]--;
    // 63 allocated bits: the slab says 62
    broken("slab " + s1 + ": 63 allocated bits but inuse 62");
  }

  @Test
  void check_objectCountNotTheLayouts_isReported() {
    cpuScene();
    t.objects[s2] = 63;
    broken("slab " + s2 + ": objects 63");
  }

  @Test
  void check_lostFreelist_isReported() {
    cpuScene();
    t.freelist[s1] = 0;
    broken("slab " + s1 + " (cpu-partial): 0 free on lists + 63 allocated != 64 objects");
  }

  @Test
  void check_slabOnNoList_isReported() {
    cpuScene();
    t.state[s2] = SlabTable.STATE_UNUSED;
    broken("slab " + s2 + " on no list");
  }

  @Test
  void check_fullSlabWithAFreeObject_isReported() {
    cpuScene();
    t.state[s1] = SlabTable.STATE_FULL;
    broken("full slab " + s1 + " has free objects");
  }

  @Test
  void check_freelistEntryInsideAnObject_isReported() {
    cpuScene();
    t.freelist[s1] = objs[0] + 8;
    broken("slab " + s1 + ": freelist entry 0x" + Long.toHexString(objs[0] + 8) + " is no object");
  }

  @Test
  void check_allocatedObjectOnAFreelist_isReported() {
    cpuScene();
    t.freelist[s1] = objs[1];
    broken("slab " + s1 + ": allocated object 0x" + Long.toHexString(objs[1]) + " on a freelist");
  }

  @Test
  void check_freelistPointingAtItself_isReported() {
    cpuScene();
    // the free pointer of the lone free object leads back to it
    ctx.memory().writeLong(KernelLayout.pa(objs[0]) + cache.layout.offset, objs[0]);
    broken("slab " + s1 + ": freelist cycles");
  }

  @Test
  void check_lastFrameOfAMultiPageSlabRemapped_isReported() {
    boot(1, 4096, 0);
    long obj = cache.alloc(0, Gfp.KERNEL);
    int s = slabOf(obj);
    // 4096-byte objects: order 3 (8 pages, 8 objects), as kmalloc-4k
    assertThat(t.order[s]).isEqualTo((byte) 3);
    int last = (int) t.pfn(s) + 7;
    t.word1[last] = 5;
    broken("frame " + last + " of slab " + s + " has word1 0x5");
    t.word1[last] = 0;
    t.owner[last] = 0;
    broken("frame " + last + " of slab " + s + " maps to 0");
  }

  // ================================================================ node lists

  @Test
  void check_nodeSlabCounterOff_isReported() {
    KmemCacheNode node = nodeScene();
    node.nrSlabs++;
    broken("node 0 counters: slabs 3/4");
  }

  @Test
  void check_listHeadOverwritten_isReported() {
    KmemCacheNode node = nodeScene();
    t.state[node.partialList] = SlabTable.STATE_UNUSED;
    broken("list heads " + node.partialList + " and " + node.fullList);
  }

  @Test
  void check_nrPartialOff_isReported() {
    KmemCacheNode node = nodeScene();
    node.nrPartial = 3;
    broken("node 0 nr_partial 3 counted 2");
  }

  @Test
  void check_nodePartialEntryInTheWrongState_isReported() {
    nodeScene();
    t.state[s1] = SlabTable.STATE_CPU_PARTIAL;
    broken("partial list entry " + s1 + " state " + SlabTable.STATE_CPU_PARTIAL);
  }

  @Test
  void check_fullSlabOnTheNodePartialList_isReported() {
    nodeScene();
    markAllocated(s1, 0);
    t.inuse[s1] = t.objects[s1];
    t.freelist[s1] = 0;
    broken("partial slab " + s1 + " has no free object");
  }

  @Test
  void check_fullListOfAStoreUserCache_entriesAndCountChecked() {
    boot(1, 64, SlabFlags.STORE_USER);
    int per = cache.layout.objects;
    long first = 0;
    for (int i = 0; i < per; i++) {
      long o = cache.alloc(0, Gfp.KERNEL);
      first = i == 0 ? o : first;
    }
    int s = slabOf(first);
    KmemCacheNode node = cache.nodes[0];
    // with SLAB_STORE_USER a full slab is tracked on the node's full list (add_full)
    assertThat(t.state[s]).isEqualTo(SlabTable.STATE_FULL_TRACKED);
    assertThat(node.nrFull).isEqualTo(1);
    node.nrFull = 0;
    broken("node 0 nr_full 0 counted 1");
    node.nrFull = 1;
    t.state[s] = SlabTable.STATE_FULL;
    broken("full list entry " + s);
  }

  // ================================================================ the allocator's page map

  @Test
  void checkInvariants_largeBlockTailUnmarked_isReported() {
    boot(1, 64, 0);
    // 16 KiB: an order-2 block of 4 frames
    long p = slub.kmalloc(0, 16_384, Gfp.KERNEL);
    int pfn = (int) Page.physToPfn(KernelLayout.pa(p));
    slub.table.owner[pfn + 3] = 0;
    assertThatThrownBy(slub::checkInvariants)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "large kmalloc at pfn " + pfn + " order 2 has an unmarked frame " + (pfn + 3));
  }

  @Test
  void checkInvariants_largeTailWithoutHead_isReported() {
    boot(1, 64, 0);
    long p = slub.kmalloc(0, 16_384, Gfp.KERNEL);
    int pfn = (int) Page.physToPfn(KernelLayout.pa(p));
    slub.kfree(0, p);
    // a tail mark after a frame that is nobody's
    slub.table.owner[pfn + 1] = SlabTable.LARGE_TAIL;
    assertThatThrownBy(slub::checkInvariants)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("large kmalloc tail frame " + (pfn + 1) + " without a head");
  }

  @Test
  void describeFrames_slabsAndLargeBlocks_markedWithOwnerAndOrder() {
    boot(1, 4096, 0);
    long obj = cache.alloc(0, Gfp.KERNEL);
    long small = slub.kmalloc(0, 64, Gfp.KERNEL);
    long large = slub.kmalloc(0, 10_000, Gfp.KERNEL);
    FrameMap map = new FrameMap(ctx.layout().frames());
    slub.describeFrames(map);

    long slabPfn = Page.physToPfn(KernelLayout.pa(obj));
    // an order-3 slab of inv: 8 frames, each SLAB, owner inv, order 3
    for (long f = slabPfn; f < slabPfn + 8; f++) {
      assertThat(map.use(f)).isEqualTo(FrameUse.SLAB);
      assertThat(map.owner(f)).isEqualTo("inv");
      assertThat(map.order(f)).isEqualTo(3);
    }
    long smallPfn = Page.physToPfn(KernelLayout.pa(small));
    assertThat(map.use(smallPfn)).isEqualTo(FrameUse.SLAB);
    assertThat(map.owner(smallPfn)).isEqualTo("kmalloc-64");
    assertThat(map.order(smallPfn)).isZero();
    // get_order(10000) = 2: four frames of one large block
    long largePfn = Page.physToPfn(KernelLayout.pa(large));
    for (long f = largePfn; f < largePfn + 4; f++) {
      assertThat(map.use(f)).isEqualTo(FrameUse.KMALLOC_LARGE);
      assertThat(map.order(f)).isEqualTo(2);
    }
    // 8 + 1 slab frames (the kmalloc-64 slab is order 0), 4 large frames, nothing else
    assertThat(map.count(FrameUse.SLAB)).isEqualTo(8 + 1);
    assertThat(map.count(FrameUse.KMALLOC_LARGE)).isEqualTo(4);
    assertThat(map.use(largePfn + 4)).isNotEqualTo(FrameUse.KMALLOC_LARGE);
  }
}
