package io.mmsim.swap;

import java.io.IOException;
import java.util.Map;

import org.slf4j.Logger;

import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.spi.Settings;

/*
 * Page I/O between frames and swap slots (mm/page_io.c: swap_read_folio, swap_writepage), with
 * fault injection on each direction (FaultAttr, the swap.fail-read.* and swap.fail-write.* keys).
 *
 * A read copies the slot into the frame through one page-sized buffer; a write copies the frame
 * out through the same buffer. An injected failure is decided before the device is touched, so a
 * failed read leaves the frame as it was and a failed write leaves the slot as it was. A device
 * error (IOException) is logged at WARN with the kernel's wording and counted like an injected
 * one.
 *
 * Counters: pswpin and pswpout count pages moved; swap_read_errors and swap_write_errors count
 * failed attempts, injected or real.
 *
 * Invariants (checkInvariants): every injected failure was counted as an error, so the error
 * counters are at least the injected counts, and no counter is negative.
 *
 * Single-threaded: one kernel, one thread (the buffer is shared by every call).
 */
final class PageIo {
  private static final int PAGE = Page.PAGE_SIZE;

  private final Logger log;
  private final PhysicalMemory memory;
  private final FaultAttr failRead;
  private final FaultAttr failWrite;
  private final byte[] buffer = new byte[PAGE];
  private long pswpin;
  private long pswpout;
  private long readErrors;
  private long writeErrors;

  PageIo(Logger log, PhysicalMemory memory, Settings settings, long seed) {
    this.log = log;
    this.memory = memory;
    this.failRead = FaultAttr.fromSettings(settings, "fail-read", seed ^ 0x5eedL);
    this.failWrite = FaultAttr.fromSettings(settings, "fail-write", seed ^ 0x3e17eL);
  }

  /**
   * Reads slot {@code offset} of area {@code a} into frame {@code pfn} (swap_read_folio).
   *
   * @return false on an injected or device error; the frame is then unchanged
   */
  boolean read(SwapArea a, int offset, long pfn) {
    if (failRead.shouldFail(PAGE)) {
      readErrors++;
      return false;
    }
    try {
      a.device.read(offset, buffer);
    } catch (IOException e) {
      readErrors++;
      log.warn("Read-error on swap-device ({}:{}): {}", a.type, offset, e.toString());
      return false;
    }
    memory.writePage(pfn, buffer, 0);
    pswpin++;
    return true;
  }

  /**
   * Writes frame {@code pfn} to slot {@code offset} of area {@code a} (swap_writepage).
   *
   * @return false on an injected or device error
   */
  boolean write(SwapArea a, int offset, long pfn) {
    if (failWrite.shouldFail(PAGE)) {
      writeErrors++;
      return false;
    }
    memory.readPage(pfn, buffer, 0);
    try {
      a.device.write(offset, buffer);
    } catch (IOException e) {
      writeErrors++;
      log.warn("Write-error on swap-device ({}:{}): {}", a.type, offset, e.toString());
      return false;
    }
    pswpout++;
    return true;
  }

  /** pswpin and pswpout, in vmstat's order. */
  void addTransferCounters(Map<String, Long> m) {
    m.put("pswpin", pswpin);
    m.put("pswpout", pswpout);
  }

  /** mmsim's error counters. */
  void addErrorCounters(Map<String, Long> m) {
    m.put("swap_read_errors", readErrors);
    m.put("swap_write_errors", writeErrors);
  }

  void checkInvariants() {
    if (pswpin < 0
        || pswpout < 0
        || readErrors < failRead.injected()
        || writeErrors < failWrite.injected()) {
      throw new AssertionError(
          "swap I/O counters: pswpin "
              + pswpin
              + " pswpout "
              + pswpout
              + " read errors "
              + readErrors
              + " (injected "
              + failRead.injected()
              + ") write errors "
              + writeErrors
              + " (injected "
              + failWrite.injected()
              + ")");
    }
  }
}
