package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.swap.SwapAreaInfo;
import io.mmsim.api.swap.SwapException;
import io.mmsim.api.swap.SwapSystem;

/** Activation, priorities, /proc/swaps, meminfo numbers, configuration and file I/O. */
final class SwapAreasTest {
  private static final UUID ID = new UUID(3, 4);

  @TempDir Path dir;

  private static MiniKernel kernel(Map<String, String> swap) {
    return new MiniKernel(64, Policies.create("lru"), swap);
  }

  private Path swapFile(String name, long pages) throws IOException {
    Path f = dir.resolve(name);
    SwapHeader.mkswap(f, pages * Page.PAGE_SIZE, name, ID);
    return f;
  }

  // ---------------------------------------------------------------- /proc/swaps and meminfo

  @Test
  void procSwaps_fileAndMemoryAreas_kernelFormat() throws IOException {
    Path f = swapFile("swapfile", 256);
    MiniKernel k = kernel(Map.of("files", f.toString(), "memory", "8M"));
    String real = f.toRealPath().toString();
    String pad = " ".repeat(Math.max(1, 40 - real.length()));
    assertThat(k.swap.procSwaps())
        .isEqualTo(
            "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
                + real
                + pad
                + "file\t\t1020\t\t0\t\t-2\n"
                + "/dev/ram0"
                + " ".repeat(31)
                + "partition\t8188\t\t0\t\t-3\n");
    assertThat(k.swap.totalSwapPages()).isEqualTo(255 + 2047);
    assertThat(k.swap.freeSwapPages()).isEqualTo(255 + 2047);
    assertThat(k.swap.swapCachePages()).isZero();
    List<SwapAreaInfo> areas = k.swap.areas();
    assertThat(areas).extracting(SwapAreaInfo::type).containsExactly(0, 1);
    assertThat(areas.get(0).file()).isTrue();
    assertThat(areas.get(0).space().label()).isEqualTo("swapfile");
    assertThat(areas.get(1).name()).isEqualTo("/dev/ram0");
    assertThat(areas.get(1).sizeKb()).isEqualTo(8188);
  }

  @Test
  void procSwaps_usedPagesAndBigSizes_dropTheExtraTab() {
    MiniKernel k = kernel(Map.of("memory", "10G:5"));
    k.spawn(1, null, 0);
    for (long v = 0; v < 3; v++) {
      k.writePattern(1, v, v + 1);
    }
    k.swap.shrink(k.global, k.globalRc, 3, io.mmsim.api.swap.ReclaimMode.DIRECT);
    assertThat(k.swap.procSwaps())
        .endsWith("/dev/ram0" + " ".repeat(31) + "partition\t10485756\t12\t\t5\n");
    assertThat(k.swap.freeSwapPages()).isEqualTo(k.swap.totalSwapPages() - 3);
  }

  @Test
  void mangle_spacesTabsNewlinesBackslashes_becomeOctalEscapes() {
    assertThat(SwapAreas.mangle("/a b\tc\nd\\e")).isEqualTo("/a\\040b\\011c\\012d\\134e");
  }

  @Test
  void procSwaps_pathOf40OrMore_oneSpace() throws IOException {
    Path sub = Files.createDirectories(dir.resolve("a-rather-long-directory-name-here"));
    Path f = sub.resolve("with space.swap");
    SwapHeader.mkswap(f, 40 * Page.PAGE_SIZE, "", ID);
    MiniKernel k = kernel(Map.of());
    k.swap.swapon(f, 7);
    String mangled = SwapAreas.mangle(f.toRealPath().toString());
    assertThat(mangled.length()).isGreaterThan(40);
    assertThat(k.swap.procSwaps()).contains(mangled + " file\t\t156\t\t0\t\t7\n").contains("\\040");
  }

  // ---------------------------------------------------------------- priorities

  @Test
  void swapon_withoutPriority_getsMinus2ThenMinus3_swapoffMovesLowerOnesUp() {
    MiniKernel k = kernel(Map.of());
    int a = k.swap.swaponMemory(1 << 20, SwapSystem.AUTO_PRIORITY);
    int b = k.swap.swaponMemory(1 << 20, SwapSystem.AUTO_PRIORITY);
    int c = k.swap.swaponMemory(1 << 20, SwapSystem.AUTO_PRIORITY);
    assertThat(k.swap.areas()).extracting(SwapAreaInfo::priority).containsExactly(-2, -3, -4);
    k.swap.swapoff(a);
    assertThat(k.swap.areas()).extracting(SwapAreaInfo::priority).containsExactly(-2, -3);
    assertThat(k.swap.areas()).extracting(SwapAreaInfo::type).containsExactly(b, c);
    int d = k.swap.swaponMemory(1 << 20, SwapSystem.AUTO_PRIORITY);
    assertThat(d).isEqualTo(a); // the freed type is reused
    assertThat(k.swap.areas().get(0).priority()).isEqualTo(-4);
    k.checkInvariants();
  }

