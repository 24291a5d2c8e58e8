package io.mmsim.paging;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmsim.api.spi.FaultHandlerProvider;
import io.mmsim.api.spi.PageTableProvider;
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

final class ServiceRegistrationTest {

  private final Module module = getClass().getModule();

  @Test
  void module_isNamed() {
    assertThat(module.isNamed()).as("tests must run inside the named module").isTrue();
    assertThat(module.getName()).isEqualTo("io.mmsim.paging");
  }

  @Test
  void pageTableProvider_descriptorAndServicesFile_listTheSameImplementations() throws IOException {
    Set<String> provided = provided(PageTableProvider.class);
    assertThat(provided).isNotEmpty().isEqualTo(servicesFile(PageTableProvider.class));
    assertThat(provided).containsExactly("io.mmsim.paging.x86.X86PageTableProvider");
  }

  @Test
  void faultHandlerProvider_descriptorAndServicesFile_listTheSameImplementations()
      throws IOException {
    Set<String> provided = provided(FaultHandlerProvider.class);
    assertThat(provided).isNotEmpty().isEqualTo(servicesFile(FaultHandlerProvider.class));
    assertThat(provided).containsExactly("io.mmsim.paging.demand.DemandPagingProvider");
  }

  @Test
  void descriptor_providesOnlyTheTwoSpis() {
    List<String> services = new ArrayList<>();
    for (ModuleDescriptor.Provides p : module.getDescriptor().provides()) {
      services.add(p.service());
    }
    assertThat(services).containsExactlyInAnyOrder(PageTableProvider.class.getName(),
        FaultHandlerProvider.class.getName());
    assertThat(module.getDescriptor().exports()).isEmpty();
  }

  private Set<String> provided(Class<?> spi) {
    assertThat(module.isNamed()).isTrue();
    Set<String> names = new TreeSet<>();
    for (ModuleDescriptor.Provides p : module.getDescriptor().provides()) {
      if (p.service().equals(spi.getName())) {
        names.addAll(p.providers());
      }
    }
    return names;
  }

  private Set<String> servicesFile(Class<?> spi) throws IOException {
    Set<String> names = new TreeSet<>();
    try (InputStream in = module.getResourceAsStream("META-INF/services/" + spi.getName())) {
      assertThat(in).as("META-INF/services/" + spi.getName()).isNotNull();
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
