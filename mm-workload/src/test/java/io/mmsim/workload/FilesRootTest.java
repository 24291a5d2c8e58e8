package io.mmsim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.MmException;
import io.mmsim.kernel.Kernel;

/**
 * A workload cannot reach host files outside its files root, and by default cannot change the ones
 * inside it. Each escape is tried with a shared writable mapping that writes and unmaps, and every
 * host file is compared byte for byte afterwards.
 */
final class FilesRootTest {
  @TempDir Path tmp;

  private Path root;
  private Path outside;
  private final Map<Path, byte[]> snapshot = new LinkedHashMap<>();

  @BeforeEach
  void files() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("victim.txt"), "original content\n");
    Files.writeString(root.resolve("data.txt"), "original content\n");
    Files.createSymbolicLink(root.resolve("link.txt"), outside.resolve("victim.txt"));
    Files.createSymbolicLink(root.resolve("outdir"), outside);
  }

  private void snapshot(Path... files) throws IOException {
    for (Path f : files) {
      snapshot.put(f, Files.readAllBytes(f));
    }
  }

  @AfterEach
  void hostFilesUnchanged() throws IOException {
    for (Map.Entry<Path, byte[]> e : snapshot.entrySet()) {
      assertThat(Arrays.equals(Files.readAllBytes(e.getKey()), e.getValue()))
          .as(e.getKey() + " must be byte-for-byte unchanged")
          .isTrue();
    }
  }

  private static String overwrite(String path) {
    return "spawn 1\nmmap 1 m 4K rw file="
        + path
        + " shared\nwrite 1 m+0 \"OVERWRITTEN\"\nmunmap 1 m\nexit 1\n";
  }

  private Workload workload(String text) throws IOException {
    Path w = root.resolve("w.trace");
    Files.writeString(w, text, StandardCharsets.UTF_8);
    return Workload.open(w);
  }

  private static Kernel kernel(String... keys) {
    Kernel.Builder b = Kernel.builder().set("memory.size", "64M");
    for (String k : keys) {
      b.set(k);
    }
    return b.boot();
  }

  private void refused(String path, String reason) throws IOException {
    Workload w = workload(overwrite(path));
    assertThatThrownBy(() -> w.replay(kernel()))
        .isInstanceOfSatisfying(
            WorkloadException.class,
            e -> {
              assertThat(e.line()).as(path).isEqualTo(2);
              assertThat(e.reason()).as(path).contains(reason);
            });
  }

  // ------------------------------------------------------------------ escapes

  @Test
  void absolutePathOutsideTheRoot_isRefused() throws IOException {
    snapshot(outside.resolve("victim.txt"));

    refused(outside.resolve("victim.txt").toString(), "outside the files root (" + root + ")");
  }

  @Test
  void dotDotEscape_isRefused() throws IOException {
    snapshot(outside.resolve("victim.txt"));

    refused("../outside/victim.txt", "outside the files root");
    refused("sub/../../outside/victim.txt", "outside the files root");
  }

  @Test
  void symlinksResolvingOutside_areRefused() throws IOException {
    snapshot(outside.resolve("victim.txt"));

    refused("link.txt", "outside the files root");
    refused("outdir/victim.txt", "outside the files root");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void deviceFiles_areRefused() throws IOException {
    refused("/dev/zero", "outside the files root");
    Files.createSymbolicLink(root.resolve("zero"), Path.of("/dev/zero"));
    refused("zero", "outside the files root");
    Workload w = workload(overwrite("/dev/null"));
    assertThatThrownBy(() -> w.replay(kernel())).isInstanceOf(WorkloadException.class);
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void fifoInsideTheRoot_isRefusedWithoutOpeningIt() throws Exception {
    Path fifo = root.resolve("fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

    refused("fifo", "is not a regular file (a device or a FIFO)");
  }

  @Test
  void directoryInsideTheRoot_isRefused() throws IOException {
    Files.createDirectories(root.resolve("dir"));

    refused("dir", "is not a regular file (a directory)");
  }

  @Test
  void activeSwapFileInsideTheRoot_cannotBeMapped() throws IOException {
    Path swapfile = root.resolve("swapfile");
    Kernel.mkswap(swapfile, 1 << 20, "", new UUID(1, 2));
    snapshot(swapfile);
    Workload w = workload(overwrite("swapfile"));

    assertThatThrownBy(() -> w.replay(kernel("swap.files=" + swapfile)))
        .isInstanceOfSatisfying(
            WorkloadException.class,
            e -> assertThat(e.reason()).contains("is an active swap area"));
    refused("swapfile/inner", "cannot open swapfile/inner");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void swapFileThatIsASymlinkToANonRegularFile_isRefusedAtBoot() throws Exception {
    Path fifo = tmp.resolve("fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Path link = tmp.resolve("swaplink");
    Files.createSymbolicLink(link, fifo);
    Path devLink = tmp.resolve("devlink");
    Files.createSymbolicLink(devLink, Path.of("/dev/zero"));

    for (Path p : new Path[] {link, devLink}) {
      assertThatThrownBy(() -> kernel("swap.files=" + p))
          .isInstanceOfAny(MmException.class, ConfigurationException.class)
          .hasMessageContaining("not a regular file");
    }
  }

  // ------------------------------------------------------------------ inside the root

  @Test
  void sharedWritesInsideTheRoot_stayInTheSimulationAndPersistWithinTheRun() throws IOException {
    snapshot(root.resolve("data.txt"));
    Workload w =
        workload(
            overwrite("data.txt")
                + "spawn 2\nmmap 2 n 4K r file=data.txt shared\n"
                + "verify 2 n+0 \"OVERWRITTEN\"\n"
                + "verify 2 n+11 \"ntent\\n\"\n"
                + "munmap 2 n\n"
                + "mmap 2 p 4K r file="
                + root.resolve("data.txt")
                + " private\nverify 2 p+0 \"OVERWRITTEN\"\n");
    Kernel k = kernel();

    RunResult r = w.replay(k);

    assertThat(r.operations()).isEqualTo(12);
    assertThat(k.processes().diskFiles().pagesWritten()).isEqualTo(1);
    assertThat(k.processes().diskFiles().pagesWrittenToHost()).isZero();
  }

  @Test
  void writeBackEnabled_writesTheHostFileInsideTheRoot() throws IOException {
    Workload w = workload(overwrite("data.txt"));
    Kernel k = kernel("files.writeback=true");

    w.replay(k);

    assertThat(Files.readString(root.resolve("data.txt"))).isEqualTo("OVERWRITTENntent\n");
    assertThat(k.processes().diskFiles().pagesWrittenToHost()).isEqualTo(1);
  }

  @Test
  void writeBackEnabled_stillRefusesEveryEscape() throws IOException {
    snapshot(outside.resolve("victim.txt"));
    for (String path :
        new String[] {
          outside.resolve("victim.txt").toString(), "../outside/victim.txt", "link.txt"
        }) {
      Workload w = workload(overwrite(path));
      assertThatThrownBy(() -> w.replay(kernel("files.writeback=true")))
          .isInstanceOf(WorkloadException.class)
          .hasMessageContaining("outside the files root");
    }
  }

  @Test
  void explicitRoot_isWhereRelativePathsResolve() throws IOException {
    Path w = root.resolve("elsewhere.trace");
    Files.writeString(w, overwrite("outside/victim.txt"));
    snapshot(outside.resolve("victim.txt"));

    RunResult r = Workload.open(w, tmp).replay(kernel());

    assertThat(r.operations()).isEqualTo(5);
    assertThatThrownBy(() -> Workload.open(w).replay(kernel()))
        .as("by default the root is the workload's folder, " + root)
        .isInstanceOf(WorkloadException.class);
  }
}
