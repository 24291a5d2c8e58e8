package io.mmsim.workload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A workload in mmsim's text format, one operation a line, held as the file's bytes (checked to be
 * UTF-8 text when read) and split into lines again at each replay. Reading stops at the first line
 * that is not text or is longer than {@link LineScanner#MAX_LINE}; replay runs the lines before it
 * and then reports it.
 */
final class TextWorkload extends Workload {
  /** The largest text workload held, in bytes (a Java array's limit, with room to spare). */
  static final int MAX_BYTES = Integer.MAX_VALUE - 64;

  private final String name;
  private byte[] text;
  private int length;
  private WorkloadException error;

  private TextWorkload(String name) {
    this.name = name;
  }

  static TextWorkload read(String name, InputStream in) throws IOException {
    TextWorkload w = new TextWorkload(name);
    w.text = new byte[4096];
    LineScanner s = new LineScanner(in);
    int st;
    while ((st = s.next()) == LineScanner.LINE) {
      byte[] b = s.buffer();
      int n = s.end() - s.start();
      if (!Utf8.isText(b, s.start(), s.end())) {
        w.error = new WorkloadException(name, s.lineNumber(), "not UTF-8 text");
        return w;
      }
      if ((long) w.length + n + 1 > MAX_BYTES) {
        w.error = new WorkloadException(name, s.lineNumber(), "the workload is larger than 2 GiB");
        return w;
      }
      if (w.length + n + 1 > w.text.length) {
        w.text =
            Arrays.copyOf(
                w.text,
                (int)
                    Math.min(
                        MAX_BYTES, Math.max((long) w.text.length * 2, (long) w.length + n + 1)));
      }
      System.arraycopy(b, s.start(), w.text, w.length, n);
      w.length += n;
      w.text[w.length++] = '\n';
    }
    if (st == LineScanner.TOO_LONG) {
      w.error = Workload.tooLong(name, s);
    }
    return w;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public WorkloadFormat format() {
    return WorkloadFormat.WORKLOAD;
  }

  @Override
  void replayOn(Replay r) {
    long line = 0;
    int pos = 0;
    while (pos < length) {
      int nl = pos;
      while (text[nl] != '\n') {
        nl++;
      }
      line++;
      r.runLine(name, line, new String(text, pos, nl - pos, StandardCharsets.UTF_8));
      pos = nl + 1;
    }
    if (error != null) {
      throw error;
    }
  }
}
