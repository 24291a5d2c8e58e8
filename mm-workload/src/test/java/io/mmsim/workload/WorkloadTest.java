package io.mmsim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.api.paging.Access;
import io.mmsim.kernel.Kernel;

/** The library API: open, replay under many kernels, counters, listener, typed errors. */
final class WorkloadTest {
  @TempDir Path tmp;

  /** Belady's example (Belady, Nelson and Shedler 1969), the classic anomaly of FIFO. */
  private static final String BELADY = "1,2,3,4,1,2,5,1,2,3,4,5\n";

  private Path file(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private static Kernel kernel(String policy, int frames) {
    return Kernel.builder()
        .set("memory.size", "64M")
        .set("swap.memory", "16M")
        .set("vm.zero-page", "false")
        .set("reclaim.policy", policy)
        .set("rss.limit", Integer.toString(frames))
        .boot();
  }

  // ------------------------------------------------------------------ traces

  @Test
  void referenceString_textbookPolicies_countTheTextbookFaults() throws IOException {
    Workload w = Workload.open(file("belady.refs", BELADY));

    assertThat(w.format()).isEqualTo(WorkloadFormat.REFERENCE_STRING);
    // hand-simulated: FIFO 9 faults with 3 frames and 10 with 4 (the anomaly), LRU 10 with 3,
    // OPT 7 with 3
    assertThat(w.replay(kernel("fifo", 3)).counter("pgfault")).isEqualTo(9);
    assertThat(w.replay(kernel("fifo", 4)).counter("pgfault")).isEqualTo(10);
    assertThat(w.replay(kernel("lru", 3)).counter("pgfault")).isEqualTo(10);
    assertThat(w.replay(kernel("opt", 3)).counter("pgfault")).isEqualTo(7);
  }

  @Test
  void replay_oneParsedTraceManyTimes_eachReplayCountsTheSame() throws IOException {
    Workload w = Workload.open(file("belady.refs", BELADY));

    RunResult first = w.replay(kernel("fifo", 3));
    w.replay(kernel("opt", 3));
    RunResult again = w.replay(kernel("fifo", 3));

    assertThat(again.counters()).isEqualTo(first.counters());
    assertThat(first.counter("refs")).isEqualTo(12);
    assertThat(first.counter("pgfault")).isEqualTo(9);
  }

  @Test
  void counters_areInTheDocumentedOrder() throws IOException {
    RunResult r = Workload.open(file("b.refs", BELADY)).replay(kernel("fifo", 3));

    assertThat(new ArrayList<>(r.counters().keySet())).isEqualTo(RunResult.COUNTERS);
    assertThat(r.counters().keySet())
        .startsWith("pgfault", "pgmajfault", "pswpin", "pswpout", "oom_kill");
    assertThat(r.counter("tlb_hits") + r.counter("page_walks")).isPositive();
    assertThatThrownBy(() -> r.counter("nosuch")).hasMessageContaining("pgfault");
  }

  @Test
  void lackey_pageCrossingModify_touchesBothPagesForReadThenWrite() throws IOException {
    Workload w =
        Workload.open(
            file(
                "t.lackey",
                "==1== Lackey\nI  04000000,3\n M 04000ffe,4\n S 1ffefffd00,8\n==1== end\n"));

    assertThat(w.format()).isEqualTo(WorkloadFormat.LACKEY);
    MemoryTrace t = (MemoryTrace) w;
    assertThat(t.references()).isEqualTo(3);
    assertThat(t.touches()).isEqualTo(1 + 4 + 1);
    assertThat(t.distinctPages()).isEqualTo(3);
    long[] pages = new long[t.touches()];
    int[] access = new int[t.touches()];
    for (int i = 0; i < t.touches(); i++) {
      pages[i] = t.page(i);
      access[i] = t.access(i);
    }
    assertThat(pages).containsExactly(0x4000, 0x4000, 0x4001, 0x4000, 0x4001, 0x1ffefffL);
    assertThat(access)
        .containsExactly(
            Access.EXECUTE, Access.READ, Access.READ, Access.WRITE, Access.WRITE, Access.WRITE);
  }

  @Test
  void listener_seesEveryTouchAndEveryOperation() throws IOException {
    List<String> seen = new ArrayList<>();
    ReplayListener l =
        new ReplayListener() {
          @Override
          public void reference(String source, long index, long address, int access) {
            seen.add("ref " + index + " " + Long.toHexString(address));
          }

          @Override
          public void operation(String source, long line, String operation) {
            seen.add("op " + line + " " + operation);
          }

          @Override
          public void output(String text) {
            seen.add("out " + text);
          }
        };
    Workload.open(file("t.refs", "0\n1\n")).replay(kernel("lru", 8), l);
    Workload.open(file("t.trace", "alloc_pages a 0\n# c\nkmalloc k 64\nkread k 2\n"))
        .replay(kernel("lru", 0), l);

    assertThat(seen)
        .startsWith("ref 0 10000000", "ref 1 10001000", "op 1 alloc_pages", "op 3 kmalloc")
        .hasSize(6);
    assertThat(seen.get(4)).matches("out 4: 0x[0-9a-f]+: [0-9a-f]{4}");
  }

  // ------------------------------------------------------------------ text and malloc

  @Test
  void textWorkload_peakRssAndAllocatorFigures() throws IOException {
    Workload w =
        Workload.open(
            file(
                "t.trace",
                "spawn 1\nmmap 1 m 32K rw populate\nmunmap 1 m\n"
                    + "kmalloc a 100\nkmalloc b 100\nkfree a\nkmalloc c 50\n"));

    RunResult r = w.replay(kernel("lru", 0));

    assertThat(r.operations()).isEqualTo(7);
    assertThat(r.peakRssPages()).as("8 pages written by MAP_POPULATE, then unmapped").isEqualTo(8);
    assertThat(r.peakRequestedBytes()).isEqualTo(200);
    assertThat(r.allocatorPagesAtPeak()).isPositive();
    assertThat(r.allocatorOverhead()).isGreaterThan(1.0);
  }

  @Test
  void mallocTrace_isDetectedAndReplayed() throws IOException {
    Workload w =
        Workload.open(
            file(
                "t.malloc",
                "==9== Memcheck\n--9-- malloc(100) = 0x1000\n--9-- calloc(4,8) = 0x2000\n"
                    + "--9-- realloc(0x1000,300) = 0x3000\n--9-- free(0x3000)\n"
                    + "--9-- realloc(0x0,16)malloc(16) = 0x4000\n"));

    assertThat(w.format()).isEqualTo(WorkloadFormat.MALLOC_TRACE);
    RunResult r = w.replay(kernel("lru", 0));

    assertThat(r.operations()).isEqualTo(5);
    assertThat(r.peakRequestedBytes()).as("32 + 300 live after the realloc").isEqualTo(332);
    assertThat(r.summaries()).singleElement().asString().contains("5 calls, 2 still live");
  }

  // ------------------------------------------------------------------ errors

  @Test
  void badLine_isAWorkloadExceptionWithFileAndLine() throws IOException {
    Path p = file("bad.trace", "alloc_pages a 0\nfree_pages nosuch\n");
    Workload w = Workload.open(p);

    assertThatThrownBy(() -> w.replay(kernel("lru", 0)))
        .isInstanceOfSatisfying(
            WorkloadException.class,
            e -> {
              assertThat(e.file()).isEqualTo(p.toString());
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.reason()).isEqualTo("unknown handle 'nosuch'");
              assertThat(e.getMessage()).isEqualTo(p + ":2: unknown handle 'nosuch'");
            });
  }

