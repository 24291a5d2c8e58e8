package io.mmsim.paging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.mmsim.api.spi.SpiVersion;
import io.mmsim.paging.demand.DemandPagingProvider;
import io.mmsim.paging.x86.X86PageTableProvider;

final class ProviderDefaultsTest {

  @Test
  void defaultsFile_matchesBothProvidersDefaultSettings() throws IOException {
    Properties file = new Properties();
    try (InputStream in =
        getClass().getModule().getResourceAsStream("io/mmsim/paging/defaults.properties")) {
      assertThat(in).isNotNull();
      file.load(in);
    }
    Map<String, String> expected = new TreeMap<>();
    X86PageTableProvider x86 = new X86PageTableProvider();
    x86.defaultSettings().forEach((k, v) -> expected.put(x86.name() + "." + k, v));
    DemandPagingProvider demand = new DemandPagingProvider();
    demand.defaultSettings().forEach((k, v) -> expected.put(demand.name() + "." + k, v));
    Map<String, String> actual = new TreeMap<>();
    file.forEach((k, v) -> actual.put((String) k, (String) v));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void providers_describeThemselves() {
    X86PageTableProvider x86 = new X86PageTableProvider();
    DemandPagingProvider demand = new DemandPagingProvider();
    assertThat(x86.name()).isEqualTo("x86_64");
    assertThat(demand.name()).isEqualTo("demand");
    assertThat(x86.spiVersion()).isEqualTo(SpiVersion.CURRENT);
    assertThat(demand.spiVersion()).isEqualTo(SpiVersion.CURRENT);
    assertThat(x86.description()).isNotBlank();
    assertThat(demand.description()).isNotBlank();
    assertThat(x86.defaultSettings())
        .containsOnlyKeys(
            "levels",
            "tlb-entries",
            "tlb-ways",
            "nx",
            "wp",
            "phys-bits",
            "gbpages",
            "user-ds-base",
            "user-ds-limit");
    assertThat(demand.defaultSettings()).isEmpty();
  }
}
