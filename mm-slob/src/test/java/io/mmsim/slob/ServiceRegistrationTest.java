package io.mmsim.slob;

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
import org.junit.jupiter.api.Test;

final class ServiceRegistrationTest {

  @Test
  void module_providesAndServiceFile_listTheSameProviders() throws IOException {
    Module module = getClass().getModule();
    assertThat(module.isNamed()).as("tests run inside the named module").isTrue();
    String spi = ObjectAllocatorProvider.class.getName();
    List<String> declared = new ArrayList<>();
    for (ModuleDescriptor.Provides p : module.getDescriptor().provides()) {
      if (p.service().equals(spi)) {
        declared.addAll(p.providers());
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
    assertThat(declared).isNotEmpty().containsExactlyInAnyOrderElementsOf(listed);
    assertThat(declared).containsExactly(SlobProvider.class.getName());
  }

  @Test
  void provider_describesItself_asSlobWithItsSettings() {
    SlobProvider p = new SlobProvider();
    assertThat(p.name()).isEqualTo("slob");
    assertThat(p.spiVersion()).isEqualTo(SpiVersion.CURRENT);
    assertThat(p.description()).contains("SLOB").contains("6.4");
    assertThat(p.defaultSettings()).containsOnlyKeys(SlobProvider.CHECK_INVARIANTS);
  }
}