  @Test
  void allocation_higherPriorityFirst_equalPrioritiesRoundRobin() {
    MiniKernel k = kernel(Map.of());
    int low = k.swap.swaponMemory(1 << 20, 1);
    int hiA = k.swap.swaponMemory(1 << 20, 10);
    int hiB = k.swap.swaponMemory(1 << 20, 10);
    List<Integer> types = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      types.add(Pte.swapType(k.swap.swapAreas().allocEntry()));
    }
    assertThat(types).containsExactly(hiA, hiB, hiA, hiB, hiA, hiB);
    assertThat(types).doesNotContain(low);
  }

  @Test
  void allocation_fullArea_fallsToTheNextPriority() {
    MiniKernel k = kernel(Map.of());
    int small = k.swap.swaponMemory(10 * Page.PAGE_SIZE, 100); // 9 usable slots
    int big = k.swap.swaponMemory(1 << 20, 1);
    List<Integer> types = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      types.add(Pte.swapType(k.swap.swapAreas().allocEntry()));
    }
    assertThat(types.subList(0, 9)).containsOnly(small);
    assertThat(types.subList(9, 12)).containsOnly(big);
  }

  @Test
  void allocation_everyAreaFull_returnsZero() {
    MiniKernel k = kernel(Map.of());
    k.swap.swaponMemory(10 * Page.PAGE_SIZE, 0);
    for (int i = 0; i < 9; i++) {
      assertThat(k.swap.swapAreas().allocEntry()).isNotZero();
    }
    assertThat(k.swap.swapAreas().allocEntry()).isZero();
    assertThat(k.swap.freeSwapPages()).isZero();
    assertThat(k.swap.swapFull()).isTrue();
  }

  // ---------------------------------------------------------------- refusals

  @Test
  void swapon_badHeader_kernelMessageAndNothingActivated() throws IOException {
    Path f = dir.resolve("bad");
    byte[] page = SwapHeader.create(16, "", ID).toBytes();
    ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).putInt(1024, 2);
    Files.write(f, page);
    Files.write(f, new byte[15 * 4096], java.nio.file.StandardOpenOption.APPEND);
    MiniKernel k = kernel(Map.of());
    assertThatThrownBy(() -> k.swap.swapon(f, 1))
        .isInstanceOf(SwapException.class)
        .hasMessage(f + ": Unable to handle swap header version 2");
    assertThat(k.swap.areas()).isEmpty();
    assertThat(k.swap.totalSwapPages()).isZero();
    assertThat(k.swap.procSwaps()).isEqualTo("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
    k.checkInvariants();
  }

  @Test
  void swapon_truncatedFile_shorterThanSignatureIndicates() throws IOException {
    Path f = swapFile("short", 64);
    try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(32 * 4096);
    }
    MiniKernel k = kernel(Map.of());
    assertThatThrownBy(() -> k.swap.swapon(f, 1))
        .isInstanceOf(SwapException.class)
        .hasMessageEndingWith("Swap area shorter than signature indicates");
    assertThat(k.swap.areas()).isEmpty();
  }

  @Test
  void swapon_sameFileTwiceOrMissing_refused() throws IOException {
    Path f = swapFile("twice", 64);
    MiniKernel k = kernel(Map.of());
    k.swap.swapon(f, 1);
    assertThatThrownBy(() -> k.swap.swapon(f, 2))
        .isInstanceOf(SwapException.class)
        .hasMessage(f + ": swapon failed: Device or resource busy");
    assertThatThrownBy(() -> k.swap.swapon(dir.resolve("none"), 2))
        .isInstanceOf(SwapException.class)
        .hasMessageEndingWith("No such file or directory");
    assertThat(k.swap.areas()).hasSize(1);
  }

  @Test
  void swapon_badPagesInTheHeader_areNeverAllocated() throws IOException {
    Path f = dir.resolve("badpages");
    SwapHeader h = SwapHeader.create(12, "", ID, new int[] {2, 5});
    Files.write(f, h.toBytes());
    Files.write(f, new byte[11 * 4096], java.nio.file.StandardOpenOption.APPEND);
    MiniKernel k = kernel(Map.of());
    int type = k.swap.swapon(f, 0);
    assertThat(k.swap.totalSwapPages()).isEqualTo(9);
    List<Long> offsets = new ArrayList<>();
    for (long e = k.swap.swapAreas().allocEntry(); e != 0; e = k.swap.swapAreas().allocEntry()) {
      assertThat(Pte.swapType(e)).isEqualTo(type);
      offsets.add(Pte.swapOffset(e));
    }
    assertThat(offsets).hasSize(9).doesNotContain(0L, 2L, 5L);
  }

  @Test
  void swapoff_areaWithSwappedPages_busyAndUnchanged() {
    MiniKernel k = kernel(Map.of("memory", "1M"));
    k.spawn(1, null, 0);
    k.writePattern(1, 0, 1);
    k.swap.shrink(k.global, k.globalRc, 1, io.mmsim.api.swap.ReclaimMode.DIRECT);
    assertThatThrownBy(() -> k.swap.swapoff(0))
        .isInstanceOf(SwapException.class)
        .hasMessageContaining("swapoff failed: Device or resource busy (1 pages");
    assertThat(k.swap.areas()).hasSize(1);
    k.hasPattern(1, 0, 1); // swapped back in: the slot is only held by the swap cache
    k.swap.swapoff(0);
    assertThat(k.swap.areas()).isEmpty();
    assertThat(k.swap.swapCachePages()).isZero();
    assertThat(k.hasPattern(1, 0, 1)).isTrue();
    k.checkInvariants();
  }

  @Test
  void entries_badOrUnusedEntries_refusedWithoutChange() {
    MiniKernel k = kernel(Map.of("memory", "1M"));
    long unused = Pte.makeSwap(0, 17);
    assertThat(k.swap.validEntry(unused)).isFalse();
    assertThatThrownBy(() -> k.swap.swapDuplicate(unused))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Bad swap file entry");
    assertThatThrownBy(() -> k.swap.swapFree(Pte.makeSwap(5, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("type 5 offset 1");
    long e = k.swap.swapAreas().allocEntry(); // cache-only slot: no PTE reference to drop
    assertThatThrownBy(() -> k.swap.swapFree(e))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unused swap offset entry");
    assertThat(k.swap.swapCount(e)).isZero();
    assertThat(k.swap.swapCount(Pte.makeSwap(0, 0))).isZero();
    assertThat(k.swap.validEntry(Pte.makeSwap(0, 0))).as("slot 0 is the header").isFalse();
  }

  // ---------------------------------------------------------------- configuration

  @Test
  void configuration_priorities_andBadValues() throws IOException {
    Path a = swapFile("a", 64);
    Path b = swapFile("b", 64);
    MiniKernel k = kernel(Map.of("files", a + ":5, " + b, "memory", "1M:7"));
    assertThat(k.swap.areas()).extracting(SwapAreaInfo::priority).containsExactly(5, -2, 7);
    assertThatThrownBy(() -> kernel(Map.of("files", a + ":40000")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("swap.files");
    assertThatThrownBy(() -> kernel(Map.of("memory", "lots")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("swap.memory");
    assertThatThrownBy(() -> kernel(Map.of("memory", "8K")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("at least 40 KiB");
    assertThatThrownBy(() -> kernel(Map.of("fail-read.probability", "101")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("swap.fail-read.probability");
    assertThatThrownBy(() -> kernel(Map.of("fail-write.times", "-2")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("swap.fail-write.times");
  }

  @Test
  void configuration_secondFileBad_firstIsNotLeftActive() throws IOException {
    Path good = swapFile("good", 64);
    Path bad = dir.resolve("bad");
    Files.write(bad, new byte[64 * 4096]);
    assertThatThrownBy(() -> kernel(Map.of("files", good + "," + bad)))
        .isInstanceOf(SwapException.class)
        .hasMessage(bad + ": Unable to find swap-space signature");
    MiniKernel again = kernel(Map.of("files", good.toString()));
    assertThat(again.swap.areas()).hasSize(1); // the failed boot released the file
  }

  // ---------------------------------------------------------------- file I/O

  @Test
  void fileArea_randomPageContents_roundTripThroughTheFile() throws IOException {
    Path f = swapFile("data", 300);
    MiniKernel k = new MiniKernel(48, Policies.create("fifo"), Map.of("files", f.toString()));
    k.spawn(1, null, 0);
    SplittableRandom r = new SplittableRandom(8);
    Map<Long, Long> model = new HashMap<>();
    for (int round = 0; round < 6; round++) {
      for (long v = 0; v < 200; v++) {
        if (r.nextInt(3) == 0 || !model.containsKey(v)) {
          long p = r.nextLong() | 1;
          assertThat(k.writePattern(1, v, p)).isTrue();
          model.put(v, p);
        }
      }
      for (long v = 0; v < 200; v++) {
        assertThat(k.hasPattern(1, v, model.get(v))).as("round %d page %d", round, v).isTrue();
      }
      k.checkInvariants();
    }
    assertThat(k.swap.statistics().get("pswpout")).isGreaterThan(400);
    assertThat(Files.size(f)).isEqualTo(300L * Page.PAGE_SIZE);
    assertThat(SwapHeader.read(f).label()).as("the header page is never written").isEqualTo("data");
    k.swap.close();
  }
}
