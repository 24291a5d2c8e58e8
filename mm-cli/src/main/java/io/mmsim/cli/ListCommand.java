package io.mmsim.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

import io.mmsim.api.spi.Provider;
import io.mmsim.kernel.Kernel;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mm list}: every discovered provider, grouped by SPI, with name and description. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Lists every provider found, grouped by SPI.")
final class ListCommand implements java.util.concurrent.Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = {"-v", "--verbose"},
      description = "Also show module and location.")
  boolean verbose;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    for (Map.Entry<String, List<Provider>> e : Kernel.discoverProviders().entrySet()) {
      out.println(e.getKey() + ":");
      if (e.getValue().isEmpty()) {
        out.println("  (none found)");
      }
      for (Provider p : e.getValue()) {
        String line = String.format("  %-10s %s", p.name(), p.description());
        if (verbose) {
          Module m = p.getClass().getModule();
          line += " [" + (m.isNamed() ? m.getName() : "class path") + "]";
        }
        out.println(line);
      }
    }
    for (String f : Kernel.discoveryFailures()) {
      spec.commandLine().getErr().println("mm: provider failed to load: " + f);
    }
    out.flush();
    return 0;
  }
}
