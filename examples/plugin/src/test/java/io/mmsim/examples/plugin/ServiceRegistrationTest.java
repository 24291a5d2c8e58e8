package io.mmsim.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.mmsim.api.spi.PageAllocatorProvider;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.registration.ServiceRegistrations;

/** The module descriptor and the AutoService files register the same two providers. */
final class ServiceRegistrationTest {

  @Test
  void providers_descriptorAndServicesFiles_listTheSameImplementations() {
    Map<String, Set<String>> provided =
        ServiceRegistrations.assertProvidesMatchServiceFiles(getClass());

    assertThat(provided)
        .containsOnly(
            Map.entry(
                PageAllocatorProvider.class.getName(), Set.of(FirstFitProvider.class.getName())),
            Map.entry(
                ReplacementPolicyProvider.class.getName(),
                Set.of(LifoPolicyProvider.class.getName())));
  }

  @Test
  void providers_describeThemselves() {
    ServiceRegistrations.assertDescribesItself(new FirstFitProvider(), "firstfit");
    ServiceRegistrations.assertDescribesItself(new LifoPolicyProvider(), "lifo");
  }
}
