package io.mmsim.api.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mmsim.api.BadAddressException;

final class PhysicalMemoryTest {
  private static final int FRAMES = 16;
  private static final long END = (long) FRAMES << Page.PAGE_SHIFT;

  // ---------------------------------------------------------------- lazy storage

  @Test
  void read_neverWritten_readsZerosWithoutStorage() {
    PhysicalMemory m = new PhysicalMemory(FRAMES);
    assertThat(m.readLong(0)).isZero();
    assertThat(m.readInt(END - 4)).isZero();
    assertThat(m.readByte(END - 1)).isZero();
    assertThat(m.isUnpopulated(3)).isTrue();
    assertThat(m.populatedFrames()).isZero();
    assertThat(m.frames()).isEqualTo(FRAMES);
    assertThat(m.size()).isEqualTo(END);
  }

  @Test
  void write_firstWriteIntoAFrame_populatesOnlyThatFrame() {
    PhysicalMemory m = new PhysicalMemory(FRAMES);
    m.writeLong(5 * Page.PAGE_SIZE + 8, 42);
    m.writeLong(5 * Page.PAGE_SIZE + 16, 43);
    assertThat(m.populatedFrames()).isEqualTo(1);
    assertThat(m.isUnpopulated(5)).isFalse();
    assertThat(m.isUnpopulated(4)).isTrue();
  }

  @Test
  void zeroPage_populatedFrame_readsZerosAndDropsStorage() {
    PhysicalMemory m = new PhysicalMemory(FRAMES);
    m.writeLong(Page.PAGE_SIZE, -1L);
    m.zeroPage(1);
    assertThat(m.readLong(Page.PAGE_SIZE)).isZero();
    assertThat(m.populatedFrames()).isZero();
    m.zeroPage(1);
    assertThat(m.populatedFrames()).isZero();
  }

  // ---------------------------------------------------------------- values

  @Test
  void write_afterZeroPageOfAFullFrame_newFrameReadsZerosButTheWrittenByte() {
    PhysicalMemory m = new PhysicalMemory(FRAMES);
    byte[] ones = new byte[Page.PAGE_SIZE];
    Arrays.fill(ones, (byte) 0xff);
    m.writePage(3, ones, 0);
    m.zeroPage(3); // its array is kept, cleared, for the next frame written
    m.writeByte(7L * Page.PAGE_SIZE + 100, (byte) 5);
    byte[] page = new byte[Page.PAGE_SIZE];
    m.readPage(7, page, 0);
    byte[] want = new byte[Page.PAGE_SIZE];
    want[100] = 5;
    assertThat(page).isEqualTo(want);
    m.readPage(3, page, 0);
    assertThat(page).isEqualTo(new byte[Page.PAGE_SIZE]);
    assertThat(m.isUnpopulated(3)).isTrue();
    assertThat(m.populatedFrames()).isEqualTo(1);
  }

  @Test
  void longAndInt_littleEndian_asOnX86() {
    PhysicalMemory m = new PhysicalMemory(FRAMES);
    m.writeLong(64, 0x0807060504030201L);
    for (int i = 0; i < 8; i++) {
      assertThat(m.readByte(64 + i)).isEqualTo((byte) (i + 1));
    }
    assertThat(m.readInt(68)).isEqualTo(0x08070605);
    assertThat(m.readShort(64)).isEqualTo(0x0201);
    m.writeInt(128, 0xa1b2c3d4);
    assertThat(m.readLong(128)).isEqualTo(0xa1b2c3d4L);
  }

  @Test
  void longAndInt_acrossAPageBoundary_splitOverBothFrames() {
    PhysicalMemory m = new PhysicalMemory(FRAMES);
    long a = 2L * Page.PAGE_SIZE - 3;
    m.writeLong(a, 0x1122334455667788L);
    assertThat(m.readLong(a)).isEqualTo(0x1122334455667788L);
    assertThat(m.readByte(2L * Page.PAGE_SIZE)).isEqualTo((byte) 0x55);
    assertThat(m.populatedFrames()).isEqualTo(2);
    long b = 3L * Page.PAGE_SIZE - 1;
    m.writeInt(b, 0x01020304);
    assertThat(m.readInt(b)).isEqualTo(0x01020304);
    assertThat(m.readByte(3L * Page.PAGE_SIZE)).isEqualTo((byte) 0x03);
  }

