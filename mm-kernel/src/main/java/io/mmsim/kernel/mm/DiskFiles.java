package io.mmsim.kernel.mm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.mmsim.api.mem.Page;

/**
 * The disk behind file mappings as the simulation sees it: the host's files, overlaid by the pages
 * that write-back has written in this run.
 *
 * <p>When a dirty page of a shared file mapping is written back ({@code munmap}, {@code exit}), its
 * bytes go into this overlay, so that a later mapping or read of the same file in the same run sees
 * them, as it would after {@code msync} on Linux. The host file itself is written only when
 * write-back is enabled ({@code files.writeback=true}); by default a workload never changes the
 * host's files. The overlay is per kernel and lives as long as the kernel.
 *
 * <p>Not thread-safe: the kernel facade serialises calls.
 */
public final class DiskFiles {
  private final boolean writeBack;
  private final Predicate<Path> writable;
  private Consumer<String> reporter = line -> {};
  private long hostWriteErrors;

  /** Per file (its absolute, normalised path): written pages by page offset. */
  private final Map<Path, Map<Long, byte[]>> written = new HashMap<>();

  private long pagesWritten;
  private long pagesWrittenToHost;

  /**
   * The disk of one kernel.
   *
   * @param writeBack true to also write written pages into the host files
   */
  public DiskFiles(boolean writeBack) {
    this(writeBack, Files::isWritable);
  }

  /**
   * The disk of one kernel, with {@code writable} deciding whether this user may open a file for
   * writing (the permission check of {@code open}; tests stand in for a user without the right).
   */
  DiskFiles(boolean writeBack, Predicate<Path> writable) {
    this.writeBack = writeBack;
    this.writable = writable;
  }

  /** True when this user may open {@code path} for writing. */
  boolean writable(Path path) {
    return writable.test(path);
  }

  /** Where failed write-backs to host files are reported, one line each. */
  void setReporter(Consumer<String> reporter) {
    this.reporter = reporter;
  }

  /**
   * Write-backs to host files that failed. As in Linux, a write-back error does not fail the {@code
   * munmap} or {@code exit} that caused it (the kernel records it in the file's mapping, {@code
   * mapping_set_error}, for a later {@code fsync}); the page stays in this overlay.
   */
  public long hostWriteErrors() {
    return hostWriteErrors;
  }

  void hostWriteFailed(Path path, long offset, String reason) {
    hostWriteErrors++;
    reporter.accept(
        String.format("write-back of %s at offset %d failed (EIO): %s", path, offset, reason));
  }

  /** True when written pages also go to the host files ({@code files.writeback}). */
  public boolean writeBack() {
    return writeBack;
  }

  /** Pages written back in this run (to the overlay, and to the host when enabled). */
  public long pagesWritten() {
    return pagesWritten;
  }

  /** Pages written into host files in this run. */
  public long pagesWrittenToHost() {
    return pagesWrittenToHost;
  }

  /** The files written in this run, by path, with the number of distinct pages written. */
  public Map<String, Integer> filesWritten() {
    Map<String, Integer> out = new TreeMap<>();
    for (Map.Entry<Path, Map<Long, byte[]>> e : written.entrySet()) {
      out.put(e.getKey().toString(), e.getValue().size());
    }
    return out;
  }

  /** The backing of a mapping of {@code path}. */
  DiskFile open(Path path) {
    return new DiskFile(path, this);
  }

  /** The page at {@code offset} of {@code path} as written in this run, or null. */
  byte[] writtenPage(Path path, long offset) {
    Map<Long, byte[]> pages = written.get(path);
    return pages == null ? null : pages.get(offset);
  }

  /** Keeps a written page; {@code valid} bytes of it lie inside the file, the rest reads as 0. */
  void keep(Path path, long offset, byte[] src, int valid) {
    byte[] copy = new byte[Page.PAGE_SIZE];
    System.arraycopy(src, 0, copy, 0, valid);
    written.computeIfAbsent(path, p -> new HashMap<>()).put(offset, copy);
    pagesWritten++;
  }

  void countHostWrite() {
    pagesWrittenToHost++;
  }
}
