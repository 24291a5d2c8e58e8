package io.mmsim.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.Provider;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.mm.Processes;

/**
 * Every discovered implementation can be chosen by name through the facade and then does real work;
 * a wrong name fails with a message that lists what was found; two providers with one name fail
 * naming both.
 */
final class SelectionTest {

  private static Kernel.Builder small() {
    return Kernel.builder().set("memory.size", "64M");
  }

  private static List<Provider> discovered() {
    List<Provider> all = new ArrayList<>();
    for (List<Provider> list : Kernel.discoverProviders().values()) {
      all.addAll(list);
    }
    return all;
  }

  /** How the kernel's listings say where a provider comes from. */
  private static String where(Provider p) {
    Module m = p.getClass().getModule();
    return m.isNamed() ? m.getName() : "class path";
  }

  // ------------------------------------------------------------------ by name

  @Test
  void boot_defaults_assembleTheDiscoveredParts() {
    Kernel k = small().boot();

    assertThat(k.parts())
        .containsEntry("page-allocator", "buddy")
        .containsEntry("object-allocator", "slub")
        .containsEntry("virtual-allocator", "vmalloc")
        .containsEntry("page-table", "x86_64")
        .containsEntry("fault-handler", "demand");
    assertThat(k.pageAllocator().name()).isEqualTo("buddy");
    assertThat(k.virtualAllocator().name()).isEqualTo("vmalloc");
  }

  @ParameterizedTest
  @ValueSource(strings = {"slab", "slub", "slob"})
  void boot_eachObjectAllocator_isSelectedAndAllocates(String name) {
    Kernel k = small().set("object-allocator", name).boot();

    assertThat(k.parts()).containsEntry("object-allocator", name);
    assertThat(k.objectAllocator().name()).isEqualTo(name);
    long obj = k.objectAllocator().kmalloc(0, 100, Gfp.KERNEL);
    assertThat(obj).as("kmalloc(100) with %s", name).isNotZero();
    assertThat(k.objectAllocator().ksize(obj)).isGreaterThanOrEqualTo(100);
    k.objectAllocator().kfree(0, obj);
  }

  @ParameterizedTest
  @CsvSource({"4, 48", "5, 57"})
  void boot_x86_64_eachPagingLevel_isSelected(int levels, int addressBits) {
    Kernel k =
        small().set("page-table", "x86_64").set("x86_64.levels", Integer.toString(levels)).boot();

    assertThat(k.parts()).containsEntry("page-table", "x86_64");
    assertThat(k.pageTable().levels()).isEqualTo(levels);
    assertThat(k.pageTable().virtualAddressBits()).isEqualTo(addressBits);
  }

  @Test
  void boot_vmalloc_isSelectedAndMapsPages() {
    Kernel k = small().set("virtual-allocator", "vmalloc").boot();

    assertThat(k.parts()).containsEntry("virtual-allocator", "vmalloc");
    long addr = k.virtualAllocator().vmalloc(0, 3 * 4096, Gfp.KERNEL);
    assertThat(addr).isNotZero();
    assertThat(k.pageTable().virtToPhys(k.pageTable().kernelRoot(), addr)).isNotNegative();
    k.virtualAllocator().vfree(0, addr);
  }

  @Test
  void boot_demandFaultHandler_isSelectedAndResolvesAFirstTouch() {
    Kernel k = small().set("fault-handler", "demand").boot();
    Processes ps = k.processes();
    ps.spawn(1);
    long addr = ps.mmap(1, 4096, Prot.READ | Prot.WRITE, null, 0, false, -1, false);

    assertThat(k.parts()).containsEntry("fault-handler", "demand");
    assertThat(ps.write(1, 0, addr, new byte[] {42})).isTrue();
    assertThat(ps.read(1, 0, addr, 1)).containsExactly(42);
  }

  @Test
  void boot_providerName_isCaseInsensitive() {
    Kernel k = small().set("object-allocator", "SLAB").set("page-table", "X86_64").boot();

    assertThat(k.parts())
        .containsEntry("object-allocator", "slab")
        .containsEntry("page-table", "x86_64");
  }

  @ParameterizedTest
  @ValueSource(strings = {"linux", "fifo", "lru", "clock", "opt"})
  void boot_eachReplacementPolicy_isSelected(String name) {
    Kernel k = small().set("reclaim.policy", name).boot();

    assertThat(k.parts()).containsEntry("reclaim.policy", name);
  }

  @Test
  void boot_swapFaultHandlerBeforeDemand_isSelected() {
    Kernel k = small().set("fault-handler", "swap,demand").boot();

    assertThat(k.parts()).containsEntry("fault-handler", "swap,demand");
  }

  // ------------------------------------------------------------------ unknown names

