package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.paging.Access;
import io.mmsim.api.swap.SwapSystem;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.stat.VmEvent;

/** The kernel with swap: pages leave and come back intact; slots and frames never leak. */
final class SwapIntegrationTest {
  private static final int RW = Prot.READ | Prot.WRITE;

  private final List<String> reports = new ArrayList<>();

  private Kernel boot(String... keys) {
    Kernel.Builder b =
        Kernel.builder()
            .set("memory.size", "64M")
            .set("object-allocator", "none")
            .set("virtual-allocator", "none")
            .set("swap.memory", "256M");
    for (String k : keys) {
      b.set(k);
    }
    Kernel k = b.boot();
    k.processes().setReporter(reports::add);
    return k;
  }

  private static byte[] pattern(long seed) {
    byte[] b = new byte[16];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private static void assertNoLeaks(Kernel k, long freeBefore) {
    SwapSystem swap = k.swap();
    swap.checkInvariants();
    assertThat(swap.freeSwapPages()).as("every slot free again").isEqualTo(swap.totalSwapPages());
    assertThat(swap.swapCachePages()).isZero();
    k.pageAllocator().drainAllPages();
    assertThat(k.pageAllocator().nrFreePages()).as("every frame back").isEqualTo(freeBefore);
  }

  @Test
  void overcommit_everyPageComesBackIntact_andNothingLeaks() {
    Kernel k = boot();
    Processes p = k.processes();
    long free = k.pageAllocator().nrFreePages();
    int pages = 4 * 16384; // 256 MiB through 64 MiB of RAM
    p.spawn(1);
    long base = p.mmap(1, (long) pages << Page.PAGE_SHIFT, RW, null, 0, false, -1, false);
    for (int i = 0; i < pages; i++) {
      assertThat(p.write(1, 0, base + ((long) i << 12) + (i % 4000), pattern(i))).isTrue();
    }
    SplittableRandom r = new SplittableRandom(3);
    for (int n = 0; n < pages; n++) {
      int i = r.nextInt(pages);
      assertThat(p.read(1, 0, base + ((long) i << 12) + (i % 4000), 16))
          .as("page %d", i)
          .containsExactly(pattern(i));
    }
    assertThat(k.swap().statistics().get("pswpout")).isGreaterThan(40000);
    assertThat(k.events().get(VmEvent.PGMAJFAULT)).isGreaterThan(10000);
    assertThat(reports).isEmpty();

    p.exit(1);
    assertNoLeaks(k, free);
  }

  @Test
  void fork_ofSwappedOutPages_sharesTheSlots_andEachSideKeepsItsData() {
    Kernel k = boot();
    Processes p = k.processes();
    long free = k.pageAllocator().nrFreePages();
    int pages = 2 * 16384;
    p.spawn(1);
    long base = p.mmap(1, (long) pages << 12, RW, null, 0, false, -1, false);
    for (int i = 0; i < pages; i++) {
      p.write(1, 0, base + ((long) i << 12), pattern(i));
    }
    p.fork(1, 2);
    k.swap().checkInvariants();
    for (int i = 0; i < pages; i += 7) {
      p.write(2, 0, base + ((long) i << 12), pattern(-i));
    }
    for (int i = 0; i < pages; i += 7) {
      assertThat(p.read(1, 0, base + ((long) i << 12), 16)).containsExactly(pattern(i));
      assertThat(p.read(2, 0, base + ((long) i << 12), 16)).containsExactly(pattern(-i));
      if (i + 1 < pages) {
        assertThat(p.read(2, 0, base + ((long) (i + 1) << 12), 16)).containsExactly(pattern(i + 1));
      }
    }
    p.exit(1);
    k.swap().checkInvariants();
    p.exit(2);
    assertNoLeaks(k, free);
  }

  @Test
  void rssLimit_fifo_countsTheTextbookFaults() {
    Kernel k = boot("rss.limit=3", "vm.zero-page=false", "reclaim.policy=fifo");
    Processes p = k.processes();
    Task t = p.spawn(1);
    long base = p.mmap(1, 16 << 12, RW, null, 0, false, -1, false);
    for (int page : new int[] {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5}) {
      assertThat(p.touch(t, 0, base + ((long) page << 12), Access.READ)).isTrue();
      assertThat(t.mm.rss()).isLessThanOrEqualTo(3);
    }
    assertThat(k.events().get(VmEvent.PGFAULT)).isEqualTo(9);
  }

  @Test
  void injectedReadError_givesSigbus_toTheProcessWhoseSwapInFailed() {
    Kernel k = boot("swap.fail-read.probability=100", "swap.fail-read.times=-1");
    Processes p = k.processes();
    int pages = 3 * 16384;
    p.spawn(1);
    long base = p.mmap(1, (long) pages << 12, RW, null, 0, false, -1, false);
    for (int i = 0; i < pages && p.isAlive(1); i++) {
      p.write(1, 0, base + ((long) i << 12), pattern(i));
    }
    assertThat(p.isAlive(1)).isTrue();
    assertThat(p.read(1, 0, base, 16)).as("page 0 was swapped out; its read fails").isNull();
    assertThat(reports)
        .singleElement()
        .asString()
        .startsWith("pid 1: SIGBUS at 0x")
        .contains("BUS_ADRERR");
    k.swap().checkInvariants();
  }

  @Test
  void noSwapSpace_theOomKillerPicksTheBiggest_andSlotsStayConsistent() {
    Kernel k = boot("swap.memory=8M");
    Processes p = k.processes();
    p.spawn(1);
    long small = p.mmap(1, 4096, RW, null, 0, false, -1, false);
    p.write(1, 0, small, new byte[] {1});
    p.spawn(2);
    p.mmap(2, 256L << 20, RW, null, 0, false, -1, true);

    assertThat(p.isAlive(2)).isFalse();
    assertThat(p.isAlive(1)).isTrue();
    assertThat(reports).anyMatch(r -> r.startsWith("Out of memory: Killed process 2 (proc2)"));
    assertThat(p.read(1, 0, small, 1)).containsExactly(1);
    k.swap().checkInvariants();
  }

  @Test
  void everySwapWriteFails_pagesStayInMemoryIntact_andTheMemoryHogIsOomKilled() {
    Kernel k =
        boot(
            "memory.size=48M",
            "swap.memory=64M",
            "swap.fail-write.probability=100",
            "swap.fail-write.times=-1");
    Processes p = k.processes();
    p.spawn(1);
    long keep = p.mmap(1, 4096, RW, null, 0, false, -1, false);
    p.write(1, 0, keep, pattern(1));
    p.spawn(2);
    long big = p.mmap(2, 40L << 20, RW, null, 0, false, -1, true);
    p.checkInvariants();

    assertThat(k.swap().statistics().get("pswpout")).isZero();
    assertThat(k.swap().statistics().get("swap_write_errors")).isPositive();
    assertThat(p.isAlive(2)).isFalse();
    assertThat(reports).anyMatch(r -> r.startsWith("Out of memory: Killed process 2 (proc2)"));
    assertThat(p.read(1, 0, keep, 16)).containsExactly(pattern(1));
    assertThat(big).isPositive();
    p.checkInvariants();
  }

  @Test
  void everySwapWriteFails_aWorkingSetThatFits_keepsRunning() {
    Kernel k =
        boot(
            "memory.size=48M",
            "swap.memory=64M",
            "swap.fail-write.probability=100",
            "swap.fail-write.times=-1");
    Processes p = k.processes();
    p.spawn(1);
    long free = k.pageAllocator().nrFreePages();
    long low = 0;
    for (Zone z : Zone.values()) {
      low += k.pageAllocator().watermark(z, Watermark.LOW);
    }
    // enough to go below the low watermark (kswapd unmaps pages whose writes fail, later faults
    // map them again), not below min: nothing needs the OOM killer
    int pages = (int) (free - low);
    long base = p.mmap(1, (long) pages << 12, RW, null, 0, false, -1, false);
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < pages; i++) {
        assertThat(p.write(1, 0, base + ((long) i << 12), pattern(round * pages + i))).isTrue();
      }
    }
    for (int i = 0; i < pages; i++) {
      assertThat(p.read(1, 0, base + ((long) i << 12), 16)).containsExactly(pattern(2 * pages + i));
    }
    assertThat(reports).isEmpty();
    assertThat(k.swap().statistics().get("swap_write_errors")).isPositive();
    assertThat(k.swap().statistics().get("swapcache_hits")).isPositive();
    p.checkInvariants();
  }

  // ------------------------------------------------------------------ shmem

  @Test
  void sharedAnonymous_largerThanMemory_isSwappedOut_andComesBackIntactInBothProcesses() {
    Kernel k = boot();
    Processes p = k.processes();
    long free = k.pageAllocator().nrFreePages();
    int pages = 2 * 16384; // 128 MiB of shmem through 64 MiB of RAM
    p.spawn(1);
    long base = p.mmap(1, (long) pages << 12, RW, null, 0, true, -1, false);
    p.fork(1, 2);
    for (int i = 0; i < pages; i++) {
      int pid = 1 + (i & 1);
      assertThat(p.write(pid, 0, base + ((long) i << 12) + (i % 4000), pattern(i))).isTrue();
    }
    p.checkInvariants();
    assertThat(k.swap().statistics().get("pswpout")).isGreaterThan(10000);
    SplittableRandom r = new SplittableRandom(5);
    for (int n = 0; n < pages; n++) {
      int i = r.nextInt(pages);
      int pid = 1 + r.nextInt(2);
      assertThat(p.read(pid, 0, base + ((long) i << 12) + (i % 4000), 16))
          .as("page %d read by pid %d", i, pid)
          .containsExactly(pattern(i));
    }
    assertThat(k.events().get(VmEvent.PGMAJFAULT)).isPositive();
    assertThat(k.swap().statistics().get("pswpin")).isPositive();
    assertThat(reports).isEmpty();
    p.checkInvariants();

    p.exit(1);
    p.checkInvariants();
    assertThat(p.read(2, 0, base + 4096 + 1, 16)).containsExactly(pattern(1));
    p.exit(2);
    assertNoLeaks(k, free);
  }

  @Test
  void sharedAnonymous_underRssLimit_leavesOneResidentSet_andTheOtherSharerKeepsThePage() {
    Kernel k = boot("rss.limit=16", "reclaim.policy=lru");
    Processes p = k.processes();
    long free = k.pageAllocator().nrFreePages();
    int pages = 64;
    p.spawn(1);
    long base = p.mmap(1, (long) pages << 12, RW, null, 0, true, -1, false);
    p.fork(1, 2);
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < pages; i++) {
        int pid = 1 + ((i + round) & 1);
        assertThat(p.write(pid, 0, base + ((long) i << 12), pattern(round * pages + i))).isTrue();
        assertThat(p.task(pid).mm.rss()).isLessThanOrEqualTo(16);
      }
      p.checkInvariants();
    }
    for (int i = 0; i < pages; i++) {
      assertThat(p.read(1, 0, base + ((long) i << 12), 16)).containsExactly(pattern(2 * pages + i));
      assertThat(p.read(2, 0, base + ((long) i << 12), 16)).containsExactly(pattern(2 * pages + i));
    }
    assertThat(k.swap().statistics().get("pswpout")).isPositive();
    p.checkInvariants();
    p.exit(2);
    p.exit(1);
    assertNoLeaks(k, free);
  }

  @Test
  void sharedAnonymous_munmappedWhileSwappedOut_freesItsSlots() {
    Kernel k = boot();
    Processes p = k.processes();
    long free = k.pageAllocator().nrFreePages();
    int pages = 2 * 16384;
    p.spawn(1);
    long base = p.mmap(1, (long) pages << 12, RW, null, 0, true, -1, false);
    for (int i = 0; i < pages; i++) {
      p.write(1, 0, base + ((long) i << 12), pattern(i));
    }
    assertThat(k.swap().freeSwapPages()).isLessThan(k.swap().totalSwapPages());

    p.munmap(1, base, (long) pages << 12);

    p.checkInvariants();
    p.exit(1);
    assertNoLeaks(k, free);
  }

  @Test
  void sharedAnonymous_everySwapWriteFails_pagesStayIntact_andTheHogIsOomKilled() {
    Kernel k =
        boot(
            "memory.size=48M",
            "swap.memory=64M",
            "swap.fail-write.probability=100",
            "swap.fail-write.times=-1");
    Processes p = k.processes();
    p.spawn(1);
    long keep = p.mmap(1, 4 << 12, RW, null, 0, true, -1, false);
    for (int i = 0; i < 4; i++) {
      p.write(1, 0, keep + ((long) i << 12), pattern(i));
    }
    p.spawn(2);
    p.mmap(2, 64L << 20, RW, null, 0, true, -1, true);
    p.checkInvariants();

    assertThat(k.swap().statistics().get("pswpout")).isZero();
    assertThat(k.swap().statistics().get("swap_write_errors")).isPositive();
    assertThat(p.isAlive(2)).isFalse();
    assertThat(reports).anyMatch(r -> r.startsWith("Out of memory: Killed process 2 (proc2)"));
    for (int i = 0; i < 4; i++) {
      assertThat(p.read(1, 0, keep + ((long) i << 12), 16)).containsExactly(pattern(i));
    }
    p.checkInvariants();
  }
}
