package io.mmsim.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.vmalloc.VmArea;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Seeded random sequences of vmalloc, vzalloc, vmap, vfree, vunmap and misuse against a reference
 * model of the live areas, with {@code checkInvariants()} after every step.
 *
 * <p>The model predicts where each area goes (the lowest gap among live and parked ranges, or
 * among live ones after a purge), which rows /proc/vmallocinfo shows for live areas, VmallocUsed,
 * and how many frames the page allocator has left. {@code -Dmmsim.test.seed=S} starts from seed
 * S and {@code -Dmmsim.test.runs=N} sets the number of runs; a failure names its seed.
 */
final class VmallocRandomTest {
  private static final long P = Page.PAGE_SIZE;
  private static final long BASE = KernelLayout.VMALLOC_START;
  private static final int STEPS = 300;

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

  @Test
  void randomOperations_manySeeds_keepInvariantsAndAgreeWithTheModel() {
    long first = Long.getLong("mmsim.test.seed", 20261125L);
    int runs = Integer.getInteger("mmsim.test.runs", 20);
    for (int i = 0; i < runs; i++) {
      long seed = first + i;
      try {
        new Run(seed).run();
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("seed " + seed + " failed (replay: -Dmmsim.test.seed=" + seed
            + " -Dmmsim.test.runs=1): " + e.getMessage(), e);
      }
    }
  }

  private static final class Run {
    final SplittableRandom r;
    final TestVmallocContext ctx;
    final FakePageTable pt;
    final Vmalloc vm;
    final long limit;
    final long initialFree;
    /** User-visible live areas by start. */
    final TreeMap<Long, Handle> handles = new TreeMap<>();
    /** Nested page-array areas by start, owned by a live handle. */
    final TreeMap<Long, Handle> arrays = new TreeMap<>();
    final List<Long> freed = new ArrayList<>();
    long leaked;
    long vmapHeld;
    int step;

    Run(long seed) {
      r = new SplittableRandom(seed);
      int cpus = 1 + r.nextInt(2);
      ctx = new TestVmallocContext(3000, cpus, 4, Map.of("lazy", "true"));
      pt = ctx.fakePageTable();
      long rangePages = 1500 + r.nextInt(4000);
      limit = BASE + rangePages * P;
      boolean lazy = r.nextInt(4) != 0;
      vm = new Vmalloc(ctx, BASE, limit, rangePages * P, lazy, r.nextInt(300));
      initialFree = ctx.simple().nrFreePages();
    }

    void run() {
      for (step = 0; step < STEPS; step++) {
        ctx.setCaller("step:" + step);
        int op = r.nextInt(100);
        if (op < 35) {
          vmalloc();
        } else if (op < 45) {
          vmap();
        } else if (op < 72) {
          vfree();
        } else if (op < 80) {
          vunmap();
        } else {
          misuse();
        }
        check();
      }
    }

    // ---------------------------------------------------------------- operations

    void vmalloc() {
      int pages = r.nextInt(10) < 8 ? 1 + r.nextInt(24) : 1 + r.nextInt(700);
      long size = pages * P - r.nextInt((int) P);
      boolean zero = r.nextBoolean();
      boolean inject = r.nextInt(8) == 0;
      if (inject) {
        if (r.nextBoolean()) {
          ctx.failAfterAllocations(r.nextInt(pages + 6));
        } else {
          pt.failAfterWrites(r.nextInt(pages + 2));
        }
      }
      List<VmArea> before = vm.areas();
      long predicted = lowestGap(before, true, pages + 1);
      if (predicted == 0) {
        predicted = lowestGap(before, false, pages + 1);
      }
      long used = vm.usedPages();
      long tables = pt.tablePages();
      long free = ctx.simple().nrFreePages();

      long a = vm.vmalloc(0, size, zero ? Gfp.KERNEL | Gfp.ZERO : Gfp.KERNEL);
      ctx.stopFailing();

      if (a == 0) {
        assertThat(busy(vm.areas())).as("a failed vmalloc changes no live area")
            .isEqualTo(busy(before));
        assertThat(vm.usedPages()).isEqualTo(used);
        assertThat(ctx.simple().nrFreePages()).isEqualTo(free - (pt.tablePages() - tables));
        if (!inject && pages <= 512) {
          long needTables = 4;
          assertThat(predicted == 0 || free < pages + needTables)
              .as("vmalloc of %d pages failed with room at 0x%x and %d free frames", pages,
                  predicted, free).isTrue();
        }
        return;
      }
      assertThat(a).as("lowest-address first fit").isEqualTo(predicted);
      Handle h = new Handle(a, pages, true, "step:" + step);
      if ((long) pages * Vmalloc.PAGE_ARRAY_ENTRY > P) {
        List<VmArea> added = new ArrayList<>(busy(vm.areas()));
        added.removeAll(busy(before));
        assertThat(added).hasSize(2);
        VmArea array = added.get(0).start() == a ? added.get(1) : added.get(0);
        h.array = array.start();
        Handle ah = new Handle(array.start(), (int) Page.pagesFor(pages * 8L), true, h.caller);
        arrays.put(ah.start, ah);
        checkZero(ah);
      }
      handles.put(a, h);
      if (zero) {
        checkZero(h);
      }
      dirty(h);
    }

