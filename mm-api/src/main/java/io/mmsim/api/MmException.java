package io.mmsim.api;

/**
 * The root of mmsim's exceptions: a call that the simulated kernel refuses.
 *
 * <p>Every subclass promises that the component which threw it is exactly as it was before the
 * call: checks run before the first change of state. Running out of memory is not an exception
 * (allocators return a sentinel such as {@code NO_PAGE} or 0); misuse is.
 */
public abstract class MmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message that says what was wrong and where. */
  protected MmException(String message) {
    super(message);
  }

  /** An exception with a message and the cause that led to it. */
  protected MmException(String message, Throwable cause) {
    super(message, cause);
  }
}
