package io.mmsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code mm run --report} and {@code mm sweep --report} end to end, and the demo's page rendered by
 * a real browser: headless Chromium loads it, the page's script marks the body once it has drawn
 * the memory map (and with any error it met), and a screenshot is kept in {@code
 * target/report-screenshots/} for a person to look at. Without Chromium (Debian's {@code chromium},
 * which {@code .ci/run} installs) the browser half is skipped.
 */
final class ReportCommandTest extends CommandLineTest {
  @Test
  void runReport_demo_selfContainedPageWithEveryPicture() throws IOException {
    Path page = tmp.resolve("demo.html");
    assertThat(mm("run", "--report", page.toString())).as(err.toString()).isZero();
    String html = Files.readString(page);
    assertThat(Files.size(page)).isLessThan(5L << 20);
    assertThat(html).contains("<canvas id='memmap'>", "buddyinfo over time", "<svg");
    assertThat(html).contains("Free pages and the watermarks", "Slab caches", "Processes");
    assertThat(html).doesNotContainPattern("(src|href)=[\"']?(https?:)?//");
    // one step after boot, one per line of the demo, one at the end
    long lines =
        new String(
                RunCommand.class.getResourceAsStream(RunCommand.DEMO).readAllBytes(),
                StandardCharsets.UTF_8)
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .count();
    Matcher m = Pattern.compile("(\\d+) recorded steps").matcher(html);
    assertThat(m.find()).isTrue();
    assertThat(Long.parseLong(m.group(1))).isEqualTo(lines + 2);
    // the demo's swap section shows in the timeline: pages went out
    assertThat(html).containsPattern("swap-outs</text><text x='\\d+' y='\\d+'>total [1-9]");
    // the demo crosses a low watermark: kswapd is marked, and in every zone's chart the free
    // line has a colour of its own, none of the watermarks'
    assertThat(html).contains("kswapd ran");
    int charts = 0;
    for (String svg : html.split("<svg ")) {
      if (!svg.contains(">high</text>")) {
        continue;
      }
      charts++;
      Matcher legend =
          Pattern.compile("fill='(#[0-9a-f]{6})'/><text[^>]*>(free|high|low|min)</text>")
              .matcher(svg);
      Map<String, String> colour = new HashMap<>();
      while (legend.find()) {
        colour.put(legend.group(2), legend.group(1));
      }
      assertThat(colour).containsKeys("free", "high", "low", "min");
      assertThat(List.of(colour.get("high"), colour.get("low"), colour.get("min")))
          .as("watermark colours beside free")
          .doesNotContain(colour.get("free"));
    }
    assertThat(charts).as("watermark charts").isGreaterThanOrEqualTo(2);
  }

  @Test
  void runReport_folder_writesReportHtmlInIt() throws IOException {
    Path w = tmp.resolve("w.trace");
    Files.writeString(w, "alloc_pages a 3\nfree_pages a\n");
    assertThat(mm("run", "--set", "memory.size=64M", "--report", tmp.toString(), w.toString()))
        .isZero();
    assertThat(tmp.resolve("report.html")).exists();
  }

  @Test
  void runReport_twoNodes_headerCountsTheNodesAndTheMapNamesEachNodesFreeBlocks()
      throws IOException {
    Path w = tmp.resolve("w.trace");
    Files.writeString(w, "alloc_pages a 3\nfree_pages a\n");
    Path page = tmp.resolve("numa.html");
    assertThat(
            mm(
                "run",
                "--set",
                "memory.size=64M",
                "--set",
                "numa.nodes=2",
                "--report",
                page.toString(),
                w.toString()))
        .as(err.toString())
        .isZero();
    String html = Files.readString(page);
    assertThat(html).contains("; 64 MiB, 2 CPU(s), 2 NUMA nodes. ");
    // node 1 holds 32 to 64 MiB, all of it below 4 GiB: zone DMA32
    assertThat(html).contains("node 0 DMA ", "node 1 DMA32 ");
  }

  @Test
  void runReport_missingFolder_usageErrorAndNothingRuns() {
    assertThat(mm("run", "--report", tmp.resolve("no/such/x.html").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--report: no such directory");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void sweepReport_writesTableAndChartsOnOnePage() throws IOException {
    Path refs = tmp.resolve("belady.refs");
    Files.writeString(refs, "1,2,3,4,1,2,5,1,2,3,4,5\n");
    Path dir = tmp.resolve("sweep");
    int rc =
        mm(
            "sweep",
            "--set",
            "memory.size=64M",
            "--set",
            "vm.zero-page=false",
            "--set",
            "swap.memory=16M",
            "--vary",
            "reclaim.policy=fifo,lru",
            "--vary",
            "rss.limit=3,4",
            "--report",
            "--out",
            dir.toString(),
            refs.toString());
    assertThat(rc).as(err.toString()).isZero();
    String html = Files.readString(dir.resolve("report.html"));
    assertThat(html).contains("<svg", "<table>", "reclaim.policy", "rss.limit");
    // Belady's anomaly, as the table shows it: FIFO faults 9 times with 3 frames, 10 with 4
    assertThat(html)
        .containsPattern("<td class='l'>fifo</td><td>3</td><td class='l'>ok</td><td>9<");
    assertThat(html)
        .containsPattern("<td class='l'>fifo</td><td>4</td><td class='l'>ok</td><td>10<");
  }

  // ---------------------------------------------------------------- the browser

  @Test
  void runReport_demo_rendersInHeadlessChromium() throws Exception {
    Path browser = chromium();
    Assumptions.assumeTrue(browser != null, "no chromium on this machine");
    Path page = tmp.resolve("demo.html");
    assertThat(mm("run", "--report", page.toString())).isZero();
    Path shots = Path.of("target", "report-screenshots").toAbsolutePath();
    Files.createDirectories(shots);
    Path shot = shots.resolve("demo.png");
    Files.deleteIfExists(shot);

    String dom = chromium(browser, "--dump-dom", page.toUri().toString());
    Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom);
    assertThat(body.find()).as(dom.length() > 400 ? dom.substring(0, 400) : dom).isTrue();
    assertThat(body.group(1)).doesNotContain("data-error").contains("data-drawn=");

    chromium(browser, "--window-size=1200,3600", "--screenshot=" + shot, page.toUri().toString());
    assertThat(shot).exists();
    assertThat(Files.size(shot)).isGreaterThan(20_000);
  }

  private static Path chromium() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
        Path p = Path.of(dir, name);
        if (!dir.isEmpty() && Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  private String chromium(Path browser, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(browser.toString());
    cmd.addAll(
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--user-data-dir=" + tmp.resolve("chromium-profile"),
            "--virtual-time-budget=5000"));
    cmd.addAll(List.of(args));
    Path log = tmp.resolve("chromium.log");
    Process p =
        new ProcessBuilder(cmd)
            .redirectError(log.toFile())
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    assertThat(p.exitValue()).as(Files.readString(log)).isZero();
    return stdout;
  }
}
