package io.mmsim.kernel;

import java.util.Locale;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.Sizes;
import io.mmsim.api.mem.NumaTopology;
import io.mmsim.kernel.config.Configuration;

/*
 * The configuration's values as the boot reads them: a size, a number, a number in a range, a
 * boolean, a part's provider name (required, or "none" to leave it out), the NUMA topology. Each
 * refusal is a ConfigurationException naming the key, as the kernel's own parameter parsing
 * refuses a bad boot or sysctl value (kernel/params.c: parse_args, param_set_*; kernel/sysctl.c:
 * proc_dointvec_minmax). Validation of the key names is ConfigValidator's, done before.
 *
 * Separate from Kernel because Kernel is the public facade: this is the plumbing its constructor
 * and boot steps share, with nothing a user calls.
 */
final class KernelParams {
  private final Configuration config;

  KernelParams(Configuration config) {
    this.config = config;
  }

  /** The provider name of a part a kernel cannot do without. */
  String required(String key) {
    String v = config.get(key);
    if (v == null || v.isBlank() || v.equalsIgnoreCase(Kernel.NONE)) {
      throw new ConfigurationException(key, key + ": a kernel needs one; set " + key + "=NAME");
    }
    return v;
  }

  /** A part's provider name, or null when it is left out (blank or {@code none}). */
  String optional(String key) {
    String v = config.get(key);
    return v == null || v.isBlank() || v.trim().toLowerCase(Locale.ROOT).equals(Kernel.NONE)
        ? null
        : v;
  }

  /** The nodes that numa.nodes, numa.distance and numa.cpus describe. */
  NumaTopology numaTopology(long frames, int cpus) {
    int nodes = intKey("numa.nodes", 1, NumaTopology.MAX_NODES);
    try {
      return NumaTopology.parse(
          frames, cpus, nodes, config.get("numa.distance"), config.get("numa.cpus"));
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      String key =
          m.startsWith("numa.distance")
              ? "numa.distance"
              : m.startsWith("numa.cpus") ? "numa.cpus" : "numa.nodes";
      throw new ConfigurationException(key, m, e);
    }
  }

  /** A positive size in bytes such as {@code 512M}. */
  long sizeKey(String key) {
    try {
      long v = Sizes.parseSize(config.get(key));
      if (v <= 0) {
        throw new NumberFormatException("must be positive");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ConfigurationException(
          key, key + ": '" + config.get(key) + "' is not a size (" + e.getMessage() + ")");
    }
  }

  /** {@code true} or {@code false}. */
  boolean booleanKey(String key) {
    String v = config.get(key).trim().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return v.equals("true");
    }
    throw new ConfigurationException(key, key + ": '" + v + "' is not true or false");
  }

  /** A decimal or {@code 0x}-hex number. */
  long longKey(String key) {
    try {
      return Sizes.parseNumber(config.get(key));
    } catch (NumberFormatException e) {
      throw new ConfigurationException(key, key + ": " + e.getMessage());
    }
  }

  /** A number in {@code [min, max]}. */
  int intKey(String key, int min, int max) {
    long v = longKey(key);
    if (v < min || v > max) {
      throw new ConfigurationException(
          key, key + ": " + v + " is out of range [" + min + ", " + max + "]");
    }
    return (int) v;
  }
}
