package io.mmsim.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.registration.ServiceRegistrations;

/** The descriptor and the AutoService files register the nine policies; names, keys, citations. */
final class ServiceRegistrationTest {

  private static final List<ReplacementPolicyProvider> ALL =
      List.of(
          new ArcPolicyProvider(),
          new TwoQueuePolicyProvider(),
          new LirsPolicyProvider(),
          new ClockProPolicyProvider(),
          new S3FifoPolicyProvider(),
          new SievePolicyProvider(),
          new LfuPolicyProvider(),
          new MruPolicyProvider(),
          new RandomPolicyProvider());

  @Test
  void providers_descriptorAndServicesFiles_listTheSameNine() {
    assertThat(getClass().getModule().isNamed()).as("tests run inside the named module").isTrue();
    Map<String, Set<String>> provided =
        ServiceRegistrations.assertProvidesMatchServiceFiles(getClass());
    assertThat(provided).containsOnlyKeys(ReplacementPolicyProvider.class.getName());
    assertThat(provided.get(ReplacementPolicyProvider.class.getName()))
        .containsExactlyInAnyOrderElementsOf(
            ALL.stream().map(p -> p.getClass().getName()).toList());
  }

  @Test
  void providers_namesVersionsDescriptionsAndCitations() {
    List<String> names =
        List.of("arc", "2q", "lirs", "clock-pro", "s3fifo", "sieve", "lfu", "mru", "random");
    for (int i = 0; i < ALL.size(); i++) {
      ServiceRegistrations.assertDescribesItself(ALL.get(i), names.get(i));
    }
    assertThat(new ArcPolicyProvider().description()).contains("Megiddo and Modha, FAST '03");
    assertThat(new TwoQueuePolicyProvider().description()).contains("Johnson and Shasha, VLDB '94");
    assertThat(new LirsPolicyProvider().description()).contains("Jiang and Zhang, SIGMETRICS '02");
    assertThat(new ClockProPolicyProvider().description())
        .contains("Jiang, Chen and Zhang, USENIX ATC '05");
    assertThat(new S3FifoPolicyProvider().description()).contains("Yang et al., SOSP '23");
    assertThat(new SievePolicyProvider().description()).contains("Zhang et al., NSDI '24");
  }

  @Test
  void providers_defaults_matchTheReferenceFile() {
    ServiceRegistrations.assertDefaultsFile(
        getClass(),
        "io/mmsim/policies/defaults.properties",
        ServiceRegistrations.qualifiedDefaults(ALL.toArray(new ReplacementPolicyProvider[0])));
  }

  @Test
  void create_badRatio_throwsNamingTheFullKey() {
    S3FifoPolicyProvider p = new S3FifoPolicyProvider();
    Map<String, String> values = new HashMap<>(p.defaultSettings());
    values.put("small-ratio", "a tenth");
    Settings s = new Settings("s3fifo", values);
    assertThatThrownBy(
            () ->
                p.create(
                    new ProviderContext() {
                      @Override
                      public MemoryLayout layout() {
                        return new MemoryLayout(1024, 1);
                      }

                      @Override
                      public Settings settings() {
                        return s;
                      }

                      @Override
                      public String loggerName() {
                        return "t";
                      }

                      @Override
                      public long seed() {
                        return 0;
                      }
                    }))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("s3fifo.small-ratio")
        .satisfies(
            e -> assertThat(((ConfigurationException) e).key()).isEqualTo("s3fifo.small-ratio"));
  }
}
