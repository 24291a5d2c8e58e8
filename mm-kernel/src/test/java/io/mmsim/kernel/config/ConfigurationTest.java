package io.mmsim.kernel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.api.ConfigurationException;

/** Reading a configuration file: bounded, text only, every failure naming the file. */
final class ConfigurationTest {
  @TempDir Path tmp;

  @Test
  void withFile_properties_overlayTheDefaults() throws IOException {
    Path f = tmp.resolve("mm.properties");
    Files.writeString(f, "# a comment\nmemory.size = 512M\ncpus=4\n", StandardCharsets.UTF_8);

    Configuration c = Configuration.defaults().withFile(f);

    assertThat(c.get("memory.size")).isEqualTo("512M");
    assertThat(c.get("cpus")).isEqualTo("4");
    assertThat(c.origin("cpus")).isEqualTo(f.toString());
  }

  @Test
  void withFile_invalidUtf8_namesFileAndLine() throws IOException {
    Path f = tmp.resolve("bad.properties");
    Files.write(f, new byte[] {'a', '=', '1', '\n', '#', ' ', (byte) 0xff, '\n'});

    assertThatThrownBy(() -> Configuration.defaults().withFile(f))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(f + ":2: not UTF-8 text");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void withFile_devZero_isRefusedWithoutReadingItAll() {
    assertThatThrownBy(() -> Configuration.defaults().withFile(Path.of("/dev/zero")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("/dev/zero:1: not UTF-8 text");
  }

  @Test
  void withFile_largerThanTheBound_isRefused() throws IOException {
    Path f = tmp.resolve("big.properties");
    Files.writeString(f, ("# " + "x".repeat(98) + "\n").repeat(11_000), StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Configuration.defaults().withFile(f))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(f + ": larger than 1 MiB: not a configuration file");
  }

  @Test
  void withFile_directoryOrMissing_namesIt() {
    assertThatThrownBy(() -> Configuration.defaults().withFile(tmp))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(tmp.toString())
        .hasMessageContaining("directory");
    assertThatThrownBy(() -> Configuration.defaults().withFile(tmp.resolve("nosuch")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("nosuch: no such file");
  }
}
