package io.mmsim.kernel.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.PageAllocatorProvider;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.Settings;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.TrivialPageAllocatorProvider;
import io.mmsim.kernel.registry.ProviderRegistry;
import io.mmsim.kernel.registry.ProviderRegistry.Spi;
import io.mmsim.testkit.page.BootHandOff;

/**
 * /proc/pagetypeinfo and the debugfs extfrag files byte for byte for states worked out by hand, and
 * the index formulas of mm/vmstat.c on small cases.
 */
final class FragmentationViewsTest {

  /** 64 MiB, one CPU. */
  private static final MemoryLayout MB64 = new MemoryLayout(16384, 1);

  /** Eleven zero counts, each "%6lu ". */
  private static final String ZEROS = "     0 ".repeat(11);

  /**
   * The buddy allocator on 64 MiB with PFN 0 kept back, after one GFP_KERNEL order-3 allocation. At
   * boot every pageblock is MOVABLE: DMA holds one free block of each order 0..9 (from PFN 1 up)
   * and three of order 10, DMA32 twelve of order 10. The unmovable request finds no UNMOVABLE
   * block, so it claims DMA32's first order-10 block (4096) whole: its two pageblocks become
   * UNMOVABLE and the split leaves one UNMOVABLE block of each order 3..9.
   */
  private static PageAllocator buddyAfterOneUnmovableAllocation() {
    PageAllocatorProvider p =
        ProviderRegistry.discover()
            .select(Spi.PAGE_ALLOCATOR, PageAllocatorProvider.class, "buddy");
    PageAllocator pages =
        p.create(
            new ProviderContext() {
              @Override
              public MemoryLayout layout() {
                return MB64;
              }

              @Override
              public Settings settings() {
                return new Settings("buddy", p.defaultSettings());
              }

              @Override
              public String loggerName() {
                return "io.mmsim.buddy";
              }

              @Override
              public long seed() {
                return 0;
              }
            });
    BootHandOff.boot(pages, MB64, 0, 1);
    assertThat(pages.allocPages(0, Gfp.KERNEL, 3)).isEqualTo(4096);
    return pages;
  }

  // ================================================================ pagetypeinfo

  @Test
  void pagetypeinfo_handComputedState_isTheKernelsLayoutByteForByte() {
    String expected =
        String.join(
            "\n",
            "Page block order: 9",
            "Pages per block:  512",
            "",
            "Free pages count per migrate type at order       0      1      2      3      4      5"
                + "      6      7      8      9     10 ",
            "Node    0, zone      DMA, type    Unmovable " + ZEROS,
            "Node    0, zone      DMA, type      Movable      1      1      1      1      1      1"
                + "      1      1      1      1      3 ",
            "Node    0, zone      DMA, type  Reclaimable " + ZEROS,
            "Node    0, zone      DMA, type   HighAtomic " + ZEROS,
            "Node    0, zone      DMA, type      Isolate " + ZEROS,
            "Node    0, zone    DMA32, type    Unmovable      0      0      0      1      1      1"
                + "      1      1      1      1      0 ",
            "Node    0, zone    DMA32, type      Movable      0      0      0      0      0      0"
                + "      0      0      0      0     11 ",
            "Node    0, zone    DMA32, type  Reclaimable " + ZEROS,
            "Node    0, zone    DMA32, type   HighAtomic " + ZEROS,
            "Node    0, zone    DMA32, type      Isolate " + ZEROS,
            "",
            "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate ",
            "Node 0, zone      DMA            0            8            0            0            0 ",
            "Node 0, zone    DMA32            2           22            0            0            0 ",
            "");
    PageAllocator pages = buddyAfterOneUnmovableAllocation();

    assertThat(PageTypeInfoView.render(MB64, pages)).isEqualTo(expected);
    assertThat(PageTypeInfoView.available(MB64, pages)).isTrue();
  }

  @Test
  void pagetypeinfo_allocatorWithoutMigrateTypes_isNotAView() {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "64M")
            .set("page-allocator", "trivial")
            .set("object-allocator", "none")
            .set("page-table", "none")
            .set("virtual-allocator", "none")
            .providers(List.of(new TrivialPageAllocatorProvider()))
            .boot();

