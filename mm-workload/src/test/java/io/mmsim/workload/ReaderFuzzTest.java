package io.mmsim.workload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.mmsim.kernel.Kernel;

/**
 * Fuzz tests of every reader, each followed by a replay on a small kernel. The property: reading
 * and replaying any bytes ends normally or with a {@link WorkloadException} naming a line, never
 * with another exception.
 *
 * <p>In a plain build the committed seeds under {@code ReaderFuzzTestInputs/METHOD/} run as
 * regression tests; {@code JAZZER_FUZZ=1} fuzzes (see the README).
 */
final class ReaderFuzzTest {
  private static final Path ROOT = Path.of("target", "fuzz-root").toAbsolutePath();

  private static Kernel kernel() {
    return Kernel.builder()
        .set("memory.size", "48M")
        .set("swap.memory", "1M")
        .set("rss.limit", "16")
        .boot();
  }

  private static void replay(Workload w) {
    try {
      w.replay(kernel());
    } catch (WorkloadException expected) {
      if (expected.line() < 0 || expected.file().isEmpty()) {
        throw new AssertionError("a workload error without its place: " + expected, expected);
      }
    }
  }

  @FuzzTest(maxDuration = "30s")
  void anyFormat(byte[] data) throws IOException {
    replay(Workload.read("fuzz", new ByteArrayInputStream(data), ROOT));
  }

  @FuzzTest(maxDuration = "30s")
  void textWorkload(byte[] data) throws IOException {
    replay(TextWorkload.read("fuzz.trace", new ByteArrayInputStream(data)).rooted(ROOT));
  }

  @FuzzTest(maxDuration = "30s")
  void lackey(byte[] data) throws IOException {
    replay(MemoryTrace.readLackey("fuzz.lackey", new ByteArrayInputStream(data), -1).rooted(ROOT));
  }

  @FuzzTest(maxDuration = "30s")
  void referenceString(byte[] data) throws IOException {
    replay(
        MemoryTrace.readReferences("fuzz.refs", new ByteArrayInputStream(data), -1).rooted(ROOT));
  }

  @FuzzTest(maxDuration = "30s")
  void mallocLog(byte[] data) throws IOException {
    replay(MallocLog.read("fuzz.malloc", new ByteArrayInputStream(data)).rooted(ROOT));
  }
}
