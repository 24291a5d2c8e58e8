package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Page;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.reclaim.ReferenceString;
import io.mmsim.kernel.Kernel;
import io.mmsim.testkit.Op;
import io.mmsim.testkit.OpKind;
import io.mmsim.testkit.Scenario;
import io.mmsim.testkit.StatefulRunner;

/**
 * Seeded random operation sequences against a booted kernel with swap, a per-process resident limit
 * and each built-in replacement policy: spawn, fork, exit, private and shared anonymous and file
 * mappings, mprotect, writes and reads whose data is checked against a model of what every process
 * must see (copy-on-write after fork, shared pages, the file's contents), and the process side's
 * invariants after every step.
 */
final class ProcessesStatefulTest {
  private static final int SLOTS = 4;
  private static final int FILE_PAGES = 32;
  private static final long FOLLOW_FILE = Long.MIN_VALUE;

  private static final int PRIVATE_ANON = 0;
  private static final int SHARED_ANON = 1;
  private static final int PRIVATE_FILE = 2;
  private static final int SHARED_FILE = 3;
  private static final int KINDS = 4;

  static final OpKind SPAWN = new OpKind("spawn", "slot");
  static final OpKind FORK = new OpKind("fork", "parent", "child");
  static final OpKind EXIT = new OpKind("exit", "slot");
  static final OpKind MMAP = new OpKind("mmap", "slot", "kind", "pages", "fileOffset");
  static final OpKind MUNMAP = new OpKind("munmap", "slot", "region");
  static final OpKind MPROTECT = new OpKind("mprotect", "slot", "region", "writable");
  static final OpKind WRITE = new OpKind("write", "slot", "region", "page", "value");
  static final OpKind READ = new OpKind("read", "slot", "region", "page");
  static final OpKind SWEEP = new OpKind("sweep", "slot", "region", "value");
  static final OpKind RESET = new OpKind("reset");

  @TempDir Path tmp;

  /** Pages written to swap over every run of a test: the runs must have reclaimed. */
  private long swappedOut;

  // ------------------------------------------------------------------ model

  /** What a process must see in one mapping. */
  private static final class Region {
    final long start;
    final int pages;
    final int kind;
    final int filePage;
    boolean writable = true;

    /** Private pages: the tag written last (0 = never: zeros), or FOLLOW_FILE. */
    final long[] own;

    /** Shared anonymous pages: one array for every process that shares the object. */
    final long[] shared;

    Region(long start, int pages, int kind, int filePage, long[] own, long[] shared) {
      this.start = start;
      this.pages = pages;
      this.kind = kind;
      this.filePage = filePage;
      this.own = own;
      this.shared = shared;
    }

    Region forkCopy() {
      Region r = new Region(start, pages, kind, filePage, own == null ? null : own.clone(), shared);
      r.writable = writable;
      return r;
    }
  }

  private static final class Proc {
    final int pid;
    final List<Region> regions = new ArrayList<>();

    Proc(int pid) {
      this.pid = pid;
    }
  }

  /** One run: the kernel and the model of every live process. */
  private final class State {
    final Kernel kernel;
    final Processes p;
    final Proc[] procs = new Proc[SLOTS];
    final long[] file = new long[FILE_PAGES];
    final Path path;
    final List<String> reports = new ArrayList<>();
    final long freeBaseline;
    long swappedOut;

