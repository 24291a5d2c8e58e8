package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Pte;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.stat.VmEvent;

/**
 * Transparent huge pages on the real parts: huge faults map 2 MiB with one PMD entry, the data
 * survives every split (partial munmap and mprotect, fork), and the views count what is mapped.
 */
final class ThpTest {
  private static final int RW = Prot.READ | Prot.WRITE;
  private static final long MB2 = 2L << 20;

  private static Kernel boot(String enabled) {
    return Kernel.builder()
        .set("memory.size", "256M")
        .set("object-allocator", "none")
        .set("virtual-allocator", "none")
        .set("thp.enabled", enabled)
        .boot();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static long meminfoKb(Kernel k, String label) {
    for (String line : k.proc("meminfo").split("\n")) {
      if (line.startsWith(label + ":")) {
        return Long.parseLong(line.substring(label.length() + 1).replace("kB", "").trim());
      }
    }
    throw new AssertionError("no " + label);
  }

  private static long pmd(Kernel k, int pid, long addr) {
    return k.pageTable().readEntry(k.processes().task(pid).mm.root(), addr, 2);
  }

  /** Writes a tag every 64 KiB of {@code [a, a + len)}. */
  private static void fill(Processes p, int pid, long a, long len) {
    for (long off = 0; off < len; off += 64 << 10) {
      assertThat(p.write(pid, 0, a + off, bytes("t" + off))).isTrue();
    }
  }

  private static void assertFilled(
      Processes p, int pid, long a, long len, long holeFrom, long holeTo) {
    for (long off = 0; off < len; off += 64 << 10) {
      if (off >= holeFrom && off < holeTo) {
        continue;
      }
      byte[] want = bytes("t" + off);
      assertThat(p.read(pid, 0, a + off, want.length)).as("offset %d", off).isEqualTo(want);
    }
  }

  @Test
  void fault_thpAlways_mapsEach2MiBWithOnePmd() {
    Kernel k = boot("always");
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, 8 * MB2 / 2, RW, null, 0, false, -1, false);
    assertThat(a % MB2).isZero();

    fill(p, 1, a, 4 * MB2);

    for (int i = 0; i < 4; i++) {
      long e = pmd(k, 1, a + i * MB2);
      assertThat(Pte.huge(e)).isTrue();
      assertThat(Pte.pfn(e) % 512).isZero();
    }
    assertThat(k.events().get(VmEvent.THP_FAULT_ALLOC)).isEqualTo(4);
    assertThat(meminfoKb(k, "AnonHugePages")).isEqualTo(8192);
    assertThat(meminfoKb(k, "AnonPages")).isGreaterThanOrEqualTo(8192);
    assertThat(p.task(1).mm.anonRss).isEqualTo(4 * 512);
    assertFilled(p, 1, a, 4 * MB2, 0, 0);
    p.checkInvariants();
    k.pageTable().checkInvariants();
  }

  @Test
  void access_thp_oneTlbEntryCoversTheWhole2MiB() {
    Kernel k = boot("always");
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, 4 * MB2, RW, null, 0, false, -1, false);
    fill(p, 1, a, 4 * MB2);
    io.mmsim.api.paging.Mmu mmu = k.pageTable().mmu(0);
    mmu.flushTlbAll();
    long misses = mmu.tlbMisses();

    for (long off = 0; off < 4 * MB2; off += Page.PAGE_SIZE) {
      p.read(1, 0, a + off, 1);
    }

