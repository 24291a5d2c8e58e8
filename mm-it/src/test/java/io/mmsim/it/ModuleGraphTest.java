package io.mmsim.it;

import static java.util.stream.Collectors.toCollection;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Provides;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.module.ModuleReader;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.mmsim.api.spi.Provider;

/**
 * The module graph as the published descriptors declare it, read from the boot layer (the idea of
 * Caffeine's {@code ModuleTest}): module names, exact exports, one qualified export (mm-api's
 * internal package, to the built-in modules by name), nothing opened, every SPI used by the kernel
 * and provided by some implementation module, and no module that requires an implementation.
 */
final class ModuleGraphTest {
  static final String API = "io.mmsim.api";
  static final String KERNEL = "io.mmsim.kernel";
  static final String TESTS = "io.mmsim.it";
  static final List<String> IMPLEMENTATIONS =
      List.of(
          "io.mmsim.buddy",
          "io.mmsim.slab",
          "io.mmsim.slub",
          "io.mmsim.slob",
          "io.mmsim.vmalloc",
          "io.mmsim.paging",
          "io.mmsim.swap",
          "io.mmsim.policies");

  /** mm-api's API packages, exported to every module. */
  private static final List<String> API_PACKAGES =
      List.of(
          "io.mmsim.api",
          "io.mmsim.api.fault",
          "io.mmsim.api.mem",
          "io.mmsim.api.object",
          "io.mmsim.api.page",
          "io.mmsim.api.paging",
          "io.mmsim.api.reclaim",
          "io.mmsim.api.spi",
          "io.mmsim.api.swap",
          "io.mmsim.api.trace",
          "io.mmsim.api.vmalloc");

  /** mm-api's one internal package: code the built-in modules share, not API. */
  private static final String API_INTERNAL = "io.mmsim.api.util";

  /** The built-in modules that share the internal package, and only they. */
  private static final Set<String> API_INTERNAL_READERS =
      Set.of(
          "io.mmsim.buddy",
          "io.mmsim.slab",
          "io.mmsim.slub",
          "io.mmsim.slob",
          "io.mmsim.vmalloc",
          "io.mmsim.paging",
          "io.mmsim.swap",
          "io.mmsim.kernel");

  /** The facade's exported packages; registry, config, boot and proc stay internal. */
  private static final List<String> KERNEL_EXPORTS =
      List.of(
          "io.mmsim.kernel",
          "io.mmsim.kernel.mm",
          "io.mmsim.kernel.plugin",
          "io.mmsim.kernel.stat");

  static Module module(String name) {
    return ModuleLayer.boot()
        .findModule(name)
        .orElseThrow(() -> new AssertionError(name + " is not in the boot layer"));
  }

  private static ModuleDescriptor descriptor(String name) {
    return module(name).getDescriptor();
  }

  private static Set<String> exported(ModuleDescriptor d) {
    return d.exports().stream().map(Exports::source).collect(toCollection(TreeSet::new));
  }

  private static Set<String> required(ModuleDescriptor d) {
    return d.requires().stream().map(Requires::name).collect(toCollection(TreeSet::new));
  }

