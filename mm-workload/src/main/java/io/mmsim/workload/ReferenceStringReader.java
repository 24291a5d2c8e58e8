package io.mmsim.workload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Access;

/**
 * Reads a page-reference string (the input of the classic replacement-policy studies: page numbers
 * separated by blanks, commas or newlines, {@code #} to the end of a line a comment) into a {@link
 * TraceBuilder}, streamed in blocks: no line length limit and no String per entry. Page {@code p}
 * is read at {@link MemoryTrace#REFS_BASE} {@code + p * 4096}.
 */
final class ReferenceStringReader {
  private final TraceBuilder out;

  ReferenceStringReader(TraceBuilder out) {
    this.out = out;
  }

  /** A reference string, streamed: no line length limit, no String per entry. */
  void read(InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    long line = 1;
    long value = 0;
    boolean inNumber = false;
    boolean comment = false;
    final long base = MemoryTrace.REFS_BASE >>> Page.PAGE_SHIFT;
    int n;
    while ((n = in.read(buf)) > 0) {
      out.publish();
      for (int i = 0; i < n; i++) {
        byte c = buf[i];
        if (c >= '0' && c <= '9' && !comment) {
          value = value * 10 + (c - '0');
          inNumber = true;
          if (value > MemoryTrace.MAX_REFERENCE_PAGE) {
            out.error = new WorkloadException(out.name, line, tooBig(buf, i, n, value));
            return;
          }
          continue;
        }
        if (inNumber) {
          if (c != '\n' && c != ',' && c != '#' && !FormatDetector.isBlank(c)) {
            out.error = new WorkloadException(out.name, line, notAPage(buf, i, n, value));
            return;
          }
          try {
            out.touch(base + value, Access.READ);
          } catch (BadLineException e) {
            out.error = new WorkloadException(out.name, line, e.getMessage());
            return;
          }
          out.endRecord(line);
          inNumber = false;
          value = 0;
        }
        if (c == '\n') {
          line++;
          comment = false;
        } else if (comment || c == ',' || FormatDetector.isBlank(c)) {
          continue;
        } else if (c == '#') {
          comment = true;
        } else {
          out.error = new WorkloadException(out.name, line, notAPage(buf, i, n, -1));
          return;
        }
      }
    }
    if (inNumber) {
      out.touch(base + value, Access.READ);
      out.endRecord(line);
    }
  }

  private static String tooBig(byte[] buf, int i, int n, long value) {
    StringBuilder sb = new StringBuilder().append(value);
    for (int k = i + 1; k < n && k < i + 20 && buf[k] >= '0' && buf[k] <= '9'; k++) {
      sb.append((char) buf[k]);
    }
    return "page number " + sb + " is out of range [0, " + MemoryTrace.MAX_REFERENCE_PAGE + "]";
  }

  /** The message for the bad byte at {@code i}, after the digits of {@code value} (or none: -1). */
  private static String notAPage(byte[] buf, int i, int n, long value) {
    int end = i;
    while (end < n
        && end < i + 40
        && buf[end] != '\n'
        && buf[end] != ','
        && !FormatDetector.isBlank(buf[end])) {
      end++;
    }
    if (!Utf8.isText(buf, i, end)) {
      return "not UTF-8 text";
    }
    return "'"
        + (value < 0 ? "" : Long.toString(value))
        + new String(buf, i, end - i, StandardCharsets.UTF_8)
        + "' is not a page number";
  }
}
