package io.mmsim.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.spi.PageTableProvider;
import io.mmsim.api.spi.Provider;
import io.mmsim.api.trace.Tracepoint;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.mm.Processes;

/**
 * The minor-fault shortcuts (the faulting walk's PTE slot handed to the fault handlers, the
 * restarted access read from the leaf) against the same kernel whose MMUs offer neither ({@link
 * WalkingPageTableProvider}): a seeded random workload of processes, forks, anonymous, shared and
 * file mappings, reads, writes and instruction fetches on two CPUs, mprotect and munmap, under a
 * per-process resident limit and swap, must give the same answers, the same /proc views, the same
 * TLB statistics and the same trace events in the same order.
 */
final class FaultShortcutEquivalenceTest {
  private static final int PIDS = 3;
  private static final int FILE_PAGES = 24;

  @TempDir Path tmp;

  /** One kernel of the pair, with what it said. */
  private static final class Run {
    final Kernel kernel;
    final Processes p;
    final List<String> events = new ArrayList<>();
    final List<String> reports = new ArrayList<>();

    Run(Kernel.Builder builder, String pageTable, int rssLimit) {
      kernel =
          builder
              .trace(EnumSet.allOf(Tracepoint.class), e -> events.add(e.line()))
              .set("memory.size", "24M")
              .set("kernel.image-size", "1M")
              .set("cpus", "2")
              .set("swap.memory", "4M")
              .set("rss.limit", Integer.toString(rssLimit))
              .set("page-table", pageTable)
              .boot();
      p = kernel.processes();
      p.setReporter(reports::add);
    }
  }

