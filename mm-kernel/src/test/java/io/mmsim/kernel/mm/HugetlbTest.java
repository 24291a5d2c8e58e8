package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Pte;
import io.mmsim.kernel.Kernel;

/**
 * The hugetlb pool on the real parts: boot reservation, mmap reservations (HugePages_Rsvd), faults
 * from the pool, copy on write, munmap and exit giving pages back, and the meminfo lines in the
 * kernel's format.
 */
final class HugetlbTest {
  private static final int RW = Prot.READ | Prot.WRITE;
  private static final long MB2 = 2L << 20;
  private static final long AT = 0x4000_0000L;

  private static Kernel boot(String... keys) {
    Kernel.Builder b =
        Kernel.builder()
            .set("memory.size", "256M")
            .set("object-allocator", "none")
            .set("virtual-allocator", "none");
    for (String k : keys) {
      b.set(k);
    }
    return b.boot();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String line(Kernel k, String view, String label) {
    for (String l : k.proc(view).split("\n")) {
      if (l.startsWith(label)) {
        return l;
      }
    }
    throw new AssertionError("no " + label + " in " + view);
  }

  private static long kb(Kernel k, String label) {
    String l = line(k, "meminfo", label + ":");
    return Long.parseLong(l.substring(label.length() + 1).replace("kB", "").trim());
  }

  /** Total, free, reserved and surplus, as meminfo prints them. */
  private static long[] pool(Kernel k) {
    return new long[] {
      kb(k, "HugePages_Total"),
      kb(k, "HugePages_Free"),
      kb(k, "HugePages_Rsvd"),
      kb(k, "HugePages_Surp")
    };
  }

  private static long pmd(Kernel k, int pid, long addr) {
    return k.pageTable().readEntry(k.processes().task(pid).mm.root(), addr, 2);
  }

  @Test
  void boot_poolOf8_meminfoLinesInTheKernelsFormat() {
    Kernel plain = boot();
    Kernel k = boot("hugepages.count=8");
    assertThat(line(k, "meminfo", "HugePages_Total")).isEqualTo("HugePages_Total:       8");
    assertThat(line(k, "meminfo", "HugePages_Free")).isEqualTo("HugePages_Free:        8");
    assertThat(line(k, "meminfo", "HugePages_Rsvd")).isEqualTo("HugePages_Rsvd:        0");
    assertThat(line(k, "meminfo", "HugePages_Surp")).isEqualTo("HugePages_Surp:        0");
    assertThat(line(k, "meminfo", "Hugepagesize")).isEqualTo("Hugepagesize:       2048 kB");
    assertThat(line(k, "meminfo", "Hugetlb")).isEqualTo("Hugetlb:           16384 kB");
    // the pool's 16 MiB left the free memory but not the total
    assertThat(kb(k, "MemTotal")).isEqualTo(kb(plain, "MemTotal"));
    assertThat(kb(k, "MemFree")).isEqualTo(kb(plain, "MemFree") - 8 * 2048);
    assertThat(line(plain, "meminfo", "Hugetlb")).isEqualTo("Hugetlb:               0 kB");
  }

  @Test
  void boot_moreThanMemoryHolds_takesEveryOrder9BlockThereIs() {
    Kernel plain = boot("memory.size=64M");
    // the order-9 blocks a pool can take: every free block of order 9 and above, split
    long blocks = 0;
    for (String l : plain.proc("buddyinfo").split("\n")) {
      String[] f = l.trim().split("\\s+");
      for (int order = 9; order < f.length - 4; order++) {
        blocks += Long.parseLong(f[4 + order]) << (order - 9);
      }
    }
    Kernel k = boot("memory.size=64M", "hugepages.count=1000");
    assertThat(blocks).isPositive().isLessThan(1000);
    assertThat(k.processes().hugePagesTotal()).isEqualTo(blocks);
    assertThat(pool(k)).containsExactly(blocks, blocks, 0, 0);
  }

  @Test
  void mmapFaultMunmap_privateMapping_poolAccountingAtEachStep() {
    Kernel k = boot("hugepages.count=8");
    Processes p = k.processes();
    p.spawn(1);
    // 3M rounds up to two huge pages, both reserved at once
    long a = p.mmap(1, 3L << 20, RW, null, 0, false, -1, false, true);
    assertThat(a % MB2).isZero();
    assertThat(pool(k)).containsExactly(8, 8, 2, 0);
    assertThat(p.areas(1)).anySatisfy(v -> assertThat(v.end - v.start).isEqualTo(2 * MB2));

    assertThat(p.write(1, 0, a + 5, bytes("first"))).isTrue();
    assertThat(pool(k)).containsExactly(8, 7, 1, 0);
    long e = pmd(k, 1, a);
    assertThat(Pte.huge(e)).isTrue();
    assertThat(e & Pte.RW).isNotZero();
    // hugetlb pages are not in the process's RSS nor in AnonPages
    assertThat(p.task(1).mm.anonRss).isZero();
    assertThat(kb(k, "AnonHugePages")).isZero();

    assertThat(p.write(1, 0, a + MB2 + 7, bytes("second"))).isTrue();
    assertThat(pool(k)).containsExactly(8, 6, 0, 0);
    assertThat(p.read(1, 0, a + 5, 5)).isEqualTo(bytes("first"));
    assertThat(p.read(1, 0, a + MB2 + 7, 6)).isEqualTo(bytes("second"));
    assertThat(p.read(1, 0, a + MB2 - 1, 1)).containsExactly(0);
    p.checkInvariants();

    p.munmap(1, a, 2 * MB2);
    assertThat(pool(k)).containsExactly(8, 8, 0, 0);
    p.checkInvariants();
    k.pageTable().checkInvariants();
  }

  @Test
  void munmap_unfaultedPrivateMapping_givesItsReservationsBack() {
    Kernel k = boot("hugepages.count=4");
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, 4 * MB2, RW, null, 0, false, -1, false, true);
    p.write(1, 0, a, bytes("x"));
    assertThat(pool(k)).containsExactly(4, 3, 3, 0);
    p.munmap(1, a + 2 * MB2, 2 * MB2);
    assertThat(pool(k)).containsExactly(4, 3, 1, 0);
    p.exit(1);
    assertThat(pool(k)).containsExactly(4, 4, 0, 0);
  }

