package io.mmsim.slob;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mmsim.api.spi.ObjectAllocatorProvider;
import io.mmsim.testkit.registration.ServiceRegistrations;

final class ServiceRegistrationTest {

  @Test
  void module_providesAndServiceFile_listTheSameProviders() {
    ServiceRegistrations.assertProvidesOnly(
        getClass(), ObjectAllocatorProvider.class, SlobProvider.class);
  }

  @Test
  void provider_describesItself_asSlobWithItsSettings() {
    SlobProvider p = new SlobProvider();
    ServiceRegistrations.assertDescribesItself(p, "slob");
    assertThat(p.description()).contains("SLOB").contains("6.4");
    assertThat(p.defaultSettings()).containsOnlyKeys(SlobProvider.CHECK_INVARIANTS);
    ServiceRegistrations.assertDefaultsFile(
        getClass(), "io/mmsim/slob/defaults.properties", ServiceRegistrations.qualifiedDefaults(p));
  }
}
