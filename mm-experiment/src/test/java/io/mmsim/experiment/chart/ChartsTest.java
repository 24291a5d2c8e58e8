package io.mmsim.experiment.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ChartsTest {
  @TempDir Path tmp;

  private static Map<String, double[][]> eightSeries() {
    Map<String, double[][]> s = new LinkedHashMap<>();
    for (int i = 0; i < 8; i++) {
      double[][] pts = new double[6][];
      for (int k = 0; k < 6; k++) {
        pts[k] = new double[] {4 << k, 1000.0 / (k + 1) + 50 * i};
      }
      s.put("policy " + i, pts);
    }
    return s;
  }

  @Test
  void save_pngAndSvg_areDeterministicAndLabelled() throws IOException {
    for (String name : new String[] {"a.png", "b.png", "a.svg", "b.svg"}) {
      Charts.save(
          Charts.lines("faults", "rss.limit (pages)", "page faults", eightSeries(), true),
          tmp.resolve(name));
    }
    byte[] png = Files.readAllBytes(tmp.resolve("a.png"));
    assertThat(png).startsWith(0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a);
    assertThat(Files.readAllBytes(tmp.resolve("b.png"))).isEqualTo(png);
    String svg = Files.readString(tmp.resolve("a.svg"));
    assertThat(Files.readString(tmp.resolve("b.svg"))).isEqualTo(svg);
    assertThat(svg)
        .startsWith("<?xml")
        .contains("<svg")
        .contains("rss.limit (pages)")
        .contains("policy 7");
  }

  @Test
  void save_otherExtension_isRefused() {
    assertThatThrownBy(
            () ->
                Charts.save(
                    Charts.lines("t", "x", "y", eightSeries(), false), tmp.resolve("c.jpg")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(".png or .svg");
  }

  @Test
  void plot_resultsTable_linesForNumbersBarsOtherwise() throws IOException {
    Path csv = tmp.resolve("r.csv");
    Files.writeString(
        csv,
        "workload,reclaim.policy,rss.limit,outcome,pgfault\n"
            + "w,lru,4,ok,10\nw,lru,8,ok,6\nw,fifo,4,ok,11\nw,fifo,8,\"error: w:3: x\",0\n");
    ResultsPlot.plot(csv, "rss.limit", "pgfault", "reclaim.policy", tmp.resolve("l.svg"));
    assertThat(Files.readString(tmp.resolve("l.svg")))
        .contains("reclaim.policy=lru")
        .contains("log scale");
    ResultsPlot.plot(csv, "reclaim.policy", "pgfault", null, tmp.resolve("b.png"));
    assertThat(tmp.resolve("b.png")).exists();
    assertThatThrownBy(
            () -> ResultsPlot.plot(csv, "rss.limit", "nosuch", null, tmp.resolve("n.png")))
        .isInstanceOf(ResultsPlot.PlotException.class)
        .hasMessageContaining("no column 'nosuch'");
    assertThat(tmp.resolve("n.png")).doesNotExist();
    assertThatThrownBy(
            () -> ResultsPlot.plot(csv, "rss.limit", "reclaim.policy", null, tmp.resolve("n.png")))
        .hasMessageContaining("is not a number");
  }

  @Test
  void sizeAxis_sizesAndLimits() {
    assertThat(SizeAxis.value("memory.size", "1G")).isEqualTo(1024.0);
    assertThat(SizeAxis.value("rss.limit", "48")).isEqualTo(48.0);
    assertThat(SizeAxis.value("reclaim.policy", "lru")).isNaN();
    assertThat(SizeAxis.pick(java.util.List.of("reclaim.policy", "rss.limit"))).isEqualTo(1);
  }
}
