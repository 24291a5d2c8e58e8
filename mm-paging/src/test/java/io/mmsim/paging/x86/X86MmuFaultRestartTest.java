package io.mmsim.paging.x86;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageFault;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.paging.TestMachine;

/**
 * The two shortcuts a faulting walk leaves behind, against the slow path on a twin machine that
 * takes the same steps: {@link Mmu#faultPteSlot} must name the entry {@link PageTable#pteSlot}
 * finds (or say it does not know), and {@link Mmu#retryTranslate} must give what {@link
 * Mmu#translate} gives: the same address or fault, error code, CR2, TLB statistics and contents,
 * and the same Accessed and Dirty bits in the tables. Between the fault and the restarted access
 * the steps do what a fault handler or the rest of the kernel may do: write the leaf through its
 * slot or through the page table, map other pages (new tables), put a huge page in place of an
 * empty table and take it away, free empty tables, flush, and reload CR3.
 */
final class X86MmuFaultRestartTest {
  private static final long FRAMES = 16384;
  private static final long[] REGIONS = {0x400000L, 0x600000L, 0x7f12_3440_0000L};
  private static final int PAGES = 8;
  private static final long HUGE_PFN = 4096;

  /** The machine under test (shortcuts) and its twin (the slow path), step for step. */
  private static final class Twins {
    final TestMachine fast = TestMachine.of(FRAMES, 2);
    final TestMachine slow = TestMachine.of(FRAMES, 2);
    final long root;
    int faults;
    int slotsKnown;
    int restartsFromTheLeaf;

