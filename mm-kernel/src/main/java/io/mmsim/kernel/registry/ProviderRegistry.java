package io.mmsim.kernel.registry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.Spliterator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.spi.FaultHandlerProvider;
import io.mmsim.api.spi.ObjectAllocatorProvider;
import io.mmsim.api.spi.PageAllocatorProvider;
import io.mmsim.api.spi.PageTableProvider;
import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;
import io.mmsim.api.spi.VirtualAllocatorProvider;
import io.mmsim.api.swap.SwapProvider;
import io.mmsim.kernel.plugin.PluginPath;
import io.mmsim.kernel.plugin.ProviderOrigin;

/**
 * The one place where mmsim calls {@link ServiceLoader}: discovers every provider of every SPI,
 * rejects duplicates and incompatible SPI versions, and selects providers by configured name.
 *
 * <p>A built-in provider that fails to load is logged at WARN and kept for error reports, so one
 * broken jar does not stop the scan (the SLF4J approach); one from the plug-in path is an error
 * ({@link #checkPlugins}), since the user asked for it. Error messages list every provider found
 * with its description and origin (module or jar, version, location), and end with a remedy.
 */
public final class ProviderRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

  /**
   * One SPI: its configuration key, its provider type and the artifact that usually provides it.
   */
  public enum Spi {
    /** Page allocators. */
    PAGE_ALLOCATOR("page-allocator", PageAllocatorProvider.class, "mm-buddy"),
    /** Object allocators. */
    OBJECT_ALLOCATOR(
        "object-allocator", ObjectAllocatorProvider.class, "mm-slub, mm-slab or mm-slob"),
    /** vmalloc. */
    VIRTUAL_ALLOCATOR("virtual-allocator", VirtualAllocatorProvider.class, "mm-vmalloc"),
    /** Page tables. */
    PAGE_TABLE("page-table", PageTableProvider.class, "mm-paging"),
    /** Fault handlers. */
    FAULT_HANDLER("fault-handler", FaultHandlerProvider.class, "mm-paging or mm-swap"),
    /** Replacement policies. */
    REPLACEMENT_POLICY("reclaim.policy", ReplacementPolicyProvider.class, "mm-swap"),
    /** The swap subsystem (areas, swap cache, reclaim). */
    SWAP("swap", SwapProvider.class, "mm-swap");

    private final String key;
    private final Class<? extends Provider> type;
    private final String artifact;

    Spi(String key, Class<? extends Provider> type, String artifact) {
      this.key = key;
      this.type = type;
      this.artifact = artifact;
    }

    /** The configuration key that names the chosen provider. */
    public String key() {
      return key;
    }

    /** The provider interface. */
    public Class<? extends Provider> type() {
      return type;
    }

    /** The artifact(s) that provide it, for remedies. */
    public String artifact() {
      return artifact;
    }
  }

  private final Map<Spi, List<Provider>> providers = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();
  private final List<String> pluginFailures = new ArrayList<>();
  private final PluginPath plugins;

  private ProviderRegistry(PluginPath plugins) {
    this.plugins = plugins;
  }

  /** Scans the module path and class path for every SPI. */
  public static ProviderRegistry discover() {
    return discover(PluginPath.none());
  }

  /**
   * Scans the module path, the class path and the plug-in path for every SPI.
   *
   * <p>Modular plug-ins are found through their module layer ({@link
   * ServiceLoader#load(ModuleLayer, Class)}, which also searches mmsim's own layer), plain ones
   * through their class loader ({@link ServiceLoader#load(Class, ClassLoader)}, which also searches
   * mmsim's own modules and class path). A provider class found by both scans is taken once.
   */
  public static ProviderRegistry discover(PluginPath plugins) {
    ProviderRegistry r = new ProviderRegistry(plugins);
    for (Spi spi : Spi.values()) {
      r.load(spi, spi.type());
    }
    return r;
  }

  /** A registry of exactly the given providers (tests, embedding without ServiceLoader). */
  public static ProviderRegistry of(List<? extends Provider> given) {
    ProviderRegistry r = new ProviderRegistry(PluginPath.none());
    for (Spi spi : Spi.values()) {
      List<Provider> list = new ArrayList<>();
      for (Provider p : given) {
        if (spi.type().isInstance(p)) {
          list.add(p);
        }
      }
      r.accept(spi, list);
    }
    return r;
  }

  private <P extends Provider> void load(Spi spi, Class<P> type) {
    List<Provider> list = new ArrayList<>();
    // Class objects compare by identity: the same class seen by both scans is one provider
    Set<Class<?>> seen = new HashSet<>();
    if (plugins.layer().isPresent()) {
      scan(spi, ServiceLoader.load(plugins.layer().get(), type), list, seen);
    }
    ServiceLoader<P> loader =
        plugins.classLoader().isPresent()
            ? ServiceLoader.load(type, plugins.classLoader().get())
            : ServiceLoader.load(type);
    scan(spi, loader, list, seen);
    accept(spi, list);
  }

  /**
   * Takes every provider of one loader. A provider-configuration entry that names a missing class
   * fails while advancing, a provider whose constructor throws fails in {@code get()}: both are
   * recorded and the scan goes on (ServiceLoader's lookup moves past a failed entry).
   */
  private <P extends Provider> void scan(
      Spi spi, ServiceLoader<P> loader, List<Provider> list, Set<Class<?>> seen) {
    Spliterator<ServiceLoader.Provider<P>> it = loader.stream().spliterator();
    while (true) {
      try {
        if (!it.tryAdvance(handle -> take(spi, handle, list, seen))) {
          return;
        }
      } catch (ServiceConfigurationError | LinkageError e) {
        failed(spi, null, e);
      }
    }
  }

  private <P extends Provider> void take(
      Spi spi, ServiceLoader.Provider<P> handle, List<Provider> list, Set<Class<?>> seen) {
    Class<? extends P> type = handle.type();
    if (!seen.add(type)) {
      return;
    }
    try {
      P p = handle.get();
      // a plug-in compiled against another mm-api may fail on its first call
      String name = p.name();
      if (name == null || name.isBlank()) {
        throw new IllegalStateException("name() is blank");
      }
      p.description();
      p.spiVersion();
      p.priority();
      list.add(p);
    } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
      failed(spi, type, e);
    }
  }

  private void failed(Spi spi, Class<?> type, Throwable e) {
    String what =
        spi.type().getSimpleName()
            + (type == null ? "" : " " + type.getName())
            + ": "
            + describe(e);
    boolean plugin;
    if (type != null) {
      ProviderOrigin o = ProviderOrigin.of(type, plugins);
      plugin = o.plugin();
      if (plugin) {
        what += " (plug-in " + o.fileName() + ")";
      }
    } else {
      Path jar = declaringPlugin(what);
      plugin = jar != null;
      if (plugin) {
        what += " (plug-in " + jar + ")";
      }
    }
    if (plugin) {
      pluginFailures.add(what);
    } else {
      LOG.warn("provider failed to load: {}", what);
      failures.add(what);
    }
  }

  /** The plug-in jar that declares the provider class a failure message names, or null. */
  private Path declaringPlugin(String message) {
    String best = null;
    for (String cn : plugins.declaredProviders().keySet()) {
      if (message.contains(cn) && (best == null || cn.length() > best.length())) {
        best = cn;
      }
    }
    return best == null ? null : plugins.declaredProviders().get(best);
  }

  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    Set<Throwable> shown = new HashSet<>();
    for (Throwable c = e.getCause(); c != null && shown.add(c); c = c.getCause()) {
      sb.append("; caused by ").append(c.getClass().getName());
      if (c.getMessage() != null) {
        sb.append(": ").append(c.getMessage());
      }
    }
    return sb.toString();
  }

  private void accept(Spi spi, List<Provider> list) {
    List<Provider> ok = new ArrayList<>();
    for (Provider p : list) {
      int v = p.spiVersion();
      if (SpiVersion.major(v) != SpiVersion.MAJOR) {
        ProviderOrigin o = origin(p);
        String what =
            String.format(
                "%s '%s' (%s, %s) was compiled against SPI %s, this mm-api is %s",
                spi.type().getSimpleName(),
                p.name(),
                p.getClass().getName(),
                o.describe(),
                SpiVersion.format(v),
                SpiVersion.format(SpiVersion.CURRENT));
        if (o.plugin()) {
          pluginFailures.add(what);
        } else {
          LOG.warn("provider rejected: {}", what);
          failures.add(what);
        }
        continue;
      }
      if (SpiVersion.minor(v) != SpiVersion.MINOR) {
        LOG.warn(
            "{} '{}' was compiled against SPI {}, this mm-api is {}",
            spi.type().getSimpleName(),
            p.name(),
            SpiVersion.format(v),
            SpiVersion.format(SpiVersion.CURRENT));
      }
      ok.add(p);
    }
    ok.sort(
        Comparator.comparing((Provider p) -> p.name().toLowerCase(Locale.ROOT))
            .thenComparing(p -> p.getClass().getName()));
    providers.put(spi, List.copyOf(ok));
  }

  /** Every provider of one SPI, by name. */
  public List<Provider> providers(Spi spi) {
    return providers.getOrDefault(spi, List.of());
  }

  /** Providers that failed to load, one line each: plug-ins first, then built-in parts. */
  public List<String> failures() {
    List<String> all = new ArrayList<>(pluginFailures);
    all.addAll(failures);
    return List.copyOf(all);
  }

  /** The plug-in path this registry searched. */
  public PluginPath plugins() {
    return plugins;
  }

  /** Where {@code p} came from, relative to this registry's plug-in path. */
  public ProviderOrigin origin(Provider p) {
    return ProviderOrigin.of(p.getClass(), plugins);
  }

  /**
   * Fails when a provider from the plug-in path could not be loaded (a missing class, a constructor
   * that throws, another SPI major version): a plug-in the user asked for must work. Built-in parts
   * that fail are only reported (logged and listed in {@link #failures()}).
   *
   * @throws ConfigurationException listing every plug-in provider that failed
   */
  public void checkPlugins() {
    if (!pluginFailures.isEmpty()) {
      throw new ConfigurationException(
          PluginPath.KEY,
          String.format(
              "%d plug-in provider%s failed to load:%n  %s%nplug-in path: %s",
              pluginFailures.size(),
              pluginFailures.size() == 1 ? "" : "s",
              String.join(System.lineSeparator() + "  ", pluginFailures),
              plugins.describe()));
    }
  }

  /**
   * Fails when two providers of one SPI share a name, naming both classes and locations.
   *
   * @throws ConfigurationException for the first duplicate found
   */
  public void checkDuplicates() {
    for (Map.Entry<Spi, List<Provider>> e : providers.entrySet()) {
      Map<String, Provider> seen = new LinkedHashMap<>();
      for (Provider p : e.getValue()) {
        Provider other = seen.putIfAbsent(p.name().toLowerCase(Locale.ROOT), p);
        if (other != null) {
          throw new ConfigurationException(
              e.getKey().key(),
              String.format(
                  "two %s providers are named '%s': %s from %s, and %s from %s; remove one of"
                      + " them",
                  e.getKey().type().getSimpleName(),
                  p.name(),
                  other.getClass().getName(),
                  origin(other).describeWithLocation(),
                  p.getClass().getName(),
                  origin(p).describeWithLocation()));
        }
      }
    }
  }

  /**
   * The provider of {@code spi} named {@code name} (case-insensitive), or the highest-priority one
   * when {@code name} is empty.
   *
   * @throws ConfigurationException naming the key and listing every provider found
   */
  public <P extends Provider> P select(Spi spi, Class<P> type, String name) {
    List<Provider> list = providers(spi);
    if (list.isEmpty()) {
      throw new ConfigurationException(
          spi.key(),
          String.format(
              "%s: no %s was found; add %s to the module path or class path%s%nplug-in path"
                  + " searched: %s",
              spi.key(),
              spi.type().getSimpleName(),
              spi.artifact(),
              failureText(),
              plugins.describe()));
    }
    if (name == null || name.isBlank()) {
      int best = Integer.MIN_VALUE;
      List<Provider> top = new ArrayList<>();
      for (Provider p : list) {
        if (p.priority() > best) {
          best = p.priority();
          top.clear();
        }
        if (p.priority() == best) {
          top.add(p);
        }
      }
      if (top.size() > 1) {
        throw new ConfigurationException(
            spi.key(),
            String.format(
                "%s: several providers share the top priority; choose one with %s=NAME:%n%s",
                spi.key(), spi.key(), listing(top)));
      }
      LOG.debug("{}: chose {} by priority among {}", spi.key(), top.get(0).name(), list);
      return type.cast(top.get(0));
    }
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (Provider p : list) {
      if (p.name().toLowerCase(Locale.ROOT).equals(wanted)) {
        LOG.debug("{}: chose {}", spi.key(), p.name());
        return type.cast(p);
      }
    }
    throw new ConfigurationException(
        spi.key(),
        String.format(
            "%s: unknown %s '%s'; the providers found are:%n%s%nplug-in path searched: %s%n"
                + "choose one of them, or add the jar that provides '%s' to the plug-in path,"
                + " module path or class path%s",
            spi.key(),
            spi.type().getSimpleName(),
            name.trim(),
            listing(list),
            plugins.describe(),
            name.trim(),
            failureText()));
  }

  /**
   * Every provider of any SPI with this name (one name may serve several SPIs, like {@code swap}:
   * the swap subsystem and its fault handler), for settings prefixes.
   */
  public List<Provider> findAllByName(String name) {
    List<Provider> found = new ArrayList<>();
    for (List<Provider> list : providers.values()) {
      for (Provider p : list) {
        if (p.name().equalsIgnoreCase(name)) {
          found.add(p);
        }
      }
    }
    return found;
  }

  /** One line per provider: name, description, where it came from (module or jar, version). */
  public String listing(List<Provider> list) {
    StringBuilder sb = new StringBuilder();
    for (Provider p : list) {
      if (sb.length() > 0) {
        sb.append(System.lineSeparator());
      }
      sb.append(
          String.format(
              "  %-10s %s [%s]", p.name(), p.description(), origin(p).describeWithLocation()));
    }
    return sb.toString();
  }

  private String failureText() {
    List<String> all = failures();
    if (all.isEmpty()) {
      return "";
    }
    return System.lineSeparator()
        + "providers that failed to load:"
        + System.lineSeparator()
        + "  "
        + String.join(System.lineSeparator() + "  ", all);
  }
}