    // 2048 pages touched: one walk per 2 MiB page, one large-page entry each
    assertThat(mmu.tlbMisses() - misses).isEqualTo(4);
    assertThat(mmu.tlbLargeEntries()).isEqualTo(4);
  }

  @Test
  void fault_thpNever_maps4KiBPages() {
    Kernel k = boot("never");
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, 4 * MB2, RW, null, 0, false, -1, false);
    fill(p, 1, a, 4 * MB2);
    assertThat(meminfoKb(k, "AnonHugePages")).isZero();
    assertThat(k.events().get(VmEvent.THP_FAULT_ALLOC)).isZero();
  }

  @Test
  void fault_thpMadvise_onlyAdvisedAreasGetHugePages() {
    Kernel k = boot("madvise");
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, 6 * MB2, RW, null, 0, false, -1, false);
    long aligned = (a + MB2 - 1) & -MB2;
    p.write(1, 0, aligned, bytes("x"));
    assertThat(Pte.huge(pmd(k, 1, aligned))).isFalse();

    p.madvise(1, aligned + MB2, 2 * MB2, true);
    p.write(1, 0, aligned + MB2, bytes("y"));
    p.write(1, 0, aligned + 2 * MB2, bytes("z"));

    assertThat(Pte.huge(pmd(k, 1, aligned + MB2))).isTrue();
    assertThat(Pte.huge(pmd(k, 1, aligned + 2 * MB2))).isTrue();
    assertThat(k.events().get(VmEvent.THP_FAULT_ALLOC)).isEqualTo(2);
    p.checkInvariants();
  }

  @Test
  void munmap_partOfAThp_splitsItAndKeepsTheRest() {
    Kernel k = boot("always");
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, 2 * MB2, RW, null, 0, false, -1, false);
    fill(p, 1, a, 2 * MB2);
    k.pageAllocator().drainAllPages();
    long free = k.pageAllocator().nrFreePages();

    p.munmap(1, a + (256 << 10), 64 << 10);

    assertThat(k.events().get(VmEvent.THP_SPLIT_PMD)).isEqualTo(1);
    assertThat(Pte.huge(pmd(k, 1, a))).isFalse();
    assertThat(Pte.huge(pmd(k, 1, a + MB2))).isTrue();
    assertThat(meminfoKb(k, "AnonHugePages")).isEqualTo(2048);
    assertFilled(p, 1, a, 2 * MB2, 256 << 10, 320 << 10);
    assertThat(p.task(1).mm.anonRss).isEqualTo(2 * 512 - 16);
    // 16 pages freed, one page-table frame taken for the split
    k.pageAllocator().drainAllPages();
    assertThat(k.pageAllocator().nrFreePages()).isEqualTo(free + 16 - 1);
    p.checkInvariants();
    k.pageTable().checkInvariants();
  }

  @Test
  void mprotect_wholeThpKeepsIt_partSplitsIt() {
    Kernel k = boot("always");
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, 2 * MB2, RW, null, 0, false, -1, false);
    fill(p, 1, a, 2 * MB2);

    p.mprotect(1, a, MB2, Prot.READ);
    p.mprotect(1, a + MB2, 4096, Prot.READ);

    long first = pmd(k, 1, a);
    assertThat(Pte.huge(first)).isTrue();
    assertThat(first & Pte.RW).isZero();
    assertThat(Pte.huge(pmd(k, 1, a + MB2))).isFalse();
    assertThat(k.events().get(VmEvent.THP_SPLIT_PMD)).isEqualTo(1);
    assertFilled(p, 1, a, 2 * MB2, 0, 0);
    // the read-only THP refuses a write
    assertThat(p.write(1, 0, a + 8, bytes("no"))).isFalse();
  }

  @Test
  void fork_processWithThps_childSharesCopyOnWrite() {
    Kernel k = boot("always");
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, 2 * MB2, RW, null, 0, false, -1, false);
    fill(p, 1, a, 2 * MB2);

    p.fork(1, 2);
    p.write(2, 0, a, bytes("child"));

    assertThat(p.read(1, 0, a, 2)).isEqualTo(bytes("t0"));
    assertThat(p.read(2, 0, a, 5)).isEqualTo(bytes("child"));
    assertFilled(p, 2, a, 2 * MB2, 0, 64 << 10);
    assertFilled(p, 1, a, 2 * MB2, 0, 0);
    assertThat(k.events().get(VmEvent.THP_SPLIT_PMD)).isEqualTo(2);
    p.checkInvariants();
  }

  @Test
  void exit_processWithThps_freesEveryFrame() {
    Kernel k = boot("always");
    Processes p = k.processes();
    k.pageAllocator().drainAllPages();
    long free = k.pageAllocator().nrFreePages();
    p.spawn(1);
    long a = p.mmap(1, 4 * MB2, RW, null, 0, false, -1, false);
    fill(p, 1, a, 4 * MB2);
    p.munmap(1, a + 12 * Page.PAGE_SIZE, Page.PAGE_SIZE);

    p.exit(1);

    k.pageAllocator().drainAllPages();
    assertThat(k.pageAllocator().nrFreePages()).isEqualTo(free);
    assertThat(meminfoKb(k, "AnonHugePages")).isZero();
  }
}
