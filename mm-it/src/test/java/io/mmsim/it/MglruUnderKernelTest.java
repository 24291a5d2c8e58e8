package io.mmsim.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.paging.Access;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.mm.Processes;
import io.mmsim.kernel.mm.Task;

/**
 * The multi-gen LRU as the global policy of a whole kernel: anonymous pages through swap, a fork
 * whose copy-on-write pages split, a file mapping whose pages are dropped and read again; data
 * survives, aging walks the page tables, refaults are recognised through shadow entries, and the
 * lru_gen view and the workingset counters show it.
 */
final class MglruUnderKernelTest {
  private static final int PAGES = 9000; // about 35 MiB: more than the 24 MiB left after boot

  @TempDir Path dir;

  private static byte[] stamp(int i, int who) {
    return new byte[] {
      (byte) i, (byte) (i >> 8), (byte) (i >> 16), (byte) who, 5, 6, 7, (byte) 0xa5
    };
  }

  private static long vmstat(Kernel k, String name) {
    for (String line : k.proc("vmstat").split("\n")) {
      String[] f = line.split(" ");
      if (f[0].equals(name)) {
        return Long.parseLong(f[1]);
      }
    }
    throw new AssertionError("no " + name + " in vmstat");
  }

  private static long meminfo(Kernel k, String name) {
    for (String line : k.proc("meminfo").split("\n")) {
      if (line.startsWith(name + ":")) {
        return Long.parseLong(line.substring(name.length() + 1).replace("kB", "").strip());
      }
    }
    throw new AssertionError("no " + name + " in meminfo");
  }

  private Kernel boot(String... extra) {
    Kernel.Builder b =
        Kernel.builder()
            .set("memory.size", "40M")
            .set("swap.memory", "64M")
            .set("reclaim.policy", "mglru");
    for (int i = 0; i < extra.length; i += 2) {
      b.set(extra[i], extra[i + 1]);
    }
    return b.boot();
  }

