package io.mmsim.api.spi;

import java.util.Map;

/**
 * What every provider (a factory found through {@link java.util.ServiceLoader}) tells about itself.
 * Providers are cheap: a public no-argument constructor that does nothing; all work happens in the
 * SPI's {@code create} method.
 *
 * @since 1.0
 */
public interface Provider {

  /**
   * A stable lower-case id, unique within its SPI ({@code buddy}, {@code slub}, {@code x86_64}).
   */
  String name();

  /** One line for listings and error messages. */
  String description();

  /** Rank when no name is configured; see {@link Priority}. */
  default int priority() {
    return Priority.NORMAL;
  }

  /**
   * The SPI version this provider was compiled against: implement as {@code return
   * SpiVersion.CURRENT;} so that javac inlines the constant.
   */
  int spiVersion();

  /**
   * The keys this provider reads under its own prefix and their defaults (short keys: {@code debug}
   * for {@code slub.debug}). A configured key under the prefix that is not listed is an error.
   */
  default Map<String, String> defaultSettings() {
    return Map.of();
  }
}
