package io.mmsim.buddy;

import org.junit.jupiter.api.Test;

import io.mmsim.api.spi.PageAllocatorProvider;
import io.mmsim.testkit.registration.ServiceRegistrations;

/** The module descriptor and the AutoService file register the same providers. */
final class ServiceRegistrationTest {

  @Test
  void providers_descriptorAndServicesFile_listTheSameImplementations() {
    ServiceRegistrations.assertProvidesOnly(
        getClass(), PageAllocatorProvider.class, BuddyProvider.class);
  }

  @Test
  void provider_nameVersionAndDefaults_matchTheReferenceFile() {
    BuddyProvider p = new BuddyProvider();
    ServiceRegistrations.assertDescribesItself(p, "buddy");
    ServiceRegistrations.assertDefaultsFile(
        getClass(),
        "io/mmsim/buddy/defaults.properties",
        ServiceRegistrations.qualifiedDefaults(p));
  }
}
