package io.mmsim.report.exercise;

import java.util.ArrayList;
import java.util.List;

import io.mmsim.api.paging.Mmu;

/**
 * TLB hits and misses: a process touches its pages in a given order through a small set-associative
 * TLB; the student marks each access a hit or a miss. The solution counts the simulated MMU's own
 * TLB lookups for every access.
 */
final class TlbTopic implements Topic {
  private static final long BASE = 0x600000L;

  @Override
  public String name() {
    return "tlb";
  }

  @Override
  public String summary() {
    return "hits and misses of a small set-associative TLB for an access sequence";
  }

  @Override
  public int defaultCount() {
    return 12;
  }

  @Override
  public void write(Text t, Rng rng, int n) {
    int entries = rng.pick(List.of(4, 4, 8));
    int ways = entries == 4 ? rng.pick(List.of(1, 2, 4)) : rng.pick(List.of(2, 4));
    int sets = entries / ways;
    int pages = entries + rng.between(1, 4);
    Machine m =
        new Machine(
            "memory.size=64M",
            "cpus=1",
            "x86_64.tlb-entries=" + entries,
            "x86_64.tlb-ways=" + ways);
    m.run("spawn 1");
    m.run("mmap 1 buf " + pages * 4 + "K rw- at=0x" + Long.toHexString(BASE) + " populate");
    Mmu mmu = m.kernel().pageTable().mmu(0);

    t.q(
        "A TLB of %d entries, %d-way set associative: %d set(s); the page with virtual page",
        entries, ways, sets);
    t.q(
        "number VPN goes to set VPN mod %d. A full set replaces its entries round robin (the",
        sets);
    t.q("oldest fill goes first). The TLB is empty at the start.");
    t.q(
        "Process 1 has %d pages mapped from 0x%x (VPN 0x%x to 0x%x), all present.",
        pages, BASE, BASE >>> 12, (BASE >>> 12) + pages - 1);
    t.q("");
    List<Integer> seq = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int p;
      do {
        p = i >= 3 && rng.chance(30) ? seq.get(i - 2 - rng.nextInt(2)) : rng.nextInt(pages);
      } while (i > 0 && p == seq.get(i - 1));
      seq.add(p);
    }
    StringBuilder s = new StringBuilder();
    for (int p : seq) {
      s.append(s.length() == 0 ? "" : ", ").append(String.format("0x%x", BASE + (p << 12) + 0x10));
    }
    t.q("Reads, in order: %s", s);
    t.q("");
    t.q("Which accesses hit in the TLB, which miss? What is the hit rate?");

    mmu.loadCr3(m.root(1));
    mmu.flushTlbAll();
    long hits = 0;
    for (int i = 0; i < n; i++) {
      long va = BASE + ((long) seq.get(i) << 12) + 0x10;
      long h0 = mmu.tlbHits();
      long m0 = mmu.tlbMisses();
      m.run("read 1 0x" + Long.toHexString(va) + " 1");
      long dh = mmu.tlbHits() - h0;
      long dm = mmu.tlbMisses() - m0;
      if (dh + dm != 1) {
        throw new IllegalStateException(
            "read 0x" + Long.toHexString(va) + " made " + (dh + dm) + " TLB lookups, not 1");
      }
      long vpn = va >>> 12;
      hits += dh;
      t.a(
          "  %2d. 0x%x  VPN 0x%x set %d: %s",
          i + 1, va, vpn, vpn % sets, dh == 1 ? "hit" : "miss" + why(seq, i, sets, (BASE >>> 12)));
    }
    t.a("");
    t.a("  %d hits, %d misses: hit rate %d%%.", hits, n - hits, Math.round(100.0 * hits / n));
  }

  private static String why(List<Integer> seq, int i, int sets, long baseVpn) {
    for (int j = i - 1; j >= 0; j--) {
      if (seq.get(j).equals(seq.get(i))) {
        return " (used before, since evicted from its set)";
      }
    }
    return " (first use)";
  }
}
