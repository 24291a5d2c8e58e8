package io.mmsim.experiment.chart;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jfree.chart.JFreeChart;

/**
 * Any view of a results table ({@code results.csv} of a sweep, or any CSV with a header): column
 * {@code y} against column {@code x}, one line or bar group per value of {@code series}.
 *
 * <p>When every x value is a number (sizes such as {@code 64M} count), the chart has lines, with a
 * logarithmic x axis for memory sizes or when x spans a factor of 16 or more; otherwise it has
 * bars, one category per x value in order of appearance. Rows whose {@code outcome} is an error are
 * left out. When the table holds several workloads and the series is not the workload, each
 * workload gets its own series.
 */
public final class ResultsPlot {
  private ResultsPlot() {}

  /** A column the table does not have, or a value that is not a number. */
  public static final class PlotException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PlotException(String message) {
      super(message);
    }
  }

  /**
   * Draws {@code y} against {@code x} from {@code csv} into {@code out} (.png or .svg).
   *
   * @param series the column whose values name the series, or null for one series
   * @throws PlotException naming the column or the line that is wrong; nothing is written then
   */
  public static void plot(Path csv, String x, String y, String series, Path out)
      throws IOException {
    String outName = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase();
    if (!outName.endsWith(".png") && !outName.endsWith(".svg")) {
      throw new PlotException(out + ": the chart file must end in .png or .svg");
    }
    List<CSVRecord> records;
    List<String> header;
    CSVFormat f = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
        CSVParser p = CSVParser.builder().setReader(r).setFormat(f).get()) {
      header = p.getHeaderNames();
      records = p.getRecords();
    }
    for (String col : new String[] {x, y, series}) {
      if (col != null && !header.contains(col)) {
        throw new PlotException(
            csv + ": no column '" + col + "'; the columns are " + String.join(", ", header));
      }
    }
    boolean hasOutcome = header.contains("outcome");
    boolean hasWorkload = header.contains("workload");
    Set<String> workloads = new LinkedHashSet<>();
    List<CSVRecord> rows = new ArrayList<>();
    for (CSVRecord rec : records) {
      if (hasOutcome && rec.get("outcome").startsWith("error")) {
        continue;
      }
      rows.add(rec);
      if (hasWorkload) {
        workloads.add(rec.get("workload"));
      }
    }
    boolean perWorkload = workloads.size() > 1 && !"workload".equals(series);
    boolean numeric = !rows.isEmpty();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (CSVRecord rec : rows) {
      double v = SizeAxis.value(x, rec.get(x));
      if (Double.isNaN(v)) {
        numeric = false;
        break;
      }
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    Map<String, List<double[]>> lines = new LinkedHashMap<>();
    Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
    for (CSVRecord rec : rows) {
      double yv;
      try {
        yv = Double.parseDouble(rec.get(y));
      } catch (NumberFormatException e) {
        throw new PlotException(
            csv
                + ":"
                + (rec.getRecordNumber() + 1)
                + ": "
                + y
                + " '"
                + rec.get(y)
                + "' is not a number");
      }
      String s = series == null ? y : series + "=" + rec.get(series);
      if (perWorkload) {
        String w = Path.of(rec.get("workload")).getFileName().toString();
        s = series == null ? w : w + ", " + s;
      }
      if (numeric) {
        lines
            .computeIfAbsent(s, k -> new ArrayList<>())
            .add(new double[] {SizeAxis.value(x, rec.get(x)), yv});
      } else {
        bars.computeIfAbsent(s, k -> new LinkedHashMap<>()).put(rec.get(x), yv);
      }
    }
    String title = y + " by " + x + (series == null ? "" : " and " + series);
    JFreeChart chart;
    if (numeric) {
      boolean log =
          SizeAxis.pick(List.of(x)) >= 0 || SizeAxis.bytes(x) || (min > 0 && max / min >= 16);
      Map<String, double[][]> pts = new LinkedHashMap<>();
      lines.forEach((k, v) -> pts.put(k, v.toArray(new double[0][])));
      chart = Charts.lines(title, SizeAxis.label(x) + (log ? ", log scale" : ""), y, pts, log);
    } else {
      chart = Charts.bars(title, x, y, bars);
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Charts.save(chart, out);
  }
}
