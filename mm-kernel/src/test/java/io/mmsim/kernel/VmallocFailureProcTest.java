package io.mmsim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Page;
import io.mmsim.api.vmalloc.VirtualAllocator;

/**
 * A vmalloc that fails for want of memory leaves every /proc view as it was: its pages, its page
 * array and the page tables it created are all given back. Only vmstat's event counters move, as in
 * Linux: the pages were allocated and freed ({@code pgalloc_*} and {@code pgfree} rise by the same
 * amount); and pagetypeinfo's pageblock types, which fallbacks change for good.
 */
final class VmallocFailureProcTest {

  private static Map<String, String> procViews(Kernel k) {
    Map<String, String> views = new LinkedHashMap<>();
    for (String name : k.procNames()) {
      views.put(name, k.proc(name));
    }
    return views;
  }

  private static Map<String, Long> vmstat(String text) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.split(" ");
      m.put(f[0], Long.parseLong(f[1]));
    }
    return m;
  }

  /** The vmstat lines that are events (counts of things done), not state. */
  private static final List<String> EVENTS =
      List.of("pgalloc_dma", "pgalloc_dma32", "pgalloc_normal", "pgalloc_movable", "pgfree");

  @ParameterizedTest
  @ValueSource(longs = {-2, 0, 1, 3, 40, 700})
  void vmalloc_moreThanIsFree_returnsZeroAndEveryProcViewIsUnchanged(long slack) {
    Kernel k = Kernel.builder().set("memory.size", "64M").boot();
    VirtualAllocator vm = k.virtualAllocator();
    vm.vmalloc(0, 3 * Page.PAGE_SIZE, Gfp.KERNEL);
    long free = k.pageAllocator().nrFreePages();
    Map<String, String> before = procViews(k);

    long addr = vm.vmalloc(0, (free + slack) * Page.PAGE_SIZE, Gfp.KERNEL);

    assertThat(addr).isZero();
    Map<String, String> after = procViews(k);
    assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
    for (String name : before.keySet()) {
      // pageblocks the attempt claimed for its unmovable pages keep their new migrate type, as in
      // Linux; that every page came back shows in buddyinfo and the extfrag files
      if (!name.equals("vmstat") && !name.equals("pagetypeinfo")) {
        assertThat(after.get(name)).as("/proc/%s", name).isEqualTo(before.get(name));
      }
    }
    Map<String, Long> was = vmstat(before.get("vmstat"));
    Map<String, Long> now = vmstat(after.get("vmstat"));
    assertThat(now.keySet()).containsExactlyElementsOf(was.keySet());
    long allocated = 0;
    for (String name : was.keySet()) {
      if (EVENTS.contains(name)) {
        if (name.startsWith("pgalloc_")) {
          allocated += now.get(name) - was.get(name);
        }
      } else {
        assertThat(now.get(name)).as("vmstat %s", name).isEqualTo(was.get(name));
      }
    }
    assertThat(now.get("pgfree") - was.get("pgfree"))
        .as("every page allocated on the way was freed")
        .isEqualTo(allocated);
    k.pageTable().checkInvariants();
    vm.checkInvariants();
    k.pageAllocator().checkInvariants();
  }
}