    Twins() {
      long r = fast.pageTable.createAddressSpace();
      assertThat(slow.pageTable.createAddressSpace()).isEqualTo(r);
      root = r;
      for (int cpu = 0; cpu < 2; cpu++) {
        fast.pageTable.mmu(cpu).loadCr3(root);
        slow.pageTable.mmu(cpu).loadCr3(root);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void faultThenRestart_randomSteps_sameAsTheSlowPath(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Twins t = new Twins();
    for (int step = 0; step < 4000; step++) {
      int cpu = rnd.nextInt(2);
      long va =
          REGIONS[rnd.nextInt(REGIONS.length)] + ((long) rnd.nextInt(PAGES) << Page.PAGE_SHIFT);
      va += rnd.nextInt(Page.PAGE_SIZE);
      int access = rnd.nextInt(3);
      boolean user = rnd.nextInt(4) != 0;
      Mmu fm = t.fast.pageTable.mmu(cpu);
      Mmu sm = t.slow.pageTable.mmu(cpu);
      long phys = fm.translate(va, access, user);
      assertThat(phys).as("step %d translate", step).isEqualTo(sm.translate(va, access, user));
      if (phys == Mmu.FAULT) {
        t.faults++;
        handle(t, rnd, fm, va, step);
        int again = rnd.nextInt(4) == 0 ? rnd.nextInt(3) : access;
        long retried = fm.retryTranslate(va, again, user);
        assertThat(retried).as("step %d restart", step).isEqualTo(sm.translate(va, again, user));
      } else if (rnd.nextInt(8) == 0) {
        // a restart that follows no fault of its page walks, or hits, as translate does
        long other = fm.retryTranslate(va, access, user);
        assertThat(other).isEqualTo(sm.translate(va, access, user));
      } else if (rnd.nextInt(2) == 0) {
        // the page unmapped again (zap_pte_range), so that later steps fault
        long page = va & ~Page.PAGE_OFFSET_MASK;
        long base = va & ~((2L << 20) - 1);
        if (Pte.huge(t.slow.pageTable.readEntry(t.root, va, 2))) {
          tryBoth(
              () -> t.fast.pageTable.writeHugePmd(t.root, base, 0),
              () -> t.slow.pageTable.writeHugePmd(t.root, base, 0));
        } else {
          tryBoth(
              () -> t.fast.pageTable.writePte(t.root, page, 0),
              () -> t.slow.pageTable.writePte(t.root, page, 0));
        }
        t.fast.pageTable.flushTlbPage(page);
        t.slow.pageTable.flushTlbPage(page);
      }
      same(t, fm, sm, va, step);
    }
    assertThat(t.faults).as("faults taken").isGreaterThan(1000);
    assertThat(t.slotsKnown).as("faults whose slot the MMU named").isGreaterThan(100);
    assertThat(t.restartsFromTheLeaf)
        .as("restarts the MMU could take from the leaf")
        .isGreaterThan(100);
    assertThat(t.fast.memory.frames()).isEqualTo(t.slow.memory.frames());
    for (long pfn = 0; pfn < FRAMES; pfn++) {
      for (int i = 0; i < 512; i += 1) {
        if (t.fast.memory.readEntry(pfn, i) != t.slow.memory.readEntry(pfn, i)) {
          throw new AssertionError("frame " + pfn + " entry " + i + " differs");
        }
      }
    }
    t.fast.pageTable.checkInvariants();
  }

  /**
   * What happens between the fault and the restart: the leaf written (through the slot the MMU
   * named on the fast machine, through the page table on the slow one), or the tables reshaped.
   */
  private static void handle(Twins t, SplittableRandom rnd, Mmu fm, long va, int step) {
    PageTable fp = t.fast.pageTable;
    PageTable sp = t.slow.pageTable;
    long page = va & ~Page.PAGE_OFFSET_MASK;
    if (rnd.nextInt(4) == 0) {
      // the kernel reshaped the tables before the handler asked where the walk stopped
      reshape(t, rnd, va, rnd.nextBoolean());
    }
    long slot = fm.faultPteSlot(va);
    if (slot != PageFault.SLOT_UNKNOWN) {
      t.slotsKnown++;
      assertThat(slot).as("step %d slot", step).isEqualTo(sp.pteSlot(t.root, page));
    }
    assertThat(fm.faultPteSlot(va + Page.PAGE_SIZE))
        .as("another page's slot is not known")
        .isEqualTo(PageFault.SLOT_UNKNOWN);
    int what = rnd.nextInt(10);
    if (what < 6) {
      long entry = entry(rnd);
      if (slot >= 0) {
        // set_pte_at through the slot, as the demand handler does
        t.fast.memory.writeLong(slot, entry);
        assertThat(sp.writePte(t.root, page, entry)).isTrue();
        t.restartsFromTheLeaf++;
      } else {
        tryBoth(() -> fp.writePte(t.root, page, entry), () -> sp.writePte(t.root, page, entry));
      }
    } else if (what < 9) {
      reshape(t, rnd, va, what == 8);
    } else {
      int cpu = rnd.nextInt(2);
      switch (rnd.nextInt(3)) {
        case 0 -> {
          fp.flushTlbPage(page);
          sp.flushTlbPage(page);
        }
        case 1 -> {
          fp.mmu(cpu).flushTlbAll();
          sp.mmu(cpu).flushTlbAll();
        }
        default -> {
          fp.mmu(cpu).loadCr3(t.root);
          sp.mmu(cpu).loadCr3(t.root);
        }
      }
    }
  }

  /**
   * Another page mapped (perhaps in a new table), or a region emptied (often the faulting page's)
   * and its page table freed, then perhaps a huge page where it was, or the huge page taken away
   * again (collapse, zap).
   */
  private static void reshape(Twins t, SplittableRandom rnd, long va, boolean free) {
    PageTable fp = t.fast.pageTable;
    PageTable sp = t.slow.pageTable;
    if (rnd.nextInt(3) == 0) {
      long other = REGIONS[rnd.nextInt(REGIONS.length)] + (long) rnd.nextInt(PAGES) * 4096;
      long entry = entry(rnd);
      tryBoth(() -> fp.writePte(t.root, other, entry), () -> sp.writePte(t.root, other, entry));
      return;
    }
    long base = rnd.nextBoolean() ? va & ~((2L << 20) - 1) : REGIONS[rnd.nextInt(REGIONS.length)];
    for (int i = 0; i < PAGES; i++) {
      long a = base + (long) i * 4096;
      if (!Pte.huge(sp.readEntry(t.root, a, 2))) {
        tryBoth(() -> fp.writePte(t.root, a, 0), () -> sp.writePte(t.root, a, 0));
      }
    }
    if (free) {
      assertThat(fp.freeEmptyTables(t.root, base, base + (2L << 20)))
          .isEqualTo(sp.freeEmptyTables(t.root, base, base + (2L << 20)));
    } else {
      long huge = rnd.nextInt(3) != 0 ? 0 : Pte.make(HUGE_PFN, Pte.PAGE_TABLE | Pte.PS);
      tryBoth(() -> fp.writeHugePmd(t.root, base, huge), () -> sp.writeHugePmd(t.root, base, huge));
    }
  }

  /** A leaf entry: empty, a swap entry, or a frame with random rights and bits. */
  private static long entry(SplittableRandom rnd) {
    int kind = rnd.nextInt(10);
    if (kind == 0) {
      return 0;
    }
    if (kind == 1) {
      return Pte.makeSwap(0, 1 + rnd.nextInt(100));
    }
    long flags = Pte.PRESENT;
    long[] bits = {Pte.RW, Pte.USER, Pte.ACCESSED, Pte.DIRTY, Pte.NX, Pte.GLOBAL};
    for (long b : bits) {
      if (rnd.nextInt(3) != 0) {
        flags |= b;
      }
    }
    if (kind == 2) {
      flags |= 1L << 51; // a reserved bit (above MAXPHYADDR)
    }
    return Pte.make(1 + rnd.nextInt(4000), flags);
  }

  @FunctionalInterface
  private interface Op {
    boolean run();
  }

  /** Runs both, which must both succeed (with the same answer) or both throw the same. */
  private static void tryBoth(Op fast, Op slow) {
    String a;
    String b;
    try {
      a = "returned " + fast.run();
    } catch (RuntimeException e) {
      a = e.getClass().getName() + ": " + e.getMessage();
    }
    try {
      b = "returned " + slow.run();
    } catch (RuntimeException e) {
      b = e.getClass().getName() + ": " + e.getMessage();
    }
    assertThat(a).isEqualTo(b);
  }

  /** Every register and count a caller can see, and the entries on the walk to {@code va}. */
  private static void same(Twins t, Mmu fm, Mmu sm, long va, int step) {
    for (int cpu = 0; cpu < 2; cpu++) {
      Mmu f = t.fast.pageTable.mmu(cpu);
      Mmu s = t.slow.pageTable.mmu(cpu);
      assertThat(
              new long[] {
                f.cr2(),
                f.errorCode(),
                f.lastVector(),
                f.cr3(),
                f.tlbHits(),
                f.tlbMisses(),
                f.tlbLookupMisses(),
                f.tlbSetLookups(),
                f.tlbValidEntries(),
                f.tlbLargeEntries()
              })
          .as("step %d cpu %d: cr2, error code, vector, cr3, TLB counts", step, cpu)
          .containsExactly(
              s.cr2(),
              s.errorCode(),
              s.lastVector(),
              s.cr3(),
              s.tlbHits(),
              s.tlbMisses(),
              s.tlbLookupMisses(),
              s.tlbSetLookups(),
              s.tlbValidEntries(),
              s.tlbLargeEntries());
    }
    for (int level = 1; level <= 4; level++) {
      assertThat(t.fast.pageTable.readEntry(t.root, va, level))
          .as("step %d level %d entry", step, level)
          .isEqualTo(t.slow.pageTable.readEntry(t.root, va, level));
    }
    ((X86Mmu) fm).checkInvariants();
    ((X86Mmu) sm).checkInvariants();
  }
}
