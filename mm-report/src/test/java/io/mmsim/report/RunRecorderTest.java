package io.mmsim.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.FrameUse;
import io.mmsim.kernel.Kernel;
import io.mmsim.workload.Replay;
import io.mmsim.workload.Workload;

final class RunRecorderTest {

  private static RunRecorder replay(String text) throws IOException {
    Kernel k = Kernel.builder().set("memory.size=64M").set("cpus=1").boot();
    RunRecorder rec = new RunRecorder(k);
    new Replay(k, rec)
        .run(
            Workload.read(
                "t.trace",
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                Path.of("").toAbsolutePath()));
    rec.finish("the end");
    return rec;
  }

  /** Frames of {@code use} in a step, decoded from its run-length encoding. */
  private static long frames(RunRecorder.Step s, FrameUse use) {
    long n = 0;
    int[] r = s.runs();
    for (int i = 0; i < r.length; i += 2) {
      if ((r[i] & 31) == use.ordinal()) {
        n += r[i + 1];
      }
    }
    return n;
  }

  @Test
  void record_eachLine_oneStepCoveringEveryFrame() throws IOException {
    RunRecorder rec = replay("alloc_pages a 3\nalloc_pages b 0\nfree_pages a\n");
    // after boot, three lines, the end
    assertThat(rec.steps()).hasSize(5);
    for (RunRecorder.Step s : rec.steps()) {
      long cells = 0;
      for (int i = 1; i < s.runs().length; i += 2) {
        cells += s.runs()[i];
      }
      assertThat(cells).isEqualTo((64L << 20) >> 12);
    }
    assertThat(rec.steps().get(1).label()).isEqualTo("t.trace:1 alloc_pages");
  }

  @Test
  void record_allocPagesOrder3_eightMoreAllocatedFrames() throws IOException {
    RunRecorder rec = replay("alloc_pages a 3\nfree_pages a\n");
    List<RunRecorder.Step> s = rec.steps();
    long boot = frames(s.get(0), FrameUse.ALLOCATED);
    assertThat(frames(s.get(1), FrameUse.ALLOCATED)).isEqualTo(boot + 8);
    assertThat(frames(s.get(2), FrameUse.ALLOCATED)).isEqualTo(boot);
  }

  @Test
  void record_processTouchingPages_rssAndAnonFramesSeen() throws IOException {
    RunRecorder rec =
        replay("spawn 1\nmmap 1 m 32K rw\nwrite 1 m+0 \"a\"\nwrite 1 m+0x5000 \"b\"\nexit 1\n");
    RunRecorder.Step afterWrites = rec.steps().get(4);
    assertThat(afterWrites.processes().get(1)[0]).isEqualTo(2); // two pages resident
    assertThat(frames(afterWrites, FrameUse.ANON)).isEqualTo(2);
    assertThat(rec.steps().get(5).processes()).isEmpty(); // exited
    assertThat(rec.trees()).containsKey(1);
  }

  @Test
  void render_page_selfContainedWithEverySection() throws IOException {
    RunRecorder rec = replay("kmalloc a 100\nspawn 1\nmmap 1 m 8K rw populate\n");
    String html = HtmlReport.render(rec, "t.trace", List.of("operations run: 3"));
    assertThat(html)
        .contains("<canvas id='memmap'>", "buddyinfo over time", "watermarks", "kmalloc-128");
    assertThat(html).doesNotContainPattern("(src|href)=[\"']?(https?:)?//");
    assertThat(html).contains("\"start\":");
  }

  @Test
  void csv_quotedFields_parsedAsRfc4180() {
    assertThat(SweepReport.csv("a,b,c\n1,\"x, \"\"y\"\"\",3\n"))
        .containsExactly(List.of("a", "b", "c"), List.of("1", "x, \"y\"", "3"));
  }
}