  @Test
  void mmapAt_aKernelOrNonCanonicalAddress_isRefusedWithTheLine() throws IOException {
    for (String at : new String[] {"0xffff888000000000", "0x800000000000", "0xffffffffffffffff"}) {
      Path p = file("at.trace", "spawn 1\nmmap 1 m 4K rw anon private at=" + at + "\n");
      Workload w = Workload.open(p);

      assertThatThrownBy(() -> w.replay(kernel("lru", 0)))
          .isInstanceOfSatisfying(
              WorkloadException.class,
              e -> {
                assertThat(e.line()).isEqualTo(2);
                assertThat(e.reason()).contains("not in user space (ENOMEM)");
              });
    }
  }

  @Test
  void replaySession_keepsTheCountersOfWhatRanBeforeAFailure() throws IOException {
    Replay r = new Replay(kernel("lru", 0));
    Workload w =
        Workload.open(file("bad.trace", "alloc_pages a 0\nalloc_pages b 0\nfree_pages x\n"));

    assertThatThrownBy(() -> r.run(w)).isInstanceOf(WorkloadException.class);
    assertThat(r.result().operations()).isEqualTo(2);
  }

  @Test
  void open_missingFileOrDirectory_isAnIOExceptionNamingIt() {
    assertThatThrownBy(() -> Workload.open(tmp.resolve("nosuch")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("nosuch");
    assertThatThrownBy(() -> Workload.open(tmp))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(tmp.toString())
        .hasMessageContaining("directory");
  }

  @Test
  void read_fromAStream_detectsTheFormatToo() throws IOException {
    Workload w =
        Workload.read(
            "stdin", new ByteArrayInputStream("3 4 3\n".getBytes(StandardCharsets.UTF_8)), tmp);

    assertThat(w.format()).isEqualTo(WorkloadFormat.REFERENCE_STRING);
    assertThat(((MemoryTrace) w).references()).isEqualTo(3);
    assertThat(w.filesRoot()).isEqualTo(tmp.toAbsolutePath());
  }
}
