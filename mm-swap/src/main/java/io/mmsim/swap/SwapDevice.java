package io.mmsim.swap;

import java.io.IOException;

/** Where a swap area's slots live: page-sized reads and writes at {@code slot * 4096}. */
interface SwapDevice {

  /** The name /proc/swaps prints (a path, or {@code /dev/ramN}). */
  String name();

  /** True for a regular file ({@code file} in /proc/swaps), false for a device. */
  boolean isFile();

  /** Reads slot {@code slot} into {@code buf[0..4096)}. */
  void read(long slot, byte[] buf) throws IOException;

  /** Writes {@code buf[0..4096)} to slot {@code slot}. */
  void write(long slot, byte[] buf) throws IOException;

  /** The slot was freed: its contents may be dropped (a discard). */
  void discard(long slot);

  /** Releases the device; no call follows. */
  void close();
}
