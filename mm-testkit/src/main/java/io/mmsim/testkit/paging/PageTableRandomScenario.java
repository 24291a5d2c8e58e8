package io.mmsim.testkit.paging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.ControlRegisters;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.Pte;
import io.mmsim.testkit.Op;
import io.mmsim.testkit.OpKind;
import io.mmsim.testkit.Scenario;

/**
 * The seeded random scenario of {@link PageTableContract}: map, unmap, translate, {@code invlpg}
 * and table freeing in one address space, against a model written here: the leaf entries by address
 * and the set of table spans that must exist (a table of level L covers 2^(12 + 9L) bytes; it
 * appears with the first mapping below it and goes away only when {@code freeEmptyTables} finds
 * nothing below it). Translations are checked against the entry's rights (Intel SDM vol. 3 ch. 4).
 */
final class PageTableRandomScenario implements Scenario<PageTableRandomScenario.RandomState> {

  private static final OpKind MAP = new OpKind("map", "slot", "frame", "flavour");
  private static final OpKind UNMAP = new OpKind("unmap", "slot");
  private static final OpKind TRANSLATE = new OpKind("translate", "slot", "access", "user");
  private static final OpKind FREE_TABLES = new OpKind("freeEmptyTables", "from", "to");
  private static final OpKind INVLPG = new OpKind("invlpg", "slot");

  /** Addresses the random test uses: pages near each other and across every level's boundary. */
  private static long slot(int i) {
    long region = (long) (i / 8);
    long[] bases = {
      MmuContract.USER_VA,
      MmuContract.USER_VA + (1L << 21),
      MmuContract.USER_VA + (1L << 30),
      MmuContract.USER_VA + (1L << 39),
      0x7f0000000000L
    };
    return bases[(int) (region % bases.length)] + ((long) (i % 8) << Page.PAGE_SHIFT);
  }

  private static final int SLOTS = 40;

  private static final long[] FLAVOURS = {
    MmuContract.USER_RW,
    Pte.PRESENT | Pte.USER,
    MmuContract.USER_RW | Pte.NX,
    Pte.PRESENT | Pte.RW,
    -1
  };

  private final PageTableContract contract;

  PageTableRandomScenario(PageTableContract contract) {
    this.contract = contract;
  }

  /** The implementation and the model of one run. */
  final class RandomState {
    final long root = contract.newRoot();
    final Mmu mmu = contract.userMmu(0, root);
    final long[] frames = {contract.frame(), contract.frame(), contract.frame()};
    final TreeMap<Long, Long> entries = new TreeMap<>();
    final List<Set<Long>> tables = new ArrayList<>();
    final long freeAtStart;
    final long allTablesAtStart;

    RandomState() {
      mmu.writeEfer(mmu.efer() | ControlRegisters.EFER_NXE);
      mmu.writeCr0(mmu.cr0() | ControlRegisters.CR0_WP);
      for (int level = 1; level < contract.pt.levels(); level++) {
        tables.add(new HashSet<>());
      }
      freeAtStart = contract.pages.nrFreePages();
      allTablesAtStart = contract.pt.tablePages();
    }

    long modelTables() {
      long n = 1;
      for (Set<Long> t : tables) {
        n += t.size();
      }
      return n;
    }
  }

  @Override
  public RandomState create() {
    contract.bootMachine();
    return new RandomState();
  }

  @Override
  public Op generate(SplittableRandom r, int step) {
    int k = r.nextInt(100);
    if (k < 40) {
      return MAP.op(r.nextInt(SLOTS), r.nextInt(3), r.nextInt(FLAVOURS.length));
    }
    if (k < 60) {
      return UNMAP.op(r.nextInt(SLOTS));
    }
    if (k < 88) {
      return TRANSLATE.op(r.nextInt(SLOTS), r.nextInt(3), r.nextInt(2));
    }
    if (k < 94) {
      return INVLPG.op(r.nextInt(SLOTS));
    }
    return FREE_TABLES.op(r.nextInt(SLOTS), r.nextInt(SLOTS));
  }

