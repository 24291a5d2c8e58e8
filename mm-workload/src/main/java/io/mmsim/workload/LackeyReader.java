package io.mmsim.workload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Access;

/**
 * Reads a valgrind lackey log ({@code valgrind --tool=lackey --trace-mem=yes}, whose lines are
 * printed by {@code lackey/lk_main.c}) into a {@link TraceBuilder}: {@code I ADDR,SIZE} fetches,
 * {@code L}/{@code S}/{@code M} data accesses, each touching the page or two pages it covers. The
 * common line is taken in one pass over raw bytes; any other goes through a parser that knows every
 * case and says why a line is bad.
 */
final class LackeyReader {
  /** Longer than any plain lackey line: the buffer is refilled below this much unread. */
  private static final int PLAIN_LINE_MAX = 64;

  /** Hex digit values by byte, -1 for anything else. */
  private static final byte[] HEX = new byte[256];

  static {
    java.util.Arrays.fill(HEX, (byte) -1);
    for (int d = 0; d < 16; d++) {
      HEX[Character.forDigit(d, 16)] = (byte) d;
      HEX[Character.toUpperCase(Character.forDigit(d, 16))] = (byte) d;
    }
  }

  private final TraceBuilder out;

  LackeyReader(TraceBuilder out) {
    this.out = out;
  }

  /**
   * A lackey log, read in blocks of up to 1 MiB. Each line is first tried by {@link
   * #plainLackeyLine}, one pass over the common shape; any other line (a banner, a carriage return,
   * leading zeros, an error) goes through {@link #lackeyLine}, which knows every case.
   */
  void read(InputStream in) throws IOException {
    // one byte more than is ever filled: buf[len] is a 0 that ends every scan of a line
    byte[] buf = new byte[LineScanner.MAX_LINE + 2];
    int pos = 0;
    int len = 0;
    boolean eof = false;
    long line = 0;
    while (true) {
      if (!eof && len - pos < PLAIN_LINE_MAX) {
        out.publish();
        // keep the unread tail, then fill the buffer
        System.arraycopy(buf, pos, buf, 0, len - pos);
        len -= pos;
        pos = 0;
        int n = 0;
        while (len < buf.length - 1 && (n = in.read(buf, len, buf.length - 1 - len)) > 0) {
          len += n;
        }
        eof = n < 0;
        buf[len] = 0;
      }
      if (pos >= len) {
        return;
      }
      int next;
      try {
        next = plainLackeyLine(buf, pos, len, line + 1);
      } catch (BadLineException e) {
        out.error = new WorkloadException(out.name, line + 1, e.getMessage());
        return;
      }
      if (next >= 0) {
        line++;
        pos = next;
        continue;
      }
      int nl = pos;
      while (nl < len && buf[nl] != '\n') {
        nl++;
      }
      if (nl == len && !eof) {
        if (len - pos > LineScanner.MAX_LINE) {
          line++;
          boolean text = false;
          for (int cut = 0; cut < 4 && !text; cut++) {
            text = Utf8.isText(buf, pos, pos + LineScanner.MAX_LINE - cut);
          }
          out.error =
              new WorkloadException(
                  out.name,
                  line,
                  text
                      ? "line longer than " + (LineScanner.MAX_LINE >> 20) + " MiB"
                      : "not UTF-8 text");
          return;
        }
        // the line goes on past the buffer: read more first (the refill above keeps it)
        System.arraycopy(buf, pos, buf, 0, len - pos);
        len -= pos;
        pos = 0;
        int n = in.read(buf, len, buf.length - 1 - len);
        if (n < 0) {
          eof = true;
        } else {
          len += n;
        }
        buf[len] = 0;
        continue;
      }
      line++;
      int end = nl > pos && buf[nl - 1] == '\r' ? nl - 1 : nl;
      String bad = lackeyLine(buf, pos, end, line);
      if (bad != null) {
        out.error = new WorkloadException(out.name, line, bad);
        return;
      }
      pos = nl + 1;
    }
  }

