package io.mmsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The mm command end to end, in-process, on the files the README shows. */
final class RunCommandTest extends CommandLineTest {
  private static Path example(String name) {
    Path p = Path.of("..", "examples", name);
    assertThat(p).as("the README's example " + name).exists();
    return p;
  }

  private static String[] args(Object... parts) {
    List<String> l = new ArrayList<>();
    for (Object o : parts) {
      l.add(o.toString());
    }
    return l.toArray(new String[0]);
  }

  // ------------------------------------------------------------------ the README's commands

  @Test
  void run_twoNumaNodes_bannerNamesTheNodes() {
    int rc = mm("run", "--set", "numa.nodes=2", "--proc", tmp.resolve("proc").toString());

    assertThat(rc).as(stderr()).isZero();
    assertThat(stdout()).contains("mmsim booted 128 MiB, 2 CPUs, 2 NUMA nodes: ");
  }

  @Test
  void run_noWorkload_runsTheBuiltInDemoOnTheDefaults() {
    int rc = mm("run", "--proc", tmp.resolve("proc").toString());

    assertThat(rc).as(stderr()).isZero();
    assertThat(stdout())
        .contains("mmsim booted 128 MiB, 2 CPUs")
        .contains("operations run: ")
        .contains("swap: ")
        .contains("pid 2: SIGSEGV");
    assertThat(tmp.resolve("proc/buddyinfo")).exists();
    assertThat(tmp.resolve("proc/meminfo")).exists();
  }

  @Test
  void run_buddyExample_mergesEverythingBack() throws IOException {
    Path proc0 = tmp.resolve("p0");
    Path proc1 = tmp.resolve("p1");
    assertThat(
            mm(
                args(
                    "run",
                    "--set",
                    "memory.size=512M",
                    "--proc",
                    proc0,
                    file("none.trace", "# nothing\n"))))
        .isZero();
    int rc = mm(args("run", "--set", "memory.size=512M", "--proc", proc1, example("buddy.trace")));

    assertThat(rc).as(stderr()).isZero();
    assertThat(Files.readString(proc1.resolve("buddyinfo")))
        .isEqualTo(Files.readString(proc0.resolve("buddyinfo")));
  }

  @Test
  void run_configFileExample_isRead() {
    int rc = mm(args("run", "--config", example("mm.properties"), example("buddy.trace")));

    assertThat(rc).as(stderr()).isZero();
    assertThat(stdout()).contains("mmsim booted 512 MiB, 2 CPUs");
  }

  @Test
  void run_mallocTraceExample_replaysAsKmallocAndReportsTheOverhead() {
    for (String allocator : List.of("slub", "slab", "slob")) {
      int rc =
          mm(
              args(
                  "run",
                  "--set",
                  "object-allocator=" + allocator,
                  "--set",
                  "memory.size=256M",
                  example("sort.malloc")));

      assertThat(rc).as(allocator + ": " + stderr()).isZero();
      assertThat(stdout())
          .containsPattern("malloc trace .*sort\\.malloc: \\d+ calls")
          .containsPattern(
              "at the peak: \\d+ bytes requested, \\d+ bytes of slab and kmalloc"
                  + " pages, overhead \\d+\\.\\d{3}");
    }
  }

  @Test
  void run_mallocTrace_allocationAboveKmallocMaxSize_isSkippedWithItsFree() throws IOException {
    Path t =
        file(
            "big.malloc",
            "==1== header\n--1-- malloc(100) = 0x1000\n"
                + "--1-- malloc(5000000) = 0x2000000\n--1-- free(0x2000000)\n--1-- free(0x1000)\n");
    int rc = mm(args("run", "--set", "memory.size=64M", t));

    assertThat(rc).as(stderr()).isZero();
    assertThat(stdout())
        .contains("4 calls, 0 still live at the end," + " 1 above KMALLOC_MAX_SIZE skipped");
  }

  @Test
  void run_memoryAboveTheLimit_isAConfigurationError() throws IOException {
    int rc = mm(args("run", "--set", "memory.size=9T", file("e.trace", "")));

    assertThat(rc).isEqualTo(2);
    assertThat(stderr()).contains("memory.size: 9T is above the simulator's limit of 8T");
  }

  @Test
  void run_referenceString_countsTheTextbookFaults() throws IOException {
    Path refs = file("belady.refs", "1,2,3,4,1,2,5,1,2,3,4,5\n");
    Path proc = tmp.resolve("refs");
    int rc =
        mm(
            args(
                "run",
                "--set",
                "rss.limit=3",
                "--set",
                "vm.zero-page=false",
                "--set",
                "reclaim.policy=fifo",
                "--set",
                "swap.memory=64M",
                "--set",
                "memory.size=128M",
                "--proc",
                proc,
                refs));

    assertThat(rc).as(stderr()).isZero();
    assertThat(Files.readString(proc.resolve("vmstat"))).contains("\npgfault 9\n");
    assertThat(stdout()).contains("12 references, 9 page faults");
  }

  @Test
  void mkswap_writesAHeaderTheSwapAreaAccepts() throws IOException {
    Path swapfile = tmp.resolve("swapfile");
    int rc =
        mm(
            args(
                "mkswap",
                swapfile,
                "1M",
                "--label",
                "demo",
                "--uuid",
                "12345678-1234-1234-1234-123456789abc"));

    assertThat(rc).as(stderr()).isZero();
    assertThat(stdout())
        .isEqualTo(
            "Setting up swapspace version 1, size = 1020 KiB (1044480"
                + " bytes)\nLABEL=demo, UUID=12345678-1234-1234-1234-123456789abc\n");
    Path proc = tmp.resolve("p");
    assertThat(
            mm(
                args(
                    "run",
                    "--set",
                    "memory.size=64M",
                    "--set",
                    "swap.files=" + swapfile,
                    "--proc",
                    proc,
                    file("none.trace", "# nothing\n"))))
        .as(stderr())
        .isZero();
    assertThat(Files.readString(proc.resolve("swaps")))
        .contains(swapfile.toString())
        .contains("file");
  }

