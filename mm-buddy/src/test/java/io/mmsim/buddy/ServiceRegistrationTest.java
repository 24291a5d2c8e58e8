package io.mmsim.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The module descriptor and the AutoService file register the same providers. */
final class ServiceRegistrationTest {

  @Test
  void providers_descriptorAndServicesFile_listTheSameImplementations() throws IOException {
    Module module = getClass().getModule();
    assertThat(module.isNamed()).as("tests run inside the named module").isTrue();
    ModuleDescriptor descriptor = module.getDescriptor();

    for (ModuleDescriptor.Provides p : descriptor.provides()) {
      Set<String> fromDescriptor = new TreeSet<>(p.providers());
      Set<String> fromFile = new TreeSet<>(servicesFile(module, p.service()));
      assertThat(fromFile).as("META-INF/services/%s", p.service()).isEqualTo(fromDescriptor);
    }
    assertThat(descriptor.provides()).isNotEmpty();
    assertThat(descriptor.provides())
        .anySatisfy(p -> {
          assertThat(p.service()).isEqualTo("io.mmsim.api.spi.PageAllocatorProvider");
          assertThat(p.providers()).containsExactly(BuddyProvider.class.getName());
        });
  }

  private static List<String> servicesFile(Module module, String service) throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream in = module.getResourceAsStream("META-INF/services/" + service)) {
      assertThat(in).as("META-INF/services/%s in %s", service, module.getName()).isNotNull();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        int hash = line.indexOf('#');
        String name = (hash >= 0 ? line.substring(0, hash) : line).trim();
        if (!name.isEmpty()) {
          names.add(name);
        }
      }
    }
    return names;
  }
}
