package io.mmsim.experiment.chart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jfree.chart.JFreeChart;

import io.mmsim.experiment.sweep.RunRow;
import io.mmsim.workload.RunResult;

/**
 * The charts a sweep writes into DIR/charts, one PNG and one SVG each, per workload:
 *
 * <p>a size axis varied (rss.limit, or memory.size) -> WORKLOAD-pgfault.{png,svg}: page faults
 * against the size, log x, one line per combination of the other varied keys (the miss-ratio curve
 * of each policy or allocator) no size axis -> WORKLOAD-pgfault.{png,svg}: a bar per combination
 *
 * <p>Runs that failed are left out (their counters stop at the failing line). File names come from
 * the workload's file name, made safe, numbered when two workloads share one.
 */
public final class SweepCharts {
  private static final int PGFAULT = RunResult.COUNTERS.indexOf("pgfault");

  private SweepCharts() {}

  /** Writes the charts of {@code rows} (with the varied {@code keys}) into {@code dir}. */
  public static void write(Path dir, List<String> keys, List<RunRow> rows) throws IOException {
    write(dir, keys, rows, "png");
    write(dir, keys, rows, "svg");
  }

  /**
   * Writes the charts of {@code rows} into {@code dir} as {@code extension} files only ({@code png}
   * or {@code svg}). Each call draws charts of its own, so two calls may run on two threads.
   */
  public static void write(Path dir, List<String> keys, List<RunRow> rows, String extension)
      throws IOException {
    Files.createDirectories(dir);
    Map<String, List<RunRow>> byWorkload = new LinkedHashMap<>();
    for (RunRow r : rows) {
      if (!r.failed()) {
        byWorkload.computeIfAbsent(r.workload(), k -> new ArrayList<>()).add(r);
      }
    }
    int size = SizeAxis.pick(keys);
    Set<String> used = new HashSet<>();
    for (Map.Entry<String, List<RunRow>> e : byWorkload.entrySet()) {
      String stem = stem(e.getKey(), used);
      JFreeChart chart =
          size >= 0
              ? curve(e.getKey(), keys, size, e.getValue())
              : bars(e.getKey(), keys, e.getValue());
      Charts.save(chart, dir.resolve(stem + "-pgfault." + extension));
    }
  }

  private static JFreeChart curve(String workload, List<String> keys, int size, List<RunRow> rows) {
    String sizeKey = keys.get(size);
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    for (RunRow r : rows) {
      String label = label(keys, r.values(), size);
      double x = SizeAxis.value(sizeKey, r.values().get(size));
      if (Double.isNaN(x)) {
        continue;
      }
      series
          .computeIfAbsent(label.isEmpty() ? "pgfault" : label, k -> new ArrayList<>())
          .add(new double[] {x, r.counters()[PGFAULT]});
    }
    Map<String, double[][]> points = new LinkedHashMap<>();
    series.forEach((k, v) -> points.put(k, v.toArray(new double[0][])));
    return Charts.lines(
        fileName(workload) + ": page faults by memory size",
        SizeAxis.label(sizeKey) + ", log scale",
        "page faults (pgfault)",
        points,
        true);
  }

  private static JFreeChart bars(String workload, List<String> keys, List<RunRow> rows) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (RunRow r : rows) {
      String label = label(keys, r.values(), -1);
      values.put(label.isEmpty() ? "run" : label, (double) r.counters()[PGFAULT]);
    }
    Map<String, Map<String, Double>> series = new LinkedHashMap<>();
    series.put("pgfault", values);
    return Charts.bars(
        fileName(workload) + ": page faults per configuration",
        keys.isEmpty() ? "run" : String.join(", ", keys),
        "page faults (pgfault)",
        series);
  }

  /** "key=value, key=value" over the varied keys other than {@code skip}. */
  static String label(List<String> keys, List<String> values, int skip) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < keys.size(); k++) {
      if (k == skip) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(keys.get(k)).append('=').append(values.get(k));
    }
    return sb.toString();
  }

  private static String fileName(String workload) {
    Path p = Path.of(workload).getFileName();
    return p == null ? workload : p.toString();
  }

  private static String stem(String workload, Set<String> used) {
    String base = fileName(workload).replaceAll("[^A-Za-z0-9._-]", "_");
    String s = base;
    for (int i = 2; !used.add(s); i++) {
      s = base + "-" + i;
    }
    return s;
  }
}
