package io.mmsim.testkit.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.SpiVersion;

/**
 * Asserts that a module registers its providers the same way in its descriptor and in its {@code
 * META-INF/services} files, and that its reference defaults file matches its providers.
 *
 * <p>A module's {@code ServiceRegistrationTest} is then a few lines:
 *
 * <pre>{@code
 * ServiceRegistrations.assertProvidesOnly(getClass(), ObjectAllocatorProvider.class,
 *     SlubProvider.class);
 * ServiceRegistrations.assertDescribesItself(new SlubProvider(), "slub");
 * ServiceRegistrations.assertDefaultsFile(getClass(), "io/mmsim/slub/defaults.properties",
 *     ServiceRegistrations.qualifiedDefaults(new SlubProvider()));
 * }</pre>
 *
 * <p>A module with several SPIs checks the map {@link #assertProvidesMatchServiceFiles(Class)}
 * returns.
 *
 * <p>All methods fail with an {@link AssertionError} that names the module and the file.
 */
public final class ServiceRegistrations {
  private static final String SERVICES = "META-INF/services/";

  private ServiceRegistrations() {}

  /**
   * {@link #assertProvidesMatchServiceFiles(Module)} for the module of {@code anyClassOfTheModule}
   * (in a white-box test: {@code getClass()}).
   *
   * @return the provided implementations by service, see {@link #assertProvidesMatchServiceFiles(
   *     Module)}
   */
  public static Map<String, Set<String>> assertProvidesMatchServiceFiles(
      Class<?> anyClassOfTheModule) {
    return assertProvidesMatchServiceFiles(anyClassOfTheModule.getModule());
  }

  /**
   * Asserts that {@code module} is named (a test that silently ran on the class path fails here),
   * that its descriptor provides at least one service, that for every {@code provides S with ...}
   * the file {@code META-INF/services/S}, read through {@link Module#getResourceAsStream}, lists
   * exactly the same implementations (in any order; {@code #} comments and blank lines ignored),
   * and that the module holds no services file for a service its descriptor does not provide.
   *
   * @return the provided implementations by service name, both in sorted order, for the module's
   *     own assertions (which services, which classes)
   */
  public static Map<String, Set<String>> assertProvidesMatchServiceFiles(Module module) {
    assertThat(module.isNamed())
        .as("%s must be a named module: the test ran on the class path", module)
        .isTrue();
    Set<ModuleDescriptor.Provides> provides = module.getDescriptor().provides();
    assertThat(provides).as("services provided by module %s", module.getName()).isNotEmpty();
    SortedMap<String, Set<String>> provided = new TreeMap<>();
    for (ModuleDescriptor.Provides p : provides) {
      SortedSet<String> fromDescriptor = new TreeSet<>(p.providers());
      assertThat(servicesFile(module, p.service()))
          .as("%s%s in module %s against its provides", SERVICES, p.service(), module.getName())
          .isEqualTo(fromDescriptor);
      provided.put(p.service(), Collections.unmodifiableSortedSet(fromDescriptor));
    }
    assertThat(servicesFilesIn(module))
        .as(
            "%s files of module %s against the services its descriptor provides",
            SERVICES, module.getName())
        .isEqualTo(provided.keySet());
    return Collections.unmodifiableSortedMap(provided);
  }

  /**
   * {@link #assertProvidesMatchServiceFiles(Class)}, then asserts that the module provides {@code
   * service} alone, with exactly {@code implementations} (in any order): the whole check for a
   * module with one SPI.
   */
  public static void assertProvidesOnly(
      Class<?> anyClassOfTheModule, Class<?> service, Class<?>... implementations) {
    Set<String> expected = new TreeSet<>();
    for (Class<?> c : implementations) {
      expected.add(c.getName());
    }
    assertThat(assertProvidesMatchServiceFiles(anyClassOfTheModule))
        .as("services provided by module %s", anyClassOfTheModule.getModule().getName())
        .containsExactly(Map.entry(service.getName(), expected));
  }

