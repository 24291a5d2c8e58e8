package io.mmsim.policies;

import java.util.Locale;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.spi.Settings;

/** Reads the policies' own keys: ratios as decimal fractions, counts as integers. */
final class PolicySettings {
  private PolicySettings() {}

  /**
   * The value of {@code key} as a decimal number in {@code [min, max]}.
   *
   * @throws ConfigurationException naming the full key when it does not parse or is out of range
   */
  static double ratio(Settings s, String key, double min, double max) {
    String text = s.get(key).trim();
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new ConfigurationException(
          s.fullKey(key), s.fullKey(key) + ": '" + text + "' is not a decimal number", e);
    }
    if (!(v >= min && v <= max)) {
      throw new ConfigurationException(
          s.fullKey(key),
          String.format(
              Locale.ROOT, "%s: %s is out of range [%s, %s]", s.fullKey(key), text, min, max));
    }
    return v;
  }

  /**
   * The value of {@code key}, which must be one of {@code choices}.
   *
   * @throws ConfigurationException naming the full key and the choices otherwise
   */
  static String choice(Settings s, String key, String... choices) {
    String text = s.get(key).trim();
    for (String c : choices) {
      if (c.equals(text)) {
        return c;
      }
    }
    throw new ConfigurationException(
        s.fullKey(key),
        s.fullKey(key) + ": '" + text + "' is not one of " + String.join(", ", choices));
  }

  /** The value of {@code key} as an int in {@code [min, max]}. */
  static int count(Settings s, String key, int min, int max) {
    return s.getInt(key, min, max);
  }

  /** {@code frames * ratio} rounded down, as C's conversion of a double to an integer does. */
  static long share(long frames, double ratio) {
    return (long) (frames * ratio);
  }
}
