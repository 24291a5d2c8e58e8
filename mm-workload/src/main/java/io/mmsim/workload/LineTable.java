package io.mmsim.workload;

import java.util.Arrays;

/**
 * Which line of its file each record of a trace came from, kept as runs instead of one number per
 * record: a run starts at a record and a line and then advances one line per record (a trace with
 * one reference a line) or stays on its line (a comma-separated reference string). A file of either
 * shape costs one run, plus one per comment or blank line.
 */
final class LineTable {
  private long[] firstRecord = new long[16];
  private long[] firstLine = new long[16];

  /** Lines per record in each run: 0, 1, or -1 while the run has a single record. */
  private byte[] step = new byte[16];

  private int runs;

  /** The record and line that continue the last run without a new entry (-1: none known). */
  private long nextRecord = -1;

  private long nextLine = -1;

  /** Notes that record {@code record} (numbered from 0, added in order) is on line {@code line}. */
  void add(long record, long line) {
    if (record == nextRecord && line == nextLine) {
      // the common case: the current run goes on
      nextRecord++;
      nextLine += step[runs - 1];
      return;
    }
    addSlow(record, line);
    nextRecord = record + 1;
    byte s = step[runs - 1];
    nextLine = s < 0 ? -1 : line + s;
  }

  private void addSlow(long record, long line) {
    if (runs > 0) {
      int k = runs - 1;
      byte s = step[k];
      if (s >= 0) {
        if (firstLine[k] + (record - firstRecord[k]) * s == line) {
          return;
        }
      } else if (line == firstLine[k] || line == firstLine[k] + 1) {
        step[k] = (byte) (line - firstLine[k]);
        return;
      }
    }
    if (runs == step.length) {
      firstRecord = Arrays.copyOf(firstRecord, runs * 2);
      firstLine = Arrays.copyOf(firstLine, runs * 2);
      step = Arrays.copyOf(step, runs * 2);
    }
    firstRecord[runs] = record;
    firstLine[runs] = line;
    step[runs] = -1;
    runs++;
  }

  /** The line of record {@code record}, or 0 when no record was added. */
  long lineOf(long record) {
    int lo = 0;
    int hi = runs - 1;
    if (hi < 0) {
      return 0;
    }
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (firstRecord[mid] <= record) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return firstLine[lo] + (record - firstRecord[lo]) * Math.max(0, step[lo]);
  }
}
