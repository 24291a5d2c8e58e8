package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Pte;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.stat.VmEvent;

/**
 * Huge-page allocations when memory is full of 4 KiB pages, as {@code __alloc_pages_slowpath}
 * treats a costly order: a THP fault or a khugepaged collapse allowed to reclaim directly ({@code
 * GFP_TRANSHUGE}) compacts (skipped: too little free memory), reclaims once for the order, compacts
 * again and gets its block; {@code __GFP_NORETRY} (defrag {@code always}, area not advised) gives
 * up when compaction was skipped, without reclaiming; {@code GFP_TRANSHUGE_LIGHT} neither reclaims
 * nor compacts. Every failure falls back to 4 KiB pages.
 *
 * <p>The machine: 64 MiB with 64 MiB of swap. Process 1 writes 56 MiB of 4 KiB pages (its area is
 * not advised, and {@code thp.enabled=madvise} keeps THP away from it), leaving free memory near
 * the watermarks (kswapd keeps it between low and high), far below what compaction of an order-9
 * block asks for ({@code compact_gap} = 1024 pages above the low watermark).
 */
final class ThpAllocUnderPressureTest {
  private static final int RW = Prot.READ | Prot.WRITE;
  private static final long MB2 = 2L << 20;

  /** A 2 MiB-aligned address well away from the stack and the mmap base. */
  private static final long AT = 0x4000_0000L;

