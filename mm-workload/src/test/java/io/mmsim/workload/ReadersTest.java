package io.mmsim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.api.ConfigurationException;
import io.mmsim.kernel.Kernel;

/**
 * Hostile and unusual input: every reader refuses it with its file and line, runs the lines before
 * it, and never reads without bound.
 */
final class ReadersTest {
  @TempDir Path tmp;

  private Path file(String name, byte[] bytes) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private Path file(String name, String text) throws IOException {
    return file(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private static Kernel kernel() {
    return Kernel.builder().set("memory.size", "64M").boot();
  }

  /** Replays {@code w} and returns its exception, after checking how many operations ran. */
  private static WorkloadException failure(Workload w, long operationsBefore) {
    Replay r = new Replay(kernel());
    WorkloadException e = null;
    try {
      r.run(w);
    } catch (WorkloadException x) {
      e = x;
    }
    assertThat(e).as("replay of " + w.name() + " must fail").isNotNull();
    assertThat(r.result().operations()).isEqualTo(operationsBefore);
    return e;
  }

  private static byte[] concat(String a, byte[] b, String c) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(a.getBytes(StandardCharsets.UTF_8));
    o.writeBytes(b);
    o.writeBytes(c.getBytes(StandardCharsets.UTF_8));
    return o.toByteArray();
  }

  // ------------------------------------------------------------------ encoding and size

  @Test
  void text_invalidUtf8OnLine2_runsLine1ThenReportsLine2() throws IOException {
    Path p =
        file(
            "bad.trace",
            concat(
                "alloc_pages a 0\nalloc_pages b ", new byte[] {(byte) 0xff, (byte) 0xfe}, " 1\n"));

    WorkloadException e = failure(Workload.open(p), 1);

    assertThat(e.getMessage()).isEqualTo(p + ":2: not UTF-8 text");
  }

  @Test
  void text_utf16WithBom_isNotUtf8Text() throws IOException {
    byte[] utf16 = "alloc_pages a 0\n".getBytes(StandardCharsets.UTF_16);

    WorkloadException e = failure(Workload.open(file("u16.trace", utf16)), 0);

    assertThat(e.line()).isEqualTo(1);
    assertThat(e.reason()).isEqualTo("not UTF-8 text");
  }

  @Test
  void text_overlongAndSurrogateEncodings_areNotUtf8Text() throws IOException {
    byte[][] bad = {
      {(byte) 0xc0, (byte) 0xaf}, // overlong '/'
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // a surrogate
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
      {(byte) 0xe2, (byte) 0x82}, // cut short
      {0}, // NUL
    };
    for (byte[] b : bad) {
      WorkloadException e = failure(Workload.open(file("x.trace", concat("# ", b, "\n"))), 0);
      assertThat(e.reason()).isEqualTo("not UTF-8 text");
    }
    Workload ok = Workload.open(file("ok.trace", "# caf\u00e9 \u20ac \ud83d\ude00\ndrain\n"));
    assertThat(ok.replay(kernel()).operations()).isEqualTo(1);
  }

  @Test
  void text_lineLongerThan1MiB_isRefusedAfterTheLinesBeforeIt() throws IOException {
    String longLine = "#" + "x".repeat(LineScanner.MAX_LINE + 10);
    Path p = file("long.trace", "drain\n" + longLine + "\ndrain\n");

    WorkloadException e = failure(Workload.open(p), 1);

    assertThat(e.getMessage()).isEqualTo(p + ":2: line longer than 1 MiB");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void devZero_asAWorkload_isNotTextAndReadsOnlyABoundedPrefix() throws IOException {
    Workload w = Workload.open(Path.of("/dev/zero"));

    WorkloadException e = failure(w, 0);

    assertThat(e.getMessage()).isEqualTo("/dev/zero:1: not UTF-8 text");
  }

  // ------------------------------------------------------------------ reference strings

  @Test
  void referenceString_oneLineOfThousandsOfEntries_isReadWithoutLimit() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 200_000; i++) {
      sb.append(i % 97).append(',');
    }
    MemoryTrace t = (MemoryTrace) Workload.open(file("long.refs", sb + "\n"));

    assertThat(t.references()).isEqualTo(200_000);
    assertThat(t.distinctPages()).isEqualTo(97);
  }

