package io.mmsim.report.exercise;

import java.util.ArrayList;
import java.util.List;

import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.kernel.stat.VmEvent;

/**
 * Copy-on-write after fork: a process fills a few private pages and forks; then parent and child
 * write; the student says after each step which pages still share a frame. The solution reads both
 * processes' page tables and the frames' map counts on the booted kernel (mm/memory.c:
 * copy_present_pte write-protects both sides at fork, do_wp_page copies a shared page or reuses the
 * frame when the writer holds its only mapping).
 */
final class CowTopic implements Topic {
  private static final long BASE = 0x600000L;

  @Override
  public String name() {
    return "cow";
  }

  @Override
  public String summary() {
    return "fork and copy-on-write: which frames are shared after each write";
  }

  @Override
  public int defaultCount() {
    return 6;
  }

  @Override
  public void write(Text t, Rng rng, int n) {
    int pages = rng.between(3, 5);
    Machine m = new Machine("memory.size=64M", "cpus=1");
    List<String> setup = new ArrayList<>();
    setup.add("spawn 1");
    setup.add("mmap 1 buf " + pages * 4 + "K rw- private at=0x" + Long.toHexString(BASE));
    for (int p = 0; p < pages; p++) {
      setup.add("write 1 buf+0x" + Integer.toHexString(p << 12) + " \"p" + p + "\"");
    }
    setup.add("fork 1 2");
    t.q(
        "Copy-on-write. Process 1 maps %d private anonymous pages at 0x%x, writes each one,",
        pages, BASE);
    t.q("then forks process 2:");
    for (String line : setup) {
      t.q("  %s", line);
      m.run(line);
    }
    t.q("");
    t.q("Then, in order (page i is at 0x%x + i * 0x1000):", BASE);
    t.a("  each page: one shared frame, or process 1's frame|process 2's frame");
    t.a("  after fork 1 2:");
    state(t, m, pages);
    int last = -1;
    for (int i = 1; i <= n; i++) {
      int pid;
      int page;
      do {
        pid = rng.between(1, 2);
        page = rng.nextInt(pages);
      } while (pid * 100 + page == last);
      last = pid * 100 + page;
      long va = BASE + ((long) page << 12);
      String line =
          "write " + pid + " buf+0x" + Integer.toHexString(page << 12) + " \"w" + i + "\"";
      t.q("  %d. %s", i, line);
      PageTable pt = m.kernel().pageTable();
      long pteBefore = pt.readPte(m.root(pid), va);
      long pfnBefore = Pte.pfn(pteBefore);
      int mapBefore = m.kernel().processes().mapCount(pfnBefore);
      long faults = m.event(VmEvent.PGFAULT);
      m.run(line);
      long pfnAfter = Pte.pfn(pt.readPte(m.root(pid), va));
      t.a("  %d. %s", i, line);
      if (m.event(VmEvent.PGFAULT) == faults) {
        t.a(
            "      no fault: process %d's page %d is already private and writable (frame 0x%x)",
            pid, page, pfnAfter);
      } else if (pfnAfter != pfnBefore) {
        t.a(
            "      write fault (error code 0x7: present, write, user) on a read-only PTE;\n"
                + "      frame 0x%x had %d mappings, so do_wp_page copies it to frame 0x%x",
            pfnBefore, mapBefore, pfnAfter);
      } else {
        t.a(
            "      write fault on a read-only PTE, but frame 0x%x has only this mapping left:\n"
                + "      do_wp_page reuses it and makes the PTE writable, no copy",
            pfnBefore);
      }
      state(t, m, pages);
    }
    t.q("");
    t.q("After the fork and after each write: which pages do processes 1 and 2 share (one frame");
    t.q("mapped by both), and which writes copy a page?");
  }

  private static void state(Text t, Machine m, int pages) {
    PageTable pt = m.kernel().pageTable();
    StringBuilder s = new StringBuilder("      page:");
    for (int p = 0; p < pages; p++) {
      long va = BASE + ((long) p << 12);
      long a = pt.readPte(m.root(1), va);
      long b = pt.readPte(m.root(2), va);
      s.append(
          Pte.pfn(a) == Pte.pfn(b)
              ? String.format("  %d shared 0x%x", p, Pte.pfn(a))
              : String.format("  %d 0x%x|0x%x", p, Pte.pfn(a), Pte.pfn(b)));
    }
    t.a("%s", s);
  }
}
