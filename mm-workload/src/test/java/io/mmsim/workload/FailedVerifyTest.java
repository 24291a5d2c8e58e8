package io.mmsim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mmsim.kernel.Kernel;

/**
 * A {@code verify} line that fails leaves the machine as it was before the line: every {@code
 * /proc} view (vmstat's pgfault, meminfo's page tables, the processes' maps and smaps) reads the
 * same after the refusal, whether the bytes differ on a resident page, on a page never touched (a
 * read would fault in the zero page and allocate page tables), on a file page not yet in the page
 * cache, or whether the read would kill the process.
 */
final class FailedVerifyTest {
  @TempDir static Path root;

  private static final String SETUP =
      """
      spawn 1
      mmap 1 a 64K rw
      write 1 a+0 "hello"
      mmap 1 far 8M rw
      mmap 1 f 8K r file=data.bin
      read 1 f+0 1
      mmap 1 g 8K r file=data.bin@8192
      mmap 1 none 8K ---
      spawn 2
      """;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "verify 1 a+0 \"jello\"", // a resident page that holds other bytes
        "verify 1 a+8192 01", // a page never touched: zeros, no fault taken to see it
        "verify 1 far+4194304 0000000000000001", // untouched, its page tables not even allocated
        "verify 1 a+4094 \"lo\"", // from a resident page into an untouched one
        "verify 1 f+0 \"ABCD\"", // a file page in the page cache
        "verify 1 g+0 \"abcd\"", // a file page not yet read: the file says 'IJKL'
        "verify 1 g+4096 00", // past the file's end: the read would be SIGBUS
        "verify 1 none+0 00", // an area the process may not read: SIGSEGV
        "verify 1 0x1000 00", // no area at all: SIGSEGV
        "verify 2 a+0 00", // pid 2 has no handle a mapped: the address is unmapped for it
      })
  void verify_failing_changesNoProcView(String line) throws IOException {
    byte[] data = new byte[8192 + 100];
    System.arraycopy("EFGH".getBytes(StandardCharsets.US_ASCII), 0, data, 0, 4);
    System.arraycopy("IJKL".getBytes(StandardCharsets.US_ASCII), 0, data, 8192, 4);
    Files.write(root.resolve("data.bin"), data);
    Kernel kernel = Kernel.builder().set("memory.size", "64M").boot();
    Snapshots views = new Snapshots(kernel);

    assertThatThrownBy(() -> workload(SETUP + line + "\n").replay(kernel, views))
        .isInstanceOf(WorkloadException.class)
        .hasMessageContaining("t.trace:10:")
        .hasMessageContaining("verify");
    Map<String, String> after = views(kernel);
    assertThat(views.line).isEqualTo(9);
    assertThat(after.keySet()).isEqualTo(views.last.keySet());
    for (Map.Entry<String, String> e : views.last.entrySet()) {
      assertThat(after.get(e.getKey()))
          .as("/proc/%s after '%s'", e.getKey(), line)
          .isEqualTo(e.getValue());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "verify 1 a+0 \"hello\"",
        "verify 1 a+8192 0000",
        "verify 1 a+4094 00000000",
        "verify 1 f+0 \"EFGH\"",
        "verify 1 g+0 \"IJKL\"",
      })
  void verify_matching_passesAndFaultsAsARead(String line) throws IOException {
    byte[] data = new byte[8192 + 100];
    System.arraycopy("EFGH".getBytes(StandardCharsets.US_ASCII), 0, data, 0, 4);
    System.arraycopy("IJKL".getBytes(StandardCharsets.US_ASCII), 0, data, 8192, 4);
    Files.write(root.resolve("data.bin"), data);
    Kernel withVerify = Kernel.builder().set("memory.size", "64M").boot();
    workload(SETUP + line + "\n").replay(withVerify);
    // the same access as a plain read: the same faults and state
    Kernel withRead = Kernel.builder().set("memory.size", "64M").boot();
    String[] f = line.split(" ");
    String read = "read " + f[1] + " " + f[2] + " " + length(f[3]);
    workload(SETUP + read + "\n").replay(withRead);
    assertThat(views(withVerify)).isEqualTo(views(withRead));
  }

  /** The byte count of a verify's BYTES: a quoted string (no escapes here) or hex digits. */
  private static int length(String bytes) {
    if (bytes.startsWith("\"")) {
      return bytes.length() - 2;
    }
    return bytes.length() / 2;
  }

  /** The views after each line that ran: the state before the line that failed. */
  private static final class Snapshots implements ReplayListener {
    private final Kernel kernel;
    Map<String, String> last;
    long line;

    Snapshots(Kernel kernel) {
      this.kernel = kernel;
      this.last = views(kernel);
    }

    @Override
    public void operation(String source, long line, String operation) {
      this.line = line;
      last = views(kernel);
    }
  }

  private static Workload workload(String text) throws IOException {
    return Workload.read(
        "t.trace", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), root);
  }

  private static Map<String, String> views(Kernel kernel) {
    Map<String, String> v = new LinkedHashMap<>();
    for (String name : kernel.procNames()) {
      v.put(name, kernel.proc(name));
    }
    return v;
  }
}
