package io.mmsim.testkit.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.BadPageException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Memmap;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.testkit.InvariantCheckExtension;
import io.mmsim.testkit.Op;
import io.mmsim.testkit.OpKind;
import io.mmsim.testkit.Scenario;
import io.mmsim.testkit.StatefulRunner;

/**
 * The tests every {@link PageAllocator} must pass. A module adds a one-method subclass:
 *
 * <pre>{@code
 * final class BuddyAllocatorTest extends PageAllocatorContract {
 *   @Override
 *   protected PageAllocator createAllocator(MemoryLayout layout) {
 *     return new BuddyAllocator(layout, ...);
 *   }
 * }
 * }</pre>
 *
 * <p>The contract boots the allocator itself ({@link BootHandOff}: maximal aligned blocks,
 * ascending, with some frames kept back as reserved) and covers: aligned in-range results, zone
 * limits of GFP_DMA and GFP_DMA32, no frame handed out twice, free + per-CPU + allocated = managed,
 * full coalescing after freeing everything and draining, every bad call (double free, wrong order,
 * reserved or interior or out-of-range PFN, misaligned block, order out of range) throwing {@link
 * BadPageException} with nothing observable changed, {@link PageAllocator#NO_PAGE} when memory runs
 * out, and a seeded random operation sequence checked against a reference model with {@link
 * StatefulRunner}. Every allocator a test creates is re-checked with {@code checkInvariants()}
 * after the test.
 */
public abstract class PageAllocatorContract {

  /** The standard machine: 64 MiB (DMA and DMA32 zones), 2 CPUs. */
  protected static final MemoryLayout SMALL = new MemoryLayout(16384, 2);

  /**
   * Frames kept back in the standard boot, as pairs {@code start, end}: PFN 0 (memblock never hands
   * it out) and a 2 MiB kernel image at 16 MiB.
   */
  protected static final long[] SMALL_RESERVED = {0, 1, 4096, 4096 + 512};

  /** A machine just above 4 GiB, so that all three zones exist, 2 CPUs. */
  protected static final MemoryLayout LARGE = MemoryLayout.ofBytes((4L << 30) + (16L << 20), 2);

  /** Re-checks every allocator created through {@link #booted} after each test. */
  @RegisterExtension
  protected final InvariantCheckExtension invariants = new InvariantCheckExtension();

  /** A new, empty allocator for {@code layout} (the contract does the boot hand-off). */
  protected abstract PageAllocator createAllocator(MemoryLayout layout);

  /**
   * False for an allocator that keeps no zone watermarks at all (a test double that never
   * reclaims); the contract then checks that every watermark reads 0 instead of checking their
   * order. A page allocator for a kernel keeps them: the kernel's reclaim starts from them.
   */
  protected boolean keepsWatermarks() {
    return true;
  }

  /** An allocator for {@code layout}, booted with the frames in {@code reserved} kept back. */
  protected final PageAllocator booted(MemoryLayout layout, long... reserved) {
    PageAllocator a = invariants.track(createAllocator(layout));
    BootHandOff.boot(a, layout, reserved);
    return a;
  }

  /** The standard machine, booted. */
  protected final PageAllocator small() {
    return booted(SMALL, SMALL_RESERVED);
  }

  private static long managedOf(MemoryLayout layout, long... reserved) {
    long n = 0;
    for (long p = 0; p < layout.frames(); p++) {
      if (!BootHandOff.isReserved(p, reserved)) {
        n++;
      }
    }
    return n;
  }

  private static long pcpTotal(PageAllocator a) {
    long t = 0;
    for (Zone z : Zone.values()) {
      t += a.zoneStats(z).pcpTotal();
    }
    return t;
  }

  // ================================================================ boot and accounting