    State(String policy, int rssLimit, int headroom) {
      kernel =
          Kernel.builder()
              .set("memory.size", "24M")
              .set("kernel.image-size", "1M")
              .set("object-allocator", "none")
              .set("virtual-allocator", "none")
              .set("swap.memory", "4M")
              .set("reclaim.policy", policy)
              .set("rss.limit", Integer.toString(rssLimit))
              .boot();
      p = kernel.processes();
      p.setReporter(reports::add);
      path = tmp.resolve("file-" + System.nanoTime());
      ByteBuffer b =
          ByteBuffer.allocate(FILE_PAGES * Page.PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < FILE_PAGES; i++) {
        file[i] = 0x4649_4c45_0000_0000L | i;
        b.putLong(i * Page.PAGE_SIZE, file[i]);
      }
      try {
        Files.write(path, b.array());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      // leave the processes little memory so that global reclaim runs too
      PageAllocator pa = kernel.pageAllocator();
      pa.drainAllPages();
      while (headroom > 0 && pa.nrFreePages() > headroom) {
        if (pa.allocPages(0, Gfp.KERNEL, 0) == PageAllocator.NO_PAGE) {
          break;
        }
      }
      pa.drainAllPages();
      freeBaseline = pa.nrFreePages();
    }

    /** Forgets processes the kernel killed; only the OOM killer may kill a process unasked. */
    void reap() {
      for (int s = 0; s < SLOTS; s++) {
        if (procs[s] != null && !p.isAlive(procs[s].pid)) {
          int pid = procs[s].pid;
          assertThat(reports)
              .as("pid %d died without an OOM kill", pid)
              .anyMatch(r -> r.startsWith("Out of memory: Killed process " + pid + " "));
          procs[s] = null;
        }
      }
    }

    Region region(Proc pr, long index) {
      return pr.regions.isEmpty() ? null : pr.regions.get((int) (index % pr.regions.size()));
    }

    long expected(Region r, int page) {
      return switch (r.kind) {
        case PRIVATE_ANON -> r.own[page];
        case SHARED_ANON -> r.shared[page];
        case SHARED_FILE -> file[r.filePage + page];
        default -> r.own[page] == FOLLOW_FILE ? file[r.filePage + page] : r.own[page];
      };
    }

    void written(Region r, int page, long tag) {
      switch (r.kind) {
        case SHARED_ANON -> r.shared[page] = tag;
        case SHARED_FILE -> file[r.filePage + page] = tag;
        default -> r.own[page] = tag;
      }
    }

    /** Writes one tag; false when the process died of it. */
    boolean write(Proc pr, Region r, int page, long tag) {
      byte[] b = new byte[8];
      ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(tag);
      boolean ok = p.write(pr.pid, 0, r.start + ((long) page << Page.PAGE_SHIFT), b);
      if (!r.writable) {
        assertThat(ok).as("a write to a read-only page kills").isFalse();
        assertThat(reports.get(reports.size() - 1)).contains("SEGV_ACCERR");
        return false;
      }
      if (ok) {
        written(r, page, tag);
      }
      return ok;
    }

    void read(Proc pr, Region r, int page) {
      byte[] got = p.read(pr.pid, 0, r.start + ((long) page << Page.PAGE_SHIFT), 8);
      if (got == null) {
        return; // killed by the OOM killer: reap() checks
      }
      long tag = ByteBuffer.wrap(got).order(ByteOrder.LITTLE_ENDIAN).getLong();
      assertThat(tag)
          .as("pid %d page %d of the mapping at 0x%x", pr.pid, page, r.start)
          .isEqualTo(expected(r, page));
    }

    void exitAll() {
      for (int s = 0; s < SLOTS; s++) {
        if (procs[s] != null) {
          p.exit(procs[s].pid);
          procs[s] = null;
        }
      }
    }

    void checkNoLeaks() {
      p.checkInvariants();
      kernel.pageAllocator().drainAllPages();
      assertThat(kernel.pageAllocator().nrFreePages())
          .as("every frame back once every process is gone")
          .isEqualTo(freeBaseline);
      assertThat(kernel.swap().freeSwapPages()).isEqualTo(kernel.swap().totalSwapPages());
      assertThat(kernel.swap().swapCachePages()).isZero();
      assertThat(p.cachedPages()).isZero();
      assertThat(kernel.pageTable().tablePages()).isEqualTo(kernel.pageTable().kernelTablePages());
    }
  }

  private static long tag(long value) {
    return (value * 0x9E37_79B9_7F4A_7C15L) | 1;
  }

  // ------------------------------------------------------------------ scenario

  private final class ProcessScenario implements Scenario<State> {
    final String policy;
    final int rssLimit;
    final int headroom;
    final int maxPages;

    /**
     * @param rssLimit pages per process, 0 for none
     * @param headroom free pages left to the processes, 0 for all
     * @param maxPages the largest mapping, in pages
     */
    ProcessScenario(String policy, int rssLimit, int headroom, int maxPages) {
      this.policy = policy;
      this.rssLimit = rssLimit;
      this.headroom = headroom;
      this.maxPages = maxPages;
    }

    @Override
    public State create() {
      return new State(policy, rssLimit, headroom);
    }

