package io.mmsim.cli.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Access;
import io.mmsim.api.reclaim.ReferenceString;
import io.mmsim.kernel.mm.Processes;
import io.mmsim.kernel.mm.Task;
import io.mmsim.kernel.stat.VmEvent;

/**
 * Replays memory-reference traces as one process whose touched pages are anonymous memory faulted
 * in on first touch: valgrind lackey logs ({@code I ADDR,SIZE}, {@code L}, {@code S}, {@code M};
 * {@code ==} lines skipped) and page-reference strings (page numbers, one a line or
 * comma-separated) as teaching tools write them.
 *
 * <p>Lackey: I is an instruction fetch, L a read, S a write, M a read then a write; an access that
 * crosses a page boundary touches both pages, lower first. A reference string's page {@code p} is
 * read at {@code BASE + p * 4096}.
 *
 * <p>The parser works on raw bytes in a large buffer (no per-line String) so that replay runs at
 * the speed of the simulated MMU.
 */
final class MemoryTrace {
  /** Where page 0 of a reference string lives. */
  static final long REFS_BASE = 0x10000000L;

  private static final int PID = 1;

  private final Replayer r;
  private final PrintStream progress;
  private long references;

  /** The future of the traced process's page touches, for OPT; null when not needed. */
  private ReferenceString future;

  private long touchIndex;

  /** While collecting (the first pass for OPT): touched pages, in order. */
  private long[] collected;

  private int nCollected;
  private boolean collecting;

  /** While only counting (the parse-only baseline): touched pages are counted, not kept. */
  private boolean counting;

  private long counted;
  private long faultsBefore;
  private long majorBefore;

  MemoryTrace(Replayer r, PrintStream progress) {
    this.r = r;
    this.progress = progress;
  }

