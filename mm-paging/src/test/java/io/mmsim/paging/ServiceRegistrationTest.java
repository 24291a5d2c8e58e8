package io.mmsim.paging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.mmsim.api.spi.FaultHandlerProvider;
import io.mmsim.api.spi.PageTableProvider;
import io.mmsim.paging.demand.DemandPagingProvider;
import io.mmsim.paging.x86.X86PageTableProvider;
import io.mmsim.testkit.registration.ServiceRegistrations;

final class ServiceRegistrationTest {

  private final Module module = getClass().getModule();

  @Test
  void module_isNamed() {
    assertThat(module.isNamed()).as("tests must run inside the named module").isTrue();
    assertThat(module.getName()).isEqualTo("io.mmsim.paging");
    assertThat(module.getDescriptor().exports()).isEmpty();
  }

  @Test
  void providers_descriptorAndServicesFiles_listTheSameImplementationsOfTheTwoSpis() {
    assertThat(ServiceRegistrations.assertProvidesMatchServiceFiles(module))
        .containsOnly(
            Map.entry(
                PageTableProvider.class.getName(), Set.of(X86PageTableProvider.class.getName())),
            Map.entry(
                FaultHandlerProvider.class.getName(),
                Set.of(DemandPagingProvider.class.getName())));
  }

  @Test
  void providers_namesVersionsAndDefaults_matchTheReferenceFile() {
    X86PageTableProvider x86 = new X86PageTableProvider();
    DemandPagingProvider demand = new DemandPagingProvider();
    ServiceRegistrations.assertDescribesItself(x86, "x86_64");
    ServiceRegistrations.assertDescribesItself(demand, "demand");
    ServiceRegistrations.assertDefaultsFile(
        module,
        "io/mmsim/paging/defaults.properties",
        ServiceRegistrations.qualifiedDefaults(x86, demand));
  }
}
