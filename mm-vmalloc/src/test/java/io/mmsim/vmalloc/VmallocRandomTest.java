package io.mmsim.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.vmalloc.VmArea;
import io.mmsim.testkit.Op;
import io.mmsim.testkit.OpKind;
import io.mmsim.testkit.Scenario;
import io.mmsim.testkit.StatefulRunner;
import io.mmsim.testkit.paging.SimplePageTable;

/**
 * Seeded random sequences of vmalloc, vzalloc, vmap, vfree, vunmap and misuse, run by testkit's
 * {@link StatefulRunner} against a reference model of the live areas, with {@code
 * checkInvariants()} after every step and shrinking on failure.
 *
 * <p>The model predicts where each area goes (the lowest gap among live and parked ranges, or among
 * live ones after a purge), the /proc/vmallocinfo rows of live areas (page arrays of large areas
 * included), VmallocUsed and the page allocator's free frames. Each test runs one configuration:
 * lazy freeing with a small or the kernel's threshold, or none, on a vmalloc range small enough to
 * fill up.
 */
final class VmallocRandomTest {
  private static final long P = Page.PAGE_SIZE;
  private static final long BASE = KernelLayout.VMALLOC_START;

  static final OpKind VMALLOC =
      new OpKind("vmalloc", "pages", "slack", "zero", "failMode", "failAfter");
  static final OpKind VMAP = new OpKind("vmap", "count", "failWrites", "failAfter");
  static final OpKind VFREE = new OpKind("vfree", "index");
  static final OpKind VUNMAP = new OpKind("vunmap", "index", "vmallocToo");
  static final OpKind MISUSE = new OpKind("misuse", "kind", "index", "offset", "viaVunmap");

  @Test
  void randomOperations_smallLazyThreshold_agreeWithTheModel() {
    StatefulRunner.of("vmalloc lazy 64", new VmallocScenario(1, 3000, true, 64))
        .runs(8)
        .steps(250)
        .check();
  }

  @Test
  void randomOperations_kernelLazyThresholdTwoCpus_agreeWithTheModel() {
    StatefulRunner.of(
            "vmalloc lazy kernel", new VmallocScenario(2, 6000, true, Vmalloc.lazyMaxPages(2)))
        .runs(6)
        .steps(250)
        .check();
  }

  @Test
  void randomOperations_noLazyFreeing_agreeWithTheModel() {
    StatefulRunner.of("vmalloc eager", new VmallocScenario(1, 2000, false, 0))
        .runs(6)
        .steps(250)
        .check();
  }

  /** One live area the test may free: the model's view of it. */
  private static final class Handle {
    final long start;
    final int pages;
    final boolean vmalloc;
    final String caller;
    long array;
    long[] frames;

    Handle(long start, int pages, boolean vmalloc, String caller) {
      this.start = start;
      this.pages = pages;
      this.vmalloc = vmalloc;
      this.caller = caller;
    }
  }

  /** The allocator under test, its context and the model. */
  static final class State {
    final TestVmallocContext ctx;
    final SimplePageTable pt;
    final Vmalloc vm;
    final long limit;
    final long initialFree;
    final long initialTables;

    /** User-visible live areas by start. */
    final TreeMap<Long, Handle> handles = new TreeMap<>();

    /** Nested page-array areas by start, owned by a live handle. */
    final TreeMap<Long, Handle> arrays = new TreeMap<>();

    final List<Long> freed = new ArrayList<>();
    long leaked;
    long vmapHeld;
    int step;

    State(int cpus, long rangePages, boolean lazy, long lazyMaxPages) {
      ctx = new TestVmallocContext(3000, cpus, 4, Map.of("lazy", "true"));
      pt = ctx.pageTable();
      limit = BASE + rangePages * P;
      vm = new Vmalloc(ctx.context(), BASE, limit, rangePages * P, lazy, lazyMaxPages);
      initialFree = ctx.simple().nrFreePages();
      initialTables = pt.tablePages();
    }
  }

  private static final class VmallocScenario implements Scenario<State> {
    private final int cpus;
    private final long rangePages;
    private final boolean lazy;
    private final long lazyMaxPages;

    VmallocScenario(int cpus, long rangePages, boolean lazy, long lazyMaxPages) {
      this.cpus = cpus;
      this.rangePages = rangePages;
      this.lazy = lazy;
      this.lazyMaxPages = lazyMaxPages;
    }

