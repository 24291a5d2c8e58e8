package io.mmsim.cli.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.mmsim.api.MmException;
import io.mmsim.api.object.SlabBugException;
import io.mmsim.api.util.Sizes;
import io.mmsim.kernel.Kernel;

/**
 * Replays workloads against one kernel: reads lines, looks each operation up in {@link Operations},
 * keeps the handles and the current CPU, and turns every failure into a {@link WorkloadException}
 * naming the file and line.
 *
 * <p>Operations check their line before changing anything and the simulator's calls leave it
 * unchanged when they throw, so after a failure the kernel is exactly as it was before the line.
 */
public final class Replayer {
  private final Kernel kernel;
  private final PrintStream out;
  private final Operations ops;
  private final Map<String, Handle> handles = new HashMap<>();
  private final List<String> events = new ArrayList<>();
  private int cpu;
  private long operations;
  private long requestedBytes;
  private String file = "";
  private long lineNo;

  /** A replayer over {@code kernel} printing read results to {@code out}. */
  public Replayer(Kernel kernel, PrintStream out) {
    this.kernel = kernel;
    this.out = out;
    this.ops = Operations.standard();
    if (kernel.processes() != null) {
      kernel
          .processes()
          .setReporter(
              line -> {
                out.println(line);
                events.add(line);
              });
    }
  }

  /** Signals and OOM kills reported during the run, in order. */
  public List<String> events() {
    return List.copyOf(events);
  }

  /** The kernel. */
  public Kernel kernel() {
    return kernel;
  }

  /** The simulated CPU running the current line. */
  public int cpu() {
    return cpu;
  }

  void setCpu(int cpu) {
    this.cpu = cpu;
  }

  /** Operations run so far. */
  public long operations() {
    return operations;
  }

  /** Bytes requested by kmalloc and cache allocations so far. */
  public long requestedBytes() {
    return requestedBytes;
  }

  void countRequested(long bytes) {
    requestedBytes += bytes;
  }

  /**
   * Replays a text workload.
   *
   * @throws WorkloadException for the first line that cannot run
   */
  public void runText(String fileName, BufferedReader in) throws IOException {
    String line;
    long n = 0;
    while ((line = in.readLine()) != null) {
      n++;
      runLine(fileName, n, line);
    }
  }

  /**
   * Replays a file in whichever format its content shows ({@link TraceFormat}).
   *
   * @param progress where to show progress of long traces (a terminal), or null
   * @return summary lines for this file (empty for a text workload)
   * @throws WorkloadException for the first line that cannot run
   */
  public List<String> runFile(java.nio.file.Path path, PrintStream progress) throws IOException {
    String name = path.toString();
    TraceFormat format = TraceFormat.detect(path);
    switch (format) {
      case MALLOC_TRACE -> {
        MallocTrace m = new MallocTrace(this);
        try (BufferedReader in = java.nio.file.Files.newBufferedReader(path)) {
          m.run(name, in);
        }
        return List.of(m.summary(name));
      }
      case LACKEY -> {
        MemoryTrace m = new MemoryTrace(this, progress);
        try {
          m.runLackey(name, path);
        } catch (IllegalArgumentException | MmException e) {
          throw new WorkloadException(name, 0, e.getMessage(), e);
        }
        return List.of(m.summary(name));
      }
      case REFERENCE_STRING -> {
        MemoryTrace m = new MemoryTrace(this, progress);
        try (BufferedReader in = java.nio.file.Files.newBufferedReader(path)) {
          m.runReferences(name, in);
        } catch (IllegalArgumentException | MmException e) {
          throw new WorkloadException(name, 0, e.getMessage(), e);
        }
        return List.of(m.summary(name));
      }
      default -> {
        try (BufferedReader in =
            java.nio.file.Files.newBufferedReader(path, java.nio.charset.StandardCharsets.UTF_8)) {
          runText(name, in);
        }
        return List.of();
      }
    }
  }

  /**
   * Parses a lackey trace with the replay's own parser, touching nothing: the parse-only rate that
   * replay is measured against.
   *
   * @return the references parsed
   */
  public long parseLackeyOnly(java.nio.file.Path path) throws IOException {
    return new MemoryTrace(this, null).parseLackeyOnly(path.toString(), path);
  }

