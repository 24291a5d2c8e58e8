package io.mmsim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.kernel.Kernel;

/** {@code sleep} (time for khugepaged) and {@code mmap ... hugetlb} from a workload. */
final class HugePagesWorkloadTest {
  @TempDir Path tmp;

  private static Kernel boot(String... keys) {
    Kernel.Builder b =
        Kernel.builder()
            .set("memory.size", "128M")
            .set("object-allocator", "none")
            .set("virtual-allocator", "none");
    for (String k : keys) {
      b.set(k);
    }
    return b.boot();
  }

  private RunResult run(Kernel k, String text) throws IOException {
    Path p = tmp.resolve("w.trace");
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return Workload.open(p).replay(k);
  }

  private static long meminfo(Kernel k, String label) {
    for (String l : k.proc("meminfo").split("\n")) {
      if (l.startsWith(label + ":")) {
        return Long.parseLong(l.substring(label.length() + 1).replace("kB", "").trim());
      }
    }
    throw new AssertionError("no " + label);
  }

  @Test
  void sleep_letsKhugepagedRunItsNextPassOnTime() throws IOException {
    Kernel k = boot("thp.scan-sleep-ms=1000");
    // the madvise line registers the process: its pass (at that line's millisecond) collapses a;
    // the next pass comes 1000 ms later, after mmap b (1), write b (2), madvise b (3), sleep (996)
    run(
        k,
        "spawn 1\n"
            + "mmap 1 a 2M rw at=0x40000000\n"
            + "write 1 a+0 \"first\"\n"
            + "madvise 1 a hugepage\n"
            + "mmap 1 b 2M rw at=0x40200000\n"
            + "write 1 b+4096 \"second\"\n"
            + "madvise 1 b hugepage\n"
            + "sleep 996\n");
    assertThat(meminfo(k, "AnonHugePages")).isEqualTo(2048);
    run(k, "sleep 1\nverify 1 0x40000000 \"first\"\nverify 1 0x40201000 \"second\"\n");
    assertThat(meminfo(k, "AnonHugePages")).isEqualTo(4096);
    assertThat(k.proc("vmstat")).contains("thp_collapse_alloc 2\n");
  }

  @Test
  void sleep_outOfRange_isALineError() throws IOException {
    Kernel k = boot();
    assertThatThrownBy(() -> run(k, "sleep 0\n"))
        .isInstanceOf(WorkloadException.class)
        .hasMessageContaining("w.trace:1:")
        .hasMessageContaining("sleep");
  }

  @Test
  void mmapHugetlb_roundsTheHandle_faultsFromThePool_munmapGivesBack() throws IOException {
    String map = "spawn 1\nmmap 1 h 3M rw hugetlb\nwrite 1 h+0 \"x\"\nwrite 1 h+3M \"y\"\n";
    Kernel k = boot("hugepages.count=4");
    run(k, map);
    assertThat(meminfo(k, "HugePages_Free")).isEqualTo(2);
    assertThat(meminfo(k, "HugePages_Rsvd")).isZero();
    // the handle covers the rounded 4M, so munmap of it is allowed and frees both pages
    Kernel u = boot("hugepages.count=4");
    run(u, map + "munmap 1 h\n");
    assertThat(meminfo(u, "HugePages_Free")).isEqualTo(4);
  }

  @Test
  void mmapHugetlb_poolTooSmall_isEnomemOnItsLine() throws IOException {
    Kernel k = boot("hugepages.count=1");
    assertThatThrownBy(() -> run(k, "spawn 1\nmmap 1 h 4M rw hugetlb\n"))
        .isInstanceOf(WorkloadException.class)
        .hasMessageContaining("w.trace:2:")
        .hasMessageContaining("ENOMEM");
    assertThat(meminfo(k, "HugePages_Rsvd")).isZero();
  }

  @Test
  void mmapHugetlb_withAFile_isRefused() throws IOException {
    Kernel k = boot("hugepages.count=1");
    Files.writeString(tmp.resolve("f"), "data");
    assertThatThrownBy(() -> run(k, "spawn 1\nmmap 1 h 2M rw hugetlb file=f\n"))
        .isInstanceOf(WorkloadException.class)
        .hasMessageContaining("w.trace:2:");
  }
}
