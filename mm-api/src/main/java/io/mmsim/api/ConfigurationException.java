package io.mmsim.api;

/**
 * A configuration the kernel cannot boot with: an unknown key, a value that does not parse or is
 * out of range, an unknown or duplicate provider name.
 *
 * <p>The message names the key (and, for providers, lists the ones found).
 */
public class ConfigurationException extends MmException {
  private static final long serialVersionUID = 1L;

  private final String key;

  /** A problem with configuration key {@code key}. */
  public ConfigurationException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** A problem with configuration key {@code key}, caused by {@code cause}. */
  public ConfigurationException(String key, String message, Throwable cause) {
    super(message, cause);
    this.key = key;
  }

  /** The key at fault. */
  public String key() {
    return key;
  }
}
