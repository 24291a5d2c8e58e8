package io.mmsim.swap;

import java.nio.ByteOrder;
import java.util.Arrays;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.mmsim.api.swap.SwapException;

/**
 * Fuzz test of the swap header parser (what swapon reads from a file it did not make). The
 * property: any first page and device size give a header that holds together, or a {@link
 * SwapException} in the kernel's words, never another exception. A header that was accepted lists
 * only bad pages inside the area, fits the device, and reads back the same after it is written out
 * again in either byte order.
 *
 * <p>In a plain build the committed seeds under {@code SwapHeaderFuzzTestInputs/parse/} run as
 * regression tests; {@code JAZZER_FUZZ=1} fuzzes (see the README).
 */
final class SwapHeaderFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void parse(FuzzedDataProvider data) {
    long deviceBytes = data.consumeBoolean() ? 0 : data.consumeLong(0, 1L << 44);
    byte[] page = data.consumeRemainingAsBytes();
    SwapHeader h;
    try {
      h = SwapHeader.parse(page, deviceBytes);
    } catch (SwapException refused) {
      if (refused.kernelMessage() == null || refused.kernelMessage().isEmpty()) {
        throw new AssertionError("a refusal without the kernel's words", refused);
      }
      return;
    }
    long devicePages = deviceBytes / SwapHeader.PAGE_SIZE;
    if (h.lastPage() < 1
        || (devicePages != 0 && Math.min(h.pages(), SwapHeader.MAX_LAST_PAGE) > devicePages)) {
      throw new AssertionError("accepted an area of " + h.pages() + " pages on " + deviceBytes);
    }
    for (int bad : h.badPages()) {
      long nr = Integer.toUnsignedLong(bad);
      if (nr == 0 || nr > h.lastPage()) {
        throw new AssertionError("accepted bad page " + nr + " outside 1.." + h.lastPage());
      }
    }
    if (h.goodPages() <= 0) {
      throw new AssertionError("accepted an area without a usable page: " + h);
    }
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      SwapHeader again = SwapHeader.parse(h.toBytes(order), deviceBytes);
      if (again.lastPage() != h.lastPage()
          || !Arrays.equals(again.badPages(), h.badPages())
          || !again.uuid().equals(h.uuid())) {
        throw new AssertionError(
            "written " + order + " and read back differently: " + h + " / " + again);
      }
    }
  }
}
