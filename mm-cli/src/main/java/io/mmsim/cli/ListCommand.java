package io.mmsim.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.spi.Provider;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.plugin.PluginPath;
import io.mmsim.kernel.plugin.ProviderOrigin;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mm list}: every discovered provider, grouped by SPI, with name, description and origin (a
 * built-in module, or the plug-in jar and its version).
 *
 * <p>Exit status 2 when discovery is broken in a way a boot would refuse: two providers of one SPI
 * with one name, or a plug-in provider that failed to load. The listing is printed first, so the
 * culprits can be seen.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Lists every provider found, grouped by SPI, with where it came from.")
final class ListCommand implements java.util.concurrent.Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = {"-v", "--verbose"},
      description = "Also show each provider's full location.")
  boolean verbose;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PluginPath plugins = PluginOption.of(spec);
    for (Map.Entry<String, List<Provider>> e : Kernel.discoverProviders(plugins).entrySet()) {
      out.println(e.getKey() + ":");
      if (e.getValue().isEmpty()) {
        out.println("  (none found)");
      }
      for (Provider p : e.getValue()) {
        ProviderOrigin o = ProviderOrigin.of(p.getClass(), plugins);
        out.printf(
            "  %-10s %s [%s]%n",
            p.name(), p.description(), verbose ? o.describeWithLocation() : o.describe());
      }
    }
    out.flush();
    try {
      Kernel.checkProviders(plugins);
    } catch (ConfigurationException e) {
      err.println("mm: " + e.getMessage());
      err.flush();
      return Main.EXIT_USAGE;
    }
    for (String f : Kernel.discoveryFailures(plugins)) {
      err.println("mm: provider failed to load: " + f);
    }
    err.flush();
    return 0;
  }
}
