package io.mmsim.slab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mmsim.api.spi.ObjectAllocatorProvider;
import io.mmsim.testkit.registration.ServiceRegistrations;

/** The provider is registered both ways: module descriptor and META-INF/services. */
final class ServiceRegistrationTest {

  @Test
  void registration_descriptorAndServicesFile_listTheSameProviders() {
    ServiceRegistrations.assertProvidesOnly(
        getClass(), ObjectAllocatorProvider.class, SlabProvider.class);
  }

  @Test
  void provider_nameAndVersion_areTheRegisteredOnes() {
    SlabProvider p = new SlabProvider();
    ServiceRegistrations.assertDescribesItself(p, "slab");
    assertThat(p.defaultSettings()).containsOnlyKeys("max-order");
    assertThat(p.description()).contains("6.7").contains("removed 6.8");
    ServiceRegistrations.assertDefaultsFile(
        getClass(), "io/mmsim/slab/defaults.properties", ServiceRegistrations.qualifiedDefaults(p));
  }
}
