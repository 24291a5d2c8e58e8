package io.mmsim.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The number and size syntax of configuration files and workloads. */
final class SizesTest {

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "4096, 4096",
    "0x1000, 4096",
    "0X10, 16",
    "64K, 65536",
    "64k, 65536",
    "64KB, 65536",
    "64KiB, 65536",
    "1M, 1048576",
    "1G, 1073741824",
    "2T, 2199023255552",
    "' 8M ', 8388608"
  })
  void parseSize_suffixesAreBinaryMultiples(String text, long bytes) {
    assertThat(Sizes.parseSize(text)).isEqualTo(bytes);
  }

  @Test
  void parseSize_largestThatFits_andOneStepBeyond() {
    long maxT = Long.MAX_VALUE >> 40;
    assertThat(Sizes.parseSize(maxT + "T")).isEqualTo(maxT << 40);
    assertThatThrownBy(() -> Sizes.parseSize((maxT + 1) + "T"))
        .isInstanceOf(NumberFormatException.class)
        .hasMessageContaining("too large");
  }

  @ParameterizedTest
  @CsvSource({"'', not a size", "12Q, not a size", "K, not a size", "-4K, negative size"})
  void parseSize_malformed_quotesTheText(String text, String reason) {
    assertThatThrownBy(() -> Sizes.parseSize(text))
        .isInstanceOf(NumberFormatException.class)
        .hasMessageContaining(reason)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void parseNumber_decimalAndUnsignedHex() {
    assertThat(Sizes.parseNumber("-17")).isEqualTo(-17);
    assertThat(Sizes.parseNumber("0xffffffffffffffff")).isEqualTo(-1L);
    assertThatThrownBy(() -> Sizes.parseNumber("0x1g"))
        .isInstanceOf(NumberFormatException.class)
        .hasMessageContaining("'0x1g'");
    assertThatThrownBy(() -> Sizes.parseNumber(" "))
        .isInstanceOf(NumberFormatException.class)
        .hasMessageContaining("empty");
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "1000, 1000", "1024, 1K", "1536, 1536", "1048576, 1M", "3221225472, 3G"})
  void format_largestExactBinarySuffix(long bytes, String text) {
    assertThat(Sizes.format(bytes)).isEqualTo(text);
    assertThat(Sizes.parseSize(text)).as("format and parse agree").isEqualTo(bytes);
  }
}
