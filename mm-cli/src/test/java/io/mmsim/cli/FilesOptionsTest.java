package io.mmsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --files-root}, {@code --write-files} and their keys, end to end. */
final class FilesOptionsTest extends CommandLineTest {
  private Path data;
  private Path trace;

  @BeforeEach
  void setUp() throws IOException {
    Path root = Files.createDirectories(tmp.resolve("root"));
    data = root.resolve("data.txt");
    Files.writeString(data, "original content\n");
    trace = root.resolve("w.trace");
    Files.writeString(
        trace,
        "spawn 1\nmmap 1 m 4K rw file=data.txt shared\nwrite 1 m+0 \"OVERWRITTEN\"\nmunmap 1 m\n");
  }

  @Test
  void byDefault_sharedWritesStayInTheSimulation_andTheSummarySaysSo() throws IOException {
    int rc = mm("run", trace.toString());

    assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(Files.readString(data)).isEqualTo("original content\n");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(
            "files: 1 page(s) written through shared file mappings stayed in the simulated page"
                + " cache and were never written back to the host files");
  }

  @Test
  void writeFiles_writesTheHostFileInsideTheRoot() throws IOException {
    int rc = mm("run", "--write-files", trace.toString());

    assertThat(rc).isZero();
    assertThat(Files.readString(data)).startsWith("OVERWRITTEN");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("files: 1 page(s) of shared file mappings written back to " + data);
  }

  @Test
  void writebackKey_isTheSameAsTheOption() throws IOException {
    assertThat(mm("run", "--set", "files.writeback=true", trace.toString())).isZero();

    assertThat(Files.readString(data)).startsWith("OVERWRITTEN");
  }

  @Test
  void filesRootElsewhere_refusesTheWorkloadsOwnFolder() throws IOException {
    Path other = Files.createDirectories(tmp.resolve("other"));

    int rc = mm("run", "--files-root", other.toString(), "--write-files", trace.toString());

    assertThat(rc).isEqualTo(Main.EXIT_WORKLOAD);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith(trace + ":2: mmap: cannot open data.txt: no such file");
    assertThat(Files.readString(data)).isEqualTo("original content\n");
  }

  @Test
  void filesRootThatIsNotADirectory_isAUsageError() {
    assertThat(mm("run", "--files-root", tmp.resolve("nosuch").toString(), trace.toString()))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("files.root").contains("nosuch");
    assertThat(mm("run", "--set", "files.root=" + data, trace.toString()))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(mm("run", "--files-root", "", trace.toString())).isEqualTo(Main.EXIT_USAGE);
  }
}