  /** Runs one line of a text workload. */
  public void runLine(String fileName, long number, String raw) {
    String text = stripComment(raw).strip();
    if (text.isEmpty()) {
      return;
    }
    this.file = fileName;
    this.lineNo = number;
    try {
      Args a = Args.parse(text);
      Operation op = ops.find(a.op());
      if (op == null) {
        throw new BadLineException("unknown operation '" + a.op() + "'");
      }
      kernel.setCaller(fileName + ":" + number);
      op.run(this, a);
      operations++;
    } catch (BadLineException e) {
      throw new WorkloadException(fileName, number, e.getMessage(), e);
    } catch (SlabBugException e) {
      StringBuilder sb = new StringBuilder(e.getMessage());
      for (String l : e.report()) {
        sb.append(System.lineSeparator()).append(l);
      }
      throw new WorkloadException(fileName, number, sb.toString(), e);
    } catch (io.mmsim.kernel.mm.KernelOopsException e) {
      throw new WorkloadException(fileName, number, e.getMessage(), e);
    } catch (MmException | IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new WorkloadException(fileName, number, e.getMessage(), e);
    }
  }

  private static String stripComment(String line) {
    boolean inQuote = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"' && (i == 0 || line.charAt(i - 1) != '\\')) {
        inQuote = !inQuote;
      } else if (c == '#' && !inQuote) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  // ------------------------------------------------------------------ handles

  /** Checks a new handle's name: it must not name something still live. */
  String newHandleName(String name) {
    if (name.indexOf('+') >= 0 || name.isEmpty() || Character.isDigit(name.charAt(0))) {
      throw new BadLineException("'" + name + "' cannot be a handle name (letters first, no '+')");
    }
    Handle h = handles.get(name);
    if (h != null && h.live) {
      throw new BadLineException(
          "handle '"
              + name
              + "' still names a live "
              + h.kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    }
    return name;
  }

  void put(String name, Handle h) {
    handles.put(name, h);
  }

  /** The handle called {@code name} of the given kind. */
  Handle handle(String name, Handle.Kind kind) {
    Handle h = handles.get(name);
    if (h == null) {
      throw new BadLineException("unknown handle '" + name + "'");
    }
    if (h.kind != kind) {
      throw new BadLineException(
          "handle '"
              + name
              + "' names a "
              + h.kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
              + ", not a "
              + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    }
    return h;
  }

  /** An address: a number, or {@code HANDLE}, {@code HANDLE+OFFSET}, {@code HANDLE-OFFSET}. */
  long address(String text) {
    int plus = text.indexOf('+');
    int minus = text.indexOf('-');
    int at = plus >= 0 ? plus : minus;
    String base = at >= 0 ? text.substring(0, at) : text;
    if (!base.isEmpty() && Character.isDigit(base.charAt(0))) {
      if (at >= 0) {
        throw new BadLineException("'" + text + "' is not an address");
      }
      try {
        return Sizes.parseNumber(text);
      } catch (NumberFormatException e) {
        throw new BadLineException("'" + text + "' is not an address");
      }
    }
    Handle h = handles.get(base);
    if (h == null) {
      throw new BadLineException("unknown handle '" + base + "'");
    }
    long off = 0;
    if (at >= 0) {
      try {
        off = Sizes.parseSize(text.substring(at + 1));
      } catch (NumberFormatException e) {
        throw new BadLineException("'" + text + "': offset is not a number");
      }
      if (at == minus) {
        off = -off;
      }
    }
    return h.address() + off;
  }

  /** After a successful free: the handle (if the text named one at its start) is no longer live. */
  void markFreed(String text, long addr) {
    int at = Math.max(text.indexOf('+'), text.indexOf('-'));
    String base = at >= 0 ? text.substring(0, at) : text;
    Handle h = handles.get(base);
    if (h != null && h.address() == addr) {
      h.live = false;
    }
  }

  // ------------------------------------------------------------------ output

  /** Prints {@code LINE: ADDR: HEX} for a read. */
  void printBytes(long addr, byte[] data) {
    StringBuilder sb = new StringBuilder(data.length * 2 + 32);
    sb.append(lineNo).append(": ").append(String.format("0x%x", addr)).append(": ");
    for (byte b : data) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    out.println(sb);
  }

  /**
   * A part of the kernel an operation needs, or a line error naming the configuration that left it
   * out ({@code what} completes "this kernel has no ...").
   */
  static <T> T require(T part, String op, String what) {
    if (part == null) {
      throw new BadLineException(op + ": this kernel has no " + what);
    }
    return part;
  }

  /** Prints {@code LINE: text} for an operation that reports what it saw. */
  void printLine(String text) {
    out.println(lineNo + ": " + text);
  }

  /** The file of the line being run. */
  String file() {
    return file;
  }
}
