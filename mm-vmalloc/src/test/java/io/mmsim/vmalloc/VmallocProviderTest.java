package io.mmsim.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.spi.SpiVersion;
import io.mmsim.api.vmalloc.VirtualAllocator;

final class VmallocProviderTest {

  @Test
  void provider_describesItself() {
    VmallocProvider p = new VmallocProvider();

    assertThat(p.name()).isEqualTo("vmalloc");
    assertThat(p.description()).isNotBlank().doesNotContain("\n");
    assertThat(p.spiVersion()).isEqualTo(SpiVersion.CURRENT);
    assertThat(p.defaultSettings()).containsExactly(Map.entry("lazy", "true"));
  }

  @Test
  void defaultsFile_documentsExactlyTheDefaultSettings() throws IOException {
    Properties props = new Properties();
    try (InputStream in =
        getClass().getModule().getResourceAsStream("io/mmsim/vmalloc/defaults.properties")) {
      assertThat(in).isNotNull();
      props.load(in);
    }
    Map<String, String> expected = new VmallocProvider().defaultSettings();
    assertThat(props).hasSize(expected.size());
    for (Map.Entry<String, String> e : expected.entrySet()) {
      assertThat(props.getProperty("vmalloc." + e.getKey())).isEqualTo(e.getValue());
    }
  }

  @Test
  void create_lazyNotABoolean_throwsNamingTheKey() {
    TestVmallocContext ctx = new TestVmallocContext(256, 1, 4, Map.of("lazy", "maybe"));

    assertThatThrownBy(() -> new VmallocProvider().create(ctx.context()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("vmalloc.lazy");
  }

  @Test
  void create_threeCpus_usesTheKernelsLazyThreshold() {
    VirtualAllocator vm =
        new VmallocProvider()
            .create(new TestVmallocContext(256, 3, 4, Map.of("lazy", "true")).context());

    assertThat(vm.statistics().get("lazy_max_pages")).isEqualTo(2 * 8192);
    vm.checkInvariants();
  }
}
