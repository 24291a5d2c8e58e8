package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Pte;
import io.mmsim.kernel.Kernel;

/**
 * One anonymous page of a booted kernel, shared by three processes after fork, has its count driven
 * past 0xFFFF by references held without a mapping ({@code get_page}, as the swap cache and pins
 * take them), then back: the count is exact on both sides of the two-byte limit, the map count and
 * {@code AnonPages} follow the mappings only, and the frame goes back to the page allocator exactly
 * when the last reference goes.
 */
final class PageCountContinuationTest {
  private static final int RW = Prot.READ | Prot.WRITE;
  private static final int LIMIT = 0xFFFF;

  private static long meminfoKb(Kernel k, String field) {
    for (String line : k.proc("meminfo").split("\n")) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
      }
    }
    throw new AssertionError("no " + field + " in meminfo");
  }

  private static FrameUse use(Kernel k, long pfn) {
    FrameMap map = new FrameMap(k.layout().frames());
    k.pageAllocator().describeFrames(map);
    return map.use((int) pfn);
  }

  @Test
  void pageCount_drivenAcrossTheTwoByteLimitAndBack_isExactAndFreesTheFrameAtZero() {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "64M")
            .set("object-allocator", "none")
            .set("virtual-allocator", "none")
            .boot();
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, Page.PAGE_SIZE, RW, null, 0, false, -1, false);
    p.write(1, 0, a, new byte[] {42});
    long pfn = Pte.pfn(k.pageTable().readPte(p.task(1).mm.root(), a));
    p.fork(1, 2);
    p.fork(1, 3);
    assertThat(p.pageCount(pfn)).as("three mappings after two forks").isEqualTo(3);
    assertThat(p.mapCount(pfn)).isEqualTo(3);
    p.checkInvariants();

    // references without mappings up to the last count two bytes hold
    int held = 0;
    while (3 + held < LIMIT - 1) {
      p.getPage(pfn);
      held++;
    }
    assertThat(p.pageCount(pfn)).isEqualTo(0xFFFE);
    p.getPage(pfn);
    held++;
    assertThat(p.pageCount(pfn)).as("the count reaches the limit").isEqualTo(0xFFFF);
    p.getPage(pfn);
    p.getPage(pfn);
    held += 2;
    assertThat(p.pageCount(pfn)).isEqualTo(0x10001);
    assertThat(p.mapCount(pfn)).as("references are not mappings").isEqualTo(3);
    assertThat(meminfoKb(k, "AnonPages")).as("one frame, however many map it").isEqualTo(4);

    // back below the limit and over it again
    p.putPage(pfn);
    p.putPage(pfn);
    p.putPage(pfn);
    held -= 3;
    assertThat(p.pageCount(pfn)).isEqualTo(0xFFFE);
    p.getPage(pfn);
    p.getPage(pfn);
    held += 2;
    assertThat(p.pageCount(pfn)).isEqualTo(0x10000);

    // the mappings go while the references stay: the frame is held, mapped nowhere
    p.exit(2);
    p.exit(1);
    p.exit(3);
    assertThat(held).isEqualTo(0x10000 - 3);
    assertThat(p.pageCount(pfn)).isEqualTo(0x10000 - 3);
    assertThat(p.mapCount(pfn)).isZero();
    assertThat(meminfoKb(k, "AnonPages")).isZero();
    assertThat(use(k, pfn)).isNotIn(FrameUse.FREE, FrameUse.PCP);

    while (held > 1) {
      p.putPage(pfn);
      held--;
    }
    assertThat(p.pageCount(pfn)).isEqualTo(1);
    assertThat(use(k, pfn)).as("one reference left").isNotIn(FrameUse.FREE, FrameUse.PCP);
    long free = k.pageAllocator().nrFreePages();
    long memFree = meminfoKb(k, "MemFree");

    p.putPage(pfn);
    assertThat(p.pageCount(pfn)).isZero();
    assertThat(use(k, pfn)).isIn(FrameUse.FREE, FrameUse.PCP);
    assertThat(k.pageAllocator().nrFreePages()).isEqualTo(free + 1);
    assertThat(meminfoKb(k, "MemFree")).isEqualTo(memFree + 4);
    p.checkInvariants();
  }
}
