package io.mmsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mm --plugins} and {@code MM_PLUGIN_PATH}: which one wins, exit status 2 with the entry
 * named for a bad path, and the origin column of {@code mm list}. (A working plug-in is run by
 * mm-it and by the example project's README commands.)
 */
final class PluginOptionTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedOut;
  private PrintStream savedErr;

  @TempDir Path tmp;

  @BeforeEach
  void capture() {
    savedOut = System.out;
    savedErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(savedOut);
    System.setErr(savedErr);
  }

  private int mm(Map<String, String> env, String... args) {
    out.reset();
    err.reset();
    return Main.execute(env, args);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** A jar whose services file names a page allocator class it does not hold. */
  private Path brokenPlugin() throws IOException {
    Path jar = tmp.resolve("broken-1.0.jar");
    try (JarOutputStream o = new JarOutputStream(Files.newOutputStream(jar))) {
      o.putNextEntry(new JarEntry("META-INF/services/io.mmsim.api.spi.PageAllocatorProvider"));
      o.write("com.example.MissingAllocator\n".getBytes(StandardCharsets.UTF_8));
      o.closeEntry();
    }
    return jar;
  }

  @Test
  void list_noPlugins_showsEachProviderAsBuiltIn() {
    int rc = mm(Map.of(), "list");

    assertThat(rc).isZero();
    assertThat(stdout()).containsPattern("(?m)^  buddy +.*\\[built-in[^]]*\\]$");
  }

  @Test
  void plugins_missingPath_exits2NamingIt() {
    Path missing = tmp.resolve("nosuch.jar");

    int rc = mm(Map.of(), "--plugins", missing.toString(), "list");

    assertThat(rc).isEqualTo(2);
    assertThat(stderr()).isEqualTo("mm: plug-in path " + missing + ": no such file or folder\n");
    assertThat(stdout()).isEmpty();
  }

  @Test
  void plugins_badPathForAnyCommand_exits2BeforeItRuns() throws IOException {
    Path notJar = Files.writeString(tmp.resolve("x.jar"), "text");
    Path swap = tmp.resolve("swapfile");

    int rc = mm(Map.of(), "--plugins", notJar.toString(), "mkswap", swap.toString(), "1M");

    assertThat(rc).isEqualTo(2);
    assertThat(stderr()).startsWith("mm: plug-in " + notJar + " is not a readable jar: ");
    assertThat(swap).doesNotExist();
  }

  @Test
  void environment_badPath_exits2() {
    Path missing = tmp.resolve("gone");

    int rc = mm(Map.of(PluginOption.ENV, missing.toString()), "list");

    assertThat(rc).isEqualTo(2);
    assertThat(stderr()).contains("plug-in path " + missing + ": no such file or folder");
  }

  @Test
  void option_givenEmpty_replacesTheEnvironment() {
    int rc = mm(Map.of(PluginOption.ENV, tmp.resolve("gone").toString()), "--plugins", "", "list");

    assertThat(rc).isZero();
    assertThat(stdout()).contains("buddy");
  }

  @Test
  void help_needsNoPlugins() {
    int rc = mm(Map.of(PluginOption.ENV, tmp.resolve("gone").toString()), "--help");

    assertThat(rc).isZero();
    assertThat(stdout()).contains("--plugins");
  }

  @Test
  void list_pluginProviderThatFailsToLoad_listsTheRestThenExits2NamingTheJar() throws IOException {
    Path jar = brokenPlugin();

    int rc = mm(Map.of(), "--plugins", jar.toString(), "list");

    assertThat(rc).isEqualTo(2);
    assertThat(stdout()).contains("buddy");
    assertThat(stderr())
        .contains("1 plug-in provider failed to load")
        .contains("com.example.MissingAllocator")
        .contains("plug-in " + jar);
  }

  @Test
  void run_pluginProviderThatFailsToLoad_exits2() throws IOException {
    Path jar = brokenPlugin();

    int rc = mm(Map.of(PluginOption.ENV, jar.toString()), "run", "--set", "memory.size=64M");

    assertThat(rc).isEqualTo(2);
    assertThat(stderr()).contains("com.example.MissingAllocator").contains(jar.toString());
  }

  @Test
  void run_unknownProvider_namesThePluginPathSearched() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("plugins"));

    int rc = mm(Map.of(PluginOption.ENV, dir.toString()), "run", "--set", "page-allocator=ff");

    assertThat(rc).isEqualTo(2);
    assertThat(stderr())
        .contains("unknown PageAllocatorProvider 'ff'")
        .contains("plug-in path searched: " + dir + " (a folder with no jar)");
  }
}
