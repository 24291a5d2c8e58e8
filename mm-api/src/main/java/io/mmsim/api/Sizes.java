package io.mmsim.api;

import java.util.Locale;

/**
 * Parses and prints numbers and sizes the way mmsim's configuration and workloads write them.
 *
 * <p>A number is decimal or {@code 0x} hexadecimal. A size is a number optionally followed by
 * {@code K}, {@code M}, {@code G} or {@code T} (binary multiples, case-insensitive, an optional
 * trailing {@code B} or {@code iB} is accepted). Malformed text throws {@link
 * NumberFormatException} with a message that quotes the text.
 */
public final class Sizes {
  private Sizes() {}

  /** Parses a decimal or {@code 0x}-hex number that fits in a signed long. */
  public static long parseNumber(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      throw new NumberFormatException("empty number");
    }
    try {
      if (t.startsWith("0x") || t.startsWith("0X")) {
        return Long.parseUnsignedLong(t.substring(2), 16);
      }
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw new NumberFormatException("not a number: '" + text + "'");
    }
  }

  /** Parses a size in bytes such as {@code 4096}, {@code 64K}, {@code 1G} or {@code 0x1000}. */
  public static long parseSize(String text) {
    String t = text.trim();
    String upper = t.toUpperCase(Locale.ROOT);
    if (upper.endsWith("IB")) {
      upper = upper.substring(0, upper.length() - 2);
    } else if (upper.endsWith("B") && !upper.startsWith("0X")) {
      upper = upper.substring(0, upper.length() - 1);
    }
    int shift = 0;
    if (!upper.isEmpty() && !upper.startsWith("0X")) {
      char last = upper.charAt(upper.length() - 1);
      switch (last) {
        case 'K' -> shift = 10;
        case 'M' -> shift = 20;
        case 'G' -> shift = 30;
        case 'T' -> shift = 40;
        default -> shift = 0;
      }
      if (shift != 0) {
        upper = upper.substring(0, upper.length() - 1);
      }
    }
    long value;
    try {
      value = parseNumber(upper);
    } catch (NumberFormatException e) {
      throw new NumberFormatException("not a size: '" + text + "' (use a number with K, M or G)");
    }
    if (value < 0) {
      throw new NumberFormatException("negative size: '" + text + "'");
    }
    if (shift != 0 && value > (Long.MAX_VALUE >> shift)) {
      throw new NumberFormatException("size too large: '" + text + "'");
    }
    return value << shift;
  }

  /** Prints a byte count with the largest binary suffix that divides it exactly ({@code 1G}). */
  public static String format(long bytes) {
    String[] units = {"", "K", "M", "G", "T"};
    int u = 0;
    long v = bytes;
    while (u < units.length - 1 && v != 0 && (v & 1023) == 0) {
      v >>= 10;
      u++;
    }
    return v + units[u];
  }
}