  /** Binary names of the top-level and nested classes a module's content holds. */
  private static List<String> classNames(String moduleName) {
    var ref = ModuleLayer.boot().configuration().findModule(moduleName).orElseThrow().reference();
    try (ModuleReader reader = ref.open();
        Stream<String> entries = reader.list()) {
      List<String> names = new ArrayList<>();
      entries
          .filter(
              e ->
                  e.endsWith(".class")
                      && !e.endsWith("module-info.class")
                      && !e.endsWith("package-info.class"))
          .forEach(e -> names.add(e.substring(0, e.lastIndexOf('.')).replace('/', '.')));
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + moduleName, e);
    }
  }

  private static Class<?> load(Module m, String binaryName) {
    Class<?> c = Class.forName(m, binaryName);
    assertThat(c).as("%s in %s", binaryName, m.getName()).isNotNull();
    return c;
  }

  /** Every SPI of mm-api: the interfaces that extend {@link Provider}, in any package. */
  static Set<String> spiInterfaces() {
    Module api = module(API);
    Set<String> spis = new TreeSet<>();
    for (String name : classNames(API)) {
      Class<?> c = load(api, name);
      if (c.isInterface() && c != Provider.class && Provider.class.isAssignableFrom(c)) {
        spis.add(c.getName());
      }
    }
    return spis;
  }

  static Stream<String> implementations() {
    return IMPLEMENTATIONS.stream();
  }

  // ------------------------------------------------------------------ names

  @Test
  void bootLayer_mmsimModules_haveTheExpectedNames() {
    Set<String> mmsim = new TreeSet<>();
    for (Module m : ModuleLayer.boot().modules()) {
      if (m.getName().startsWith("io.mmsim.")) {
        mmsim.add(m.getName());
      }
    }

    List<String> expected = new ArrayList<>(IMPLEMENTATIONS);
    expected.add(API);
    expected.add(KERNEL);
    expected.add(TESTS);
    assertThat(mmsim).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void testModule_runsNamedOnTheModulePath() {
    Module self = getClass().getModule();

    assertThat(self.isNamed()).as("the tests run in a named module").isTrue();
    assertThat(self.getName()).isEqualTo(TESTS);
    assertThat(self.getDescriptor().isOpen()).isTrue();
  }

  @Test
  void everyMmsimModule_isExplicitNotAutomatic() {
    List<String> all = new ArrayList<>(IMPLEMENTATIONS);
    all.add(API);
    all.add(KERNEL);
    for (String name : all) {
      assertThat(descriptor(name).isAutomatic()).as("%s has a module-info", name).isFalse();
    }
  }

  // ------------------------------------------------------------------ mm-api

  @Test
  void api_exportsItsApiPackagesToAll_andOnlyTheInternalPackageQualified() {
    ModuleDescriptor d = descriptor(API);
    List<String> all = new ArrayList<>(API_PACKAGES);
    all.add(API_INTERNAL);

    assertThat(d.packages()).containsExactlyInAnyOrderElementsOf(all);
    assertThat(exported(d)).containsExactlyInAnyOrderElementsOf(all);
    assertThat(d.exports())
        .filteredOn(e -> !e.isQualified())
        .extracting(Exports::source)
        .containsExactlyInAnyOrderElementsOf(API_PACKAGES);
    assertThat(d.exports())
        .filteredOn(Exports::isQualified)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.source()).isEqualTo(API_INTERNAL);
              assertThat(e.targets()).containsExactlyInAnyOrderElementsOf(API_INTERNAL_READERS);
            });
  }

  @Test
  void api_internalPackage_isNotExportedToOutsideModules() {
    Module api = module(API);

    assertThat(api.isExported(API_INTERNAL)).as("exported to all").isFalse();
    assertThat(api.isExported(API_INTERNAL, getClass().getModule()))
        .as("exported to %s", TESTS)
        .isFalse();
    assertThat(api.isExported(API_INTERNAL, module(KERNEL))).isTrue();
  }

  @Test
  void api_opensNothingAndRequiresOnlyJavaBase() {
    ModuleDescriptor d = descriptor(API);

    assertThat(d.isOpen()).isFalse();
    assertThat(d.opens()).isEmpty();
    assertThat(required(d)).containsExactly("java.base");
    assertThat(d.uses()).isEmpty();
    assertThat(d.provides()).isEmpty();
  }

  @Test
  void api_declaresTheSevenSpis() {
    assertThat(spiInterfaces())
        .containsExactlyInAnyOrder(
            "io.mmsim.api.spi.PageAllocatorProvider",
            "io.mmsim.api.spi.ObjectAllocatorProvider",
            "io.mmsim.api.spi.VirtualAllocatorProvider",
            "io.mmsim.api.spi.PageTableProvider",
            "io.mmsim.api.spi.FaultHandlerProvider",
            "io.mmsim.api.spi.ReplacementPolicyProvider",
            "io.mmsim.api.swap.SwapProvider");
  }

  // ------------------------------------------------------------------ mm-kernel

  @Test
  void kernel_exportsItsFacadePackages_unqualified_opensNothing() {
    ModuleDescriptor d = descriptor(KERNEL);

    assertThat(exported(d)).containsExactlyInAnyOrderElementsOf(KERNEL_EXPORTS);
    assertThat(d.exports()).noneMatch(Exports::isQualified);
    assertThat(d.isOpen()).isFalse();
    assertThat(d.opens()).isEmpty();
  }

  @Test
  void kernel_requiresTheApiTransitively_andNoImplementation() {
    ModuleDescriptor d = descriptor(KERNEL);

    assertThat(d.requires())
        .anySatisfy(
            r -> {
              assertThat(r.name()).isEqualTo(API);
              assertThat(r.modifiers()).contains(Requires.Modifier.TRANSITIVE);
            });
    assertThat(required(d)).doesNotContainAnyElementsOf(IMPLEMENTATIONS);
  }

  @Test
  void kernel_usesEverySpiOfTheApi() {
    assertThat(descriptor(KERNEL).uses()).containsExactlyInAnyOrderElementsOf(spiInterfaces());
  }

  @Test
  void kernelAndTests_cannotReadAnyImplementation_soOnlyServiceBindingReachesThem() {
    Module kernel = module(KERNEL);
    Module self = getClass().getModule();
    for (String impl : IMPLEMENTATIONS) {
      Module m = module(impl);
      assertThat(kernel.canRead(m)).as("%s reads %s", KERNEL, impl).isFalse();
      assertThat(self.canRead(m)).as("%s reads %s", TESTS, impl).isFalse();
    }
  }

  // ------------------------------------------------------------------ implementations

  @ParameterizedTest
  @MethodSource("implementations")
  void implementation_exportsNothing_opensNothing(String name) {
    ModuleDescriptor d = descriptor(name);

    assertThat(d.exports()).as("%s exports", name).isEmpty();
    assertThat(d.opens()).as("%s opens", name).isEmpty();
    assertThat(d.isOpen()).as("%s is an open module", name).isFalse();
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void implementation_requiresTheApi_andNoOtherMmsimModule(String name) {
    Set<String> mmsim = new TreeSet<>();
    for (String r : required(descriptor(name))) {
      if (r.startsWith("io.mmsim.")) {
        mmsim.add(r);
      }
    }

    assertThat(mmsim).as("%s requires", name).containsExactly(API);
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void implementation_providesOnlyApiSpis_atLeastOne(String name) {
    Set<String> spis = spiInterfaces();
    Set<Provides> provides = descriptor(name).provides();

    assertThat(provides).as("%s provides", name).isNotEmpty();
    for (Provides p : provides) {
      assertThat(spis).as("%s provides %s", name, p.service()).contains(p.service());
      assertThat(p.providers()).isNotEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void implementation_providerClasses_arePublicFinalWithAPublicNoArgConstructor(String name)
      throws ReflectiveOperationException {
    Module m = module(name);
    for (Provides p : m.getDescriptor().provides()) {
      for (String impl : p.providers()) {
        Class<?> c = load(m, impl);
        assertThat(c.getModule()).isSameAs(m);
        assertThat(Modifier.isPublic(c.getModifiers())).as("%s is public", impl).isTrue();
        assertThat(Modifier.isFinal(c.getModifiers())).as("%s is final", impl).isTrue();
        assertThat(Modifier.isPublic(c.getConstructor().getModifiers())).isTrue();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void implementation_providersAreItsOnlyPublicClasses(String name) {
    Module m = module(name);
    Set<String> providers = new TreeSet<>();
    for (Provides p : m.getDescriptor().provides()) {
      providers.addAll(p.providers());
    }
    Set<String> publicTopLevel = new TreeSet<>();
    for (String cls : classNames(name)) {
      Class<?> c = load(m, cls);
      if (c.getEnclosingClass() == null && Modifier.isPublic(c.getModifiers())) {
        publicTopLevel.add(cls);
      }
    }

    assertThat(publicTopLevel)
        .as("public classes of %s", name)
        .containsExactlyInAnyOrderElementsOf(providers);
  }
}
