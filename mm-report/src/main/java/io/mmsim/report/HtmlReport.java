package io.mmsim.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.api.trace.Tracepoint;
import io.mmsim.kernel.Kernel;

/**
 * {@code mm run --report FILE.html}: one self-contained page of pictures of a recorded run. The
 * charts are inline SVG; the physical memory map is a canvas drawn by a short script of mmsim's
 * own, inlined with its data, so the page works offline and fetches nothing.
 *
 * <pre>{@code
 * RunRecorder rec = new RunRecorder(kernel);
 * Replay replay = new Replay(kernel, rec);
 * replay.run(workload);
 * rec.finish("end");
 * HtmlReport.write(Path.of("run.html"), rec, "demo.trace", summaryLines);
 * }</pre>
 */
public final class HtmlReport {
  /** The free-pages line of every zone's chart: one colour, apart from the watermarks'. */
  private static final String FREE_COLOUR = "#1f77b4";

  private HtmlReport() {}

  /** Writes the page for {@code rec} to {@code file}. */
  public static void write(Path file, RunRecorder rec, String title, List<String> summary)
      throws IOException {
    Files.writeString(file, render(rec, title, summary), StandardCharsets.UTF_8);
  }

  /** The page as text. */
  public static String render(RunRecorder rec, String title, List<String> summary) {
    Kernel k = rec.kernel();
    List<RunRecorder.Step> steps = rec.steps();
    List<String> labels = new ArrayList<>();
    for (RunRecorder.Step s : steps) {
      labels.add(s.label());
    }
    StringBuilder h = new StringBuilder(1 << 16);
    h.append("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>")
        .append("<meta name='viewport' content='width=device-width, initial-scale=1'>")
        .append("<title>mmsim report: ")
        .append(Svg.esc(title))
        .append("</title><style>\n")
        .append(resource("report.css"))
        .append("</style></head><body>\n");
    h.append("<h1>mmsim run: ").append(Svg.esc(title)).append("</h1>\n");
    h.append("<p class='note'>")
        .append(Svg.esc(String.join(" ", k.describe())))
        .append(
            String.format(
                "; %d MiB, %d CPU(s)%s. ",
                k.memory().size() >>> 20,
                k.layout().cpus(),
                k.layout().numa().nodes() > 1
                    ? ", " + k.layout().numa().nodes() + " NUMA nodes"
                    : ""))
        .append(steps.size())
        .append(" recorded steps (one after each workload line")
        .append(steps.size() >= RunRecorder.MAX_STEPS / 2 ? ", thinned evenly on long runs" : "")
        .append(").</p>\n<pre>");
    for (String s : summary) {
      h.append(Svg.esc(s)).append('\n');
    }
    h.append("</pre>\n");

    memoryMap(h, rec);
    buddyinfo(h, steps, labels);
    watermarks(h, steps, labels);
    timeline(h, rec, steps, labels);
    tracepoints(h, steps, labels);
    slabs(h, k);
    processes(h, rec, steps, labels);

    h.append("<div id='tip'></div>\n<script>\n")
        .append(resource("report.js"))
        .append("</script>\n</body></html>\n");
    return h.toString();
  }

  // ---------------------------------------------------------------- sections