    void vmap() {
      int count = 1 + r.nextInt(8);
      long[] frames = new long[count];
      for (int i = 0; i < count; i++) {
        frames[i] = ctx.pageAllocator().allocPages(0, Gfp.KERNEL, 0);
        if (frames[i] == PageAllocator.NO_PAGE) {
          for (int j = 0; j < i; j++) {
            ctx.pageAllocator().freePages(0, frames[j], 0);
          }
          return;
        }
      }
      boolean inject = r.nextInt(8) == 0;
      if (inject) {
        pt.failAfterWrites(r.nextInt(count + 1));
      }
      List<VmArea> before = vm.areas();
      long predicted = lowestGap(before, true, count + 1);
      if (predicted == 0) {
        predicted = lowestGap(before, false, count + 1);
      }
      long a = vm.vmap(frames, count);
      ctx.stopFailing();
      if (a == 0) {
        assertThat(busy(vm.areas())).isEqualTo(busy(before));
        for (long f : frames) {
          ctx.pageAllocator().freePages(0, f, 0);
        }
        return;
      }
      assertThat(a).isEqualTo(predicted);
      for (int i = 0; i < count; i++) {
        assertThat(Pte.pfn(pt.readPte(pt.kernelRoot(), a + i * P))).isEqualTo(frames[i]);
      }
      Handle h = new Handle(a, count, false, "step:" + step);
      h.frames = frames;
      handles.put(a, h);
      vmapHeld += count;
    }

    void vfree() {
      Handle h = pick();
      if (h == null) {
        return;
      }
      vm.vfree(h.start);
      forget(h);
      if (h.vmalloc && h.array != 0) {
        arrays.remove(h.array);
      }
    }

    void vunmap() {
      // Mostly vmap areas: vunmap of a vmalloc area leaks its pages (as in Linux), which would
      // soon fill the small machine.
      Handle h = r.nextInt(6) == 0 ? pick() : pickVmap();
      if (h == null) {
        return;
      }
      vm.vunmap(h.start);
      if (h.vmalloc) {
        handles.remove(h.start);
        freed.add(h.start);
        leaked += h.pages;
        if (h.array != 0) {
          // The page array leaks with the area and becomes an ordinary, freeable area.
          handles.put(h.array, arrays.remove(h.array));
        }
      } else {
        forget(h);
      }
    }

    void forget(Handle h) {
      handles.remove(h.start);
      freed.add(h.start);
      if (!h.vmalloc) {
        for (long f : h.frames) {
          ctx.pageAllocator().freePages(0, f, 0);
        }
        vmapHeld -= h.pages;
      }
    }

    void misuse() {
      long addr;
      String expected;
      int kind = r.nextInt(5);
      Handle h = pick();
      if (kind == 0 && !freed.isEmpty()) {
        addr = freed.get(r.nextInt(freed.size()));
        expected = "nonexistent vm area";
      } else if (kind == 1 && h != null) {
        addr = h.start + (1 + r.nextInt(h.pages)) * P;
        expected = "nonexistent vm area";
      } else if (kind == 2 && h != null) {
        addr = h.start + 1 + r.nextInt((int) P - 1);
        expected = "bad address";
      } else if (kind == 3 && !arrays.isEmpty()) {
        addr = arrays.firstKey();
        expected = "the page array";
      } else {
        addr = (r.nextBoolean() ? limit : BASE - (1L << 30)) + r.nextInt(100) * P;
        expected = "nonexistent vm area";
      }
      if (handles.containsKey(addr)) {
        return;
      }
      if (arrays.containsKey(addr)) {
        expected = "the page array";
      }
      List<VmArea> areas = vm.areas();
      long used = vm.usedPages();
      long free = ctx.simple().nrFreePages();
      var stats = vm.statistics();
      long a = addr;
      if (r.nextBoolean()) {
        assertThatThrownBy(() -> vm.vfree(a)).isInstanceOf(BadAddressException.class)
            .hasMessageContaining(expected).hasMessageContaining(String.format("0x%x)", a));
      } else {
        assertThatThrownBy(() -> vm.vunmap(a)).isInstanceOf(BadAddressException.class)
            .hasMessageContaining(expected);
      }
      assertThat(vm.areas()).isEqualTo(areas);
      assertThat(vm.usedPages()).isEqualTo(used);
      assertThat(ctx.simple().nrFreePages()).isEqualTo(free);
      assertThat(vm.statistics()).isEqualTo(stats);
    }