  @Test
  void run_badSwapFile_isRefusedInTheKernelsWords() throws IOException {
    Path notSwap = tmp.resolve("notswap");
    Files.write(notSwap, new byte[65536]);
    int rc = mm(args("run", "--set", "swap.files=" + notSwap, file("none.trace", "")));

    assertThat(rc).isEqualTo(2);
    assertThat(stderr()).contains("Unable to find swap-space signature");
  }

  @Test
  void run_segmentsExample_showsLogicalToLinear_andTheLimitViolation() {
    int rc =
        mm(
            args(
                "run",
                "--set",
                "memory.size=64M",
                "--set",
                "x86_64.user-ds-base=0x100000",
                "--set",
                "x86_64.user-ds-limit=0xff",
                example("segments.trace")));

    assertThat(rc).as(stderr()).isZero();
    assertThat(stdout())
        .contains("3: ds:0x1000 -> linear 0x1000\n")
        .contains("4: cs = 0x23 (cpl 3)\n")
        .contains("6: ds:0x1000 -> linear 0x101000\n")
        .contains("7: ds:0x200000 -> #GP (selector 0x2b, base 0x100000)\n")
        .contains("8: ds = 0x10: #GP(0x10), ds unchanged\n");
  }

  @Test
  void list_showsProvidersBySpi() {
    int rc = mm("list");

    assertThat(rc).isZero();
    assertThat(stdout()).contains("PageAllocatorProvider:").contains("buddy");
  }

  // ------------------------------------------------------------------ errors

  @Test
  void run_doubleFree_stopsWithFileLineAndExit1_procShowsStateBefore() throws IOException {
    Path before = tmp.resolve("before");
    Path after = tmp.resolve("after");
    assertThat(
            mm(
                args(
                    "run",
                    "--set",
                    "memory.size=256M",
                    "--proc",
                    before,
                    file("ok.trace", "alloc_pages a 3\nfree_pages a\n"))))
        .isZero();
    Path bad = file("double.trace", "alloc_pages a 3\nfree_pages a\nfree_pages a\n");

    int rc = mm(args("run", "--set", "memory.size=256M", "--proc", after, bad));

    assertThat(rc).isEqualTo(1);
    assertThat(stderr()).contains(bad + ":3: ").containsIgnoringCase("double free");
    assertThat(Files.readString(after.resolve("buddyinfo")))
        .isEqualTo(Files.readString(before.resolve("buddyinfo")));
  }

  @Test
  void run_badLines_eachNamesFileAndLine() throws IOException {
    String[][] cases = {
      {"free_pages nosuch\n", ":1: unknown handle 'nosuch'"},
      {"# header\nalloc_pagez a 1\n", ":2: unknown operation 'alloc_pagez'"},
      {"alloc_pages a 11\n", ":1: alloc_pages: ORDER 11 is out of range [0, 10]"},
      {"alloc_pages a x7\n", ":1: alloc_pages: ORDER 'x7' is not a number"},
      {"alloc_pages a 1 zone=high\n", ":1: alloc_pages: unknown zone 'high'"},
      {"cpu 5\n", ":1: cpu: N 5 is out of range [0, 1]"},
      {"alloc_pages a 1\nalloc_pages a 1\n", ":2: handle 'a' still names a live pages"},
    };
    for (String[] c : cases) {
      Path t = file("bad.trace", c[0]);
      int rc = mm(args("run", "--set", "memory.size=64M", t));
      assertThat(rc).as(c[0]).isEqualTo(1);
      assertThat(stderr()).as(c[0]).contains(t + c[1]);
    }
  }

  @Test
  void run_outOfMemory_isAWorkloadError() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      sb.append("alloc_pages b").append(i).append(" 10\n");
    }
    int rc = mm(args("run", "--set", "memory.size=64M", file("oom.trace", sb.toString())));

    assertThat(rc).isEqualTo(1);
    assertThat(stderr()).containsPattern("oom\\.trace:\\d+: alloc_pages: out of memory");
  }

  @Test
  void run_unknownKey_exits2NamingIt() throws IOException {
    int rc = mm(args("run", "--set", "no.such.key=1", file("e.trace", "")));

    assertThat(rc).isEqualTo(2);
    assertThat(stderr()).contains("no.such.key");
  }

  @Test
  void run_unknownProvider_exits2ListingProviders() throws IOException {
    int rc = mm(args("run", "--set", "page-allocator=nosuch", file("e.trace", "")));

    assertThat(rc).isEqualTo(2);
    assertThat(stderr()).contains("nosuch").contains("buddy");
  }

  @Test
  void run_unknownOption_exits2() {
    assertThat(mm("run", "--no-such-option")).isEqualTo(2);
    assertThat(stderr()).contains("--no-such-option");
  }

  @Test
  void run_sameWorkloadTwice_sameStdoutAndProc() throws IOException {
    Path t = example("buddy.trace");
    Path p1 = tmp.resolve("d1");
    Path p2 = tmp.resolve("d2");
    mm(args("run", "--set", "memory.size=128M", "--proc", p1, t));
    String first = stdout();
    mm(args("run", "--set", "memory.size=128M", "--proc", p2, t));

    assertThat(stdout()).isEqualTo(first);
    for (String f : List.of("buddyinfo", "meminfo", "vmstat", "zoneinfo")) {
      assertThat(Files.readString(p2.resolve(f))).isEqualTo(Files.readString(p1.resolve(f)));
    }
  }
}