  private static void memoryMap(StringBuilder h, RunRecorder rec) {
    long frames = rec.kernel().memory().frames();
    long cells = (frames + rec.cellFrames() - 1) / rec.cellFrames();
    int cols = cells <= 8192 ? 128 : cells <= 32768 ? 256 : 512;
    int cell = cells <= 8192 ? 8 : cells <= 32768 ? 4 : 2;
    h.append("<h2>Physical memory map</h2>\n<p class='note'>Every ")
        .append(rec.cellFrames() == 1 ? "4 KiB frame" : rec.cellFrames() + " frames")
        .append(
            " as one cell, pfn 0 at the top left, row by row; coloured by what uses it, as the"
                + " kernel's /proc/kpageflags tells frames apart. Free blocks are green, darker"
                + " for larger orders; each slab cache has its own purple-red, each process its"
                + " own blue. Hover a cell to name it; move the slider or press Play to step"
                + " through the run. It opens on the step with the least free memory.</p>\n");
    h.append("<div id='controls'><button id='prev'>&lt;</button><button id='play'>Play</button>")
        .append("<button id='next'>&gt;</button><input type='range' id='step' min='0' value='0'>")
        .append("<span id='step-label'></span></div>\n");
    h.append("<canvas id='memmap'></canvas>\n<div id='use-counts'></div><div id='legend'></div>\n");
    StringBuilder j = new StringBuilder();
    j.append("{\"frames\":").append(frames);
    j.append(",\"cellFrames\":").append(rec.cellFrames());
    j.append(",\"cols\":").append(cols).append(",\"cell\":").append(cell);
    j.append(",\"start\":").append(busiest(rec.steps()));
    j.append(",\"uses\":[");
    for (FrameUse u : FrameUse.values()) {
      j.append(u.ordinal() == 0 ? "" : ",").append(json(u.label()));
    }
    j.append("],\"owners\":[");
    for (int i = 0; i < rec.owners().size(); i++) {
      j.append(i == 0 ? "" : ",").append(json(rec.owners().get(i)));
    }
    j.append("],\"steps\":[");
    for (int i = 0; i < rec.steps().size(); i++) {
      RunRecorder.Step s = rec.steps().get(i);
      j.append(i == 0 ? "" : ",")
          .append("{\"label\":")
          .append(json(s.label()))
          .append(",\"runs\":[");
      int[] r = s.runs();
      for (int x = 0; x < r.length; x++) {
        j.append(x == 0 ? "" : ",").append(r[x]);
      }
      j.append("]}");
    }
    j.append("]}");
    h.append("<script type='application/json' id='frame-data'>")
        .append(j.toString().replace("</", "<\\/"))
        .append("</script>\n");
  }

  private static void buddyinfo(
      StringBuilder h, List<RunRecorder.Step> steps, List<String> labels) {
    h.append("<h2>buddyinfo over time</h2>\n<p class='note'>Free blocks per order in each zone,")
        .append(" as /proc/buddyinfo counts them, after each step: one row per order, one column")
        .append(" per step. A split moves a block down the rows, a merge moves it up.</p>\n");
    for (Zone z : steps.get(0).zones().keySet()) {
      List<String> rows = new ArrayList<>();
      long[][] v = new long[Page.NR_PAGE_ORDERS][steps.size()];
      for (int o = 0; o < Page.NR_PAGE_ORDERS; o++) {
        rows.add("order " + o);
        for (int i = 0; i < steps.size(); i++) {
          ZoneStats s = steps.get(i).zones().get(z);
          v[o][i] = s == null ? 0 : s.freeBlocks()[o];
        }
      }
      h.append("<h3>zone ").append(z.kernelName()).append("</h3>\n");
      h.append(Svg.heat(rows, labels, v, "free blocks"));
      ZoneStats last = steps.get(steps.size() - 1).zones().get(z);
      h.append("<pre>Node 0, zone ").append(String.format("%8s", z.kernelName()));
      for (long c : last.freeBlocks()) {
        h.append(String.format("%7d", c));
      }
      h.append("   (the end)</pre>\n");
    }
  }

  private static void watermarks(
      StringBuilder h, List<RunRecorder.Step> steps, List<String> labels) {
    h.append("<h2>Free pages and the watermarks</h2>\n<p class='note'>Free pages of each zone")
        .append(" against its min, low and high watermarks. Below low the kernel wakes kswapd;")
        .append(" red dashes mark the steps in which kswapd ran (vmstat pageoutrun grew).</p>\n");
    int[] marks = increments(steps, "pageoutrun");
    for (Zone z : steps.get(0).zones().keySet()) {
      double[] free = new double[steps.size()];
      double[] min = new double[steps.size()];
      double[] low = new double[steps.size()];
      double[] high = new double[steps.size()];
      for (int i = 0; i < steps.size(); i++) {
        ZoneStats s = steps.get(i).zones().get(z);
        free[i] = s.free();
        min[i] = s.min();
        low[i] = s.low();
        high[i] = s.high();
      }
      h.append("<h3>zone ").append(z.kernelName()).append("</h3>\n");
      h.append(
          Svg.lines(
              "pages",
              labels,
              List.of(
                  new Svg.Series("free", FREE_COLOUR, free, false),
                  new Svg.Series("high", "#2ca02c", high, true),
                  new Svg.Series("low", "#ff7f0e", low, true),
                  new Svg.Series("min", "#d62728", min, true)),
              marks,
              "kswapd ran"));
    }
  }

