package io.mmsim.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.spi.PageAllocatorProvider;
import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.plugin.PluginPath;
import io.mmsim.kernel.plugin.ProviderOrigin;

/**
 * Plug-ins through the kernel builder's plug-in path, with real jars compiled for the test: a
 * modular jar goes on a module layer, a plain one on a class loader, and discovery finds both next
 * to the built-in parts; a plug-in that is broken or takes a built-in name stops boot with a
 * message naming its jar.
 *
 * <p>Like {@link DiscoveryTest}, this class runs twice: on the module path (mmsim's modules in the
 * boot layer, so a modular plug-in gets a layer of its own) and in the {@code class-path} execution
 * (mmsim unnamed, so every plug-in jar goes on the class loader and is found through its {@code
 * META-INF/services} files).
 */
final class PluginDiscoveryTest {
  @TempDir static Path work;

  static Path modular;
  static Path plain;
  static Path both;

  /** A FIFO replacement policy named {@code name}, in package {@code pkg}. */
  static String policySource(String pkg, String name, String version) {
    return """
        package PKG;

        import java.util.Iterator;
        import java.util.LinkedHashSet;

        import io.mmsim.api.reclaim.ReplacementPolicy;
        import io.mmsim.api.spi.ProviderContext;
        import io.mmsim.api.spi.ReplacementPolicyProvider;

        public final class QueueProvider implements ReplacementPolicyProvider {
          public String name() { return "NAME"; }
          public String description() { return "first in, first out, from a test plug-in"; }
          public int spiVersion() { return VERSION; }
          public ReplacementPolicy create(ProviderContext ctx) { return new Queue(); }
        }

        final class Queue implements ReplacementPolicy {
          private final LinkedHashSet<Long> pages = new LinkedHashSet<>();
          public String name() { return "NAME"; }
          public void insert(long page) {
            if (!pages.add(page)) throw new IllegalArgumentException("resident: " + page);
          }
          public void access(long page) {}
          public void remove(long page) { pages.remove(page); }
          public long victim(ReferenceBits bits) {
            Iterator<Long> it = pages.iterator();
            if (!it.hasNext()) return NO_VICTIM;
            long p = it.next();
            it.remove();
            return p;
          }
          public long resident() { return pages.size(); }
          public boolean contains(long page) { return pages.contains(page); }
        }
        """
        .replace("PKG", pkg)
        .replace("NAME", name)
        .replace("VERSION", version);
  }

  static PluginJars policyPlugin(String pkg, String name) {
    return PluginJars.in(work)
        .source(
            pkg + ".QueueProvider", policySource(pkg, name, "io.mmsim.api.spi.SpiVersion.CURRENT"))
        .service(ReplacementPolicyProvider.class, pkg + ".QueueProvider");
  }

  static String moduleInfo(String module, String pkg, Class<?> service, String impl) {
    return "module "
        + module
        + " {\n  requires io.mmsim.api;\n  provides "
        + service.getName()
        + " with "
        + impl
        + ";\n}\n";
  }

  @BeforeAll
  static void buildPlugins() throws IOException {
    modular =
        policyPlugin("com.example.itmod", "itmodular")
            .module(
                moduleInfo(
                    "com.example.itmod",
                    "com.example.itmod",
                    ReplacementPolicyProvider.class,
                    "com.example.itmod.QueueProvider"))
            .version("2.5")
            .build(work.resolve("modular"), "it-modular-2.5.jar");
    plain =
        policyPlugin("com.example.itplain", "itplain")
            .version("3.1")
            .build(work.resolve("plain"), "it-plain-3.1.jar");
    both = Files.createDirectories(work.resolve("both"));
    Files.copy(modular, both.resolve(modular.getFileName()));
    Files.copy(plain, both.resolve(plain.getFileName()));
  }

  private static boolean onModulePath() {
    return System.getProperty(DiscoveryTest.PATH_PROPERTY, "module").equals("module");
  }

  private static Provider found(PluginPath plugins, String spi, String name) {
    return Kernel.discoverProviders(plugins).get(spi).stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not found with " + plugins));
  }

  private static Kernel.Builder small() {
    return Kernel.builder().set("memory.size", "64M");
  }

  // ================================================================ found and booted

