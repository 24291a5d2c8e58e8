package io.mmsim.workload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.mmsim.kernel.Kernel;

/**
 * A workload read into memory, ready to replay against any number of kernels.
 *
 * <pre>{@code
 * Workload w = Workload.open(Path.of("trace.refs"));
 * for (String limit : List.of("8", "16", "32")) {
 *   Kernel k = Kernel.builder().set("rss.limit", limit).set("swap.memory", "64M").boot();
 *   System.out.println(limit + " " + w.replay(k).counter("pgfault"));
 * }
 * }</pre>
 *
 * <p>{@link #open} tells the format from the content, as {@code mm run} does ({@link
 * WorkloadFormat}): a valgrind {@code --trace-malloc} log, a lackey log, a page-reference string,
 * or mmsim's text workload. It reads the file once and never again: a memory trace is parsed into
 * primitive arrays ({@link MemoryTrace}), a malloc log into its calls, a text workload is kept as
 * its checked bytes. A workload is immutable once open, so one instance may replay on several
 * threads at once, each against its own kernel.
 *
 * <h2>Errors</h2>
 *
 * A file that cannot be opened at all (missing, a directory) is an {@link IOException}. A line that
 * cannot be read (not UTF-8 text, longer than 1 MiB, malformed) does not fail {@code open}: reading
 * stops there, and replay runs every line before it and then throws a {@link WorkloadException}
 * naming the file and line, as it does for a line that cannot run.
 *
 * <h2>Files root</h2>
 *
 * A text workload names files ({@code mmap ... file=PATH}); they resolve against the workload's
 * files root, by default the folder the workload file is in.
 */
public abstract sealed class Workload permits TextWorkload, MallocLog, MemoryTrace {
  private Path filesRoot;

  Workload() {}

  /**
   * Reads the workload file {@code file}, whose file paths resolve against its folder.
   *
   * @throws IOException when the file cannot be read (missing, a directory, no permission)
   */
  public static Workload open(Path file) throws IOException {
    Path abs = file.toAbsolutePath().normalize();
    return open(file, abs.getParent() == null ? abs : abs.getParent());
  }

  /**
   * Reads the workload file {@code file}, whose file paths resolve against {@code filesRoot}.
   *
   * @throws IOException when the file cannot be read (missing, a directory, no permission)
   */
  public static Workload open(Path file, Path filesRoot) throws IOException {
    if (Files.isDirectory(file)) {
      throw new FileSystemException(file.toString(), null, "is a directory, not a workload file");
    }
    long bytes = Files.isRegularFile(file) ? Files.size(file) : -1;
    try (InputStream in = Files.newInputStream(file)) {
      return read(file.toString(), in, filesRoot, bytes);
    }
  }

  /**
   * Opens {@code file} as {@link #open(Path, Path)} does, but reads a memory trace (a lackey log, a
   * reference string) on a thread of its own and returns as soon as its format is known, so that
   * the caller can boot a kernel meanwhile. A replay that starts before the reading ends replays
   * what has been read and follows the reader; it replays the same touches in the same order as
   * after {@link #open}. Other formats are read before this returns.
   *
   * <p>A file that cannot be opened is an {@link IOException} here; a read that fails later ends
   * the trace there, as a bad line does (the replay throws it after the touches before it).
   *
   * @throws IOException when the file cannot be opened (missing, a directory, no permission)
   */
  public static Workload openInBackground(Path file, Path filesRoot) throws IOException {
    if (Files.isDirectory(file)) {
      throw new FileSystemException(file.toString(), null, "is a directory, not a workload file");
    }
    long bytes = Files.isRegularFile(file) ? Files.size(file) : -1;
    InputStream in = Files.newInputStream(file);
    boolean handedOver = false;
    try {
      String name = file.toString();
      byte[] head = new byte[FormatDetector.HEAD];
      int len = readHead(in, head);
      WorkloadFormat f = FormatDetector.detect(head, len, len < head.length);
      InputStream all = new SequenceInputStream(new ByteArrayInputStream(head, 0, len), in);
      Workload w;
      if (f == WorkloadFormat.LACKEY || f == WorkloadFormat.REFERENCE_STRING) {
        w = MemoryTrace.readInBackground(name, f, all, bytes);
        handedOver = true;
      } else {
        w = readFormat(name, f, all, bytes);
      }
      return w.rooted(filesRoot);
    } finally {
      if (!handedOver) {
        in.close();
      }
    }
  }

