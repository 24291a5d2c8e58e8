package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Pte;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.stat.VmEvent;

/**
 * khugepaged on the real parts: which ranges it collapses (max_ptes_none, max_ptes_shared, a
 * read-only range), when (scan_sleep_millisecs, pages_to_scan), and that every byte survives.
 */
final class KhugepagedTest {
  private static final int RW = Prot.READ | Prot.WRITE;
  private static final long MB2 = 2L << 20;

  /** A 2 MiB-aligned address well away from the stack and the mmap base. */
  private static final long AT = 0x4000_0000L;

  private static Kernel boot(String... keys) {
    return ThpKernels.boot(keys);
  }

  private static long pmd(Kernel k, int pid, long addr) {
    return k.pageTable().readEntry(k.processes().task(pid).mm.root(), addr, 2);
  }

  /** The byte pattern of page {@code i}: its index and offset mixed, never all zero. */
  private static byte[] pattern(int i) {
    byte[] b = new byte[Page.PAGE_SIZE];
    for (int j = 0; j < b.length; j++) {
      b[j] = (byte) (i * 31 + j * 7 + 1);
    }
    return b;
  }

  /**
   * Maps 2 MiB at {@link #AT} without THP, writes a full page pattern into each of the first {@code
   * touched} pages (the rest stay pte_none), then advises it hugepage.
   */
  private static void prepare(Kernel k, int pid, int touched) {
    Processes p = k.processes();
    p.spawn(pid);
    assertThat(p.mmap(pid, MB2, RW, null, 0, false, AT, false)).isEqualTo(AT);
    for (int i = 0; i < touched; i++) {
      assertThat(p.write(pid, 0, AT + ((long) i << Page.PAGE_SHIFT), pattern(i))).isTrue();
    }
    assertThat(Pte.huge(pmd(k, pid, AT))).isFalse();
    p.madvise(pid, AT, MB2, true);
  }

  @Test
  void collapse_ptesNoneAtTheLimit_collapses_oneMore_doesNot() {
    // max_ptes_none 500: 12 touched pages leave 500 empty entries (allowed), 11 leave 501
    Kernel yes = boot("thp.max-ptes-none=500");
    prepare(yes, 1, 12);
    yes.tick(); // the first slot wakes khugepaged for a pass
    assertThat(Pte.huge(pmd(yes, 1, AT))).isTrue();
    assertThat(yes.events().get(VmEvent.THP_COLLAPSE_ALLOC)).isEqualTo(1);
    assertThat(yes.processes().khugepagedPagesCollapsed()).isEqualTo(1);

    Kernel no = boot("thp.max-ptes-none=500");
    prepare(no, 1, 11);
    no.sleep(100_000);
    assertThat(Pte.huge(pmd(no, 1, AT))).isFalse();
    assertThat(no.events().get(VmEvent.THP_COLLAPSE_ALLOC)).isZero();
    no.processes().checkInvariants();
  }

  @Test
  void collapse_defaultMaxPtesNone_oneTouchedPageIsEnough() {
    Kernel k = boot();
    prepare(k, 1, 1);
    k.tick();
    assertThat(Pte.huge(pmd(k, 1, AT))).isTrue();
  }

  @Test
  void collapse_everyByteIntact_zerosWhereNothingWasMapped() {
    Kernel k = boot();
    Processes p = k.processes();
    p.spawn(1);
    p.mmap(1, MB2, RW, null, 0, false, AT, false);
    // every third page written, page 5 only read (the zero page), the rest never touched
    for (int i = 0; i < 512; i += 3) {
      p.write(1, 0, AT + ((long) i << Page.PAGE_SHIFT), pattern(i));
    }
    p.read(1, 0, AT + 5 * Page.PAGE_SIZE, 1);
    long small = p.task(1).mm.anonRss;
    assertThat(small).isEqualTo(171); // pages 0, 3, ..., 510
    p.madvise(1, AT, MB2, true);
    k.pageAllocator().drainAllPages();
    long free = k.pageAllocator().nrFreePages();
    long tables = k.pageTable().tablePages();

    k.tick();
    k.pageAllocator().drainAllPages();

    assertThat(Pte.huge(pmd(k, 1, AT))).isTrue();
    // one order-9 block taken; the 171 small pages and the page table given back
    assertThat(k.pageAllocator().nrFreePages()).isEqualTo(free - 512 + 171 + 1);
    assertThat(k.pageTable().tablePages()).isEqualTo(tables - 1);
    assertThat(p.task(1).mm.anonRss).isEqualTo(512);
    byte[] zero = new byte[Page.PAGE_SIZE];
    for (int i = 0; i < 512; i++) {
      byte[] got = p.read(1, 0, AT + ((long) i << Page.PAGE_SHIFT), Page.PAGE_SIZE);
      assertThat(got).as("page %d", i).isEqualTo(i % 3 == 0 ? pattern(i) : zero);
    }
    p.checkInvariants();
    k.pageTable().checkInvariants();
  }