  @Test
  void completeBoot_afterHandOff_managesEveryFrameNotReserved() {
    PageAllocator a = small();

    assertThat(a.managedPages()).isEqualTo(managedOf(SMALL, SMALL_RESERVED));
    assertThat(a.nrFreePages() + pcpTotal(a)).isEqualTo(a.managedPages());
    long sum = 0;
    for (Zone z : Zone.values()) {
      ZoneStats s = a.zoneStats(z);
      assertThat(s.spanned()).as("spanned %s", z).isEqualTo(SMALL.zoneSpanned(z));
      assertThat(s.present()).as("present %s", z).isEqualTo(SMALL.zoneSpanned(z));
      assertThat(s.startPfn()).as("start %s", z).isEqualTo(SMALL.zoneStart(z));
      assertThat(s.free()).isEqualTo(a.nrFreePages(z));
      long pages = 0;
      long[] blocks = s.freeBlocks();
      for (int o = 0; o < blocks.length; o++) {
        pages += blocks[o] << o;
      }
      assertThat(pages).as("free blocks of %s add up to its free pages", z).isEqualTo(s.free());
      assertThat(s.pcpCount()).hasSize(SMALL.cpus());
      sum += s.managed();
    }
    assertThat(sum).isEqualTo(a.managedPages());
    assertThat(a.zoneStats(Zone.DMA).managed()).isEqualTo(4096 - 1);
    assertThat(a.zoneStats(Zone.DMA32).managed()).isEqualTo(16384 - 4096 - 512);
    assertThat(a.zoneStats(Zone.NORMAL).managed()).isZero();
  }

  @Test
  void watermark_beforeCompleteBoot_isZero() {
    PageAllocator a = invariants.track(createAllocator(SMALL));
    BootHandOff.freeRange(a, 1, SMALL.frames());

    for (Zone z : Zone.values()) {
      for (Watermark w : Watermark.values()) {
        assertThat(a.watermark(z, w)).as("%s %s", z, w).isZero();
      }
    }
  }

  @Test
  void watermarks_afterBoot_areOrderedMinLowHighAndMatchZoneStats() {
    PageAllocator a = small();
    if (!keepsWatermarks()) {
      for (Zone z : Zone.values()) {
        for (Watermark w : Watermark.values()) {
          assertThat(a.watermark(z, w))
              .as("%s %s of an allocator without watermarks", z, w)
              .isZero();
        }
        assertThat(new long[] {a.zoneStats(z).min(), a.zoneStats(z).low(), a.zoneStats(z).high()})
            .containsOnly(0L);
      }
      return;
    }

    for (Zone z : List.of(Zone.DMA, Zone.DMA32)) {
      long min = a.watermark(z, Watermark.MIN);
      long low = a.watermark(z, Watermark.LOW);
      long high = a.watermark(z, Watermark.HIGH);
      assertThat(min).as("min %s", z).isPositive();
      assertThat(low).isGreaterThanOrEqualTo(min);
      assertThat(high).isGreaterThanOrEqualTo(low);
      ZoneStats s = a.zoneStats(z);
      assertThat(new long[] {s.min(), s.low(), s.high()}).containsExactly(min, low, high);
    }
  }

  // ================================================================ allocation

  @Test
  void allocPages_everyOrder_returnsAlignedBlockOfManagedFrames() {
    PageAllocator a = small();

    for (int order = 0; order <= Page.MAX_PAGE_ORDER; order++) {
      long pfn = a.allocPages(order % SMALL.cpus(), Gfp.KERNEL, order);
      assertThat(pfn).as("order %d", order).isNotEqualTo(PageAllocator.NO_PAGE);
      assertThat(pfn % (1L << order)).as("alignment of order %d", order).isZero();
      assertThat(pfn + (1L << order)).isLessThanOrEqualTo(SMALL.frames());
      for (long f = pfn; f < pfn + (1L << order); f++) {
        assertThat(BootHandOff.isReserved(f, SMALL_RESERVED)).as("frame %d reserved", f).isFalse();
      }
    }
  }

  @Test
  void allocPages_dmaFlag_returnsFramesBelow16MiB() {
    PageAllocator a = small();

    for (int i = 0; i < 200; i++) {
      int order = i % 4;
      long pfn = a.allocPages(i % 2, Gfp.GFP_DMA, order);
      assertThat(pfn).isNotEqualTo(PageAllocator.NO_PAGE);
      assertThat(pfn + (1L << order)).isLessThanOrEqualTo(Zone.DMA.limitPfn());
    }
  }

  @Test
  void allocPages_dma32FlagOnLargeMachine_returnsFramesBelow4GiB() {
    PageAllocator a = booted(LARGE, 0, 1);

    for (int i = 0; i < 300; i++) {
      int order = i % 5;
      long pfn = a.allocPages(i % 2, Gfp.KERNEL | Gfp.DMA32, order);
      assertThat(pfn).isNotEqualTo(PageAllocator.NO_PAGE);
      assertThat(pfn + (1L << order)).isLessThanOrEqualTo(Zone.DMA32.limitPfn());
    }
    assertThat(a.zoneStats(Zone.NORMAL).managed())
        .isEqualTo(LARGE.frames() - Zone.NORMAL.firstPfn());
  }

