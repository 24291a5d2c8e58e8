package io.mmsim.slub;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmsim.api.spi.ObjectAllocatorProvider;
import io.mmsim.api.spi.SpiVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The provider is registered both ways (module descriptor and META-INF/services) and agrees. */
final class ServiceRegistrationTest {

  @Test
  void registration_descriptorAndServicesFile_listTheSameProviders() throws IOException {
    Module module = getClass().getModule();
    assertThat(module.isNamed()).as("tests run inside the named module io.mmsim.slub").isTrue();
    String spi = ObjectAllocatorProvider.class.getName();
    List<String> provided = new ArrayList<>();
    for (ModuleDescriptor.Provides p : module.getDescriptor().provides()) {
      if (p.service().equals(spi)) {
        provided.addAll(p.providers());
      }
    }
    List<String> listed = new ArrayList<>();
    try (InputStream in = module.getResourceAsStream("META-INF/services/" + spi)) {
      assertThat(in).as("META-INF/services/%s", spi).isNotNull();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String t = line.replaceAll("#.*", "").trim();
        if (!t.isEmpty()) {
          listed.add(t);
        }
      }
    }
    assertThat(provided).isNotEmpty().containsExactlyInAnyOrderElementsOf(listed);
    assertThat(provided).containsExactly(SlubProvider.class.getName());
  }

  @Test
  void provider_nameVersionAndDefaults_matchTheReferenceFile() throws IOException {
    SlubProvider p = new SlubProvider();
    assertThat(p.name()).isEqualTo("slub");
    assertThat(p.spiVersion()).isEqualTo(SpiVersion.CURRENT);
    assertThat(p.description()).contains("6.17");
    Properties ref = new Properties();
    try (InputStream in = getClass().getModule()
        .getResourceAsStream("io/mmsim/slub/defaults.properties")) {
      assertThat(in).isNotNull();
      ref.load(in);
    }
    assertThat(ref.stringPropertyNames()).hasSize(p.defaultSettings().size());
    p.defaultSettings().forEach((k, v) -> assertThat(ref.getProperty("slub." + k)).as(k)
        .isEqualTo(v));
  }
}