    @Override
    public State create() {
      return new State(cpus, rangePages, lazy, lazyMaxPages);
    }

    @Override
    public Op generate(SplittableRandom r, int step) {
      int op = r.nextInt(100);
      if (op < 35) {
        int pages = r.nextInt(10) < 8 ? 1 + r.nextInt(24) : 1 + r.nextInt(700);
        int failMode = r.nextInt(8) == 0 ? 1 + r.nextInt(2) : 0;
        return VMALLOC.op(pages, r.nextInt((int) P), r.nextInt(2), failMode, r.nextInt(pages + 6));
      }
      if (op < 45) {
        int count = 1 + r.nextInt(8);
        return VMAP.op(count, r.nextInt(8) == 0 ? 1 : 0, r.nextInt(count + 1));
      }
      if (op < 72) {
        return VFREE.op(r.nextInt(1000));
      }
      if (op < 80) {
        // Mostly vmap areas: vunmap of a vmalloc area leaks its pages (as in Linux), which
        // would soon fill the small machine.
        return VUNMAP.op(r.nextInt(1000), r.nextInt(6) == 0 ? 1 : 0);
      }
      return MISUSE.op(r.nextInt(5), r.nextInt(1000), r.nextInt((int) P), r.nextInt(2));
    }

    @Override
    public long shrinkFloor(Op op, int arg) {
      return (op.is(VMALLOC) || op.is(VMAP)) && arg == 0 ? 1 : 0;
    }

    @Override
    public void apply(State s, Op op) {
      s.step++;
      s.ctx.setCaller("step:" + s.step);
      if (op.is(VMALLOC)) {
        vmalloc(s, op.intArg(0), op.arg(1), op.arg(2) != 0, op.intArg(3), op.arg(4));
      } else if (op.is(VMAP)) {
        vmap(s, op.intArg(0), op.arg(1) != 0, op.arg(2));
      } else if (op.is(VFREE)) {
        vfree(s, pick(s, op.intArg(0), false));
      } else if (op.is(VUNMAP)) {
        vunmap(s, pick(s, op.intArg(0), op.arg(1) == 0));
      } else {
        misuse(s, op.intArg(0), op.intArg(1), op.arg(2), op.arg(3) != 0);
      }
    }

    // ---------------------------------------------------------------- operations

    private static void vmalloc(
        State s, int pages, long slack, boolean zero, int failMode, long failAfter) {
      long size = Math.max(1, pages * P - slack);
      if (failMode == 1) {
        s.ctx.failAfterAllocations(failAfter);
      } else if (failMode == 2) {
        s.pt.failAfterWrites(failAfter);
      }
      List<VmArea> before = s.vm.areas();
      long predicted = predict(s, before, pages + 1);
      long used = s.vm.usedPages();
      long tables = s.pt.tablePages();
      long free = s.ctx.simple().nrFreePages();

      long a = s.vm.vmalloc(0, size, zero ? Gfp.KERNEL | Gfp.ZERO : Gfp.KERNEL);
      s.ctx.stopFailing();

      if (a == 0) {
        assertThat(busy(s.vm.areas()))
            .as("a failed vmalloc changes no live area")
            .isEqualTo(busy(before));
        assertThat(s.vm.usedPages()).isEqualTo(used);
        assertThat(s.ctx.simple().nrFreePages()).isEqualTo(free - (s.pt.tablePages() - tables));
        if (failMode == 0 && pages <= 512) {
          assertThat(predicted == 0 || free < pages + 4)
              .as(
                  "vmalloc of %d pages failed with room at 0x%x and %d free frames",
                  pages, predicted, free)
              .isTrue();
        }
        return;
      }
      assertThat(a).as("lowest-address first fit").isEqualTo(predicted);
      Handle h = new Handle(a, pages, true, "step:" + s.step);
      if ((long) pages * Vmalloc.PAGE_ARRAY_ENTRY > P) {
        List<VmArea> added = new ArrayList<>(busy(s.vm.areas()));
        added.removeAll(busy(before));
        assertThat(added).as("the area and its page array").hasSize(2);
        VmArea array = added.get(0).start() == a ? added.get(1) : added.get(0);
        h.array = array.start();
        Handle ah = new Handle(array.start(), (int) Page.pagesFor(pages * 8L), true, h.caller);
        s.arrays.put(ah.start, ah);
        checkZero(s, ah);
      }
      s.handles.put(a, h);
      if (zero) {
        checkZero(s, h);
      }
      // Dirty every page so that a later vzalloc that reuses the frame must really zero it.
      for (int i = 0; i < pages; i++) {
        long pfn = Pte.pfn(s.pt.readPte(s.pt.kernelRoot(), a + i * P));
        s.ctx.memory().writeByte(pfn * P + (i * 97L + pages) % P, (byte) 0x5a);
      }
    }

