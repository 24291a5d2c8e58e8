package io.mmsim.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The module descriptor and the AutoService file register exactly the same providers. */
final class ServiceRegistrationTest {
  private static final String SPI = "io.mmsim.api.spi.VirtualAllocatorProvider";

  @Test
  void registrations_descriptorAndServiceFile_listTheSameProviders() throws IOException {
    Module module = getClass().getModule();
    assertThat(module.isNamed()).as("tests run inside the named module").isTrue();

    List<String> provided = new ArrayList<>();
    for (ModuleDescriptor.Provides p : module.getDescriptor().provides()) {
      if (p.service().equals(SPI)) {
        provided.addAll(p.providers());
      }
    }
    List<String> listed = new ArrayList<>();
    try (InputStream in = module.getResourceAsStream("META-INF/services/" + SPI)) {
      assertThat(in).as("META-INF/services/" + SPI).isNotNull();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String name = line.replaceFirst("#.*", "").trim();
        if (!name.isEmpty()) {
          listed.add(name);
        }
      }
    }

    assertThat(provided).isNotEmpty().containsExactlyInAnyOrderElementsOf(listed);
    assertThat(provided).containsExactly(VmallocProvider.class.getName());
  }
}
