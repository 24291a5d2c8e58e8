package io.mmsim.workload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.mmsim.api.MmException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.object.KmallocSizes;
import io.mmsim.api.object.ObjectAllocator;

/**
 * A valgrind {@code --trace-malloc=yes} log, replayed as kmalloc and kfree: a real program's heap
 * traffic on the kernel's object allocator.
 *
 * <p>Lines look like {@code --PID-- malloc(16) = 0x4A5B040}, {@code calloc(N,M) = 0x...}, {@code
 * realloc(0xOLD,N) = 0xNEW} (a moving realloc: the old block is freed), {@code
 * realloc(0x0,N)malloc(N) = 0x...}, {@code memalign(al A, size N) = 0x...}, {@code free(0x...)},
 * and the C++ operators valgrind traces the same way. The program's address is the handle of the
 * kernel object. Lines starting {@code ==} are valgrind's own and skipped, as are its other {@code
 * --PID--} messages.
 *
 * <p>The log is parsed once, when it is opened, into primitive arrays of calls (a bad line ends the
 * list and is reported when replay reaches it), so that it replays under many kernels without being
 * read again. Requests above {@code KMALLOC_MAX_SIZE} (4 MiB), which kmalloc refuses, are counted
 * and skipped with their frees; {@code malloc(0)} gives {@code ZERO_SIZE_PTR} as kmalloc(0) does.
 * The summary reports, at the moment the program's live requested bytes peaked, those bytes, the
 * pages the object allocator held, and their ratio.
 */
final class MallocLog extends Workload {
  /** kmalloc(0) returns this in the kernel. */
  static final long ZERO_SIZE_PTR = 16;

  private static final byte ALLOC = 0;
  private static final byte ALLOC_ZERO = 1;
  private static final byte REALLOC = 2;
  private static final byte FREE = 3;

  /** What a listener is told each kind of call was. */
  private static final String[] OP_NAMES = {"malloc", "calloc", "realloc", "free"};

  private final String name;
  private byte[] kind = new byte[256];
  private long[] argA = new long[256];
  private long[] argB = new long[256];
  private long[] lineOf = new long[256];
  private int calls;

  /** Where reading stopped early, or null: thrown when replay gets there. */
  private WorkloadException error;

  private MallocLog(String name) {
    this.name = name;
  }

  static MallocLog read(String name, InputStream in) throws IOException {
    MallocLog m = new MallocLog(name);
    LineScanner s = new LineScanner(in);
    Call c = new Call();
    int st;
    while ((st = s.next()) == LineScanner.LINE) {
      byte[] b = s.buffer();
      int from = FormatDetector.skipBlanks(b, s.start(), s.end());
      int to = s.end();
      while (to > from && FormatDetector.isBlank(b[to - 1])) {
        to--;
      }
      long line = s.lineNumber();
      if (from == to || FormatDetector.startsWith(b, from, to, "==") || b[from] == '#') {
        continue;
      }
      if (!c.parse(b, from, to)) {
        if (FormatDetector.startsWith(b, from, to, "--") && Utf8.isText(b, from, to)) {
          continue; // valgrind's other "--PID--" messages
        }
        m.error =
            new WorkloadException(
                name,
                line,
                Utf8.isText(b, from, to)
                    ? "not a valgrind --trace-malloc line: '" + text(b, from, to) + "'"
                    : "not UTF-8 text");
        return m;
      }
      try {
        m.add(c, b, line);
      } catch (BadLineException e) {
        m.error = new WorkloadException(name, line, e.getMessage(), e);
        return m;
      }
    }
    if (st == LineScanner.TOO_LONG) {
      m.error = Workload.tooLong(name, s);
    }
    return m;
  }

  private static String text(byte[] b, int from, int to) {
    return new String(b, from, Math.min(to - from, 120), StandardCharsets.UTF_8);
  }