  @Test
  void allocPages_untilNoPage_neverHandsOutAFrameTwice() {
    PageAllocator a = small();
    BitSet used = new BitSet();
    long allocated = 0;
    int failures = 0;

    for (int i = 0; failures < 30; i++) {
      int order = (i % 7 == 0) ? i % 5 : 0;
      long pfn = a.allocPages(i % SMALL.cpus(), Gfp.KERNEL, order);
      if (pfn == PageAllocator.NO_PAGE) {
        failures++;
        continue;
      }
      for (long f = pfn; f < pfn + (1L << order); f++) {
        assertThat(used.get((int) f)).as("frame %d handed out twice", f).isFalse();
        assertThat(BootHandOff.isReserved(f, SMALL_RESERVED)).isFalse();
        used.set((int) f);
      }
      allocated += 1L << order;
      assertThat(a.nrFreePages() + pcpTotal(a) + allocated).isEqualTo(a.managedPages());
    }
    assertThat(allocated).isLessThanOrEqualTo(a.managedPages());
    assertThat(allocated).as("most of memory was handed out").isGreaterThan(a.managedPages() / 2);
  }

  @Test
  void allocPages_memoryExhausted_returnsNoPageForEveryOrder() {
    PageAllocator a = small();
    while (a.allocPages(0, Gfp.KERNEL, 0) != PageAllocator.NO_PAGE) {
      // exhaust
    }

    for (int order = 0; order <= Page.MAX_PAGE_ORDER; order++) {
      assertThat(a.allocPages(1, Gfp.KERNEL, order))
          .as("order %d", order)
          .isEqualTo(PageAllocator.NO_PAGE);
    }
  }

