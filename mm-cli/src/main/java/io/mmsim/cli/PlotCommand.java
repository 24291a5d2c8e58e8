package io.mmsim.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.mmsim.experiment.chart.ResultsPlot;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mm plot}: one chart of a results table, as PNG or SVG. */
@Command(
    name = "plot",
    mixinStandardHelpOptions = true,
    description =
        "Draws column Y against column X of a results CSV (lines for numbers, bars otherwise).")
final class PlotCommand implements Callable<Integer> {
  @CommandLine.Parameters(paramLabel = "RESULTS.csv", description = "A results table.")
  Path csv;

  @CommandLine.Option(names = "--x", required = true, paramLabel = "KEY", description = "X column.")
  String x;

  @CommandLine.Option(
      names = "--y",
      required = true,
      paramLabel = "COUNTER",
      description = "Y column.")
  String y;

  @CommandLine.Option(
      names = "--series",
      paramLabel = "KEY",
      description = "A line (or bar) per value of this column.")
  String series;

  @CommandLine.Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "FILE.png or FILE.svg.")
  Path out;

  @Override
  public Integer call() {
    if (!Files.isReadable(csv)) {
      System.err.println("mm plot: cannot read " + csv);
      return Main.EXIT_USAGE;
    }
    try {
      ResultsPlot.plot(csv, x, y, series, out);
      return 0;
    } catch (ResultsPlot.PlotException e) {
      System.err.println("mm plot: " + e.getMessage());
      return Main.EXIT_USAGE;
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      System.err.println("mm plot: " + csv + ": " + e.getMessage());
      return Main.EXIT_WORKLOAD;
    }
  }
}
