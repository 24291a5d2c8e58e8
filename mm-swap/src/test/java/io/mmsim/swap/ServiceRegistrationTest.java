package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.mmsim.api.spi.FaultHandlerProvider;
import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.swap.SwapProvider;
import io.mmsim.swap.policy.ClockPolicyProvider;
import io.mmsim.swap.policy.FifoPolicyProvider;
import io.mmsim.swap.policy.LinuxPolicyProvider;
import io.mmsim.swap.policy.LruPolicyProvider;
import io.mmsim.swap.policy.MglruPolicyProvider;
import io.mmsim.swap.policy.OptPolicyProvider;
import io.mmsim.testkit.registration.ServiceRegistrations;

/** The module descriptor and the AutoService files register the same providers. */
final class ServiceRegistrationTest {

  @Test
  void providers_descriptorAndServicesFiles_listTheSameImplementations() {
    Map<String, Set<String>> provided =
        ServiceRegistrations.assertProvidesMatchServiceFiles(getClass());
    assertThat(provided)
        .containsOnlyKeys(
            SwapProvider.class.getName(),
            FaultHandlerProvider.class.getName(),
            ReplacementPolicyProvider.class.getName());
    assertThat(provided.get(SwapProvider.class.getName()))
        .containsExactly(SwapSystemProvider.class.getName());
    assertThat(provided.get(FaultHandlerProvider.class.getName()))
        .containsExactly(SwapFaultHandlerProvider.class.getName());
    assertThat(provided.get(ReplacementPolicyProvider.class.getName()))
        .containsExactlyInAnyOrder(
            LinuxPolicyProvider.class.getName(),
            MglruPolicyProvider.class.getName(),
            FifoPolicyProvider.class.getName(),
            LruPolicyProvider.class.getName(),
            ClockPolicyProvider.class.getName(),
            OptPolicyProvider.class.getName());
  }

  @Test
  void providers_namesVersionsAndDescriptions() {
    List<Provider> all =
        List.of(
            new SwapSystemProvider(),
            new SwapFaultHandlerProvider(),
            new LinuxPolicyProvider(),
            new MglruPolicyProvider(),
            new FifoPolicyProvider(),
            new LruPolicyProvider(),
            new ClockPolicyProvider(),
            new OptPolicyProvider());
    List<String> names = List.of("swap", "swap", "linux", "mglru", "fifo", "lru", "clock", "opt");
    for (int i = 0; i < all.size(); i++) {
      ServiceRegistrations.assertDescribesItself(all.get(i), names.get(i));
    }
    assertThat(new LinuxPolicyProvider().priority())
        .isGreaterThan(new FifoPolicyProvider().priority());
    assertThat(new SwapSystemProvider().defaultSettings())
        .containsKeys(
            "files",
            "memory",
            "fail-read.probability",
            "fail-read.interval",
            "fail-read.times",
            "fail-read.space",
            "fail-write.probability",
            "fail-write.interval",
            "fail-write.times",
            "fail-write.space");
  }

  @Test
  void providers_defaults_matchTheReferenceFile() {
    // the fault handler and most policies read no keys; the swap subsystem's are swap.<key>,
    // mglru's mglru.<key>
    ServiceRegistrations.assertDefaultsFile(
        getClass(),
        "io/mmsim/swap/defaults.properties",
        ServiceRegistrations.qualifiedDefaults(
            new SwapSystemProvider(), new SwapFaultHandlerProvider(), new MglruPolicyProvider()));
    assertThat(
            ServiceRegistrations.qualifiedDefaults(
                new LinuxPolicyProvider(),
                new FifoPolicyProvider(),
                new LruPolicyProvider(),
                new ClockPolicyProvider(),
                new OptPolicyProvider()))
        .isEmpty();
  }
}
