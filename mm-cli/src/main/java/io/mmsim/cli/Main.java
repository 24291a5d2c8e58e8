package io.mmsim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mm} command.
 *
 * <p>Exit status: 0 success; 1 a workload line failed ({@code FILE:LINE: reason} on stderr); 2 a
 * usage error (unknown option, configuration key or value, unknown provider).
 */
@Command(
    name = "mm",
    mixinStandardHelpOptions = true,
    version = "mmsim 0.1.0",
    description =
        "Simulates Linux memory management: boots a kernel from named parts and replays"
            + " workloads.",
    subcommands = {ListCommand.class, RunCommand.class, MkswapCommand.class})
public final class Main implements Runnable {
  /** Exit status of a failed workload line. */
  public static final int EXIT_WORKLOAD = 1;

  /** Exit status of a usage or configuration error. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "choose a command: list or run (mm --help shows them)");
  }

  /** Runs the command line and returns the exit status. */
  public static int execute(String... args) {
    for (String a : args) {
      if (a.equals("-v") || a.equals("--verbose")) {
        System.setProperty("mm.log.level", "DEBUG");
      }
    }
    return new CommandLine(new Main()).execute(args);
  }

  /** The entry point. */
  public static void main(String[] args) {
    System.exit(execute(args));
  }
}
