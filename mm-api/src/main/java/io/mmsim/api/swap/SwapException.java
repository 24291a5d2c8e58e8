package io.mmsim.api.swap;

import io.mmsim.api.MmException;

/**
 * A swap area the simulated kernel refuses: a header without the {@code SWAPSPACE2} signature, of
 * another version, empty or longer than its device, with a bad-page list it cannot use; a swapon of
 * an area that is already active; a swapoff of an area still in use.
 *
 * <p>{@link #kernelMessage()} is the kernel's own wording where the kernel logs one (for example
 * {@code Unable to find swap-space signature}); {@link #getMessage()} prefixes it with the device
 * (the path) when one is known. Nothing is activated when this is thrown.
 */
public final class SwapException extends MmException {
  private static final long serialVersionUID = 1L;

  private final String device;
  private final String kernelMessage;

  /**
   * A refusal for {@code device} (a path, or {@code null} when only bytes were given).
   *
   * @param device the swap file or device, or {@code null}
   * @param kernelMessage the kernel's wording of the reason
   */
  public SwapException(String device, String kernelMessage) {
    super(device == null ? kernelMessage : device + ": " + kernelMessage);
    this.device = device;
    this.kernelMessage = kernelMessage;
  }

  /**
   * A refusal for {@code device} caused by an I/O error.
   *
   * @param device the swap file or device
   * @param kernelMessage what failed
   * @param cause the I/O error
   */
  public SwapException(String device, String kernelMessage, Throwable cause) {
    super(device == null ? kernelMessage : device + ": " + kernelMessage, cause);
    this.device = device;
    this.kernelMessage = kernelMessage;
  }

  /** The device or file the refusal is about, or {@code null}. */
  public String device() {
    return device;
  }

  /** The reason in the kernel's words, without the device prefix. */
  public String kernelMessage() {
    return kernelMessage;
  }
}
