package io.mmsim.api.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.api.spi.SpiVersion;

/** The swap SPI's defaults: a provider without an on-disk format refuses to format. */
final class SwapProviderTest {
  @TempDir Path dir;

  /** A swap provider that only builds subsystems. */
  private static final class MemoryOnly implements SwapProvider {
    @Override
    public String name() {
      return "memonly";
    }

    @Override
    public String description() {
      return "in-memory areas only";
    }

    @Override
    public int spiVersion() {
      return SpiVersion.CURRENT;
    }

    @Override
    public SwapSystem create(SwapContext ctx) {
      throw new UnsupportedOperationException("not needed here");
    }
  }

  @Test
  void mkswap_providerWithoutAFormat_refusesNamingItAndTouchesNothing() {
    Path f = dir.resolve("swapfile");

    assertThatThrownBy(() -> new MemoryOnly().mkswap(f, 1 << 20, "", new UUID(1, 1)))
        .isInstanceOf(SwapException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("'memonly' cannot format swap files");
    assertThat(Files.exists(f)).isFalse();
  }

  @Test
  void swapSpace_usableBytes_areTheGoodPages() {
    SwapSpace s = new SwapSpace(256, 253, "x", new UUID(0, 1));

    assertThat(s.usableBytes()).isEqualTo(253L * 4096);
    assertThatThrownBy(() -> new SwapSpace(10, 10, "", new UUID(0, 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SwapSpace(10, 9, null, new UUID(0, 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