    assertThat(k.procNames())
        .doesNotContain("pagetypeinfo")
        .contains("extfrag/unusable_index", "extfrag/extfrag_index");
  }

  // ================================================================ the extfrag files

  @Test
  void extfragFiles_handComputedState_areTheKernelsLayoutByteForByte() {
    PageAllocator pages = buddyAfterOneUnmovableAllocation();

    // DMA: 4095 free pages; for order k the pages in blocks below 2^k are 2^k - 1
    // DMA32: 12280 free pages, 8 + 16 + ... + 2^(k-1) of them in blocks below order k >= 4
    assertThat(Extfrag.unusableIndexFile(MB64, pages))
        .isEqualTo(
            "Node 0, zone      DMA 0.000 0.000 0.000 0.001 0.003 0.007 0.015 0.031 0.062 0.124"
                + " 0.249 \n"
                + "Node 0, zone    DMA32 0.000 0.000 0.000 0.000 0.000 0.001 0.004 0.009 0.020 0.041"
                + " 0.082 \n");
    // a block of every order is free in both zones: no request would fail
    String minusOnes = " -1.000".repeat(11).substring(1) + " \n";
    assertThat(Extfrag.extfragIndexFile(MB64, pages))
        .isEqualTo("Node 0, zone      DMA " + minusOnes + "Node 0, zone    DMA32 " + minusOnes);
  }

  @Test
  void fragmentationIndex_noSuitableBlock_isGormansFormula() {
    // four order-0 and two order-1 blocks: 8 pages in 6 blocks
    long[] blocks = {4, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    assertThat(Extfrag.fragmentationIndex(blocks, 0)).isEqualTo(-1000);
    assertThat(Extfrag.fragmentationIndex(blocks, 1)).isEqualTo(-1000);
    // 1000 - (1000 + 8 * 1000 / 4) / 6 = 1000 - 500
    assertThat(Extfrag.fragmentationIndex(blocks, 2)).isEqualTo(500);
    // 1000 - (1000 + 1000) / 6 = 1000 - 333
    assertThat(Extfrag.fragmentationIndex(blocks, 3)).isEqualTo(667);
    // 1000 - (1000 + 8000 / 1024) / 6 = 1000 - 1007 / 6 = 1000 - 167
    assertThat(Extfrag.fragmentationIndex(blocks, 10)).isEqualTo(833);
    assertThat(Extfrag.extfrag(667)).isEqualTo(" 0.667 ");
    assertThat(Extfrag.extfrag(-1000)).isEqualTo("-1.000 ");
  }

  @Test
  void fragmentationIndex_oneBlockSmallerThanHalfTheRequest_goesNegativeAsTheKernelPrintsIt() {
    long[] blocks = {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};

    // 1000 - (1000 + 4 * 1000 / 8) / 1 = -500; C prints -500 / 1000 and -500 % 1000
    assertThat(Extfrag.fragmentationIndex(blocks, 3)).isEqualTo(-500);
    assertThat(Extfrag.extfrag(-500)).isEqualTo(" 0.-500 ");
    assertThat(Extfrag.fragmentationIndex(blocks, 4)).isEqualTo(-250);
  }

  @Test
  void indices_nothingFree_areTheKernelsDefaults() {
    long[] none = new long[11];

    assertThat(Extfrag.unusableFreeIndex(none, 0)).isEqualTo(1000);
    assertThat(Extfrag.unusable(1000)).isEqualTo("1.000 ");
    assertThat(Extfrag.fragmentationIndex(none, 5)).isZero();
    assertThat(Extfrag.extfrag(0)).isEqualTo(" 0.000 ");
  }

  @Test
  void unusableFreeIndex_smallBlocks_isTheShareTooSmallForTheOrder() {
    long[] blocks = {4, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    assertThat(Extfrag.unusableFreeIndex(blocks, 0)).isZero();
    // order 1: 2 blocks of 2 pages usable, 4 of 8 pages not
    assertThat(Extfrag.unusableFreeIndex(blocks, 1)).isEqualTo(500);
    assertThat(Extfrag.unusableFreeIndex(blocks, 2)).isEqualTo(1000);
    assertThat(Extfrag.unusable(500)).isEqualTo("0.500 ");
  }
}
