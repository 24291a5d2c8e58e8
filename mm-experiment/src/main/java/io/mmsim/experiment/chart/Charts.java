package io.mmsim.experiment.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * Line and bar charts of experiment results, saved as PNG or SVG (by the file's extension).
 *
 * <p>JFreeChart 1.5 draws them and JFreeSVG writes the SVG: both are plain Java2D with no
 * dependencies of their own and named modules, draw the same picture to a PNG and to an SVG from
 * one code path, and run headless. (XChart 3.8 needs three more libraries for its vector export.)
 *
 * <p>Readable with many series: up to 10 colours chosen to stay apart (the Tableau 10 palette),
 * each series also with its own marker shape, lines 2 px wide, the legend below the plot. Output is
 * deterministic: fixed size, fixed fonts, no time stamps, and SVG element ids from a fixed prefix.
 */
final class Charts {
  /** Width and height in pixels. */
  static final int WIDTH = 960;

  static final int HEIGHT = 600;

  private static final Color[] PALETTE = {
    new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2),
    new Color(0x59A14F), new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7),
    new Color(0x9C755F), new Color(0x6B6B6B)
  };

  static {
    // rendering needs no display; set before the first AWT class loads, unless the caller chose
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private Charts() {}

  /**
   * A line chart: one line per series, points sorted by x.
   *
   * @param series series name to points {x, y}, in legend order
   * @param logX a logarithmic x axis
   */
  static JFreeChart lines(
      String title, String xLabel, String yLabel, Map<String, double[][]> series, boolean logX) {
    XYSeriesCollection data = new XYSeriesCollection();
    double minX = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, double[][]> e : series.entrySet()) {
      XYSeries s = new XYSeries(e.getKey(), true, true);
      for (double[] p : e.getValue()) {
        s.addOrUpdate(p[0], p[1]);
        minX = Math.min(minX, p[0]);
        maxX = Math.max(maxX, p[0]);
      }
      data.addSeries(s);
    }
    java.util.TreeSet<Double> xs = new java.util.TreeSet<>();
    boolean integral = true;
    for (double[][] pts : series.values()) {
      for (double[] p : pts) {
        xs.add(p[0]);
        integral &= p[1] == Math.rint(p[1]);
      }
    }
    ValueAxis x;
    if (logX && minX > 0) {
      double[] ticks = new double[xs.size()];
      int i = 0;
      for (double v : xs) {
        ticks[i++] = v;
      }
      LogAxis log;
      if (ticks.length <= 24) {
        // a few measured sizes: label each of them
        log = new DataTickLogAxis(xLabel, ticks, new DecimalFormat("#,##0.###"));
        log.setBase(2);
      } else {
        // a curve over every size: label the powers of ten
        log = new LogAxis(xLabel);
        log.setBase(10);
        log.setTickUnit(new NumberTickUnit(1));
        log.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
      }
      log.setSmallestValue(minX / 2);
      // room for the first and last point's marker and label
      log.setLowerMargin(0.04);
      log.setUpperMargin(0.04);
      x = log;
    } else {
      NumberAxis lin = new NumberAxis(xLabel);
      lin.setAutoRangeIncludesZero(false);
      x = lin;
    }
    NumberAxis y = new NumberAxis(yLabel);
    y.setAutoRangeIncludesZero(true);
    if (integral) {
      y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    }
    y.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
    int most = 0;
    for (double[][] pts : series.values()) {
      most = Math.max(most, pts.length);
    }
    // markers tell series apart on a few points; on a dense curve they only hide it
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, most <= 40);
    for (int i = 0; i < series.size(); i++) {
      r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      r.setSeriesStroke(i, new BasicStroke(2f));
      r.setSeriesShape(i, shape(i));
    }
    XYPlot plot = new XYPlot(data, x, y, r);
    if (minX == maxX && x instanceof NumberAxis n) {
      n.setTickUnit(new NumberTickUnit(1));
    }
    return style(new JFreeChart(title, font(Font.BOLD, 16), plot, series.size() > 1));
  }

  /**
   * A bar chart: categories along x, one bar per series in each.
   *
   * @param values series name to (category to value), in legend order
   */
  static JFreeChart bars(
      String title,
      String categoryLabel,
      String valueLabel,
      Map<String, Map<String, Double>> values) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Map.Entry<String, Map<String, Double>> s : values.entrySet()) {
      for (Map.Entry<String, Double> c : s.getValue().entrySet()) {
        data.addValue(c.getValue(), s.getKey(), c.getKey());
      }
    }
    CategoryAxis x = new CategoryAxis(categoryLabel);
    if (data.getColumnCount() > 6) {
      x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
    x.setMaximumCategoryLabelLines(2);
    NumberAxis y = new NumberAxis(valueLabel);
    y.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
    BarRenderer r = new BarRenderer();
    r.setBarPainter(new StandardBarPainter());
    r.setShadowVisible(false);
    r.setItemMargin(0.05);
    for (int i = 0; i < values.size(); i++) {
      r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
    }
    CategoryPlot plot = new CategoryPlot(data, x, y, r);
    plot.setOrientation(PlotOrientation.VERTICAL);
    return style(new JFreeChart(title, font(Font.BOLD, 16), plot, values.size() > 1));
  }

  private static JFreeChart style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    chart.setPadding(new RectangleInsets(8, 8, 8, 16));
    TextTitle t = chart.getTitle();
    t.setFont(font(Font.BOLD, 16));
    var plot = chart.getPlot();
    plot.setBackgroundPaint(Color.WHITE);
    if (plot instanceof XYPlot xy) {
      axes(xy.getDomainAxis(), xy.getRangeAxis());
      xy.setDomainGridlinePaint(new Color(0xDDDDDD));
      xy.setRangeGridlinePaint(new Color(0xDDDDDD));
      xy.setDomainGridlinesVisible(true);
      xy.setRangeGridlinesVisible(true);
    } else if (plot instanceof CategoryPlot cp) {
      axes(cp.getDomainAxis(), cp.getRangeAxis());
      cp.setRangeGridlinePaint(new Color(0xDDDDDD));
    }
    LegendTitle legend = chart.getLegend();
    if (legend != null) {
      legend.setPosition(RectangleEdge.BOTTOM);
      legend.setItemFont(font(Font.PLAIN, 13));
      legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
    }
    return chart;
  }

  private static void axes(org.jfree.chart.axis.Axis x, org.jfree.chart.axis.Axis y) {
    for (org.jfree.chart.axis.Axis a : List.of(x, y)) {
      a.setLabelFont(font(Font.PLAIN, 14));
      a.setTickLabelFont(font(Font.PLAIN, 12));
      a.setLabelPaint(Color.BLACK);
      a.setTickLabelPaint(Color.BLACK);
    }
  }

  private static Font font(int style, int size) {
    return new Font(Font.SANS_SERIF, style, size);
  }

  /** A marker per series: circle, square, triangle, diamond, then smaller and larger ones. */
  private static Shape shape(int i) {
    double s = i < 5 ? 7 : 9;
    double h = s / 2;
    return switch (i % 5) {
      case 0 -> new Ellipse2D.Double(-h, -h, s, s);
      case 1 -> new Rectangle2D.Double(-h, -h, s, s);
      case 2 -> polygon(new double[] {0, h, -h}, new double[] {-h, h, h});
      case 3 -> polygon(new double[] {0, h, 0, -h}, new double[] {-h, 0, h, 0});
      default -> polygon(new double[] {-h, h, 0}, new double[] {-h, -h, h});
    };
  }

  private static Shape polygon(double[] xs, double[] ys) {
    Path2D.Double p = new Path2D.Double();
    p.moveTo(xs[0], ys[0]);
    for (int i = 1; i < xs.length; i++) {
      p.lineTo(xs[i], ys[i]);
    }
    p.closePath();
    return p;
  }

  /**
   * Saves {@code chart} as PNG or SVG, by {@code file}'s extension.
   *
   * @throws IllegalArgumentException when the extension is neither
   */
  static void save(JFreeChart chart, Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".png")) {
      BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      try {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
      } finally {
        g.dispose();
      }
      if (!ImageIO.write(img, "png", file.toFile())) {
        throw new IOException("no PNG writer in this JDK");
      }
    } else if (name.endsWith(".svg")) {
      SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
      g.setDefsKeyPrefix("mmsim");
      chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
      Files.writeString(file, g.getSVGDocument() + "\n", StandardCharsets.UTF_8);
    } else {
      throw new IllegalArgumentException(file + ": a chart file ends in .png or .svg");
    }
  }

  /** An insertion-ordered map, for callers building series. */
  static <K, V> Map<K, V> ordered() {
    return new LinkedHashMap<>();
  }
}