  private static void timeline(
      StringBuilder h, RunRecorder rec, List<RunRecorder.Step> steps, List<String> labels) {
    h.append("<h2>Faults, swapping and OOM kills over time</h2>\n<p class='note'>What each step")
        .append(" added to the vmstat counters; each strip has its own scale.</p>\n");
    long[] faults = deltas(steps, "pgfault");
    long[] major = deltas(steps, "pgmajfault");
    long[] minor = new long[faults.length];
    for (int i = 0; i < faults.length; i++) {
      minor[i] = faults[i] - major[i];
    }
    h.append(
        Svg.strips(
            List.of("minor faults", "major faults", "swap-ins", "swap-outs", "OOM kills"),
            new String[] {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#d62728"},
            labels,
            new long[][] {
              minor,
              major,
              deltas(steps, "pswpin"),
              deltas(steps, "pswpout"),
              deltas(steps, "oom_kill")
            }));
    if (!rec.events().isEmpty()) {
      h.append("<h3>Signals and OOM kills</h3><pre>");
      for (String e : rec.events()) {
        h.append(Svg.esc(e)).append('\n');
      }
      h.append("</pre>\n");
    }
  }

  private static void tracepoints(
      StringBuilder h, List<RunRecorder.Step> steps, List<String> labels) {
    List<String> rows = new ArrayList<>();
    List<long[]> values = new ArrayList<>();
    for (Tracepoint t : Tracepoint.values()) {
      long[] d = new long[steps.size()];
      long total = 0;
      for (int i = 1; i < steps.size(); i++) {
        d[i] =
            steps.get(i).tracepoints()[t.ordinal()] - steps.get(i - 1).tracepoints()[t.ordinal()];
        total += d[i];
      }
      if (total > 0) {
        rows.add(t.fullName());
        values.add(d);
      }
    }
    h.append("<h2>Tracepoints over time</h2>\n");
    if (rows.isEmpty()) {
      h.append("<p class='note'>No tracepoint fired.</p>\n");
      return;
    }
    h.append("<p class='note'>How often each kernel tracepoint fired in each step (the events")
        .append(" <code>mm run --trace</code> prints, named as in include/trace/events/).</p>\n");
    h.append(Svg.heat(rows, labels, values.toArray(new long[0][]), "events"));
  }

  private static void slabs(StringBuilder h, Kernel k) {
    h.append("<h2>Slab caches at the end</h2>\n");
    if (k.objectAllocator() == null) {
      h.append("<p class='note'>No object allocator.</p>\n");
      return;
    }
    h.append("<p class='note'>Caches holding at least one slab, as /proc/slabinfo shows them.")
        .append(" Overhead is the slab memory not holding a live object (free objects, padding")
        .append(" and what is left at the end of each slab); the bar shows used against")
        .append(" overhead.</p>\n<table><tr><th class='l'>cache</th><th>active objs</th>")
        .append("<th>objs</th><th>objsize</th><th>objs/slab</th><th>pages/slab</th>")
        .append("<th>slabs</th><th>memory KiB</th><th>overhead KiB</th><th class='l'>used")
        .append(" / overhead</th></tr>\n");
    int shown = 0;
    for (SlabInfo s : k.objectAllocator().slabinfo()) {
      if (s.numSlabs() == 0) {
        continue;
      }
      long bytes = s.numSlabs() * s.pagesPerSlab() * (long) Page.PAGE_SIZE;
      long used = s.activeObjs() * (long) s.objSize();
      long waste = Math.max(0, bytes - used);
      int w = 160;
      int uw = (int) Math.round(w * (double) used / Math.max(1, bytes));
      h.append(
          String.format(
              "<tr><td class='l'>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td>"
                  + "<td>%d</td><td>%d</td><td>%d</td><td class='l'><span class='bar'"
                  + " style='width:%dpx'></span><span class='bar waste' style='width:%dpx'>"
                  + "</span></td></tr>\n",
              Svg.esc(s.name()),
              s.activeObjs(),
              s.numObjs(),
              s.objSize(),
              s.objPerSlab(),
              s.pagesPerSlab(),
              s.numSlabs(),
              bytes >> 10,
              waste >> 10,
              uw,
              w - uw));
      shown++;
    }
    h.append("</table>\n");
    if (shown == 0) {
      h.append("<p class='note'>No cache holds a slab at the end.</p>\n");
    }
  }

  private static void processes(
      StringBuilder h, RunRecorder rec, List<RunRecorder.Step> steps, List<String> labels) {
    h.append("<h2>Processes</h2>\n");
    java.util.TreeSet<Integer> pids = new java.util.TreeSet<>();
    for (RunRecorder.Step s : steps) {
      pids.addAll(s.processes().keySet());
    }
    if (pids.isEmpty()) {
      h.append("<p class='note'>No process ran.</p>\n");
      return;
    }
    h.append("<p class='note'>Resident pages (RSS, solid) and swapped-out pages (dashed) of")
        .append(" each process while it lived.</p>\n");
    String[] colours = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};
    List<Svg.Series> series = new ArrayList<>();
    int c = 0;
    h.append("<table><tr><th>pid</th><th class='l'>seen</th><th>peak RSS</th><th>peak swap</th>")
        .append("<th>page-table pages</th></tr>\n");
    for (int pid : pids) {
      if (series.size() >= 12) {
        break;
      }
      double[] rss = new double[steps.size()];
      double[] swap = new double[steps.size()];
      long peakRss = 0;
      long peakSwap = 0;
      long tables = 0;
      int first = -1;
      int last = -1;
      for (int i = 0; i < steps.size(); i++) {
        long[] p = steps.get(i).processes().get(pid);
        if (p != null) {
          rss[i] = p[0];
          swap[i] = p[1];
          peakRss = Math.max(peakRss, p[0]);
          peakSwap = Math.max(peakSwap, p[1]);
          tables = Math.max(tables, p[2]);
          first = first < 0 ? i : first;
          last = i;
        }
      }
      String colour = colours[c++ % colours.length];
      series.add(new Svg.Series("pid " + pid + " RSS", colour, rss, false));
      series.add(new Svg.Series("pid " + pid + " swap", colour, swap, true));
      h.append(
          String.format(
              "<tr><td>%d</td><td class='l'>steps %d to %d</td><td>%d</td><td>%d</td><td>%d</td>"
                  + "</tr>\n",
              pid, first, last, peakRss, peakSwap, tables));
    }
    h.append("</table>\n");
    h.append(Svg.lines("pages", labels, series, new int[0], ""));
    if (!rec.trees().isEmpty()) {
      h.append("<h3>Page tables of the small processes</h3>\n<p class='note'>The user half of")
          .append(" each small process's page-table tree as last seen: the index at each level")
          .append(" down to a PTE table, and how many entries (present or swap) it holds.</p>\n");
      for (RunRecorder.ProcessTree t : rec.trees().values()) {
        h.append("<b>pid ")
            .append(t.pid())
            .append("</b> (")
            .append(t.tables())
            .append(" table pages)");
        tree(h, t);
      }
    }
  }

