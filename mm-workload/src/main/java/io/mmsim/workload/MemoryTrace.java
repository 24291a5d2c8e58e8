package io.mmsim.workload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
  private static final int END = 1 << ACCESS_BITS;
  private static final int ID_SHIFT = ACCESS_BITS + 1;

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
  private volatile Builder reader;

  private final CountDownLatch loaded;

  private volatile int[] next;

  /** A trace read at once. */
  private MemoryTrace(Builder b) {
    this.name = b.name;
    this.format = b.format;
    this.loaded = null;
    finish(b, null);
  }

  /** A trace that {@code b} is still reading, on another thread. */
  private MemoryTrace(Builder b, CountDownLatch loaded) {
    this.name = b.name;
    this.format = b.format;
    this.loaded = loaded;
    this.reader = b;
  }

  private void finish(Builder b, Throwable failed) {
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
    Builder b = reader;
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
    Builder b = new Builder(name, WorkloadFormat.LACKEY, bytes / LACKEY_BYTES_PER_TOUCH);
    b.lackey(in);
    return new MemoryTrace(b);
  }

  /** Reads a reference string; {@code bytes} as for {@link #readLackey}. */
  static MemoryTrace readReferences(String name, InputStream in, long bytes) throws IOException {
    Builder b = new Builder(name, WorkloadFormat.REFERENCE_STRING, bytes / REFS_BYTES_PER_TOUCH);
    b.references(in);
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
    Builder b =
        new Builder(name, format, bytes / (lackey ? LACKEY_BYTES_PER_TOUCH : REFS_BYTES_PER_TOUCH));
    CountDownLatch loaded = new CountDownLatch(1);
    MemoryTrace trace = new MemoryTrace(b, loaded);
    Thread t =
        new Thread(
            () -> {
              Throwable failed = null;
              try (in) {
                if (lackey) {
                  b.lackey(in);
                } else {
                  b.references(in);
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

  /** Parses into growing arrays; a bad line stops it and is kept as the error. */
  private static final class Builder {
    private static final int CACHE = 256;

    /** Longer than any plain lackey line: the buffer is refilled below this much unread. */
    private static final int PLAIN_LINE_MAX = 64;

    /** Hex digit values by byte, -1 for anything else. */
    private static final byte[] HEX = new byte[256];

    static {
      java.util.Arrays.fill(HEX, (byte) -1);
      for (int d = 0; d < 16; d++) {
        HEX[Character.forDigit(d, 16)] = (byte) d;
        HEX[Character.toUpperCase(Character.forDigit(d, 16))] = (byte) d;
      }
    }

    final String name;
    final WorkloadFormat format;
    int[] touches;
    int nTouches;
    long[] pages = new long[1 << 10];
    int nPages;
    long records;
    final LineTable lines = new LineTable();
    WorkloadException error;

    // what a replay running alongside may read: the arrays first, then the count, then done
    volatile int[] shownTouches;
    volatile long[] shownPages;
    volatile int published;
    volatile boolean done;

    /** vpn -> page id, open addressing; a slot holds id + 1 (0 = empty). */
    private long[] keys = new long[1 << 12];

    private int[] ids = new int[1 << 12];

    /** A direct-mapped cache in front of the table: most touches hit a page touched just now. */
    private final long[] cacheVpn = new long[CACHE];

    private final int[] cacheId = new int[CACHE];

    Builder(String name, WorkloadFormat format, long expectedTouches) {
      this.name = name;
      this.format = format;
      // a real trace's lines are a little longer than the estimate's bytes per touch, so the guess
      // is a little high: one allocation, no growth
      // is a little high: one allocation, no growth (but never more than a sixteenth of the heap)
      long cap = Math.min(1 << 28, Runtime.getRuntime().maxMemory() / 16 / Integer.BYTES);
      this.touches = new int[(int) Math.max(1 << 12, Math.min(expectedTouches, cap))];
      Arrays.fill(cacheVpn, -1);
    }

    private int id(long vpn) {
      int c = (int) vpn & (CACHE - 1);
      if (cacheVpn[c] == vpn) {
        return cacheId[c];
      }
      return idMiss(vpn, c);
    }

    /** {@link #id} past the cache: the table, and a new id for a page not seen before. */
    private int idMiss(long vpn, int c) {
      int mask = keys.length - 1;
      int slot = mix(vpn) & mask;
      while (ids[slot] != 0 && keys[slot] != vpn) {
        slot = (slot + 1) & mask;
      }
      int id;
      if (ids[slot] != 0) {
        id = ids[slot] - 1;
      } else {
        if (nPages == MAX_PAGES) {
          throw new BadLineException("the trace touches more than " + MAX_PAGES + " pages");
        }
        id = nPages;
        if (nPages == pages.length) {
          pages = Arrays.copyOf(pages, nPages * 2);
        }
        pages[nPages++] = vpn;
        keys[slot] = vpn;
        ids[slot] = id + 1;
        if (nPages * 2 > keys.length) {
          rehash();
        }
      }
      cacheVpn[c] = vpn;
      cacheId[c] = id;
      return id;
    }

    private void rehash() {
      long[] ok = keys;
      int[] oi = ids;
      keys = new long[ok.length * 2];
      ids = new int[oi.length * 2];
      int mask = keys.length - 1;
      for (int i = 0; i < ok.length; i++) {
        if (oi[i] != 0) {
          int s = mix(ok[i]) & mask;
          while (ids[s] != 0) {
            s = (s + 1) & mask;
          }
          keys[s] = ok[i];
          ids[s] = oi[i];
        }
      }
    }

    private static int mix(long k) {
      long h = k * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32));
    }

    private void touch(long vpn, int access) {
      if (nTouches == touches.length) {
        grow();
      }
      touches[nTouches++] = id(vpn) << ID_SHIFT | access;
    }

    private void grow() {
      if (nTouches >= Integer.MAX_VALUE - 16) {
        throw new BadLineException("the trace has more than 2^31 page touches");
      }
      touches =
          Arrays.copyOf(
              touches, (int) Math.min(Integer.MAX_VALUE - 16, nTouches + (long) nTouches / 2));
    }

    /** Lets a replay running alongside see the touches read so far. */
    void publish() {
      if (shownTouches != touches) {
        shownTouches = touches;
      }
      if (shownPages != pages) {
        shownPages = pages;
      }
      published = nTouches;
    }

    /** The line of the last record read, 0 before the first. */
    long lastLine() {
      return records == 0 ? 0 : lines.lineOf(records - 1);
    }

    private void endRecord(long line) {
      touches[nTouches - 1] |= END;
      lines.add(records++, line);
    }

    /**
     * A lackey log, read in blocks of up to 1 MiB. Each line is first tried by {@link
     * #plainLackeyLine}, one pass over the common shape; any other line (a banner, a carriage
     * return, leading zeros, an error) goes through {@link #lackeyLine}, which knows every case.
     */
    void lackey(InputStream in) throws IOException {
      // one byte more than is ever filled: buf[len] is a 0 that ends every scan of a line
      byte[] buf = new byte[LineScanner.MAX_LINE + 2];
      int pos = 0;
      int len = 0;
      boolean eof = false;
      long line = 0;
      while (true) {
        if (!eof && len - pos < PLAIN_LINE_MAX) {
          publish();
          // keep the unread tail, then fill the buffer
          System.arraycopy(buf, pos, buf, 0, len - pos);
          len -= pos;
          pos = 0;
          int n = 0;
          while (len < buf.length - 1 && (n = in.read(buf, len, buf.length - 1 - len)) > 0) {
            len += n;
          }
          eof = n < 0;
          buf[len] = 0;
        }
        if (pos >= len) {
          return;
        }
        int next;
        try {
          next = plainLackeyLine(buf, pos, len, line + 1);
        } catch (BadLineException e) {
          error = new WorkloadException(name, line + 1, e.getMessage());
          return;
        }
        if (next >= 0) {
          line++;
          pos = next;
          continue;
        }
        int nl = pos;
        while (nl < len && buf[nl] != '\n') {
          nl++;
        }
        if (nl == len && !eof) {
          if (len - pos > LineScanner.MAX_LINE) {
            line++;
            boolean text = false;
            for (int cut = 0; cut < 4 && !text; cut++) {
              text = Utf8.isText(buf, pos, pos + LineScanner.MAX_LINE - cut);
            }
            error =
                new WorkloadException(
                    name,
                    line,
                    text
                        ? "line longer than " + (LineScanner.MAX_LINE >> 20) + " MiB"
                        : "not UTF-8 text");
            return;
          }
          // the line goes on past the buffer: read more first (the refill above keeps it)
          System.arraycopy(buf, pos, buf, 0, len - pos);
          len -= pos;
          pos = 0;
          int n = in.read(buf, len, buf.length - 1 - len);
          if (n < 0) {
            eof = true;
          } else {
            len += n;
          }
          buf[len] = 0;
          continue;
        }
        line++;
        int end = nl > pos && buf[nl - 1] == '\r' ? nl - 1 : nl;
        String bad = lackeyLine(buf, pos, end, line);
        if (bad != null) {
          error = new WorkloadException(name, line, bad);
          return;
        }
        pos = nl + 1;
      }
    }

    /**
     * The common lackey line, {@code I ADDR,SIZE} or {@code L|S|M ADDR,SIZE} ending in a plain
     * newline with at most 16 hex digits and SIZE 1..4096, taken in one pass.
     *
     * @return the index after its newline, or -1 when the line is anything else (or not wholly in
     *     {@code b[i, len)}); nothing is recorded then
     */
    private int plainLackeyLine(byte[] b, int i, int len, long line) {
      if (len - i < 6) {
        return -1;
      }
      int kind;
      byte c = b[i];
      if (c == 'I') {
        kind = 'I';
        i++;
      } else if (c == ' ') {
        kind = b[i + 1];
        if (kind != 'L' && kind != 'S' && kind != 'M') {
          return -1;
        }
        i += 2;
      } else {
        return -1;
      }
      if (b[i] != ' ') {
        return -1;
      }
      // b[len] is 0, which ends each of these scans
      while (b[i] == ' ') {
        i++;
      }
      int start = i;
      long addr = 0;
      int d;
      while ((d = HEX[b[i] & 0xff]) >= 0) {
        addr = addr << 4 | d;
        i++;
      }
      if (i == start || i - start > 16 || b[i] != ',') {
        return -1;
      }
      start = ++i;
      int size = 0;
      while ((d = b[i] - '0') >= 0 && d <= 9 && size <= MAX_LACKEY_SIZE) {
        size = size * 10 + d;
        i++;
      }
      if (i == start || size == 0 || size > MAX_LACKEY_SIZE || b[i] != '\n' || i >= len) {
        return -1;
      }
      long lastByte = addr + size - 1;
      if (Long.compareUnsigned(lastByte, addr) < 0) {
        return -1;
      }
      long first = addr >>> Page.PAGE_SHIFT;
      long last = lastByte >>> Page.PAGE_SHIFT;
      if (kind == 'M') {
        range(first, last, Access.READ);
        range(first, last, Access.WRITE);
      } else {
        range(first, last, kind == 'I' ? Access.EXECUTE : kind == 'L' ? Access.READ : Access.WRITE);
      }
      endRecord(line);
      return i + 1;
    }

    /** One lackey line; returns why it is bad, or null. */
    String lackeyLine(byte[] b, int from, int end, long line) {
      if (end - from < 2 || b[from] == '=' || b[from] == '-' || b[from] == '#') {
        return null;
      }
      int i = from;
      int kind;
      if (b[i] == 'I') {
        kind = 'I';
        i++;
      } else if (b[i] == ' ' && (b[i + 1] == 'L' || b[i + 1] == 'S' || b[i + 1] == 'M')) {
        kind = b[i + 1];
        i += 2;
      } else if (b[i] == ' '
          && b[i + 1] == ' '
          && i + 2 < end
          && (b[i + 2] == 'L' || b[i + 2] == 'S' || b[i + 2] == 'M')) {
        kind = b[i + 2];
        i += 3;
      } else {
        return notLackey(b, from, end);
      }
      while (i < end && b[i] == ' ') {
        i++;
      }
      while (i < end - 1 && b[i] == '0' && b[i + 1] != ',') {
        i++; // leading zeros are not digits that count
      }
      long addr = 0;
      int digits = 0;
      for (; i < end; i++) {
        int d = Character.digit(b[i], 16);
        if (d < 0) {
          break;
        }
        addr = addr << 4 | d;
        digits++;
      }
      if (digits > 16) {
        return "address has more than 16 hex digits";
      }
      if (digits == 0 || i >= end || b[i] != ',') {
        return Utf8.isText(b, from, end) ? "a lackey line needs ADDR,SIZE" : "not UTF-8 text";
      }
      i++;
      long size = 0;
      int sdigits = 0;
      for (; i < end && b[i] >= '0' && b[i] <= '9' && size <= MAX_LACKEY_SIZE; i++) {
        size = size * 10 + (b[i] - '0');
        sdigits++;
      }
      if (sdigits == 0 || size <= 0 || size > MAX_LACKEY_SIZE) {
        return "a lackey line needs a SIZE from 1 to " + MAX_LACKEY_SIZE;
      }
      if (FormatDetector.skipBlanks(b, i, end) != end) {
        return Utf8.isText(b, from, end) ? notLackey(b, from, end) : "not UTF-8 text";
      }
      long lastByte = addr + size - 1;
      if (Long.compareUnsigned(lastByte, addr) < 0) {
        return String.format("ADDR 0x%x + SIZE %d passes the end of the address space", addr, size);
      }
      long first = addr >>> Page.PAGE_SHIFT;
      long last = lastByte >>> Page.PAGE_SHIFT;
      try {
        switch (kind) {
          case 'I' -> range(first, last, Access.EXECUTE);
          case 'L' -> range(first, last, Access.READ);
          case 'S' -> range(first, last, Access.WRITE);
          default -> {
            range(first, last, Access.READ);
            range(first, last, Access.WRITE);
          }
        }
      } catch (BadLineException e) {
        return e.getMessage();
      }
      endRecord(line);
      return null;
    }

    private static String notLackey(byte[] b, int from, int end) {
      if (!Utf8.isText(b, from, end)) {
        return "not UTF-8 text";
      }
      return "not a lackey line: '"
          + new String(b, from, Math.min(end - from, 80), StandardCharsets.UTF_8)
          + "'";
    }

    private void range(long first, long last, int access) {
      touch(first, access);
      if (last != first) {
        touch(last, access);
      }
    }

    /** A reference string, streamed: no line length limit, no String per entry. */
    void references(InputStream in) throws IOException {
      byte[] buf = new byte[1 << 16];
      long line = 1;
      long value = 0;
      boolean inNumber = false;
      boolean comment = false;
      final long base = REFS_BASE >>> Page.PAGE_SHIFT;
      int n;
      while ((n = in.read(buf)) > 0) {
        publish();
        for (int i = 0; i < n; i++) {
          byte c = buf[i];
          if (c >= '0' && c <= '9' && !comment) {
            value = value * 10 + (c - '0');
            inNumber = true;
            if (value > MAX_REFERENCE_PAGE) {
              error = new WorkloadException(name, line, tooBig(buf, i, n, value));
              return;
            }
            continue;
          }
          if (inNumber) {
            if (c != '\n' && c != ',' && c != '#' && !FormatDetector.isBlank(c)) {
              error = new WorkloadException(name, line, notAPage(buf, i, n, value));
              return;
            }
            try {
              touch(base + value, Access.READ);
            } catch (BadLineException e) {
              error = new WorkloadException(name, line, e.getMessage());
              return;
            }
            endRecord(line);
            inNumber = false;
            value = 0;
          }
          if (c == '\n') {
            line++;
            comment = false;
          } else if (comment || c == ',' || FormatDetector.isBlank(c)) {
            continue;
          } else if (c == '#') {
            comment = true;
          } else {
            error = new WorkloadException(name, line, notAPage(buf, i, n, -1));
            return;
          }
        }
      }
      if (inNumber) {
        touch(base + value, Access.READ);
        endRecord(line);
      }
    }

    private static String tooBig(byte[] buf, int i, int n, long value) {
      StringBuilder sb = new StringBuilder().append(value);
      for (int k = i + 1; k < n && k < i + 20 && buf[k] >= '0' && buf[k] <= '9'; k++) {
        sb.append((char) buf[k]);
      }
      return "page number " + sb + " is out of range [0, " + MAX_REFERENCE_PAGE + "]";
    }

    /**
     * The message for the bad byte at {@code i}, after the digits of {@code value} (or none: -1).
     */
    private static String notAPage(byte[] buf, int i, int n, long value) {
      int end = i;
      while (end < n
          && end < i + 40
          && buf[end] != '\n'
          && buf[end] != ','
          && !FormatDetector.isBlank(buf[end])) {
        end++;
      }
      if (!Utf8.isText(buf, i, end)) {
        return "not UTF-8 text";
      }
      return "'"
          + (value < 0 ? "" : Long.toString(value))
          + new String(buf, i, end - i, StandardCharsets.UTF_8)
          + "' is not a page number";
    }
  }
}
