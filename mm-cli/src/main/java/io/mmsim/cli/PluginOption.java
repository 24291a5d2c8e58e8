package io.mmsim.cli;

import java.util.Map;

import io.mmsim.api.ConfigurationException;
import io.mmsim.kernel.plugin.PluginPath;
import picocli.CommandLine;

/**
 * {@code mm --plugins PATH[:PATH...]} and the environment variable {@value #ENV}: jars, or folders
 * of jars, whose providers every command sees next to the built-in ones.
 *
 * <p>The option replaces the variable, as {@code java -cp} replaces {@code CLASSPATH}: {@code
 * --plugins ''} runs without the plug-ins the environment names. The path is loaded once, before
 * the command runs, so a bad entry stops every command with exit status 2 and a message naming it.
 */
final class PluginOption {
  /** The environment variable read when {@code --plugins} is not given. */
  static final String ENV = "MM_PLUGIN_PATH";

  @CommandLine.Option(
      names = "--plugins",
      paramLabel = "PATH[:PATH...]",
      description =
          "Jars or folders of jars with more providers (modular jars on a module layer, plain"
              + " jars on a class loader). Replaces the environment variable "
              + ENV
              + ".")
  String option;

  private Map<String, String> env = Map.of();
  private PluginPath loaded;

  /** Reads {@value #ENV} from {@code env} when the option is not given. */
  void environment(Map<String, String> env) {
    this.env = env;
  }

  /**
   * The plug-in path, loaded on first use.
   *
   * @throws ConfigurationException naming an entry that is missing or not a usable jar
   */
  PluginPath path() {
    if (loaded == null) {
      String value = option != null ? option : env.get(ENV);
      loaded = PluginPath.of(PluginPath.split(value));
    }
    return loaded;
  }

  /** The plug-in path of the {@code mm} invocation that runs {@code spec}'s command. */
  static PluginPath of(CommandLine.Model.CommandSpec spec) {
    return ((Main) spec.root().userObject()).plugins.path();
  }

  /** Loads the plug-in path, then runs the command (help needs no plug-ins). */
  int loadThenRun(CommandLine.ParseResult parsed) {
    Integer help = CommandLine.executeHelpRequest(parsed);
    if (help != null) {
      return help;
    }
    try {
      path();
    } catch (ConfigurationException e) {
      parsed.commandSpec().commandLine().getErr().println("mm: " + e.getMessage());
      parsed.commandSpec().commandLine().getErr().flush();
      return Main.EXIT_USAGE;
    }
    return new CommandLine.RunLast().execute(parsed);
  }
}