  @Test
  void collapse_thenOneTlbEntryCoversTheRange() {
    Kernel k = boot();
    prepare(k, 1, 512);
    k.tick();
    io.mmsim.api.paging.Mmu mmu = k.pageTable().mmu(0);
    mmu.flushTlbAll();
    long misses = mmu.tlbMisses();
    for (long off = 0; off < MB2; off += Page.PAGE_SIZE) {
      k.processes().read(1, 0, AT + off, 1);
    }
    assertThat(mmu.tlbMisses() - misses).isEqualTo(1);
  }

  @Test
  void collapse_readOnlyRange_isLeft() {
    Kernel k = boot();
    prepare(k, 1, 64);
    k.processes().mprotect(1, AT, MB2, Prot.READ);
    k.sleep(100_000);
    assertThat(Pte.huge(pmd(k, 1, AT))).isFalse();
  }

  @Test
  void collapse_sharedPagesOverTheLimit_isLeft_underIt_collapsesParentOnly() {
    // 300 pages shared with a child exceed max_ptes_shared 256
    // (fork write-protects the parent's entries: a write to a fresh page gives it a writable one)
    Kernel over = boot();
    prepare(over, 1, 300);
    over.processes().fork(1, 2);
    over.processes().write(1, 0, AT + 400 * Page.PAGE_SIZE, pattern(400));
    over.sleep(100_000);
    assertThat(Pte.huge(pmd(over, 1, AT))).isFalse();
    assertThat(Pte.huge(pmd(over, 2, AT))).isFalse();

    // 200 shared pages: the parent's range collapses into a private copy, the child keeps the
    // small pages (now mapped once); a write in the parent is not seen by the child
    Kernel under = boot();
    prepare(under, 1, 200);
    Processes p = under.processes();
    p.fork(1, 2);
    p.write(1, 0, AT + 400 * Page.PAGE_SIZE, pattern(400));
    under.sleep(100_000);
    assertThat(Pte.huge(pmd(under, 1, AT))).isTrue();
    // the child's entries are still write-protected: SCAN_PAGE_RO
    assertThat(Pte.huge(pmd(under, 2, AT))).isFalse();
    for (int i = 0; i < 200; i += 17) {
      long a = AT + ((long) i << Page.PAGE_SHIFT);
      assertThat(p.read(1, 0, a, Page.PAGE_SIZE)).isEqualTo(pattern(i));
      assertThat(p.read(2, 0, a, Page.PAGE_SIZE)).isEqualTo(pattern(i));
    }
    p.write(1, 0, AT, new byte[] {42});
    assertThat(p.read(2, 0, AT, 1)).containsExactly(pattern(0)[0]);
    p.checkInvariants();
  }

  @Test
  void timer_passesComeEveryScanSleepMs_andResumeWherePagesToScanStopped() {
    // two processes, each one 2 MiB range; a pass scans 512 PTEs: one range per pass
    Kernel k = boot("thp.scan-sleep-ms=100", "thp.pages-to-scan=512");
    prepare(k, 1, 8);
    prepare(k, 2, 8);
    k.tick(); // the wake-up pass: process 1's range
    assertThat(Pte.huge(pmd(k, 1, AT))).isTrue();
    assertThat(Pte.huge(pmd(k, 2, AT))).isFalse();
    for (int i = 0; i < 99; i++) {
      k.tick();
    }
    assertThat(Pte.huge(pmd(k, 2, AT))).isFalse();
    k.tick(); // 100 ms later: process 2's range
    assertThat(Pte.huge(pmd(k, 2, AT))).isTrue();
    assertThat(k.events().get(VmEvent.THP_COLLAPSE_ALLOC)).isEqualTo(2);
  }

  @Test
  void thpNever_khugepagedDoesNothing() {
    Kernel k = boot("thp.enabled=never");
    Processes p = k.processes();
    p.spawn(1);
    p.mmap(1, MB2, RW, null, 0, false, AT, false);
    p.write(1, 0, AT, pattern(0));
    p.madvise(1, AT, MB2, true);
    k.sleep(100_000);
    assertThat(Pte.huge(pmd(k, 1, AT))).isFalse();
    assertThat(k.processes().khugepagedFullScans()).isZero();
  }