  @Test
  void allocPages_badOrderOrCpu_throwsIllegalArgumentAndChangesNothing() {
    PageAllocator a = small();
    PageAllocatorState before = PageAllocatorState.of(a);

    assertThatThrownBy(() -> a.allocPages(0, Gfp.KERNEL, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.allocPages(0, Gfp.KERNEL, Page.MAX_PAGE_ORDER + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.allocPages(-1, Gfp.KERNEL, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.allocPages(SMALL.cpus(), Gfp.KERNEL, 0))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(PageAllocatorState.of(a)).isEqualTo(before);
  }

  // ================================================================ freeing and draining

  @Test
  void freePages_everythingThenDrain_restoresTheBootState() {
    PageAllocator a = small();
    a.drainAllPages();
    long bootFree = a.nrFreePages();
    List<long[]> bootBlocks = new ArrayList<>();
    for (Zone z : Zone.values()) {
      bootBlocks.add(a.zoneStats(z).freeBlocks());
    }
    List<long[]> live = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 3000; i++) {
      int order = r.nextInt(10) < 8 ? 0 : r.nextInt(Page.MAX_PAGE_ORDER + 1);
      long pfn = a.allocPages(r.nextInt(SMALL.cpus()), Gfp.KERNEL, order);
      if (pfn != PageAllocator.NO_PAGE) {
        live.add(new long[] {pfn, order});
      }
      if (!live.isEmpty() && r.nextInt(3) == 0) {
        long[] b = live.remove(r.nextInt(live.size()));
        a.freePages(r.nextInt(SMALL.cpus()), b[0], (int) b[1]);
      }
    }
    for (long[] b : live) {
      a.freePages(r.nextInt(SMALL.cpus()), b[0], (int) b[1]);
    }

    a.drainAllPages();

    assertThat(pcpTotal(a)).isZero();
    assertThat(a.nrFreePages()).isEqualTo(bootFree);
    for (Zone z : Zone.values()) {
      assertThat(a.zoneStats(z).freeBlocks())
          .as("buddyinfo of %s", z)
          .containsExactly(bootBlocks.get(z.ordinal()));
    }
  }

  @Test
  void drainPages_oneCpu_emptiesOnlyThatCpusLists() {
    PageAllocator a = small();
    long[] pages = new long[20];
    for (int i = 0; i < pages.length; i++) {
      pages[i] = a.allocPages(0, Gfp.KERNEL, 0);
    }
    for (int i = 0; i < pages.length; i++) {
      a.freePages(i % 2, pages[i], 0);
    }

    a.drainPages(1);

    for (Zone z : Zone.values()) {
      assertThat(a.zoneStats(z).pcpCount()[1]).as("cpu 1 %s", z).isZero();
    }
    a.drainAllPages();
    assertThat(pcpTotal(a)).isZero();
    assertThat(a.nrFreePages()).isEqualTo(a.managedPages());
  }

  @Test
  void drainPages_badCpu_throwsIllegalArgument() {
    PageAllocator a = small();

    assertThatThrownBy(() -> a.drainPages(SMALL.cpus()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.drainPages(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  // ================================================================ bad calls

  /** Asserts that {@code call} throws BadPageException naming pfn and order, changing nothing. */
  protected final BadPageException assertBadPage(
      PageAllocator a, long pfn, int order, Runnable call) {
    PageAllocatorState before = PageAllocatorState.of(a);
    Throwable t = null;
    try {
      call.run();
    } catch (RuntimeException e) {
      t = e;
    }
    assertThat(t).as("pfn 0x%x order %d", pfn, order).isInstanceOf(BadPageException.class);
    BadPageException e = (BadPageException) t;
    assertThat(e.pfn()).isEqualTo(pfn);
    assertThat(e.order()).isEqualTo(order);
    assertThat(PageAllocatorState.of(a)).as("state after the rejected call").isEqualTo(before);
    return e;
  }

  /**
   * An allocator that lends its per-frame words ({@link PageAllocator#memmap()}) hands every frame
   * of a block out with clear words, and refuses a free that finds the head's words set, changing
   * nothing; one that keeps none has nothing to hold here.
   */
  @Test
  void memmap_lentWords_clearOnEveryBlockAndCheckedOnFree() {
    PageAllocator a = small();
    Memmap m = a.memmap();
    if (m == null) {
      return; // its free lists are elsewhere: it never touches the words
    }
    assertThat(m.frames()).isEqualTo(SMALL.frames());
    assertThat(a.memmap()).isSameAs(m);
    List<long[]> held = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 200; i++) {
      int order = r.nextInt(4);
      long pfn = a.allocPages(r.nextInt(SMALL.cpus()), Gfp.KERNEL, order);
      for (long f = pfn; f < pfn + (1L << order); f++) {
        assertThat(m.clear(f)).as("words of pfn 0x%x", f).isTrue();
      }
      held.add(new long[] {pfn, order});
      if (r.nextInt(3) == 0) {
        long[] b = held.remove(r.nextInt(held.size()));
        a.freePages(0, b[0], (int) b[1]);
      }
    }
    long[] b = held.get(0);
    int head = (int) b[0];
    m.word1()[head] = 0x5a; // an owner that did not clear the frame before freeing it
    assertBadPage(a, b[0], (int) b[1], () -> a.freePages(0, b[0], (int) b[1]));
    m.word1()[head] = 0;
    for (long[] h : held) {
      a.freePages(0, h[0], (int) h[1]);
    }
  }

  @Test
  void freePages_twiceOrderZero_throwsDoubleFree() {
    PageAllocator a = small();
    long pfn = a.allocPages(0, Gfp.KERNEL, 0);
    a.freePages(0, pfn, 0);

    BadPageException e = assertBadPage(a, pfn, 0, () -> a.freePages(0, pfn, 0));
    assertThat(e).hasMessageContaining("double free");
    assertBadPage(a, pfn, 0, () -> a.freePages(1, pfn, 0));
  }

  @Test
  void freePages_twiceHigherOrder_throwsDoubleFree() {
    PageAllocator a = small();
    long pfn = a.allocPages(0, Gfp.KERNEL, 3);
    a.freePages(0, pfn, 3);

    BadPageException e = assertBadPage(a, pfn, 3, () -> a.freePages(0, pfn, 3));
    assertThat(e).hasMessageContaining("double free");
  }

  @Test
  void freePages_pageOfAMergedFreeBlock_throwsDoubleFree() {
    PageAllocator a = small();
    long pfn = a.allocPages(0, Gfp.KERNEL, 2);
    a.freePages(0, pfn, 2);
    a.drainAllPages();

    BadPageException e = assertBadPage(a, pfn + 1, 0, () -> a.freePages(0, pfn + 1, 0));
    assertThat(e).hasMessageContaining("double free");
  }

  @Test
  void freePages_wrongOrder_throwsAndChangesNothing() {
    PageAllocator a = small();
    long pfn = a.allocPages(0, Gfp.KERNEL, 2);

    assertBadPage(a, pfn, 1, () -> a.freePages(0, pfn, 1));
    assertBadPage(a, pfn, 3, () -> a.freePages(0, pfn, 3));
    assertBadPage(a, pfn, 0, () -> a.freePages(0, pfn, 0));
    a.freePages(0, pfn, 2);
  }

  @Test
  void freePages_reservedFrame_throws() {
    PageAllocator a = small();

    assertBadPage(a, 0, 0, () -> a.freePages(0, 0, 0));
    assertBadPage(a, 4096 + 10, 0, () -> a.freePages(0, 4096 + 10, 0));
    assertBadPage(a, 4096, 9, () -> a.freePages(0, 4096, 9));
  }

  @Test
  void freePages_interiorFrameOfAllocatedBlock_throws() {
    PageAllocator a = small();
    long pfn = a.allocPages(0, Gfp.KERNEL, 3);

    assertBadPage(a, pfn + 1, 0, () -> a.freePages(0, pfn + 1, 0));
    assertBadPage(a, pfn + 4, 2, () -> a.freePages(0, pfn + 4, 2));
    a.freePages(0, pfn, 3);
  }

  @Test
  void freePages_pfnOutOfRange_throws() {
    PageAllocator a = small();

    assertBadPage(a, SMALL.frames(), 0, () -> a.freePages(0, SMALL.frames(), 0));
    assertBadPage(a, -1, 0, () -> a.freePages(0, -1, 0));
    assertBadPage(a, Long.MAX_VALUE, 0, () -> a.freePages(0, Long.MAX_VALUE, 0));
    assertBadPage(a, 1L << 40, 10, () -> a.freePages(0, 1L << 40, 10));
  }

  @Test
  void freePages_misalignedBlock_throws() {
    PageAllocator a = small();
    long pfn = a.allocPages(0, Gfp.KERNEL, 3);

    assertBadPage(a, pfn + 1, 1, () -> a.freePages(0, pfn + 1, 1));
    assertBadPage(a, pfn + 2, 3, () -> a.freePages(0, pfn + 2, 3));
    a.freePages(0, pfn, 3);
  }

  @Test
  void freePages_orderOutOfRange_throwsBadPage() {
    PageAllocator a = small();
    long pfn = a.allocPages(0, Gfp.KERNEL, 0);

    assertBadPage(a, pfn, -1, () -> a.freePages(0, pfn, -1));
    assertBadPage(
        a, pfn, Page.MAX_PAGE_ORDER + 1, () -> a.freePages(0, pfn, Page.MAX_PAGE_ORDER + 1));
    a.freePages(0, pfn, 0);
  }

  @Test
  void freePages_neverAllocatedFreeFrame_throws() {
    PageAllocator a = small();
    a.drainAllPages();
    long last = SMALL.frames() - 1;

    assertBadPage(a, last, 0, () -> a.freePages(0, last, 0));
    assertBadPage(a, SMALL.frames() - 1024, 10, () -> a.freePages(0, SMALL.frames() - 1024, 10));
  }

  // ================================================================ seeded random operations

  /** Runs the reference-model scenario through the harness (seeds and runs from properties). */
  @Test
  void randomOperations_agreeWithReferenceModel() {
    StatefulRunner.of(getClass().getSimpleName() + " random page operations", new ModelScenario())
        .steps(300)
        .check();
  }

  /** The reference model: the set of allocated blocks, recently freed blocks, and accounting. */
  private final class Model {
    final PageAllocator allocator;
    final TreeMap<Long, Integer> live = new TreeMap<>();
    final List<long[]> liveList = new ArrayList<>();
    final List<long[]> freed = new ArrayList<>();
    final long[] livePagesByZone = new long[Zone.count()];

    Model(PageAllocator allocator) {
      this.allocator = allocator;
    }
  }

  static final OpKind ALLOC = new OpKind("alloc", "cpu", "order", "flavour");
  static final OpKind BURST = new OpKind("allocBurst", "cpu", "order", "count");
  static final OpKind FREE = new OpKind("free", "cpu", "index");
  static final OpKind FREE_MANY = new OpKind("freeMany", "cpu", "count");
  static final OpKind DRAIN = new OpKind("drain", "cpu");
  static final OpKind DRAIN_ALL = new OpKind("drainAll");
  static final OpKind DOUBLE_FREE = new OpKind("doubleFree", "cpu", "index");
  static final OpKind WRONG_ORDER = new OpKind("wrongOrderFree", "cpu", "index", "up");
  static final OpKind INTERIOR = new OpKind("interiorFree", "cpu", "index");

  private static final int[] FLAVOURS = {
    Gfp.KERNEL,
    Gfp.KERNEL,
    Gfp.KERNEL,
    Gfp.GFP_ATOMIC,
    Gfp.KERNEL | Gfp.DMA32,
    Gfp.GFP_DMA,
    Gfp.KERNEL | Gfp.MEMALLOC
  };

  private final class ModelScenario implements Scenario<Model> {

    @Override
    public Model create() {
      PageAllocator a = createAllocator(SMALL);
      BootHandOff.boot(a, SMALL, SMALL_RESERVED);
      return new Model(a);
    }

    @Override
    public Op generate(SplittableRandom r, int step) {
      int cpus = SMALL.cpus();
      int k = r.nextInt(100);
      if (k < 38) {
        int order =
            r.nextInt(10) < 7
                ? 0
                : r.nextInt(10) < 7 ? 1 + r.nextInt(3) : r.nextInt(Page.MAX_PAGE_ORDER + 1);
        return ALLOC.op(r.nextInt(cpus), order, r.nextInt(FLAVOURS.length));
      }
      if (k < 42) {
        return BURST.op(r.nextInt(cpus), r.nextInt(3), 1 + r.nextInt(4000));
      }
      if (k < 75) {
        return FREE.op(r.nextInt(cpus), r.nextInt(1 << 20));
      }
      if (k < 79) {
        return FREE_MANY.op(r.nextInt(cpus), 1 + r.nextInt(3000));
      }
      if (k < 84) {
        return DRAIN.op(r.nextInt(cpus));
      }
      if (k < 86) {
        return DRAIN_ALL.op();
      }
      if (k < 91) {
        return DOUBLE_FREE.op(r.nextInt(cpus), r.nextInt(1 << 20));
      }
      if (k < 96) {
        return WRONG_ORDER.op(r.nextInt(cpus), r.nextInt(1 << 20), r.nextInt(2));
      }
      return INTERIOR.op(r.nextInt(cpus), r.nextInt(1 << 20));
    }

    @Override
    public void apply(Model m, Op op) {
      if (op.is(ALLOC)) {
        alloc(m, op.intArg(0), FLAVOURS[op.intArg(2)], op.intArg(1));
      } else if (op.is(BURST)) {
        for (int i = 0; i < op.arg(2); i++) {
          if (!alloc(m, op.intArg(0), Gfp.KERNEL, op.intArg(1))) {
            break;
          }
        }
      } else if (op.is(FREE)) {
        if (!m.liveList.isEmpty()) {
          free(m, op.intArg(0), (int) (op.arg(1) % m.liveList.size()));
        }
      } else if (op.is(FREE_MANY)) {
        for (int i = 0; i < op.arg(1) && !m.liveList.isEmpty(); i++) {
          free(m, op.intArg(0), (int) ((i * 7919L) % m.liveList.size()));
        }
      } else if (op.is(DRAIN)) {
        m.allocator.drainPages(op.intArg(0));
        for (Zone z : Zone.values()) {
          assertThat(m.allocator.zoneStats(z).pcpCount()[op.intArg(0)]).isZero();
        }
      } else if (op.is(DRAIN_ALL)) {
        m.allocator.drainAllPages();
        assertThat(pcpTotal(m.allocator)).isZero();
      } else if (op.is(DOUBLE_FREE)) {
        if (!m.freed.isEmpty()) {
          long[] b = m.freed.get((int) (op.arg(1) % m.freed.size()));
          BadPageException e =
              assertBadPage(
                  m.allocator,
                  b[0],
                  (int) b[1],
                  () -> m.allocator.freePages(op.intArg(0), b[0], (int) b[1]));
          assertThat(e).hasMessageContaining("double free");
        }
      } else if (op.is(WRONG_ORDER)) {
        if (!m.liveList.isEmpty()) {
          long[] b = m.liveList.get((int) (op.arg(1) % m.liveList.size()));
          int o = (int) b[1];
          int wrong = (op.arg(2) == 1 && o < Page.MAX_PAGE_ORDER) || o == 0 ? o + 1 : o - 1;
          assertBadPage(
              m.allocator, b[0], wrong, () -> m.allocator.freePages(op.intArg(0), b[0], wrong));
        }
      } else if (op.is(INTERIOR)) {
        long[] b = null;
        for (long[] x : m.liveList) {
          if (x[1] > 0) {
            b = x;
            break;
          }
        }
        if (b != null) {
          long inner = b[0] + 1 + op.arg(1) % ((1L << b[1]) - 1);
          assertBadPage(m.allocator, inner, 0, () -> m.allocator.freePages(op.intArg(0), inner, 0));
        }
      } else {
        throw new AssertionError("unknown operation " + op);
      }
    }

    private boolean alloc(Model m, int cpu, int gfp, int order) {
      long pfn = m.allocator.allocPages(cpu, gfp, order);
      Zone highest = Gfp.zone(gfp);
      if (pfn == PageAllocator.NO_PAGE) {
        long reachableFree = 0;
        long reachableManaged = 0;
        for (int z = 0; z <= highest.ordinal(); z++) {
          ZoneStats s = m.allocator.zoneStats(Zone.ofIndex(z));
          reachableFree += s.free() + s.pcpTotal();
          reachableManaged += s.managed();
        }
        assertThat(order > 0 || reachableFree * 2 <= reachableManaged)
            .as(
                "order-0 allocation failed with %d of %d reachable pages free",
                reachableFree, reachableManaged)
            .isTrue();
        return false;
      }
      long size = 1L << order;
      assertThat(pfn % size).as("alignment").isZero();
      assertThat(pfn + size)
          .as("end of block within the zones of %s", Gfp.format(gfp))
          .isLessThanOrEqualTo(Math.min(SMALL.frames(), highest.limitPfn()));
      for (long f = pfn; f < pfn + size; f++) {
        if (BootHandOff.isReserved(f, SMALL_RESERVED)) {
          throw new AssertionError(
              "allocated block 0x"
                  + Long.toHexString(pfn)
                  + " order "
                  + order
                  + " contains reserved frame 0x"
                  + Long.toHexString(f));
        }
      }
      Map.Entry<Long, Integer> below = m.live.floorEntry(pfn + size - 1);
      if (below != null && below.getKey() + (1L << below.getValue()) > pfn) {
        throw new AssertionError(
            "allocated block 0x"
                + Long.toHexString(pfn)
                + " order "
                + order
                + " overlaps live block 0x"
                + Long.toHexString(below.getKey())
                + " order "
                + below.getValue());
      }
      m.live.put(pfn, order);
      m.liveList.add(new long[] {pfn, order});
      m.livePagesByZone[Zone.of(pfn).ordinal()] += size;
      m.freed.removeIf(b -> b[0] < pfn + size && pfn < b[0] + (1L << b[1]));
      return true;
    }

    private void free(Model m, int cpu, int index) {
      long[] b = m.liveList.get(index);
      m.allocator.freePages(cpu, b[0], (int) b[1]);
      m.liveList.set(index, m.liveList.get(m.liveList.size() - 1));
      m.liveList.remove(m.liveList.size() - 1);
      m.live.remove(b[0]);
      m.livePagesByZone[Zone.of(b[0]).ordinal()] -= 1L << b[1];
      m.freed.add(b);
      if (m.freed.size() > 64) {
        m.freed.remove(0);
      }
    }

    @Override
    public void checkInvariants(Model m) {
      m.allocator.checkInvariants();
      long free = 0;
      for (Zone z : Zone.values()) {
        ZoneStats s = m.allocator.zoneStats(z);
        assertThat(s.free() + s.pcpTotal() + m.livePagesByZone[z.ordinal()])
            .as("free + per-CPU + allocated pages of %s", z)
            .isEqualTo(s.managed());
        free += s.free();
      }
      assertThat(m.allocator.nrFreePages()).isEqualTo(free);
    }
  }
}
