package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.api.swap.SwapException;

/** The swap header: the accept/reject table, the writer, and agreement with util-linux. */
final class SwapHeaderTest {
  private static final UUID ID = UUID.fromString("d2521d3c-e1e0-417f-8463-648a596148b8");
  private static final long PAGES = 256; // a 1 MiB area
  private static final long SIZE = PAGES * SwapHeader.PAGE_SIZE;

  @TempDir Path dir;

  private static byte[] valid() {
    return SwapHeader.create(PAGES, "mylabel", ID).toBytes();
  }

  private static byte[] edit(Consumer<ByteBuffer> change) {
    byte[] p = valid();
    change.accept(ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN));
    return p;
  }

  private static void rejects(byte[] page, long size, String message) {
    assertThatThrownBy(() -> SwapHeader.parse(page, size))
        .isInstanceOf(SwapException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((SwapException) e).kernelMessage()).isEqualTo(message));
  }

  // ---------------------------------------------------------------- accept

  @Test
  void parse_mkswapHeader_givesBackEveryField() {
    SwapHeader h = SwapHeader.parse(valid(), SIZE);
    assertThat(h.version()).isEqualTo(1);
    assertThat(h.lastPage()).isEqualTo(255);
    assertThat(h.pages()).isEqualTo(256);
    assertThat(h.goodPages()).isEqualTo(255);
    assertThat(h.nrBadPages()).isZero();
    assertThat(h.uuid()).isEqualTo(ID);
    assertThat(h.label()).isEqualTo("mylabel");
    assertThat(h.byteSwapped()).isFalse();
    assertThat(h).isEqualTo(SwapHeader.create(PAGES, "mylabel", ID));
  }

  @Test
  void toBytes_layout_matchesTheKernelOffsets() {
    byte[] p = SwapHeader.create(PAGES, "ab", ID, new int[] {7, 9}).toBytes();
    ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.getInt(1024)).isEqualTo(1);
    assertThat(b.getInt(1028)).isEqualTo(255);
    assertThat(b.getInt(1032)).isEqualTo(2);
    assertThat(p[1036] & 0xff).isEqualTo(0xd2); // RFC 4122 order, as blkid prints it
    assertThat(p[1037] & 0xff).isEqualTo(0x52);
    assertThat(new String(p, 1052, 2, StandardCharsets.US_ASCII)).isEqualTo("ab");
    assertThat(p[1054]).isZero();
    assertThat(b.getInt(1536)).isEqualTo(7);
    assertThat(b.getInt(1540)).isEqualTo(9);
    assertThat(new String(p, 4086, 10, StandardCharsets.US_ASCII)).isEqualTo("SWAPSPACE2");
    for (int i = 0; i < 1024; i++) {
      assertThat(p[i]).as("bootbits[%d]", i).isZero();
    }
    assertThat(SwapHeader.MAX_SWAP_BADPAGES).isEqualTo(637);
  }

  @Test
  void parse_badPageList_marksThemAndCountsGoodPages() {
    SwapHeader h =
        SwapHeader.parse(SwapHeader.create(PAGES, "", ID, new int[] {3, 255, 3}).toBytes(), SIZE);
    assertThat(h.badPages()).containsExactly(3, 255, 3);
    assertThat(h.goodPages()).isEqualTo(253); // 255 minus the two distinct bad pages
  }

  @Test
  void parse_byteSwappedHeader_isSwabbedLikeTheKernelDoes() {
    byte[] big = SwapHeader.create(PAGES, "be", ID, new int[] {5}).toBytes(ByteOrder.BIG_ENDIAN);
    SwapHeader h = SwapHeader.parse(big, SIZE);
    assertThat(h.byteSwapped()).isTrue();
    assertThat(h.lastPage()).isEqualTo(255);
    assertThat(h.badPages()).containsExactly(5);
    assertThat(h.uuid()).isEqualTo(ID); // byte strings are not swapped
    assertThat(h.label()).isEqualTo("be");
  }

  @Test
  void parse_sizeUnknownOrLarger_accepted() {
    assertThat(SwapHeader.parse(valid(), 0).pages()).isEqualTo(256);
    assertThat(SwapHeader.parse(valid(), SIZE * 4).pages()).isEqualTo(256);
  }

  // ---------------------------------------------------------------- reject table

  @Test
  void parse_wrongMagic_unableToFindSignature() {
    rejects(edit(b -> b.put(4090, (byte) 'X')), SIZE, "Unable to find swap-space signature");
  }

  @Test
  void parse_oldVersion0Magic_unableToFindSignature() {
    byte[] p = valid();
    System.arraycopy("SWAP-SPACE".getBytes(StandardCharsets.US_ASCII), 0, p, 4086, 10);
    rejects(p, SIZE, "Unable to find swap-space signature");
  }

  @Test
  void parse_shortPageOrEmpty_unableToFindSignature() {
    rejects(new byte[100], SIZE, "Unable to find swap-space signature");
    rejects(new byte[4096], SIZE, "Unable to find swap-space signature");
  }

  @Test
  void parse_otherVersion_unableToHandleVersion() {
    rejects(edit(b -> b.putInt(1024, 2)), SIZE, "Unable to handle swap header version 2");
    rejects(edit(b -> b.putInt(1024, 0)), SIZE, "Unable to handle swap header version 0");
    rejects(edit(b -> b.putInt(1024, -1)), SIZE, "Unable to handle swap header version -1");
  }

  @Test
  void parse_lastPageZero_emptySwapFile() {
    rejects(edit(b -> b.putInt(1028, 0)), SIZE, "Empty swap-file");
  }

  @Test
  void parse_lastPageBeyondTheFile_shorterThanSignatureIndicates() {
    rejects(valid(), SIZE - SwapHeader.PAGE_SIZE, "Swap area shorter than signature indicates");
    rejects(edit(b -> b.putInt(1028, 256)), SIZE, "Swap area shorter than signature indicates");
  }

  @Test
  void parse_tooManyBadPages_refused() {
    rejects(
        edit(b -> b.putInt(1032, 638)),
        SIZE,
        "swap header lists 638 bad pages, more than"
            + " MAX_SWAP_BADPAGES (637); the kernel refuses this with EINVAL");
  }

  @Test
  void parse_byteSwappedWithTooManyBadPages_refusedBeforeSwapping() {
    byte[] big = SwapHeader.create(PAGES, "", ID).toBytes(ByteOrder.BIG_ENDIAN);
    ByteBuffer.wrap(big).order(ByteOrder.BIG_ENDIAN).putInt(1032, 1000);
    rejects(
        big,
        SIZE,
        "swap header lists 1000 bad pages, more than MAX_SWAP_BADPAGES (637);"
            + " the kernel refuses this with EINVAL");
  }

  @Test
  void parse_badPageZeroOrPastLastPage_refused() {
    rejects(
        edit(
            b -> {
              b.putInt(1032, 1);
              b.putInt(1536, 0);
            }),
        SIZE,
        "bad page 0 in the swap header is outside 1..255 (the kernel refuses this with"
            + " EINVAL)");
    rejects(
        edit(
            b -> {
              b.putInt(1032, 1);
              b.putInt(1536, 256);
            }),
        SIZE,
        "bad page 256 in the swap header is outside 1..255 (the kernel refuses this with"
            + " EINVAL)");
  }

  @Test
  void parse_everyPageBad_emptySwapFile() {
    rejects(
        edit(
            b -> {
              b.putInt(1028, 2);
              b.putInt(1032, 2);
              b.putInt(1536, 1);
              b.putInt(1540, 2);
            }),
        SIZE,
        "Empty swap-file");
  }

  // ---------------------------------------------------------------- writer

  @Test
  void create_tooSmallOrLabelOverFifteenBytes_refused() {
    assertThatThrownBy(() -> SwapHeader.create(9, "", ID))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("swap area needs to be at least 40 KiB");
    assertThat(SwapHeader.create(10, "123456789012345", ID).label()).isEqualTo("123456789012345");
    assertThatThrownBy(() -> SwapHeader.create(10, "1234567890123456", ID))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16 bytes of UTF-8")
        .hasMessageContaining("at most 15");
    // seven two-byte characters fit; eight do not (16 bytes), though they are 8 characters
    assertThat(SwapHeader.create(10, "ééééééé", ID).label()).isEqualTo("ééééééé");
    assertThatThrownBy(() -> SwapHeader.create(10, "éééééééé", ID))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16 bytes of UTF-8");
  }

  @Test
  void mkswap_thenRead_roundTripsAndTheFileHasTheRequestedSize() throws IOException {
    Path f = dir.resolve("swapfile");
    SwapHeader written = SwapHeader.mkswap(f, SIZE + 100, "round", ID);
    assertThat(Files.size(f)).isEqualTo(SIZE + 100);
    SwapHeader read = SwapHeader.read(f);
    assertThat(read).isEqualTo(written);
    assertThat(read.lastPage()).isEqualTo(255);
  }

  @Test
  void read_badFile_exceptionNamesTheFile() throws IOException {
    Path f = dir.resolve("notswap");
    Files.write(f, new byte[8192]);
    assertThatThrownBy(() -> SwapHeader.read(f))
        .isInstanceOf(SwapException.class)
        .hasMessage(f + ": Unable to find swap-space signature")
        .satisfies(e -> assertThat(((SwapException) e).device()).isEqualTo(f.toString()));
  }

  // ---------------------------------------------------------------- util-linux interop

  private static Path tool(String name) {
    for (String d : new String[] {"/sbin", "/usr/sbin", "/bin", "/usr/bin"}) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void read_fileMadeBySystemMkswap_isAccepted() throws Exception {
    Path mkswap = tool("mkswap");
    assumeTrue(mkswap != null, "util-linux mkswap is not installed");
    Path f = dir.resolve("sys.swap");
    try (var ch =
        java.nio.channels.FileChannel.open(
            f, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(SIZE);
      ch.write(ByteBuffer.wrap(new byte[1]), SIZE - 1);
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(mkswap.toString(), "-L", "sysmade", "-U", ID.toString(), f.toString()));
    run(cmd.toArray(new String[0]));
    SwapHeader h = SwapHeader.read(f);
    assertThat(h.label()).isEqualTo("sysmade");
    assertThat(h.uuid()).isEqualTo(ID);
    assertThat(h.lastPage()).isEqualTo(255);
    assertThat(h.toBytes())
        .isEqualTo(
            Files.readAllBytes(f).length >= 4096
                ? java.util.Arrays.copyOf(Files.readAllBytes(f), 4096)
                : null);
  }

  @Test
  void mkswap_fileAndBlkid_recogniseOurFileAsLinuxSwap() throws Exception {
    Path f = dir.resolve("ours.swap");
    SwapHeader.mkswap(f, SIZE, "ourlabel", ID);
    Path file = tool("file");
    Path blkid = tool("blkid");
    assumeTrue(file != null || blkid != null, "neither file nor blkid is installed");
    if (file != null) {
      assertThat(run(file.toString(), f.toString()))
          .contains("Linux swap file")
          .contains("version 1")
          .contains("size 255 pages")
          .contains("LABEL=ourlabel")
          .contains("UUID=" + ID);
    }
    if (blkid != null) {
      assertThat(run(blkid.toString(), "-p", f.toString()))
          .contains("TYPE=\"swap\"")
          .contains("LABEL=\"ourlabel\"")
          .contains("UUID=\"" + ID + "\"");
    }
  }
}
