package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmsim.api.spi.FaultHandlerProvider;
import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;
import io.mmsim.api.swap.SwapProvider;
import io.mmsim.swap.policy.ClockPolicyProvider;
import io.mmsim.swap.policy.FifoPolicyProvider;
import io.mmsim.swap.policy.LinuxPolicyProvider;
import io.mmsim.swap.policy.LruPolicyProvider;
import io.mmsim.swap.policy.OptPolicyProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The module descriptor and the AutoService files register the same providers. */
final class ServiceRegistrationTest {

  @Test
  void providers_descriptorAndServicesFiles_listTheSameImplementations() throws IOException {
    Module module = getClass().getModule();
    assertThat(module.isNamed()).as("tests run inside the named module").isTrue();
    ModuleDescriptor descriptor = module.getDescriptor();
    Map<String, Set<String>> provided = new TreeMap<>();
    for (ModuleDescriptor.Provides p : descriptor.provides()) {
      Set<String> fromDescriptor = new TreeSet<>(p.providers());
      Set<String> fromFile = new TreeSet<>(servicesFile(module, p.service()));
      assertThat(fromFile).as("META-INF/services/%s", p.service()).isEqualTo(fromDescriptor);
      provided.put(p.service(), fromDescriptor);
    }
    assertThat(provided).containsOnlyKeys(SwapProvider.class.getName(),
        FaultHandlerProvider.class.getName(), ReplacementPolicyProvider.class.getName());
    assertThat(provided.get(SwapProvider.class.getName()))
        .containsExactly(SwapSystemProvider.class.getName());
    assertThat(provided.get(FaultHandlerProvider.class.getName()))
        .containsExactly(SwapFaultHandlerProvider.class.getName());
    assertThat(provided.get(ReplacementPolicyProvider.class.getName())).containsExactlyInAnyOrder(
        LinuxPolicyProvider.class.getName(), FifoPolicyProvider.class.getName(),
        LruPolicyProvider.class.getName(), ClockPolicyProvider.class.getName(),
        OptPolicyProvider.class.getName());
  }

  @Test
  void providers_namesVersionsAndDescriptions() {
    List<Provider> all = List.of(new SwapSystemProvider(), new SwapFaultHandlerProvider(),
        new LinuxPolicyProvider(), new FifoPolicyProvider(), new LruPolicyProvider(),
        new ClockPolicyProvider(), new OptPolicyProvider());
    List<String> names = new ArrayList<>();
    for (Provider p : all) {
      names.add(p.name());
      assertThat(p.spiVersion()).isEqualTo(SpiVersion.CURRENT);
      assertThat(p.description()).isNotBlank().doesNotContain("\n");
    }
    assertThat(names).containsExactly("swap", "swap", "linux", "fifo", "lru", "clock", "opt");
    assertThat(new LinuxPolicyProvider().priority()).isGreaterThan(new FifoPolicyProvider()
        .priority());
    assertThat(new SwapSystemProvider().defaultSettings()).containsKeys("files", "memory",
        "fail-read.probability", "fail-read.interval", "fail-read.times", "fail-read.space",
        "fail-write.probability", "fail-write.interval", "fail-write.times", "fail-write.space");
  }

  private static List<String> servicesFile(Module module, String service) throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream in = module.getResourceAsStream("META-INF/services/" + service)) {
      assertThat(in).as("META-INF/services/%s in %s", service, module.getName()).isNotNull();
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
