package io.mmsim.api.mem;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import io.mmsim.api.BadAddressException;

/**
 * The bytes of the simulated machine's RAM, stored lazily.
 *
 * <p>A frame that has never been written reads as zeros and costs one null reference; the first
 * write gives it a 4 KiB array:
 *
 * <pre>
 *   frame[pfn] -> null         never written since boot or the last zeroPage: reads as zeros
 *              -> byte[4096]   the frame's bytes
 * </pre>
 *
 * <p>One flat table keeps every access to two dependent loads (the frame's array, then the bytes),
 * which is what page walks and object freelists pay per step; it costs 4 bytes per frame with
 * compressed references (64 MiB for 64 GiB). Machines of up to {@link #MAX_FRAMES} frames.
 *
 * <p>Arrays dropped by {@link #zeroPage} are cleared and kept, up to {@link #SPARE_ARRAYS} of them
 * (1 MiB), for the next frames written: a page-table page freed by {@code munmap} and taken again
 * by the next fault reuses its storage, so the fault path does not allocate on the heap.
 *
 * <p>Multi-byte values are little-endian, as on x86-64. Addresses beyond the end of memory throw
 * {@link BadAddressException} naming the address. Not thread-safe: one kernel, one thread.
 */
public final class PhysicalMemory {
  /** The most frames a machine may have: {@code 2^31 - 1} (8 TiB), a Java array's reach. */
  public static final long MAX_FRAMES = Integer.MAX_VALUE;

  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final long frames;
  private final long bytes;

  /** The bytes of each frame, null while it reads as zeros; its length is {@link #frames}. */
  private final byte[][] frame;

  private long populated;

  /** Dropped frame arrays kept for reuse, all zero: at most this many. */
  static final int SPARE_ARRAYS = 256;

  private final byte[][] spare = new byte[SPARE_ARRAYS][];
  private int spares;

  /**
   * Memory of {@code frames} page frames, all reading as zeros.
   *
   * @throws IllegalArgumentException unless {@code 0 < frames <= MAX_FRAMES}
   */
  public PhysicalMemory(long frames) {
    if (frames <= 0 || frames > MAX_FRAMES) {
      throw new IllegalArgumentException(
          "unsupported number of frames: "
              + frames
              + " (a machine has 1 to "
              + MAX_FRAMES
              + " frames)");
    }
    this.frames = frames;
    this.bytes = frames << Page.PAGE_SHIFT;
    this.frame = new byte[(int) frames][];
  }

  /** Number of frames. */
  public long frames() {
    return frames;
  }

  /** Size in bytes. */
  public long size() {
    return bytes;
  }

  /** Frames that hold real storage (have been written since their last zeroing). */
  public long populatedFrames() {
    return populated;
  }

  // ---------------------------------------------------------------- byte access

  /** Reads one byte. */
  public byte readByte(long paddr) {
    check(paddr, 1);
    byte[] f = frameOrNull(paddr >>> Page.PAGE_SHIFT);
    return f == null ? 0 : f[(int) (paddr & Page.PAGE_OFFSET_MASK)];
  }

  /** Writes one byte. */
  public void writeByte(long paddr, byte value) {
    check(paddr, 1);
    frameForWrite(paddr >>> Page.PAGE_SHIFT)[(int) (paddr & Page.PAGE_OFFSET_MASK)] = value;
  }

  /** Reads a little-endian long, which may cross a page boundary. */
  public long readLong(long paddr) {
    int off = (int) (paddr & Page.PAGE_OFFSET_MASK);
    long pfn = paddr >>> Page.PAGE_SHIFT; // a negative address gives a pfn beyond every frame
    if (off <= Page.PAGE_SIZE - Long.BYTES && pfn < frames) {
      byte[] f = frame[(int) pfn];
      return f == null ? 0 : (long) LONG.get(f, off);
    }
    check(paddr, Long.BYTES);
    long v = 0;
    for (int i = Long.BYTES - 1; i >= 0; i--) {
      v = (v << 8) | (readByte(paddr + i) & 0xff);
    }
    return v;
  }

  /** Writes a little-endian long, which may cross a page boundary. */
  public void writeLong(long paddr, long value) {
    int off = (int) (paddr & Page.PAGE_OFFSET_MASK);
    long pfn = paddr >>> Page.PAGE_SHIFT;
    if (off <= Page.PAGE_SIZE - Long.BYTES && pfn < frames) {
      byte[] f = frame[(int) pfn];
      if (f != null) {
        LONG.set(f, off, value);
        return;
      }
    }
    // a frame's first write, a page boundary crossed or a bad address: nothing after the call,
    // so that the fast path above keeps its values in registers
    writeSlow(paddr, value, Long.BYTES);
  }

