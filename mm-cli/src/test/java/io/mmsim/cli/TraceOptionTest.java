package io.mmsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mm run --trace} and {@code --explain}, end to end. */
final class TraceOptionTest {
  /** trace_pipe: {@code %16s-%-7d [%03d] FLAGS %5lu.%06lu: event: fields}. */
  private static final Pattern PIPE =
      Pattern.compile(
          "^ *[^ ]+-[0-9]+ +\\[[0-9]{3}\\] [.a-zA-Z0-9]{5} +[0-9]+\\.[0-9]{6}: (\\w+): (.*)$");

  private static final Pattern SPLIT =
      Pattern.compile(
          "split order (\\d+) block pfn 0x(\\p{XDigit}+) into two order-(\\d+) halves pfn"
              + " 0x(\\p{XDigit}+) and pfn 0x(\\p{XDigit}+)");

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedOut;
  private PrintStream savedErr;

  @TempDir Path tmp;

  @BeforeEach
  void capture() {
    savedOut = System.out;
    savedErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(savedOut);
    System.setErr(savedErr);
  }

  private int mm(String... args) {
    out.reset();
    err.reset();
    return Main.execute(args);
  }

  private List<String> stdout() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private Path trace(String text) throws IOException {
    Path p = tmp.resolve("t.trace");
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void trace_pageEvents_oneLinePerAllocationAndFreeInTracePipeLayout() throws IOException {
    Path t =
        trace(
            "alloc_pages a 10\nalloc_pages b 0\nalloc_pages c 3\nfree_pages b\nfree_pages a\n"
                + "free_pages c\n");

    int rc = mm("run", "--trace", "kmem:mm_page_alloc,kmem:mm_page_free", t.toString());

    assertThat(rc).isZero();
    List<String> events = stdout().stream().filter(l -> PIPE.matcher(l).matches()).toList();
    assertThat(events).hasSize(6);
    assertThat(events.get(0)).contains("mm_page_alloc: page=").contains(" order=10 ");
    assertThat(events.get(1)).contains("mm_page_alloc: ").contains(" order=0 ");
    assertThat(events.get(2)).contains("mm_page_alloc: ").contains(" order=3 ");
    assertThat(events.subList(3, 6)).allMatch(l -> l.contains("mm_page_free: "));
    // the simulated clock only moves forward
    for (int i = 1; i < events.size(); i++) {
      assertThat(stamp(events.get(i))).isGreaterThan(stamp(events.get(i - 1)));
    }
    List<String> first = stdout();
    mm("run", "--trace", "kmem:mm_page_alloc,kmem:mm_page_free", t.toString());
    assertThat(stdout()).isEqualTo(first);
  }

  private static double stamp(String line) {
    String head = line.substring(0, line.indexOf(": "));
    return Double.parseDouble(head.substring(head.lastIndexOf(' ') + 1));
  }

  @Test
  void trace_unknownEvent_isAUsageErrorListingTheTracepoints() throws IOException {
    int rc = mm("run", "--trace", "kmem:no_such", trace("alloc_pages a 0\n").toString());

    assertThat(rc).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("no tracepoint 'kmem:no_such'")
        .contains("mm_page_alloc");
    assertThat(stdout()).isEmpty();
  }

  @Test
  void explain_order10OnAFreshMachineSplitting_eachSplitsHalvesAreBuddies() throws IOException {
    // an order-10 block freed, then two order-9 allocations: once the order-9 list is empty, the
    // order-10 block must be split; freeing that half merges it back
    Path t =
        trace(
            "alloc_pages a 10\nfree_pages a\nalloc_pages b 9\nalloc_pages c 9\nfree_pages c\n"
                + "free_pages b\n");

    int rc = mm("run", "--explain", "--set", "memory.size=256M", t.toString());

    assertThat(rc).isZero();
    List<String> lines = stdout();
    int splits = 0;
    for (String l : lines) {
      Matcher m = SPLIT.matcher(l);
      if (m.find()) {
        splits++;
        int from = Integer.parseInt(m.group(1));
        long pfn = Long.parseLong(m.group(2), 16);
        int half = Integer.parseInt(m.group(3));
        assertThat(half).isEqualTo(from - 1);
        assertThat(Long.parseLong(m.group(4), 16)).isEqualTo(pfn);
        // the upper half is the lower one's buddy at the halves' order
        assertThat(Long.parseLong(m.group(5), 16)).isEqualTo(pfn ^ (1L << half));
      }
    }
    assertThat(splits).isPositive();
    assertThat(lines).anyMatch(l -> l.matches(".*t\\.trace:4: alloc_pages"));
    assertThat(lines).anyMatch(l -> l.contains("merge: buddy of pfn"));
  }
}