  @Test
  void collapse_noOrder9Block_countsAllocFailed() {
    Kernel k = boot("thp.khugepaged-defrag=false");
    prepare(k, 1, 8);
    // take every block of order 9 and above
    java.util.List<Long> held = new java.util.ArrayList<>();
    for (int order = Page.MAX_PAGE_ORDER; order >= 9; order--) {
      while (true) {
        long pfn = k.pageAllocator().allocPages(0, io.mmsim.api.mem.Gfp.KERNEL, order);
        if (pfn == io.mmsim.api.page.PageAllocator.NO_PAGE) {
          break;
        }
        held.add(pfn);
      }
    }
    k.tick();
    assertThat(Pte.huge(pmd(k, 1, AT))).isFalse();
    assertThat(k.events().get(VmEvent.THP_COLLAPSE_ALLOC_FAILED)).isEqualTo(1);
    assertThat(k.proc("vmstat")).contains("thp_collapse_alloc_failed 1\n");
    k.processes().checkInvariants();
  }

  @Test
  void keys_outOfRange_areRefusedNamingTheKey() {
    assertThatThrownBy(() -> boot("thp.max-ptes-none=512"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("thp.max-ptes-none");
    assertThatThrownBy(() -> boot("thp.pages-to-scan=0"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("thp.pages-to-scan");
  }

  /**
   * 64 MiB with 64 MiB of swap: process 1 writes 64 pages of its range, process 2 populates 48 MiB
   * (reclaim swaps those 64 pages, the oldest, out), process 1 writes the other 448, process 2
   * exits. The range then holds 64 swap entries and 448 present, referenced pages.
   */
  private static Kernel swappedRange(String maxPtesSwap) {
    Kernel k = boot("memory.size=64M", "swap.memory=64M", "thp.max-ptes-swap=" + maxPtesSwap);
    Processes p = k.processes();
    p.spawn(1);
    p.mmap(1, MB2, RW, null, 0, false, AT, false);
    for (int i = 0; i < 64; i++) {
      p.write(1, 0, AT + ((long) i << Page.PAGE_SHIFT), new byte[] {(byte) (i + 1)});
    }
    p.spawn(2);
    p.mmap(2, 48L << 20, RW, null, 0, false, -1, true);
    for (int i = 64; i < 512; i++) {
      p.write(1, 0, AT + ((long) i << Page.PAGE_SHIFT), new byte[] {(byte) (i + 1)});
    }
    // process 2 goes, so that the collapse finds its order-9 block (the simulator's compaction
    // does not reclaim)
    p.exit(2);
    long root = p.task(1).mm.root();
    int swapped = 0;
    for (int i = 0; i < 512; i++) {
      long e = k.pageTable().readPte(root, AT + ((long) i << Page.PAGE_SHIFT));
      swapped += e != 0 && !Pte.present(e) ? 1 : 0;
    }
    assertThat(swapped).as("swap entries in the range").isEqualTo(64);
    return k;
  }

  @Test
  void collapse_swapEntriesAtMaxPtesSwap_areReadBackAndCollapsed_oneOver_isLeft() {
    Kernel over = swappedRange("63");
    over.processes().madvise(1, AT, MB2, true);
    over.sleep(100_000);
    assertThat(Pte.huge(pmd(over, 1, AT))).isFalse();
    assertThat(over.processes().task(1).mm.swapEnts).isEqualTo(64);

    Kernel k = swappedRange("64");
    Processes p = k.processes();
    long majBefore = k.events().get(VmEvent.PGMAJFAULT);
    p.madvise(1, AT, MB2, true);
    k.tick();
    assertThat(Pte.huge(pmd(k, 1, AT))).isTrue();
    // the 64 swap entries were read back in (major faults) and no swap entry is left
    assertThat(k.events().get(VmEvent.PGMAJFAULT) - majBefore).isEqualTo(64);
    assertThat(p.task(1).mm.swapEnts).isZero();
    for (int i = 0; i < 512; i++) {
      byte[] want = new byte[Page.PAGE_SIZE];
      want[0] = (byte) (i + 1);
      assertThat(p.read(1, 0, AT + ((long) i << Page.PAGE_SHIFT), Page.PAGE_SIZE))
          .as("page %d", i)
          .isEqualTo(want);
    }
    p.checkInvariants();
  }
}