  private void add(Call c, byte[] b, long line) {
    String fn = new String(b, c.fnFrom, c.fnTo - c.fnFrom, StandardCharsets.US_ASCII);
    switch (fn) {
      case "malloc", "__builtin_new", "__builtin_vec_new", "_Znwm", "_Znam", "valloc" ->
          append(ALLOC, size(b, c.argFrom, c.argTo), result(c, b), line);
      case "calloc" -> {
        int comma = indexOf(b, c.argFrom, c.argTo, ',');
        if (comma < 0 || indexOf(b, comma + 1, c.argTo, ',') >= 0) {
          throw new BadLineException("calloc needs two arguments: " + args(c, b));
        }
        long n = size(b, c.argFrom, comma);
        long each = size(b, comma + 1, c.argTo);
        long bytes;
        try {
          bytes = Math.multiplyExact(n, each);
        } catch (ArithmeticException e) {
          throw new BadLineException(
              "calloc(" + n + ", " + each + "): the size " + n + " * " + each + " overflows");
        }
        append(ALLOC_ZERO, bytes, result(c, b), line);
      }
      case "memalign", "posix_memalign", "aligned_alloc" -> {
        // "al A, size N" as valgrind prints memalign, or plain "A,N"
        int comma = indexOf(b, c.argFrom, c.argTo, ',');
        if (comma < 0) {
          throw new BadLineException(fn + ": cannot read its arguments: " + args(c, b));
        }
        long align = size(b, skipWord(b, c.argFrom, comma, "al"), comma);
        long size = size(b, skipWord(b, comma + 1, c.argTo, "size"), c.argTo);
        // kmalloc objects are naturally aligned to their size class: ask for enough
        append(
            ALLOC,
            Math.max(size, Math.min(align, KmallocSizes.KMALLOC_MAX_CACHE_SIZE)),
            result(c, b),
            line);
      }
      case "realloc" -> {
        int comma = indexOf(b, c.argFrom, c.argTo, ',');
        if (comma < 0 || indexOf(b, comma + 1, c.argTo, ',') >= 0) {
          throw new BadLineException("realloc needs two arguments: " + args(c, b));
        }
        long old = address(b, c.argFrom, comma);
        long size = size(b, comma + 1, c.argTo);
        long neu = c.resFrom < 0 ? 0 : address(b, c.resFrom, c.resTo);
        append(REALLOC, old, size, line);
        lastResult(neu);
      }
      case "free", "__builtin_delete", "__builtin_vec_delete", "_ZdlPv", "_ZdaPv", "_ZdlPvm" ->
          append(FREE, address(b, c.argFrom, c.argTo), 0, line);
      default -> throw new BadLineException("unknown allocation function '" + fn + "'");
    }
  }

  /** Results are kept in a third array only for realloc; other calls carry theirs in argB. */
  private long[] reallocResult = new long[256];

  private void lastResult(long r) {
    reallocResult[calls - 1] = r;
  }

  private long result(Call c, byte[] b) {
    if (c.resFrom < 0) {
      throw new BadLineException("an allocation without its result address");
    }
    return address(b, c.resFrom, c.resTo);
  }

  private void append(byte k, long a, long bArg, long line) {
    if (calls == kind.length) {
      int n = calls + (calls >> 1);
      kind = Arrays.copyOf(kind, n);
      argA = Arrays.copyOf(argA, n);
      argB = Arrays.copyOf(argB, n);
      lineOf = Arrays.copyOf(lineOf, n);
      reallocResult = Arrays.copyOf(reallocResult, n);
    }
    // an allocation: A = size, B = the program's address; realloc: A = old address, B = size;
    // free: A = address
    kind[calls] = k;
    argA[calls] = a;
    argB[calls] = bArg;
    lineOf[calls] = line;
    calls++;
  }

  private static String args(Call c, byte[] b) {
    return new String(b, c.argFrom, c.argTo - c.argFrom, StandardCharsets.UTF_8);
  }

  private static int indexOf(byte[] b, int from, int to, char ch) {
    for (int i = from; i < to; i++) {
      if (b[i] == ch) {
        return i;
      }
    }
    return -1;
  }

  private static int skipWord(byte[] b, int from, int to, String word) {
    int i = FormatDetector.skipBlanks(b, from, to);
    return FormatDetector.startsWith(b, i, to, word) ? i + word.length() : i;
  }