  @Test
  void globalMglru_swapForkAndFilePages_dataIntactRefaultsCounted() throws IOException {
    Path file = dir.resolve("data.bin");
    int filePages = 2000;
    byte[] content = new byte[filePages << 12];
    for (int i = 0; i < filePages; i++) {
      content[i << 12] = (byte) i;
      content[(i << 12) + 1] = (byte) (i >> 8);
    }
    Files.write(file, content);
    Kernel k = boot();
    Processes ps = k.processes();
    ps.spawn(1);
    long anon = ps.mmap(1, (long) PAGES << 12, Prot.READ | Prot.WRITE, null, 0, false, -1, false);
    for (int i = 0; i < PAGES; i++) {
      assertThat(ps.write(1, 0, anon + ((long) i << 12), stamp(i, 1))).isTrue();
    }
    ps.fork(1, 2);
    for (int i = 0; i < PAGES; i += 3) {
      assertThat(ps.write(2, 0, anon + ((long) i << 12), stamp(i, 2))).isTrue(); // COW
    }
    long mapped = ps.mmap(1, (long) filePages << 12, Prot.READ, file, 0, false, -1, false);
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < filePages; i++) {
        byte[] b = ps.read(1, 0, mapped + ((long) i << 12), 2);
        assertThat(b).isEqualTo(new byte[] {(byte) i, (byte) (i >> 8)});
      }
    }
    for (int pass = 0; pass < 2; pass++) {
      for (int i = pass; i < PAGES; i += 5) {
        assertThat(ps.read(1, 0, anon + ((long) i << 12), 8)).isEqualTo(stamp(i, 1));
        assertThat(ps.read(2, 0, anon + ((long) i << 12), 8))
            .isEqualTo(stamp(i, i % 3 == 0 ? 2 : 1));
      }
    }
    ps.checkInvariants();
    k.swap().checkInvariants();
    assertThat(vmstat(k, "pswpout")).isPositive();
    assertThat(vmstat(k, "workingset_refault_anon")).isPositive();
    assertThat(vmstat(k, "workingset_refault_file")).isPositive();
    assertThat(vmstat(k, "workingset_activate_anon"))
        .isLessThanOrEqualTo(vmstat(k, "workingset_refault_anon"));
    assertThat(k.processes().globalPolicy().statistics().get("lru_gen_walks")).isPositive();
    // meminfo: the generations' pages are the mapped ones, the two youngest generations active
    assertThat(meminfo(k, "Active") + meminfo(k, "Inactive"))
        .isEqualTo(meminfo(k, "AnonPages") + meminfo(k, "Mapped"));
    assertThat(meminfo(k, "Active")).isPositive();
    assertThat(meminfo(k, "Inactive")).isPositive();
    String lruGen = k.proc("lru_gen");
    assertThat(lruGen).startsWith("memcg     1 /\n node     0\n");
    assertThat(lruGen.lines().skip(2))
        .allMatch(l -> l.matches(" {1,10}\\d+ {1,10}\\d+ {1,10}\\d+  {1,10}\\d+ "));
    assertThat(lruGen.lines().count()).isBetween(4L, 6L); // 2 to 4 generations
  }

  /**
   * Six pages swept three times by a process limited to four (linux policy): every fault after the
   * first pass brings back a page reclaim evicted. Hand trace of the two lists: every victim is the
   * oldest inactive page once its accessed bit is found clear, nothing is ever activated, so the
   * lruvec's age moves by one per eviction and each page comes back two evictions after its own
   * (refault distance 3 with the refault's own eviction), against a workingset of 0 active pages:
   * 12 refaults, no activation.
   */
  @Test
  void rssLimitLinux_sixPagesSweptThriceInFourFrames_twelveRefaultsNoActivation() {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "40M")
            .set("swap.memory", "16M")
            .set("reclaim.policy", "linux")
            .set("rss.limit", "4")
            .set("vm.zero-page", "false")
            .boot();
    Processes ps = k.processes();
    Task t = ps.spawn(1);
    long base = ps.mmap(1, 6L << 12, Prot.READ | Prot.WRITE, null, 0, false, -1, false);
    for (int pass = 0; pass < 3; pass++) {
      for (int i = 0; i < 6; i++) {
        assertThat(ps.touch(t, 0, base + ((long) i << 12), Access.WRITE)).isTrue();
      }
    }
    assertThat(vmstat(k, "pgfault")).isEqualTo(18);
    assertThat(vmstat(k, "workingset_refault_anon")).isEqualTo(12);
    assertThat(vmstat(k, "workingset_activate_anon")).isZero();
    assertThat(vmstat(k, "workingset_restore_anon")).isZero();
    assertThat(vmstat(k, "workingset_refault_file")).isZero();
    ps.checkInvariants();
  }

  /**
   * The same sweep over a private read-only file mapping: the evicted page leaves the page cache
   * with a shadow in its slot, and reading it again finds the shadow.
   */
  @Test
  void rssLimitLinux_filePagesSweptThrice_refaultsFoundInThePageCache() throws IOException {
    Path file = dir.resolve("six.bin");
    Files.write(file, new byte[6 << 12]);
    Kernel k =
        Kernel.builder()
            .set("memory.size", "40M")
            .set("swap.memory", "16M")
            .set("reclaim.policy", "linux")
            .set("rss.limit", "4")
            .set("vm.zero-page", "false")
            .boot();
    Processes ps = k.processes();
    Task t = ps.spawn(1);
    long base = ps.mmap(1, 6L << 12, Prot.READ, file, 0, false, -1, false);
    for (int pass = 0; pass < 3; pass++) {
      for (int i = 0; i < 6; i++) {
        assertThat(ps.touch(t, 0, base + ((long) i << 12), Access.READ)).isTrue();
      }
    }
    assertThat(vmstat(k, "pgfault")).isEqualTo(18);
    assertThat(vmstat(k, "workingset_refault_file")).isEqualTo(12);
    assertThat(vmstat(k, "workingset_activate_file")).isZero();
    assertThat(vmstat(k, "workingset_refault_anon")).isZero();
    ps.checkInvariants();
  }

  /** Under mglru each fault after a page's first is a refault: pgfault minus the pages touched. */
  @Test
  void rssLimitMglru_everyFaultOnAnEvictedPage_isARefault() {
    Kernel k = boot("rss.limit", "24", "vm.zero-page", "false");
    Processes ps = k.processes();
    Task t = ps.spawn(1);
    long base = ps.mmap(1, 100L << 12, Prot.READ | Prot.WRITE, null, 0, false, -1, false);
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    java.util.BitSet touched = new java.util.BitSet();
    for (int i = 0; i < 3000; i++) {
      int page = r.nextInt(4) == 0 ? r.nextInt(100) : r.nextInt(30);
      touched.set(page);
      assertThat(ps.touch(t, 0, base + ((long) page << 12), Access.WRITE)).isTrue();
    }
    long refaults = vmstat(k, "workingset_refault_anon");
    assertThat(refaults).isPositive().isEqualTo(vmstat(k, "pgfault") - touched.cardinality());
    assertThat(vmstat(k, "workingset_activate_anon")).isBetween(1L, refaults);
    ps.checkInvariants();
  }

  /**
   * min_ttl_ms protects generations younger than it: kswapd does not evict them and runs the OOM
   * killer instead (lru_gen_age_node); without it the same writes are swapped out and nobody dies.
   */
  @Test
  void minTtl_memoryOvercommittedWithinTheTtl_kswapdKillsInsteadOfSwapping() {
    for (String ttl : new String[] {"0", "1000000000"}) {
      Kernel k = boot("mglru.min-ttl-ms", ttl);
      Processes ps = k.processes();
      ps.spawn(1);
      long anon = ps.mmap(1, (long) PAGES << 12, Prot.READ | Prot.WRITE, null, 0, false, -1, false);
      int written = 0;
      while (written < PAGES
          && ps.isAlive(1)
          && ps.write(1, 0, anon + ((long) written << 12), stamp(written, 1))) {
        written++;
      }
      if (ttl.equals("0")) {
        assertThat(written).isEqualTo(PAGES);
        assertThat(vmstat(k, "oom_kill")).isZero();
        assertThat(vmstat(k, "pswpout")).isPositive();
      } else {
        assertThat(written).isLessThan(PAGES);
        assertThat(vmstat(k, "oom_kill")).isEqualTo(1);
        assertThat(vmstat(k, "pgsteal_kswapd")).isZero();
      }
      ps.checkInvariants();
    }
  }

  @Test
  void rssLimitMglru_processChargedLikeAMemcg_runsAndShowsItsLruvec() {
    Kernel k = boot("rss.limit", "24", "vm.zero-page", "false");
    Processes ps = k.processes();
    Task t = ps.spawn(1);
    long base = ps.mmap(1, 300L << 12, Prot.READ | Prot.WRITE, null, 0, false, -1, false);
    for (int round = 0; round < 4; round++) {
      for (int i = 0; i < 300; i += 1 + round) {
        assertThat(ps.touch(t, 0, base + ((long) i << 12), Access.WRITE)).isTrue();
      }
    }
    ps.checkInvariants();
    assertThat(vmstat(k, "workingset_refault_anon")).isPositive();
    assertThat(k.proc("lru_gen")).contains("memcg     3 /mm-1\n");
  }
}