  @Test
  void values_seededRandomOps_matchAByteArrayModel() {
    PhysicalMemory m = new PhysicalMemory(FRAMES);
    byte[] model = new byte[(int) END];
    SplittableRandom r = new SplittableRandom(7);
    for (int op = 0; op < 20_000; op++) {
      int kind = r.nextInt(6);
      long a = r.nextLong(END - 8);
      switch (kind) {
        case 0 -> {
          long v = r.nextLong();
          m.writeLong(a, v);
          for (int i = 0; i < 8; i++) {
            model[(int) a + i] = (byte) (v >>> (8 * i));
          }
        }
        case 1 -> {
          int v = r.nextInt();
          m.writeInt(a, v);
          for (int i = 0; i < 4; i++) {
            model[(int) a + i] = (byte) (v >>> (8 * i));
          }
        }
        case 2 -> {
          byte v = (byte) r.nextInt();
          m.writeByte(a, v);
          model[(int) a] = v;
        }
        case 3 -> {
          int pfn = r.nextInt(FRAMES);
          m.zeroPage(pfn);
          Arrays.fill(model, pfn << Page.PAGE_SHIFT, (pfn + 1) << Page.PAGE_SHIFT, (byte) 0);
        }
        default -> {
          long expected = 0;
          for (int i = 7; i >= 0; i--) {
            expected = (expected << 8) | (model[(int) a + i] & 0xff);
          }
          assertThat(m.readLong(a)).as("op %d at 0x%x", op, a).isEqualTo(expected);
          assertThat(m.readInt(a)).as("op %d at 0x%x", op, a).isEqualTo((int) expected);
        }
      }
    }
    byte[] all = new byte[(int) END];
    m.read(0, all, 0, all.length);
    assertThat(all).isEqualTo(model);
  }

  @Test
  void entry_indexOfAFrame_isTheLongAtEightTimesTheIndex() {
    PhysicalMemory m = new PhysicalMemory(FRAMES);
    m.writeEntry(3, 511, 0x8000000000000063L);
    assertThat(m.readLong(3L * Page.PAGE_SIZE + 8 * 511)).isEqualTo(0x8000000000000063L);
    m.writeLong(5L * Page.PAGE_SIZE + 16, 42);
    assertThat(m.readEntry(5, 2)).isEqualTo(42);
    assertThat(m.readEntry(6, 0)).isZero();
    assertThat(m.isUnpopulated(6)).isTrue();
  }

  @Test
  void entry_badFrameOrIndex_throwsNamingIt() {
    PhysicalMemory m = new PhysicalMemory(FRAMES);
    assertThatThrownBy(() -> m.readEntry(FRAMES, 0))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("pfn 0x10");
    assertThatThrownBy(() -> m.readEntry(-1, 0)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> m.writeEntry(2, 512, 1))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("entry 512 of frame 0x2");
    assertThatThrownBy(() -> m.writeEntry(2, -1, 1)).isInstanceOf(BadAddressException.class);
    assertThat(m.populatedFrames()).isZero();
  }

  // ---------------------------------------------------------------- bulk

  @Test
  void bulk_writeFillCopy_acrossFrames() {
    PhysicalMemory m = new PhysicalMemory(FRAMES);
    byte[] src = new byte[6000];
    for (int i = 0; i < src.length; i++) {
      src[i] = (byte) i;
    }
    m.write(100, src, 0, src.length);
    byte[] back = new byte[src.length];
    m.read(100, back, 0, back.length);
    assertThat(back).isEqualTo(src);

    m.fill(Page.PAGE_SIZE, Page.PAGE_SIZE, (byte) 0);
    assertThat(m.isUnpopulated(1)).isTrue();
    assertThat(m.allEqual(Page.PAGE_SIZE, Page.PAGE_SIZE, (byte) 0)).isTrue();
    m.fill(10, 5, (byte) 7);
    assertThat(m.allEqual(10, 5, (byte) 7)).isTrue();
    assertThat(m.allEqual(9, 6, (byte) 7)).isFalse();

    m.copyPage(0, 4);
    assertThat(m.readByte(4L * Page.PAGE_SIZE + 12)).isEqualTo((byte) 7);
    m.copyPage(1, 4);
    assertThat(m.isUnpopulated(4)).isTrue();
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void access_beyondTheEnd_throwsNamingTheAddress() {
    PhysicalMemory m = new PhysicalMemory(FRAMES);
    assertThatThrownBy(() -> m.readLong(END - 7))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("0x" + Long.toHexString(END - 7));
    assertThatThrownBy(() -> m.writeLong(END, 1)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> m.readInt(-4)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> m.writeInt(Long.MIN_VALUE, 1)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> m.readByte(END)).isInstanceOf(BadAddressException.class);
    assertThatThrownBy(() -> m.zeroPage(FRAMES))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("pfn 0x10");
    assertThat(m.populatedFrames()).isZero();
  }

  @Test
  void constructor_frameCountOutOfRange_throws() {
    assertThatThrownBy(() -> new PhysicalMemory(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PhysicalMemory(PhysicalMemory.MAX_FRAMES + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Long.toString(PhysicalMemory.MAX_FRAMES));
  }
}