  /**
   * The common lackey line, {@code I ADDR,SIZE} or {@code L|S|M ADDR,SIZE} ending in a plain
   * newline with at most 16 hex digits and SIZE 1..4096, taken in one pass.
   *
   * @return the index after its newline, or -1 when the line is anything else (or not wholly in
   *     {@code b[i, len)}); nothing is recorded then
   */
  private int plainLackeyLine(byte[] b, int i, int len, long line) {
    if (len - i < 6) {
      return -1;
    }
    int kind;
    byte c = b[i];
    if (c == 'I') {
      kind = 'I';
      i++;
    } else if (c == ' ') {
      kind = b[i + 1];
      if (kind != 'L' && kind != 'S' && kind != 'M') {
        return -1;
      }
      i += 2;
    } else {
      return -1;
    }
    if (b[i] != ' ') {
      return -1;
    }
    // b[len] is 0, which ends each of these scans
    while (b[i] == ' ') {
      i++;
    }
    int start = i;
    long addr = 0;
    int d;
    while ((d = HEX[b[i] & 0xff]) >= 0) {
      addr = addr << 4 | d;
      i++;
    }
    if (i == start || i - start > 16 || b[i] != ',') {
      return -1;
    }
    start = ++i;
    int size = 0;
    while ((d = b[i] - '0') >= 0 && d <= 9 && size <= MemoryTrace.MAX_LACKEY_SIZE) {
      size = size * 10 + d;
      i++;
    }
    if (i == start || size == 0 || size > MemoryTrace.MAX_LACKEY_SIZE || b[i] != '\n' || i >= len) {
      return -1;
    }
    long lastByte = addr + size - 1;
    if (Long.compareUnsigned(lastByte, addr) < 0) {
      return -1;
    }
    long first = addr >>> Page.PAGE_SHIFT;
    long last = lastByte >>> Page.PAGE_SHIFT;
    if (kind == 'M') {
      out.range(first, last, Access.READ);
      out.range(first, last, Access.WRITE);
    } else {
      out.range(
          first, last, kind == 'I' ? Access.EXECUTE : kind == 'L' ? Access.READ : Access.WRITE);
    }
    out.endRecord(line);
    return i + 1;
  }

  /** One lackey line; returns why it is bad, or null. */
  String lackeyLine(byte[] b, int from, int end, long line) {
    if (end - from < 2 || b[from] == '=' || b[from] == '-' || b[from] == '#') {
      return null;
    }
    int i = from;
    int kind;
    if (b[i] == 'I') {
      kind = 'I';
      i++;
    } else if (b[i] == ' ' && (b[i + 1] == 'L' || b[i + 1] == 'S' || b[i + 1] == 'M')) {
      kind = b[i + 1];
      i += 2;
    } else if (b[i] == ' '
        && b[i + 1] == ' '
        && i + 2 < end
        && (b[i + 2] == 'L' || b[i + 2] == 'S' || b[i + 2] == 'M')) {
      kind = b[i + 2];
      i += 3;
    } else {
      return notLackey(b, from, end);
    }
    while (i < end && b[i] == ' ') {
      i++;
    }
    while (i < end - 1 && b[i] == '0' && b[i + 1] != ',') {
      i++; // leading zeros are not digits that count
    }
    long addr = 0;
    int digits = 0;
    for (; i < end; i++) {
      int d = Character.digit(b[i], 16);
      if (d < 0) {
        break;
      }
      addr = addr << 4 | d;
      digits++;
    }
    if (digits > 16) {
      return "address has more than 16 hex digits";
    }
    if (digits == 0 || i >= end || b[i] != ',') {
      return Utf8.isText(b, from, end) ? "a lackey line needs ADDR,SIZE" : "not UTF-8 text";
    }
    i++;
    long size = 0;
    int sdigits = 0;
    for (; i < end && b[i] >= '0' && b[i] <= '9' && size <= MemoryTrace.MAX_LACKEY_SIZE; i++) {
      size = size * 10 + (b[i] - '0');
      sdigits++;
    }
    if (sdigits == 0 || size <= 0 || size > MemoryTrace.MAX_LACKEY_SIZE) {
      return "a lackey line needs a SIZE from 1 to " + MemoryTrace.MAX_LACKEY_SIZE;
    }
    if (FormatDetector.skipBlanks(b, i, end) != end) {
      return Utf8.isText(b, from, end) ? notLackey(b, from, end) : "not UTF-8 text";
    }
    long lastByte = addr + size - 1;
    if (Long.compareUnsigned(lastByte, addr) < 0) {
      return String.format("ADDR 0x%x + SIZE %d passes the end of the address space", addr, size);
    }
    long first = addr >>> Page.PAGE_SHIFT;
    long last = lastByte >>> Page.PAGE_SHIFT;
    try {
      switch (kind) {
        case 'I' -> out.range(first, last, Access.EXECUTE);
        case 'L' -> out.range(first, last, Access.READ);
        case 'S' -> out.range(first, last, Access.WRITE);
        default -> {
          out.range(first, last, Access.READ);
          out.range(first, last, Access.WRITE);
        }
      }
    } catch (BadLineException e) {
      return e.getMessage();
    }
    out.endRecord(line);
    return null;
  }

  private static String notLackey(byte[] b, int from, int end) {
    if (!Utf8.isText(b, from, end)) {
      return "not UTF-8 text";
    }
    return "not a lackey line: '"
        + new String(b, from, Math.min(end - from, 80), StandardCharsets.UTF_8)
        + "'";
  }
}