  /**
   * Asserts that the provider names itself {@code name} (lower case), was compiled against {@link
   * SpiVersion#CURRENT} and describes itself in one non-blank line.
   */
  public static void assertDescribesItself(Provider provider, String name) {
    String what = provider.getClass().getName();
    assertThat(provider.name())
        .as("name() of %s", what)
        .isEqualTo(name)
        .isEqualTo(name.toLowerCase(Locale.ROOT));
    assertThat(provider.spiVersion()).as("spiVersion() of %s", what).isEqualTo(SpiVersion.CURRENT);
    assertThat(provider.description())
        .as("description() of %s", what)
        .isNotBlank()
        .doesNotContain("\n")
        .doesNotContain("\r");
  }

  /**
   * The defaults of {@code providers} with the full keys a configuration file uses: {@code
   * name.key} for every entry of each provider's {@link Provider#defaultSettings()}.
   */
  public static SortedMap<String, String> qualifiedDefaults(Provider... providers) {
    SortedMap<String, String> all = new TreeMap<>();
    for (Provider p : providers) {
      for (Map.Entry<String, String> e : p.defaultSettings().entrySet()) {
        String key = p.name() + "." + e.getKey();
        assertThat(all.put(key, e.getValue())).as("%s listed twice", key).isNull();
      }
    }
    return all;
  }

  /**
   * {@link #assertDefaultsFile(Module, String, Map)} for the module of {@code anyClassOfTheModule}.
   */
  public static void assertDefaultsFile(
      Class<?> anyClassOfTheModule, String resource, Map<String, String> expected) {
    assertDefaultsFile(anyClassOfTheModule.getModule(), resource, expected);
  }

  /**
   * Asserts that the properties file {@code resource} of {@code module} (such as {@code
   * io/mmsim/slub/defaults.properties}) holds exactly the {@code expected} keys with the {@code
   * expected} values: the reference file documents every key, and nothing else.
   */
  public static void assertDefaultsFile(
      Module module, String resource, Map<String, String> expected) {
    Properties file = new Properties();
    try (InputStream in = module.getResourceAsStream(resource)) {
      assertThat(in).as("%s in module %s", resource, module.getName()).isNotNull();
      file.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(resource + " in module " + module.getName(), e);
    }
    SortedMap<String, String> listed = new TreeMap<>();
    for (String key : file.stringPropertyNames()) {
      listed.put(key, file.getProperty(key));
    }
    assertThat(listed)
        .as("%s of module %s against the providers' defaults", resource, module.getName())
        .isEqualTo(new TreeMap<>(expected));
  }

  /** The implementations a services file lists, or fails when the module has no such file. */
  static SortedSet<String> servicesFile(Module module, String service) {
    String name = SERVICES + service;
    try (InputStream in = module.getResourceAsStream(name)) {
      assertThat(in).as("%s in module %s", name, module.getName()).isNotNull();
      return entries(in);
    } catch (IOException e) {
      throw new UncheckedIOException(name + " in module " + module.getName(), e);
    }
  }

  /** The entries of a services file: one class name a line, {@code #} starts a comment. */
  static SortedSet<String> entries(InputStream in) throws IOException {
    SortedSet<String> names = new TreeSet<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      int hash = line.indexOf('#');
      String entry = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (!entry.isEmpty()) {
        assertThat(names.add(entry)).as("%s listed twice", entry).isTrue();
      }
    }
    return names;
  }

  /** The services of every {@code META-INF/services/} file the module's content holds. */
  private static SortedSet<String> servicesFilesIn(Module module) {
    Optional<ResolvedModule> resolved =
        module.getLayer() == null
            ? Optional.empty()
            : module.getLayer().configuration().findModule(module.getName());
    assertThat(resolved).as("module %s in its layer", module.getName()).isPresent();
    SortedSet<String> services = new TreeSet<>();
    try (ModuleReader reader = resolved.get().reference().open();
        Stream<String> resources = reader.list()) {
      List<String> all = resources.toList();
      for (String r : all) {
        if (r.startsWith(SERVICES) && r.length() > SERVICES.length() && !r.endsWith("/")) {
          services.add(r.substring(SERVICES.length()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing module " + module.getName(), e);
    }
    return services;
  }
}
