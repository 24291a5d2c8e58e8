package io.mmsim.api;

/**
 * A call on an address that does not name what the call needs: a pointer that is not the start of
 * an object, a vfree of an address that no area starts at, a physical address beyond the end of
 * memory.
 *
 * <p>The message names the address; the component is unchanged.
 */
public class BadAddressException extends MmException {
  private static final long serialVersionUID = 1L;

  private final long address;

  /** A bad call on {@code address}; the message should already name it. */
  public BadAddressException(long address, String message) {
    super(message);
    this.address = address;
  }

  /** The address the bad call named. */
  public long address() {
    return address;
  }
}
