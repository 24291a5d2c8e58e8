package io.mmsim.testkit.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.object.BadCacheException;
import io.mmsim.api.object.KmallocSizes;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.InvariantCheckExtension;
import io.mmsim.testkit.StatefulRunner;

/**
 * The contract every {@link ObjectAllocator} (SLAB, SLUB, SLOB, or one of your own) must pass.
 *
 * <p>Subclass it with one factory method:
 *
 * <pre>
 *   final class SlubAllocatorTest extends ObjectAllocatorContract {
 *     &#64;Override
 *     protected ObjectAllocator createAllocator(MemoryContext ctx) {
 *       return new SlubProvider().create(ctx);
 *     }
 *   }
 * </pre>
 *
 * The contract builds the context: a {@link SimplePageAllocator} over {@link #frames()} frames (64
 * MiB), a {@link PhysicalMemory}, the {@link #settings()} slice (empty by default: an allocator
 * must treat absent keys as its defaults, or the subclass overrides {@link #settings()}) and 2
 * CPUs. A trivial page allocator keeps the contract independent of mm-buddy and proves that the
 * object allocator works over any {@link PageAllocator}.
 *
 * <h2>What is checked</h2>
 *
 * <ul>
 *   <li>objects are direct-map addresses, aligned (8 bytes at least, the cache's alignment, natural
 *       alignment for power-of-two kmalloc sizes) and never overlap;
 *   <li>a constructor's work is visible in every object handed out;
 *   <li>{@code __GFP_ZERO} zeroes the requested bytes;
 *   <li>{@code ksize >= size}, and the kmalloc class chosen is the kernel's (an allocator without
 *       classes, as SLOB, declares its own rule in {@link #kmallocObjectSize}, and the contract
 *       checks that it has no {@code kmalloc-*} caches);
 *   <li>{@code kfree} ignores NULL and {@code ZERO_SIZE_PTR}; destroying a kmalloc cache or using a
 *       destroyed cache is refused with a {@link BadCacheException} naming the cache;
 *   <li>kmalloc above 8 KiB takes exactly {@code 2^get_order(size)} pages from the page allocator;
 *   <li>pages taken from the page allocator equal the pages reported as slab pages ({@code
 *       reclaimablePages + unreclaimablePages}) at every step, and after every object is freed and
 *       every cache shrunk (or destroyed) the page allocator has all its pages back;
 *   <li>misuse (double free, interior pointer, foreign address, wrong cache, destroying a cache in
 *       use) throws {@link BadAddressException} (or its subclass {@link
 *       io.mmsim.api.object.SlabBugException}) and changes nothing: the slabinfo rows, the
 *       statistics, the slab page counts and the page allocator's free count are as before;
 *   <li>a seeded random sequence (the testkit's {@link StatefulRunner}, which shrinks a failure) of
 *       kmalloc, kfree, cache alloc/free, shrink and CPU changes keeps object contents intact and
 *       the invariants true after every step ({@code mmsim.test.seed} replays one seed, {@code
 *       mmsim.test.runs} sets the number of sequences).
 * </ul>
 *
 * After each test the {@link InvariantCheckExtension} runs {@link
 * ObjectAllocator#checkInvariants()} and the page allocator's on everything the test built.
 */
public abstract class ObjectAllocatorContract {

  /** Checks every allocator (and page allocator) a test built, after the test. */
  @RegisterExtension
  protected final InvariantCheckExtension invariants = new InvariantCheckExtension();

  /** The allocator under test, built fresh for each test. */
  protected ObjectAllocator allocator;

  /** The context it was built from. */
  protected TestMemoryContext ctx;

  /** The page allocator under it. */
  protected PageAllocator pages;

  /** The machine's memory. */
  protected PhysicalMemory memory;

  private long bootFree;
  private long bootSlabPages;

  /** Builds the allocator under test over {@code ctx} (usually the provider's {@code create}). */
  protected abstract ObjectAllocator createAllocator(MemoryContext ctx);

  /** The settings slice handed to the allocator; empty by default. */
  protected Settings settings() {
    return Settings.empty("");
  }

  /** The machine size in frames; 64 MiB by default. */
  protected long frames() {
    return 16384;
  }

  /** log2 of the smallest kmalloc class: 3 (8 bytes) for SLUB, 5 (32 bytes) for SLAB. */
  protected int kmallocMinShift() {
    return KmallocSizes.KMALLOC_SHIFT_LOW;
  }

