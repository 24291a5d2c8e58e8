package io.mmsim.workload;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

import io.mmsim.api.MmException;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Access;
import io.mmsim.kernel.mm.Processes;
import io.mmsim.kernel.mm.Task;
import io.mmsim.kernel.stat.VmEvent;

/**
 * A memory-reference trace, replayed as one process (pid 1) whose touched pages are anonymous
 * memory faulted in on first touch: a valgrind lackey log or a page-reference string.
 *
 * <ul>
 *   <li><b>Lackey</b> ({@code valgrind --tool=lackey --trace-mem=yes}): {@code I ADDR,SIZE} is an
 *       instruction fetch, {@code L} a read, {@code S} a write, {@code M} a read then a write; an
 *       access that crosses a page boundary touches both pages, lower first. Lines starting {@code
 *       ==}, {@code --} or {@code #} are skipped. ADDR has at most 16 hex digits and SIZE is 1 to
 *       4096 bytes (no instruction touches more), and ADDR + SIZE must not pass 2^64.
 *   <li><b>Reference string</b>: page numbers from 0 to 2^30, separated by blanks, commas or
 *       newlines ({@code #} starts a comment). Page {@code p} is read at {@code 0x10000000 + p *
 *       4096}.
 * </ul>
 *
 * <h2>Read once, replay many times</h2>
 *
 * The file is parsed when it is opened, from raw bytes (no String per line), into one {@code int}
 * per page touch:
 *
 * <pre>
 *   31                                3   2   1   0
 *  +-----------------------------------+---+-------+
 *  |  page id (index into pages())     |end|access |
 *  +-----------------------------------+---+-------+
 * </pre>
 *
 * {@code access} is {@link Access#READ}, {@link Access#WRITE} or {@link Access#EXECUTE}; {@code
 * end} marks the last touch of a record (a lackey line, a reference); page ids number the distinct
 * pages in order of first touch. Replay walks that array, so one parsed trace replays under many
 * kernels (sweeps, from several threads at once: the trace is immutable once read) at the speed of
 * the simulated MMU. The future of every touch that Belady's OPT consults is computed once, on
 * first need, and shared.
 *
 * <h2>Reading while replaying</h2>
 *
 * A trace opened with {@link Workload#openInBackground} is read on a thread of its own. The reader
 * publishes the touches it has parsed every block of input (a volatile count after the array
 * writes), and a replay that starts before the reading ends follows it: it replays what is
 * published and waits for more. The touches and their order are those of a trace read at once, so
 * the replay is the same; only reading and replaying overlap (with booting the kernel too, in
 * {@code mm run}). Everything else about the trace (its length, pages, errors) waits for the end of
 * the reading, and so does a replay that needs the future of every touch (OPT).
 */
public final class MemoryTrace extends Workload {
  /** Where page 0 of a reference string lives. */
  public static final long REFS_BASE = 0x10000000L;

  /** The pid the trace runs as. */
  public static final int PID = 1;

  private static final int ACCESS_BITS = 2;
  private static final int ACCESS_MASK = (1 << ACCESS_BITS) - 1;
  static final int END = 1 << ACCESS_BITS;
  static final int ID_SHIFT = ACCESS_BITS + 1;

  /** Distinct pages a trace may touch (the page id field's width). */
  static final int MAX_PAGES = 1 << (Integer.SIZE - ID_SHIFT - 1);

  /** The largest page number of a reference string. */
  static final long MAX_REFERENCE_PAGE = 1L << 30;

  /** The largest SIZE of a lackey line. */
  static final int MAX_LACKEY_SIZE = Page.PAGE_SIZE;

  /** Bytes of a lackey log per page touch, a little below what real logs show (about 14). */
  private static final int LACKEY_BYTES_PER_TOUCH = 12;

  /** Bytes of a reference string per touch, a little below a page number and its newline. */
  private static final int REFS_BYTES_PER_TOUCH = 4;

  /** Records between two progress reports. */
  private static final long PROGRESS_EVERY = 1L << 22;

  private final String name;
  private final WorkloadFormat format;

  // set once, by finish(), before `ready` is: read them only after await()

  /** The touches, in {@code touches[0, length)} (the array may be longer: it was sized ahead). */
  private int[] touches;

  private int length;
  private long[] pages;
  private long records;
  private LineTable lines;
  private WorkloadException error;
  private Throwable failure;
  private volatile boolean ready;

  /** While a background reader runs: it, and the latch it opens when done. */
  private volatile TraceBuilder reader;

  private final CountDownLatch loaded;

  private volatile int[] next;

  /** A trace read at once. */
  private MemoryTrace(TraceBuilder b) {
    this.name = b.name;
    this.format = b.format;
    this.loaded = null;
    finish(b, null);
  }

