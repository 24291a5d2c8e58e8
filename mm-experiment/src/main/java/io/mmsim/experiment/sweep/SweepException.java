package io.mmsim.experiment.sweep;

/**
 * A sweep that cannot start: a bad {@code --vary} or {@code --set}, a configuration key or value
 * that one of the grid's combinations would refuse, a workload that cannot be read, or result
 * folders that do not belong together. Nothing has run when it is thrown.
 */
public final class SweepException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String key;

  /** A failure about configuration key {@code key} (null when no key is to blame). */
  public SweepException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** A failure about configuration key {@code key}, caused by {@code cause}. */
  public SweepException(String key, String message, Throwable cause) {
    super(message, cause);
    this.key = key;
  }

  /** The configuration key to blame, or null. */
  public String key() {
    return key;
  }
}