  @ParameterizedTest
  @CsvSource({
    "page-allocator,    PageAllocatorProvider,    buddy",
    "object-allocator,  ObjectAllocatorProvider,  slab slob slub",
    "virtual-allocator, VirtualAllocatorProvider, vmalloc",
    "page-table,        PageTableProvider,        x86_64",
    "fault-handler,     FaultHandlerProvider,     demand swap",
  })
  void boot_unknownName_failsListingEveryProviderFound(String key, String spi, String names) {
    assertThatThrownBy(() -> small().set(key, "nosuch").boot())
        .isInstanceOfSatisfying(
            ConfigurationException.class,
            e -> {
              assertThat(e.key()).isEqualTo(key);
              assertThat(e.getMessage())
                  .contains(
                      key,
                      spi,
                      "'nosuch'",
                      "add the jar that provides 'nosuch' to the plug-in path, module path or"
                          + " class path",
                      "plug-in path searched: none");
              for (Provider p : Kernel.discoverProviders().get(spi)) {
                assertThat(e.getMessage())
                    .as("lists %s", p.name())
                    .contains(p.name(), p.description(), where(p));
              }
              assertThat(Kernel.discoverProviders().get(spi))
                  .extracting(Provider::name)
                  .containsExactlyInAnyOrder(names.split(" "));
            });
  }

  // ------------------------------------------------------------------ user providers

  @Test
  void boot_ownFaultHandlerNextToTheDiscoveredOnes_runsFirstInTheChain() {
    DecliningFaultHandlerProvider declining = new DecliningFaultHandlerProvider();
    List<Provider> providers = discovered();
    providers.add(declining);
    Kernel k = small().providers(providers).set("fault-handler", "decline,demand").boot();
    Processes ps = k.processes();
    ps.spawn(1);
    long addr = ps.mmap(1, 2 * 4096, Prot.READ | Prot.WRITE, null, 0, false, -1, false);

    assertThat(ps.write(1, 0, addr, new byte[] {1})).isTrue();
    assertThat(ps.write(1, 0, addr + 4096, new byte[] {2})).isTrue();

    assertThat(k.parts()).containsEntry("fault-handler", "decline,demand");
    assertThat(declining.created()).hasSize(1);
    assertThat(declining.created().get(0).declined()).as("faults seen before demand").isEqualTo(2);
    assertThat(ps.read(1, 0, addr + 4096, 1)).containsExactly(2);
  }

  @Test
  void boot_twoProvidersWithOneName_failsNamingBoth() {
    Provider a = new DecliningFaultHandlerProvider();
    Provider b = new DecliningFaultHandlerProvider();

    assertThatThrownBy(() -> small().providers(List.of(a, b)).boot())
        .isInstanceOfSatisfying(
            ConfigurationException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("two FaultHandlerProvider providers are named 'decline'")
                  .containsSubsequence(
                      DecliningFaultHandlerProvider.class.getName(),
                      " and ",
                      DecliningFaultHandlerProvider.class.getName());
            });
  }

  @Test
  void boot_ownProviderTakingADiscoveredName_failsNamingBothClasses() {
    List<Provider> providers = discovered();
    providers.add(new DecliningFaultHandlerProvider("demand"));
    Map<String, List<Provider>> found = Kernel.discoverProviders();
    Provider demand =
        found.get("FaultHandlerProvider").stream()
            .filter(p -> p.name().equals("demand"))
            .findFirst()
            .orElseThrow();

    assertThatThrownBy(() -> small().providers(providers).boot())
        .isInstanceOfSatisfying(
            ConfigurationException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("two FaultHandlerProvider providers are named 'demand'")
                  .contains(
                      demand.getClass().getName(), DecliningFaultHandlerProvider.class.getName());
            });
  }

  @Test
  void boot_noPageAllocatorAmongTheGivenProviders_saysWhichArtifactToAdd() {
    List<Provider> withoutBuddy = discovered();
    withoutBuddy.removeIf(p -> p instanceof io.mmsim.api.spi.PageAllocatorProvider);

    assertThatThrownBy(() -> small().providers(withoutBuddy).boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("no PageAllocatorProvider was found")
        .hasMessageContaining("mm-buddy");
  }

  @Test
  void pageAllocator_bootedThroughTheFacade_handsOutAlignedBlocks() {
    PageAllocator pages = small().boot().pageAllocator();
    pages.drainAllPages();
    long free = pages.nrFreePages();
    long pfn = pages.allocPages(0, Gfp.KERNEL, 3);

    assertThat(pfn).isNotEqualTo(PageAllocator.NO_PAGE);
    assertThat(pfn % 8).isZero();
    pages.freePages(0, pfn, 3);
    pages.drainAllPages();
    assertThat(pages.nrFreePages()).isEqualTo(free);
  }
}
