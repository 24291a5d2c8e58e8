package io.mmsim.slab;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmsim.api.spi.ObjectAllocatorProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The provider is registered both ways: module descriptor and META-INF/services. */
final class ServiceRegistrationTest {

  @Test
  void registration_descriptorAndServicesFile_listTheSameProviders() throws IOException {
    Module module = getClass().getModule();
    assertThat(module.isNamed()).as("tests run inside the named module io.mmsim.slab").isTrue();
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
    assertThat(provided).containsExactly(SlabProvider.class.getName());
  }

  @Test
  void provider_nameAndVersion_areTheRegisteredOnes() {
    SlabProvider p = new SlabProvider();
    assertThat(p.name()).isEqualTo("slab");
    assertThat(p.spiVersion()).isEqualTo(io.mmsim.api.spi.SpiVersion.CURRENT);
    assertThat(p.defaultSettings()).containsOnlyKeys("max-order");
    assertThat(p.description()).contains("6.7").contains("removed 6.8");
  }
}
