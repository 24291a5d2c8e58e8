package io.mmsim.api.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.Sizes;

/**
 * One provider's slice of the configuration: the keys under its own prefix ({@code slub.debug} is
 * {@code debug} in the {@code slub} slice), already merged over the provider's defaults and checked
 * against them by the kernel.
 *
 * <p>Reading a key the provider did not declare is a programming error; a value that does not parse
 * throws {@link ConfigurationException} naming the full key.
 */
public final class Settings {
  private final String prefix;
  private final Map<String, String> values;

  /** A slice for {@code prefix} (without the dot) holding {@code values} by short key. */
  public Settings(String prefix, Map<String, String> values) {
    this.prefix = prefix;
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** An empty slice. */
  public static Settings empty(String prefix) {
    return new Settings(prefix, Map.of());
  }

  /** The prefix, e.g. {@code slub}. */
  public String prefix() {
    return prefix;
  }

  /** Every short key and its value. */
  public Map<String, String> asMap() {
    return values;
  }

  /** The full key, e.g. {@code slub.debug}. */
  public String fullKey(String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  /** The raw value of {@code key}. */
  public String get(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalStateException(
          "setting " + fullKey(key) + " was not declared in the" + " provider's defaults");
    }
    return v;
  }

  /** The value of {@code key} as a number (decimal or 0x-hex). */
  public long getLong(String key) {
    String v = get(key);
    try {
      return Sizes.parseNumber(v);
    } catch (NumberFormatException e) {
      throw new ConfigurationException(fullKey(key), fullKey(key) + ": " + e.getMessage());
    }
  }

  /** The value of {@code key} as an int in {@code [min, max]}. */
  public int getInt(String key, int min, int max) {
    long v = getLong(key);
    if (v < min || v > max) {
      throw new ConfigurationException(
          fullKey(key), fullKey(key) + ": " + v + " is out of range [" + min + ", " + max + "]");
    }
    return (int) v;
  }

  /** The value of {@code key} as a size in bytes (K, M, G suffixes). */
  public long getSize(String key) {
    String v = get(key);
    try {
      return Sizes.parseSize(v);
    } catch (NumberFormatException e) {
      throw new ConfigurationException(fullKey(key), fullKey(key) + ": " + e.getMessage());
    }
  }

  /** The value of {@code key} as a boolean ({@code true}/{@code false}, {@code 1}/{@code 0}). */
  public boolean getBoolean(String key) {
    String v = get(key).trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "true", "1", "yes", "on" -> {
        return true;
      }
      case "false", "0", "no", "off" -> {
        return false;
      }
      default ->
          throw new ConfigurationException(
              fullKey(key), fullKey(key) + ": '" + v + "' is not a boolean (true or false)");
    }
  }

  @Override
  public String toString() {
    return prefix + values;
  }
}