  private static Kernel boot(String... keys) {
    String[] all = new String[keys.length + 2];
    all[0] = "memory.size=64M";
    all[1] = "swap.memory=64M";
    System.arraycopy(keys, 0, all, 2, keys.length);
    Kernel k = ThpKernels.boot(all);
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, 56L << 20, RW, null, 0, false, -1, false);
    for (long off = 0; off < 56L << 20; off += Page.PAGE_SIZE) {
      assertThat(p.write(1, 0, a + off, new byte[] {(byte) (off >>> 12), 1})).isTrue();
    }
    k.tick();
    return k;
  }

  private static long pmd(Kernel k, int pid, long addr) {
    return k.pageTable().readEntry(k.processes().task(pid).mm.root(), addr, 2);
  }

  private static long stat(Kernel k, String key) {
    return k.swap().statistics().get(key);
  }

  /** Process 2 maps 2 MiB at {@link #AT}, advised hugepage when {@code advise}, and writes it. */
  private static void faultOneRange(Kernel k, boolean advise) {
    Processes p = k.processes();
    p.spawn(2);
    assertThat(p.mmap(2, MB2, RW, null, 0, false, AT, false)).isEqualTo(AT);
    if (advise) {
      p.madvise(2, AT, MB2, true);
    }
    assertThat(p.write(2, 0, AT + 4096, new byte[] {42})).isTrue();
  }

  @Test
  void thpFault_advisedUnderDefragMadvise_reclaimsOnceCompactsAndMapsTheThp() {
    Kernel k = boot("thp.enabled=madvise", "thp.defrag=madvise");
    long stalls = stat(k, "allocstall");
    long compactStalls = k.events().get(VmEvent.COMPACTSTALL);

    faultOneRange(k, true);

    assertThat(Pte.huge(pmd(k, 2, AT))).isTrue();
    assertThat(k.events().get(VmEvent.THP_FAULT_ALLOC)).isEqualTo(1);
    assertThat(k.events().get(VmEvent.THP_FAULT_FALLBACK)).isZero();
    // one round of direct reclaim for the order, no more
    assertThat(stat(k, "allocstall")).isEqualTo(stalls + 1);
    assertThat(stat(k, "pgsteal_direct")).isPositive();
    assertThat(k.events().get(VmEvent.COMPACTSTALL)).isGreaterThanOrEqualTo(compactStalls);
    assertThat(k.processes().read(2, 0, AT + 4096, 1)).containsExactly(42);
    k.processes().checkInvariants();
  }

  @Test
  void thpFault_noretryUnderDefragAlways_compactionSkipped_fallsBackWithoutReclaim() {
    Kernel k = boot("thp.enabled=always", "thp.defrag=always");
    long stalls = stat(k, "allocstall");
    long compactStalls = k.events().get(VmEvent.COMPACTSTALL);
    // process 1's area was eligible too: its last THP faults fell back the same way
    long fallbacks = k.events().get(VmEvent.THP_FAULT_FALLBACK);

    faultOneRange(k, false); // not advised: GFP_TRANSHUGE | __GFP_NORETRY

    assertThat(Pte.huge(pmd(k, 2, AT))).isFalse();
    assertThat(k.events().get(VmEvent.THP_FAULT_FALLBACK)).isEqualTo(fallbacks + 1);
    assertThat(stat(k, "allocstall")).isEqualTo(stalls);
    assertThat(k.events().get(VmEvent.COMPACTSTALL)).isEqualTo(compactStalls);
    assertThat(k.processes().read(2, 0, AT + 4096, 1)).containsExactly(42);
    k.processes().checkInvariants();
  }

  @Test
  void thpFault_lightMaskUnderDefragNever_neitherReclaimsNorCompacts() {
    Kernel k = boot("thp.enabled=madvise", "thp.defrag=never");
    long stalls = stat(k, "allocstall");
    long compactStalls = k.events().get(VmEvent.COMPACTSTALL);

    faultOneRange(k, true);

    assertThat(Pte.huge(pmd(k, 2, AT))).isFalse();
    assertThat(k.events().get(VmEvent.THP_FAULT_FALLBACK)).isEqualTo(1);
    assertThat(stat(k, "allocstall")).isEqualTo(stalls);
    assertThat(k.events().get(VmEvent.COMPACTSTALL)).isEqualTo(compactStalls);
    k.processes().checkInvariants();
  }

  /** Process 2 writes 8 pages of an unadvised 2 MiB range, then advises it: khugepaged's work. */
  private static void prepareCollapse(Kernel k) {
    Processes p = k.processes();
    p.spawn(2);
    assertThat(p.mmap(2, MB2, RW, null, 0, false, AT, false)).isEqualTo(AT);
    for (int i = 0; i < 8; i++) {
      assertThat(p.write(2, 0, AT + ((long) i << Page.PAGE_SHIFT), new byte[] {(byte) (i + 1)}))
          .isTrue();
    }
    p.madvise(2, AT, MB2, true);
  }

  @Test
  void khugepaged_defragOn_reclaimsForItsBlockAndCollapses() {
    Kernel k = boot("thp.enabled=madvise", "thp.khugepaged-defrag=true");
    prepareCollapse(k);
    long stalls = stat(k, "allocstall");

    k.tick(); // the first slot wakes khugepaged for a pass

    assertThat(Pte.huge(pmd(k, 2, AT))).isTrue();
    assertThat(k.events().get(VmEvent.THP_COLLAPSE_ALLOC)).isEqualTo(1);
    assertThat(stat(k, "allocstall")).isEqualTo(stalls + 1);
    for (int i = 0; i < 8; i++) {
      assertThat(k.processes().read(2, 0, AT + ((long) i << Page.PAGE_SHIFT), 1))
          .containsExactly(i + 1);
    }
    k.processes().checkInvariants();
  }

  @Test
  void khugepaged_defragOff_failsWithoutReclaim() {
    Kernel k = boot("thp.enabled=madvise", "thp.khugepaged-defrag=false");
    prepareCollapse(k);
    long stalls = stat(k, "allocstall");

    k.tick();

    assertThat(Pte.huge(pmd(k, 2, AT))).isFalse();
    assertThat(k.events().get(VmEvent.THP_COLLAPSE_ALLOC_FAILED)).isEqualTo(1);
    assertThat(stat(k, "allocstall")).isEqualTo(stalls);
    k.processes().checkInvariants();
  }
}