  @Test
  void modularPlugin_onThePluginPath_isFoundWithItsJarAndBoots() {
    PluginPath plugins = PluginPath.of(List.of(modular));

    Provider p = found(plugins, "ReplacementPolicyProvider", "itmodular");
    ProviderOrigin o = ProviderOrigin.of(p.getClass(), plugins);
    Kernel k = small().plugins(plugins).set("reclaim.policy", "itmodular").boot();

    assertThat(o.plugin()).isTrue();
    assertThat(o.describe()).isEqualTo("plug-in it-modular-2.5.jar 2.5");
    assertThat(o.location()).endsWith("/it-modular-2.5.jar");
    if (onModulePath()) {
      assertThat(plugins.layer()).isPresent();
      assertThat(o.module()).isEqualTo("com.example.itmod");
      assertThat(p.getClass().getModule().getLayer()).isSameAs(plugins.layer().get());
    } else {
      assertThat(plugins.layer()).as("mmsim is unnamed: nothing to layer on").isEmpty();
      assertThat(o.module()).isNull();
      assertThat(p.getClass().getClassLoader()).isSameAs(plugins.classLoader().orElseThrow());
    }
    assertThat(k.parts()).containsEntry("reclaim.policy", "itmodular");
  }

  @Test
  void plainPlugin_onThePluginPath_isFoundOnItsClassLoaderAndBoots() {
    PluginPath plugins = PluginPath.of(List.of(plain));

    Provider p = found(plugins, "ReplacementPolicyProvider", "itplain");
    ProviderOrigin o = ProviderOrigin.of(p.getClass(), plugins);
    Kernel k = small().plugins(List.of(plain)).set("reclaim.policy", "itplain").boot();

    assertThat(plugins.layer()).isEmpty();
    assertThat(p.getClass().getModule().isNamed()).isFalse();
    assertThat(p.getClass().getClassLoader()).isSameAs(plugins.classLoader().orElseThrow());
    assertThat(o.describe()).isEqualTo("plug-in it-plain-3.1.jar 3.1");
    assertThat(k.parts()).containsEntry("reclaim.policy", "itplain");
  }

  @Test
  void folderOfBothKinds_findsEveryPluginNextToTheBuiltInParts() {
    PluginPath plugins = PluginPath.of(List.of(both));

    Map<String, List<Provider>> all = Kernel.discoverProviders(plugins);

    assertThat(all.get("ReplacementPolicyProvider"))
        .extracting(Provider::name)
        .contains("itmodular", "itplain", "fifo", "lru", "linux");
    assertThat(all.get("PageAllocatorProvider")).extracting(Provider::name).contains("buddy");
    assertThat(Kernel.discoveryFailures(plugins)).isEmpty();
    Kernel.checkProviders(plugins);
  }