  private Task start(String op) {
    Processes p = ProcessOps.processes(r, op);
    if (!p.isAlive(PID)) {
      p.spawn(PID, future);
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
    faultsBefore = r.kernel().events().get(VmEvent.PGFAULT);
    majorBefore = r.kernel().events().get(VmEvent.PGMAJFAULT);
    return p.task(PID);
  }

  /** True when the configured policy must know the future (OPT with a resident limit). */
  private boolean needsFuture() {
    var cfg = r.kernel().configuration();
    return "opt".equalsIgnoreCase(cfg.get("reclaim.policy")) && !"0".equals(cfg.get("rss.limit"));
  }

  void runLackey(String file, java.nio.file.Path path) throws IOException {
    if (needsFuture()) {
      collecting = true;
      collected = new long[1 << 16];
      try (InputStream in = java.nio.file.Files.newInputStream(path)) {
        lackey(file, in, null, null);
      }
      collecting = false;
      future = ReferenceString.of(collected, nCollected);
      collected = null;
      references = 0;
    }
    Task t = start("lackey trace");
    try (InputStream in = java.nio.file.Files.newInputStream(path)) {
      lackey(file, in, r.kernel().processes(), t);
    }
  }

  private void lackey(String file, InputStream in, Processes p, Task t) throws IOException {
    byte[] buf = new byte[1 << 20];
    int len = 0;
    int pos = 0;
    long lineNo = 0;
    boolean eof = false;
    while (true) {
      int nl = -1;
      for (int i = pos; i < len; i++) {
        if (buf[i] == '\n') {
          nl = i;
          break;
        }
      }
      if (nl < 0) {
        if (eof) {
          if (pos < len) {
            nl = len;
          } else {
            break;
          }
        } else {
          System.arraycopy(buf, pos, buf, 0, len - pos);
          len -= pos;
          pos = 0;
          if (len == buf.length) {
            throw new WorkloadException(file, lineNo + 1, "line longer than 1 MiB");
          }
          int n = in.read(buf, len, buf.length - len);
          if (n < 0) {
            eof = true;
          } else {
            len += n;
          }
          continue;
        }
      }
      lineNo++;
      lackeyLine(file, lineNo, buf, pos, nl, p, t);
      pos = nl + 1;
      if (t != null && !t.alive()) {
        throw new WorkloadException(file, lineNo, "the traced process was killed");
      }
    }
  }

  private void lackeyLine(
      String file, long lineNo, byte[] b, int from, int to, Processes p, Task t) {
    // p and t are null in the collecting pass
    int end = to;
    if (end > from && b[end - 1] == '\r') {
      end--;
    }
    if (end - from < 2 || b[from] == '=' || b[from] == '-' || b[from] == '#') {
      return;
    }
    int i = from;
    char kind;
    if (b[i] == 'I') {
      kind = 'I';
      i++;
    } else if (b[i] == ' ' && (b[i + 1] == 'L' || b[i + 1] == 'S' || b[i + 1] == 'M')) {
      kind = (char) b[i + 1];
      i += 2;
    } else {
      throw new WorkloadException(
          file,
          lineNo,
          "not a lackey line: '"
              + new String(
                  b, from, Math.min(end - from, 80), java.nio.charset.StandardCharsets.UTF_8)
              + "'");
    }
    while (i < end && b[i] == ' ') {
      i++;
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
    if (digits == 0 || i >= end || b[i] != ',') {
      throw new WorkloadException(file, lineNo, "a lackey line needs ADDR,SIZE");
    }
    i++;
    long size = 0;
    int sdigits = 0;
    for (; i < end && b[i] >= '0' && b[i] <= '9'; i++) {
      size = size * 10 + (b[i] - '0');
      sdigits++;
    }
    if (sdigits == 0 || size <= 0) {
      throw new WorkloadException(file, lineNo, "a lackey line needs a positive SIZE");
    }
    long first = addr & ~Page.PAGE_OFFSET_MASK;
    long last = (addr + size - 1) & ~Page.PAGE_OFFSET_MASK;
    int cpu = r.cpu();
    switch (kind) {
      case 'I' -> touchRange(p, t, cpu, first, last, Access.EXECUTE);
      case 'L' -> touchRange(p, t, cpu, first, last, Access.READ);
      case 'S' -> touchRange(p, t, cpu, first, last, Access.WRITE);
      default -> {
        touchRange(p, t, cpu, first, last, Access.READ);
        touchRange(p, t, cpu, first, last, Access.WRITE);
      }
    }
    references++;
    if ((references & ((1 << 22) - 1)) == 0 && progress != null) {
      progress.printf("\rmm: %s: %.1fM references", file, references / 1e6);
      progress.flush();
    }
  }

  private void touchRange(Processes p, Task t, int cpu, long first, long last, int access) {
    touch(p, t, cpu, first, access);
    if (last != first && (t == null || t.alive())) {
      touch(p, t, cpu, last, access);
    }
  }

  private void touch(Processes p, Task t, int cpu, long addr, int access) {
    if (counting) {
      counted++;
      return;
    }
    if (collecting) {
      if (nCollected == collected.length) {
        collected = java.util.Arrays.copyOf(collected, collected.length * 2);
      }
      collected[nCollected++] = addr >>> Page.PAGE_SHIFT;
      return;
    }
    if (future != null) {
      future.seek(touchIndex++);
    }
    p.touch(t, cpu, addr, access);
  }

  /**
   * Reads and parses a lackey trace with the replay's own parser without replaying it: the baseline
   * that replay speed is compared with.
   *
   * @return the references (lines) parsed
   */
  long parseLackeyOnly(String file, java.nio.file.Path path) throws IOException {
    counting = true;
    try (InputStream in = java.nio.file.Files.newInputStream(path)) {
      lackey(file, in, null, null);
    } finally {
      counting = false;
    }
    return references;
  }

  void runReferences(String file, java.io.BufferedReader in) throws IOException {
    long[] pages = new long[1024];
    long[] lines = new long[1024];
    int n = 0;
    String line;
    long lineNo = 0;
    while ((line = in.readLine()) != null) {
      lineNo++;
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      for (String tok : s.split("[,\\s]+")) {
        if (tok.isEmpty()) {
          continue;
        }
        long page;
        try {
          page = Long.parseLong(tok);
        } catch (NumberFormatException e) {
          throw new WorkloadException(file, lineNo, "'" + tok + "' is not a page number");
        }
        if (page < 0 || page > (1L << 30)) {
          throw new WorkloadException(file, lineNo, "page number " + page + " is out of range");
        }
        if (n == pages.length) {
          pages = java.util.Arrays.copyOf(pages, n * 2);
          lines = java.util.Arrays.copyOf(lines, n * 2);
        }
        pages[n] = (REFS_BASE >>> Page.PAGE_SHIFT) + page;
        lines[n++] = lineNo;
      }
    }
    // the whole string is known before the first reference: OPT can look ahead
    future = ReferenceString.of(pages, n);
    Task t = start("reference string");
    Processes p = r.kernel().processes();
    for (int i = 0; i < n; i++) {
      touch(p, t, r.cpu(), pages[i] << Page.PAGE_SHIFT, Access.READ);
      references++;
      if (!t.alive()) {
        throw new WorkloadException(file, lines[i], "the referencing process was killed");
      }
    }
  }

  String summary(String file) {
    if (progress != null && references >= (1 << 22)) {
      progress.println();
    }
    return String.format(
        "memory trace %s: %d references, %d page faults, %d major",
        file,
        references,
        r.kernel().events().get(VmEvent.PGFAULT) - faultsBefore,
        r.kernel().events().get(VmEvent.PGMAJFAULT) - majorBefore);
  }
}
