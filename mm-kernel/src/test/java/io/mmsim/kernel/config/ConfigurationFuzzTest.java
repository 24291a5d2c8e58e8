package io.mmsim.kernel.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.mmsim.api.ConfigurationException;
import io.mmsim.kernel.registry.ProviderRegistry;

/**
 * Fuzz tests of the configuration parser: any file, and any {@code --set} assignment, is read and
 * validated against the providers found, or refused with a {@link ConfigurationException}; no other
 * exception.
 *
 * <p>The committed seeds under {@code ConfigurationFuzzTestInputs/METHOD/} run in every build;
 * {@code JAZZER_FUZZ=1} fuzzes (see the README).
 */
final class ConfigurationFuzzTest {
  private static final ProviderRegistry REGISTRY = ProviderRegistry.discover();

  @FuzzTest(maxDuration = "30s")
  void propertiesFile(byte[] data) throws IOException {
    Path f = Files.createTempFile("mmsim-fuzz", ".properties");
    try {
      Files.write(f, data);
      Configuration c = Configuration.defaults().withFile(f);
      new ConfigValidator(REGISTRY).validate(c);
    } catch (ConfigurationException expected) {
      // a refusal that names the file or key is the documented outcome
    } finally {
      Files.delete(f);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void assignment(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    try {
      new ConfigValidator(REGISTRY).validate(Configuration.defaults().withAssignment(text));
    } catch (ConfigurationException expected) {
      // refused, naming the key
    }
  }
}