  /** {@link #openInBackground(Path, Path)} with the file's folder as the files root. */
  public static Workload openInBackground(Path file) throws IOException {
    Path abs = file.toAbsolutePath().normalize();
    return openInBackground(file, abs.getParent() == null ? abs : abs.getParent());
  }

  private static int readHead(InputStream in, byte[] head) throws IOException {
    int len = 0;
    int n;
    while (len < head.length && (n = in.read(head, len, head.length - len)) > 0) {
      len += n;
    }
    return len;
  }

  private static Workload readFormat(String name, WorkloadFormat f, InputStream all, long bytes)
      throws IOException {
    return switch (f) {
      case MALLOC_TRACE -> MallocLog.read(name, all);
      case LACKEY -> MemoryTrace.readLackey(name, all, bytes);
      case REFERENCE_STRING -> MemoryTrace.readReferences(name, all, bytes);
      case WORKLOAD -> TextWorkload.read(name, all);
    };
  }

  /**
   * Reads a workload from a stream (a resource, a pipe), telling its format from the content.
   *
   * @param name the name errors and summaries give it
   * @param filesRoot where the file paths of a text workload resolve
   */
  public static Workload read(String name, InputStream in, Path filesRoot) throws IOException {
    return read(name, in, filesRoot, -1);
  }

  /** {@link #read(String, InputStream, Path)} of a stream of {@code bytes} bytes (-1: unknown). */
  static Workload read(String name, InputStream in, Path filesRoot, long bytes) throws IOException {
    byte[] head = new byte[FormatDetector.HEAD];
    int len = readHead(in, head);
    WorkloadFormat f = FormatDetector.detect(head, len, len < head.length);
    InputStream all = new SequenceInputStream(new ByteArrayInputStream(head, 0, len), in);
    return readFormat(name, f, all, bytes).rooted(filesRoot);
  }

  /** Sets the files root; returns this. */
  final Workload rooted(Path root) {
    this.filesRoot = root.toAbsolutePath().normalize();
    return this;
  }

  /** The workload's name: the path it was opened from, as given. */
  public abstract String name();

  /** The format its content showed. */
  public abstract WorkloadFormat format();

  /** The folder its file paths resolve against. */
  public final Path filesRoot() {
    return filesRoot;
  }

  /**
   * Replays the workload against {@code kernel}.
   *
   * @return the counters and events of this replay
   * @throws WorkloadException for the first line that cannot be read or run; the lines before it
   *     have run. (Use {@link Replay} to keep the counters of a replay that failed.)
   */
  public final RunResult replay(Kernel kernel) {
    return replay(kernel, null);
  }

  /**
   * Replays the workload against {@code kernel}, telling {@code listener} (which may be null) about
   * every step.
   *
   * @throws WorkloadException for the first line that cannot be read or run
   */
  public final RunResult replay(Kernel kernel, ReplayListener listener) {
    Replay r = new Replay(kernel, listener);
    r.run(this);
    return r.result();
  }

  /** Runs this workload on {@code r}'s kernel. */
  abstract void replayOn(Replay r);

  /** The error for the line {@code s} found too long: binary bytes, or a real long line. */
  static WorkloadException tooLong(String name, LineScanner s) {
    return new WorkloadException(
        name,
        s.lineNumber(),
        s.partialLineIsText()
            ? "line longer than " + (LineScanner.MAX_LINE >> 20) + " MiB"
            : "not UTF-8 text");
  }
}
