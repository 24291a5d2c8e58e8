package io.mmsim.testkit.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.SpiVersion;

/**
 * The checks run against small modules compiled here and loaded into their own layer, so both the
 * passing and every failing case are real modules with real descriptors.
 */
final class ServiceRegistrationsTest {

  @TempDir Path dir;

  // ---------------------------------------------------------------- provides vs services files

  @Test
  void provides_sameImplementationsInOtherOrderWithComments_returnsThemByService()
      throws IOException {
    Module m =
        module(
            "t.ok",
            "provides java.lang.Runnable with p.A, p.B;",
            Map.of("java.lang.Runnable", "# generated\n\np.B  # second\np.A\n"));

    assertThat(ServiceRegistrations.assertProvidesMatchServiceFiles(m))
        .containsOnlyKeys("java.lang.Runnable");
    assertThat(ServiceRegistrations.assertProvidesMatchServiceFiles(m).get("java.lang.Runnable"))
        .containsExactly("p.A", "p.B");
  }

  @Test
  void providesOnly_theOneServiceWithItsImplementations_passes() throws IOException {
    Module m =
        module(
            "t.only",
            "provides java.lang.Runnable with p.A, p.B;",
            Map.of("java.lang.Runnable", "p.A\np.B\n"));
    Class<?> a = Class.forName(m, "p.A");
    Class<?> b = Class.forName(m, "p.B");

    ServiceRegistrations.assertProvidesOnly(a, Runnable.class, b, a);
    assertThatThrownBy(() -> ServiceRegistrations.assertProvidesOnly(a, Runnable.class, a))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("services provided by module " + "t.only");
    assertThatThrownBy(() -> ServiceRegistrations.assertProvidesOnly(a, AutoCloseable.class, a, b))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("java.lang.AutoCloseable");
  }

  @Test
  void provides_servicesFileMissesAnImplementation_fails() throws IOException {
    Module m =
        module(
            "t.missing",
            "provides java.lang.Runnable with p.A, p.B;",
            Map.of("java.lang.Runnable", "p.A\n"));

    assertThatThrownBy(() -> ServiceRegistrations.assertProvidesMatchServiceFiles(m))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("META-INF/services/java.lang.Runnable")
        .hasMessageContaining("p.B");
  }

  @Test
  void provides_noServicesFile_fails() throws IOException {
    Module m = module("t.nofile", "provides java.lang.Runnable with p.A;", Map.of());

    assertThatThrownBy(() -> ServiceRegistrations.assertProvidesMatchServiceFiles(m))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("META-INF/services/java.lang.Runnable in module t.nofile");
  }

  @Test
  void provides_servicesFileWithoutProvides_fails() throws IOException {
    Module m =
        module(
            "t.extra",
            "provides java.lang.Runnable with p.A;",
            Map.of("java.lang.Runnable", "p.A\n", "java.lang.AutoCloseable", "p.B\n"));

    assertThatThrownBy(() -> ServiceRegistrations.assertProvidesMatchServiceFiles(m))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("java.lang.AutoCloseable");
  }

  @Test
  void provides_nothing_fails() throws IOException {
    Module m = module("t.none", "", Map.of());

    assertThatThrownBy(() -> ServiceRegistrations.assertProvidesMatchServiceFiles(m))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("services provided by module " + "t.none");
  }