  @Test
  void mmap_poolExhaustedByReservations_isEnomemAndChangesNothing() {
    Kernel k = boot("hugepages.count=2");
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, 4 * MB2 / 2, RW, null, 0, false, -1, false, true);
    int areas = p.areas(1).size();
    assertThatThrownBy(() -> p.mmap(1, MB2, RW, null, 0, false, -1, false, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ENOMEM")
        .hasMessageContaining("HugePages_Rsvd 2");
    assertThat(p.areas(1)).hasSize(areas);
    assertThat(pool(k)).containsExactly(2, 2, 2, 0);
    p.munmap(1, a, 2 * MB2);
    assertThat(p.mmap(1, MB2, RW, null, 0, false, -1, false, true)).isNotNegative();
  }

  @Test
  void mmap_misalignedFixedAddress_isEinval_munmapOfHalfAPage_isEinval() {
    Kernel k = boot("hugepages.count=2");
    Processes p = k.processes();
    p.spawn(1);
    assertThatThrownBy(() -> p.mmap(1, MB2, RW, null, 0, false, AT + 4096, false, true))
        .hasMessageContaining("EINVAL");
    assertThat(p.mmap(1, MB2, RW, null, 0, false, AT, false, true)).isEqualTo(AT);
    assertThatThrownBy(() -> p.munmap(1, AT, MB2 / 2)).hasMessageContaining("EINVAL");
    assertThatThrownBy(() -> p.mprotect(1, AT + 4096, 4096, Prot.READ))
        .hasMessageContaining("EINVAL");
    assertThat(pool(k)).containsExactly(2, 2, 1, 0);
  }

  @Test
  void exit_processWithFaultedPages_returnsThemToThePool() {
    Kernel k = boot("hugepages.count=4");
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, 3 * MB2, RW, null, 0, false, -1, true, true);
    assertThat(pool(k)).containsExactly(4, 1, 0, 0);
    p.exit(1);
    assertThat(pool(k)).containsExactly(4, 4, 0, 0);
    assertThat(a).isPositive();
    p.checkInvariants();
  }

