package io.mmsim.kernel.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.Settings;
import io.mmsim.kernel.registry.ProviderRegistry;

/**
 * Decides which configuration keys exist: the facade's own (those in its defaults) and, for every
 * discovered provider, {@code <name>.<key>} for each key the provider declares in {@link
 * Provider#defaultSettings()}. Anything else is an error naming the key.
 */
public final class ConfigValidator {
  /** First segments that belong to the facade; no provider may take one as its name. */
  public static final Set<String> FACADE_PREFIXES =
      Set.of(
          "memory",
          "cpus",
          "seed",
          "kernel",
          "page-allocator",
          "object-allocator",
          "virtual-allocator",
          "page-table",
          "fault-handler",
          "vm",
          "reclaim",
          "rss",
          "files",
          "numa",
          "thp",
          "hugepages");

  private final ProviderRegistry registry;
  private final Map<String, String> facadeDefaults;

  /** A validator over the providers the registry found. */
  public ConfigValidator(ProviderRegistry registry) {
    this.registry = registry;
    this.facadeDefaults = Configuration.facadeDefaults();
  }

  /**
   * Checks every key of {@code config}.
   *
   * @throws ConfigurationException naming the first unknown key, or a provider whose name collides
   *     with a facade key
   */
  public void validate(Configuration config) {
    for (ProviderRegistry.Spi spi : ProviderRegistry.Spi.values()) {
      for (Provider p : registry.providers(spi)) {
        if (FACADE_PREFIXES.contains(p.name().toLowerCase(Locale.ROOT))) {
          throw new ConfigurationException(
              p.name(),
              String.format(
                  "provider %s is named '%s', which is a key of the kernel itself; rename it",
                  p.getClass().getName(), p.name()));
        }
      }
    }
    for (String key : config.asMap().keySet()) {
      if (facadeDefaults.containsKey(key)) {
        continue;
      }
      int dot = key.indexOf('.');
      String prefix = dot < 0 ? key : key.substring(0, dot);
      List<Provider> owners = registry.findAllByName(prefix);
      if (owners.isEmpty() || dot < 0) {
        throw new ConfigurationException(key, unknownKey(key, config));
      }
      String shortKey = key.substring(dot + 1);
      Set<String> declared = new java.util.TreeSet<>();
      for (Provider o : owners) {
        declared.addAll(o.defaultSettings().keySet());
      }
      if (!declared.contains(shortKey)) {
        throw new ConfigurationException(
            key,
            String.format(
                "unknown configuration key '%s' (from %s): provider '%s' reads only %s",
                key,
                config.origin(key),
                owners.get(0).name(),
                declared.isEmpty() ? "no keys" : prefixed(owners.get(0).name(), declared)));
      }
    }
  }

  /** The slice of {@code config} that {@code provider} reads: its defaults overlaid by the keys. */
  public static Settings settingsFor(Provider provider, Configuration config) {
    Map<String, String> merged = new LinkedHashMap<>(new TreeMap<>(provider.defaultSettings()));
    String prefix = provider.name() + ".";
    for (Map.Entry<String, String> e : config.asMap().entrySet()) {
      if (e.getKey().regionMatches(true, 0, prefix, 0, prefix.length())
          && provider.defaultSettings().containsKey(e.getKey().substring(prefix.length()))) {
        merged.put(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    return new Settings(provider.name(), merged);
  }

  private String unknownKey(String key, Configuration config) {
    return String.format(
        "unknown configuration key '%s' (from %s); the kernel's keys are %s,"
            + " and each provider reads keys under its own name (./mm list shows the providers)",
        key, config.origin(key), String.join(", ", new TreeMap<>(facadeDefaults).keySet()));
  }

  private static String prefixed(String name, Set<String> keys) {
    StringBuilder sb = new StringBuilder();
    for (String k : new TreeMap<String, String>(toMap(keys)).keySet()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(name).append('.').append(k);
    }
    return sb.toString();
  }

  private static Map<String, String> toMap(Set<String> keys) {
    Map<String, String> m = new TreeMap<>();
    for (String k : keys) {
      m.put(k, "");
    }
    return m;
  }
}