  private static List<Provider> providers() {
    List<Provider> all = new ArrayList<>();
    PageTableProvider x86 = null;
    for (List<Provider> list : Kernel.discoverProviders().values()) {
      for (Provider p : list) {
        all.add(p);
        if (p instanceof PageTableProvider t && p.name().equals("x86_64")) {
          x86 = t;
        }
      }
    }
    assertThat(x86).as("the x86_64 provider is discovered").isNotNull();
    all.add(new WalkingPageTableProvider(x86));
    return all;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void randomWorkload_shortcutsOrWalks_sameAnswersViewsCountsAndEvents(long seed)
      throws IOException {
    Path file = tmp.resolve("data");
    byte[] content = new byte[FILE_PAGES * 4096];
    new SplittableRandom(seed).nextBytes(content);
    Files.write(file, content);
    int rssLimit = seed % 2 == 0 ? 0 : 16;
    List<Provider> providers = providers();
    Run fast = new Run(Kernel.builder().providers(providers), "x86_64", rssLimit);
    Run slow = new Run(Kernel.builder().providers(providers), "x86_64-walk", rssLimit);
    assertThat(fast.kernel.proc("meminfo")).isEqualTo(slow.kernel.proc("meminfo"));

    SplittableRandom rnd = new SplittableRandom(seed);
    List<List<long[]>> regions = new ArrayList<>();
    for (int i = 0; i <= PIDS; i++) {
      regions.add(new ArrayList<>());
    }
    for (int step = 0; step < 2500; step++) {
      int pid = 1 + rnd.nextInt(PIDS);
      int op = rnd.nextInt(100);
      String a;
      String b;
      if (!fast.p.isAlive(pid)) {
        a = call(() -> fast.p.spawn(pid) != null);
        b = call(() -> slow.p.spawn(pid) != null);
        regions.get(pid).clear();
      } else if (op < 8) {
        int pages = 1 + rnd.nextInt(48);
        int kind = rnd.nextInt(4);
        int prot = rnd.nextInt(5) == 0 ? Prot.READ | Prot.EXEC : Prot.READ | Prot.WRITE;
        boolean shared = kind == 1 || kind == 3;
        Path f = kind >= 2 ? file : null;
        long off = kind >= 2 ? (long) rnd.nextInt(FILE_PAGES / 2) * 4096 : 0;
        boolean populate = rnd.nextInt(6) == 0;
        long[] fa = new long[1];
        a =
            call(
                () ->
                    (fa[0] = fast.p.mmap(pid, pages * 4096L, prot, f, off, shared, -1, populate))
                        >= 0);
        b =
            call(
                () -> slow.p.mmap(pid, pages * 4096L, prot, f, off, shared, -1, populate) == fa[0]);
        if (a.equals("true")) {
          regions.get(pid).add(new long[] {fa[0], pages});
        }
      } else if (op < 10 && !regions.get(pid).isEmpty()) {
        long[] r = regions.get(pid).remove(rnd.nextInt(regions.get(pid).size()));
        a =
            call(
                () -> {
                  fast.p.munmap(pid, r[0], r[1] * 4096);
                  return true;
                });
        b =
            call(
                () -> {
                  slow.p.munmap(pid, r[0], r[1] * 4096);
                  return true;
                });
      } else if (op < 12 && !regions.get(pid).isEmpty()) {
        long[] r = regions.get(pid).get(rnd.nextInt(regions.get(pid).size()));
        int prot = rnd.nextBoolean() ? Prot.READ : Prot.READ | Prot.WRITE;
        a =
            call(
                () -> {
                  fast.p.mprotect(pid, r[0], r[1] * 4096, prot);
                  return true;
                });
        b =
            call(
                () -> {
                  slow.p.mprotect(pid, r[0], r[1] * 4096, prot);
                  return true;
                });
      } else if (op < 14) {
        int child = 1 + rnd.nextInt(PIDS);
        if (fast.p.isAlive(child)) {
          a =
              call(
                  () -> {
                    fast.p.exit(child);
                    return true;
                  });
          b =
              call(
                  () -> {
                    slow.p.exit(child);
                    return true;
                  });
        } else {
          a = call(() -> fast.p.fork(pid, child) != null);
          b = call(() -> slow.p.fork(pid, child) != null);
          List<long[]> copy = new ArrayList<>();
          for (long[] r : regions.get(pid)) {
            copy.add(r.clone());
          }
          regions.set(child, copy);
        }
      } else if (!regions.get(pid).isEmpty()) {
        long[] r = regions.get(pid).get(rnd.nextInt(regions.get(pid).size()));
        long addr = r[0] + (long) rnd.nextInt((int) r[1]) * 4096 + rnd.nextInt(4096);
        int cpu = rnd.nextInt(2);
        int kind = rnd.nextInt(10);
        if (kind < 4) {
          a = call(() -> fast.p.touch(fast.p.task(pid), cpu, addr, Access.WRITE));
          b = call(() -> slow.p.touch(slow.p.task(pid), cpu, addr, Access.WRITE));
        } else if (kind < 7) {
          a = call(() -> fast.p.touch(fast.p.task(pid), cpu, addr, Access.READ));
          b = call(() -> slow.p.touch(slow.p.task(pid), cpu, addr, Access.READ));
        } else if (kind < 8) {
          a = call(() -> fast.p.exec(pid, cpu, addr));
          b = call(() -> slow.p.exec(pid, cpu, addr));
        } else if (kind < 9) {
          byte[] data = {(byte) step, (byte) (step >> 8), 7};
          a = call(() -> fast.p.write(pid, cpu, addr, data));
          b = call(() -> slow.p.write(pid, cpu, addr, data));
        } else {
          a = bytes(() -> fast.p.read(pid, cpu, addr, 16));
          b = bytes(() -> slow.p.read(pid, cpu, addr, 16));
        }
      } else {
        continue;
      }
      assertThat(a).as("step %d (pid %d, op %d)", step, pid, op).isEqualTo(b);
      if (step % 25 == 0 || step == 2499) {
        for (String name : fast.kernel.procNames()) {
          assertThat(fast.kernel.proc(name))
              .as("step %d /proc/%s", step, name)
              .isEqualTo(slow.kernel.proc(name));
        }
      } else {
        assertThat(fast.kernel.proc("vmstat"))
            .as("step %d vmstat", step)
            .isEqualTo(slow.kernel.proc("vmstat"));
      }
      for (int cpu = 0; cpu < 2; cpu++) {
        Mmu f = fast.kernel.pageTable().mmu(cpu);
        Mmu s = slow.kernel.pageTable().mmu(cpu);
        assertThat(
                new long[] {
                  f.tlbHits(),
                  f.tlbMisses(),
                  f.tlbLookupMisses(),
                  f.tlbSetLookups(),
                  f.tlbValidEntries(),
                  f.cr2(),
                  f.errorCode(),
                  f.cr3()
                })
            .as("step %d cpu %d: TLB counts, CR2, error code, CR3", step, cpu)
            .containsExactly(
                s.tlbHits(),
                s.tlbMisses(),
                s.tlbLookupMisses(),
                s.tlbSetLookups(),
                s.tlbValidEntries(),
                s.cr2(),
                s.errorCode(),
                s.cr3());
      }
      assertThat(fast.events.size())
          .as("step %d events so far", step)
          .isEqualTo(slow.events.size());
    }
    assertThat(fast.events).isEqualTo(slow.events);
    assertThat(fast.reports).isEqualTo(slow.reports);
    long faults = vmstat(fast.kernel, "pgfault");
    assertThat(faults).as("faults taken").isGreaterThan(600);
    if (rssLimit > 0) {
      assertThat(vmstat(fast.kernel, "pswpout")).as("pages swapped out").isPositive();
    }
    fast.p.checkInvariants();
    slow.p.checkInvariants();
  }

  private static long vmstat(Kernel k, String key) {
    for (String line : k.proc("vmstat").split("\n")) {
      String[] f = line.split(" ");
      if (f[0].equals(key)) {
        return Long.parseLong(f[1]);
      }
    }
    throw new AssertionError("no " + key + " in /proc/vmstat");
  }

  @FunctionalInterface
  private interface Call {
    boolean run();
  }

  @FunctionalInterface
  private interface Read {
    byte[] run();
  }

  /** What a call answered, or the exception it threw. */
  private static String call(Call c) {
    try {
      return Boolean.toString(c.run());
    } catch (RuntimeException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  private static String bytes(Read r) {
    try {
      byte[] b = r.run();
      return b == null ? "killed" : java.util.Arrays.toString(b);
    } catch (RuntimeException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }
}