    @Override
    public Op generate(SplittableRandom r, int step) {
      int slot = r.nextInt(SLOTS);
      int x = r.nextInt(100);
      if (x < 8) {
        return SPAWN.op(slot);
      } else if (x < 14) {
        return FORK.op(slot, r.nextInt(SLOTS));
      } else if (x < 17) {
        return EXIT.op(slot);
      } else if (x < 27) {
        return MMAP.op(slot, r.nextInt(KINDS), 1 + r.nextInt(maxPages), r.nextInt(FILE_PAGES));
      } else if (x < 30) {
        return MUNMAP.op(slot, r.nextInt(8));
      } else if (x < 34) {
        return MPROTECT.op(slot, r.nextInt(8), r.nextInt(4) == 0 ? 0 : 1);
      } else if (x < 64) {
        return WRITE.op(slot, r.nextInt(8), r.nextInt(maxPages), r.nextInt(1000));
      } else if (x < 92) {
        return READ.op(slot, r.nextInt(8), r.nextInt(maxPages));
      } else if (x < 99) {
        return SWEEP.op(slot, r.nextInt(8), r.nextInt(1000));
      }
      return RESET.op();
    }

    @Override
    public long shrinkFloor(Op op, int arg) {
      return op.is(MMAP) && arg == 2 ? 1 : 0;
    }

    @Override
    public void apply(State s, Op op) {
      Proc pr = op.arity() > 0 ? s.procs[op.intArg(0)] : null;
      if (op.is(SPAWN)) {
        if (pr == null && !outOfMemory(() -> s.p.spawn(op.intArg(0) + 1))) {
          s.procs[op.intArg(0)] = new Proc(op.intArg(0) + 1);
        }
      } else if (op.is(FORK)) {
        int c = op.intArg(1);
        if (pr != null && s.procs[c] == null) {
          Proc child = new Proc(c + 1);
          if (!outOfMemory(() -> s.p.fork(pr.pid, child.pid))) {
            for (Region r : pr.regions) {
              child.regions.add(r.forkCopy());
            }
            s.procs[c] = child;
          }
        }
      } else if (op.is(EXIT)) {
        if (pr != null) {
          s.p.exit(pr.pid);
          s.procs[op.intArg(0)] = null;
        }
      } else if (op.is(MMAP)) {
        if (pr != null) {
          mmap(s, pr, op.intArg(1), op.intArg(2), op.intArg(3));
        }
      } else if (op.is(MUNMAP)) {
        Region r = pr == null ? null : s.region(pr, op.arg(1));
        if (r != null) {
          s.p.munmap(pr.pid, r.start, (long) r.pages << Page.PAGE_SHIFT);
          pr.regions.remove(r);
        }
      } else if (op.is(MPROTECT)) {
        Region r = pr == null ? null : s.region(pr, op.arg(1));
        if (r != null) {
          boolean w = op.arg(2) != 0;
          s.p.mprotect(
              pr.pid,
              r.start,
              (long) r.pages << Page.PAGE_SHIFT,
              w ? Prot.READ | Prot.WRITE : Prot.READ);
          r.writable = w;
        }
      } else if (op.is(WRITE)) {
        Region r = pr == null ? null : s.region(pr, op.arg(1));
        if (r != null && !s.write(pr, r, (int) (op.arg(2) % r.pages), tag(op.arg(3)))) {
          dead(s, pr);
        }
      } else if (op.is(READ)) {
        Region r = pr == null ? null : s.region(pr, op.arg(1));
        if (r != null) {
          s.read(pr, r, (int) (op.arg(2) % r.pages));
        }
      } else if (op.is(SWEEP)) {
        Region r = pr == null ? null : s.region(pr, op.arg(1));
        if (r != null) {
          for (int i = 0; i < r.pages; i++) {
            if (!s.write(pr, r, i, tag(op.arg(2) + i))) {
              dead(s, pr);
              break;
            }
          }
          for (int i = 0; i < r.pages && s.p.isAlive(pr.pid); i++) {
            s.read(pr, r, i);
          }
        }
      } else if (op.is(RESET)) {
        s.exitAll();
        s.checkNoLeaks();
      }
      s.reap();
    }

    /** Runs a spawn or fork; true when it failed for want of memory (ENOMEM, nothing done). */
    private boolean outOfMemory(Runnable call) {
      try {
        call.run();
        return false;
      } catch (IllegalArgumentException e) {
        assertThat(e).hasMessageContaining("out of memory");
        return true;
      }
    }