  /** Reads a little-endian int, which may cross a page boundary. */
  public int readInt(long paddr) {
    int off = (int) (paddr & Page.PAGE_OFFSET_MASK);
    long pfn = paddr >>> Page.PAGE_SHIFT;
    if (off <= Page.PAGE_SIZE - Integer.BYTES && pfn < frames) {
      byte[] f = frame[(int) pfn];
      return f == null ? 0 : (int) INT.get(f, off);
    }
    check(paddr, Integer.BYTES);
    int v = 0;
    for (int i = Integer.BYTES - 1; i >= 0; i--) {
      v = (v << 8) | (readByte(paddr + i) & 0xff);
    }
    return v;
  }

  /** Writes a little-endian int, which may cross a page boundary. */
  public void writeInt(long paddr, int value) {
    int off = (int) (paddr & Page.PAGE_OFFSET_MASK);
    long pfn = paddr >>> Page.PAGE_SHIFT;
    if (off <= Page.PAGE_SIZE - Integer.BYTES && pfn < frames) {
      byte[] f = frame[(int) pfn];
      if (f != null) {
        INT.set(f, off, value);
        return;
      }
    }
    writeSlow(paddr, value, Integer.BYTES);
  }

  /** Writes the {@code len} low bytes of {@code value} little-endian, byte by byte. */
  private void writeSlow(long paddr, long value, int len) {
    check(paddr, len);
    for (int i = 0; i < len; i++) {
      writeByte(paddr + i, (byte) (value >>> (8 * i)));
    }
  }

  /** Entries (8-byte words) in a frame. */
  public static final int ENTRIES_PER_FRAME = Page.PAGE_SIZE / Long.BYTES;

  /**
   * Reads entry {@code index} of frame {@code pfn}: the little-endian long at byte {@code 8 *
   * index}, as a page walk reads a table entry (the same bytes as {@code readLong((pfn << 12) + 8 *
   * index)}, without the address arithmetic).
   *
   * @throws BadAddressException unless {@code pfn} is a frame and {@code 0 <= index < 512}
   */
  public long readEntry(long pfn, int index) {
    if (pfn >= 0 && pfn < frames && Integer.compareUnsigned(index, ENTRIES_PER_FRAME) < 0) {
      byte[] f = frame[(int) pfn];
      return f == null ? 0 : (long) LONG.get(f, index << 3);
    }
    throw badEntry(pfn, index);
  }

  /**
   * Writes entry {@code index} of frame {@code pfn} (see {@link #readEntry}).
   *
   * @throws BadAddressException unless {@code pfn} is a frame and {@code 0 <= index < 512}
   */
  public void writeEntry(long pfn, int index, long value) {
    if (pfn >= 0 && pfn < frames && Integer.compareUnsigned(index, ENTRIES_PER_FRAME) < 0) {
      LONG.set(frameForWrite(pfn), index << 3, value);
      return;
    }
    throw badEntry(pfn, index);
  }

  private BadAddressException badEntry(long pfn, int index) {
    if (pfn >= 0 && pfn < frames) {
      return new BadAddressException(
          pfn << Page.PAGE_SHIFT,
          String.format(
              "entry %d of frame 0x%x: a frame has entries 0 to %d",
              index, pfn, ENTRIES_PER_FRAME - 1));
    }
    return new BadAddressException(
        pfn << Page.PAGE_SHIFT,
        String.format("pfn 0x%x is beyond the last frame 0x%x", pfn, frames - 1));
  }

  /** Reads a little-endian unsigned 16-bit value. */
  public int readShort(long paddr) {
    return (readByte(paddr) & 0xff) | (readByte(paddr + 1) & 0xff) << 8;
  }

  /** Writes a little-endian 16-bit value. */
  public void writeShort(long paddr, int value) {
    check(paddr, 2);
    writeByte(paddr, (byte) value);
    writeByte(paddr + 1, (byte) (value >>> 8));
  }

  // ---------------------------------------------------------------- bulk access

  /** Copies {@code len} bytes from memory at {@code paddr} into {@code dst[off..]}. */
  public void read(long paddr, byte[] dst, int off, int len) {
    check(paddr, len);
    int done = 0;
    while (done < len) {
      long a = paddr + done;
      int inPage = (int) (a & Page.PAGE_OFFSET_MASK);
      int n = Math.min(len - done, Page.PAGE_SIZE - inPage);
      byte[] f = frameOrNull(a >>> Page.PAGE_SHIFT);
      if (f == null) {
        java.util.Arrays.fill(dst, off + done, off + done + n, (byte) 0);
      } else {
        System.arraycopy(f, inPage, dst, off + done, n);
      }
      done += n;
    }
  }

