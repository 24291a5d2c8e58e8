package io.mmsim.experiment.chart;

import java.util.List;
import java.util.Locale;

/**
 * The keys that are memory sizes, and their values as numbers: {@code rss.limit} in pages and
 * {@code memory.size} (or any key ending in {@code .size} or {@code .memory}) in MiB, parsed from
 * sizes such as {@code 64M}.
 */
public final class SizeAxis {
  private SizeAxis() {}

  /** The index of the key to put on a size axis: rss.limit first, then memory.size; or -1. */
  public static int pick(List<String> keys) {
    int i = keys.indexOf("rss.limit");
    return i >= 0 ? i : keys.indexOf("memory.size");
  }

  /** Whether {@code key} holds a size in bytes (with K/M/G suffixes). */
  public static boolean bytes(String key) {
    return key.endsWith(".size") || key.endsWith(".memory");
  }

  /** An axis title with the unit. */
  public static String label(String key) {
    if (key.equals("rss.limit")) {
      return "rss.limit (pages of 4 KiB)";
    }
    return bytes(key) ? key + " (MiB)" : key;
  }

  /** The value as a number on the axis (MiB for byte sizes), or NaN when it is not a number. */
  public static double value(String key, String v) {
    String s = v.strip();
    if (s.isEmpty()) {
      return Double.NaN;
    }
    double scale = 1;
    char last = Character.toUpperCase(s.charAt(s.length() - 1));
    int shift =
        switch (last) {
          case 'K' -> 10;
          case 'M' -> 20;
          case 'G' -> 30;
          case 'T' -> 40;
          default -> 0;
        };
    if (shift > 0) {
      s = s.substring(0, s.length() - 1);
      scale = Math.pow(2, shift);
    }
    double d;
    try {
      d = Double.parseDouble(s) * scale;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
    return bytes(key.toLowerCase(Locale.ROOT)) ? d / (1 << 20) : d;
  }
}