  @Override
  public void apply(RandomState s, Op op) {
    if (op.is(MAP)) {
      long va = slot(op.intArg(0));
      long flavour = FLAVOURS[op.intArg(2)];
      long pte =
          flavour == -1
              ? Pte.makeSwap(1, 10 + op.intArg(0))
              : Pte.make(s.frames[op.intArg(1)], flavour);
      contract.map(s.root, va, pte);
      contract.pt.flushTlbPage(va);
      s.entries.put(va, pte);
      for (int level = 1; level < contract.pt.levels(); level++) {
        s.tables.get(level - 1).add(va >>> MmuContract.shift(level + 1));
      }
    } else if (op.is(UNMAP)) {
      long va = slot(op.intArg(0));
      contract.map(s.root, va, 0);
      contract.pt.flushTlbPage(va);
      s.entries.remove(va);
    } else if (op.is(INVLPG)) {
      s.mmu.invlpg(slot(op.intArg(0)));
    } else if (op.is(TRANSLATE)) {
      translate(s, slot(op.intArg(0)) + 8 * op.intArg(0), op.intArg(1), op.intArg(2) == 1);
    } else if (op.is(FREE_TABLES)) {
      long a = slot(Math.min(op.intArg(0), op.intArg(1)));
      long b = slot(Math.max(op.intArg(0), op.intArg(1))) + Page.PAGE_SIZE;
      long before = s.modelTables();
      for (int level = 1; level < contract.pt.levels(); level++) {
        int sh = MmuContract.shift(level + 1);
        Set<Long> spans = s.tables.get(level - 1);
        for (Long span : new ArrayList<>(spans)) {
          long lo = span << sh;
          long hi = lo + (1L << sh);
          boolean touches = lo < b && a < hi;
          if (touches && !holdsAnything(s, level, span)) {
            spans.remove(span);
          }
        }
      }
      assertThat(contract.pt.freeEmptyTables(s.root, a, b)).isEqualTo(before - s.modelTables());
    } else {
      throw new AssertionError("unknown operation " + op);
    }
  }

  /** True when the model has an entry, or a table, below the level-L table {@code span}. */
  private boolean holdsAnything(RandomState s, int level, long span) {
    int sh = MmuContract.shift(level + 1);
    Long e = s.entries.ceilingKey(span << sh);
    if (e != null && (e >>> sh) == span) {
      return true;
    }
    if (level > 1) {
      int below = MmuContract.shift(level);
      for (long child : s.tables.get(level - 2)) {
        if ((child << below) >>> sh == span) {
          return true;
        }
      }
    }
    return false;
  }

  private void translate(RandomState s, long va, int access, boolean user) {
    long page = va & ~Page.PAGE_OFFSET_MASK;
    Long pte = s.entries.get(page);
    long got = s.mmu.translate(va, access, user);
    if (pte == null || !Pte.present(pte)) {
      assertThat(got).as("access to an unmapped page").isEqualTo(Mmu.FAULT);
      assertThat(s.mmu.errorCode() & ErrorCode.PROT).isZero();
      assertThat(s.mmu.cr2()).isEqualTo(va);
      return;
    }
    boolean allowed =
        (!user || (pte & Pte.USER) != 0)
            && (access != Access.WRITE || (pte & Pte.RW) != 0)
            && (access != Access.EXECUTE || (pte & Pte.NX) == 0);
    if (allowed) {
      assertThat(got).isEqualTo(Page.pfnToPhys(Pte.pfn(pte)) + (va & Page.PAGE_OFFSET_MASK));
      long now = contract.pt.readPte(s.root, page);
      assertThat(now & Pte.ACCESSED).isNotZero();
      if (access == Access.WRITE) {
        assertThat(now & Pte.DIRTY).isNotZero();
      }
      s.entries.put(page, now);
    } else {
      assertThat(got).isEqualTo(Mmu.FAULT);
      int code =
          ErrorCode.PROT
              | (user ? ErrorCode.USER : 0)
              | (access == Access.WRITE ? ErrorCode.WRITE : 0)
              | (access == Access.EXECUTE ? ErrorCode.INSTR : 0);
      assertThat(s.mmu.errorCode()).isEqualTo(code);
      long now = contract.pt.readPte(s.root, page);
      assertThat(now & ~(Pte.ACCESSED | Pte.DIRTY))
          .as("a faulting access changes no bit but A and D")
          .isEqualTo(pte & ~(Pte.ACCESSED | Pte.DIRTY));
      s.entries.put(page, now);
    }
  }

  @Override
  public void checkInvariants(RandomState s) {
    contract.pt.checkInvariants();
    contract.pages.checkInvariants();
    List<long[]> walked = new ArrayList<>();
    contract.pt.walkRange(
        s.root, 0, contract.pt.taskSizeMax(), (va, e) -> walked.add(new long[] {va, e}));
    assertThat(walked).hasSize(s.entries.size());
    int i = 0;
    for (var e : s.entries.entrySet()) {
      assertThat(walked.get(i)[0]).isEqualTo(e.getKey());
      assertThat(walked.get(i)[1]).isEqualTo(e.getValue());
      i++;
    }
    assertThat(contract.pt.tablePages(s.root))
        .as("tables of the address space")
        .isEqualTo(s.modelTables());
    assertThat(s.freeAtStart - contract.pages.nrFreePages())
        .as("table frames taken since the start")
        .isEqualTo(contract.pt.tablePages() - s.allTablesAtStart);
  }
}
