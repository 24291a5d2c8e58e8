package io.mmsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.Sizes;
import io.mmsim.api.swap.SwapException;
import io.mmsim.api.swap.SwapSpace;
import io.mmsim.kernel.Kernel;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mm mkswap FILE SIZE [--label L] [--uuid U]}: writes a swap file in the Linux on-disk
 * format (the header page with the SWAPSPACE2 signature), which {@code file}, {@code blkid} and the
 * kernel's swapon recognise, and which {@code swap.files} activates.
 *
 * <p>Like util-linux's mkswap, the UUID is random unless {@code --uuid} gives one.
 */
@Command(
    name = "mkswap",
    mixinStandardHelpOptions = true,
    description = "Writes a swap file in the Linux on-disk format.")
final class MkswapCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(index = "0", paramLabel = "FILE", description = "The file to write.")
  Path file;

  @CommandLine.Parameters(
      index = "1",
      paramLabel = "SIZE",
      description = "Its size (K, M, G suffixes), at least 10 pages.")
  String size;

  @CommandLine.Option(
      names = {"-L", "--label"},
      paramLabel = "LABEL",
      description = "A volume label of up to 15 bytes.")
  String label = "";

  @CommandLine.Option(
      names = {"-U", "--uuid"},
      paramLabel = "UUID",
      description = "The UUID to write (default: a random one).")
  String uuid;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long bytes;
    UUID id;
    try {
      bytes = Sizes.parseSize(size);
      id = uuid == null ? UUID.randomUUID() : UUID.fromString(uuid);
    } catch (IllegalArgumentException e) {
      err.println("mm mkswap: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    if (file.toString().isEmpty()) {
      err.println("mm mkswap: FILE is empty");
      return Main.EXIT_USAGE;
    }
    SwapSpace h;
    try {
      h = Kernel.mkswap(file, bytes, label, id);
    } catch (SwapException e) {
      err.println("mm mkswap: " + e.kernelMessage());
      return Main.EXIT_USAGE;
    } catch (ConfigurationException e) {
      err.println("mm mkswap: " + e.getMessage());
      return Main.EXIT_USAGE;
    } catch (IOException e) {
      err.println("mm mkswap: cannot write " + file + ": " + e.getMessage());
      return Main.EXIT_WORKLOAD;
    }
    long areaBytes = h.usableBytes();
    out.printf(
        "Setting up swapspace version 1, size = %s (%d bytes)%n", human(areaBytes), areaBytes);
    out.printf("%s, UUID=%s%n", label.isEmpty() ? "no label" : "LABEL=" + label, id);
    out.flush();
    return 0;
  }

  /** As util-linux's size_to_human_string prints it: one decimal, dropped when 0; binary units. */
  private static String human(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    if (u == 0) {
      return bytes + " B";
    }
    String num = String.format(java.util.Locale.ROOT, "%.1f", v);
    if (num.endsWith(".0")) {
      num = num.substring(0, num.length() - 2);
    }
    return num + " " + units[u];
  }
}
