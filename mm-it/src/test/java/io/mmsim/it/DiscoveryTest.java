package io.mmsim.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.SpiVersion;
import io.mmsim.kernel.Kernel;

/**
 * What the kernel's discovery finds, and where each provider comes from.
 *
 * <p>This class runs twice: in Surefire's default execution on the module path, where every
 * provider must come from its own named module, and in the {@code class-path} execution ({@code
 * useModulePath=false}), where the same providers must be found through their {@code
 * META-INF/services} files in unnamed modules. The execution says which through the system property
 * {@value #PATH_PROPERTY}, so a run that silently fell back to the other path fails.
 */
final class DiscoveryTest {
  static final String PATH_PROPERTY = "mmsim.it.path";

  /** SPI simple name -> provider name -> the module that provides it. */
  private static final Map<String, Map<String, String>> EXPECTED = new LinkedHashMap<>();

  static {
    EXPECTED.put("PageAllocatorProvider", Map.of("buddy", "io.mmsim.buddy"));
    EXPECTED.put(
        "ObjectAllocatorProvider",
        Map.of("slab", "io.mmsim.slab", "slob", "io.mmsim.slob", "slub", "io.mmsim.slub"));
    EXPECTED.put("VirtualAllocatorProvider", Map.of("vmalloc", "io.mmsim.vmalloc"));
    EXPECTED.put("PageTableProvider", Map.of("x86_64", "io.mmsim.paging"));
    EXPECTED.put(
        "FaultHandlerProvider", Map.of("demand", "io.mmsim.paging", "swap", "io.mmsim.swap"));
    EXPECTED.put(
        "ReplacementPolicyProvider",
        Map.ofEntries(
            Map.entry("clock", "io.mmsim.swap"),
            Map.entry("fifo", "io.mmsim.swap"),
            Map.entry("linux", "io.mmsim.swap"),
            Map.entry("lru", "io.mmsim.swap"),
            Map.entry("mglru", "io.mmsim.swap"),
            Map.entry("opt", "io.mmsim.swap"),
            Map.entry("arc", "io.mmsim.policies"),
            Map.entry("2q", "io.mmsim.policies"),
            Map.entry("lirs", "io.mmsim.policies"),
            Map.entry("clock-pro", "io.mmsim.policies"),
            Map.entry("s3fifo", "io.mmsim.policies"),
            Map.entry("sieve", "io.mmsim.policies"),
            Map.entry("lfu", "io.mmsim.policies"),
            Map.entry("mru", "io.mmsim.policies"),
            Map.entry("random", "io.mmsim.policies")));
  }

  private static boolean onModulePath() {
    String path = System.getProperty(PATH_PROPERTY, "module");
    assertThat(path).as(PATH_PROPERTY).isIn("module", "class");
    return path.equals("module");
  }

  private static List<String> names(List<Provider> providers) {
    return providers.stream().map(Provider::name).toList();
  }

  private static void assertFoundWhereExpected(
      String spi, List<Provider> found, Map<String, String> expected) {
    assertThat(names(found))
        .as(spi)
        .containsExactlyElementsOf(expected.keySet().stream().sorted().toList());
    for (Provider p : found) {
      Module m = p.getClass().getModule();
      if (onModulePath()) {
        assertThat(m.isNamed()).as("%s '%s' comes from a named module", spi, p.name()).isTrue();
        assertThat(m.getName())
            .as("module of %s '%s'", spi, p.name())
            .isEqualTo(expected.get(p.name()));
      } else {
        assertThat(m.isNamed()).as("%s '%s' comes from the class path", spi, p.name()).isFalse();
        // the packages of an implementation module are named after it
        String pkg = p.getClass().getPackageName();
        String owner = expected.get(p.name());
        assertThat(pkg.equals(owner) || pkg.startsWith(owner + "."))
            .as("%s '%s' is %s, from %s", spi, p.name(), p.getClass().getName(), owner)
            .isTrue();
      }
      assertThat(p.spiVersion()).as("SPI version of '%s'", p.name()).isEqualTo(SpiVersion.CURRENT);
      assertThat(p.description()).as("description of '%s'", p.name()).isNotBlank();
    }
  }

  @Test
  void tests_runWhereTheExecutionSays() {
    assertThat(getClass().getModule().isNamed())
        .as("tests in a named module")
        .isEqualTo(onModulePath());
  }

  @Test
  void discoverProviders_findsEveryImplementation_eachFromItsModule() {
    Map<String, List<Provider>> found = Kernel.discoverProviders();

    assertThat(found).containsKeys(EXPECTED.keySet().toArray(String[]::new));
    for (Map.Entry<String, Map<String, String>> e : EXPECTED.entrySet()) {
      assertFoundWhereExpected(e.getKey(), found.get(e.getKey()), e.getValue());
    }
  }

  @Test
  void discoverProviders_findsTheSwapSubsystem_fromIoMmsimSwap() {
    Map<String, List<Provider>> found = Kernel.discoverProviders();
    assertThat(found).containsKey("SwapProvider");

    assertFoundWhereExpected(
        "SwapProvider", found.get("SwapProvider"), Map.of("swap", "io.mmsim.swap"));
  }

  @Test
  void discoverProviders_listsNoOtherSpi() {
    assertThat(Kernel.discoverProviders().keySet())
        .isSubsetOf(
            List.of(
                "PageAllocatorProvider",
                "ObjectAllocatorProvider",
                "VirtualAllocatorProvider",
                "PageTableProvider",
                "FaultHandlerProvider",
                "ReplacementPolicyProvider",
                "SwapProvider"));
  }

  @Test
  void discoveryFailures_isEmpty() {
    assertThat(Kernel.discoveryFailures()).isEmpty();
  }
}
