package io.mmsim.workload;

/**
 * Tells a workload's format from the first lines that are not valgrind banners ({@code ==}),
 * comments or blank, looking at up to {@link #LINES} of them in the file's first bytes.
 *
 * <p>Every test is a single forward scan over the line's bytes: no regular expression, so the
 * answer takes time linear in the line and cannot depend on the JIT or overflow the stack, however
 * long the line is (a reference string can be one line of millions of entries).
 */
final class FormatDetector {
  /** Lines examined at most. */
  static final int LINES = 64;

  /** Bytes of the file examined at most. */
  static final int HEAD = 1 << 20;

  private FormatDetector() {}

  /**
   * The format of a file whose first {@code len} bytes are {@code head}; {@code whole} is true when
   * those bytes are the whole file (the last line is then complete even without a newline).
   */
  static WorkloadFormat detect(byte[] head, int len, boolean whole) {
    int pos = 0;
    int looked = 0;
    while (pos < len && looked < LINES) {
      int nl = pos;
      while (nl < len && head[nl] != '\n') {
        nl++;
      }
      boolean cut = nl == len && !whole;
      int from = pos;
      int to = nl > from && head[nl - 1] == '\r' ? nl - 1 : nl;
      pos = nl + 1;
      int s = skipBlanks(head, from, to);
      if (s == to || startsWith(head, s, to, "==") || head[s] == '#') {
        continue;
      }
      looked++;
      if (!cut && MallocLog.isCall(head, s, to)) {
        return WorkloadFormat.MALLOC_TRACE;
      }
      if (startsWith(head, from, to, "--")) {
        continue; // valgrind's other "--PID--" messages
      }
      if (!cut && isLackeyLine(head, from, to)) {
        return WorkloadFormat.LACKEY;
      }
      if (isReferenceLine(head, from, to)) {
        return WorkloadFormat.REFERENCE_STRING;
      }
      return WorkloadFormat.WORKLOAD;
    }
    return WorkloadFormat.WORKLOAD;
  }

  /** {@code I ADDR,SIZE}, {@code L ADDR,SIZE} (and S, M; one or two blanks before them). */
  static boolean isLackeyLine(byte[] b, int from, int to) {
    int i = from;
    if (i < to && b[i] == 'I') {
      i++;
      if (i >= to || b[i] != ' ') {
        return false;
      }
    } else {
      if (i >= to || b[i] != ' ') {
        return false;
      }
      i++;
      if (i < to && b[i] == ' ') {
        i++;
      }
      if (i >= to || (b[i] != 'L' && b[i] != 'S' && b[i] != 'M')) {
        return false;
      }
      i++;
    }
    if (i >= to || b[i] != ' ') {
      return false;
    }
    while (i < to && b[i] == ' ') {
      i++;
    }
    int hex = i;
    while (i < to && Character.digit(b[i], 16) >= 0) {
      i++;
    }
    if (i == hex || i >= to || b[i] != ',') {
      return false;
    }
    i++;
    int dec = i;
    while (i < to && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    return i > dec && skipBlanks(b, i, to) == to;
  }

  /** Page numbers separated by blanks or one comma, with an optional comma at the end. */
  static boolean isReferenceLine(byte[] b, int from, int to) {
    int i = skipBlanks(b, from, to);
    boolean number = false;
    boolean comma = false;
    boolean any = false;
    for (; i < to; i++) {
      byte c = b[i];
      if (c >= '0' && c <= '9') {
        number = true;
        comma = false;
        any = true;
      } else if (c == ',') {
        if (!number && !any || comma) {
          return false;
        }
        comma = true;
        number = false;
      } else if (isBlank(c)) {
        number = false;
      } else {
        return false;
      }
    }
    return any;
  }

  static boolean isBlank(byte c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0b;
  }

  static int skipBlanks(byte[] b, int from, int to) {
    int i = from;
    while (i < to && isBlank(b[i])) {
      i++;
    }
    return i;
  }

  static boolean startsWith(byte[] b, int from, int to, String prefix) {
    if (to - from < prefix.length()) {
      return false;
    }
    for (int k = 0; k < prefix.length(); k++) {
      if (b[from + k] != prefix.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
