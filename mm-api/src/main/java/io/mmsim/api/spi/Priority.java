package io.mmsim.api.spi;

/**
 * Named priority levels for {@link Provider#priority()}: when no name is configured for an SPI, the
 * provider with the highest priority is chosen, and a tie at the top is an error.
 */
public final class Priority {
  private Priority() {}

  /** A provider that should be chosen only when nothing else is present. */
  public static final int FALLBACK = -100;

  /** The default for every provider. */
  public static final int NORMAL = 0;

  /** A provider that should win over NORMAL ones when no name is configured. */
  public static final int PREFERRED = 100;
}
