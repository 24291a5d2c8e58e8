package io.mmsim.workload;

/**
 * Thrown by an operation for a problem with its own line; the replay adds the file and line number.
 */
final class BadLineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A problem described by {@code reason}. */
  BadLineException(String reason) {
    super(reason);
  }
}
