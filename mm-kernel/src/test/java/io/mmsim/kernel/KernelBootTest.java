package io.mmsim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Page;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.PageAllocatorProvider;
import io.mmsim.api.spi.Provider;

final class KernelBootTest {

  private static Kernel.Builder pagesOnly() {
    return Kernel.builder()
        .set("object-allocator", "none")
        .set("page-table", "none")
        .set("virtual-allocator", "none");
  }

  // ------------------------------------------------------------------ discovery and plug-ins

  @Test
  void boot_customProviderGivenExplicitly_bootsWithIt() {
    Kernel k =
        pagesOnly()
            .providers(List.of(new TrivialPageAllocatorProvider()))
            .set("page-allocator", "trivial")
            .set("memory.size", "64M")
            .boot();

    assertThat(k.parts()).containsEntry("page-allocator", "trivial");
    long pfn = k.pageAllocator().allocPages(0, Gfp.KERNEL, 2);
    assertThat(pfn).isNotEqualTo(PageAllocator.NO_PAGE);
    assertThat(pfn % 4).isZero();
  }

  @Test
  void boot_discoveredBuddy_isTheDefaultPageAllocator() {
    Kernel k = pagesOnly().set("memory.size", "64M").boot();

    assertThat(k.parts()).containsEntry("page-allocator", "buddy");
    assertThat(k.pageAllocator().name()).isEqualTo("buddy");
  }

  @Test
  void boot_unknownProvider_listsTheProvidersFound() {
    assertThatThrownBy(() -> pagesOnly().set("page-allocator", "nosuch").boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("page-allocator")
        .hasMessageContaining("'nosuch'")
        .hasMessageContaining("buddy");
  }

  @Test
  void boot_noProviderOfAnSpi_saysWhichArtifactToAdd() {
    assertThatThrownBy(() -> pagesOnly().providers(List.of()).boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("no PageAllocatorProvider was found")
        .hasMessageContaining("mm-buddy");
  }

  @Test
  void boot_twoProvidersWithOneName_failsNamingBoth() {
    Provider a = new TrivialPageAllocatorProvider();
    Provider b = new TrivialPageAllocatorProvider();
    assertThatThrownBy(() -> pagesOnly().providers(List.of(a, b)).boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("two PageAllocatorProvider providers are named 'trivial'")
        .hasMessageContaining(TrivialPageAllocatorProvider.class.getName());
  }

  @Test
  void boot_providerNameIsCaseInsensitive() {
    Kernel k = pagesOnly().set("page-allocator", "BUDDY").set("memory.size", "64M").boot();
    assertThat(k.pageAllocator().name()).isEqualTo("buddy");
  }

  // ------------------------------------------------------------------ configuration errors

  @Test
  void boot_unknownKey_namesIt() {
    assertThatThrownBy(() -> pagesOnly().set("no.such.key", "1").boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("no.such.key")
        .extracting(e -> ((ConfigurationException) e).key())
        .isEqualTo("no.such.key");
  }

  @Test
  void boot_unknownKeyOfAKnownProvider_listsThatProvidersKeys() {
    assertThatThrownBy(() -> pagesOnly().set("buddy.nosuch", "1").boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("buddy.nosuch")
        .hasMessageContaining("provider 'buddy' reads only");
  }

  @Test
  void boot_badSize_namesTheKey() {
    assertThatThrownBy(() -> pagesOnly().set("memory.size", "lots").boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("memory.size")
        .hasMessageContaining("lots");
  }

  @Test
  void boot_machineTooSmallForTheKernelImage_saysHowMuchIsNeeded() {
    assertThatThrownBy(() -> pagesOnly().set("memory.size", "20M").boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("memory.size: 20M is too small");
  }

  @Test
  void boot_cpusOutOfRange_namesTheKey() {
    assertThatThrownBy(() -> pagesOnly().set("cpus", "0").boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cpus: 0 is out of range");
  }

  @Test
  void boot_malformedAssignment_isRejected() {
    assertThatThrownBy(() -> pagesOnly().set("memory.size"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("is not KEY=VALUE");
  }

  // ------------------------------------------------------------------ boot layout

  @Test
  void boot_reservesFirstPageImageAndMemMap_andHandsTheRestOver() {
    Kernel k = pagesOnly().set("memory.size", "64M").boot();

    List<Reservation> r = k.reservations();
    assertThat(r).extracting(Reservation::startPfn).startsWith(0L, 4096L);
    assertThat(r.get(1).pages()).isEqualTo((16L << 20) >> Page.PAGE_SHIFT);
    Reservation memmap = r.get(2);
    long frames = 16384;
    long metaBytes = frames * k.pageAllocator().metadataBytesPerFrame() + frames / 8;
    assertThat(memmap.pages()).isEqualTo(Page.pagesFor(metaBytes));
    assertThat(memmap.endPfn()).as("memblock allocates top-down").isEqualTo(frames);
    long reserved = r.stream().mapToLong(Reservation::pages).sum();
    assertThat(k.pageAllocator().managedPages()).isEqualTo(frames - reserved);
  }

  @Test
  void boot_sameConfiguration_sameProcViews() {
    Kernel a = pagesOnly().set("memory.size", "256M").boot();
    Kernel b = pagesOnly().set("memory.size", "256M").boot();
    for (String view : a.procNames()) {
      assertThat(a.proc(view)).as(view).isEqualTo(b.proc(view));
    }
  }

  @Test
  void procNames_withoutOptionalParts_areTheFoundationViews() {
    Kernel k = pagesOnly().set("memory.size", "64M").boot();
    assertThat(k.procNames())
        .containsExactly(
            "buddyinfo",
            "zoneinfo",
            "meminfo",
            "vmstat",
            "pagetypeinfo",
            "extfrag/unusable_index",
            "extfrag/extfrag_index");
    assertThatThrownBy(() -> k.proc("slabinfo")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void boot_swapAreasWithoutASwapHandler_isRefused() {
    assertThatThrownBy(
            () ->
                Kernel.builder()
                    .set("memory.size", "64M")
                    .set("swap.memory", "16M")
                    .set("fault-handler", "demand")
                    .boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("has no 'swap' handler");
  }

  @Test
  void boot_swapAreasWithTheDefaultChain_putsSwapInFront() {
    Kernel k = Kernel.builder().set("memory.size", "64M").set("swap.memory", "16M").boot();
    assertThat(k.parts()).containsEntry("fault-handler", "swap,demand");
  }

  @Test
  void boot_rssLimitOpt_worksPerProcessOnly_andNeedsTheFuture() {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "64M")
            .set("swap.memory", "16M")
            .set("reclaim.policy", "opt")
            .set("rss.limit", "8")
            .boot();
    assertThat(k.processes().globalPolicy()).isNull();
    assertThatThrownBy(() -> k.processes().spawn(1))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("opt");
  }

  @Test
  void providers_listedForEverySpi() {
    assertThat(Kernel.discoverProviders()).containsKey(PageAllocatorProvider.class.getSimpleName());
  }
}
