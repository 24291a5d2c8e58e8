package io.mmsim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The /proc views byte for byte in the kernel's layouts (the seq_file show functions of fs/proc and
 * mm).
 */
final class ProcFormatTest {
  private static Kernel kernel;

  @BeforeAll
  static void boot() {
    kernel =
        Kernel.builder()
            .set("memory.size", "8G")
            .set("object-allocator", "none")
            .set("page-table", "none")
            .set("virtual-allocator", "none")
            .boot();
  }

  @Test
  void buddyinfo_oneLinePerPopulatedZone_elevenCountsEachFollowedByASpace() {
    String[] lines = kernel.proc("buddyinfo").split("\n");

    assertThat(lines).hasSize(3);
    Pattern p = Pattern.compile("^Node 0, zone [ A-Za-z0-9]{8} ( {0,5}\\d{1,6} |\\d{7,} ){11}$");
    for (String l : lines) {
      assertThat(l).matches(p);
    }
    assertThat(lines[0]).startsWith("Node 0, zone      DMA ");
    assertThat(lines[1]).startsWith("Node 0, zone    DMA32 ");
    assertThat(lines[2]).startsWith("Node 0, zone   Normal ");
  }

  @Test
  void buddyinfo_countsAgreeWithFreePages() {
    long pages = 0;
    for (String l : kernel.proc("buddyinfo").split("\n")) {
      String[] f = l.substring(21).trim().split(" +");
      for (int o = 0; o < 11; o++) {
        pages += Long.parseLong(f[o]) << o;
      }
    }
    assertThat(pages).isEqualTo(kernel.pageAllocator().nrFreePages());
  }

  @Test
  void meminfo_labelsPaddedTo16_valuesIn8Columns() {
    for (String l : kernel.proc("meminfo").split("\n")) {
      if (l.startsWith("HugePages_")) {
        assertThat(l).hasSize(24).matches("^HugePages_[A-Za-z]+: +\\d+$");
        continue;
      }
      assertThat(l).matches("^[A-Za-z0-9_()]+: +\\d+ kB$");
      int colon = l.indexOf(':');
      if (colon < 15 && l.substring(16, l.length() - 3).trim().length() <= 8) {
        assertThat(l).hasSize(27);
      }
    }
    assertThat(kernel.proc("meminfo")).startsWith("MemTotal:       ");
  }

  @Test
  void meminfo_memFreeIsNrFreePagesInKb() {
    String line =
        kernel
            .proc("meminfo")
            .lines()
            .filter(l -> l.startsWith("MemFree:"))
            .findFirst()
            .orElseThrow();
    assertThat(line)
        .isEqualTo(
            String.format("MemFree:        %8d kB", kernel.pageAllocator().nrFreePages() * 4));
  }

  @Test
  void vmstat_nameSpaceValue_endsWithNrUnstable() {
    String v = kernel.proc("vmstat");
    for (String l : v.split("\n")) {
      assertThat(l).matches("^[a-z0-9_]+ -?\\d+$");
    }
    assertThat(v).startsWith("nr_free_pages ").endsWith("nr_unstable 0\n");
    assertThat(v).contains("\npgalloc_normal ").contains("\npgfree ");
  }

  @Test
  void zoneinfo_watermarksAndCountsInTheKernelsLayout() {
    String z = kernel.proc("zoneinfo");
    assertThat(z).contains("Node 0, zone      DMA\n  per-node stats\n");
    assertThat(z)
        .containsPattern(
            "\n  pages free     \\d+\n        boost    0\n        min      \\d+"
                + "\n        low      \\d+\n        high     \\d+\n        promo    \\d+\n        spanned  \\d+"
                + "\n        present  \\d+\n        managed  \\d+\n        cma      0\n");
    assertThat(z).contains("\n  pagesets\n    cpu: 0\n              count: ");
    assertThat(z).containsPattern("\n  start_pfn:           0\n");
    assertThat(z).contains("\n        spanned  4096\n");
  }
}
