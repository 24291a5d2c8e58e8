package io.mmsim.api.spi;

/**
 * The version of mmsim's SPI. A provider returns {@link #CURRENT} from {@link
 * Provider#spiVersion()}, which javac inlines, so the value is the version the provider was
 * compiled against. A different major version is rejected at boot; a different minor only warns.
 */
public final class SpiVersion {
  private SpiVersion() {}

  /** Incremented when a contract changes incompatibly. */
  public static final int MAJOR = 1;

  /** Incremented when a contract gains a default method. */
  public static final int MINOR = 4;

  /** {@code MAJOR * 1000 + MINOR}. */
  public static final int CURRENT = MAJOR * 1000 + MINOR;

  /** The major part of an encoded version. */
  public static int major(int version) {
    return version / 1000;
  }

  /** The minor part of an encoded version. */
  public static int minor(int version) {
    return version % 1000;
  }

  /** Prints an encoded version as {@code major.minor}. */
  public static String format(int version) {
    return major(version) + "." + minor(version);
  }
}