    private static void vmap(State s, int count, boolean failWrites, long failAfter) {
      long[] frames = new long[count];
      for (int i = 0; i < count; i++) {
        frames[i] = s.ctx.pageAllocator().allocPages(0, Gfp.KERNEL, 0);
        if (frames[i] == PageAllocator.NO_PAGE) {
          for (int j = 0; j < i; j++) {
            s.ctx.pageAllocator().freePages(0, frames[j], 0);
          }
          return;
        }
      }
      if (failWrites) {
        s.pt.failAfterWrites(failAfter);
      }
      List<VmArea> before = s.vm.areas();
      long predicted = predict(s, before, count + 1);
      long a = s.vm.vmap(frames, count);
      s.ctx.stopFailing();
      if (a == 0) {
        assertThat(busy(s.vm.areas())).isEqualTo(busy(before));
        for (long f : frames) {
          s.ctx.pageAllocator().freePages(0, f, 0);
        }
        return;
      }
      assertThat(a).as("lowest-address first fit").isEqualTo(predicted);
      for (int i = 0; i < count; i++) {
        assertThat(Pte.pfn(s.pt.readPte(s.pt.kernelRoot(), a + i * P))).isEqualTo(frames[i]);
      }
      Handle h = new Handle(a, count, false, "step:" + s.step);
      h.frames = frames;
      s.handles.put(a, h);
      s.vmapHeld += count;
    }

    private static void vfree(State s, Handle h) {
      if (h == null) {
        return;
      }
      s.vm.vfree(h.start);
      forget(s, h);
      if (h.vmalloc && h.array != 0) {
        s.arrays.remove(h.array);
      }
    }

    private static void vunmap(State s, Handle h) {
      if (h == null) {
        return;
      }
      s.vm.vunmap(h.start);
      if (!h.vmalloc) {
        forget(s, h);
        return;
      }
      s.handles.remove(h.start);
      s.freed.add(h.start);
      s.leaked += h.pages;
      if (h.array != 0) {
        // The page array leaks with the area and becomes an ordinary, freeable area.
        s.handles.put(h.array, s.arrays.remove(h.array));
      }
    }

    private static void forget(State s, Handle h) {
      s.handles.remove(h.start);
      s.freed.add(h.start);
      if (!h.vmalloc) {
        for (long f : h.frames) {
          s.ctx.pageAllocator().freePages(0, f, 0);
        }
        s.vmapHeld -= h.pages;
      }
    }

    private static void misuse(State s, int kind, int index, long offset, boolean viaVunmap) {
      Handle h = pick(s, index, false);
      long addr;
      String expected = "nonexistent vm area";
      if (kind == 0 && !s.freed.isEmpty()) {
        addr = s.freed.get(index % s.freed.size());
      } else if (kind == 1 && h != null) {
        addr = h.start + (1 + offset % h.pages) * P;
      } else if (kind == 2 && h != null) {
        addr = h.start + 1 + offset % (P - 1);
        expected = "bad address";
      } else if (kind == 3 && !s.arrays.isEmpty()) {
        addr = s.arrays.firstKey();
      } else {
        addr = (index % 2 == 0 ? s.limit : BASE - (1L << 30)) + (offset % 100) * P;
      }
      if (s.handles.containsKey(addr)) {
        return;
      }
      if (s.arrays.containsKey(addr)) {
        expected = "the page array";
      }
      List<VmArea> areas = s.vm.areas();
      long used = s.vm.usedPages();
      long free = s.ctx.simple().nrFreePages();
      Statistics stats = s.vm.statistics();
      long a = addr;
      if (viaVunmap) {
        assertThatThrownBy(() -> s.vm.vunmap(a))
            .isInstanceOf(BadAddressException.class)
            .hasMessageContaining(expected)
            .hasMessageContaining(String.format("0x%x)", a));
      } else {
        assertThatThrownBy(() -> s.vm.vfree(a))
            .isInstanceOf(BadAddressException.class)
            .hasMessageContaining(expected)
            .hasMessageContaining(String.format("0x%x)", a));
      }
      assertThat(s.vm.areas()).isEqualTo(areas);
      assertThat(s.vm.usedPages()).isEqualTo(used);
      assertThat(s.ctx.simple().nrFreePages()).isEqualTo(free);
      assertThat(s.vm.statistics()).isEqualTo(stats);
    }