  /**
   * False for an allocator without kmalloc size classes and hence without {@code kmalloc-*} caches
   * (SLOB): the contract then checks that no such cache exists, and that ksize follows {@link
   * #kmallocObjectSize}.
   */
  protected boolean hasKmallocClasses() {
    return true;
  }

  /**
   * The usable size ({@code ksize}) of {@code kmalloc(size)} for {@code size} up to {@code
   * KMALLOC_MAX_CACHE_SIZE}: by default the kernel's size class ({@link KmallocSizes#classSize}).
   * An allocator without classes declares its own rule here (SLOB: the size in whole 2-byte units,
   * or whole pages for a request that does not fit a page with its header).
   */
  protected long kmallocObjectSize(long size) {
    return KmallocSizes.classSize(size, kmallocMinShift());
  }

  /**
   * False for an allocator that counts every slab page as unreclaimable, whatever the cache's
   * RECLAIM_ACCOUNT flag (SLOB, whose kernel code drops the flag).
   */
  protected boolean accountsReclaimableSeparately() {
    return true;
  }

  /** A fresh machine and allocator with {@code frames} frames and {@code cpus} CPUs. */
  protected final ObjectAllocator newAllocator(long frameCount, int cpus) {
    ctx = TestMemoryContext.simple(frameCount, cpus, settings());
    pages = ctx.pageAllocator();
    memory = ctx.memory();
    allocator = invariants.track(createAllocator(ctx));
    invariants.track(pages);
    allocator.shrinkAll();
    bootFree = pages.nrFreePages();
    bootSlabPages = slabPages();
    return allocator;
  }

  @BeforeEach
  void setUpAllocator() {
    newAllocator(frames(), 2);
  }

  // ================================================================ kmalloc

  /** Every kmalloc class hands out aligned, disjoint direct-map objects. */
  @Test
  public void kmalloc_manySizes_objectsAlignedDisjointAndInDirectMap() {
    long[] sizes = {
      1, 7, 8, 9, 16, 24, 32, 33, 64, 65, 96, 97, 128, 129, 192, 193, 256, 300, 512, 700, 1024,
      1500, 2048, 3000, 4096, 5000, 8192, 8193, 16384, 100_000
    };
    TreeMap<Long, Long> live = new TreeMap<>();
    for (long size : sizes) {
      for (int i = 0; i < 20; i++) {
        long addr = allocator.kmalloc(i % 2, size, Gfp.KERNEL);
        assertThat(addr).as("kmalloc(%d)", size).isNotZero();
        LiveObjects.assertPlaced(memory, addr, allocator.ksize(addr), 8, live);
        if (Long.bitCount(size) == 1) {
          assertThat(addr & (size - 1))
              .as("kmalloc(%d) = 0x%x naturally aligned", size, addr)
              .isZero();
        }
      }
    }
    LiveObjects.freeAll(allocator, live, null);
    assertAllPagesBack();
  }

