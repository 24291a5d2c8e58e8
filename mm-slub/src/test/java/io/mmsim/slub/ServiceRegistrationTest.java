package io.mmsim.slub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mmsim.api.spi.ObjectAllocatorProvider;
import io.mmsim.testkit.registration.ServiceRegistrations;

/** The provider is registered both ways (module descriptor and META-INF/services) and agrees. */
final class ServiceRegistrationTest {

  @Test
  void registration_descriptorAndServicesFile_listTheSameProviders() {
    ServiceRegistrations.assertProvidesOnly(
        getClass(), ObjectAllocatorProvider.class, SlubProvider.class);
  }

  @Test
  void provider_nameVersionAndDefaults_matchTheReferenceFile() {
    SlubProvider p = new SlubProvider();
    ServiceRegistrations.assertDescribesItself(p, "slub");
    assertThat(p.description()).contains("6.17");
    ServiceRegistrations.assertDefaultsFile(
        getClass(), "io/mmsim/slub/defaults.properties", ServiceRegistrations.qualifiedDefaults(p));
  }
}
