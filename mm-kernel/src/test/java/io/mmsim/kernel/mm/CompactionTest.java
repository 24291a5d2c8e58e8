package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.Pte;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.stat.VmEvent;

/**
 * Compaction on the real parts (buddy, x86_64, demand): fragmented user memory yields order-9
 * blocks through direct compaction and compact_memory, every byte of every page survives, and
 * shared and file pages keep every mapping.
 */
final class CompactionTest {
  private static final int RW = Prot.READ | Prot.WRITE;

  @TempDir Path tmp;

  private static Kernel boot(String... settings) {
    Kernel.Builder b =
        Kernel.builder()
            .set("memory.size", "64M")
            .set("object-allocator", "none")
            .set("virtual-allocator", "none");
    for (String s : settings) {
      b.set(s);
    }
    return b.boot();
  }

  private static byte[] tag(int i) {
    return String.format("page %08d", i).getBytes(StandardCharsets.US_ASCII);
  }

  /** Maps 4 KiB pages with a tag each until 90% of free memory is used, unmaps every other. */
  private static List<Long> fragment(Kernel k) {
    Processes p = k.processes();
    p.spawn(1);
    long n = k.pageAllocator().nrFreePages() * 9 / 10;
    long base = p.mmap(1, n * Page.PAGE_SIZE, RW, null, 0, false, -1, false);
    List<Long> kept = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      assertThat(p.write(1, 0, base + (long) i * Page.PAGE_SIZE, tag(i))).isTrue();
    }
    for (int i = 0; i < n; i++) {
      long a = base + (long) i * Page.PAGE_SIZE;
      if (i % 2 == 1) {
        p.munmap(1, a, Page.PAGE_SIZE);
      } else {
        kept.add(a);
      }
    }
    k.pageAllocator().drainAllPages();
    return kept;
  }

  private static void assertIntact(Kernel k, List<Long> kept) {
    for (int j = 0; j < kept.size(); j++) {
      byte[] want = tag(2 * j);
      assertThat(k.processes().read(1, 0, kept.get(j), want.length)).isEqualTo(want);
    }
    k.processes().checkInvariants();
    k.pageTable().checkInvariants();
    k.pageAllocator().checkInvariants();
  }

  private static long vmstat(Kernel k, String name) {
    for (String line : k.proc("vmstat").split("\n")) {
      String[] f = line.split(" ");
      if (f[0].equals(name)) {
        return Long.parseLong(f[1]);
      }
    }
    throw new AssertionError("no " + name + " in vmstat");
  }

  @Test
  void allocPages_order9AfterFragmentation_compactsDirectlyAndKeepsEveryByte() {
    Kernel k = boot();
    List<Long> kept = fragment(k);
    assertThat(k.pageAllocator().allocPages(0, Gfp.KERNEL, 9)).isEqualTo(PageAllocator.NO_PAGE);

    long pfn = k.allocPages(0, Gfp.KERNEL, 9);

    assertThat(pfn).isNotEqualTo(PageAllocator.NO_PAGE);
    assertThat(k.events().get(VmEvent.COMPACTSTALL)).isPositive();
    assertThat(k.events().get(VmEvent.COMPACTSUCCESS)).isEqualTo(1);
    assertThat(vmstat(k, "pgmigrate_success")).isPositive();
    assertThat(vmstat(k, "compact_migrate_scanned")).isPositive();
    assertThat(vmstat(k, "compact_free_scanned")).isPositive();
    assertThat(vmstat(k, "compact_isolated"))
        .isGreaterThanOrEqualTo(2 * vmstat(k, "pgmigrate_success"));
    assertIntact(k, kept);
    // no surviving page lies in the new block
    for (long a : kept) {
      long phys = k.pageTable().virtToPhys(k.processes().task(1).mm.root(), a);
      long frame = phys >>> Page.PAGE_SHIFT;
      assertThat(frame < pfn || frame >= pfn + 512).as("frame %x", frame).isTrue();
    }
  }

  @Test
  void compactMemory_fragmentedMemory_makesOrder9BlocksAndKeepsEveryByte() {
    Kernel k = boot();
    List<Long> kept = fragment(k);
    long before = k.pageAllocator().zoneStats(Zone.DMA32).freeBlocks()[9];

    k.compactMemory();

    long[] blocks = k.pageAllocator().zoneStats(Zone.DMA32).freeBlocks();
    // all but two pageblocks' worth of the zone's free memory is now whole pageblocks
    long wholeBlocks = blocks[9] + 2 * blocks[10];
    assertThat(wholeBlocks)
        .isGreaterThan(before)
        .isGreaterThanOrEqualTo(k.pageAllocator().nrFreePages(Zone.DMA32) / 512 - 2);
    assertThat(k.events().get(VmEvent.COMPACTSTALL)).isZero();
    assertIntact(k, kept);
  }

  @Test
  void compactMemory_pageSharedAfterFork_movesBothMappings() {
    Kernel k = boot();
    List<Long> kept = fragment(k);
    Processes p = k.processes();
    p.fork(1, 2);

    k.compactMemory();

    assertThat(vmstat(k, "pgmigrate_success")).isPositive();
    for (int j = 0; j < kept.size(); j++) {
      long a = kept.get(j);
      long pte1 = k.pageTable().readPte(p.task(1).mm.root(), a);
      long pte2 = k.pageTable().readPte(p.task(2).mm.root(), a);
      assertThat(Pte.pfn(pte1)).isEqualTo(Pte.pfn(pte2));
      assertThat(p.read(2, 0, a, 13)).isEqualTo(tag(2 * j));
    }
    assertIntact(k, kept);
  }

  @Test
  void compactMemory_filePages_keepTheirPageCacheSlot() throws Exception {
    Kernel k = boot();
    Path f = tmp.resolve("data");
    byte[] content = new byte[64 * Page.PAGE_SIZE];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 31 + 7);
    }
    Files.write(f, content);
    List<Long> kept = fragment(k);
    Processes p = k.processes();
    long a = p.mmap(1, content.length, Prot.READ, f, 0, false, -1, true);
    p.spawn(2);
    long b = p.mmap(2, content.length, Prot.READ, f, 0, false, -1, true);

    k.compactMemory();

    assertThat(p.read(1, 0, a, content.length)).isEqualTo(content);
    assertThat(p.read(2, 0, b, content.length)).isEqualTo(content);
    for (int i = 0; i < 64; i++) {
      long va = (long) i * Page.PAGE_SIZE;
      assertThat(Pte.pfn(k.pageTable().readPte(p.task(1).mm.root(), a + va)))
          .isEqualTo(Pte.pfn(k.pageTable().readPte(p.task(2).mm.root(), b + va)));
    }
    assertIntact(k, kept);
  }

  @Test
  void allocPages_extfragThresholdAtMaximum_neverCompacts() {
    Kernel k = boot("vm.extfrag-threshold=1000");
    fragment(k);

    assertThat(k.allocPages(0, Gfp.KERNEL, 9)).isEqualTo(PageAllocator.NO_PAGE);
    // every zone's fragmentation index is at most 1000: a lack of memory, not fragmentation
    assertThat(k.events().get(VmEvent.COMPACTSTALL)).isZero();
    assertThat(vmstat(k, "pgmigrate_success")).isZero();
  }

  @Test
  void allocPages_atomicRequest_doesNotCompact() {
    Kernel k = boot();
    fragment(k);

    assertThat(k.allocPages(0, Gfp.GFP_ATOMIC, 9)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(k.events().get(VmEvent.COMPACTSTALL)).isZero();
  }

  @Test
  void tick_afterAFailedHighOrderAllocation_kcompactdRunsOnce() {
    Kernel k = boot();
    List<Long> kept = fragment(k);
    assertThat(k.allocPages(0, Gfp.GFP_ATOMIC, 9)).isEqualTo(PageAllocator.NO_PAGE);

    k.tick();
    k.tick();

    assertThat(k.events().get(VmEvent.COMPACTDAEMON_WAKE)).isEqualTo(1);
    assertThat(vmstat(k, "pgmigrate_success")).isPositive();
    assertThat(k.pageAllocator().allocPages(0, Gfp.GFP_ATOMIC, 9))
        .isNotEqualTo(PageAllocator.NO_PAGE);
    assertIntact(k, kept);
  }

  // ------------------------------------------------------------------ deferral

  @Test
  void deferral_afterOneFailure_skipsOneRequestThenTriesAgain() {
    Compaction c = boot().compaction();
    int z = Zone.DMA32.ordinal();
    // compaction_defer_reset(order 9, success) then defer_compaction(order 9): shift 1, limit 2
    c.deferReset(z, 9, true);
    c.defer(z, 9);
    assertThat(c.deferShift(Zone.DMA32)).isEqualTo(1);
    assertThat(c.orderFailed(Zone.DMA32)).isEqualTo(9);

    assertThat(c.deferred(z, 9)).isTrue(); // considered 1 < 2
    assertThat(c.deferred(z, 9)).isFalse(); // considered 2 >= 2
    assertThat(c.deferred(z, 8)).isFalse(); // below compact_order_failed: never deferred
  }

  @Test
  void deferral_repeatedFailures_capTheShiftAtSix() {
    Compaction c = boot().compaction();
    int z = Zone.DMA32.ordinal();
    for (int i = 0; i < 10; i++) {
      c.defer(z, 9);
    }
    assertThat(c.deferShift(Zone.DMA32)).isEqualTo(Compaction.COMPACT_MAX_DEFER_SHIFT);
    int skipped = 0;
    while (c.deferred(z, 9)) {
      skipped++;
    }
    assertThat(skipped).isEqualTo(63); // 1 << 6 requests considered, the last one tries
    c.deferReset(z, 9, true);
    assertThat(c.deferShift(Zone.DMA32)).isZero();
    assertThat(c.orderFailed(Zone.DMA32)).isEqualTo(10);
  }
}
