package io.mmsim.cli.workload;

/**
 * Thrown by an operation for a problem with its own line; the replayer adds the file and line
 * number.
 */
public final class BadLineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A problem described by {@code reason}. */
  public BadLineException(String reason) {
    super(reason);
  }
}