  @Test
  void provides_unnamedModule_fails() {
    // mm-testkit's own tests run on the class path
    assertThatThrownBy(() -> ServiceRegistrations.assertProvidesMatchServiceFiles(getClass()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("named module");
  }

  @Test
  void entries_duplicateLine_fails() {
    byte[] file = "p.A\np.A # again\n".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> ServiceRegistrations.entries(new ByteArrayInputStream(file)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("p.A listed twice");
  }

  // ---------------------------------------------------------------- defaults file

  @Test
  void defaultsFile_sameKeysAndValues_passes() throws IOException {
    Module m =
        module(
            "t.defaults",
            "provides java.lang.Runnable with p.A;",
            Map.of("java.lang.Runnable", "p.A\n"));
    Provider p = provider("demo", Map.of("size", "4", "debug", ""));

    ServiceRegistrations.assertDefaultsFile(
        m, "p/defaults.properties", ServiceRegistrations.qualifiedDefaults(p));
  }

  @Test
  void defaultsFile_valueDiffers_failsNamingTheFile() throws IOException {
    Module m =
        module(
            "t.differs",
            "provides java.lang.Runnable with p.A;",
            Map.of("java.lang.Runnable", "p.A\n"));
    Provider p = provider("demo", Map.of("size", "8", "debug", ""));

    assertThatThrownBy(
            () ->
                ServiceRegistrations.assertDefaultsFile(
                    m, "p/defaults.properties", ServiceRegistrations.qualifiedDefaults(p)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("p/defaults.properties")
        .hasMessageContaining("demo.size");
  }

  @Test
  void defaultsFile_missing_fails() throws IOException {
    Module m =
        module(
            "t.nodefaults",
            "provides java.lang.Runnable with p.A;",
            Map.of("java.lang.Runnable", "p.A\n"));

    assertThatThrownBy(
            () -> ServiceRegistrations.assertDefaultsFile(m, "p/other.properties", Map.of()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("p/other.properties");
  }

  @Test
  void qualifiedDefaults_twoProviders_prefixesEachWithItsName() {
    assertThat(
            ServiceRegistrations.qualifiedDefaults(
                provider("a", Map.of("k", "1")),
                provider("b", Map.of("k", "2")),
                provider("c", Map.of())))
        .containsExactly(Map.entry("a.k", "1"), Map.entry("b.k", "2"));
  }

  // ---------------------------------------------------------------- provider self-description

  @Test
  void describesItself_goodProvider_passes() {
    ServiceRegistrations.assertDescribesItself(provider("demo", Map.of()), "demo");
  }

  @Test
  void describesItself_otherName_fails() {
    assertThatThrownBy(
            () -> ServiceRegistrations.assertDescribesItself(provider("demo", Map.of()), "other"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("name()");
  }

  @Test
  void describesItself_twoLineDescription_fails() {
    Provider p =
        new Provider() {
          @Override
          public String name() {
            return "demo";
          }

          @Override
          public String description() {
            return "first\nsecond";
          }

          @Override
          public int spiVersion() {
            return SpiVersion.CURRENT;
          }
        };

    assertThatThrownBy(() -> ServiceRegistrations.assertDescribesItself(p, "demo"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("description()");
  }

  // ---------------------------------------------------------------- helpers

  private static Provider provider(String name, Map<String, String> defaults) {
    return new Provider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return "a test provider";
      }

      @Override
      public int spiVersion() {
        return SpiVersion.CURRENT;
      }

      @Override
      public Map<String, String> defaultSettings() {
        return defaults;
      }
    };
  }

  /**
   * Compiles module {@code name} (package p with classes A and B, both Runnable and AutoCloseable,
   * and p/defaults.properties) with {@code directives} in its descriptor, adds the given services
   * files and loads it into a new layer.
   */
  private Module module(String name, String directives, Map<String, String> servicesFiles)
      throws IOException {
    Path src = Files.createDirectories(dir.resolve("src").resolve(name));
    Path out = Files.createDirectories(dir.resolve("out").resolve(name));
    Path p = Files.createDirectories(src.resolve("p"));
    Files.writeString(
        src.resolve("module-info.java"), "open module " + name + " { " + directives + " }");
    for (String c : List.of("A", "B")) {
      Files.writeString(
          p.resolve(c + ".java"),
          "package p; public final class "
              + c
              + " implements Runnable, AutoCloseable { public void run() {} public void close() {} }");
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc =
        javac.run(
            null,
            null,
            null,
            "-d",
            out.toString(),
            src.resolve("module-info.java").toString(),
            p.resolve("A.java").toString(),
            p.resolve("B.java").toString());
    assertThat(rc).as("javac exit code").isZero();
    Files.writeString(
        Files.createDirectories(out.resolve("p")).resolve("defaults.properties"),
        "# reference\ndemo.size=4\ndemo.debug=\n");
    Path services = Files.createDirectories(out.resolve("META-INF").resolve("services"));
    for (Map.Entry<String, String> e : servicesFiles.entrySet()) {
      Files.writeString(services.resolve(e.getKey()), e.getValue());
    }
    ModuleLayer boot = ModuleLayer.boot();
    Configuration cf =
        boot.configuration().resolve(ModuleFinder.of(out), ModuleFinder.of(), Set.of(name));
    ModuleLayer layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
    return layer.findModule(name).orElseThrow();
  }
}
