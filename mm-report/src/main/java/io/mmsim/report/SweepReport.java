package io.mmsim.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mm sweep --report}: {@code DIR/report.html}, one self-contained page with a sweep's charts
 * (its {@code charts/*.svg}, inlined) and its result table ({@code results.csv}), so a sweep can be
 * read and sent as one file.
 */
public final class SweepReport {
  /** Rows shown in the table; the CSV beside the page holds them all. */
  static final int MAX_ROWS = 5000;

  private SweepReport() {}

  /**
   * Writes {@code dir/report.html} from the files a sweep wrote in {@code dir}.
   *
   * @return the page's path
   * @throws IOException when {@code dir/results.csv} cannot be read or the page written
   */
  public static Path write(Path dir, String title) throws IOException {
    List<List<String>> rows =
        csv(Files.readString(dir.resolve("results.csv"), StandardCharsets.UTF_8));
    StringBuilder h = new StringBuilder(1 << 16);
    h.append("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>")
        .append("<title>mmsim sweep: ")
        .append(Svg.esc(title))
        .append("</title><style>\n")
        .append(HtmlReport.resource("report.css"))
        .append("</style></head><body>\n<h1>mmsim sweep: ")
        .append(Svg.esc(title))
        .append("</h1>\n<p class='note'>")
        .append(Math.max(0, rows.size() - 1))
        .append(" runs; the charts and the table come from results.csv and charts/ beside this")
        .append(" page.</p>\n");
    h.append("<h2>Charts</h2>\n");
    List<Path> charts = new ArrayList<>();
    Path chartDir = dir.resolve("charts");
    if (Files.isDirectory(chartDir)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(chartDir, "*.svg")) {
        for (Path p : ds) {
          charts.add(p);
        }
      }
    }
    charts.sort(null);
    if (charts.isEmpty()) {
      h.append("<p class='note'>The sweep drew no chart (it varied nothing numeric).</p>\n");
    }
    for (Path p : charts) {
      h.append("<h3>")
          .append(Svg.esc(p.getFileName().toString()))
          .append("</h3>\n<div class='svg'>")
          .append(inline(Files.readString(p, StandardCharsets.UTF_8)))
          .append("</div>\n");
    }
    h.append("<h2>Results</h2>\n<div style='overflow-x:auto'><table>");
    int sha = rows.isEmpty() ? -1 : rows.get(0).indexOf("workload_sha256");
    for (int r = 0; r < rows.size() && r <= MAX_ROWS; r++) {
      h.append("<tr>");
      List<String> row = rows.get(r);
      for (int c = 0; c < row.size(); c++) {
        String cell = row.get(c);
        boolean number = cell.matches("-?[0-9.]+(E-?[0-9]+)?");
        String tag = r == 0 ? "th" : "td";
        h.append('<').append(tag).append(number ? ">" : " class='l'>");
        if (c == sha && r > 0 && cell.length() > 12) {
          // the digest in full on hover; its first 12 digits tell workloads apart
          h.append("<span title='")
              .append(Svg.esc(cell))
              .append("'>")
              .append(Svg.esc(cell.substring(0, 12)))
              .append("&hellip;</span>");
        } else {
          h.append(Svg.esc(cell));
        }
        h.append("</").append(tag).append('>');
      }
      h.append("</tr>\n");
    }
    h.append("</table></div>\n");
    if (rows.size() - 1 > MAX_ROWS) {
      h.append("<p class='note'>The first ")
          .append(MAX_ROWS)
          .append(" of ")
          .append(rows.size() - 1)
          .append(" runs; results.csv has them all.</p>\n");
    }
    h.append("</body></html>\n");
    Path page = dir.resolve("report.html");
    Files.writeString(page, h, StandardCharsets.UTF_8);
    return page;
  }

  /** An SVG file's root element, ready to sit in HTML (the XML prolog dropped). */
  static String inline(String svg) {
    int at = svg.indexOf("<svg");
    String s = at < 0 ? svg : svg.substring(at);
    return s.replaceFirst("<svg", "<svg class='chart'");
  }

  /** RFC 4180 fields: commas, double quotes around a field, "" for a quote inside one. */
  static List<List<String>> csv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        any = true;
      } else if (c == ',') {
        row.add(f.toString());
        f.setLength(0);
        any = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        if (any || f.length() > 0) {
          row.add(f.toString());
          rows.add(row);
        }
        row = new ArrayList<>();
        f.setLength(0);
        any = false;
      } else {
        f.append(c);
        any = true;
      }
    }
    if (any || f.length() > 0) {
      row.add(f.toString());
      rows.add(row);
    }
    return rows;
  }
}
