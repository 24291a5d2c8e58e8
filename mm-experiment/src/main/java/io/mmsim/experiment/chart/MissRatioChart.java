package io.mmsim.experiment.chart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jfree.chart.JFreeChart;

import io.mmsim.experiment.mrc.MissRatioCurve;

/**
 * The chart of {@code mm mrc}: miss ratio against memory size in frames, log x, one line per
 * policy, written as {@code miss-ratio.png} and {@code miss-ratio.svg}.
 */
public final class MissRatioChart {
  private MissRatioChart() {}

  /** Writes the charts of {@code curves} of the trace {@code name} into {@code dir}. */
  public static void write(Path dir, String name, List<MissRatioCurve> curves) throws IOException {
    Files.createDirectories(dir);
    Map<String, double[][]> series = new LinkedHashMap<>();
    for (MissRatioCurve c : curves) {
      double[][] pts = new double[c.size()][];
      for (int i = 0; i < c.size(); i++) {
        pts[i] = new double[] {c.frames()[i], c.missRatio(i)};
      }
      String label =
          c.exact() ? c.policy() : c.policy() + " (SHARDS, rate " + c.samplingRate() + ")";
      series.put(label, pts);
    }
    JFreeChart chart =
        Charts.lines(
            name + ": miss-ratio curve",
            "memory (frames of 4 KiB), log scale",
            "miss ratio (page faults / references)",
            series,
            true);
    Charts.save(chart, dir.resolve("miss-ratio.png"));
    Charts.save(chart, dir.resolve("miss-ratio.svg"));
  }
}
