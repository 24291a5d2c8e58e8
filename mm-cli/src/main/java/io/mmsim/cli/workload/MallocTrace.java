package io.mmsim.cli.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mmsim.api.MmException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.object.KmallocSizes;
import io.mmsim.api.object.ObjectAllocator;

/**
 * Replays a valgrind {@code --trace-malloc=yes} log as kmalloc and kfree: a real program's heap
 * traffic on the kernel's object allocator.
 *
 * <p>Lines look like {@code --PID-- malloc(16) = 0x4A5B040}, {@code calloc(N,M) = 0x...}, {@code
 * realloc(0xOLD,N) = 0xNEW} (a moving realloc: the old block is freed), {@code
 * realloc(0x0,N)malloc(N) = 0x...}, {@code memalign(al A, size N) = 0x...}, {@code free(0x...)},
 * and the C++ operators valgrind traces the same way. The program's address is the handle of the
 * kernel object. Lines starting {@code ==} are valgrind's own and skipped.
 *
 * <p>Requests above {@code KMALLOC_MAX_SIZE} (4 MiB), which kmalloc refuses, are counted and
 * skipped; {@code malloc(0)} gives {@code ZERO_SIZE_PTR} as kmalloc(0) does. The summary reports,
 * at the moment the program's live requested bytes peaked, those bytes, the pages the object
 * allocator held, and their ratio.
 */
final class MallocTrace {
  private static final Pattern CALL =
      Pattern.compile(
          "^--\\d+--\\s+(?:realloc\\(0x0,\\d+\\))?([A-Za-z_][A-Za-z0-9_]*)\\(([^)]*)\\)(?:\\s*=\\s*(0x[0-9A-Fa-f]+|0|\\(nil\\)|-?\\d+))?\\s*$");

  /** kmalloc(0) returns this in the kernel. */
  static final long ZERO_SIZE_PTR = 16;

  private final Replayer r;
  private final Map<Long, long[]> live = new HashMap<>();

  /** Program addresses of live allocations kmalloc cannot serve (above KMALLOC_MAX_SIZE). */
  private final java.util.Set<Long> tooLarge = new java.util.HashSet<>();

  private long liveRequested;
  private long peakRequested;
  private long slabPagesAtPeak;
  private long calls;
  private long skipped;

  MallocTrace(Replayer r) {
    this.r = r;
  }

  /** True when {@code line} is one this format understands (used to detect the format). */
  static boolean looksLike(String line) {
    return CALL.matcher(line).matches();
  }

  void run(String file, BufferedReader in) throws IOException {
    ObjectAllocator oa = r.kernel().objectAllocator();
    String line;
    long n = 0;
    while ((line = in.readLine()) != null) {
      n++;
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("==") || t.startsWith("#")) {
        continue;
      }
      if (oa == null) {
        throw new WorkloadException(
            file, n, "a malloc trace needs an object allocator" + " (object-allocator=none)");
      }
      Matcher m = CALL.matcher(t);
      if (!m.matches()) {
        if (t.startsWith("--")) {
          continue; // valgrind's other "--PID--" messages
        }
        throw new WorkloadException(file, n, "not a valgrind --trace-malloc line: '" + t + "'");
      }
      r.kernel().setCaller(file + ":" + n);
      try {
        apply(oa, m.group(1), m.group(2), m.group(3));
      } catch (BadLineException e) {
        throw new WorkloadException(file, n, e.getMessage(), e);
      } catch (MmException | IllegalArgumentException e) {
        throw new WorkloadException(file, n, e.getMessage(), e);
      }
      calls++;
    }
  }

  private void apply(ObjectAllocator oa, String fn, String args, String result) {
    switch (fn) {
      case "malloc", "__builtin_new", "__builtin_vec_new", "_Znwm", "_Znam", "valloc" ->
          alloc(oa, num(args), result, false);
      case "calloc" -> {
        String[] p = args.split(",");
        if (p.length != 2) {
          throw new BadLineException("calloc needs two arguments: " + args);
        }
        alloc(oa, Math.multiplyExact(num(p[0]), num(p[1])), result, true);
      }
      case "memalign", "posix_memalign", "aligned_alloc" -> {
        Matcher m = Pattern.compile("(?:al\\s*)?(\\d+)\\s*,\\s*(?:size\\s*)?(\\d+)").matcher(args);
        if (!m.find()) {
          throw new BadLineException(fn + ": cannot read its arguments: " + args);
        }
        long align = Long.parseLong(m.group(1));
        long size = Long.parseLong(m.group(2));
        // kmalloc objects are naturally aligned to their size class: ask for enough
        alloc(
            oa,
            Math.max(size, Math.min(align, KmallocSizes.KMALLOC_MAX_CACHE_SIZE)),
            result,
            false);
      }
      case "realloc" -> {
        String[] p = args.split(",");
        if (p.length != 2) {
          throw new BadLineException("realloc needs two arguments: " + args);
        }
        long old = addr(p[0]);
        long size = num(p[1]);
        long neu = result == null ? 0 : addr(result);
        free(oa, old);
        if (size > 0 && neu != 0) {
          alloc(oa, size, result, false);
        }
      }
      case "free", "__builtin_delete", "__builtin_vec_delete", "_ZdlPv", "_ZdaPv", "_ZdlPvm" ->
          free(oa, addr(args));
      default -> throw new BadLineException("unknown allocation function '" + fn + "'");
    }
  }

  private void alloc(ObjectAllocator oa, long size, String result, boolean zero) {
    if (result == null) {
      throw new BadLineException("an allocation without its result address");
    }
    long prog = addr(result);
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
    r.countRequested(size);
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
    long[] k = live.remove(prog);
    if (k == null) {
      throw new BadLineException(
          String.format(
              "free(0x%x) of an address the program never" + " allocated (or freed twice)", prog));
    }
    if (k[0] != ZERO_SIZE_PTR) {
      oa.kfree(r.cpu(), k[0]);
    }
    liveRequested -= k[1];
  }

  private static long num(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw new BadLineException("'" + s.trim() + "' is not a size");
    }
  }

  private static long addr(String s) {
    String t = s.trim();
    if (t.equals("(nil)") || t.equals("0") || t.equals("0x0")) {
      return 0;
    }
    if (!t.startsWith("0x")) {
      throw new BadLineException("'" + t + "' is not an address");
    }
    return Long.parseUnsignedLong(t.substring(2), 16);
  }

  /** The summary lines for this replay. */
  String summary(String file) {
    StringBuilder sb = new StringBuilder();
    long slabBytes = slabPagesAtPeak << 12;
    sb.append(
        String.format(
            "malloc trace %s: %d calls, %d still live at the end%s%n",
            file,
            calls,
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
