package io.mmsim.workload;

/**
 * A workload line that cannot run: unknown operation, bad argument, unknown handle, a call the
 * simulator rejected, an allocation that failed. Printed as {@code FILE:LINE: reason}.
 */
public final class WorkloadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;
  private final String reason;

  /** A failure of line {@code line} of {@code file}. */
  public WorkloadException(String file, long line, String reason) {
    super(file + ":" + line + ": " + reason);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  /** A failure of line {@code line} of {@code file} caused by {@code cause}. */
  public WorkloadException(String file, long line, String reason, Throwable cause) {
    super(file + ":" + line + ": " + reason, cause);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  /** The workload file's name as given. */
  public String file() {
    return file;
  }

  /** The 1-based line number. */
  public long line() {
    return line;
  }

  /** What was wrong. */
  public String reason() {
    return reason;
  }
}
