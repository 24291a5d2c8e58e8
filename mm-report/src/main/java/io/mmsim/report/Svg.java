package io.mmsim.report;

import java.util.List;
import java.util.Locale;

/**
 * The report's charts as inline SVG, drawn here so that the page needs no script for them and opens
 * the same in any browser: line charts, a heat map and strips of bars, each with a {@code <title>}
 * on every step so that hovering tells the exact value.
 */
final class Svg {
  static final int W = 960;
  private static final int LEFT = 70;
  private static final int RIGHT = 150;
  private static final int TOP = 14;
  private static final int BOTTOM = 34;

  private Svg() {}

  /** One line of a chart. */
  record Series(String name, String color, double[] values, boolean dashed) {}

  /** A line chart over the steps; {@code marks} are step indices drawn as labelled ticks. */
  static String lines(
      String yLabel, List<String> steps, List<Series> series, int[] marks, String markLabel) {
    int h = 240;
    double max = 1;
    for (Series s : series) {
      for (double v : s.values()) {
        max = Math.max(max, v);
      }
    }
    max = niceCeil(max);
    StringBuilder b = open(h);
    axes(b, h, steps, max, yLabel);
    int n = steps.size();
    for (int m : marks) {
      double x = x(m, n);
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#d62728' stroke-width='1.5'"
                  + " stroke-dasharray='3,2'><title>%s at %s</title></line>",
              x,
              TOP,
              x,
              h - BOTTOM,
              esc(markLabel),
              esc(steps.get(m))));
    }
    int legendY = TOP + 4;
    for (Series s : series) {
      StringBuilder pts = new StringBuilder();
      for (int i = 0; i < n; i++) {
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(i, n), y(s.values()[i], max, h)));
      }
      b.append(
          String.format(
              "<polyline fill='none' stroke='%s' stroke-width='2'%s points='%s'/>",
              s.color(), s.dashed() ? " stroke-dasharray='6,3'" : "", pts.toString().trim()));
      b.append(
          String.format(
              "<rect x='%d' y='%d' width='14' height='4' fill='%s'/><text x='%d' y='%d'>%s</text>",
              W - RIGHT + 10, legendY + 4, s.color(), W - RIGHT + 28, legendY + 9, esc(s.name())));
      legendY += 16;
    }
    if (marks.length > 0) {
      b.append(
          String.format(
              "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#d62728' stroke-dasharray='3,2'/>"
                  + "<text x='%d' y='%d'>%s</text>",
              W - RIGHT + 10,
              legendY + 6,
              W - RIGHT + 24,
              legendY + 6,
              W - RIGHT + 28,
              legendY + 9,
              esc(markLabel)));
    }
    hover(b, h, steps, series);
    return b.append("</svg>").toString();
  }

  /** Rows of values over the steps as coloured cells (0 white, else light to dark by log). */
  static String heat(List<String> rows, List<String> steps, long[][] values, String what) {
    int cell = 18;
    int h = TOP + rows.size() * cell + BOTTOM;
    long max = 1;
    for (long[] r : values) {
      for (long v : r) {
        max = Math.max(max, v);
      }
    }
    int left = LEFT;
    for (String r : rows) {
      left = Math.max(left, 12 + 7 * r.length());
    }
    StringBuilder b = open(h);
    int n = steps.size();
    double cw = (double) (W - left - RIGHT) / n;
    for (int r = 0; r < rows.size(); r++) {
      int y = TOP + r * cell;
      b.append(
          String.format(
              "<text x='%d' y='%d' text-anchor='end'>%s</text>",
              left - 6, y + 13, esc(rows.get(r))));
      for (int i = 0; i < n; i++) {
        long v = values[r][i];
        String fill = v == 0 ? "#f4f4f4" : shade(Math.log1p(v) / Math.log1p(max));
        b.append(
            String.format(
                Locale.ROOT,
                "<rect x='%.2f' y='%d' width='%.2f' height='%d' fill='%s'><title>%s, %s: %d %s"
                    + "</title></rect>",
                left + i * cw,
                y,
                Math.max(cw - 0.3, 0.6),
                cell - 2,
                fill,
                esc(rows.get(r)),
                esc(steps.get(i)),
                v,
                what));
      }
    }
    xTicks(b, h, steps, left, true);
    b.append(
        String.format(
            "<text x='%d' y='%d'>darker = more</text><text x='%d' y='%d'>(most: %d)</text>",
            W - RIGHT + 10, TOP + 14, W - RIGHT + 10, TOP + 30, max));
    return b.append("</svg>").toString();
  }

  /** One strip of bars per row, each scaled to its own largest value. */
  static String strips(List<String> rows, String[] colors, List<String> steps, long[][] values) {
    int strip = 46;
    int h = TOP + rows.size() * strip + BOTTOM;
    StringBuilder b = open(h);
    int n = steps.size();
    double cw = (double) (W - LEFT - RIGHT) / n;
    for (int r = 0; r < rows.size(); r++) {
      long max = 0;
      long total = 0;
      for (long v : values[r]) {
        max = Math.max(max, v);
        total += v;
      }
      int base = TOP + (r + 1) * strip - 6;
      b.append(
          String.format(
              "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#999'/>"
                  + "<text x='%d' y='%d' text-anchor='end'>%s</text>"
                  + "<text x='%d' y='%d'>total %d, most %d</text>",
              LEFT,
              base,
              W - RIGHT,
              base,
              LEFT - 6,
              base - 12,
              esc(rows.get(r)),
              W - RIGHT + 10,
              base - 12,
              total,
              max));
      for (int i = 0; i < n; i++) {
        long v = values[r][i];
        if (v == 0) {
          continue;
        }
        double bh = Math.max(2, (strip - 12) * (double) v / max);
        b.append(
            String.format(
                Locale.ROOT,
                "<rect x='%.2f' y='%.1f' width='%.2f' height='%.1f' fill='%s'><title>%s: %d %s"
                    + "</title></rect>",
                LEFT + i * cw,
                base - bh,
                Math.max(cw - 0.5, 1.5),
                bh,
                colors[r],
                esc(steps.get(i)),
                v,
                esc(rows.get(r))));
      }
    }
    xTicks(b, h, steps, LEFT, true);
    return b.append("</svg>").toString();
  }

  private static StringBuilder open(int h) {
    return new StringBuilder(
        String.format(
            "<svg xmlns='http://www.w3.org/2000/svg' class='chart' viewBox='0 0 %d %d'"
                + " width='%d' height='%d'>",
            W, h, W, h));
  }

  private static void axes(StringBuilder b, int h, List<String> steps, double max, String yLabel) {
    for (int t = 0; t <= 4; t++) {
      double v = max * t / 4;
      double y = y(v, max, h);
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#e5e5e5'/>"
                  + "<text x='%d' y='%.1f' text-anchor='end'>%s</text>",
              LEFT,
              y,
              W - RIGHT,
              y,
              LEFT - 6,
              y + 4,
              fmt(v)));
    }
    b.append(
        String.format(
            "<text x='14' y='%d' transform='rotate(-90 14 %d)' text-anchor='middle'>%s</text>",
            h / 2, h / 2, esc(yLabel)));
    xTicks(b, h, steps);
  }

  /** The step axis of a line chart: a tick under the points. */
  private static void xTicks(StringBuilder b, int h, List<String> steps) {
    xTicks(b, h, steps, LEFT, false);
  }

  /** The step axis from {@code left}: ticks under the points, or under the middle of cells. */
  private static void xTicks(StringBuilder b, int h, List<String> steps, int left, boolean cells) {
    int n = steps.size();
    int every = Math.max(1, (int) Math.ceil(n / 12.0));
    b.append(
        String.format(
            "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#666'/>",
            left, h - BOTTOM, W - RIGHT, h - BOTTOM));
    double cw = (double) (W - left - RIGHT) / Math.max(1, n);
    for (int i = 0; i < n; i += every) {
      b.append(
          String.format(
              Locale.ROOT,
              "<text x='%.1f' y='%d' text-anchor='middle'>%d</text>",
              cells ? left + (i + 0.5) * cw : x(i, n),
              h - BOTTOM + 14,
              i));
    }
    b.append(
        String.format(
            "<text x='%d' y='%d' text-anchor='middle'>step (hover for the workload line)</text>",
            (left + W - RIGHT) / 2, h - 4));
  }

  /** Invisible bands over each step whose title lists every series' value there. */
  private static void hover(StringBuilder b, int h, List<String> steps, List<Series> series) {
    int n = steps.size();
    double cw = (double) (W - LEFT - RIGHT) / Math.max(1, n - 1);
    for (int i = 0; i < n; i++) {
      StringBuilder t = new StringBuilder(esc(steps.get(i)));
      for (Series s : series) {
        t.append("&#10;").append(esc(s.name())).append(": ").append(fmt(s.values()[i]));
      }
      b.append(
          String.format(
              Locale.ROOT,
              "<rect x='%.1f' y='%d' width='%.1f' height='%d' fill='transparent'><title>%s"
                  + "</title></rect>",
              x(i, n) - cw / 2,
              TOP,
              cw,
              h - TOP - BOTTOM,
              t));
    }
  }

  private static double x(int i, int n) {
    return n <= 1 ? LEFT : LEFT + (double) i * (W - LEFT - RIGHT) / (n - 1);
  }

  private static double y(double v, double max, int h) {
    return h - BOTTOM - v / max * (h - TOP - BOTTOM);
  }

  private static double niceCeil(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  /** Light to dark blue for a share in [0, 1]. */
  private static String shade(double share) {
    int light = (int) Math.round(88 - 60 * Math.min(1, share));
    return "hsl(215,70%," + light + "%)";
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace("\"", "&quot;");
  }
}