  @Test
  void referenceString_badEntries_nameTheirLine() throws IOException {
    assertThat(((MemoryTrace) Workload.open(file("a.refs", "1\n2\n3x\n"))).readError())
        .get()
        .hasToString(
            WorkloadException.class.getName()
                + ": "
                + tmp.resolve("a.refs")
                + ":3: '3x' is not a page number");
    assertThat(
            ((MemoryTrace) Workload.open(file("b.refs", "1,2\n99999999999999999999999\n")))
                .readError()
                .orElseThrow()
                .reason())
        .isEqualTo("page number 99999999999999999999999 is out of range [0, 1073741824]");
  }

  @Test
  void lackey_processKilled_namesTheLineThatKilledIt() throws IOException {
    // a user-mode read of a kernel address: SIGSEGV, as do_kern_addr_fault decides
    Workload w =
        Workload.open(
            file("k.lackey", "==1== x\nI  04000000,3\n\n L 04000010,8\n L ffff888000000000,8\n"));
    Replay r = new Replay(kernel());

    assertThatThrownBy(() -> r.run(w))
        .isInstanceOfSatisfying(
            WorkloadException.class,
            e -> {
              assertThat(e.line()).isEqualTo(5);
              assertThat(e.reason()).isEqualTo("the traced process was killed");
            });
    assertThat(r.result().counter("refs")).isEqualTo(3);
    assertThat(r.result().signals()).singleElement().asString().contains("SIGSEGV");
  }

  // ------------------------------------------------------------------ lackey

  @Test
  void lackey_plainLinesAndEveryOtherShape_readAlike_acrossBufferRefills() throws IOException {
    // over 1 MiB of lines: LF lines take the one-pass path, the same lines with CRLF the general
    // one; both must give the same touches, across the refills of the 1 MiB buffer
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
    String[] kinds = {"I ", " L", " S", " M", "I  ", "  L"};
    StringBuilder lf = new StringBuilder();
    StringBuilder crlf = new StringBuilder();
    for (int i = 0; i < 120_000; i++) {
      String line;
      if (i % 10_000 == 0) {
        line = "==123== banner " + i;
      } else {
        long addr = 0x4000000L + rnd.nextLong(1 << 20);
        String hex = Long.toHexString(addr);
        if (i % 7 == 0) {
          hex = hex.toUpperCase(java.util.Locale.ROOT);
        }
        if (i % 11 == 0) {
          hex = "0000000000" + hex;
        }
        line = kinds[i % kinds.length] + " " + hex + "," + (1 + rnd.nextInt(64));
      }
      lf.append(line).append('\n');
      crlf.append(line).append("\r\n");
    }
    MemoryTrace a = (MemoryTrace) Workload.open(file("lf.lackey", lf.toString()));
    MemoryTrace b = (MemoryTrace) Workload.open(file("crlf.lackey", crlf.toString()));

    assertThat(a.readError()).isEmpty();
    assertThat(b.readError()).isEmpty();
    assertThat(a.references()).isEqualTo(b.references()).isEqualTo(120_000 - 12);
    assertThat(a.touches()).isEqualTo(b.touches());
    for (int i = 0; i < a.touches(); i++) {
      assertThat(a.page(i)).isEqualTo(b.page(i));
      assertThat(a.access(i)).isEqualTo(b.access(i));
    }
  }

  @Test
  void lackey_addressOver16HexDigits_isRefused() throws IOException {
    MemoryTrace t =
        (MemoryTrace)
            Workload.open(
                file(
                    "a.lackey", "I  04000000,3\n L 10000000000000000,8\n L 00000000004000000,4\n"));

    assertThat(t.references()).isEqualTo(1);
    assertThat(t.readError().orElseThrow().getMessage())
        .endsWith("a.lackey:2: address has more than 16 hex digits");
  }