    // ---------------------------------------------------------------- model

    Handle pick() {
      if (handles.isEmpty()) {
        return null;
      }
      int i = r.nextInt(handles.size());
      for (Handle h : handles.values()) {
        if (i-- == 0) {
          return h;
        }
      }
      throw new AssertionError("unreachable");
    }

    Handle pickVmap() {
      List<Handle> vmaps = new ArrayList<>();
      for (Handle h : handles.values()) {
        if (!h.vmalloc) {
          vmaps.add(h);
        }
      }
      return vmaps.isEmpty() ? null : vmaps.get(r.nextInt(vmaps.size()));
    }

    /** The lowest address with {@code pages} free pages among live (and parked) ranges, or 0. */
    long lowestGap(List<VmArea> rows, boolean withParked, long pages) {
      long need = pages * P;
      long at = BASE;
      for (VmArea a : sortedOccupied(rows, withParked)) {
        if (a.start() - at >= need) {
          return at;
        }
        at = Math.max(at, a.end());
      }
      return limit - at >= need ? at : 0;
    }

    List<VmArea> sortedOccupied(List<VmArea> rows, boolean withParked) {
      TreeMap<Long, VmArea> sorted = new TreeMap<>();
      for (VmArea a : rows) {
        if (withParked || !a.unpurged()) {
          sorted.put(a.start(), a);
        }
      }
      return new ArrayList<>(sorted.values());
    }

    static List<VmArea> busy(List<VmArea> rows) {
      List<VmArea> out = new ArrayList<>();
      for (VmArea a : rows) {
        if (!a.unpurged()) {
          out.add(a);
        }
      }
      return out;
    }

    void checkZero(Handle h) {
      for (int i = 0; i < h.pages; i++) {
        long pfn = Pte.pfn(pt.readPte(pt.kernelRoot(), h.start + i * P));
        assertThat(ctx.memory().allEqual(pfn * P, P, (byte) 0))
            .as("page %d of zeroed area 0x%x", i, h.start).isTrue();
      }
    }

    void dirty(Handle h) {
      for (int i = 0; i < h.pages; i++) {
        long pfn = Pte.pfn(pt.readPte(pt.kernelRoot(), h.start + i * P));
        ctx.memory().writeByte(pfn * P + r.nextInt((int) P), (byte) (1 + r.nextInt(255)));
      }
    }

    void check() {
      vm.checkInvariants();
      ctx.simple().checkInvariants();
      TreeMap<Long, VmArea> expected = new TreeMap<>();
      long used = leaked;
      for (Handle h : handles.values()) {
        boolean vpages = h.vmalloc && h.array != 0;
        expected.put(h.start, new VmArea(h.start, (h.pages + 1L) * P, h.caller,
            h.vmalloc ? h.pages : 0, h.vmalloc ? VmArea.VMALLOC : VmArea.VMAP, vpages,
            h.vmalloc ? h.pages : 0));
        used += h.vmalloc ? h.pages : 0;
      }
      for (Handle h : arrays.values()) {
        expected.put(h.start, new VmArea(h.start, (h.pages + 1L) * P, h.caller, h.pages,
            VmArea.VMALLOC, false, h.pages));
        used += h.pages;
      }
      assertThat(busy(vm.areas())).isEqualTo(new ArrayList<>(expected.values()));
      List<VmArea> rows = vm.areas();
      for (int i = 1; i < rows.size(); i++) {
        if (rows.get(i - 1).unpurged()) {
          assertThat(rows.get(i).unpurged()).as("unpurged rows come last").isTrue();
        }
      }
      assertThat(vm.usedPages()).isEqualTo(used);
      assertThat(ctx.simple().nrFreePages())
          .isEqualTo(initialFree - used - vmapHeld - (pt.tablePages() - 1));
    }
  }
}