    private void dead(State s, Proc pr) {
      for (int i = 0; i < SLOTS; i++) {
        if (s.procs[i] == pr) {
          s.procs[i] = null;
        }
      }
    }

    private void mmap(State s, Proc pr, int kind, int pages, int filePage) {
      if (kind >= PRIVATE_FILE) {
        pages = Math.min(pages, FILE_PAGES - filePage); // no page past the end of the file
      }
      long len = (long) pages << Page.PAGE_SHIFT;
      int rw = Prot.READ | Prot.WRITE;
      Region r;
      switch (kind) {
        case PRIVATE_ANON ->
            r =
                new Region(
                    s.p.mmap(pr.pid, len, rw, null, 0, false, -1, false),
                    pages,
                    kind,
                    0,
                    new long[pages],
                    null);
        case SHARED_ANON ->
            r =
                new Region(
                    s.p.mmap(pr.pid, len, rw, null, 0, true, -1, false),
                    pages,
                    kind,
                    0,
                    null,
                    new long[pages]);
        case PRIVATE_FILE -> {
          long[] own = new long[pages];
          java.util.Arrays.fill(own, FOLLOW_FILE);
          r =
              new Region(
                  s.p.mmap(
                      pr.pid,
                      len,
                      rw,
                      s.path,
                      (long) filePage << Page.PAGE_SHIFT,
                      false,
                      -1,
                      false),
                  pages,
                  kind,
                  filePage,
                  own,
                  null);
        }
        default ->
            r =
                new Region(
                    s.p.mmap(
                        pr.pid,
                        len,
                        rw,
                        s.path,
                        (long) filePage << Page.PAGE_SHIFT,
                        true,
                        -1,
                        false),
                    pages,
                    kind,
                    filePage,
                    null,
                    null);
      }
      pr.regions.add(r);
    }

    @Override
    public void checkInvariants(State s) {
      long out = s.kernel.swap().statistics().get("pswpout");
      if (out > s.swappedOut) {
        swappedOut += out - s.swappedOut;
        s.swappedOut = out;
      }
      s.p.checkInvariants();
      s.kernel.pageTable().checkInvariants();
      s.kernel.pageAllocator().checkInvariants();
    }
  }

  // ------------------------------------------------------------------ tests

