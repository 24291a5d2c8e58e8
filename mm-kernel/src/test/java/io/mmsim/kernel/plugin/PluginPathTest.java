package io.mmsim.kernel.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.api.ConfigurationException;
import io.mmsim.kernel.Kernel;

/**
 * The plug-in path: which entries it accepts, where each jar goes, and the errors that name a bad
 * entry. Plug-ins with real classes are tested in mm-it, which compiles them.
 */
final class PluginPathTest {
  @TempDir Path tmp;

  /** A plain jar holding only provider-configuration files: {@code service -> class names}. */
  private Path servicesJar(String name, String service, String... classes) throws IOException {
    Path jar = tmp.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("META-INF/services/" + service));
      out.write(("# written by a test\n" + String.join("\n", classes) + "\n").getBytes(UTF8));
      out.closeEntry();
    }
    return jar;
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private static ConfigurationException refused(List<Path> entries) {
    Throwable t = null;
    try {
      PluginPath.of(entries);
    } catch (ConfigurationException e) {
      t = e;
    }
    assertThat(t).as("PluginPath.of(%s)", entries).isInstanceOf(ConfigurationException.class);
    ConfigurationException e = (ConfigurationException) t;
    assertThat(e.key()).isEqualTo(PluginPath.KEY);
    return e;
  }

  // ================================================================ entries

  @Test
  void split_pathList_usesThePlatformSeparatorAndSkipsEmptyElements() {
    String sep = File.pathSeparator;

    assertThat(PluginPath.split("a.jar" + sep + sep + "dir" + sep))
        .containsExactly(Path.of("a.jar"), Path.of("dir"));
    assertThat(PluginPath.split("")).isEmpty();
    assertThat(PluginPath.split(null)).isEmpty();
  }

  @Test
  void of_nothing_isTheEmptyPath() {
    PluginPath p = PluginPath.of(List.of());

    assertThat(p.isEmpty()).isTrue();
    assertThat(p.layer()).isEmpty();
    assertThat(p.classLoader()).isEmpty();
    assertThat(p.describe()).isEqualTo("none");
  }

  @Test
  void of_missingPath_isRefusedNamingIt() {
    Path missing = tmp.resolve("nosuch.jar");

    assertThat(refused(List.of(missing)))
        .hasMessage("plug-in path " + missing + ": no such file or folder");
  }

  @Test
  void of_fileThatIsNotAJar_isRefusedNamingIt() throws IOException {
    Path text = Files.writeString(tmp.resolve("notes.jar"), "not a zip at all\n");

    assertThat(refused(List.of(text)))
        .hasMessageStartingWith("plug-in " + text + " is not a readable jar: ");
  }

  @Test
  void of_truncatedJar_isRefusedNamingIt() throws IOException {
    Path good = servicesJar("good.jar", "io.mmsim.api.spi.PageAllocatorProvider", "a.B");
    byte[] bytes = Files.readAllBytes(good);
    Path cut = tmp.resolve("cut.jar");
    try (OutputStream out = Files.newOutputStream(cut)) {
      out.write(bytes, 0, bytes.length - 30);
    }

    assertThat(refused(List.of(cut))).hasMessageContaining(cut.toString());
  }

  @Test
  void of_folder_takesItsJarsInNameOrderAndNothingElse() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("plugins"));
    Files.writeString(dir.resolve("README.txt"), "ignored");
    Files.createDirectory(dir.resolve("sub.jar"));
    Path b = Files.move(servicesJar("b.jar", "x.S", "b.P"), dir.resolve("b.jar"));
    Path a = Files.move(servicesJar("a.jar", "x.S", "a.P"), dir.resolve("a.jar"));

    PluginPath p = PluginPath.of(List.of(dir));

    assertThat(p.jars()).containsExactly(a, b);
    assertThat(p.describe()).isEqualTo(dir + " (2 jars: a.jar, b.jar)");
    assertThat(p.classLoader()).isPresent();
    assertThat(p.layer()).as("no modular jar").isEmpty();
  }

  @Test
  void of_emptyFolder_isAcceptedAndDescribedAsSuch() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("empty"));

    PluginPath p = PluginPath.of(List.of(dir));

    assertThat(p.isEmpty()).isTrue();
    assertThat(p.describe()).isEqualTo(dir + " (a folder with no jar)");
  }

  @Test
  void of_jarAndItsFolder_takesTheJarOnce() throws IOException {
    Path jar = servicesJar("one.jar", "x.S", "p.Q");

    PluginPath p = PluginPath.of(List.of(jar, tmp));

    assertThat(p.jars()).containsExactly(jar);
  }

  @Test
  void declaringJar_plainJar_namesTheJarOfEachListedProvider() throws IOException {
    Path jar =
        servicesJar("parts.jar", "io.mmsim.api.spi.PageAllocatorProvider", "com.x.A", "com.x.B");

    PluginPath p = PluginPath.of(List.of(jar));

    assertThat(p.declaringJar("com.x.B")).contains(jar);
    assertThat(p.declaringJar("com.x.C")).isEmpty();
    assertThat(p.declaredProviders()).containsOnlyKeys("com.x.A", "com.x.B");
  }

  // ================================================================ discovery with plug-ins

  @Test
  void boot_pluginProviderClassMissing_isRefusedNamingTheJar() throws IOException {
    Path jar =
        servicesJar("broken.jar", "io.mmsim.api.spi.PageAllocatorProvider", "com.example.Gone");
    PluginPath p = PluginPath.of(List.of(jar));

    assertThat(Kernel.discoveryFailures(p))
        .singleElement()
        .asString()
        .contains("com.example.Gone")
        .contains("plug-in " + jar);
    assertThatThrownBy(() -> Kernel.builder().plugins(p).boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("1 plug-in provider failed to load")
        .hasMessageContaining("com.example.Gone")
        .hasMessageContaining(jar.toString());
    assertThatThrownBy(() -> Kernel.checkProviders(p))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(jar.toString());
  }

  @Test
  void boot_unknownProvider_namesThePluginPathSearched() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("none-here"));

    assertThatThrownBy(
            () -> Kernel.builder().plugins(List.of(dir)).set("page-allocator", "firstfit").boot())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("unknown PageAllocatorProvider 'firstfit'")
        .hasMessageContaining("plug-in path searched: " + dir + " (a folder with no jar)")
        .hasMessageContaining("buddy");
  }

  @Test
  void boot_emptyPluginPath_bootsOnTheBuiltInParts() {
    Kernel k =
        Kernel.builder()
            .plugins(PluginPath.none())
            .set("memory.size", "64M")
            .set("page-table", "none")
            .set("object-allocator", "none")
            .set("virtual-allocator", "none")
            .boot();

    assertThat(k.parts()).containsEntry("page-allocator", "buddy");
  }

  // ================================================================ origins

  @Test
  void origin_builtInProvider_isNotAPlugin() {
    var buddy =
        Kernel.discoverProviders().get("PageAllocatorProvider").stream()
            .filter(p -> p.name().equals("buddy"))
            .findFirst()
            .orElseThrow();

    ProviderOrigin o = ProviderOrigin.of(buddy.getClass(), PluginPath.none());

    assertThat(o.plugin()).isFalse();
    assertThat(o.describe()).startsWith("built-in");
    assertThat(o.location()).isNotNull();
  }

  @Test
  void fileName_jarAndFolderLocations_giveTheLastName() {
    assertThat(new ProviderOrigin(true, null, "file:/opt/p/my-parts-1.2.jar", "1.2").fileName())
        .isEqualTo("my-parts-1.2.jar");
    assertThat(new ProviderOrigin(false, "m", "file:/w/mm-buddy/target/classes/", null).fileName())
        .isEqualTo("classes");
    assertThat(new ProviderOrigin(false, "m", null, null).fileName()).isEqualTo("unknown location");
  }

  @Test
  void describe_eachKindOfOrigin_saysWhereItCameFrom() {
    assertThat(new ProviderOrigin(true, "com.x", "file:/p/x-1.2.jar", "1.2").describe())
        .isEqualTo("plug-in x-1.2.jar 1.2");
    assertThat(new ProviderOrigin(true, null, "file:/p/x.jar", null).describe())
        .isEqualTo("plug-in x.jar");
    assertThat(new ProviderOrigin(false, "io.mmsim.buddy", "file:/l/b.jar", "0.1").describe())
        .isEqualTo("built-in io.mmsim.buddy");
    assertThat(
            new ProviderOrigin(false, "io.mmsim.buddy", "file:/l/b.jar", "0.1")
                .describeWithLocation())
        .isEqualTo("built-in io.mmsim.buddy 0.1 (file:/l/b.jar)");
    assertThat(new ProviderOrigin(false, null, "file:/l/b.jar", null).describe())
        .isEqualTo("built-in, class path, b.jar");
  }
}