  @Test
  void fork_sharedMapping_bothSeeEachOthersWrites_pageLivesUntilTheLastMapping() {
    Kernel k = boot("hugepages.count=4");
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, MB2, RW, null, 0, true, -1, false, true);
    p.write(1, 0, a + 100, bytes("abc"));
    p.fork(1, 2);
    assertThat(p.read(2, 0, a + 100, 3)).isEqualTo(bytes("abc"));
    p.write(2, 0, a + 100, bytes("xyz"));
    assertThat(p.read(1, 0, a + 100, 3)).isEqualTo(bytes("xyz"));
    assertThat(pool(k)).containsExactly(4, 3, 0, 0);
    p.checkInvariants();
    p.exit(1);
    assertThat(pool(k)).containsExactly(4, 3, 0, 0);
    p.exit(2);
    assertThat(pool(k)).containsExactly(4, 4, 0, 0);
    p.checkInvariants();
  }

  @Test
  void fork_privateMapping_copyOnWriteTakesAnotherPoolPage() {
    Kernel k = boot("hugepages.count=4");
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, MB2, RW, null, 0, false, -1, false, true);
    p.write(1, 0, a + 9, bytes("parent"));
    p.fork(1, 2);
    assertThat(pmd(k, 1, a) & Pte.RW).isZero();
    assertThat(pool(k)).containsExactly(4, 3, 0, 0);
    assertThat(p.write(2, 0, a + 9, bytes("child!"))).isTrue();
    assertThat(pool(k)).containsExactly(4, 2, 0, 0);
    assertThat(p.read(1, 0, a + 9, 6)).isEqualTo(bytes("parent"));
    assertThat(p.read(2, 0, a + 9, 6)).isEqualTo(bytes("child!"));
    // the parent's page is its own again: the write reuses it
    assertThat(p.write(1, 0, a, bytes("P"))).isTrue();
    assertThat(pool(k)).containsExactly(4, 2, 0, 0);
    p.checkInvariants();
  }

  @Test
  void copyOnWrite_noFreePage_isSigbus() {
    Kernel k = boot("hugepages.count=1");
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, MB2, RW, null, 0, false, -1, false, true);
    p.write(1, 0, a, bytes("p"));
    p.fork(1, 2);
    assertThat(p.write(2, 0, a, bytes("c"))).isFalse();
    assertThat(p.isAlive(2)).isFalse();
    assertThat(p.read(1, 0, a, 1)).isEqualTo(bytes("p"));
    assertThat(pool(k)).containsExactly(1, 0, 0, 0);
    p.checkInvariants();
  }

  @Test
  void pool_twoNodes_splitRoundRobin_nodeMeminfoShowsEachShare() {
    Kernel k = boot("numa.nodes=2", "hugepages.count=3");
    assertThat(k.proc("node/node0/meminfo"))
        .contains("Node 0 HugePages_Total:     2\n")
        .contains("Node 0 HugePages_Free:      2\n")
        .contains("Node 0 HugePages_Surp:      0\n");
    assertThat(k.proc("node/node1/meminfo"))
        .contains("Node 1 HugePages_Total:     1\n")
        .contains("Node 1 HugePages_Free:      1\n");
    // a fault on CPU 0 takes node 0's page first
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, MB2, RW, null, 0, false, -1, false, true);
    p.write(1, 0, a, bytes("n"));
    assertThat(k.proc("node/node0/meminfo")).contains("Node 0 HugePages_Free:      1\n");
    assertThat(k.layout().numa().nodeOf(Pte.pfn(pmd(k, 1, a)))).isZero();
  }

  @Test
  void hugetlbArea_oneTlbEntryPer2MiB() {
    Kernel k = boot("hugepages.count=4");
    Processes p = k.processes();
    p.spawn(1);
    long a = p.mmap(1, 4 * MB2, RW, null, 0, false, -1, true, true);
    io.mmsim.api.paging.Mmu mmu = k.pageTable().mmu(0);
    mmu.flushTlbAll();
    long misses = mmu.tlbMisses();
    for (long off = 0; off < 4 * MB2; off += Page.PAGE_SIZE) {
      p.read(1, 0, a + off, 1);
    }
    assertThat(mmu.tlbMisses() - misses).isEqualTo(4);
  }
}