  /** A decimal size: at most 2^63 - 1. */
  static long size(byte[] b, int from, int to) {
    int i = FormatDetector.skipBlanks(b, from, to);
    int end = to;
    while (end > i && FormatDetector.isBlank(b[end - 1])) {
      end--;
    }
    if (i == end) {
      throw new BadLineException("a size is missing");
    }
    long v = 0;
    for (int k = i; k < end; k++) {
      int d = b[k] - '0';
      if (d < 0 || d > 9) {
        throw new BadLineException(
            "'"
                + new String(b, i, Math.min(end - i, 40), StandardCharsets.UTF_8)
                + "' is not a size");
      }
      if (v > (Long.MAX_VALUE - d) / 10) {
        throw new BadLineException(
            "size "
                + new String(b, i, Math.min(end - i, 40), StandardCharsets.US_ASCII)
                + " is larger than 2^63 - 1");
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** {@code 0x} and at most 16 hex digits, or {@code 0} or {@code (nil)}. */
  static long address(byte[] b, int from, int to) {
    int i = FormatDetector.skipBlanks(b, from, to);
    int end = to;
    while (end > i && FormatDetector.isBlank(b[end - 1])) {
      end--;
    }
    String t = new String(b, i, Math.min(end - i, 40), StandardCharsets.UTF_8);
    if (t.equals("(nil)") || t.equals("0")) {
      return 0;
    }
    if (!FormatDetector.startsWith(b, i, end, "0x") || end - i == 2) {
      throw new BadLineException("'" + t + "' is not an address");
    }
    int k = i + 2;
    while (k < end - 1 && b[k] == '0') {
      k++;
    }
    if (end - k > 16) {
      throw new BadLineException("address '" + t + "' has more than 16 hex digits");
    }
    long v = 0;
    for (; k < end; k++) {
      int d = Character.digit(b[k], 16);
      if (d < 0) {
        throw new BadLineException("'" + t + "' is not an address");
      }
      v = v << 4 | d;
    }
    return v;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public WorkloadFormat format() {
    return WorkloadFormat.MALLOC_TRACE;
  }

  /** Calls parsed (up to the first bad line). */
  int calls() {
    return calls;
  }

  @Override
  void replayOn(Replay r) {
    new Run(r).run();
  }

  /** One replay: the program's live blocks and the peak figures. */
  private final class Run {
    private final Replay r;
    private final Map<Long, long[]> live = new HashMap<>();

    /** Program addresses of live allocations kmalloc cannot serve (above KMALLOC_MAX_SIZE). */
    private final Set<Long> tooLarge = new HashSet<>();

    private long liveRequested;
    private long peakRequested;
    private long slabPagesAtPeak;
    private long done;
    private long skipped;

    Run(Replay r) {
      this.r = r;
    }

    void run() {
      ObjectAllocator oa = r.kernel().objectAllocator();
      try {
        for (int i = 0; i < calls; i++) {
          long line = lineOf[i];
          if (oa == null) {
            throw new WorkloadException(
                name, line, "a malloc trace needs an object allocator (object-allocator=none)");
          }
          r.kernel().setCaller(name + ":" + line);
          try {
            apply(oa, i);
          } catch (BadLineException | MmException | IllegalArgumentException e) {
            throw new WorkloadException(name, line, e.getMessage(), e);
          }
          done++;
          r.operationDone(name, line, OP_NAMES[kind[i]]);
        }
        if (error != null) {
          throw error;
        }
      } finally {
        r.addSummary(summary());
      }
    }

    private void apply(ObjectAllocator oa, int i) {
      switch (kind[i]) {
        case ALLOC -> alloc(oa, argA[i], argB[i], false);
        case ALLOC_ZERO -> alloc(oa, argA[i], argB[i], true);
        case REALLOC -> {
          free(oa, argA[i]);
          long size = argB[i];
          long neu = reallocResult[i];
          if (size > 0 && neu != 0) {
            alloc(oa, size, neu, false);
          }
        }
        default -> free(oa, argA[i]);
      }
    }

    private void alloc(ObjectAllocator oa, long size, long prog, boolean zero) {
      if (prog == 0) {
        return; // the program's allocation failed: nothing to replay
      }
      if (live.containsKey(prog) || tooLarge.contains(prog)) {
        throw new BadLineException(
            String.format("0x%x is handed out twice without a free in between", prog));
      }
      if (size > KmallocSizes.KMALLOC_MAX_SIZE) {
        skipped++;
        tooLarge.add(prog);
        return;
      }
      long k =
          size == 0 ? ZERO_SIZE_PTR : oa.kmalloc(r.cpu(), size, Gfp.KERNEL | (zero ? Gfp.ZERO : 0));
      if (k == 0) {
        throw new BadLineException("kmalloc: out of memory for " + size + " bytes");
      }
      live.put(prog, new long[] {k, size});
      liveRequested += size;
      r.allocated(size);
      if (liveRequested > peakRequested) {
        peakRequested = liveRequested;
        slabPagesAtPeak = oa.reclaimablePages() + oa.unreclaimablePages();
      }
    }

    private void free(ObjectAllocator oa, long prog) {
      if (prog == 0) {
        return;
      }
      if (tooLarge.remove(prog)) {
        return; // its allocation was skipped: so is its free
      }
      long[] k = live.get(prog);
      if (k == null) {
        throw new BadLineException(
            String.format(
                "free(0x%x) of an address the program never allocated (or freed twice)", prog));
      }
      if (k[0] != ZERO_SIZE_PTR) {
        oa.kfree(r.cpu(), k[0]);
      }
      live.remove(prog);
      liveRequested -= k[1];
      r.released(k[1]);
    }

    String summary() {
      StringBuilder sb = new StringBuilder();
      long slabBytes = slabPagesAtPeak << 12;
      sb.append(
          String.format(
              "malloc trace %s: %d calls, %d still live at the end%s%n",
              name,
              done,
              live.size(),
              skipped == 0 ? "" : String.format(", %d above KMALLOC_MAX_SIZE skipped", skipped)));
      sb.append(
          String.format(
              "  at the peak: %d bytes requested, %d bytes of slab and kmalloc"
                  + " pages, overhead %.3f",
              peakRequested,
              slabBytes,
              peakRequested == 0 ? 0.0 : (double) slabBytes / peakRequested));
      return sb.toString();
    }
  }

  /** True when {@code b[from, to)} (without surrounding blanks) is a call line of this format. */
  static boolean isCall(byte[] b, int from, int to) {
    return new Call().parse(b, from, to);
  }

  /**
   * The parts of {@code --PID-- [realloc(0x0,N)]FN(ARGS)[ = RESULT]}, found by one forward scan
   * (RESULT: {@code 0x} hex digits, {@code 0}, {@code (nil)} or a decimal number).
   */
  private static final class Call {
    int fnFrom;
    int fnTo;
    int argFrom;
    int argTo;
    int resFrom;
    int resTo;

    boolean parse(byte[] b, int from, int to) {
      int i = from;
      if (!FormatDetector.startsWith(b, i, to, "--")) {
        return false;
      }
      i += 2;
      int d = i;
      while (i < to && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      if (i == d || !FormatDetector.startsWith(b, i, to, "--")) {
        return false;
      }
      i += 2;
      int ws = i;
      i = FormatDetector.skipBlanks(b, i, to);
      if (i == ws) {
        return false;
      }
      // valgrind writes a realloc of NULL as "realloc(0x0,N)malloc(N) = ...": keep the malloc
      if (FormatDetector.startsWith(b, i, to, "realloc(0x0,")) {
        int k = i + "realloc(0x0,".length();
        int dd = k;
        while (k < to && b[k] >= '0' && b[k] <= '9') {
          k++;
        }
        if (k > dd && k < to && b[k] == ')' && k + 1 < to && isIdentStart(b[k + 1])) {
          i = k + 1;
        }
      }
      if (i >= to || !isIdentStart(b[i])) {
        return false;
      }
      fnFrom = i;
      while (i < to && (isIdentStart(b[i]) || (b[i] >= '0' && b[i] <= '9'))) {
        i++;
      }
      fnTo = i;
      if (i >= to || b[i] != '(') {
        return false;
      }
      argFrom = ++i;
      while (i < to && b[i] != ')') {
        i++;
      }
      if (i >= to) {
        return false;
      }
      argTo = i++;
      i = FormatDetector.skipBlanks(b, i, to);
      resFrom = -1;
      resTo = -1;
      if (i == to) {
        return true;
      }
      if (b[i] != '=') {
        return false;
      }
      i = FormatDetector.skipBlanks(b, i + 1, to);
      int r = i;
      if (FormatDetector.startsWith(b, i, to, "0x")) {
        i += 2;
        int h = i;
        while (i < to && Character.digit(b[i], 16) >= 0) {
          i++;
        }
        if (i == h) {
          return false;
        }
      } else if (FormatDetector.startsWith(b, i, to, "(nil)")) {
        i += 5;
      } else {
        if (i < to && b[i] == '-') {
          i++;
        }
        int h = i;
        while (i < to && b[i] >= '0' && b[i] <= '9') {
          i++;
        }
        if (i == h) {
          return false;
        }
      }
      resFrom = r;
      resTo = i;
      return FormatDetector.skipBlanks(b, i, to) == to;
    }

    private static boolean isIdentStart(byte c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }
  }
}
