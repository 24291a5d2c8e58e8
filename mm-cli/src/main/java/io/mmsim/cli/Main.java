package io.mmsim.cli;

import java.io.PrintStream;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mm} command.
 *
 * <p>Exit status: 0 success; 1 a workload line failed ({@code FILE:LINE: reason} on stderr); 2 a
 * usage error (unknown option, configuration key or value, unknown provider, a file that cannot be
 * read); 70 ({@code EX_SOFTWARE}) an internal error, which is a bug of mmsim.
 */
@Command(
    name = "mm",
    mixinStandardHelpOptions = true,
    version = "mmsim 0.1.0",
    description =
        "Simulates Linux memory management: boots a kernel from named parts and replays"
            + " workloads.",
    subcommands = {
      ListCommand.class,
      RunCommand.class,
      MkswapCommand.class,
      MrcCommand.class,
      SweepCommand.class,
      PlotCommand.class,
      ExerciseCommand.class
    })
public final class Main implements Runnable {
  /** Exit status of a failed workload line. */
  public static final int EXIT_WORKLOAD = 1;

  /** Exit status of a usage or configuration error. */
  public static final int EXIT_USAGE = 2;

  /** Exit status of an internal error ({@code EX_SOFTWARE} of sysexits.h): a bug of mmsim. */
  public static final int EXIT_INTERNAL = 70;

  /**
   * The system property that makes the last-resort handler rethrow instead of printing: the
   * command's tests set it to {@code throw}, so that any test that reaches it fails with the bug's
   * stack trace.
   */
  public static final String INTERNAL_ERROR_PROPERTY = "mmsim.internal-error";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin PluginOption plugins = new PluginOption();

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "choose a command: list, run, mkswap, mrc, sweep, plot or exercise (mm --help shows them)");
  }

  /** Runs the command line and returns the exit status. */
  public static int execute(String... args) {
    return execute(System.getenv(), args);
  }

  /** Runs the command line with {@code env} as the environment ({@code MM_PLUGIN_PATH}). */
  static int execute(java.util.Map<String, String> env, String... args) {
    for (String a : args) {
      if (a.equals("-v") || a.equals("--verbose")) {
        System.setProperty("mm.log.level", "DEBUG");
      }
    }
    Main main = new Main();
    main.plugins.environment(env);
    CommandLine cl = new CommandLine(main).setExecutionStrategy(main.plugins::loadThenRun);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> internalError(e, System.err));
    try {
      return cl.execute(args);
    } catch (RuntimeException | Error e) {
      return internalError(e, System.err);
    }
  }

  /**
   * The last resort: an exception no command caught is a bug. Prints one line, with no stack trace,
   * and returns {@link #EXIT_INTERNAL}; under {@link #INTERNAL_ERROR_PROPERTY}{@code =throw} it
   * rethrows instead.
   */
  static int internalError(Throwable e, PrintStream err) {
    if ("throw".equals(System.getProperty(INTERNAL_ERROR_PROPERTY))) {
      throw new AssertionError("the last-resort handler caught a bug", e);
    }
    if (e instanceof OutOfMemoryError) {
      err.println(
          "mm: out of Java heap memory; give the JVM more, e.g. JAVA_TOOL_OPTIONS=-Xmx8g ./mm ...");
    } else {
      String msg = e.getMessage();
      err.println(
          "mm: internal error: "
              + e.getClass().getSimpleName()
              + (msg == null ? "" : ": " + msg.lines().findFirst().orElse(""))
              + " (a bug of mmsim; please report it with the command that caused it)");
    }
    err.flush();
    return EXIT_INTERNAL;
  }

  /** The entry point. */
  public static void main(String[] args) {
    System.exit(execute(args));
  }
}