    // ---------------------------------------------------------------- model

    /** The {@code index}-th live handle (modulo their number), or of the vmap ones only. */
    private static Handle pick(State s, int index, boolean vmapOnly) {
      List<Handle> candidates = new ArrayList<>();
      for (Handle h : s.handles.values()) {
        if (!vmapOnly || !h.vmalloc) {
          candidates.add(h);
        }
      }
      return candidates.isEmpty() ? null : candidates.get(index % candidates.size());
    }

    /**
     * Where an area of {@code pages} pages goes: the lowest gap among live and parked ranges, else
     * (after a purge) among live ones, else 0.
     */
    private static long predict(State s, List<VmArea> rows, long pages) {
      long at = lowestGap(s, rows, true, pages);
      return at != 0 ? at : lowestGap(s, rows, false, pages);
    }

    private static long lowestGap(State s, List<VmArea> rows, boolean withParked, long pages) {
      TreeMap<Long, VmArea> sorted = new TreeMap<>();
      for (VmArea a : rows) {
        if (withParked || !a.unpurged()) {
          sorted.put(a.start(), a);
        }
      }
      long need = pages * P;
      long at = BASE;
      for (VmArea a : sorted.values()) {
        if (a.start() - at >= need) {
          return at;
        }
        at = Math.max(at, a.end());
      }
      return s.limit - at >= need ? at : 0;
    }

    private static List<VmArea> busy(List<VmArea> rows) {
      List<VmArea> out = new ArrayList<>();
      for (VmArea a : rows) {
        if (!a.unpurged()) {
          out.add(a);
        }
      }
      return out;
    }

    private static void checkZero(State s, Handle h) {
      for (int i = 0; i < h.pages; i++) {
        long pfn = Pte.pfn(s.pt.readPte(s.pt.kernelRoot(), h.start + i * P));
        assertThat(s.ctx.memory().allEqual(pfn * P, P, (byte) 0))
            .as("page %d of zeroed area 0x%x", i, h.start)
            .isTrue();
      }
    }

    @Override
    public void checkInvariants(State s) {
      s.vm.checkInvariants();
      s.ctx.simple().checkInvariants();
      TreeMap<Long, VmArea> expected = new TreeMap<>();
      long used = s.leaked;
      for (Handle h : s.handles.values()) {
        boolean vpages = h.vmalloc && h.array != 0;
        expected.put(
            h.start,
            new VmArea(
                h.start,
                (h.pages + 1L) * P,
                h.caller,
                h.vmalloc ? h.pages : 0,
                h.vmalloc ? VmArea.VMALLOC : VmArea.VMAP,
                vpages,
                h.vmalloc ? h.pages : 0));
        used += h.vmalloc ? h.pages : 0;
      }
      for (Handle h : s.arrays.values()) {
        expected.put(
            h.start,
            new VmArea(
                h.start, (h.pages + 1L) * P, h.caller, h.pages, VmArea.VMALLOC, false, h.pages));
        used += h.pages;
      }
      List<VmArea> rows = s.vm.areas();
      assertThat(busy(rows)).isEqualTo(new ArrayList<>(expected.values()));
      for (int i = 1; i < rows.size(); i++) {
        if (rows.get(i - 1).unpurged()) {
          assertThat(rows.get(i).unpurged()).as("unpurged rows come last").isTrue();
        }
      }
      assertThat(s.vm.usedPages()).isEqualTo(used);
      assertThat(s.ctx.simple().nrFreePages())
          .isEqualTo(s.initialFree - used - s.vmapHeld - (s.pt.tablePages() - s.initialTables));
    }
  }
}
