package io.mmsim.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import io.mmsim.experiment.sweep.RunRow;
import io.mmsim.experiment.sweep.SweepListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A sweep's progress on stderr: a progress bar (runs done of all, elapsed time and ETA, runs
 * failed) when stderr is a terminal, otherwise one line per finished run, so logs and CI output
 * stay readable.
 */
final class SweepProgress implements SweepListener, AutoCloseable {
  private final PrintStream err;
  private final boolean terminal;
  private ProgressBar bar;
  private int total;
  private int done;
  private int failed;
  private long start;

  SweepProgress(PrintStream err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  /** Whether this process's stderr is a terminal (on Linux, fd 2 links to a tty or pty). */
  static boolean stderrIsTerminal() {
    try {
      Path fd = Path.of("/proc/self/fd/2");
      if (Files.isSymbolicLink(fd)) {
        String target = Files.readSymbolicLink(fd).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      }
    } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
      // not Linux: fall back on the console, which exists only for a terminal session
    }
    return System.console() != null;
  }

  @Override
  public void started(int toRun, int skipped) {
    total = toRun;
    start = System.nanoTime();
    if (skipped > 0) {
      err.printf("mm sweep: %d runs already done, %d to run%n", skipped, toRun);
    }
    if (terminal && toRun > 0) {
      bar =
          new ProgressBarBuilder()
              .setTaskName("sweep")
              .setInitialMax(toRun)
              .setStyle(ProgressBarStyle.ASCII)
              .setConsumer(new ConsoleProgressBarConsumer(err))
              .setUpdateIntervalMillis(250)
              .build();
      bar.setExtraMessage("0 failed");
    }
  }

  @Override
  public void finished(RunRow row) {
    done++;
    if (row.failed()) {
      failed++;
    }
    if (bar != null) {
      bar.step();
      bar.setExtraMessage(failed + " failed");
      return;
    }
    long elapsed = System.nanoTime() - start;
    long eta = done == 0 ? 0 : elapsed / done * (total - done);
    err.printf(
        Locale.ROOT,
        "mm sweep: %d/%d %s %s: %s (%.0f ms); %d failed, ETA %s%n",
        done,
        total,
        row.workload(),
        row.values(),
        row.outcome(),
        row.wallMs(),
        failed,
        format(Duration.ofNanos(eta)));
  }

  private static String format(Duration d) {
    long s = d.toSeconds();
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
