package io.mmsim.vmalloc;

import org.junit.jupiter.api.Test;

import io.mmsim.api.spi.VirtualAllocatorProvider;
import io.mmsim.testkit.registration.ServiceRegistrations;

/** The module descriptor and the AutoService file register exactly the same providers. */
final class ServiceRegistrationTest {

  @Test
  void registrations_descriptorAndServiceFile_listTheSameProviders() {
    ServiceRegistrations.assertProvidesOnly(
        getClass(), VirtualAllocatorProvider.class, VmallocProvider.class);
  }

  @Test
  void provider_nameVersionAndDefaults_matchTheReferenceFile() {
    VmallocProvider p = new VmallocProvider();
    ServiceRegistrations.assertDescribesItself(p, "vmalloc");
    ServiceRegistrations.assertDefaultsFile(
        getClass(),
        "io/mmsim/vmalloc/defaults.properties",
        ServiceRegistrations.qualifiedDefaults(p));
  }
}
