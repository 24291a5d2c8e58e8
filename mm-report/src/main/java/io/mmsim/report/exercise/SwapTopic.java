package io.mmsim.report.exercise;

import java.util.List;

import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.kernel.stat.VmEvent;

/**
 * Swapping under a resident limit: a process may keep only R pages in memory ({@code rss.limit});
 * it touches its pages in a given order and the student says after each access which pages are in
 * memory and which are out, in which swap slot. The solution reads the process's PTEs on the booted
 * kernel: a present PTE names the frame, a swap PTE the area and slot (mm/swapfile.c:
 * scan_swap_map_slots hands out slots from the start of the area; slot 0 is the header).
 */
final class SwapTopic implements Topic {
  private static final long BASE = 0x600000L;

  @Override
  public String name() {
    return "swap";
  }

  @Override
  public String summary() {
    return "a resident limit: which pages are out after each access, and in which slots";
  }

  @Override
  public int defaultCount() {
    return 12;
  }

  @Override
  public void write(Text t, Rng rng, int n) {
    String policy = rng.pick(List.of("fifo", "lru"));
    int limit = rng.between(2, 3);
    int pages = limit + rng.between(1, 3);
    Machine m =
        new Machine(
            "memory.size=64M",
            "cpus=1",
            "swap.memory=1M",
            "rss.limit=" + limit,
            "reclaim.policy=" + policy);
    m.run("spawn 1");
    m.run("mmap 1 buf " + pages * 4 + "K rw- at=0x" + Long.toHexString(BASE));
    t.q(
        "Swap. Process 1 may keep at most %d pages in memory (rss.limit=%d); over the limit,",
        limit, limit);
    t.q(
        "the %s policy picks the page to write out to the swap area, whose slots are",
        policy.toUpperCase(java.util.Locale.ROOT));
    t.q("handed out from slot 1 upward (slot 0 holds the header). Process 1 maps %d pages:", pages);
    t.q("  mmap 1 buf %dK rw- at=0x%x", pages * 4, BASE);
    t.q("");
    t.q("Then it touches them in this order (page i is at 0x%x + i * 0x1000):", BASE);
    boolean[] touched = new boolean[pages];
    PageTable pt = m.kernel().pageTable();
    int last = -1;
    for (int i = 1; i <= n; i++) {
      int page = rng.nextInt(pages);
      while (page == last) {
        page = rng.nextInt(pages);
      }
      last = page;
      boolean write = !touched[page] || rng.chance(50);
      touched[page] = true;
      String line =
          write
              ? "write 1 buf+0x" + Integer.toHexString(page << 12) + " \"s" + i + "\""
              : "read 1 buf+0x" + Integer.toHexString(page << 12) + " 1";
      t.q("  %d. %s", i, line);
      long va = BASE + ((long) page << 12);
      long pteBefore = pt.readPte(m.root(1), va);
      long major = m.event(VmEvent.PGMAJFAULT);
      long minor = m.event(VmEvent.PGFAULT) - major;
      long out = m.kernel().swap().statistics().get("pswpout");
      m.run(line);
      long dMajor = m.event(VmEvent.PGMAJFAULT) - major;
      long dMinor = m.event(VmEvent.PGFAULT) - dMajor - minor;
      long dOut = m.kernel().swap().statistics().get("pswpout") - out;
      t.a("  %d. %s", i, line);
      String what;
      if (dMajor > 0) {
        what = String.format("major fault: swapped in from slot %d", Pte.swapOffset(pteBefore));
      } else if (dMinor > 0) {
        what = "minor fault: a new zero-filled frame";
      } else {
        what = "in memory: no fault";
      }
      t.a("      %s%s", what, dOut > 0 ? String.format("; %d page(s) swapped out", dOut) : "");
      StringBuilder s = new StringBuilder("      ");
      for (int p = 0; p < pages; p++) {
        long pte = pt.readPte(m.root(1), BASE + ((long) p << 12));
        String where;
        if (Pte.present(pte)) {
          where = "in frame 0x" + Long.toHexString(Pte.pfn(pte));
        } else if (Pte.isSwap(pte)) {
          where = "out, slot " + Pte.swapOffset(pte);
        } else {
          where = "never touched";
        }
        s.append(p == 0 ? "" : "; ").append(p).append(' ').append(where);
      }
      t.a("%s", s);
    }
    t.q("");
    t.q("After each access: which pages are in memory, which are swapped out, and in which");
    t.q("slot? Which accesses are major faults?");
  }
}
