package io.mmsim.workload;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.mmsim.api.Sizes;

/**
 * The tokens of one workload line after the operation name: positional arguments, {@code key=value}
 * options and bare flags, with parsers that fail with a message naming the argument.
 *
 * <p>Tokens are separated by blanks; a double-quoted token may hold blanks and the escapes {@code
 * \"}, {@code \\}, {@code \n}, {@code \t}.
 */
final class Args {
  private final String op;
  private final List<String> tokens;
  private final List<Boolean> quoted;

  private Args(String op, List<String> tokens, List<Boolean> quoted) {
    this.op = op;
    this.tokens = tokens;
    this.quoted = quoted;
  }

  /** Splits a line (without comment) into the operation and its arguments. */
  public static Args parse(String line) {
    List<String> toks = new ArrayList<>();
    List<Boolean> q = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      StringBuilder sb = new StringBuilder();
      if (c == '"') {
        i++;
        boolean closed = false;
        while (i < n) {
          char d = line.charAt(i++);
          if (d == '"') {
            closed = true;
            break;
          }
          if (d == '\\' && i < n) {
            char e = line.charAt(i++);
            sb.append(
                switch (e) {
                  case 'n' -> '\n';
                  case 't' -> '\t';
                  default -> e;
                });
          } else {
            sb.append(d);
          }
        }
        if (!closed) {
          throw new BadLineException("unterminated quoted string");
        }
        toks.add(sb.toString());
        q.add(Boolean.TRUE);
      } else {
        while (i < n && !Character.isWhitespace(line.charAt(i))) {
          sb.append(line.charAt(i++));
        }
        toks.add(sb.toString());
        q.add(Boolean.FALSE);
      }
    }
    if (toks.isEmpty()) {
      return new Args("", List.of(), List.of());
    }
    return new Args(toks.get(0), toks.subList(1, toks.size()), q.subList(1, q.size()));
  }

  /** The operation name. */
  public String op() {
    return op;
  }

  /** Positional arguments (not {@code key=value}). */
  public int positional() {
    int count = 0;
    for (int i = 0; i < tokens.size(); i++) {
      if (quoted.get(i) || tokens.get(i).indexOf('=') < 0) {
        count++;
      }
    }
    return count;
  }

  /** The {@code i}-th positional argument. */
  public String get(int i, String what) {
    int seen = 0;
    for (int t = 0; t < tokens.size(); t++) {
      if (quoted.get(t) || tokens.get(t).indexOf('=') < 0) {
        if (seen == i) {
          return tokens.get(t);
        }
        seen++;
      }
    }
    throw new BadLineException(op + ": missing " + what);
  }

  /** True when the {@code i}-th positional argument was a quoted string. */
  public boolean isQuoted(int i) {
    int seen = 0;
    for (int t = 0; t < tokens.size(); t++) {
      if (quoted.get(t) || tokens.get(t).indexOf('=') < 0) {
        if (seen == i) {
          return quoted.get(t);
        }
        seen++;
      }
    }
    return false;
  }

  /** Checks the number of positional arguments (flags included) lies in {@code [min, max]}. */
  public void expect(int min, int max, String usage) {
    int p = positional();
    if (p < min || p > max) {
      throw new BadLineException(op + ": expected '" + usage + "'");
    }
  }

  /** The value of option {@code key=...}, or null. */
  public String option(String key) {
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      if (!quoted.get(i) && t.startsWith(key + "=")) {
        return t.substring(key.length() + 1);
      }
    }
    return null;
  }

  /** Fails on any {@code key=value} option not in {@code allowed}. */
  public void allowOptions(String... allowed) {
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      int eq = t.indexOf('=');
      if (quoted.get(i) || eq < 0) {
        continue;
      }
      String k = t.substring(0, eq);
      boolean ok = false;
      for (String a : allowed) {
        ok |= a.equals(k);
      }
      if (!ok) {
        throw new BadLineException(op + ": unknown option '" + k + "'");
      }
    }
  }

  /** The {@code i}-th positional argument as a number. */
  public long number(int i, String what) {
    String t = get(i, what);
    try {
      return Sizes.parseNumber(t);
    } catch (NumberFormatException e) {
      throw new BadLineException(op + ": " + what + " '" + t + "' is not a number");
    }
  }

  /** The {@code i}-th positional argument as a size (K/M/G suffixes). */
  public long size(int i, String what) {
    String t = get(i, what);
    try {
      return Sizes.parseSize(t);
    } catch (NumberFormatException e) {
      throw new BadLineException(op + ": " + what + " '" + t + "' is not a size");
    }
  }

  /** An int argument within {@code [min, max]}. */
  public int intIn(int i, String what, int min, int max) {
    long v = number(i, what);
    if (v < min || v > max) {
      throw new BadLineException(
          op + ": " + what + " " + v + " is out of range [" + min + ", " + max + "]");
    }
    return (int) v;
  }

  /** Bytes given as hex digits ({@code deadbeef}) or as a quoted string. */
  public byte[] bytes(int i, String what) {
    String t = get(i, what);
    if (isQuoted(i)) {
      return t.getBytes(StandardCharsets.UTF_8);
    }
    String h = t.toLowerCase(Locale.ROOT);
    if (h.startsWith("0x")) {
      h = h.substring(2);
    }
    if (h.isEmpty() || (h.length() & 1) != 0) {
      throw new BadLineException(
          op + ": " + what + " '" + t + "' is not an even number of hex digits or a quoted string");
    }
    byte[] b = new byte[h.length() / 2];
    for (int k = 0; k < b.length; k++) {
      int hi = Character.digit(h.charAt(2 * k), 16);
      int lo = Character.digit(h.charAt(2 * k + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new BadLineException(op + ": " + what + " '" + t + "' is not hex");
      }
      b[k] = (byte) (hi << 4 | lo);
    }
    return b;
  }
}
