package io.mmsim.report.exercise;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;

/**
 * Address translation: a process's page tables are dumped; for each virtual address and access the
 * student gives the index at every level, the entries met and the physical address, or the page
 * fault with its error code. The solution is the simulated MMU's own walk (x86-64, 4 or 5 levels:
 * arch/x86/mm/fault.c for the error code, Intel SDM vol. 3 ch. 4 for the walk).
 */
final class WalkTopic implements Topic {
  private static final long CODE = 0x400000L;
  private static final long DATA = 0x7f0000200000L;
  private static final long HEAP = 0x7f0000e00000L;

  @Override
  public String name() {
    return "walk";
  }

  @Override
  public String summary() {
    return "a 4- or 5-level page walk: indices, entries, physical address or the fault";
  }

  @Override
  public int defaultCount() {
    return 4;
  }

  @Override
  public void write(Text t, Rng rng, int n) {
    int levels = rng.chance(70) ? 4 : 5;
    Machine m = new Machine("memory.size=64M", "cpus=1", "x86_64.levels=" + levels);
    List<String> setup = new ArrayList<>();
    setup.add("spawn 1");
    setup.add("mmap 1 code 16K r-x at=0x" + Long.toHexString(CODE) + " populate");
    setup.add("mmap 1 data 16K rw- at=0x" + Long.toHexString(DATA) + " populate");
    setup.add("mmap 1 heap 16K rw- at=0x" + Long.toHexString(HEAP));
    int written = rng.nextInt(4);
    setup.add("write 1 heap+0x" + Integer.toHexString(written << 12) + " \"x\"");
    setup.add(
        "read 1 heap+0x" + Integer.toHexString(((written + rng.between(1, 3)) & 3) << 12) + " 1");
    for (String line : setup) {
      m.run(line);
    }
    PageTable pt = m.kernel().pageTable();
    long root = m.root(1);
    String[] names = levelNames(levels);

    t.q(
        "x86-64 paging with %d levels (%s), 4 KiB pages. Process 1 was set up by:",
        levels, String.join(", ", names));
    for (String line : setup) {
      t.q("  %s", line);
    }
    t.q("");
    t.q("CR3 holds pfn 0x%x. Its page tables, user half only (the kernel half of the top", root);
    t.q("table is left out), non-zero entries only:");
    Map<Long, Map<Integer, Long>> tables = new TreeMap<>();
    Map<Long, Integer> tableLevel = new TreeMap<>();
    for (long base : new long[] {CODE, DATA, HEAP}) {
      for (long va = base; va < base + 0x4000; va += 0x1000) {
        collect(pt, root, va, levels, tables, tableLevel);
      }
    }
    for (Map.Entry<Long, Map<Integer, Long>> e : tables.entrySet()) {
      t.q("  frame 0x%x (%s table):", e.getKey(), names[levels - tableLevel.get(e.getKey())]);
      for (Map.Entry<Integer, Long> x : e.getValue().entrySet()) {
        t.q("    [%3d] %s", x.getKey(), Pte.describe(x.getValue()));
      }
    }
    t.q("");
    t.q("Entry bits: P present, RW writable, US user, A accessed, D dirty, NX no execute.");
    t.q("The CPU runs in user mode. For each access: the index at each level, the entries the");
    t.q("walk reads, and the physical address; or the page fault and its error code (bit 0 P,");
    t.q("1 W, 2 U, 4 I).");
    t.q("");
    Mmu mmu = m.kernel().pageTable().mmu(0);
    mmu.loadCr3(root);
    for (int i = 1; i <= n; i++) {
      long va = address(rng);
      int access = rng.pick(List.of(Access.READ, Access.READ, Access.WRITE, Access.EXECUTE));
      t.q("  %d. %s 0x%x", i, Access.name(access), va);
      t.a("  %d. %s 0x%x", i, Access.name(access), va);
      StringBuilder idx = new StringBuilder("      indices:");
      for (int l = levels; l >= 1; l--) {
        idx.append(String.format(" %s %d", names[levels - l], index(va, l)));
      }
      idx.append(String.format(", offset 0x%x", va & 0xfff));
      t.a("%s", idx);
      long table = root;
      for (int l = levels; l >= 1; l--) {
        long e = pt.readEntry(root, va, l);
        t.a(
            "      %s[%d] in frame 0x%x = %s",
            names[levels - l],
            index(va, l),
            table,
            e == 0 ? "0 (empty: the walk stops)" : Pte.describe(e));
        if (!Pte.present(e)) {
          break;
        }
        table = Pte.pfn(e);
      }
      mmu.flushTlbAll();
      long pa = mmu.translate(va, access, true);
      if (pa >= 0) {
        t.a("      -> physical address 0x%x", pa);
      } else {
        int code = mmu.errorCode();
        t.a(
            "      -> page fault, CR2 0x%x, error code 0x%x (%s): %s",
            mmu.cr2(), code, bits(code), ErrorCode.describe(code));
      }
    }
  }

  private static String bits(int code) {
    StringBuilder s = new StringBuilder();
    s.append((code & ErrorCode.PROT) != 0 ? "P=1 present" : "P=0 not present");
    s.append((code & ErrorCode.WRITE) != 0 ? ", W=1 write" : ", W=0 read");
    s.append((code & ErrorCode.USER) != 0 ? ", U=1 user" : ", U=0 kernel");
    if ((code & ErrorCode.INSTR) != 0) {
      s.append(", I=1 instruction fetch");
    }
    return s.toString();
  }

  /** An address in one of the three areas, or now and then one no area covers. */
  private static long address(Rng rng) {
    int r = rng.nextInt(10);
    long base = r < 4 ? CODE : r < 7 ? DATA : r < 9 ? HEAP : 0x7f0000400000L;
    return base + ((long) rng.nextInt(4) << 12) + (rng.nextInt(256) << 4);
  }

  private static int index(long va, int level) {
    return (int) ((va >>> (12 + 9 * (level - 1))) & 511);
  }

  private static void collect(
      PageTable pt,
      long root,
      long va,
      int levels,
      Map<Long, Map<Integer, Long>> tables,
      Map<Long, Integer> tableLevel) {
    long table = root;
    for (int l = levels; l >= 1; l--) {
      long e = pt.readEntry(root, va, l);
      if (e == 0) {
        return;
      }
      tables.computeIfAbsent(table, k -> new TreeMap<>()).put(index(va, l), e);
      tableLevel.put(table, l);
      if (!Pte.present(e)) {
        return;
      }
      table = Pte.pfn(e);
    }
  }

  private static String[] levelNames(int levels) {
    return levels == 5
        ? new String[] {"PGD", "P4D", "PUD", "PMD", "PTE"}
        : new String[] {"PGD", "PUD", "PMD", "PTE"};
  }
}
