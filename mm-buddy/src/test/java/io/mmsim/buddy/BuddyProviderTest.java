package io.mmsim.buddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.SpiVersion;
import io.mmsim.testkit.page.BootHandOff;

final class BuddyProviderTest {

  private static final MemoryLayout MB64 = new MemoryLayout(16384, 2);

  private static Map<String, String> settings(String... kv) {
    Map<String, String> m = new HashMap<>(new BuddyProvider().defaultSettings());
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void provider_identity_isStable() {
    BuddyProvider p = new BuddyProvider();

    assertThat(p.name()).isEqualTo("buddy");
    assertThat(p.description()).isNotBlank();
    assertThat(p.spiVersion()).isEqualTo(SpiVersion.CURRENT);
    assertThat(p.defaultSettings())
        .containsExactly(
            Map.entry("min-free-kbytes", ""),
            Map.entry("watermark-scale-factor", "10"),
            Map.entry("check-invariants", "false"));
  }

  @Test
  void create_defaults_givesAnEmptyBuddyAllocatorThatBoots() {
    PageAllocator a = new BuddyProvider().create(Buddies.context(MB64, settings()));

    assertThat(a).isInstanceOf(BuddyAllocator.class);
    assertThat(a.name()).isEqualTo("buddy");
    assertThat(a.managedPages()).isZero();
    BootHandOff.boot(a, MB64, 0, 1);
    assertThat(((BuddyAllocator) a).minFreeKbytes()).isEqualTo(1023);
    a.checkInvariants();
  }

  @Test
  void create_minFreeKbytes_isUsedAtBoot() {
    PageAllocator a =
        new BuddyProvider()
            .create(
                Buddies.context(
                    MB64,
                    settings(
                        "min-free-kbytes",
                        "2048",
                        "watermark-scale-factor",
                        "0x64",
                        "check-invariants",
                        "true")));
    BootHandOff.boot(a, MB64);

    BuddyAllocator b = (BuddyAllocator) a;
    assertThat(b.minFreeKbytes()).isEqualTo(2048);
    assertThat(b.debugChecks()).isTrue();
    // step = max(min / 4, managed * 100 / 10000): 122 for DMA32's 12288 pages
    assertThat(b.zoneStats(Zone.DMA32).low()).isEqualTo(384 + 122);
    long p = a.allocPages(0, Gfp.KERNEL, 0);
    long q = a.allocPages(1, Gfp.KERNEL, 5);
    a.freePages(1, p, 0);
    a.freePages(0, q, 5);
    a.drainAllPages();
    assertThat(a.nrFreePages()).isEqualTo(16384);
  }

  @Test
  void create_defaults_doNotCheckInvariantsOnEveryCall() {
    BuddyAllocator b =
        (BuddyAllocator) new BuddyProvider().create(Buddies.context(MB64, settings()));

    assertThat(b.debugChecks()).isFalse();
  }

  @Test
  void create_badValues_throwConfigurationExceptionNamingTheKey() {
    BuddyProvider p = new BuddyProvider();

    assertThatThrownBy(
            () -> p.create(Buddies.context(MB64, settings("watermark-scale-factor", "0"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("buddy.watermark-scale-factor");
    assertThatThrownBy(
            () -> p.create(Buddies.context(MB64, settings("watermark-scale-factor", "3001"))))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> p.create(Buddies.context(MB64, settings("min-free-kbytes", "-5"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("buddy.min-free-kbytes");
    assertThatThrownBy(() -> p.create(Buddies.context(MB64, settings("min-free-kbytes", "lots"))))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> p.create(Buddies.context(MB64, settings("check-invariants", "maybe"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("buddy.check-invariants");
  }

  @Test
  void create_machineTooLargeForIntPfns_throwsConfigurationException() {
    assertThatThrownBy(
            () ->
                new BuddyProvider()
                    .create(Buddies.context(new MemoryLayout(1L << 31, 1), settings())))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("buddy");
  }
}
