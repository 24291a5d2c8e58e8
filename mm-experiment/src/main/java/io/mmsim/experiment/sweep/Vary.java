package io.mmsim.experiment.sweep;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * One varied configuration key and its values, from {@code KEY=VALUES}:
 *
 * <ul>
 *   <li>{@code a,b,c}: the values as listed;
 *   <li>{@code LO..HI*F}: geometric, LO, LO*F, LO*F^2, ... up to HI (F > 1; rounded to integers);
 *   <li>{@code LO..HI+S}: arithmetic, LO, LO+S, ... up to HI (S > 0).
 * </ul>
 *
 * LO, HI and S may carry a binary size suffix (K, M, G, T); the generated values then carry the
 * largest suffix that divides them ({@code 64M..1G*2} is 64M, 128M, 256M, 512M, 1G).
 *
 * @param key the configuration key
 * @param values its values in the order given, without duplicates
 */
public record Vary(String key, List<String> values) {
  /** The most values one range may produce. */
  public static final int MAX_VALUES = 100_000;

  private static final String[] SUFFIXES = {"", "K", "M", "G", "T"};

  /** Checks the key and the values. */
  public Vary {
    if (key == null || key.isBlank()) {
      throw new SweepException(key, "a varied key needs a name");
    }
    if (values.isEmpty()) {
      throw new SweepException(key, "--vary " + key + ": no values");
    }
    values = List.copyOf(values);
  }

  /**
   * Parses {@code KEY=VALUES}.
   *
   * @throws SweepException naming the key when the text is not of that form
   */
  public static Vary parse(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new SweepException(
          null, "--vary " + spec + ": expected KEY=a,b,c or KEY=LO..HI*F or KEY=LO..HI+S");
    }
    String key = spec.substring(0, eq).strip();
    String text = spec.substring(eq + 1).strip();
    int dots = text.indexOf("..");
    List<String> values;
    if (dots >= 0) {
      values = range(key, text, dots);
    } else {
      LinkedHashSet<String> set = new LinkedHashSet<>();
      for (String v : text.split(",", -1)) {
        String s = v.strip();
        if (s.isEmpty()) {
          throw new SweepException(key, "--vary " + spec + ": an empty value in the list");
        }
        if (!set.add(s)) {
          throw new SweepException(key, "--vary " + spec + ": value '" + s + "' is listed twice");
        }
      }
      values = new ArrayList<>(set);
    }
    return new Vary(key, values);
  }

  private static List<String> range(String key, String text, int dots) {
    String where = "--vary " + key + "=" + text;
    String lo = text.substring(0, dots).strip();
    String rest = text.substring(dots + 2);
    int op = Math.max(rest.indexOf('*'), rest.indexOf('+'));
    if (op < 0) {
      throw new SweepException(
          key, where + ": a range needs a step, LO..HI*F (geometric) or LO..HI+S (arithmetic)");
    }
    boolean geometric = rest.charAt(op) == '*';
    String hi = rest.substring(0, op).strip();
    String step = rest.substring(op + 1).strip();
    long l = number(key, where, lo);
    long h = number(key, where, hi);
    if (l > h) {
      throw new SweepException(key, where + ": LO " + lo + " is above HI " + hi);
    }
    boolean sized = hasSuffix(lo) || hasSuffix(hi);
    List<String> out = new ArrayList<>();
    if (geometric) {
      double f;
      try {
        f = Double.parseDouble(step);
      } catch (NumberFormatException e) {
        throw new SweepException(key, where + ": factor '" + step + "' is not a number");
      }
      if (!(f > 1) || Double.isInfinite(f)) {
        throw new SweepException(key, where + ": factor " + step + " must be above 1");
      }
      if (l <= 0) {
        throw new SweepException(key, where + ": a geometric range starts above 0");
      }
      long prev = Long.MIN_VALUE;
      for (int k = 0; ; k++) {
        // from LO each time, so rounding does not accumulate
        double v = l * Math.pow(f, k);
        if (v > h + 1e-9 * h) {
          break;
        }
        long r = Math.round(v);
        if (r != prev) {
          out.add(format(r, sized));
          prev = r;
        }
        check(key, where, out);
      }
    } else {
      long s = number(key, where, step);
      if (s <= 0) {
        throw new SweepException(key, where + ": step " + step + " must be above 0");
      }
      for (long v = l; v <= h; v += s) {
        out.add(format(v, sized));
        check(key, where, out);
        if (v > Long.MAX_VALUE - s) {
          break;
        }
      }
    }
    return out;
  }

  private static void check(String key, String where, List<String> out) {
    if (out.size() > MAX_VALUES) {
      throw new SweepException(key, where + ": more than " + MAX_VALUES + " values");
    }
  }

  private static boolean hasSuffix(String s) {
    return !s.isEmpty() && Character.isLetter(s.charAt(s.length() - 1));
  }

  private static long number(String key, String where, String s) {
    if (s.isEmpty()) {
      throw new SweepException(key, where + ": a number is missing");
    }
    int shift = 0;
    String digits = s;
    char last = Character.toUpperCase(s.charAt(s.length() - 1));
    if (Character.isLetter(last)) {
      shift =
          switch (last) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default ->
                throw new SweepException(
                    key, where + ": '" + s + "' has an unknown size suffix (K, M, G or T)");
          };
      digits = s.substring(0, s.length() - 1);
    }
    try {
      BigDecimal v = new BigDecimal(digits).multiply(BigDecimal.valueOf(1L << shift));
      return v.longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new SweepException(key, where + ": '" + s + "' is not a whole number");
    }
  }

  private static String format(long v, boolean sized) {
    if (!sized || v == 0) {
      return Long.toString(v);
    }
    int i = 0;
    while (i + 1 < SUFFIXES.length && (v & ((1L << (10 * (i + 1))) - 1)) == 0) {
      i++;
    }
    return (v >> (10 * i)) + SUFFIXES[i].toUpperCase(Locale.ROOT);
  }
}
