package io.mmsim.workload;

import java.io.IOException;
import java.io.InputStream;

/**
 * Lines of a byte stream, each handed out as a range of one reused buffer: no String and no
 * allocation per line, and never more than {@link #MAX_LINE} bytes held for one line, so that a
 * file without newlines ({@code /dev/zero}) costs one buffer, not the heap.
 *
 * <p>After {@link #next} returns {@link #LINE}, the line is {@code buffer()[start(), end())}
 * without its {@code \n} or {@code \r\n}; {@link #lineNumber()} counts from 1.
 */
final class LineScanner {
  /** The longest line accepted, in bytes. */
  static final int MAX_LINE = 1 << 20;

  /** {@link #next}: a line is ready. */
  static final int LINE = 0;

  /** {@link #next}: the stream has ended. */
  static final int END = 1;

  /** {@link #next}: the next line is longer than {@link #MAX_LINE}; nothing more can be read. */
  static final int TOO_LONG = 2;

  private final InputStream in;
  private final byte[] buf = new byte[MAX_LINE + 1];
  private int pos;
  private int len;
  private boolean eof;
  private long lineNo;
  private int start;
  private int end;

  LineScanner(InputStream in) {
    this.in = in;
  }

  /** Moves to the next line: {@link #LINE}, {@link #END} or {@link #TOO_LONG}. */
  int next() throws IOException {
    int scan = pos;
    while (true) {
      int nl = -1;
      byte[] b = buf;
      for (int i = scan, n = len; i < n; i++) {
        if (b[i] == '\n') {
          nl = i;
          break;
        }
      }
      if (nl >= 0) {
        return found(nl, nl + 1);
      }
      if (eof) {
        if (pos < len) {
          return found(len, len);
        }
        return END;
      }
      if (len - pos > MAX_LINE) {
        return tooLong(len);
      }
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, len - pos);
        len -= pos;
        pos = 0;
      }
      scan = len;
      int n = in.read(buf, len, buf.length - len);
      if (n < 0) {
        eof = true;
      } else {
        len += n;
      }
    }
  }

  private int found(int lineEnd, int next) {
    if (lineEnd - pos > MAX_LINE) {
      return tooLong(lineEnd);
    }
    start = pos;
    end = lineEnd > pos && buf[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
    pos = next;
    lineNo++;
    return LINE;
  }

  /** The line is too long: its first {@link #MAX_LINE} bytes become the current range. */
  private int tooLong(int lineEnd) {
    start = pos;
    end = Math.min(lineEnd, pos + MAX_LINE);
    lineNo++;
    return TOO_LONG;
  }

  /**
   * After {@link #TOO_LONG}: true when the start of the line held is text (a multi-byte character
   * cut at the end aside), false when it shows the file is binary.
   */
  boolean partialLineIsText() {
    for (int cut = 0; cut < 4 && end - cut >= start; cut++) {
      if (Utf8.isText(buf, start, end - cut)) {
        return true;
      }
    }
    return false;
  }

  byte[] buffer() {
    return buf;
  }

  int start() {
    return start;
  }

  int end() {
    return end;
  }

  /** The number of the current line (or of the line found too long). */
  long lineNumber() {
    return lineNo;
  }
}
