package io.mmsim.api.fault;

/** Protection bits of a mapping ({@code PROT_*} of mmap(2)), as plain {@code int}s. */
public final class Prot {
  private Prot() {}

  /** No access. */
  public static final int NONE = 0;

  /** Pages may be read. */
  public static final int READ = 1;

  /** Pages may be written. */
  public static final int WRITE = 2;

  /** Pages may be executed. */
  public static final int EXEC = 4;

  /**
   * Parses {@code rwx}-style text: each of r, w, x or - in that order, e.g. {@code rw}, {@code
   * r-x}.
   *
   * @throws IllegalArgumentException naming the text when it does not parse
   */
  public static int parse(String text) {
    int prot = 0;
    String order = "rwx";
    int pos = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '-') {
        pos++;
        continue;
      }
      int at = order.indexOf(c, pos);
      if (at < 0) {
        throw new IllegalArgumentException(
            "bad protection '" + text + "': use r, w, x or - in that order");
      }
      prot |= 1 << at;
      pos = at + 1;
    }
    if (pos > 3 || text.isEmpty()) {
      throw new IllegalArgumentException(
          "bad protection '" + text + "': use r, w, x or - in that order");
    }
    return prot;
  }

  /** The three {@code rwx} characters of /proc/PID/maps. */
  public static String format(int prot) {
    return ((prot & READ) != 0 ? "r" : "-")
        + ((prot & WRITE) != 0 ? "w" : "-")
        + ((prot & EXEC) != 0 ? "x" : "-");
  }
}
