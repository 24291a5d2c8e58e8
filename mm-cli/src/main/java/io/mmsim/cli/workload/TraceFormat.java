package io.mmsim.cli.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** The input formats {@code mm run} accepts, detected from a file's content. */
public enum TraceFormat {
  /** mmsim's own text workload, one operation a line. */
  WORKLOAD,
  /** valgrind {@code --trace-malloc=yes} output, replayed as kmalloc/kfree. */
  MALLOC_TRACE,
  /** valgrind {@code --tool=lackey --trace-mem=yes} output, replayed as one process. */
  LACKEY,
  /** A page-reference string: page numbers, one a line or comma-separated. */
  REFERENCE_STRING;

  private static final Pattern LACKEY_LINE =
      Pattern.compile("^(I |  ?[LSM]) +[0-9A-Fa-f]+,\\d+\\s*$");
  private static final Pattern REFS_LINE =
      Pattern.compile("^\\s*\\d+(\\s*[, ]\\s*\\d+)*\\s*,?\\s*$");

  /** Looks at the first lines that are not valgrind banners or comments. */
  public static TraceFormat detect(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int looked = 0;
      while ((line = in.readLine()) != null && looked < 64) {
        if (line.isBlank() || line.startsWith("==") || line.strip().startsWith("#")) {
          continue;
        }
        looked++;
        if (MallocTrace.looksLike(line.strip())) {
          return MALLOC_TRACE;
        }
        if (line.startsWith("--")) {
          continue;
        }
        if (LACKEY_LINE.matcher(line).matches()) {
          return LACKEY;
        }
        if (REFS_LINE.matcher(line).matches()) {
          return REFERENCE_STRING;
        }
        return WORKLOAD;
      }
    }
    return WORKLOAD;
  }
}