  /** ksize is at least the request and, with size classes, the kernel's class size. */
  @Test
  public void ksize_everySmallSize_isAtLeastSizeAndTheKernelClass() {
    for (long size = 1; size <= KmallocSizes.KMALLOC_MAX_CACHE_SIZE; size += size < 300 ? 1 : 37) {
      long addr = allocator.kmalloc(0, size, Gfp.KERNEL);
      assertThat(addr).isNotZero();
      long ksize = allocator.ksize(addr);
      assertThat(ksize).as("ksize of kmalloc(%d)", size).isGreaterThanOrEqualTo(size);
      assertThat(ksize).as("ksize of kmalloc(%d)", size).isEqualTo(kmallocObjectSize(size));
      allocator.kfree(0, addr);
    }
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /**
   * The class a request lands in is the kernel's: 65..96 bytes count in kmalloc-96. Without classes
   * there is no such cache and the object is as large as {@link #kmallocObjectSize} says.
   */
  @Test
  public void kmalloc_sizeBetweenClasses_landsInTheKernelClassCache() {
    long[][] cases = {
      {70, 96},
      {96, 96},
      {100, 128},
      {130, 192},
      {200, 256},
      {1000, 1024},
      {3, 1L << kmallocMinShift()}
    };
    for (long[] c : cases) {
      String name = KmallocSizes.name(KmallocSizes.index(c[1], kmallocMinShift()));
      if (!hasKmallocClasses()) {
        assertThat(allocator.findCache(name)).as("%s without size classes", name).isNull();
        long addr = allocator.kmalloc(0, c[0], Gfp.KERNEL);
        assertThat(allocator.ksize(addr)).isEqualTo(kmallocObjectSize(c[0]));
        allocator.kfree(0, addr);
        continue;
      }
      KmemCache cache = allocator.findCache(name);
      assertThat(cache).as("kmalloc cache %s", name).isNotNull();
      allocator.shrinkAll();
      long before = cache.info().activeObjs();
      List<Long> objs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        objs.add(allocator.kmalloc(0, c[0], Gfp.KERNEL));
      }
      assertThat(cache.info().activeObjs())
          .as("active objects of %s after 200 kmalloc(%d)", name, c[0])
          .isGreaterThanOrEqualTo(before + 200);
      for (long o : objs) {
        allocator.kfree(1, o);
      }
    }
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /** Every kmalloc class has a cache under the kernel's name; without classes none exists. */
  @Test
  public void findCache_kmallocNames_existExactlyWhenTheAllocatorHasClasses() {
    for (int index : KmallocSizes.indices(kmallocMinShift())) {
      KmemCache c = allocator.findCache(KmallocSizes.name(index));
      if (hasKmallocClasses()) {
        assertThat(c).as(KmallocSizes.name(index)).isNotNull();
        assertThat(c.objectSize()).isEqualTo(KmallocSizes.size(index));
      } else {
        assertThat(c).as(KmallocSizes.name(index)).isNull();
      }
    }
  }

  /** Destroying a kmalloc cache is refused with an error naming it; nothing changes. */
  @Test
  public void kmemCacheDestroy_kmallocCache_isRefusedNamingItAndChangesNothing() {
    String name = KmallocSizes.name(KmallocSizes.index(64, kmallocMinShift()));
    KmemCache c = allocator.findCache(name);
    if (!hasKmallocClasses()) {
      assertThat(c).as("%s without size classes", name).isNull();
      return;
    }
    long obj = allocator.kmalloc(0, 64, Gfp.KERNEL);
    Snapshot s = snapshot();

    assertThatThrownBy(c::destroy)
        .isInstanceOfSatisfying(BadCacheException.class, e -> assertThat(e.cache()).isEqualTo(name))
        .hasMessageContaining(name);

    s.assertUnchanged();
    assertThat(allocator.findCache(name)).isSameAs(c);
    allocator.kfree(0, obj);
    long again = allocator.kmalloc(0, 64, Gfp.KERNEL);
    assertThat(again).isNotZero();
    allocator.kfree(0, again);
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /** kfree of NULL, ZERO_SIZE_PTR and what lies between is ignored, and ksize of them is 0. */
  @Test
  public void kfree_nullAndZeroSizePtr_areIgnoredAndKsizeIsZero() {
    long keep = allocator.kmalloc(0, 32, Gfp.KERNEL);
    Snapshot s = snapshot();

    for (long p : new long[] {0, 1, 8, KmallocSizes.ZERO_SIZE_PTR}) {
      allocator.kfree(0, p);
      allocator.kfree(1, p);
      assertThat(allocator.ksize(p)).as("ksize(%d)", p).isZero();
    }

    s.assertUnchanged();
    assertThatThrownBy(() -> allocator.kfree(0, KmallocSizes.ZERO_SIZE_PTR + 1))
        .as("17 is not ZERO_OR_NULL_PTR")
        .isInstanceOf(BadAddressException.class);
    allocator.kfree(0, keep);
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /** A cache used after kmem_cache_destroy refuses with an error naming it. */
  @Test
  public void kmemCache_usedAfterDestroy_throwsNamingTheCache() {
    KmemCache c = allocator.kmemCacheCreate("contract-gone", 100, 0, 0, null);
    c.destroy();
    Snapshot s = snapshot();

    assertThatThrownBy(() -> c.alloc(0, Gfp.KERNEL))
        .isInstanceOfSatisfying(
            BadCacheException.class, e -> assertThat(e.cache()).isEqualTo("contract-gone"));
    assertThatThrownBy(c::destroy).isInstanceOf(BadCacheException.class);

    s.assertUnchanged();
    assertThat(allocator.findCache("contract-gone")).isNull();
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /** Requests above 8 KiB take exactly 2^get_order(size) pages and give them back on kfree. */
  @Test
  public void kmalloc_above8k_takesWholePagesFromThePageAllocator() {
    long[] sizes = {
      KmallocSizes.KMALLOC_MAX_CACHE_SIZE + 1,
      12_000,
      16384,
      65536,
      1 << 20,
      KmallocSizes.KMALLOC_MAX_SIZE
    };
    for (long size : sizes) {
      long free = pages.nrFreePages();
      long slab = slabPages();
      long addr = allocator.kmalloc(1, size, Gfp.KERNEL);
      assertThat(addr).isNotZero();
      long n = 1L << Page.getOrder(size);
      assertThat(free - pages.nrFreePages()).as("pages taken by kmalloc(%d)", size).isEqualTo(n);
      assertThat(slabPages() - slab).as("slab pages reported for kmalloc(%d)", size).isEqualTo(n);
      assertThat(allocator.ksize(addr)).isEqualTo(n * Page.PAGE_SIZE);
      assertThat(addr & (Page.PAGE_SIZE - 1)).isZero();
      assertThat(KernelLayout.inDirectMap(addr, memory.size())).isTrue();
      allocator.kfree(0, addr);
      assertThat(pages.nrFreePages()).isEqualTo(free);
    }
    assertAllPagesBack();
  }

  /** Sizes 0 and above 4 MiB are refused; kfree(NULL) does nothing. */
  @Test
  public void kmalloc_zeroOrTooLarge_throwsAndKfreeNullIsIgnored() {
    Snapshot s = snapshot();
    assertThatThrownBy(() -> allocator.kmalloc(0, 0, Gfp.KERNEL))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> allocator.kmalloc(0, KmallocSizes.KMALLOC_MAX_SIZE + 1, Gfp.KERNEL))
        .isInstanceOf(IllegalArgumentException.class);
    allocator.kfree(0, 0);
    s.assertUnchanged();
  }

  /** __GFP_ZERO returns the requested bytes zeroed, even where a freed object left garbage. */
  @Test
  public void kmalloc_gfpZero_returnsZeroedBytes() {
    for (long size : new long[] {8, 64, 100, 1000, 4096, 8192, 20000}) {
      long a = allocator.kmalloc(0, size, Gfp.KERNEL);
      memory.fill(KernelLayout.pa(a), size, (byte) 0x77);
      allocator.kfree(0, a);
      long b = allocator.kmalloc(0, size, Gfp.KERNEL | Gfp.ZERO);
      assertThat(memory.allEqual(KernelLayout.pa(b), size, (byte) 0))
          .as("kzalloc(%d)", size)
          .isTrue();
      allocator.kfree(0, b);
    }
    KmemCache c = allocator.kmemCacheCreate("contract-zero", 120, 0, 0, null);
    long a = c.alloc(0, Gfp.KERNEL);
    memory.fill(KernelLayout.pa(a), 120, (byte) 0x55);
    c.free(0, a);
    long b = c.alloc(0, Gfp.KERNEL | Gfp.ZERO);
    assertThat(memory.allEqual(KernelLayout.pa(b), 120, (byte) 0)).isTrue();
    c.free(0, b);
    c.destroy();
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /** Objects freed on another CPU than the one that allocated them come back all the same. */
  @Test
  public void kfree_onOtherCpu_pagesComeBack() {
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      objs.add(allocator.kmalloc(0, 64 + (i % 5) * 100, Gfp.KERNEL));
    }
    for (long o : objs) {
      allocator.kfree(1, o);
    }
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /**
   * An allocation that fails for want of pages (the page allocator runs dry after 0 to 3 more
   * pages) returns 0 and leaves the slabinfo rows, the slab page counts and the free pages as they
   * were: whatever it took on the way (a slab page, an off-slab freelist) it gave back.
   */
  @Test
  public void alloc_pagesRunOutPartway_returnsZeroAndLeavesEverythingAsItWas() {
    SimplePageAllocator simple = (SimplePageAllocator) pages;
    KmemCache[] caches = {
      allocator.kmemCacheCreate("contract-dry-40", 40, 0, SlabFlags.NO_MERGE, null),
      allocator.kmemCacheCreate("contract-dry-600", 600, 0, SlabFlags.NO_MERGE, null),
      allocator.kmemCacheCreate(
          "contract-dry-3000",
          3000,
          0,
          SlabFlags.NO_MERGE,
          a -> memory.fill(KernelLayout.pa(a), 8, (byte) 1)),
      allocator.kmemCacheCreate("contract-dry-5000", 5000, 64, SlabFlags.NO_MERGE, null),
    };
    long[] sizes = {8, 100, 1000, 4000, 8192, 20000};
    List<long[]> live = new ArrayList<>();
    for (int budget = 0; budget <= 3; budget++) {
      for (int k = 0; k < caches.length + sizes.length; k++) {
        simple.failAfter(budget);
        for (int i = 0; i < 10_000; i++) {
          List<SlabInfo> rows = allocator.slabinfo();
          long free = pages.nrFreePages();
          long slab = slabPages();
          long addr =
              k < caches.length
                  ? caches[k].alloc(i % 2, Gfp.KERNEL)
                  : allocator.kmalloc(i % 2, sizes[k - caches.length], Gfp.KERNEL);
          if (addr == 0) {
            assertThat(allocator.slabinfo())
                .as("slabinfo after a failed allocation")
                .isEqualTo(rows);
            assertThat(pages.nrFreePages()).as("free pages").isEqualTo(free);
            assertThat(slabPages()).as("slab pages").isEqualTo(slab);
            allocator.checkInvariants();
            break;
          }
          live.add(new long[] {addr, k});
        }
        simple.neverFail();
        assertAccounting();
      }
    }
    for (long[] o : live) {
      if (o[1] < caches.length) {
        caches[(int) o[1]].free(0, o[0]);
      } else {
        allocator.kfree(1, o[0]);
      }
    }
    for (KmemCache c : caches) {
      c.destroy();
    }
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /** Running out of memory returns 0; after freeing everything the memory is back. */
  @Test
  public void kmalloc_outOfMemory_returnsZeroAndRecovers() {
    newAllocator(512, 2);
    List<Long> objs = new ArrayList<>();
    long size = 2048;
    for (int i = 0; i < 100_000; i++) {
      long a = allocator.kmalloc(i % 2, size, Gfp.KERNEL);
      if (a == 0) {
        break;
      }
      objs.add(a);
    }
    assertThat(objs.size()).isLessThan(100_000).isGreaterThan(100);
    assertThat(allocator.kmalloc(0, 20000, Gfp.KERNEL)).isZero();
    assertAccounting();
    for (long o : objs) {
      allocator.kfree(0, o);
    }
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  // ================================================================ caches

  /** Cache objects honour the requested alignment and never overlap. */
  @Test
  public void kmemCacheAlloc_variousAlignments_alignedAndDisjoint() {
    int[][] shapes = {
      {8, 0}, {20, 0}, {20, 32}, {100, 64}, {100, 128}, {600, 0}, {1000, 512}, {3000, 0}, {5000, 0}
    };
    TreeMap<Long, Long> live = new TreeMap<>();
    Map<Long, KmemCache> owner = new HashMap<>();
    List<KmemCache> created = new ArrayList<>();
    for (int[] shape : shapes) {
      KmemCache c =
          allocator.kmemCacheCreate(
              "contract-" + shape[0] + "-" + shape[1], shape[0], shape[1], 0, null);
      created.add(c);
      assertThat(c.objectSize()).isEqualTo(shape[0]);
      assertThat(c.size()).isGreaterThanOrEqualTo(shape[0]);
      int align = Math.max(8, shape[1]);
      for (int i = 0; i < 150; i++) {
        long addr = c.alloc(i % 2, Gfp.KERNEL);
        assertThat(addr).isNotZero();
        LiveObjects.assertPlaced(memory, addr, shape[0], align, live);
        owner.put(addr, c);
      }
    }
    LiveObjects.freeAll(allocator, live, owner);
    for (KmemCache c : created) {
      c.destroy();
    }
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /** SLAB_HWCACHE_ALIGN objects of at least half a cache line sit on cache lines. */
  @Test
  public void kmemCacheAlloc_hwcacheAlign_objectsOnCacheLines() {
    KmemCache c = allocator.kmemCacheCreate("contract-hw", 50, 0, SlabFlags.HWCACHE_ALIGN, null);
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      long a = c.alloc(0, Gfp.KERNEL);
      assertThat(a & 63).as("0x%x on a cache line", a).isZero();
      objs.add(a);
    }
    for (long a : objs) {
      c.free(0, a);
    }
    c.destroy();
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /** A constructor's work is visible in every object handed out, fresh or reused. */
  @Test
  public void kmemCacheAlloc_withConstructor_objectsHoldTheConstructedPattern() {
    int size = 72;
    Set<Long> constructed = new HashSet<>();
    KmemCache c =
        allocator.kmemCacheCreate(
            "contract-ctor",
            size,
            0,
            0,
            addr -> {
              constructed.add(addr);
              memory.fill(KernelLayout.pa(addr), size, (byte) 0x3c);
            });
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      long a = c.alloc(i % 2, Gfp.KERNEL);
      assertThat(constructed).as("object 0x%x was constructed", a).contains(a);
      assertThat(memory.allEqual(KernelLayout.pa(a), size, (byte) 0x3c))
          .as("constructed pattern in 0x%x", a)
          .isTrue();
      objs.add(a);
    }
    for (int i = 0; i < objs.size(); i += 2) {
      c.free(0, objs.get(i));
    }
    for (int i = 0; i < 150; i++) {
      long a = c.alloc(0, Gfp.KERNEL);
      assertThat(memory.allEqual(KernelLayout.pa(a), size, (byte) 0x3c))
          .as("constructed pattern in reused 0x%x", a)
          .isTrue();
      objs.set(2 * i, a);
    }
    for (long a : objs) {
      c.free(1, a);
    }
    c.destroy();
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /** A cache answers to its name, and the name cannot be taken twice. */
  @Test
  public void kmemCacheCreate_nameTaken_throwsAndFindCacheAnswers() {
    KmemCache c = allocator.kmemCacheCreate("contract-name", 48, 0, 0, null);
    assertThat(allocator.findCache("contract-name")).isNotNull();
    assertThat(allocator.findCache("contract-name").objectSize()).isEqualTo(48);
    assertThat(allocator.findCache("no-such-cache")).isNull();
    assertThatThrownBy(() -> allocator.kmemCacheCreate("contract-name", 48, 0, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contract-name");
    assertThatThrownBy(() -> allocator.kmemCacheCreate("contract-bad", 0, 0, 0, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> allocator.kmemCacheCreate("contract-bad", 64, 24, 0, null))
        .isInstanceOf(IllegalArgumentException.class);
    c.destroy();
    assertThat(allocator.findCache("contract-name")).isNull();
  }

  /** Shrinking gives back every empty slab; destroy of an empty cache frees everything. */
  @Test
  public void kmemCacheShrink_afterFreeingAll_givesEveryPageBack() {
    KmemCache c = allocator.kmemCacheCreate("contract-shrink", 256, 0, SlabFlags.NO_MERGE, null);
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      objs.add(c.alloc(i % 2, Gfp.KERNEL));
    }
    assertThat(pages.nrFreePages()).isLessThan(bootFree);
    for (long a : objs) {
      c.free(0, a);
    }
    c.shrink();
    assertAllPagesBack();
    c.destroy();
  }

  /**
   * A cache with RECLAIM_ACCOUNT counts its pages as reclaimable (as unreclaimable when {@link
   * #accountsReclaimableSeparately()} is false).
   */
  @Test
  public void reclaimablePages_reclaimAccountCache_countsItsSlabs() {
    long reclaimable = allocator.reclaimablePages();
    long unreclaimable = allocator.unreclaimablePages();
    KmemCache c =
        allocator.kmemCacheCreate("contract-rcl", 512, 0, SlabFlags.RECLAIM_ACCOUNT, null);
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      objs.add(c.alloc(0, Gfp.KERNEL));
    }
    if (accountsReclaimableSeparately()) {
      assertThat(allocator.reclaimablePages())
          .isGreaterThanOrEqualTo(reclaimable + 100 * 512 / 4096);
    } else {
      assertThat(allocator.reclaimablePages()).isEqualTo(reclaimable);
      assertThat(allocator.unreclaimablePages())
          .isGreaterThanOrEqualTo(unreclaimable + 100 * 512 / 4096);
    }
    assertAccounting();
    for (long a : objs) {
      c.free(0, a);
    }
    c.destroy();
    allocator.shrinkAll();
    assertThat(allocator.reclaimablePages()).isEqualTo(reclaimable);
    assertAllPagesBack();
  }

  /** Slabinfo rows are consistent with themselves. */
  @Test
  public void slabinfo_afterAllocations_rowsAreConsistent() {
    List<Long> objs = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      objs.add(allocator.kmalloc(0, 8 << (i % 10), Gfp.KERNEL));
    }
    for (SlabInfo row : allocator.slabinfo()) {
      assertThat(row.activeObjs()).as(row.name()).isBetween(0L, row.numObjs());
      assertThat(row.activeSlabs()).as(row.name()).isBetween(0L, row.numSlabs());
      assertThat(row.format()).startsWith(String.format("%-17s", row.name()));
    }
    for (long a : objs) {
      allocator.kfree(0, a);
    }
  }

  // ================================================================ misuse

  /** kfree of an already freed object throws and changes nothing. */
  @Test
  public void kfree_doubleFree_throwsAndLeavesStateUnchanged() {
    long keep = allocator.kmalloc(0, 64, Gfp.KERNEL);
    long a = allocator.kmalloc(0, 64, Gfp.KERNEL);
    allocator.kfree(0, a);
    Snapshot s = snapshot();
    assertThatThrownBy(() -> allocator.kfree(0, a)).isInstanceOf(BadAddressException.class);
    s.assertUnchanged();
    allocator.checkInvariants();
    long b = allocator.kmalloc(0, 64, Gfp.KERNEL);
    long c = allocator.kmalloc(0, 64, Gfp.KERNEL);
    assertThat(b).isNotEqualTo(c);
    allocator.kfree(0, b);
    allocator.kfree(0, c);
    allocator.kfree(0, keep);
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /** A double free that is not the most recent free is caught too. */
  @Test
  public void kfree_doubleFreeOfOlderObject_throwsAndLeavesStateUnchanged() {
    long a = allocator.kmalloc(0, 128, Gfp.KERNEL);
    long b = allocator.kmalloc(0, 128, Gfp.KERNEL);
    long c = allocator.kmalloc(0, 128, Gfp.KERNEL);
    allocator.kfree(0, a);
    allocator.kfree(1, b);
    Snapshot s = snapshot();
    assertThatThrownBy(() -> allocator.kfree(0, a)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> allocator.kfree(1, a)).isInstanceOf(BadAddressException.class);
    s.assertUnchanged();
    allocator.kfree(0, c);
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /** kmem_cache_free of an already freed object throws and changes nothing. */
  @Test
  public void kmemCacheFree_doubleFree_throwsAndLeavesStateUnchanged() {
    KmemCache cache = allocator.kmemCacheCreate("contract-df", 100, 0, 0, null);
    long a = cache.alloc(0, Gfp.KERNEL);
    long b = cache.alloc(0, Gfp.KERNEL);
    cache.free(0, a);
    Snapshot s = snapshot();
    assertThatThrownBy(() -> cache.free(0, a)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> cache.free(1, a)).isInstanceOf(BadAddressException.class);
    s.assertUnchanged();
    cache.free(0, b);
    cache.destroy();
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /** A pointer into the middle of an object is refused, for kfree and for caches. */
  @Test
  public void free_interiorPointer_throwsAndLeavesStateUnchanged() {
    long a = allocator.kmalloc(0, 64, Gfp.KERNEL);
    long big = allocator.kmalloc(0, 20000, Gfp.KERNEL);
    KmemCache cache = allocator.kmemCacheCreate("contract-interior", 200, 0, 0, null);
    long o = cache.alloc(0, Gfp.KERNEL);
    Snapshot s = snapshot();
    assertThatThrownBy(() -> allocator.kfree(0, a + 8)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> allocator.kfree(0, a + 1)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> allocator.kfree(0, big + 8)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> allocator.kfree(0, big + Page.PAGE_SIZE))
        .isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> cache.free(0, o + 8)).isInstanceOf(BadAddressException.class);
    s.assertUnchanged();
    allocator.kfree(0, a);
    allocator.kfree(0, big);
    cache.free(0, o);
    cache.destroy();
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /** Addresses the allocator never handed out are refused. */
  @Test
  public void free_foreignAddress_throwsAndLeavesStateUnchanged() {
    long a = allocator.kmalloc(0, 64, Gfp.KERNEL);
    KmemCache cache = allocator.kmemCacheCreate("contract-foreign", 64, 0, 0, null);
    long o = cache.alloc(0, Gfp.KERNEL);
    long pfn = pages.allocPages(0, Gfp.KERNEL, 0);
    long foreignPage = KernelLayout.va(Page.pfnToPhys(pfn));
    Snapshot s = snapshot();
    assertThatThrownBy(() -> allocator.kfree(0, foreignPage))
        .isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> allocator.kfree(0, foreignPage + 64))
        .isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> allocator.kfree(0, 0x1234_5678L))
        .isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> allocator.kfree(0, KernelLayout.va(memory.size() + 4096)))
        .isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> cache.free(0, foreignPage)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> cache.free(0, KernelLayout.VMALLOC_START))
        .isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> allocator.ksize(foreignPage)).isInstanceOf(BadAddressException.class);
    s.assertUnchanged();
    pages.freePages(0, pfn, 0);
    allocator.kfree(0, a);
    cache.free(0, o);
    cache.destroy();
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /** An object freed into a cache it does not belong to is refused. */
  @Test
  public void kmemCacheFree_wrongCache_throwsAndLeavesStateUnchanged() {
    KmemCache a = allocator.kmemCacheCreate("contract-a", 64, 0, SlabFlags.NO_MERGE, null);
    KmemCache b = allocator.kmemCacheCreate("contract-b", 64, 0, SlabFlags.NO_MERGE, null);
    KmemCache c = allocator.kmemCacheCreate("contract-c", 200, 0, 0, null);
    long x = a.alloc(0, Gfp.KERNEL);
    long k = allocator.kmalloc(0, 200, Gfp.KERNEL);
    Snapshot s = snapshot();
    assertThatThrownBy(() -> b.free(0, x)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> c.free(0, x)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> a.free(0, k)).isInstanceOf(BadAddressException.class);
    s.assertUnchanged();
    a.free(0, x);
    allocator.kfree(0, k);
    a.destroy();
    b.destroy();
    c.destroy();
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  /** Destroying a cache that still has objects throws; the cache stays usable. */
  @Test
  public void kmemCacheDestroy_withObjects_throwsAndCacheStaysUsable() {
    KmemCache c = allocator.kmemCacheCreate("contract-busy", 300, 0, 0, null);
    long x = c.alloc(0, Gfp.KERNEL);
    Snapshot s = snapshot();
    assertThatThrownBy(c::destroy)
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("contract-busy");
    s.assertUnchanged();
    assertThat(allocator.findCache("contract-busy")).isNotNull();
    long y = c.alloc(1, Gfp.KERNEL);
    c.free(0, x);
    c.free(0, y);
    c.destroy();
    allocator.shrinkAll();
    assertAllPagesBack();
  }

  // ================================================================ random sequences

  /**
   * Seeded random op sequences (through the testkit's {@link StatefulRunner}: shrinking, replay
   * with {@code -Dmmsim.test.seed}) keep object contents intact and the invariants true after every
   * step; a "free everything" step checks that all pages come back.
   */
  @Test
  public void randomOperations_seeded_invariantsHoldAndPagesComeBack() {
    StatefulRunner.of(
            getClass().getSimpleName() + " random object ops",
            new ObjectAllocatorRandomScenario(this))
        .runs(8)
        .steps(300)
        .check();
  }

  // ================================================================ helpers

  /** Pages taken from the page allocator since boot equal the slab pages reported since boot. */
  protected final void assertAccounting() {
    long taken = bootFree - pages.nrFreePages();
    assertThat(slabPages() - bootSlabPages)
        .as(
            "slab pages (reclaimable %d + unreclaimable %d) against pages taken from the page"
                + " allocator",
            allocator.reclaimablePages(), allocator.unreclaimablePages())
        .isEqualTo(taken);
  }

  /** The page allocator has every page back that it had after the allocator was created. */
  protected final void assertAllPagesBack() {
    assertAccounting();
    assertThat(pages.nrFreePages())
        .as("free pages after everything was freed and shrunk")
        .isEqualTo(bootFree);
  }

  private long slabPages() {
    return allocator.reclaimablePages() + allocator.unreclaimablePages();
  }

  /** What must not change when a bad call is refused. */
  protected final Snapshot snapshot() {
    return new Snapshot();
  }

  /** A record of the observable state, compared after a refused call. */
  protected final class Snapshot {
    private final List<SlabInfo> slabinfo = allocator.slabinfo();
    private final Statistics statistics = allocator.statistics();
    private final long free = pages.nrFreePages();
    private final long reclaimable = allocator.reclaimablePages();
    private final long unreclaimable = allocator.unreclaimablePages();
    private final int caches = allocator.caches().size();

    Snapshot() {}

    /** Asserts nothing observable changed and the invariants hold. */
    public void assertUnchanged() {
      assertThat(allocator.slabinfo()).as("slabinfo").isEqualTo(slabinfo);
      assertThat(allocator.statistics()).as("statistics").isEqualTo(statistics);
      assertThat(pages.nrFreePages()).as("free pages").isEqualTo(free);
      assertThat(allocator.reclaimablePages()).as("reclaimable pages").isEqualTo(reclaimable);
      assertThat(allocator.unreclaimablePages()).as("unreclaimable pages").isEqualTo(unreclaimable);
      assertThat(allocator.caches()).as("caches").hasSize(caches);
      allocator.checkInvariants();
    }
  }
}
