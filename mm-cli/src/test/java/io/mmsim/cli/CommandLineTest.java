package io.mmsim.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the mm command in-process with standard output and error captured, for the tests that drive
 * it end to end.
 */
abstract class CommandLineTest {
  /** What the last {@link #mm} printed on standard output. */
  protected final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** What the last {@link #mm} printed on standard error. */
  protected final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private PrintStream savedOut;
  private PrintStream savedErr;

  @TempDir protected Path tmp;

  @BeforeEach
  final void captureConsole() {
    savedOut = System.out;
    savedErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  final void restoreConsole() {
    System.setOut(savedOut);
    System.setErr(savedErr);
  }

  /** Runs {@code mm ARGS} with fresh output buffers; returns the exit code. */
  protected final int mm(String... args) {
    out.reset();
    err.reset();
    return Main.execute(args);
  }

  protected final String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  protected final String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** Writes {@code text} to {@code name} in the test's folder. */
  protected final Path file(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }
}
