package io.mmsim.experiment.mrc;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Miss-ratio curves as CSV: {@code policy,frames,faults,miss_ratio}, one row per curve row, the
 * curves in the order given. Miss ratios are printed with 6 decimals, so equal curves give equal
 * bytes.
 */
public final class MissRatioCurveCsv {
  /** The header columns. */
  public static final List<String> COLUMNS = List.of("policy", "frames", "faults", "miss_ratio");

  private MissRatioCurveCsv() {}

  /** Writes {@code curves} to {@code out} (LF line ends), which stays open. */
  public static void write(List<MissRatioCurve> curves, Appendable out) throws IOException {
    CSVFormat f =
        CSVFormat.DEFAULT
            .builder()
            .setRecordSeparator('\n')
            .setHeader(COLUMNS.toArray(new String[0]))
            .get();
    // not closed: out belongs to the caller (it may be stdout)
    @SuppressWarnings("resource")
    CSVPrinter p = new CSVPrinter(out, f);
    for (MissRatioCurve c : curves) {
      for (int i = 0; i < c.size(); i++) {
        p.printRecord(
            c.policy(),
            c.frames()[i],
            c.faults()[i],
            String.format(Locale.ROOT, "%.6f", c.missRatio(i)));
      }
    }
    p.flush();
  }
}