  /** A trace that {@code b} is still reading, on another thread. */
  private MemoryTrace(TraceBuilder b, CountDownLatch loaded) {
    this.name = b.name;
    this.format = b.format;
    this.loaded = loaded;
    this.reader = b;
  }

  private void finish(TraceBuilder b, Throwable failed) {
    // kept as read, without a copy to trim it: a sized-ahead array is at most a quarter too long
    this.touches = b.touches;
    this.length = b.nTouches;
    this.pages = Arrays.copyOf(b.pages, b.nPages);
    this.records = b.records;
    this.lines = b.lines;
    this.error = b.error;
    this.failure = failed;
    this.ready = true;
    this.reader = null;
  }

  /** Waits for the end of a background reading (at once for a trace read in one go). */
  private void await() {
    if (ready) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        loaded.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure instanceof Error e) {
      throw e;
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public WorkloadFormat format() {
    return format;
  }

  /** Records read: lackey accesses (lines) or reference-string entries. */
  public long references() {
    await();
    return records;
  }

  /** Page touches: a record touches one page, or two when it crosses a page (M: four). */
  public int touches() {
    await();
    return length;
  }

  /** Distinct pages touched. */
  public int distinctPages() {
    await();
    return pages.length;
  }

  /** The virtual page number touched by touch {@code i}. */
  public long page(int i) {
    await();
    return pages[touches[Objects.checkIndex(i, length)] >>> ID_SHIFT];
  }

  /** The id (0 .. distinctPages() - 1, in order of first touch) of the page of touch {@code i}. */
  public int pageId(int i) {
    await();
    return touches[Objects.checkIndex(i, length)] >>> ID_SHIFT;
  }

  /** The virtual page number of page id {@code id}. */
  public long pageOfId(int id) {
    await();
    return pages[id];
  }

  /** The access of touch {@code i}: {@link Access#READ}, {@link Access#WRITE} or EXECUTE. */
  public int access(int i) {
    await();
    return touches[Objects.checkIndex(i, length)] & ACCESS_MASK;
  }

  /**
   * The line that could not be read, when reading stopped early; replay runs the touches before it
   * and then throws this.
   */
  public java.util.Optional<WorkloadException> readError() {
    await();
    return java.util.Optional.ofNullable(error);
  }

  /** For touch {@code i}, the index of the next touch of the same page, or -1: built once. */
  int[] nextUse() {
    int[] n = next;
    if (n == null) {
      await();
      synchronized (this) {
        n = next;
        if (n == null) {
          n = new int[length];
          int[] last = new int[pages.length];
          Arrays.fill(last, -1);
          for (int i = length - 1; i >= 0; i--) {
            int id = touches[i] >>> ID_SHIFT;
            n[i] = last[id];
            last[id] = i;
          }
          next = n;
        }
      }
    }
    return n;
  }

  // ------------------------------------------------------------------ replay

  @Override
  void replayOn(Replay r) {
    String what = format == WorkloadFormat.LACKEY ? "lackey trace" : "reference string";
    Processes p;
    Task t;
    TraceFuture future = r.policyNeedsFuture() ? new TraceFuture(this) : null;
    try {
      p = ProcessOps.processes(r, what);
      if (!p.isAlive(PID)) {
        r.spawned(p.spawn(PID, future));
        // one area over all of user space below the stack: every first touch is a demand fault
        p.mmap(
            PID,
            Processes.STACK_TOP - Processes.STACK_SIZE - Processes.MMAP_MIN_ADDR,
            Prot.READ | Prot.WRITE | Prot.EXEC,
            null,
            0,
            false,
            Processes.MMAP_MIN_ADDR,
            false);
      }
      t = p.task(PID);
    } catch (BadLineException | MmException | IllegalArgumentException e) {
      await();
      throw new WorkloadException(name, lines.lineOf(0), e.getMessage(), e);
    }
    long faults0 = r.kernel().events().get(VmEvent.PGFAULT);
    long major0 = r.kernel().events().get(VmEvent.PGMAJFAULT);
    long[] done = new long[1];
    try {
      run(r, p, t, future, done);
    } finally {
      r.addReferences(done[0]);
      r.addSummary(
          String.format(
              "memory trace %s: %d references, %d page faults, %d major",
              name,
              done[0],
              r.kernel().events().get(VmEvent.PGFAULT) - faults0,
              r.kernel().events().get(VmEvent.PGMAJFAULT) - major0));
    }
    await();
    if (error != null) {
      throw error;
    }
  }

  /**
   * The replay loop: leaves the records run in {@code records[0]}; throws when the process is
   * killed. A trace still being read is replayed as far as its reader has published, block by
   * block, until the reader is done.
   */
  private void run(Replay r, Processes p, Task t, TraceFuture future, long[] records) {
    r.kernel().setCaller(name);
    long[] nextProgress = {PROGRESS_EVERY};
    TraceBuilder b = reader;
    if (b == null) {
      replay(r, p, t, future, records, nextProgress, touches, pages, 0, length);
      return;
    }
    int j = 0;
    while (true) {
      boolean end = b.done; // read before the count: once done, the count is final
      int available = b.published;
      if (available > j) {
        // the arrays are read after the count, so they hold at least that many touches
        replay(r, p, t, future, records, nextProgress, b.shownTouches, b.shownPages, j, available);
        j = available;
      } else if (end) {
        return;
      } else {
        LockSupport.parkNanos(WAIT_NANOS);
      }
    }
  }

  /** How long a replay that caught up with the reader sleeps before it looks again. */
  private static final long WAIT_NANOS = 50_000;

  /** Replays touches {@code [from, to)} of {@code tw}, whose page ids index {@code pg}. */
  private void replay(
      Replay r,
      Processes p,
      Task t,
      TraceFuture future,
      long[] records,
      long[] progress,
      int[] tw,
      long[] pg,
      int from,
      int to) {
    int cpu = r.cpu();
    ReplayListener l = r.listenerOrNull();
    long done = records[0];
    long nextProgress = progress[0];
    for (int j = from; j < to; j++) {
      int w = tw[j];
      long addr = pg[w >>> ID_SHIFT] << Page.PAGE_SHIFT;
      if (future != null) {
        future.moveTo(j);
      }
      if (!p.touch(t, cpu, addr, w & ACCESS_MASK)) {
        done++;
        records[0] = done;
        await(); // the line table is complete only once the reading is
        throw new WorkloadException(
            name,
            lines.lineOf(done - 1),
            format == WorkloadFormat.LACKEY
                ? "the traced process was killed"
                : "the referencing process was killed");
      }
      if (l != null) {
        l.reference(name, j, addr, w & ACCESS_MASK);
      }
      if ((w & END) != 0 && ++done == nextProgress) {
        nextProgress += PROGRESS_EVERY;
        if (l != null) {
          l.progress(name, done);
        }
      }
    }
    records[0] = done;
    progress[0] = nextProgress;
  }

  // ------------------------------------------------------------------ reading

  /**
   * Reads a lackey log; {@code bytes} is its size when known (else -1), so that the touches are
   * allocated once instead of grown.
   */
  static MemoryTrace readLackey(String name, InputStream in, long bytes) throws IOException {
    TraceBuilder b = new TraceBuilder(name, WorkloadFormat.LACKEY, bytes / LACKEY_BYTES_PER_TOUCH);
    new LackeyReader(b).read(in);
    return new MemoryTrace(b);
  }

  /** Reads a reference string; {@code bytes} as for {@link #readLackey}. */
  static MemoryTrace readReferences(String name, InputStream in, long bytes) throws IOException {
    TraceBuilder b =
        new TraceBuilder(name, WorkloadFormat.REFERENCE_STRING, bytes / REFS_BYTES_PER_TOUCH);
    new ReferenceStringReader(b).read(in);
    return new MemoryTrace(b);
  }

  /**
   * Reads a lackey log or a reference string on a thread of its own, which closes {@code in} when
   * done; returns at once. A read that fails ({@link IOException}) ends the trace at the line it
   * reached, with that error, as a bad line does.
   */
  static MemoryTrace readInBackground(
      String name, WorkloadFormat format, InputStream in, long bytes) {
    boolean lackey = format == WorkloadFormat.LACKEY;
    TraceBuilder b =
        new TraceBuilder(
            name, format, bytes / (lackey ? LACKEY_BYTES_PER_TOUCH : REFS_BYTES_PER_TOUCH));
    CountDownLatch loaded = new CountDownLatch(1);
    MemoryTrace trace = new MemoryTrace(b, loaded);
    Thread t =
        new Thread(
            () -> {
              Throwable failed = null;
              try (in) {
                if (lackey) {
                  new LackeyReader(b).read(in);
                } else {
                  new ReferenceStringReader(b).read(in);
                }
              } catch (IOException e) {
                if (b.error == null) {
                  b.error =
                      new WorkloadException(
                          name, b.lastLine() + 1, "cannot read: " + e.getMessage(), e);
                }
              } catch (RuntimeException | Error e) {
                failed = e;
              } finally {
                b.publish();
                trace.finish(b, failed);
                b.done = true;
                loaded.countDown();
              }
            },
            "mm-read " + name);
    t.setDaemon(true);
    t.start();
    return trace;
  }
}