  /** Copies {@code len} bytes from {@code src[off..]} into memory at {@code paddr}. */
  public void write(long paddr, byte[] src, int off, int len) {
    check(paddr, len);
    int done = 0;
    while (done < len) {
      long a = paddr + done;
      int inPage = (int) (a & Page.PAGE_OFFSET_MASK);
      int n = Math.min(len - done, Page.PAGE_SIZE - inPage);
      System.arraycopy(src, off + done, frameForWrite(a >>> Page.PAGE_SHIFT), inPage, n);
      done += n;
    }
  }

  /** Sets {@code len} bytes at {@code paddr} to {@code value}. */
  public void fill(long paddr, long len, byte value) {
    check(paddr, len);
    long done = 0;
    while (done < len) {
      long a = paddr + done;
      int inPage = (int) (a & Page.PAGE_OFFSET_MASK);
      int n = (int) Math.min(len - done, Page.PAGE_SIZE - inPage);
      if (value == 0 && n == Page.PAGE_SIZE) {
        zeroPage(a >>> Page.PAGE_SHIFT);
      } else if (value != 0 || frameOrNull(a >>> Page.PAGE_SHIFT) != null) {
        java.util.Arrays.fill(frameForWrite(a >>> Page.PAGE_SHIFT), inPage, inPage + n, value);
      }
      done += n;
    }
  }

  /** True when every byte of {@code len} bytes at {@code paddr} equals {@code value}. */
  public boolean allEqual(long paddr, long len, byte value) {
    check(paddr, len);
    long done = 0;
    while (done < len) {
      long a = paddr + done;
      int inPage = (int) (a & Page.PAGE_OFFSET_MASK);
      int n = (int) Math.min(len - done, Page.PAGE_SIZE - inPage);
      byte[] f = frameOrNull(a >>> Page.PAGE_SHIFT);
      if (f == null) {
        if (value != 0) {
          return false;
        }
      } else {
        for (int i = inPage; i < inPage + n; i++) {
          if (f[i] != value) {
            return false;
          }
        }
      }
      done += n;
    }
    return true;
  }

  /** Makes frame {@code pfn} read as zeros, dropping its storage ({@code clear_page}). */
  public void zeroPage(long pfn) {
    checkPfn(pfn);
    byte[] f = frame[(int) pfn];
    if (f != null) {
      frame[(int) pfn] = null;
      populated--;
      if (spares < SPARE_ARRAYS) {
        Arrays.fill(f, (byte) 0);
        spare[spares++] = f;
      }
    }
  }

  /** Copies frame {@code src} over frame {@code dst} ({@code copy_page}). */
  public void copyPage(long src, long dst) {
    checkPfn(src);
    checkPfn(dst);
    byte[] s = frameOrNull(src);
    if (s == null) {
      zeroPage(dst);
    } else {
      System.arraycopy(s, 0, frameForWrite(dst), 0, Page.PAGE_SIZE);
    }
  }

  /** Copies the whole of frame {@code pfn} into {@code dst[off..off+4096)}. */
  public void readPage(long pfn, byte[] dst, int off) {
    read(pfn << Page.PAGE_SHIFT, dst, off, Page.PAGE_SIZE);
  }

  /** Overwrites frame {@code pfn} with {@code src[off..off+4096)}. */
  public void writePage(long pfn, byte[] src, int off) {
    write(pfn << Page.PAGE_SHIFT, src, off, Page.PAGE_SIZE);
  }

  /** True when frame {@code pfn} reads as all zeros without looking at its bytes one by one. */
  public boolean isUnpopulated(long pfn) {
    checkPfn(pfn);
    return frameOrNull(pfn) == null;
  }

  // ---------------------------------------------------------------- internals

  /** The bytes of frame {@code pfn} (checked by the caller), or null when it reads as zeros. */
  private byte[] frameOrNull(long pfn) {
    return frame[(int) pfn];
  }

  /** The bytes of frame {@code pfn} (checked by the caller), given storage if it had none. */
  private byte[] frameForWrite(long pfn) {
    byte[] f = frame[(int) pfn];
    return f != null ? f : populate((int) pfn);
  }

  private byte[] populate(int pfn) {
    byte[] f;
    if (spares > 0) {
      f = spare[--spares];
      spare[spares] = null;
    } else {
      f = new byte[Page.PAGE_SIZE];
    }
    frame[pfn] = f;
    populated++;
    return f;
  }

  private void check(long paddr, long len) {
    if (paddr < 0 || len < 0 || paddr > bytes - len) {
      throw new BadAddressException(
          paddr,
          String.format(
              "physical address 0x%x (+%d) is beyond the end of memory at 0x%x",
              paddr, len, bytes));
    }
  }

  private void checkPfn(long pfn) {
    if (pfn < 0 || pfn >= frames) {
      throw new BadAddressException(
          pfn << Page.PAGE_SHIFT,
          String.format("pfn 0x%x is beyond the last frame 0x%x", pfn, frames - 1));
    }
  }
}