  @Test
  void lackey_leadingZeros_areNotDigitsThatCount() throws IOException {
    MemoryTrace t = (MemoryTrace) Workload.open(file("z.lackey", " L 00000000004000000,4\n"));

    assertThat(t.readError()).isEmpty();
    assertThat(t.page(0)).isEqualTo(0x4000);
  }

  @Test
  void lackey_hugeOrWrappingSizes_areRefused() throws IOException {
    assertThat(
            ((MemoryTrace) Workload.open(file("s.lackey", " L 04000000,99999999999999999999\n")))
                .readError()
                .orElseThrow()
                .reason())
        .isEqualTo("a lackey line needs a SIZE from 1 to 4096");
    assertThat(
            ((MemoryTrace) Workload.open(file("w.lackey", " S ffffffffffffffff,8\n")))
                .readError()
                .orElseThrow()
                .reason())
        .isEqualTo("ADDR 0xffffffffffffffff + SIZE 8 passes the end of the address space");
  }

  @Test
  void traceReplay_withoutPageTables_isALineErrorNamingTheConfiguration() throws IOException {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "64M")
            .set("page-table", "none")
            .set("virtual-allocator", "none")
            .boot();
    Workload w = Workload.open(file("t.lackey", "==1== x\nI  04000000,3\n"));

    assertThatThrownBy(() -> w.replay(k))
        .isInstanceOfSatisfying(
            WorkloadException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.reason()).contains("page-table=none");
            });
  }

  // ------------------------------------------------------------------ malloc logs

  @Test
  void mallocLog_callocSizeOverflow_isRefusedWithItsLine() throws IOException {
    Path p =
        file("c.malloc", "--1-- malloc(8) = 0x10\n--1-- calloc(4611686018427387904,4) = 0x20\n");

    WorkloadException e = failure(Workload.open(p), 1);

    assertThat(e.line()).isEqualTo(2);
    assertThat(e.reason())
        .isEqualTo("calloc(4611686018427387904, 4): the size 4611686018427387904 * 4 overflows");
  }

  @Test
  void mallocLog_addressesAndSizesOutOfRange_areRefused() throws IOException {
    assertThat(
            failure(Workload.open(file("a.malloc", "--1-- free(0x10000000000000000)\n")), 0)
                .reason())
        .isEqualTo("address '0x10000000000000000' has more than 16 hex digits");
    assertThat(
            failure(
                    Workload.open(file("b.malloc", "--1-- malloc(99999999999999999999) = 0x1\n")),
                    0)
                .reason())
        .isEqualTo("size 99999999999999999999 is larger than 2^63 - 1");
    assertThat(failure(Workload.open(file("c.malloc", "--1-- malloc(8)\n")), 0).reason())
        .isEqualTo("an allocation without its result address");
  }

  // ------------------------------------------------------------------ handles

  @Test
  void handleNames_thatNoAddressCanReference_areRefused() throws IOException {
    for (String name : new String[] {"a-b", "a+b", "1a", "\"a b\""}) {
      WorkloadException e =
          failure(Workload.open(file("h.trace", "drain\nkmalloc " + name + " 8\n")), 1);
      assertThat(e.line()).isEqualTo(2);
      assertThat(e.reason()).contains("cannot be a handle name");
    }
    Workload ok = Workload.open(file("ok.trace", "kmalloc a_b.c 8\nkfree a_b.c+0\n"));
    assertThat(ok.replay(kernel()).operations()).isEqualTo(2);
  }

  // ------------------------------------------------------------------ reclaim policy

  @Test
  void optPolicy_onATextWorkloadOrWithoutAResidentLimit_isRefusedBeforeAnythingRuns()
      throws IOException {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "64M")
            .set("swap.memory", "8M")
            .set("reclaim.policy", "opt")
            .boot();
    String before = k.proc("buddyinfo");
    Workload text = Workload.open(file("t.trace", "alloc_pages a 0\n"));
    Workload refs = Workload.open(file("t.refs", "1,2,3\n"));

    assertThatThrownBy(() -> text.replay(k))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("reclaim.policy")
        .hasMessageContaining("text workload");
    assertThatThrownBy(() -> refs.replay(k))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("rss.limit");
    assertThat(k.proc("buddyinfo")).isEqualTo(before);
  }
}