  @ParameterizedTest
  @ValueSource(strings = {"linux", "mglru", "fifo", "lru", "clock"})
  void randomOperations_underAResidentLimit_keepDataAndInvariants(String policy) {
    StatefulRunner.of(
            "processes under rss.limit with " + policy, new ProcessScenario(policy, 6, 0, 12))
        .runs(12)
        .steps(150)
        .check();
    assertThat(swappedOut).as("pages swapped out").isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"linux", "mglru", "fifo", "lru", "clock"})
  void randomOperations_underGlobalPressure_keepDataAndInvariants(String policy) {
    StatefulRunner.of(
            "processes under memory pressure with " + policy,
            new ProcessScenario(policy, 0, 200, 64))
        .runs(8)
        .steps(150)
        .check();
    assertThat(swappedOut).as("pages swapped out").isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"linux", "mglru", "fifo", "lru", "clock"})
  void randomOperations_underALimitAndGlobalPressure_keepDataAndInvariants(String policy) {
    StatefulRunner.of(
            "processes under rss.limit and memory pressure with " + policy,
            new ProcessScenario(policy, 10, 200, 64))
        .runs(8)
        .steps(150)
        .check();
    assertThat(swappedOut).as("pages swapped out").isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"linux", "mglru", "fifo", "lru", "clock"})
  void randomOperations_atTheMinimumWatermark_reclaimDirectlyOrKill(String policy) {
    StatefulRunner.of(
            "processes at the min watermark with " + policy,
            new ProcessScenario(policy, 0, 165, 64))
        .runs(8)
        .steps(150)
        .check();
    assertThat(swappedOut).as("pages swapped out").isPositive();
  }

  // ------------------------------------------------------------------ OPT on a known future

  static final OpKind REPLAY = new OpKind("replay", "seed", "references", "limit");

  /**
   * OPT needs the process's whole reference string before it starts: one operation replays a random
   * string of reads and writes over a private anonymous and a private file mapping, with the data
   * of every read checked and the invariants checked after every reference.
   */
  private final class OptScenario implements Scenario<Path> {
    @Override
    public Path create() {
      return tmp;
    }

    @Override
    public Op generate(SplittableRandom r, int step) {
      return REPLAY.op(r.nextLong(1L << 40), 20 + r.nextInt(200), 2 + r.nextInt(6));
    }

    @Override
    public long shrinkFloor(Op op, int arg) {
      return arg == 2 ? 2 : arg == 1 ? 1 : 0;
    }

    @Override
    public void apply(Path dir, Op op) {
      int limit = op.intArg(2);
      State s = new State("opt", limit, 0);
      SplittableRandom r = new SplittableRandom(op.arg(0));
      int n = op.intArg(1);
      int anonPages = 10;
      int filePages = 10;
      long[] vpn = new long[n];
      int[] which = new int[n];
      boolean[] isWrite = new boolean[n];
      // the process is spawned first so that the mappings' addresses are known
      Proc pr = new Proc(1);
      ReferenceString[] future = new ReferenceString[1];
      FutureProxy proxy = new FutureProxy(future);
      s.p.spawn(1, proxy);
      s.procs[0] = pr;
      long anon =
          s.p.mmap(1, (long) anonPages << 12, Prot.READ | Prot.WRITE, null, 0, false, -1, false);
      long filed =
          s.p.mmap(1, (long) filePages << 12, Prot.READ | Prot.WRITE, s.path, 0, false, -1, false);
      long[] anonModel = new long[anonPages];
      long[] fileModel = new long[filePages];
      java.util.Arrays.fill(fileModel, FOLLOW_FILE);
      for (int i = 0; i < n; i++) {
        which[i] = r.nextInt(anonPages + filePages);
        isWrite[i] = r.nextInt(3) == 0;
        long base = which[i] < anonPages ? anon : filed;
        int page = which[i] < anonPages ? which[i] : which[i] - anonPages;
        vpn[i] = (base >>> Page.PAGE_SHIFT) + page;
      }
      future[0] = ReferenceString.of(vpn);
      assertThat(limit).isPositive();
      for (int i = 0; i < n; i++) {
        future[0].seek(i);
        boolean inAnon = which[i] < anonPages;
        int page = inAnon ? which[i] : which[i] - anonPages;
        long addr = vpn[i] << Page.PAGE_SHIFT;
        long want =
            inAnon
                ? anonModel[page]
                : fileModel[page] == FOLLOW_FILE ? s.file[page] : fileModel[page];
        if (isWrite[i]) {
          long t = tag(op.arg(0) + i);
          byte[] b = new byte[8];
          ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(t);
          assertThat(s.p.write(1, 0, addr, b)).isTrue();
          if (inAnon) {
            anonModel[page] = t;
          } else {
            fileModel[page] = t;
          }
        } else {
          byte[] got = s.p.read(1, 0, addr, 8);
          assertThat(got).isNotNull();
          assertThat(ByteBuffer.wrap(got).order(ByteOrder.LITTLE_ENDIAN).getLong())
              .as("reference %d to 0x%x", i, addr)
              .isEqualTo(want);
        }
        s.p.checkInvariants();
        assertThat(s.p.task(1).mm.rss()).isLessThanOrEqualTo(limit);
      }
      s.p.exit(1);
      s.checkNoLeaks();
    }

    @Override
    public void checkInvariants(Path dir) {}
  }

  /** The future of a process whose reference string is built after its mappings. */
  private static final class FutureProxy implements io.mmsim.api.reclaim.FutureReferences {
    private final ReferenceString[] target;

    FutureProxy(ReferenceString[] target) {
      this.target = target;
    }

    @Override
    public long length() {
      return target[0] == null ? 0 : target[0].length();
    }

    @Override
    public long position() {
      return target[0] == null ? -1 : target[0].position();
    }

    @Override
    public long pageAt(long index) {
      return target[0].pageAt(index);
    }

    @Override
    public long nextUse(long index) {
      return target[0].nextUse(index);
    }
  }

  @org.junit.jupiter.api.Test
  void opt_onAKnownFuture_underAResidentLimit_keepsDataAndInvariants() {
    StatefulRunner.of("opt under rss.limit", new OptScenario()).runs(10).steps(3).check();
  }
}
