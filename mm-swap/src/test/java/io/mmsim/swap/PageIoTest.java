package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.spi.Settings;

/** Reads and writes between frames and slots, with injected failures that change nothing. */
final class PageIoTest {
  private static final int SLOTS = 16;

  private final PhysicalMemory memory = new PhysicalMemory(8);
  private final SwapArea area =
      new SwapArea(
          0,
          new MemoryDevice("/dev/ram0", SLOTS),
          SwapHeader.create(SLOTS, "", new UUID(5, 6)),
          SLOTS,
          -2,
          true);

  private static PageIo io(Map<String, String> overrides) {
    Map<String, String> values = new LinkedHashMap<>(new SwapSystemProvider().defaultSettings());
    values.putAll(overrides);
    return new PageIo(
        LoggerFactory.getLogger(PageIoTest.class), new PhysicalMemory(1), settings(values), 7);
  }

  private PageIo ioOverMemory(Map<String, String> overrides) {
    Map<String, String> values = new LinkedHashMap<>(new SwapSystemProvider().defaultSettings());
    values.putAll(overrides);
    return new PageIo(LoggerFactory.getLogger(PageIoTest.class), memory, settings(values), 7);
  }

  private static Settings settings(Map<String, String> values) {
    return new Settings("swap", values);
  }

  private void fill(long pfn, int seed) {
    for (int i = 0; i < Page.PAGE_SIZE; i += 8) {
      memory.writeLong(pfn * Page.PAGE_SIZE + i, seed * 1_000_003L + i);
    }
  }

  private boolean holds(long pfn, int seed) {
    for (int i = 0; i < Page.PAGE_SIZE; i += 8) {
      if (memory.readLong(pfn * Page.PAGE_SIZE + i) != seed * 1_000_003L + i) {
        return false;
      }
    }
    return true;
  }

  private static long stat(PageIo io, String name) {
    Map<String, Long> m = new LinkedHashMap<>();
    io.addTransferCounters(m);
    io.addErrorCounters(m);
    return m.get(name);
  }

  @Test
  void writeThenRead_intoAnotherFrame_copiesEveryByte() {
    PageIo io = ioOverMemory(Map.of());
    fill(2, 9);

    assertThat(io.write(area, 3, 2)).isTrue();
    assertThat(io.read(area, 3, 5)).isTrue();

    assertThat(holds(5, 9)).isTrue();
    assertThat(stat(io, "pswpout")).isEqualTo(1);
    assertThat(stat(io, "pswpin")).isEqualTo(1);
    io.checkInvariants();
  }

  @Test
  void read_injectedFailure_leavesTheFrameAsItWasAndCountsAnError() {
    PageIo io = ioOverMemory(Map.of("fail-read.probability", "100", "fail-read.times", "1"));
    fill(2, 1);
    assertThat(io.write(area, 4, 2)).isTrue();
    fill(6, 2);

    assertThat(io.read(area, 4, 6)).isFalse();
    assertThat(holds(6, 2)).as("the failed read wrote nothing").isTrue();
    assertThat(stat(io, "swap_read_errors")).isEqualTo(1);
    assertThat(stat(io, "pswpin")).isZero();

    assertThat(io.read(area, 4, 6)).as("times=1: the next read passes").isTrue();
    assertThat(holds(6, 1)).isTrue();
    io.checkInvariants();
  }

  @Test
  void write_injectedFailure_leavesTheSlotAsItWas() {
    PageIo io = ioOverMemory(Map.of("fail-write.probability", "100", "fail-write.times", "1"));
    fill(1, 3);

    assertThat(io.write(area, 5, 1)).isFalse();
    assertThat(io.read(area, 5, 7)).isTrue();

    assertThat(memory.allEqual(7L * Page.PAGE_SIZE, Page.PAGE_SIZE, (byte) 0))
        .as("the slot was never written, so it reads as zeros")
        .isTrue();
    assertThat(stat(io, "swap_write_errors")).isEqualTo(1);
    assertThat(stat(io, "pswpout")).isZero();
    io.checkInvariants();
  }

  @Test
  void counters_inVmstatOrder() {
    Map<String, Long> m = new LinkedHashMap<>();
    PageIo io = io(Map.of());
    io.addTransferCounters(m);
    io.addErrorCounters(m);

    assertThat(m.keySet())
        .containsExactly("pswpin", "pswpout", "swap_read_errors", "swap_write_errors");
  }
}
