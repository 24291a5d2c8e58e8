package io.mmsim.swap;

import java.util.Arrays;

/**
 * An in-memory swap device (a RAM disk): one lazily allocated 4 KiB array per written slot; a slot
 * never written, or discarded, or written with zeros, holds no array and reads as zeros.
 */
final class MemoryDevice implements SwapDevice {
  private final String name;
  private final byte[][] slots;
  private long stored;

  MemoryDevice(String name, int slots) {
    this.name = name;
    this.slots = new byte[slots][];
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean isFile() {
    return false;
  }

  /** Slots holding an array (for tests: freed slots must hold none). */
  long storedSlots() {
    return stored;
  }

  @Override
  public void read(long slot, byte[] buf) {
    byte[] s = slots[(int) slot];
    if (s == null) {
      Arrays.fill(buf, 0, SwapHeader.PAGE_SIZE, (byte) 0);
    } else {
      System.arraycopy(s, 0, buf, 0, SwapHeader.PAGE_SIZE);
    }
  }

  @Override
  public void write(long slot, byte[] buf) {
    int i = (int) slot;
    if (isZero(buf)) {
      discard(slot);
      return;
    }
    if (slots[i] == null) {
      slots[i] = new byte[SwapHeader.PAGE_SIZE];
      stored++;
    }
    System.arraycopy(buf, 0, slots[i], 0, SwapHeader.PAGE_SIZE);
  }

  private static boolean isZero(byte[] buf) {
    for (int i = 0; i < SwapHeader.PAGE_SIZE; i++) {
      if (buf[i] != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void discard(long slot) {
    int i = (int) slot;
    if (slots[i] != null) {
      slots[i] = null;
      stored--;
    }
  }

  @Override
  public void close() {
    Arrays.fill(slots, null);
    stored = 0;
  }
}