  @Test
  void discovery_withoutThePluginPath_seesNoPlugin() {
    assertThat(Kernel.discoverProviders().get("ReplacementPolicyProvider"))
        .extracting(Provider::name)
        .doesNotContain("itmodular", "itplain");
    assertThatThrownBy(() -> small().set("reclaim.policy", "itplain").boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("unknown ReplacementPolicyProvider 'itplain'")
        .hasMessageContaining("plug-in path searched: none");
  }

  @Test
  void unknownName_withAPluginPath_namesThePathSearched() {
    assertThatThrownBy(() -> small().plugins(List.of(both)).set("reclaim.policy", "nosuch").boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "plug-in path searched: " + both + " (2 jars: it-modular-2.5.jar, it-plain-3.1.jar)")
        .hasMessageContaining("itmodular")
        .hasMessageContaining("itplain");
  }

  // ================================================================ refused

  @Test
  void pluginTakingABuiltInName_failsBootNamingBothJars() {
    Path jar =
        PluginJars.in(work)
            .source(
                "com.example.itdup.FakeBuddy",
                """
                package com.example.itdup;

                public final class FakeBuddy implements io.mmsim.api.spi.PageAllocatorProvider {
                  public String name() { return "buddy"; }
                  public String description() { return "a plug-in that takes a built-in name"; }
                  public int spiVersion() { return io.mmsim.api.spi.SpiVersion.CURRENT; }
                  public io.mmsim.api.page.PageAllocator create(io.mmsim.api.spi.ProviderContext c) {
                    throw new UnsupportedOperationException("never selected");
                  }
                }
                """)
            .service(PageAllocatorProvider.class, "com.example.itdup.FakeBuddy")
            .build(work.resolve("dup"), "fake-buddy.jar");
    Provider buddy = found(PluginPath.none(), "PageAllocatorProvider", "buddy");
    String buddyLocation = ProviderOrigin.of(buddy.getClass(), PluginPath.none()).location();

    assertThatThrownBy(() -> small().plugins(List.of(jar)).boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("two PageAllocatorProvider providers are named 'buddy'")
        .hasMessageContaining("com.example.itdup.FakeBuddy from plug-in fake-buddy.jar 1.0")
        .hasMessageContaining(buddyLocation);
  }

  @Test
  void pluginWhoseConstructorThrows_failsBootNamingTheJar() {
    Path jar =
        PluginJars.in(work)
            .source(
                "com.example.itbad.Angry",
                """
                package com.example.itbad;

                public final class Angry implements io.mmsim.api.spi.ReplacementPolicyProvider {
                  public Angry() { throw new IllegalStateException("no licence key"); }
                  public String name() { return "angry"; }
                  public String description() { return "fails to construct"; }
                  public int spiVersion() { return io.mmsim.api.spi.SpiVersion.CURRENT; }
                  public io.mmsim.api.reclaim.ReplacementPolicy create(
                      io.mmsim.api.spi.ProviderContext c) {
                    return null;
                  }
                }
                """)
            .service(ReplacementPolicyProvider.class, "com.example.itbad.Angry")
            .build(work.resolve("angry"), "angry-0.9.jar");
    PluginPath plugins = PluginPath.of(List.of(jar));

    assertThat(Kernel.discoveryFailures(plugins))
        .singleElement()
        .asString()
        .contains("com.example.itbad.Angry", "no licence key", "(plug-in angry-0.9.jar)");
    assertThatThrownBy(() -> small().plugins(plugins).boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("1 plug-in provider failed to load")
        .hasMessageContaining("angry-0.9.jar");
  }

  @Test
  void pluginOfAnotherSpiMajorVersion_failsBootNamingBothVersions() {
    Path jar =
        policyPlugin("com.example.itold", "itold")
            .source(
                "com.example.itold.QueueProvider",
                policySource("com.example.itold", "itold", "2000"))
            .build(work.resolve("old"), "from-the-future.jar");

    assertThatThrownBy(() -> small().plugins(List.of(jar)).boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'itold'")
        .hasMessageContaining(
            "compiled against SPI 2.0, this mm-api is " + SpiVersion.format(SpiVersion.CURRENT))
        .hasMessageContaining("from-the-future.jar");
  }

  @Test
  void modularPlugins_sameModuleTwice_areRefusedNamingBothJars() throws IOException {
    assumeTrue(onModulePath(), "modules are layered only when mmsim runs as modules");
    Path twin = Files.createDirectories(work.resolve("twin"));
    Path copy = Files.copy(modular, twin.resolve("copy-of-modular.jar"));

    assertThatThrownBy(() -> PluginPath.of(List.of(modular, copy)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "plug-ins "
                + modular
                + " and "
                + copy
                + " are both module com.example.itmod; remove one");
  }

  @Test
  void modularPlugin_withTheNameOfAnMmsimModule_isRefused() {
    assumeTrue(onModulePath(), "modules are layered only when mmsim runs as modules");
    Path jar =
        policyPlugin("com.example.itimpostor", "impostor")
            .module(
                moduleInfo(
                    "io.mmsim.buddy",
                    "com.example.itimpostor",
                    ReplacementPolicyProvider.class,
                    "com.example.itimpostor.QueueProvider"))
            .build(work.resolve("impostor"), "impostor.jar");

    assertThatThrownBy(() -> PluginPath.of(List.of(jar)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "plug-in " + jar + " is module io.mmsim.buddy, which mmsim already has");
  }

  @Test
  void modularJarWithABrokenDescriptor_isRefusedNamingIt() throws IOException {
    assumeTrue(onModulePath(), "a descriptor is read only when mmsim runs as modules");
    Path jar = work.resolve("broken-module.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("module-info.class"));
      out.write("not a class file".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }

    assertThatThrownBy(() -> PluginPath.of(List.of(jar)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("plug-in " + jar + " has a module descriptor Java refuses: ");
  }
}
