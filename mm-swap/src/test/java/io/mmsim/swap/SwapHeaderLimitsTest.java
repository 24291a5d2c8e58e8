package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * The edges of the swap header's limits (include/linux/swap.h: union swap_header; mm/swapfile.c:
 * read_swap_header): last_page is a u32, at most MAX_SWAP_BADPAGES = 637 bad pages, each in
 * 1..last_page.
 */
final class SwapHeaderLimitsTest {
  private static final UUID ID = UUID.fromString("0a8c5f2e-3d41-4b7a-9c60-1f2e3d4c5b6a");

  private static int[] firstPages(int n) {
    int[] bad = new int[n];
    for (int i = 0; i < n; i++) {
      bad[i] = i + 1;
    }
    return bad;
  }

  @Test
  void create_largestAreaTheU32LastPageHolds_acceptedOneMoreRefused() {
    long most = 1L << 32; // last_page 0xffffffff
    assertThat(SwapHeader.create(most, "", ID).pages()).isEqualTo(most);
    assertThatThrownBy(() -> SwapHeader.create(most + 1, "", ID))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "swap area of 4294967297 pages is too large: the header holds at most 4294967296"
                + " pages");
  }

  @Test
  void create_badPageOnTheLastPage_acceptedOnePastRefused() {
    SwapHeader h = SwapHeader.create(10, "", ID, new int[] {9, 4});
    assertThat(h.nrBadPages()).isEqualTo(2);
    assertThat(h.badPages()).containsExactly(9, 4);
    assertThatThrownBy(() -> SwapHeader.create(10, "", ID, new int[] {10}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad page 10 outside 1..9");
    assertThatThrownBy(() -> SwapHeader.create(10, "", ID, new int[] {0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad page 0 outside 1..9");
  }

  @Test
  void create_exactly637BadPages_accepted638Refused() {
    assertThat(SwapHeader.create(1000, "", ID, firstPages(637)).nrBadPages()).isEqualTo(637);
    assertThatThrownBy(() -> SwapHeader.create(1000, "", ID, firstPages(638)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("too many bad pages: 638 (at most 637)");
  }

  @Test
  void parse_exactly637BadPages_bothByteOrders_accepted() {
    SwapHeader made = SwapHeader.create(1000, "full", ID, firstPages(637));
    long size = 1000L * SwapHeader.PAGE_SIZE;
    SwapHeader little = SwapHeader.parse(made.toBytes(), size);
    assertThat(little.nrBadPages()).isEqualTo(637);
    assertThat(little).isEqualTo(made);
    SwapHeader big = SwapHeader.parse(made.toBytes(ByteOrder.BIG_ENDIAN), size);
    assertThat(big.nrBadPages()).isEqualTo(637);
    assertThat(big.byteSwapped()).isTrue();
    assertThat(big).as("byte order is part of the header").isNotEqualTo(little);
  }

  @Test
  void parse_deviceExactlyTheAreaSize_accepted() {
    SwapHeader made = SwapHeader.create(64, "", ID);
    assertThat(SwapHeader.parse(made.toBytes(), 64L * SwapHeader.PAGE_SIZE).pages()).isEqualTo(64);
  }

  @Test
  void equals_everyFieldCounts() {
    SwapHeader h = SwapHeader.create(64, "a", ID, new int[] {3});
    assertThat(h).isEqualTo(SwapHeader.create(64, "a", ID, new int[] {3}));
    assertThat(h.hashCode()).isEqualTo(SwapHeader.create(64, "a", ID, new int[] {3}).hashCode());
    assertThat(h).isNotEqualTo(SwapHeader.create(65, "a", ID, new int[] {3}));
    assertThat(h).isNotEqualTo(SwapHeader.create(64, "b", ID, new int[] {3}));
    assertThat(h).isNotEqualTo(SwapHeader.create(64, "a", ID, new int[] {4}));
    assertThat(h).isNotEqualTo(SwapHeader.create(64, "a", UUID.randomUUID(), new int[] {3}));
    assertThat(h).isNotEqualTo("a");
  }

  @Test
  void toString_namesVersionLastPageBadPagesLabelAndUuid() {
    assertThat(SwapHeader.create(64, "", ID))
        .hasToString("SwapHeader[version 1, last_page 63, 0 bad pages, no label, UUID=" + ID + "]");
    SwapHeader swapped =
        SwapHeader.parse(
            SwapHeader.create(64, "x", ID, new int[] {5}).toBytes(ByteOrder.BIG_ENDIAN),
            64L * SwapHeader.PAGE_SIZE);
    assertThat(swapped)
        .hasToString(
            "SwapHeader[version 1, last_page 63, 1 bad pages, LABEL=x, UUID="
                + ID
                + ", byte-swapped]");
  }
}
