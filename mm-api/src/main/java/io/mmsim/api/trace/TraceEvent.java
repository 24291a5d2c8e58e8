package io.mmsim.api.trace;

/**
 * One event as a listener sees it: the tracepoint, who ran it (task and CPU), when (the simulated
 * clock) and its fields.
 *
 * <p>The {@link Tracer} fills one instance and hands it to every listener in turn, so an event must
 * be read during {@link TraceListener#event} only: keep a {@link #copy()} (or the printed {@link
 * #line()}) to look at it later. Numbers are kept as {@code long}s; {@link Tracepoint#args()} and
 * {@link Tracepoint#texts()} name them.
 */
public final class TraceEvent {
  /** The most numeric fields an event has. */
  public static final int MAX_ARGS = 8;

  /** The most string fields an event has. */
  public static final int MAX_TEXTS = 2;

  Tracepoint tracepoint;
  long timestamp;
  int cpu;
  String comm;
  int pid;
  final long[] args = new long[MAX_ARGS];
  final String[] texts = new String[MAX_TEXTS];

  TraceEvent() {}

  /** The tracepoint. */
  public Tracepoint tracepoint() {
    return tracepoint;
  }

  /** The simulated clock in nanoseconds when the event happened. */
  public long timestampNanos() {
    return timestamp;
  }

  /** The simulated CPU that ran it. */
  public int cpu() {
    return cpu;
  }

  /** The command name of the task that ran it ({@code proc1}, {@code kswapd0}, {@code mm}). */
  public String comm() {
    return comm;
  }

  /** The pid of that task (0 for the kernel's own tasks and the workload's kernel-mode lines). */
  public int pid() {
    return pid;
  }

  /** Numeric field {@code i} (in the order of {@link Tracepoint#args()}). */
  public long arg(int i) {
    return args[i];
  }

  /**
   * The numeric field called {@code name}.
   *
   * @throws IllegalArgumentException when the tracepoint has no such field
   */
  public long arg(String name) {
    int i = tracepoint.args().indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(
          tracepoint.fullName() + " has no field '" + name + "': " + tracepoint.args());
    }
    return args[i];
  }

  /** String field {@code i} (in the order of {@link Tracepoint#texts()}). */
  public String text(int i) {
    return texts[i];
  }

  /**
   * The string field called {@code name}.
   *
   * @throws IllegalArgumentException when the tracepoint has no such field
   */
  public String text(String name) {
    int i = tracepoint.texts().indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(
          tracepoint.fullName() + " has no field '" + name + "': " + tracepoint.texts());
    }
    return texts[i];
  }

  /** Appends the fields as the kernel's {@code TP_printk} prints them. */
  public StringBuilder appendFields(StringBuilder sb) {
    TpPrintk.fields(this, sb);
    return sb;
  }

  /**
   * Appends the whole line as {@code trace_pipe} prints it (without the line end): task-pid, CPU,
   * flags, timestamp, {@code event: fields}.
   */
  public StringBuilder appendLine(StringBuilder sb) {
    TpPrintk.context(this, sb);
    sb.append(tracepoint.event()).append(": ");
    TpPrintk.fields(this, sb);
    return sb;
  }

  /** The {@code trace_pipe} line. */
  public String line() {
    return appendLine(new StringBuilder(128)).toString();
  }

  /** A detached copy that stays valid after the listener returns. */
  public TraceEvent copy() {
    TraceEvent c = new TraceEvent();
    c.tracepoint = tracepoint;
    c.timestamp = timestamp;
    c.cpu = cpu;
    c.comm = comm;
    c.pid = pid;
    System.arraycopy(args, 0, c.args, 0, MAX_ARGS);
    System.arraycopy(texts, 0, c.texts, 0, MAX_TEXTS);
    return c;
  }

  @Override
  public String toString() {
    return line();
  }
}
