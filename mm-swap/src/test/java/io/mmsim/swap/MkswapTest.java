package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.api.swap.SwapException;
import io.mmsim.api.swap.SwapSpace;

/** mkswap through the provider: what it writes, the swap system activates. */
final class MkswapTest {
  private static final UUID ID = UUID.fromString("0b1e2d3c-4a5b-6c7d-8e9f-a0b1c2d3e4f5");

  @TempDir Path dir;

  @Test
  void mkswap_oneMebibyte_reportsTheHeaderAndSwaponAcceptsIt() throws IOException {
    Path f = dir.resolve("swapfile");

    SwapSpace s = new SwapSystemProvider().mkswap(f, (1 << 20) + 100, "lbl", ID);

    // 256 pages; the header page is not usable; the 100-byte tail is not part of the area
    assertThat(s).isEqualTo(new SwapSpace(256, 255, "lbl", ID));
    assertThat(s.usableBytes()).isEqualTo(1_044_480);
    assertThat(Files.size(f)).isEqualTo((1 << 20) + 100);
    MiniKernel k = new MiniKernel(32, Policies.create("lru"), Map.of("files", f.toString()));
    assertThat(k.swap.areas()).singleElement().satisfies(a -> assertThat(a.space()).isEqualTo(s));
    assertThat(k.swap.totalSwapPages()).isEqualTo(255);
    k.swap.close();
  }

  @Test
  void mkswap_belowTenPages_refusedNamingTheFile_fileUntouched() {
    Path f = dir.resolve("small");

    assertThatThrownBy(() -> new SwapSystemProvider().mkswap(f, 9 * 4096, "", ID))
        .isInstanceOf(SwapException.class)
        .hasMessageStartingWith(f + ": ")
        .hasMessageContaining("at least 40 KiB");
    assertThat(Files.exists(f)).isFalse();
  }

  @Test
  void mkswap_labelOverFifteenBytes_refusedBeforeTheFileIsTouched() {
    Path f = dir.resolve("labelled");

    assertThatThrownBy(() -> new SwapSystemProvider().mkswap(f, 1 << 20, "sixteen-bytes-xx", ID))
        .isInstanceOf(SwapException.class)
        .hasMessageContaining("16 bytes of UTF-8; a swap header holds at most 15");
    assertThat(Files.exists(f)).isFalse();
  }

  @Test
  void mkswap_noUuid_refused() {
    Path f = dir.resolve("nouuid");

    assertThatThrownBy(() -> new SwapSystemProvider().mkswap(f, 1 << 20, "", null))
        .isInstanceOf(SwapException.class)
        .hasMessageContaining("UUID");
    assertThat(Files.exists(f)).isFalse();
  }
}