  private static void tree(StringBuilder h, RunRecorder.ProcessTree t) {
    String[] names =
        t.levels() == 5
            ? new String[] {"PGD", "P4D", "PUD", "PMD"}
            : new String[] {"PGD", "PUD", "PMD"};
    h.append("<ul class='tree'>");
    String[] prev = new String[0];
    for (Map.Entry<String, Integer> e : t.leaves().entrySet()) {
      String[] idx = e.getKey().split("/");
      int same = 0;
      while (same < prev.length && same < idx.length && prev[same].equals(idx[same])) {
        same++;
      }
      for (int l = same; l < idx.length; l++) {
        h.append("<li style='margin-left:")
            .append(l * 18)
            .append("px'>")
            .append(names[Math.min(l, names.length - 1)])
            .append('[')
            .append(idx[l])
            .append(']');
        if (l == idx.length - 1) {
          h.append(" &rarr; PTE table: ").append(e.getValue()).append(" entries");
        }
        h.append("</li>");
      }
      prev = idx;
    }
    h.append("</ul>\n");
  }

  // ---------------------------------------------------------------- helpers

  /** The step with the fewest free pages: the picture the page opens on. */
  static int busiest(List<RunRecorder.Step> steps) {
    int best = 0;
    long least = Long.MAX_VALUE;
    for (int i = 0; i < steps.size(); i++) {
      long free = 0;
      for (ZoneStats z : steps.get(i).zones().values()) {
        free += z.free();
      }
      if (free < least) {
        least = free;
        best = i;
      }
    }
    return best;
  }

  private static long[] deltas(List<RunRecorder.Step> steps, String counter) {
    long[] d = new long[steps.size()];
    for (int i = 1; i < steps.size(); i++) {
      d[i] = steps.get(i).counters().get(counter) - steps.get(i - 1).counters().get(counter);
    }
    return d;
  }

  private static int[] increments(List<RunRecorder.Step> steps, String counter) {
    long[] d = deltas(steps, counter);
    int n = 0;
    for (long x : d) {
      n += x > 0 ? 1 : 0;
    }
    int[] m = new int[n];
    n = 0;
    for (int i = 0; i < d.length; i++) {
      if (d[i] > 0) {
        m[n++] = i;
      }
    }
    return m;
  }

  static String json(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  static String resource(String name) {
    try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from mm-report");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
