package io.mmsim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Record-to-line runs against a plain array of line numbers. */
final class LineTableTest {
  @Test
  void lineOf_mixedShapes_agreesWithOneEntryPerRecord() {
    // lines of records as a reference string with comments, commas and blank lines gives them
    long[] lineOfRecord = {2, 4, 4, 4, 5, 6, 9, 10, 10, 12, 13, 14, 14};
    LineTable t = new LineTable();
    for (int r = 0; r < lineOfRecord.length; r++) {
      t.add(r, lineOfRecord[r]);
    }

    for (int r = 0; r < lineOfRecord.length; r++) {
      assertThat(t.lineOf(r)).as("record " + r).isEqualTo(lineOfRecord[r]);
    }
  }

  @Test
  void lineOf_empty_isZero() {
    assertThat(new LineTable().lineOf(0)).isZero();
  }
}
